#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit_api.h"
#include "canned.h"
#include "canned_api.h"
#include "db.h"
#include "http.h"
#include "interactive.h"
#include "json.h"
#include "valid.h"

static void
not_found(struct tick_req *req)
{
	tick_http_fail(req, 404, TICK_ENOTFOUND, "not_found",
	    "no such canned reply", NULL);
}

/* A code: 1 to 32 of a-z, 0-9, - and _. */
static int
code_ok(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
		        (s[n] >= '0' && s[n] <= '9') || s[n] == '-' ||
		        s[n] == '_'))
			return 0;
	return n >= 1 && n <= TICK_CANNED_CODE_MAX;
}

static const struct tick_field canned_fields[] = {
	{ "title", TICK_FIELD_TEXT, 1, 1, TICK_CANNED_TITLE_MAX, NULL },
	{ "text", TICK_FIELD_LONGTEXT, 1, 1, TICK_CANNED_TEXT_MAX, NULL },
};

/*
 * Reads body into in (create: every member required; update: those
 * given), checking each. The buttons, a new JSON string, go in *buttons.
 * 0, or -1 answered 422 naming each bad field.
 */
static int
read_canned(struct tick_req *req, const json_t *body, int create,
    struct tick_canned_in *in, char **buttons)
{
	struct tick_field f[2] = { canned_fields[0], canned_fields[1] };
	json_t *errors = NULL, *v, *b;
	const char *k;
	size_t i;

	memset(in, 0, sizeof(*in));
	*buttons = NULL;
	f[0].required = f[1].required = create;
	(void)tick_valid_fields(body, f, 2, &errors);
	if (errors == NULL && (errors = json_object()) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		return -1;
	}
	json_object_foreach ((json_t *)body, k, v)
		if (strcmp(k, "code") != 0 && strcmp(k, "title") != 0 &&
		    strcmp(k, "text") != 0 && strcmp(k, "buttons") != 0)
			json_object_set_new(errors, k,
			    json_string("is not a member of a canned reply "
			                "(code, title, text, buttons)"));
	v = json_object_get(body, "code");
	if ((v != NULL || create) &&
	    (!json_is_string(v) || !code_ok(json_string_value(v))))
		json_object_set_new(errors, "code",
		    json_string("1 to 32 characters: a-z, 0-9, - and _"));
	in->code = json_string_value(v);
	in->title = json_string_value(json_object_get(body, "title"));
	in->text = json_string_value(json_object_get(body, "text"));
	/* Optional members given as "" stay as they are on an update. */
	if (in->title != NULL && *in->title == '\0')
		in->title = NULL;
	if (in->text != NULL && *in->text == '\0')
		in->text = NULL;
	v = json_object_get(body, "buttons");
	in->buttons_set = v != NULL;
	if (v != NULL && !json_is_null(v)) {
		int bad = !json_is_array(v) ||
		    json_array_size(v) > TICK_CANNED_BUTTONS_MAX;

		json_array_foreach (v, i, b) {
			const char *t = json_string_value(b);
			char key[32];

			snprintf(key, sizeof(key), "buttons[%zu]", i);
			if (t == NULL || strlen(t) != json_string_length(b) ||
			    *t == '\0' ||
			    tick_valid_utf8_chars(t) > TICK_IA_BUTTON_TITLE_MAX)
				json_object_set_new(errors, key,
				    json_string("a button title of 1 to 20 "
				                "characters"));
			for (size_t j = 0; t != NULL && j < i; j++)
				if (json_equal(b, json_array_get(v, j)))
					json_object_set_new(errors, key,
					    json_string("is another button's "
					                "title too"));
		}
		if (bad)
			json_object_set_new(errors, "buttons",
			    json_string("at most 3 button titles, or null"));
		else if (json_array_size(v) > 0 &&
		    (*buttons = json_dumps(v, JSON_COMPACT)) == NULL) {
			json_decref(errors);
			tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
			return -1;
		}
	}
	in->buttons = *buttons;
	if (json_object_size(errors) == 0) {
		json_decref(errors);
		return 0;
	}
	free(*buttons);
	*buttons = NULL;
	tick_http_invalid(req, "some fields are missing or invalid", errors);
	return -1;
}

