#include <stdio.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "audit_api.h"
#include "auth.h"
#include "db.h"
#include "http.h"
#include "passwords.h"
#include "session.h"
#include "throttle.h"
#include "user.h"
#include "valid.h"

static const struct tick_field login_fields[] = {
	{ "email", TICK_FIELD_EMAIL, 1, 3, 254, NULL },
	{ "password", TICK_FIELD_PASSWORD, 1, 1, 1024, NULL },
};

/* A hash to check against when the e-mail is unknown, so that a wrong
 * e-mail costs as long as a wrong password. Made once per worker. */
static const char *
dummy_hash(const struct tick_config *cfg)
{
	static char hash[TICK_HASH_MAX];
	char pw[TICK_PASSWORD_GENERATED + 1];

	if (hash[0] == '\0' &&
	    (tick_password_generate(pw, sizeof(pw)) != TICK_OK ||
	        tick_password_hash(cfg, pw, hash, sizeof(hash)) != TICK_OK))
		hash[0] = '\0';
	return hash;
}

void
tick_auth_login(struct tick_req *req)
{
	const struct tick_config *cfg = &req->app->cfg;
	struct tick_db *db = req->app->db;
	json_t *body = tick_http_json_body(req), *errors = NULL, *data = NULL;
	const char *email, *pw;
	char folded[TICK_USER_EMAIL_MAX + 1], addr[65];
	struct tick_user u;
	enum tick_err rc;
	int ok, locked = 0, locked_now = 0;
	long long max = tick_config_num(cfg, TICK_CFG_LOGIN_MAX_FAILURES);

	if (body == NULL)
		return;
	if (tick_valid_fields(body, login_fields, 2, &errors) != TICK_OK) {
		tick_http_invalid(req, "email and password are required",
		    errors);
		goto out;
	}
	email = json_string_value(json_object_get(body, "email"));
	pw = json_string_value(json_object_get(body, "password"));
	/* Valid: ASCII of at most TICK_USER_EMAIL_MAX bytes. */
	snprintf(folded, sizeof(folded), "%s", email);
	tick_user_fold_email(folded);
	snprintf(addr, sizeof(addr), "%s", req->remote_addr); /* an address */
	/* The attempt is counted under a lock of its (e-mail, address) pair,
	 * so concurrent guesses are counted one by one. */
	if ((rc = tick_throttle_begin(db, folded, addr, &locked)) != TICK_OK) {
		tick_http_fail(req, 503, rc, NULL,
		    "the database is unreachable", NULL);
		goto out;
	}
	rc = tick_user_by_email(db, folded, &u);
	/* Always one hash check, whatever is wrong, so answers take as long. */
	ok = tick_password_check(pw, rc == TICK_OK ? u.hash : dummy_hash(cfg));
	ok = ok && rc == TICK_OK && u.active && !locked;
	if (rc != TICK_OK && rc != TICK_ENOTFOUND) {
		tick_db_rollback(db);
		tick_http_fail(req, 503, rc, NULL,
		    "the database is unreachable", NULL);
		goto out;
	}
	if ((rc = tick_throttle_end(db, folded, addr, ok, !locked, max,
	         tick_config_num(cfg, TICK_CFG_LOGIN_LOCK_MINUTES),
	         &locked_now)) != TICK_OK) {
		tick_http_fail(req, 503, rc, NULL,
		    "the database is unreachable", NULL);
		goto out;
	}
	if (!ok) {
		int known = u.id != 0;
		const char *why = !known ? "unknown_email" :
		    !u.active            ? "inactive" :
		    locked               ? "locked" :
		                           "wrong_password";

		/* The account's own count and lock are what the panel shows;
		 * the pair's decide. */
		if (known && u.active && !locked)
			(void)tick_user_login_failed(db, u.id, max,
			    tick_config_num(cfg, TICK_CFG_LOGIN_LOCK_MINUTES));
		if (known && locked_now)
			(void)tick_audit(db, u.id, u.email, "auth.lockout",
			    "user", NULL, addr,
			    json_pack("{s:I, s:s}", "failures", (json_int_t)max,
			        "address", addr));
		(void)tick_audit(db, known ? u.id : 0, email,
		    "auth.login_failed", NULL, NULL, addr,
		    json_pack("{s:s}", "reason", why));
		/* One answer for every cause: it never tells whether the
		 * e-mail exists. */
		tick_http_fail(req, 401, TICK_EUNAUTH, "invalid_credentials",
		    "wrong e-mail or password, or the account is locked for a "
		    "while after repeated failures",
		    NULL);
		goto out;
	}
	if (tick_password_needs_rehash(cfg, u.hash)) {
		char hash[TICK_HASH_MAX];

		if (tick_password_hash(cfg, pw, hash, sizeof(hash)) == TICK_OK)
			(void)tick_user_set_hash(db, u.id, hash, 0);
	}
	if ((rc = tick_user_login_ok(db, u.id)) != TICK_OK ||
	    (data = json_object()) == NULL ||
	    (rc = tick_session_start(req, u.id, u.role, u.token_version,
	         data)) != TICK_OK) {
		tick_http_fail(req, 0, rc == TICK_OK ? TICK_ENOMEM : rc, NULL,
		    NULL, NULL);
		json_decref(data);
		goto out;
	}
	json_object_set_new(data, "user",
	    json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)u.id, "email",
	        u.email, "name", u.name, "role", tick_role_name(u.role)));
	(void)tick_audit(db, u.id, u.email, "auth.login", NULL, NULL,
	    req->remote_addr, NULL);
	tick_http_ok(req, 200, data, "signed in");
