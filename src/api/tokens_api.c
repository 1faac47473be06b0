#include <stdio.h>
#include <string.h>

#include "apikey.h"
#include "app.h"
#include "audit_api.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "json.h"
#include "roles.h"
#include "session.h"
#include "tokens.h"
#include "tokens_api.h"
#include "user.h"
#include "valid.h"

/* Most tokens one list shows. */
#define TOKENS_LIST_MAX 500
/* A new token lives this many days unless the body asks otherwise. */
#define TOKEN_DEFAULT_DAYS 90

static int
is_admin(const struct tick_req *req)
{
	return req->user.role == TICK_ROLE_SUPER_ADMIN &&
	    req->user.token_id == 0;
}

void
tick_tokens_api_list(struct tick_req *req)
{
	long long user = req->user.id;
	json_t *items = NULL;
	enum tick_err rc;
	char v[32];

	/* A super admin sees every token, or one user's with ?user_id=. */
	if (req->user.role == TICK_ROLE_SUPER_ADMIN) {
		user = 0;
		if (tick_http_query_get(req->query, "user_id", v, sizeof(v)) ==
		        TICK_OK &&
		    tick_valid_num(v, strlen(v), 1, 4294967295LL, &user) !=
		        TICK_OK) {
			tick_http_fail(req, 400, TICK_EINVAL, "bad_request",
			    "user_id must be a user id", NULL);
			return;
		}
	}
	rc = tick_tokens_list(req->app->db, user, TOKENS_LIST_MAX, &items);
	tick_http_ok_list(req, rc, items);
}

/*
 * The body's scopes as a comma-separated list into csv: a non-empty array
 * of permission names, each one role allows. Adds a sentence to errors
 * otherwise.
 */
static void
scopes_arg(json_t *body, enum tick_role role, char *csv, size_t csvsz,
    json_t *errors)
{
	json_t *a = json_object_get(body, "scopes"), *v;
	char msg[160];
	size_t i, o = 0;
	unsigned seen = 0;

	csv[0] = '\0';
	if (!json_is_array(a) || json_array_size(a) == 0) {
		json_object_set_new(errors, "scopes",
		    json_string("must be a list of permission names, such as "
		                "[\"tickets.read\"]"));
		return;
	}
	json_array_foreach (a, i, v) {
		const char *s = json_string_value(v);
		int p = s != NULL ? tick_perm_parse(s) : -1;
		size_t n;

		if (p < 0 || p == TICK_PERM_SIGNED_IN) {
			snprintf(msg, sizeof(msg), "%.60s is not a permission",
			    s != NULL ? s : "a non-string");
			json_object_set_new(errors, "scopes", json_string(msg));
			return;
		}
		if (!tick_role_allows(role, (enum tick_perm)p)) {
			snprintf(msg, sizeof(msg),
			    "the owner's role (%s) does not have %s",
			    tick_role_name(role), s);
			json_object_set_new(errors, "scopes", json_string(msg));
			return;
		}
		if (seen & (1u << p))
			continue;
		seen |= 1u << p;
		n = strlen(s);
		if (o + n + 2 > csvsz)
			break; /* cannot happen: each name once */
		if (o > 0)
			csv[o++] = ',';
		memcpy(csv + o, s, n + 1);
		o += n;
	}
}

static const struct tick_field create_fields[] = {
	{ "name", TICK_FIELD_TEXT, 1, 1, 100, NULL },
	{ "user_id", TICK_FIELD_ID, 0, 0, 0, NULL },
};

