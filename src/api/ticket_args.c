#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "b64.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "media.h"
#include "session.h"
#include "ticket_args.h"
#include "tickets.h"
#include "valid.h"

long long
tick_ticket_id_param(struct tick_req *req, size_t i, enum tick_err *rc)
{
	long long id = tick_http_param_id(req, i), found = 0;
	struct tick_scope scope;
	char ref[40];

	*rc = TICK_ENOTFOUND;
	if (i >= req->nparams)
		return 0;
	/* Else a reference, such as TKT-000042. */
	if (id <= 0) {
		if (req->params[i].len >= sizeof(ref))
			return 0;
		memcpy(ref, req->params[i].p, req->params[i].len);
		ref[req->params[i].len] = '\0';
	}
	scope = tick_session_scope(req);
	*rc = tick_ticket_resolve(req->app->db, &scope, id, id > 0 ? NULL : ref,
	    &found);
	return found;
}

long long
tick_ticket_route_id(struct tick_req *req)
{
	enum tick_err rc;
	long long id = tick_ticket_id_param(req, 0, &rc);

	if (id == 0)
		tick_http_fail(req, 0, rc, NULL,
		    rc == TICK_ENOTFOUND ? "no such ticket" : NULL, NULL);
	return id;
}

int
tick_ticket_begin_locked(struct tick_req *req, long long id,
    struct tick_ticket *tk)
{
	struct tick_scope scope = tick_session_scope(req);
	enum tick_err rc;

	if ((rc = tick_db_begin(req->app->db)) == TICK_OK &&
	    (rc = tick_ticket_lock(req->app->db, &scope, id, tk)) == TICK_OK)
		return 0;
	tick_db_rollback(req->app->db);
	tick_http_fail(req, 0, rc, NULL,
	    rc == TICK_ENOTFOUND ? "no such ticket" : NULL, NULL);
	return -1;
}

enum tick_err
tick_ticket_timeline_query(const char *query, struct tick_timeline_page *p)
{
	char v[32];
	enum tick_err rc;

	p->limit = TICK_TIMELINE_DEFAULT;
	p->before_kind = 0;
	p->before_id = 0;
	if ((rc = tick_http_query_get(query, "timeline_limit", v, sizeof(v))) ==
	        TICK_OK &&
	    tick_valid_num(v, strlen(v), 1, TICK_TIMELINE_MAX, &p->limit) !=
	        TICK_OK)
		return TICK_EINVAL;
	if (rc != TICK_OK && rc != TICK_ENOTFOUND)
		return TICK_EINVAL;
	if ((rc = tick_http_query_get(query, "timeline_before", v,
	         sizeof(v))) == TICK_ENOTFOUND)
		return TICK_OK;
	/* "r42" (a reply or note) or "m42" (a WhatsApp message). */
	if (rc != TICK_OK || (v[0] != 'r' && v[0] != 'm') ||
	    tick_valid_num(v + 1, strlen(v + 1), 1, LLONG_MAX, &p->before_id) !=
	        TICK_OK)
		return TICK_EINVAL;
	p->before_kind = v[0];
	return TICK_OK;
}

json_t *
tick_ticket_json_req(struct tick_req *req, long long id)
{
	struct tick_timeline_page p;
	enum tick_err rc;
	json_t *t;

	if (tick_ticket_timeline_query(req->query, &p) != TICK_OK) {
		tick_http_fail(req, 400, TICK_EINVAL, "bad_request",
		    "timeline_limit must be 1 to " TICK_STR(
		        TICK_TIMELINE_MAX) " and timeline_before a cursor such as r42 or m42 (the "
		                           "answer's timeline_before)",
		    NULL);
		return NULL;
	}
	t = tick_ticket_json_page(req->app->db, id, &p, &rc);
	/* The ticket was found: a missing item is the cursor's. */
	if (t == NULL && rc == TICK_ENOTFOUND && p.before_kind != 0 &&
	    (t = tick_ticket_json(req->app->db, id, 0, &rc)) != NULL) {
		json_decref(t);
		t = NULL;
		tick_http_fail(req, 400, TICK_EINVAL, "bad_request",
		    "timeline_before names no item of this ticket", NULL);
		return NULL;
	}
	if (t == NULL)
		tick_http_fail(req, 0, rc, NULL,
		    rc == TICK_ENOTFOUND ? "no such ticket" : NULL, NULL);
	return t;
}

int
tick_ticket_file_arg(struct tick_req *req, json_t *body, const char *key,
    struct tick_file *f)
{
	json_t *o = json_object_get(body, key);
	const char *content;
	enum tick_err rc;
	char msg[256];

	memset(f, 0, sizeof(*f));
	if (o == NULL || json_is_null(o))
		return 0;
	content = json_string_value(json_object_get(o, "content"));
	f->type = json_string_value(json_object_get(o, "type"));
	f->name = json_string_value(json_object_get(o, "name"));
	if (!json_is_object(o) || content == NULL || f->type == NULL ||
	    (json_object_get(o, "name") &&
	        (f->name == NULL || strlen(f->name) > 255 ||
	            strpbrk(f->name, "/\\\r\n") != NULL))) {
		tick_http_invalid(req,
		    "a file is {name, type, content}: content in base64",
		    json_pack("{s:s}", key, "must be {name, type, content}"));
		return -1;
	}
	if (tick_b64_decode(content, strlen(content), &f->data, &f->len) !=
	    TICK_OK) {
		tick_http_invalid(req, "the file's content is not base64",
		    json_pack("{s:s}", key, "content must be base64"));
		return -1;
	}
	rc = tick_media_outbound_type(f->type, f->len,
	    tick_config_num(&req->app->cfg, TICK_CFG_MAX_FILE_SIZE),
	    &f->wa_type);
	if (rc == TICK_EINVAL || f->len == 0) {
		snprintf(msg, sizeof(msg),
		    "WhatsApp cannot carry %.60s files%s", f->type,
		    f->len == 0 ? " (or the file is empty)" : "");
		tick_http_fail(req, 415, TICK_EINVAL, "unsupported_media_type",
		    msg, NULL);
	} else if (rc == TICK_ETOOBIG) {
		snprintf(msg, sizeof(msg),
		    "the file (%zu bytes) is larger than WhatsApp allows for this "
		    "type (%s) or than this desk's limit (%lld bytes)",
		    f->len, f->wa_type,
		    tick_config_num(&req->app->cfg, TICK_CFG_MAX_FILE_SIZE));
		tick_http_fail(req, 413, rc, NULL, msg, NULL);
	} else
		return 0;
	free(f->data);
	f->data = NULL;
	return -1;
}
