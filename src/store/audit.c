#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "db.h"
#include "http.h"
#include "valid.h"

enum audit_stmt { AU_INSERT, AU_LIST, AU_COUNT, AU_STMT__MAX };

static const char *const stmts[AU_STMT__MAX] = {
	[AU_INSERT] =
	    "INSERT INTO audit_log (actor_id, actor_email, action, entity,"
	    " entity_id, remote_addr, details) VALUES (?, ?, ?, ?, ?, ?, ?)",
	/* Filters are optional: a NULL parameter matches everything. */
	[AU_LIST] =
	    "SELECT a.id, a.actor_id, COALESCE(u.email, a.actor_email), a.action,"
	    " a.entity, a.entity_id, a.remote_addr, a.details,"
	    " DATE_FORMAT(a.created_at, '%Y-%m-%dT%H:%i:%s.%fZ')"
	    " FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"
	    " WHERE (? IS NULL OR a.action = ?) AND (? IS NULL OR a.actor_id = ?)"
	    " ORDER BY a.id DESC LIMIT ? OFFSET ?",
	[AU_COUNT] =
	    "SELECT COUNT(*) FROM audit_log a"
	    " WHERE (? IS NULL OR a.action = ?) AND (? IS NULL OR a.actor_id = ?)",
};

enum tick_err
tick_audit(struct tick_db *db, long long actor_id, const char *actor_email,
    const char *action, const char *entity, const char *entity_id,
    const char *remote_addr, json_t *details)
{
	char *d = details ? json_dumps(details, JSON_COMPACT) : NULL;
	struct tick_q q;
	enum tick_err rc;

	json_decref(details);
	tick_q_init(&q, db, stmts[AU_INSERT]);
	if (actor_id > 0)
		tick_q_int(&q, actor_id);
	else
		tick_q_null(&q);
	tick_q_str(&q, actor_email, (size_t)-1);
	tick_q_str(&q, action, (size_t)-1);
	tick_q_str(&q, entity, (size_t)-1);
	tick_q_str(&q, entity_id, (size_t)-1);
	tick_q_str(&q, remote_addr, remote_addr ? strnlen(remote_addr, 64) : 0);
	tick_q_str(&q, d, (size_t)-1);
	rc = tick_q_exec(&q);
	tick_q_done(&q);
	free(d);
	return rc;
}

enum tick_err
tick_audit_req(struct tick_req *req, const char *action, const char *entity,
    long long entity_id, json_t *details)
{
	char id[24];

	snprintf(id, sizeof(id), "%lld", entity_id);
	return tick_audit(req->app->db, req->user.id, req->user.email, action,
	    entity, entity_id > 0 ? id : NULL, req->remote_addr, details);
}

static void
bind_filters(struct tick_q *q, const char *action, long long actor)
{
	tick_q_str(q, action, (size_t)-1);
	tick_q_str(q, action, (size_t)-1);
	if (actor > 0) {
		tick_q_int(q, actor);
		tick_q_int(q, actor);
	} else {
		tick_q_null(q);
		tick_q_null(q);
	}
}

void
tick_audit_list(struct tick_req *req)
{
	char action[65], email[256], act[65], entity[33], eid[65], addr[65],
	    when[40];
	static char details[65536];
	long long page, limit, total = 0, id, actor;
	const char *filter = NULL;
	json_t *items = NULL, *d;
	long long actor_filter = 0;
	enum tick_err rc;
	struct tick_q q;
	int r;

	if (tick_http_page(req, &page, &limit) != TICK_OK)
		return;
	if (tick_http_query_get(req->query, "action", action, sizeof(action)) ==
	    TICK_OK)
		filter = action;
	{
		char a[24];

		if (tick_http_query_get(req->query, "actor_id", a, sizeof(a)) ==
		        TICK_OK &&
		    tick_valid_num(a, strlen(a), 1, 4294967295LL,
		        &actor_filter) != TICK_OK) {
			tick_http_fail(req, 400, TICK_EINVAL, "bad_request",
			    "actor_id must be a positive whole number", NULL);
			return;
		}
	}
	tick_q_init(&q, req->app->db, stmts[AU_COUNT]);
	bind_filters(&q, filter, actor_filter);
	tick_q_out_int(&q, &total);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	if (rc != TICK_OK)
		goto fail;
	if ((items = json_array()) == NULL) {
		rc = TICK_ENOMEM;
		goto fail;
	}
	tick_q_init(&q, req->app->db, stmts[AU_LIST]);
	bind_filters(&q, filter, actor_filter);
	tick_q_int(&q, limit);
	tick_q_int(&q, (page - 1) * limit);
	tick_q_out_int(&q, &id);
	tick_q_out_int(&q, &actor);
	tick_q_out_str(&q, email, sizeof(email));
	tick_q_out_str(&q, act, sizeof(act));
	tick_q_out_str(&q, entity, sizeof(entity));
	tick_q_out_str(&q, eid, sizeof(eid));
	tick_q_out_str(&q, addr, sizeof(addr));
	tick_q_out_str(&q, details, sizeof(details));
	tick_q_out_str(&q, when, sizeof(when));
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (r = tick_q_fetch(&q)) != 0) {
		json_error_t je;

		if (r < 0) {
			rc = TICK_EDB;
			break;
		}
		d = tick_q_isnull(&q, 7) ? json_null() :
		                           json_loads(details, 0, &je);
		json_array_append_new(items,
		    json_pack("{s:I, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:s}",
		        "id", (json_int_t)id, "actor_id",
		        tick_q_isnull(&q, 1) ? json_null() :
		                               json_integer((json_int_t)actor),
		        "actor_email",
		        tick_q_isnull(&q, 2) ? json_null() : json_string(email),
		        "action", act, "entity",
		        tick_q_isnull(&q, 4) ? json_null() :
		                               json_string(entity),
		        "entity_id",
		        tick_q_isnull(&q, 5) ? json_null() : json_string(eid),
		        "remote_addr",
		        tick_q_isnull(&q, 6) ? json_null() : json_string(addr),
		        "details", d ? d : json_null(), "created_at", when));
	}
	tick_q_done(&q);
	if (rc != TICK_OK)
		goto fail;
	tick_http_ok_page(req, items, total, page, limit);
	return;
fail:
	json_decref(items);
	tick_http_fail(req, 0, rc, NULL, NULL, NULL);
}
