#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "log.h"
#include "sla_policies.h"

#define ISO(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%fZ')"
#define UNIX(col) "CAST(COALESCE(UNIX_TIMESTAMP(" col "), 0) AS SIGNED)"

enum sla_stmt {
	SL_CREATE,
	SL_UPDATE,
	SL_DELETE,
	SL_GET,
	SL_LIST,
	SL_CRITERIA,
	SL_TARGETS,
	SL_TICKET,
	SL_TICKET_TAGS,
	SL_TICKET_PUT,
	SL_BREACHED,
	SL_DUE,
	SL_ALERT,
	SL_STMT__MAX
};

/* clang-format off */
#define POLICY_COLUMNS \
	"id, name, position, severity, site_id, team_id, tag," \
	" first_response_minutes, next_response_minutes, resolution_minutes," \
	" reassign_on_breach, " ISO("created_at") ", " ISO("updated_at")

static const char *const stmts[SL_STMT__MAX] = {
	[SL_CREATE] =
	    "INSERT INTO sla_policies (name, position, severity, site_id,"
	    " team_id, tag, first_response_minutes, next_response_minutes,"
	    " resolution_minutes, reassign_on_breach)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	/* Each pair: (given?, value). */
	[SL_UPDATE] =
	    "UPDATE sla_policies SET name = IF(?, ?, name),"
	    " position = IF(?, ?, position), severity = IF(?, ?, severity),"
	    " site_id = IF(?, ?, site_id), team_id = IF(?, ?, team_id),"
	    " tag = IF(?, ?, tag),"
	    " first_response_minutes = IF(?, ?, first_response_minutes),"
	    " next_response_minutes = IF(?, ?, next_response_minutes),"
	    " resolution_minutes = IF(?, ?, resolution_minutes),"
	    " reassign_on_breach = IF(?, ?, reassign_on_breach),"
	    " updated_at = CURRENT_TIMESTAMP(3) WHERE id = ?",
	[SL_DELETE] = "DELETE FROM sla_policies WHERE id = ?",
	[SL_GET] = "SELECT " POLICY_COLUMNS " FROM sla_policies WHERE id = ?",
	[SL_LIST] = "SELECT id FROM sla_policies ORDER BY position, id LIMIT ?",
	[SL_CRITERIA] =
	    "SELECT id, position, COALESCE(severity, ''), COALESCE(site_id, 0),"
	    " COALESCE(team_id, 0), COALESCE(tag, '') FROM sla_policies"
	    " ORDER BY position, id LIMIT 200",
	[SL_TARGETS] =
	    "SELECT id, COALESCE(first_response_minutes, 0),"
	    " COALESCE(next_response_minutes, 0),"
	    " COALESCE(resolution_minutes, 0), reassign_on_breach"
	    " FROM sla_policies WHERE id = ?",
	[SL_TICKET] =
	    "SELECT t.id, COALESCE(t.team_id, 0), COALESCE(t.site_id, 0),"
	    " COALESCE(t.assigned_to, 0), COALESCE(t.sla_policy_id, -1),"
	    " t.status, COALESCE(t.severity, ''), COALESCE(t.reference, ''),"
	    " " UNIX("COALESCE(t.sla_started_at, t.created_at)") ","
	    " " UNIX("t.first_response_at") ","
	    " " UNIX("t.first_response_due_at") ","
	    " " UNIX("t.next_response_due_at") ","
	    " " UNIX("t.resolution_due_at") ", " UNIX("t.pending_since") ","
	    " COALESCE(t.sla_first_left, -1), COALESCE(t.sla_next_left, -1),"
	    " COALESCE(t.sla_resolution_left, -1)"
	    " FROM tickets t WHERE t.id = ? AND t.deleted_at IS NULL"
	    " FOR UPDATE",
	[SL_TICKET_TAGS] = "SELECT tag FROM ticket_tags WHERE ticket_id = ?"
	                   " ORDER BY tag LIMIT 32",
	[SL_TICKET_PUT] =
	    "UPDATE tickets SET sla_policy_id = ?,"
	    " sla_started_at = FROM_UNIXTIME(?),"
	    " first_response_due_at = FROM_UNIXTIME(?),"
	    " next_response_due_at = FROM_UNIXTIME(?),"
	    " resolution_due_at = FROM_UNIXTIME(?),"
	    " pending_since = FROM_UNIXTIME(?), sla_first_left = ?,"
	    " sla_next_left = ?, sla_resolution_left = ? WHERE id = ?",
	[SL_BREACHED] = "UPDATE tickets SET sla_breached = 1 WHERE id = ?",
	[SL_DUE] =
	    "SELECT t.id FROM tickets t WHERE t.deleted_at IS NULL"
	    " AND t.status NOT IN ('closed') AND (t.sla_policy_id IS NULL"
	    " OR (t.status <> 'pending' AND (t.first_response_due_at < ?"
	    " OR t.next_response_due_at < ? OR t.resolution_due_at < ?)))"
	    " ORDER BY t.id LIMIT ?",
	[SL_ALERT] = "INSERT IGNORE INTO sla_alerts (ticket_id, target, level,"
	             " due_at) VALUES (?, ?, ?, FROM_UNIXTIME(?))",
};
/* clang-format on */

