#include <string.h>

#include "app.h"
#include "audit.h"
#include "audit_api.h"
#include "db.h"
#include "http.h"
#include "passwords.h"
#include "user.h"
#include "users.h"
#include "valid.h"

void
tick_users_list(struct tick_req *req)
{
	long long page, limit, total = 0;
	json_t *items = NULL;
	enum tick_err rc;

	if (tick_http_page(req, &page, &limit) != TICK_OK)
		return;
	rc = tick_user_list(req->app->db, limit, (page - 1) * limit, &items,
	    &total);
	if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok_page(req, items, total, page, limit);
}

static const char *const role_names[] = { "super_admin", "site_manager",
	"agent", "reporter", NULL };

static const struct tick_field create_fields[] = {
	{ "email", TICK_FIELD_EMAIL, 1, 3, TICK_USER_EMAIL_MAX, NULL },
	{ "name", TICK_FIELD_TEXT, 1, 1, TICK_USER_NAME_MAX, NULL },
	{ "role", TICK_FIELD_ENUM, 1, 0, 0, role_names },
	{ "password", TICK_FIELD_PASSWORD, 0, TICK_PASSWORD_MIN,
	    TICK_PASSWORD_MAX, NULL },
	{ "active", TICK_FIELD_BOOL, 0, 0, 0, NULL },
};

static const struct tick_field update_fields[] = {
	{ "email", TICK_FIELD_EMAIL, 0, 3, TICK_USER_EMAIL_MAX, NULL },
	{ "name", TICK_FIELD_TEXT, 0, 1, TICK_USER_NAME_MAX, NULL },
	{ "role", TICK_FIELD_ENUM, 0, 0, 0, role_names },
	{ "password", TICK_FIELD_PASSWORD, 0, TICK_PASSWORD_MIN,
	    TICK_PASSWORD_MAX, NULL },
	{ "active", TICK_FIELD_BOOL, 0, 0, 0, NULL },
};

/* Answers 422 with the per-field details when body breaks fields. */
static int
invalid(struct tick_req *req, json_t *body, const struct tick_field *f,
    size_t n)
{
	json_t *errors = NULL;
	enum tick_err rc = tick_valid_fields(body, f, n, &errors);

	if (rc == TICK_OK)
		return 0;
	if (rc == TICK_EINVAL)
		tick_http_invalid(req, "some fields are missing or invalid",
		    errors);
	else
		tick_http_fail(req, 0, rc, NULL, NULL, errors);
	return 1;
}

void
tick_users_create(struct tick_req *req)
{
	json_t *body = tick_http_json_body(req), *user = NULL;
	char hash[TICK_HASH_MAX], generated[TICK_PASSWORD_GENERATED + 1] = "";
	const char *email, *name, *pw;
	long long id = 0;
	enum tick_err rc;
	json_t *active;

	if (body == NULL)
		return;
	if (invalid(req, body, create_fields,
	        sizeof(create_fields) / sizeof(create_fields[0])))
		goto out;
	email = json_string_value(json_object_get(body, "email"));
	name = json_string_value(json_object_get(body, "name"));
	pw = json_string_value(json_object_get(body, "password"));
	active = json_object_get(body, "active");
	if (pw == NULL || *pw == '\0') {
		if (tick_password_generate(generated, sizeof(generated)) !=
		    TICK_OK) {
			tick_http_fail(req, 500, TICK_ESYS, NULL, NULL, NULL);
			goto out;
		}
		pw = generated;
	}
	if ((rc = tick_password_hash(&req->app->cfg, pw, hash, sizeof(hash))) !=
	    TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, "could not hash the password",
		    NULL);
		goto out;
	}
	rc = tick_user_create(req->app->db, email, name, hash,
	    (enum tick_role)tick_role_parse(
	        json_string_value(json_object_get(body, "role"))),
	    active == NULL || json_is_true(active), &id);
	if (rc == TICK_ECONFLICT) {
		tick_http_fail(req, 409, rc, "email_taken",
		    "a user with this e-mail already exists", NULL);
		goto out;
	}
	if (rc == TICK_OK)
		rc = tick_audit_req(req, "user.create", "user", id,
		    json_pack("{s:s, s:s}", "email", email, "role",
		        json_string_value(json_object_get(body, "role"))));
	if (rc != TICK_OK ||
	    (user = tick_user_json(req->app->db, id, &rc)) == NULL) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	if (generated[0] != '\0')
		json_object_set_new(user, "generated_password",
		    json_string(generated));
	tick_http_ok(req, 201, user, "user created");
out:
	json_decref(body);
}

void
tick_users_get(struct tick_req *req)
{
	long long id = tick_http_param_id(req, 0);
	enum tick_err rc = TICK_ENOTFOUND;
	json_t *user = id ? tick_user_json(req->app->db, id, &rc) : NULL;

	if (user == NULL)
		tick_http_fail(req, 0, rc, NULL,
		    rc == TICK_ENOTFOUND ? "no such user" : NULL, NULL);
	else
		tick_http_ok(req, 200, user, NULL);
}

