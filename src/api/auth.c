#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app.h"
#include "audit.h"
#include "audit_api.h"
#include "auth.h"
#include "crypto.h"
#include "db.h"
#include "http.h"
#include "jwt.h"
#include "log.h"
#include "throttle.h"
#include "users.h"
#include "valid.h"

enum tick_err
tick_auth_valid_password(const char *pw)
{
	size_t len = pw ? strlen(pw) : 0;

	if (len < TICK_PASSWORD_MIN || len > TICK_PASSWORD_MAX ||
	    !tick_valid_utf8(pw, len))
		return TICK_EINVAL;
	return TICK_OK;
}

enum tick_err
tick_auth_hash_password(const struct tick_config *cfg, const char *pw,
    char *out, size_t outsz)
{
	int yescrypt = strcmp(tick_config_get(cfg, TICK_CFG_PASSWORD_SCHEME),
	                   "yescrypt") == 0;
	struct crypt_data *cd;
	enum tick_err rc = TICK_ESYS;
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	const char *h;

	if (tick_auth_valid_password(pw) != TICK_OK)
		return TICK_EINVAL;
	/* Never count 0: bcrypt would fall to cost 5. yescrypt's 5 is its
	 * recommended default. */
	if (crypt_gensalt_rn(yescrypt ? "$y$" : "$2b$",
	        yescrypt ?
	            5 :
	            (unsigned long)tick_config_num(cfg, TICK_CFG_BCRYPT_COST),
	        NULL, 0, salt, sizeof(salt)) == NULL)
		return TICK_ESYS;
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return TICK_ENOMEM;
	h = crypt_r(pw, salt, cd);
	if (h != NULL && h[0] != '*' && strlen(h) < outsz) {
		memcpy(out, h, strlen(h) + 1);
		rc = TICK_OK;
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return rc;
}

int
tick_auth_check_password(const char *pw, const char *hash)
{
	struct crypt_data *cd;
	const char *h;
	int ok = 0;

	if (pw == NULL || hash == NULL || hash[0] != '$' ||
	    strlen(pw) > TICK_PASSWORD_MAX * 4)
		return 0;
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return 0;
	h = crypt_r(pw, hash, cd);
	if (h != NULL && h[0] != '*')
		ok = tick_crypto_equal(h, strlen(h), hash, strlen(hash));
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

int
tick_auth_needs_rehash(const struct tick_config *cfg, const char *hash)
{
	long long cost;

	if (strcmp(tick_config_get(cfg, TICK_CFG_PASSWORD_SCHEME),
	        "yescrypt") == 0)
		return strncmp(hash, "$y$", 3) != 0;
	/* $2b$NN$...: PHP's $2y$ and the old $2a$ are upgraded too. */
	if (strncmp(hash, "$2b$", 4) != 0 || strlen(hash) < 7 ||
	    hash[6] != '$' ||
	    tick_valid_num(hash + 4, 2, 4, 31, &cost) != TICK_OK)
		return 1;
	return cost < tick_config_num(cfg, TICK_CFG_BCRYPT_COST);
}

enum tick_err
tick_auth_generate_password(char *out, size_t outsz)
{
	static const char alphabet[] =
	    "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char rnd[TICK_PASSWORD_GENERATED];

	if (outsz < TICK_PASSWORD_GENERATED + 1 ||
	    tick_crypto_random(rnd, sizeof(rnd)) != 0)
		return TICK_ESYS;
	/* 56 letters: the bias of % is under 1/4, harmless at 20 characters. */
	for (size_t i = 0; i < TICK_PASSWORD_GENERATED; i++)
		out[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
	out[TICK_PASSWORD_GENERATED] = '\0';
	return TICK_OK;
}

/* The CSRF token of a session: HMAC of its id, so nothing is stored. */
static void
csrf_of(const char *secret, const char *jti, char out[65])
{
	unsigned char mac[TICK_SHA256_LEN];

	if (tick_crypto_hmac_sha256(secret, strlen(secret), jti, strlen(jti),
	        mac) != 0)
		memset(mac, 0, sizeof(mac));
	tick_crypto_hex(mac, sizeof(mac), out);
}

enum tick_err
tick_auth_request(struct tick_req *req, enum tick_perm perm)
{
	const char *secret = tick_config_get(&req->app->cfg,
	    TICK_CFG_JWT_SECRET);
	const char *authz = tick_http_param(req, "HTTP_AUTHORIZATION");
	const char *cookies = tick_http_param(req, "HTTP_COOKIE");
	char cookie[TICK_JWT_MAX + 1];
	const char *token = NULL;
	struct tick_jwt_claims c;
	enum tick_err rc;
	int via_cookie = 0;

	memset(&req->user, 0, sizeof(req->user));
	if (authz != NULL && strncasecmp(authz, "Bearer ", 7) == 0)
		token = authz + 7;
	else if (cookies != NULL &&
	    tick_http_cookie_get(cookies, TICK_COOKIE_SESSION, cookie,
	        sizeof(cookie)) == TICK_OK &&
	    cookie[0] != '\0') {
		token = cookie;
		via_cookie = 1;
	}
	if (token == NULL) {
		tick_http_fail(req, 401, TICK_EUNAUTH,
		    "authentication_required", "sign in first", NULL);
		return TICK_EUNAUTH;
	}
	if (secret == NULL ||
	    tick_jwt_verify(secret, token, strlen(token), time(NULL), &c) !=
	        TICK_OK) {
		tick_http_fail(req, 401, TICK_EUNAUTH, "invalid_token",
		    "the session is invalid or has expired; sign in again",
		    NULL);
		return TICK_EUNAUTH;
	}
	rc = tick_user_session(req->app->db, c.sub, c.ver, c.jti, &req->user);
	if (rc == TICK_EUNAUTH) {
		tick_http_fail(req, 401, rc, "session_ended",
		    "the session has ended; sign in again", NULL);
		return rc;
	}
	if (rc != TICK_OK) {
		tick_http_fail(req, 503, rc, NULL,
		    "the database is unreachable", NULL);
		return rc;
	}
	memcpy(req->user.jti, c.jti, sizeof(c.jti));
	req->user.exp = c.exp;
	req->user.via_cookie = via_cookie;
	/* Double submit: the header must repeat the session's CSRF token. */
	if (via_cookie && strcmp(req->method, "GET") != 0 &&
	    strcmp(req->method, "HEAD") != 0) {
		const char *hdr = tick_http_param(req, TICK_HEADER_CSRF);
		char want[65], cookie_csrf[65];

		csrf_of(secret, c.jti, want);
		if (hdr == NULL ||
		    tick_http_cookie_get(cookies, TICK_COOKIE_CSRF, cookie_csrf,
		        sizeof(cookie_csrf)) != TICK_OK ||
		    !tick_crypto_equal(hdr, strlen(hdr), cookie_csrf,
		        strlen(cookie_csrf)) ||
		    !tick_crypto_equal(hdr, strlen(hdr), want, strlen(want))) {
			tick_http_fail(req, 403, TICK_EFORBIDDEN, "csrf_failed",
			    "the X-CSRF-Token header is missing or wrong",
			    NULL);
			return TICK_EFORBIDDEN;
		}
	}
	if (!tick_role_allows(req->user.role, perm)) {
		tick_http_fail(req, 403, TICK_EFORBIDDEN, "forbidden",
		    "your role may not do this", NULL);
		return TICK_EFORBIDDEN;
	}
	return TICK_OK;
}

/* Sets the session and CSRF cookies and fills data with the token. */
static enum tick_err
start_session(struct tick_req *req, long long id, enum tick_role role,
    long long version, json_t *data)
{
	const struct tick_config *cfg = &req->app->cfg;
	const char *secret = tick_config_get(cfg, TICK_CFG_JWT_SECRET);
	long long ttl = tick_config_num(cfg, TICK_CFG_JWT_EXPIRES_IN);
	unsigned char rnd[16];
	struct tick_jwt_claims c;
	char csrf[65], cookie[TICK_JWT_MAX + 128];
	char *token;

	memset(&c, 0, sizeof(c));
	if (tick_crypto_random(rnd, sizeof(rnd)) != 0)
		return TICK_ESYS;
	tick_crypto_hex(rnd, sizeof(rnd), c.jti);
	c.sub = id;
	c.ver = version;
	c.iat = (long long)time(NULL);
	c.exp = c.iat + ttl;
	snprintf(c.role, sizeof(c.role), "%s", tick_role_name(role));
	if ((token = tick_jwt_sign(secret, &c)) == NULL)
		return TICK_ENOMEM;
	csrf_of(secret, c.jti, csrf);
	snprintf(cookie, sizeof(cookie),
	    "%s=%s; Path=/; Max-Age=%lld; HttpOnly; Secure; SameSite=Strict",
	    TICK_COOKIE_SESSION, token, ttl);
	tick_http_header(req, "Set-Cookie", cookie);
	snprintf(cookie, sizeof(cookie),
	    "%s=%s; Path=/; Max-Age=%lld; Secure; SameSite=Strict",
	    TICK_COOKIE_CSRF, csrf, ttl);
	tick_http_header(req, "Set-Cookie", cookie);
	json_object_set_new(data, "token", json_string(token));
	json_object_set_new(data, "csrf_token", json_string(csrf));
	json_object_set_new(data, "expires_at",
	    json_integer((json_int_t)c.exp));
	free(token);
	return TICK_OK;
}

static void
clear_cookies(struct tick_req *req)
{
	tick_http_header(req, "Set-Cookie",
	    TICK_COOKIE_SESSION
	    "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
	tick_http_header(req, "Set-Cookie",
	    TICK_COOKIE_CSRF "=; Path=/; Max-Age=0; Secure; SameSite=Strict");
}

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
	    (tick_auth_generate_password(pw, sizeof(pw)) != TICK_OK ||
	        tick_auth_hash_password(cfg, pw, hash, sizeof(hash)) !=
	            TICK_OK))
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
		tick_http_fail(req, 422, TICK_EINVAL, "validation_failed",
		    "email and password are required", errors);
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
	ok = tick_auth_check_password(pw,
	    rc == TICK_OK ? u.hash : dummy_hash(cfg));
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
	if (tick_auth_needs_rehash(cfg, u.hash)) {
		char hash[TICK_HASH_MAX];

		if (tick_auth_hash_password(cfg, pw, hash, sizeof(hash)) ==
		    TICK_OK)
			(void)tick_user_set_hash(db, u.id, hash, 0);
	}
	if ((rc = tick_user_login_ok(db, u.id)) != TICK_OK ||
	    (data = json_object()) == NULL ||
	    (rc = start_session(req, u.id, u.role, u.token_version, data)) !=
	        TICK_OK) {
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
	enum tick_err rc = tick_user_revoke(req->app->db, req->user.jti,
	    req->user.id, req->user.exp);

	if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	(void)tick_audit_req(req, "auth.logout", NULL, 0, NULL);
	clear_cookies(req);
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
	for (int p = TICK_PERM_SIGNED_IN; p < TICK_PERM__MAX; p++) {
		static const char *const names[TICK_PERM__MAX] = {
			[TICK_PERM_SIGNED_IN] = "signed_in",
			[TICK_PERM_TICKETS_READ] = "tickets.read",
			[TICK_PERM_TICKETS_WORK] = "tickets.work",
			[TICK_PERM_TICKETS_ADMIN] = "tickets.admin",
			[TICK_PERM_WA_SEND] = "whatsapp.send",
			[TICK_PERM_WA_STATUS] = "whatsapp.status",
			[TICK_PERM_WA_SIMULATE] = "whatsapp.simulate",
			[TICK_PERM_USERS] = "users",
			[TICK_PERM_AUDIT] = "audit",
			[TICK_PERM_STATS] = "stats",
			[TICK_PERM_REPORTS] = "reports",
		};

		if (tick_role_allows(req->user.role, (enum tick_perm)p))
			json_array_append_new(json_object_get(user,
			                          "permissions"),
			    json_string(names[p]));
	}
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
		tick_http_fail(req, 422, TICK_EINVAL, "validation_failed",
		    "current_password and new_password (10 to 128 bytes) are required",
		    errors);
		goto out;
	}
	if ((rc = tick_user_by_email(db, req->user.email, &u)) != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	if (!tick_auth_check_password(json_string_value(json_object_get(body,
	                                  "current_password")),
	        u.hash)) {
		tick_http_fail(req, 403, TICK_EFORBIDDEN, "wrong_password",
		    "the current password is wrong", NULL);
		goto out;
	}
	/* The new version ends every other session; this one gets a new token. */
	if ((rc = tick_auth_hash_password(cfg,
	         json_string_value(json_object_get(body, "new_password")), hash,
	         sizeof(hash))) != TICK_OK ||
	    (rc = tick_user_set_hash(db, u.id, hash, 1)) != TICK_OK ||
	    (data = json_object()) == NULL ||
	    (rc = start_session(req, u.id, u.role, u.token_version + 1,
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