/* The UPDATE binds whether each field was given before its value (the
 * SQL keeps the old value when not); the INSERT binds the values only. */
static void
bind_has(struct tick_q *q, int update, int has)
{
	if (update)
		tick_q_int(q, has);
}

static void
bind_in(struct tick_q *q, const struct tick_sla_policy_in *in, int update)
{
	bind_has(q, update, in->has_name);
	tick_q_str(q, in->name ? in->name : "", (size_t)-1);
	bind_has(q, update, in->has_position);
	tick_q_int(q, in->position);
	bind_has(q, update, in->has_severity);
	tick_q_opt_str(q, in->severity);
	bind_has(q, update, in->has_site);
	tick_q_opt_int(q, in->site_id);
	bind_has(q, update, in->has_team);
	tick_q_opt_int(q, in->team_id);
	bind_has(q, update, in->has_tag);
	tick_q_opt_str(q, in->tag);
	bind_has(q, update, in->has_first);
	tick_q_opt_int(q, in->first_min);
	bind_has(q, update, in->has_next);
	tick_q_opt_int(q, in->next_min);
	bind_has(q, update, in->has_resolution);
	tick_q_opt_int(q, in->resolution_min);
	bind_has(q, update, in->has_reassign);
	tick_q_int(q, in->reassign);
}

enum tick_err
tick_sla_policy_create(struct tick_db *db, const struct tick_sla_policy_in *in,
    long long *id)
{
	enum tick_err rc;
	struct tick_q q;

	tick_q_init(&q, db, stmts[SL_CREATE]);
	bind_in(&q, in, 0);
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_sla_policy_update(struct tick_db *db, long long id,
    const struct tick_sla_policy_in *in)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[SL_UPDATE]);
	bind_in(&q, in, 1);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_sla_policy_delete(struct tick_db *db, long long id)
{
	long long n = 0;
	enum tick_err rc;
	struct tick_q q;

	tick_q_init(&q, db, stmts[SL_DELETE]);
	tick_q_int(&q, id);
	rc = tick_q_count(&q, &n);
	return rc == TICK_OK && n == 0 ? TICK_ENOTFOUND : rc;
}