/*
 * Applies body's changes to user id and audits them as action, in one
 * transaction. *refused when the change would leave no active super_admin,
 * *dup when the new e-mail is taken.
 */
static enum tick_err
apply_update(struct tick_req *req, long long id, json_t *body,
    const char *action, int *refused, int *dup)
{
	const char *email = json_string_value(json_object_get(body, "email"));
	const char *name = json_string_value(json_object_get(body, "name"));
	const char *role = json_string_value(json_object_get(body, "role"));
	const char *pw = json_string_value(json_object_get(body, "password"));
	json_t *active = json_object_get(body, "active");
	struct tick_db *db = req->app->db;
	char hash[TICK_HASH_MAX];
	enum tick_err rc;
	int demote;

	*refused = *dup = 0;
	if (pw != NULL && *pw != '\0' &&
	    (rc = tick_password_hash(&req->app->cfg, pw, hash, sizeof(hash))) !=
	        TICK_OK)
		return rc;
	demote = (role != NULL && strcmp(role, "super_admin") != 0) ||
	    json_is_false(active);
	if ((rc = tick_db_begin(db)) != TICK_OK)
		return rc;
	if (demote &&
	    ((rc = tick_user_last_admin(db, id, refused)) != TICK_OK ||
	        *refused))
		goto out;
	/* A new password or a deactivation ends every token of the user. */
	rc = tick_user_update(db, id, email, name,
	    role != NULL ? tick_role_parse(role) : -1,
	    active != NULL && json_is_boolean(active) ? json_is_true(active) :
	                                                -1,
	    pw && *pw ? hash : NULL, (pw && *pw) || json_is_false(active));
	if (rc == TICK_ECONFLICT) {
		*dup = 1;
		goto out;
	}
	if (rc == TICK_OK) {
		json_t *changed = json_object();
		const char *k;
		json_t *v;

		json_object_foreach (body, k, v)
			if (strcmp(k, "password") != 0 &&
			    (strcmp(k, "email") == 0 ||
			        strcmp(k, "name") == 0 ||
			        strcmp(k, "role") == 0 ||
			        strcmp(k, "active") == 0))
				json_object_set(changed, k, v);
		if (pw != NULL && *pw != '\0')
			json_object_set_new(changed, "password",
			    json_string("changed"));
		rc = tick_audit_req(req, action, "user", id, changed);
	}
	if (rc == TICK_OK)
		return tick_db_commit(db);
out:
	tick_db_rollback(db);
	return rc;
}

void
tick_users_update(struct tick_req *req)
{
	long long id = tick_http_param_id(req, 0);
	json_t *body, *user = NULL;
	enum tick_err rc;
	int refused, dup;

	if (id == 0 || (user = tick_user_json(req->app->db, id, &rc)) == NULL) {
		tick_http_fail(req, 404, TICK_ENOTFOUND, NULL, "no such user",
		    NULL);
		return;
	}
	json_decref(user);
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if (invalid(req, body, update_fields,
	        sizeof(update_fields) / sizeof(update_fields[0])))
		goto out;
	rc = apply_update(req, id, body, "user.update", &refused, &dup);
	if (refused)
		tick_http_fail(req, 409, TICK_ECONFLICT, "last_super_admin",
		    "the last active super_admin cannot be demoted or deactivated",
		    NULL);
	else if (dup)
		tick_http_fail(req, 409, TICK_ECONFLICT, "email_taken",
		    "a user with this e-mail already exists", NULL);
	else if (rc != TICK_OK ||
	    (user = tick_user_json(req->app->db, id, &rc)) == NULL)
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
	else
		tick_http_ok(req, 200, user, "user updated");
out:
	json_decref(body);
}

void
tick_users_delete(struct tick_req *req)
{
	long long id = tick_http_param_id(req, 0);
	json_t *user = NULL, *body;
	enum tick_err rc;
	int refused, dup;

	if (id == 0 || (user = tick_user_json(req->app->db, id, &rc)) == NULL) {
		tick_http_fail(req, 404, TICK_ENOTFOUND, NULL, "no such user",
		    NULL);
		return;
	}
	json_decref(user);
	if (id == req->user.id) {
		tick_http_fail(req, 409, TICK_ECONFLICT, "cannot_delete_self",
		    "you cannot delete your own account", NULL);
		return;
	}
	/* Deleting deactivates: the record and its history stay. */
	body = json_pack("{s:b}", "active", 0);
	rc = apply_update(req, id, body, "user.deactivate", &refused, &dup);
	json_decref(body);
	if (refused)
		tick_http_fail(req, 409, TICK_ECONFLICT, "last_super_admin",
		    "the last active super_admin cannot be deleted", NULL);
	else if (rc != TICK_OK)
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
	else
		tick_http_ok(req, 200,
		    json_pack("{s:I, s:b}", "id", (json_int_t)id, "active", 0),
		    "user deactivated");
}
