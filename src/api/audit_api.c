#include <stdio.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "audit_api.h"
#include "http.h"
#include "valid.h"

enum tick_err
tick_audit_req(struct tick_req *req, const char *action, const char *entity,
    long long entity_id, json_t *details)
{
	char id[24];

	snprintf(id, sizeof(id), "%lld", entity_id);
	return tick_audit(req->app->db, req->user.id, req->user.email, action,
	    entity, entity_id > 0 ? id : NULL, req->remote_addr, details);
}

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* Appends one entry to the array arg, as GET /api/audit shows it. */
static void
add_entry(const struct tick_audit_entry *e, void *arg)
{
	json_t *items = arg, *d = NULL;
	json_error_t je;

	if (e->details)
		d = json_loads(e->details, 0, &je);
	json_array_append_new(items,
	    json_pack("{s:I, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:s}", "id",
	        (json_int_t)e->id, "actor_id",
	        e->actor_id ? json_integer((json_int_t)e->actor_id) :
	                      json_null(),
	        "actor_email", str_or_null(e->actor_email), "action", e->action,
	        "entity", str_or_null(e->entity), "entity_id",
	        str_or_null(e->entity_id), "remote_addr",
	        str_or_null(e->remote_addr), "details", d ? d : json_null(),
	        "created_at", e->created_at));
}

void
tick_audit_list(struct tick_req *req)
{
	char action[65], a[24];
	long long page, limit, total = 0;
	const char *filter = NULL;
	long long actor_filter = 0;
	json_t *items = NULL;
	enum tick_err rc;

	if (tick_http_page(req, &page, &limit) != TICK_OK)
		return;
	if (tick_http_query_get(req->query, "action", action, sizeof(action)) ==
	    TICK_OK)
		filter = action;
	if (tick_http_query_get(req->query, "actor_id", a, sizeof(a)) ==
	        TICK_OK &&
	    tick_valid_num(a, strlen(a), 1, 4294967295LL, &actor_filter) !=
	        TICK_OK) {
		tick_http_fail(req, 400, TICK_EINVAL, "bad_request",
		    "actor_id must be a positive whole number", NULL);
		return;
	}
	if ((rc = tick_audit_count(req->app->db, filter, actor_filter,
	         &total)) != TICK_OK)
		goto fail;
	if ((items = json_array()) == NULL) {
		rc = TICK_ENOMEM;
		goto fail;
	}
	rc = tick_audit_read(req->app->db, filter, actor_filter, limit,
	    (page - 1) * limit, add_entry, items);
	if (rc != TICK_OK)
		goto fail;
	tick_http_ok_page(req, items, total, page, limit);
	return;
fail:
	json_decref(items);
	tick_http_fail(req, 0, rc, NULL, NULL, NULL);
}