/* Commits rc's change and answers id, or rolls back and answers why. */
static void
finish(struct tick_req *req, enum tick_err rc, long long id, int status,
    const char *msg)
{
	struct tick_db *db = req->app->db;
	json_t *o;

	if (tick_http_end_write(req, rc, "code",
	        "another canned reply has this code",
	        "no such canned reply") != 0)
		return;
	if (status == 0) {
		tick_http_ok_deleted(req, id, msg);
		return;
	}
	if ((o = tick_canned_json(db, id, &rc)) == NULL) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, status, o, msg);
}

void
tick_canned_list_route(struct tick_req *req)
{
	char q[TICK_CANNED_QUERY_MAX * 4 + 2] = "";
	json_t *items = NULL;
	enum tick_err rc;

	rc = tick_http_query_get(req->query, "q", q, sizeof(q));
	if ((rc != TICK_OK && rc != TICK_ENOTFOUND) ||
	    !tick_valid_utf8(q, strlen(q)) ||
	    tick_valid_utf8_chars(q) > TICK_CANNED_QUERY_MAX) {
		tick_http_invalid(req, "q is at most 100 characters",
		    json_pack("{s:s}", "q", "at most 100 characters"));
		return;
	}
	rc = tick_canned_list(req->app->db, q, &items);
	tick_http_ok_list(req, rc, items);
}

void
tick_canned_get_route(struct tick_req *req)
{
	long long id = tick_http_param_id(req, 0);
	enum tick_err rc = TICK_ENOTFOUND;
	json_t *o = id > 0 ? tick_canned_json(req->app->db, id, &rc) : NULL;

	tick_http_ok_found(req, 200, o, rc, "no such canned reply", NULL);
}

void
tick_canned_create_route(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	struct tick_canned_in in;
	json_t *body = tick_http_json_body(req);
	char *buttons = NULL;
	long long id = 0;
	enum tick_err rc;

	if (body == NULL)
		return;
	if (read_canned(req, body, 1, &in, &buttons) != 0)
		goto out;
	if ((rc = tick_db_begin(db)) == TICK_OK &&
	    (rc = tick_canned_create(db, &in, req->user.id, &id)) == TICK_OK)
		rc = tick_audit_req(req, "canned.create", "canned_reply", id,
		    json_pack("{s:s, s:s}", "code", in.code, "title",
		        in.title));
	finish(req, rc, id, 201, "canned reply created");
out:
	free(buttons);
	json_decref(body);
}

void
tick_canned_update_route(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0);
	json_t *body = NULL, *before = NULL;
	struct tick_canned_in in;
	char *buttons = NULL;
	enum tick_err rc;

	if (id <= 0) {
		not_found(req);
		return;
	}
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if (read_canned(req, body, 0, &in, &buttons) != 0)
		goto out;
	if ((rc = tick_db_begin(db)) == TICK_OK &&
	    (before = tick_canned_json(db, id, &rc)) != NULL &&
	    (rc = tick_canned_update(db, id, &in, req->user.id)) == TICK_OK)
		rc = tick_audit_req(req, "canned.update", "canned_reply", id,
		    json_pack("{s:O, s:O}", "before", before, "changes", body));
	finish(req, rc, id, 200, "canned reply updated");
out:
	free(buttons);
	json_decref(before);
	json_decref(body);
}

void
tick_canned_delete_route(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0);
	json_t *before = NULL;
	enum tick_err rc;

	if (id <= 0) {
		not_found(req);
		return;
	}
	if ((rc = tick_db_begin(db)) == TICK_OK &&
	    (before = tick_canned_json(db, id, &rc)) != NULL &&
	    (rc = tick_canned_delete(db, id)) == TICK_OK)
		rc = tick_audit_req(req, "canned.delete", "canned_reply", id,
		    json_pack("{s:O}", "canned_reply", before));
	finish(req, rc, id, 0, "canned reply deleted");
	json_decref(before);
}