json_t *
tick_sla_policy_json(struct tick_db *db, long long id, enum tick_err *rc)
{
	long long got = 0, pos = 0, site = 0, team = 0, fm = 0, nm = 0, rm = 0,
	          re = 0;
	char name[TICK_SLA_NAME_MAX * 4 + 1], sev[16], tag[33 * 4], created[40],
	    updated[40];
	struct tick_q q;
	json_t *o;

	tick_q_init(&q, db, stmts[SL_GET]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &got);
	tick_q_out_str(&q, name, sizeof(name));
	tick_q_out_int(&q, &pos);
	tick_q_out_str(&q, sev, sizeof(sev));
	tick_q_out_int(&q, &site);
	tick_q_out_int(&q, &team);
	tick_q_out_str(&q, tag, sizeof(tag));
	tick_q_out_int(&q, &fm);
	tick_q_out_int(&q, &nm);
	tick_q_out_int(&q, &rm);
	tick_q_out_int(&q, &re);
	tick_q_out_str(&q, created, sizeof(created));
	tick_q_out_str(&q, updated, sizeof(updated));
	if ((*rc = tick_q_first(&q)) != TICK_OK) {
		tick_q_done(&q);
		return NULL;
	}
#define OPT_INT(i, v) \
	(tick_q_isnull(&q, i) ? json_null() : json_integer((json_int_t)(v)))
#define OPT_STR(i, v) (tick_q_isnull(&q, i) ? json_null() : json_string(v))
	o = json_pack("{s:I, s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b,"
	              " s:s, s:s}",
	    "id", (json_int_t)got, "name", name, "position", (json_int_t)pos,
	    "severity", OPT_STR(3, sev), "site_id", OPT_INT(4, site), "team_id",
	    OPT_INT(5, team), "tag", OPT_STR(6, tag), "first_response_minutes",
	    OPT_INT(7, fm), "next_response_minutes", OPT_INT(8, nm),
	    "resolution_minutes", OPT_INT(9, rm), "reassign_on_breach", (int)re,
	    "created_at", created, "updated_at", updated);
#undef OPT_INT
#undef OPT_STR
	tick_q_done(&q);
	*rc = o != NULL ? TICK_OK : TICK_ENOMEM;
	return o;
}