out:
	json_decref(body);
}

void
tick_auth_logout(struct tick_req *req)
{
	enum tick_err rc;

	if (req->user.token_id != 0) {
		tick_http_fail(req, 409, TICK_ECONFLICT, "api_token",
		    "an API token does not sign out: revoke it with "
		    "DELETE /api/tokens/:id",
		    NULL);
		return;
	}
	if ((rc = tick_session_end(req)) != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	(void)tick_audit_req(req, "auth.logout", NULL, 0, NULL);
	tick_http_ok(req, 200, NULL, "signed out");
}

void
tick_auth_me(struct tick_req *req)
{
	enum tick_err rc;
	json_t *user = tick_user_json(req->app->db, req->user.id, &rc);

	if (user == NULL) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	/* What the panel checks before it reads a file. */
	json_object_set_new(user, "limits",
	    json_pack("{s:I}", "max_file_size",
	        (json_int_t)tick_config_num(&req->app->cfg,
	            TICK_CFG_MAX_FILE_SIZE)));
	json_object_set_new(user, "permissions", json_array());
	for (int p = TICK_PERM_SIGNED_IN; p < TICK_PERM__MAX; p++)
		if (tick_session_may(req, (enum tick_perm)p))
			json_array_append_new(json_object_get(user,
			                          "permissions"),
			    json_string(tick_perm_name((enum tick_perm)p)));
	tick_http_ok(req, 200, user, NULL);
}

static const struct tick_field password_fields[] = {
	{ "current_password", TICK_FIELD_PASSWORD, 1, 1, 1024, NULL },
	{ "new_password", TICK_FIELD_PASSWORD, 1, TICK_PASSWORD_MIN,
	    TICK_PASSWORD_MAX, NULL },
};

void
tick_auth_password(struct tick_req *req)
{
	const struct tick_config *cfg = &req->app->cfg;
	struct tick_db *db = req->app->db;
	json_t *body = tick_http_json_body(req), *errors = NULL, *data = NULL;
	char hash[TICK_HASH_MAX];
	struct tick_user u;
	enum tick_err rc;

	if (body == NULL)
		return;
	if (tick_valid_fields(body, password_fields, 2, &errors) != TICK_OK) {
		tick_http_invalid(req,
		    "current_password and new_password (10 to 128 bytes) are required",
		    errors);
		goto out;
	}
	if ((rc = tick_user_by_email(db, req->user.email, &u)) != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	if (!tick_password_check(json_string_value(
	                             json_object_get(body, "current_password")),
	        u.hash)) {
		tick_http_fail(req, 403, TICK_EFORBIDDEN, "wrong_password",
		    "the current password is wrong", NULL);
		goto out;
	}
	/* The new version ends every other session; this one gets a new token. */
	if ((rc = tick_password_hash(cfg,
	         json_string_value(json_object_get(body, "new_password")), hash,
	         sizeof(hash))) != TICK_OK ||
	    (rc = tick_user_set_hash(db, u.id, hash, 1)) != TICK_OK ||
	    (data = json_object()) == NULL ||
	    (rc = tick_session_start(req, u.id, u.role, u.token_version + 1,
	         data)) != TICK_OK) {
		tick_http_fail(req, 0, rc == TICK_OK ? TICK_ENOMEM : rc, NULL,
		    NULL, NULL);
		json_decref(data);
		goto out;
	}
	(void)tick_audit_req(req, "auth.password_change", "user", u.id, NULL);
	tick_http_ok(req, 200, data, "password changed; other sessions ended");
out:
	json_decref(body);
}