void
tick_tokens_api_create(struct tick_req *req)
{
	const struct tick_config *cfg = &req->app->cfg;
	json_t *body = NULL, *errors = NULL, *t = NULL, *days_v, *owner_j;
	long long owner = req->user.id, days = TOKEN_DEFAULT_DAYS, id = 0;
	long long max_days = tick_config_num(cfg, TICK_CFG_TOKEN_MAX_DAYS);
	char token[TICK_APIKEY_LEN + 1], selector[TICK_APIKEY_SELECTOR + 1],
	    hash[65], csv[TICK_TOKEN_SCOPES_MAX + 1];
	enum tick_role role = req->user.role;
	enum tick_err rc;

	/* A token never makes another: a stolen one cannot outlive its
	 * revocation that way. */
	if (req->user.token_id != 0) {
		tick_http_fail(req, 403, TICK_EFORBIDDEN, "session_required",
		    "tokens are made from a signed-in session, not a token",
		    NULL);
		return;
	}
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	(void)tick_valid_fields(body, create_fields,
	    sizeof(create_fields) / sizeof(create_fields[0]), &errors);
	if (errors == NULL && (errors = json_object()) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		goto out;
	}
	if (json_object_get(body, "user_id") != NULL &&
	    json_object_get(errors, "user_id") == NULL) {
		owner = tick_json_id(body, "user_id");
		if (owner != req->user.id && !is_admin(req)) {
			tick_http_fail(req, 403, TICK_EFORBIDDEN, "forbidden",
			    "only a super_admin makes tokens for someone else",
			    NULL);
			goto out;
		}
	}
	if (owner != req->user.id && json_object_size(errors) == 0) {
		/* The scopes are checked against the owner's role. */
		owner_j = tick_user_json(req->app->db, owner, &rc);
		if (owner_j == NULL && rc != TICK_ENOTFOUND) {
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
			goto out;
		}
		if (owner_j == NULL ||
		    !json_is_true(json_object_get(owner_j, "active"))) {
			json_object_set_new(errors, "user_id",
			    json_string("no such active user"));
		} else
			role = (enum tick_role)tick_role_parse(
			    json_string_value(
			        json_object_get(owner_j, "role")));
		json_decref(owner_j);
	}
	if ((days_v = json_object_get(body, "expires_in_days")) != NULL) {
		days = json_is_integer(days_v) ? json_integer_value(days_v) : 0;
		if (days < 1 || days > max_days) {
			char msg[96];

			snprintf(msg, sizeof(msg),
			    "must be a whole number of days, 1 to %lld",
			    max_days);
			json_object_set_new(errors, "expires_in_days",
			    json_string(msg));
		}
	}
	if (json_object_get(errors, "user_id") == NULL)
		scopes_arg(body, role, csv, sizeof(csv), errors);
	if (json_object_size(errors) > 0) {
		tick_http_invalid(req, "some fields are missing or invalid",
		    errors);
		errors = NULL;
		goto out;
	}
	if (tick_apikey_new(token, selector) != 0 ||
	    tick_apikey_hash(token, strlen(token), hash) != 0) {
		tick_http_fail(req, 500, TICK_ESYS, NULL, NULL, NULL);
		goto out;
	}
	if ((rc = tick_db_begin(req->app->db)) != TICK_OK ||
	    (rc = tick_tokens_create(req->app->db, owner,
	         json_string_value(json_object_get(body, "name")), selector,
	         hash, csv, days, req->user.id, &id)) != TICK_OK ||
	    (rc = tick_audit_req(req, "token.create", "api_token", id,
	         json_pack("{s:I, s:s, s:I}", "user_id", (json_int_t)owner,
	             "scopes", csv, "expires_in_days", (json_int_t)days))) !=
	        TICK_OK ||
	    (t = tick_tokens_json(req->app->db, id, &rc)) == NULL ||
	    (rc = tick_db_commit(req->app->db)) != TICK_OK) {
		tick_db_rollback(req->app->db);
		json_decref(t);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	/* The only time the token is ever shown. */
	json_object_set_new(t, "token", json_string(token));
	tick_http_ok(req, 201, t,
	    "copy the token now: tick keeps only its hash and cannot show it "
	    "again");
out:
	json_decref(errors);
	json_decref(body);
}

void
tick_tokens_api_revoke(struct tick_req *req)
{
	long long id = tick_http_param_id(req, 0), owner = 0, changed = 0;
	enum tick_err rc;
	json_t *t;

	rc = id > 0 ? tick_tokens_owner(req->app->db, id, &owner) :
	              TICK_ENOTFOUND;
	/* Someone else's token does not exist for a user. */
	if (rc == TICK_OK && owner != req->user.id &&
	    req->user.role != TICK_ROLE_SUPER_ADMIN)
		rc = TICK_ENOTFOUND;
	if (rc == TICK_OK) {
		if ((rc = tick_db_begin(req->app->db)) == TICK_OK &&
		    (rc = tick_tokens_revoke(req->app->db, id, &changed)) ==
		        TICK_OK &&
		    (changed == 0 ||
		        (rc = tick_audit_req(req, "token.revoke", "api_token",
		             id, NULL)) == TICK_OK))
			rc = tick_db_commit(req->app->db);
		if (rc != TICK_OK)
			tick_db_rollback(req->app->db);
	}
	if (rc != TICK_OK ||
	    (t = tick_tokens_json(req->app->db, id, &rc)) == NULL) {
		tick_http_fail(req, 0, rc, NULL,
		    rc == TICK_ENOTFOUND ? "no such token" : NULL, NULL);
		return;
	}
	tick_http_ok(req, 200, t,
	    changed ? "token revoked" : "the token was already revoked");
}