enum tick_err
tick_sla_policy_list(struct tick_db *db, json_t **items)
{
	long long *ids = NULL, n = 0;
	enum tick_err rc;
	json_t *o;

	if ((*items = json_array()) == NULL)
		return TICK_ENOMEM;
	rc = tick_db_ids(db, stmts[SL_LIST], TICK_SLA_POLICIES_MAX, &ids, &n);
	for (long long i = 0; rc == TICK_OK && i < n; i++)
		if ((o = tick_sla_policy_json(db, ids[i], &rc)) != NULL)
			json_array_append_new(*items, o);
	free(ids);
	if (rc != TICK_OK) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

enum tick_err
tick_sla_policy_criteria(struct tick_db *db, struct tick_sla_criteria *p,
    size_t max, size_t *n)
{
	struct tick_sla_criteria r;
	enum tick_err rc;
	struct tick_q q;

	*n = 0;
	memset(&r, 0, sizeof(r));
	tick_q_init(&q, db, stmts[SL_CRITERIA]);
	tick_q_out_int(&q, &r.id);
	tick_q_out_int(&q, &r.position);
	tick_q_out_str(&q, r.severity, sizeof(r.severity));
	tick_q_out_int(&q, &r.site_id);
	tick_q_out_int(&q, &r.team_id);
	tick_q_out_str(&q, r.tag, sizeof(r.tag));
	rc = tick_q_exec(&q);
	while (tick_q_next(&q, &rc)) {
		if (*n < max)
			p[(*n)++] = r;
	}
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_sla_policy_targets(struct tick_db *db, long long id,
    struct tick_sla_targets *out)
{
	long long re = 0;
	enum tick_err rc;
	struct tick_q q;

	memset(out, 0, sizeof(*out));
	tick_q_init(&q, db, stmts[SL_TARGETS]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &out->id);
	tick_q_out_int(&q, &out->first_min);
	tick_q_out_int(&q, &out->next_min);
	tick_q_out_int(&q, &out->resolution_min);
	tick_q_out_int(&q, &re);
	rc = tick_q_one(&q);
	out->reassign = re != 0;
	return rc;
}

enum tick_err
tick_sla_ticket_row(struct tick_db *db, long long id, struct tick_sla_ticket *t)
{
	long long v[7] = { 0 };
	enum tick_err rc;
	struct tick_q q;

	memset(t, 0, sizeof(*t));
	tick_q_init(&q, db, stmts[SL_TICKET]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &t->id);
	tick_q_out_int(&q, &t->team_id);
	tick_q_out_int(&q, &t->site_id);
	tick_q_out_int(&q, &t->assigned_to);
	tick_q_out_int(&q, &t->policy_id);
	tick_q_out_str(&q, t->status, sizeof(t->status));
	tick_q_out_str(&q, t->severity, sizeof(t->severity));
	tick_q_out_str(&q, t->reference, sizeof(t->reference));
	for (int i = 0; i < 6; i++)
		tick_q_out_int(&q, &v[i]);
	tick_q_out_int(&q, &t->first_left);
	tick_q_out_int(&q, &t->next_left);
	tick_q_out_int(&q, &t->resolution_left);
	if ((rc = tick_q_one(&q)) != TICK_OK)
		return rc;
	t->started_at = v[0];
	t->first_response_at = v[1];
	t->first_due = v[2];
	t->next_due = v[3];
	t->resolution_due = v[4];
	t->pending_since = v[5];
	return TICK_OK;
}

enum tick_err
tick_sla_ticket_tags(struct tick_db *db, struct tick_sla_ticket *t)
{
	char tag[33 * 4];
	enum tick_err rc;
	struct tick_q q;

	t->ntags = 0;
	tick_q_init(&q, db, stmts[SL_TICKET_TAGS]);
	tick_q_int(&q, t->id);
	tick_q_out_str(&q, tag, sizeof(tag));
	rc = tick_q_exec(&q);
	while (tick_q_next(&q, &rc)) {
		if (t->ntags < TICK_SLA_TAGS_MAX)
			memcpy(t->tags[t->ntags++], tag, sizeof(tag));
	}
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_sla_ticket_get(struct tick_db *db, long long id, struct tick_sla_ticket *t)
{
	enum tick_err rc;

	if ((rc = tick_sla_ticket_row(db, id, t)) != TICK_OK)
		return rc;
	return tick_sla_ticket_tags(db, t);
}

enum tick_err
tick_sla_ticket_put(struct tick_db *db, const struct tick_sla_ticket *t)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[SL_TICKET_PUT]);
	if (t->policy_id >= 0)
		tick_q_int(&q, t->policy_id);
	else
		tick_q_null(&q);
	tick_q_opt_int(&q, t->started_at);
	tick_q_opt_int(&q, t->first_due);
	tick_q_opt_int(&q, t->next_due);
	tick_q_opt_int(&q, t->resolution_due);
	tick_q_opt_int(&q, t->pending_since);
	if (t->first_left >= 0)
		tick_q_int(&q, t->first_left);
	else
		tick_q_null(&q);
	if (t->next_left >= 0)
		tick_q_int(&q, t->next_left);
	else
		tick_q_null(&q);
	if (t->resolution_left >= 0)
		tick_q_int(&q, t->resolution_left);
	else
		tick_q_null(&q);
	tick_q_int(&q, t->id);
	return tick_q_run(&q);
}

enum tick_err
tick_sla_ticket_breached(struct tick_db *db, long long id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[SL_BREACHED]);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_sla_due_tickets(struct tick_db *db, int64_t before, long long max,
    long long **ids, long long *n)
{
	long long id = 0;
	enum tick_err rc;
	struct tick_q q;
	char at[32];

	*ids = NULL;
	*n = 0;
	if (max <= 0 || tick_clock_format(before, at, sizeof(at)) != 0)
		return TICK_EINVAL;
	if ((*ids = calloc((size_t)max, sizeof(**ids))) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[SL_DUE]);
	tick_q_str(&q, at, (size_t)-1);
	tick_q_str(&q, at, (size_t)-1);
	tick_q_str(&q, at, (size_t)-1);
	tick_q_int(&q, max);
	tick_q_out_int(&q, &id);
	rc = tick_q_exec(&q);
	while (tick_q_next(&q, &rc)) {
		if (*n < max)
			(*ids)[(*n)++] = id;
	}
	tick_q_done(&q);
	if (rc != TICK_OK) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	return rc;
}

enum tick_err
tick_sla_alert_mark(struct tick_db *db, long long ticket_id, const char *target,
    const char *level, int64_t due, int *first)
{
	long long n = 0;
	enum tick_err rc;
	struct tick_q q;

	tick_q_init(&q, db, stmts[SL_ALERT]);
	tick_q_int(&q, ticket_id);
	tick_q_str(&q, target, (size_t)-1);
	tick_q_str(&q, level, (size_t)-1);
	tick_q_int(&q, due);
	rc = tick_q_count(&q, &n);
	*first = n > 0;
	return rc;
}
