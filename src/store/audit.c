#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "db.h"

enum audit_stmt { AU_INSERT, AU_LIST, AU_COUNT, AU_STMT__MAX };

/* clang-format off */
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
/* clang-format on */

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

enum tick_err
tick_audit_count(struct tick_db *db, const char *action, long long actor,
    long long *total)
{
	struct tick_q q;
	enum tick_err rc;

	*total = 0;
	tick_q_init(&q, db, stmts[AU_COUNT]);
	bind_filters(&q, action, actor);
	tick_q_out_int(&q, total);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_audit_read(struct tick_db *db, const char *action, long long actor,
    long long limit, long long offset,
    void (*each)(const struct tick_audit_entry *entry, void *arg), void *arg)
{
	char email[256], act[65], entity[33], eid[65], addr[65], when[40];
	/* Static: details may be 64 KiB; a worker runs one query at a time. */
	static char details[65536];
	long long id, actor_id;
	struct tick_audit_entry e;
	enum tick_err rc;
	struct tick_q q;

	tick_q_init(&q, db, stmts[AU_LIST]);
	bind_filters(&q, action, actor);
	tick_q_int(&q, limit);
	tick_q_int(&q, offset);
	tick_q_out_int(&q, &id);
	tick_q_out_int(&q, &actor_id);
	tick_q_out_str(&q, email, sizeof(email));
	tick_q_out_str(&q, act, sizeof(act));
	tick_q_out_str(&q, entity, sizeof(entity));
	tick_q_out_str(&q, eid, sizeof(eid));
	tick_q_out_str(&q, addr, sizeof(addr));
	tick_q_out_str(&q, details, sizeof(details));
	tick_q_out_str(&q, when, sizeof(when));
	rc = tick_q_exec(&q);
	while (tick_q_next(&q, &rc)) {
		e.id = id;
		e.actor_id = tick_q_isnull(&q, 1) ? 0 : actor_id;
		e.actor_email = tick_q_isnull(&q, 2) ? NULL : email;
		e.action = act;
		e.entity = tick_q_isnull(&q, 4) ? NULL : entity;
		e.entity_id = tick_q_isnull(&q, 5) ? NULL : eid;
		e.remote_addr = tick_q_isnull(&q, 6) ? NULL : addr;
		e.details = tick_q_isnull(&q, 7) ? NULL : details;
		e.created_at = when;
		each(&e, arg);
	}
	tick_q_done(&q);
	return rc;
}
