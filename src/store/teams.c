#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "db.h"
#include "log.h"
#include "teams.h"

#define ISO(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%fZ')"

enum teams_stmt {
	TM_CREATE,
	TM_UPDATE,
	TM_UNDEFAULT,
	TM_DELETE,
	TM_DELETE_MEMBERS,
	TM_UNLINK_TICKETS,
	TM_GET,
	TM_LIST,
	TM_MEMBERS,
	TM_MEMBER_IDS,
	TM_ADD_MEMBER,
	TM_IS_MEMBER,
	TM_LOCK,
	TM_LOCK_AGENTS,
	TM_AGENTS,
	TM_SET_LAST,
	TM_WAITING,
	TM_FOR_SITE,
	TM_DEFAULT,
	TM_AUTO_OF_USER,
	TM_AUTO_WAITING,
	TM_AVAIL_GET,
	TM_AVAIL_SET,
	TM_STMT__MAX
};

/* The columns of a team, and the tables they come from. */
/* clang-format off */
#define TEAM_COLUMNS \
	"tm.id, tm.name, tm.site_id, s.code, s.name, tm.assignment," \
	" tm.agent_capacity, tm.is_default, " ISO("tm.created_at") "," \
	" " ISO("tm.updated_at")
#define TEAM_FROM " teams tm LEFT JOIN sites s ON s.id = tm.site_id"
/* Whether user u works tickets and is active. */
#define WORKS(u) "(" u ".active = 1 AND " u ".role IN ('super_admin'," \
	" 'site_manager', 'agent'))"
/* The open tickets user u.id holds. */
#define OPEN_OF(u) "(SELECT COUNT(*) FROM tickets t WHERE t.assigned_to = " \
	u ".id AND t.status <> 'closed' AND t.deleted_at IS NULL)"

static const char *const stmts[TM_STMT__MAX] = {
	[TM_CREATE] =
	    "INSERT INTO teams (name, site_id, assignment, agent_capacity,"
	    " is_default) VALUES (?, ?, ?, ?, ?)",
	/* Each pair: (given?, value). */
	[TM_UPDATE] =
	    "UPDATE teams SET name = IF(?, ?, name), site_id = IF(?, ?, site_id),"
	    " assignment = IF(?, ?, assignment),"
	    " agent_capacity = IF(?, ?, agent_capacity),"
	    " is_default = IF(?, ?, is_default) WHERE id = ?",
	[TM_UNDEFAULT] = "UPDATE teams SET is_default = 0 WHERE is_default = 1"
	                 " AND id <> ?",
	[TM_DELETE] = "DELETE FROM teams WHERE id = ?",
	[TM_DELETE_MEMBERS] = "DELETE FROM team_members WHERE team_id = ?",
	[TM_UNLINK_TICKETS] = "UPDATE tickets SET team_id = NULL WHERE team_id = ?",
	[TM_GET] = "SELECT " TEAM_COLUMNS " FROM" TEAM_FROM " WHERE tm.id = ?",
	[TM_LIST] = "SELECT " TEAM_COLUMNS " FROM" TEAM_FROM
	            " ORDER BY tm.name, tm.id LIMIT 500",
	[TM_MEMBERS] =
	    "SELECT u.id, u.name, u.email, u.role,"
	    " COALESCE(a.availability, 'offline'), " OPEN_OF("u")
	    " FROM team_members m JOIN users u ON u.id = m.user_id"
	    " LEFT JOIN agent_status a ON a.user_id = m.user_id"
	    " WHERE m.team_id = ? ORDER BY u.name, u.id LIMIT 200",
	[TM_MEMBER_IDS] = "SELECT user_id FROM team_members WHERE team_id = ?"
	                  " ORDER BY user_id LIMIT 200",
	[TM_ADD_MEMBER] = "INSERT INTO team_members (team_id, user_id)"
	                  " VALUES (?, ?)",
	[TM_IS_MEMBER] = "SELECT 1 FROM team_members WHERE team_id = ?"
	                 " AND user_id = ?",
	[TM_LOCK] =
	    "SELECT id, assignment, COALESCE(agent_capacity, 0),"
	    " COALESCE(rr_last_user_id, 0), COALESCE(site_id, 0) FROM teams"
	    " WHERE id = ? FOR UPDATE",
	/* The members' availability rows, locked in user id order (the
	 * members' primary key order) so that two teams sharing agents
	 * never deadlock. */
	[TM_LOCK_AGENTS] =
	    "SELECT a.user_id FROM team_members m"
	    " JOIN agent_status a ON a.user_id = m.user_id"
	    " WHERE m.team_id = ? ORDER BY m.user_id FOR UPDATE",
	/* Read after the members' agent_status rows are locked: under READ
	 * COMMITTED each count sees every assignment committed before. */
	[TM_AGENTS] =
	    "SELECT u.id, COALESCE(a.availability = 'available', 0) AND " WORKS("u")
	    ", " OPEN_OF("u")
	    " FROM team_members m JOIN users u ON u.id = m.user_id"
	    " LEFT JOIN agent_status a ON a.user_id = m.user_id"
	    " WHERE m.team_id = ? ORDER BY u.id LIMIT 200",
	[TM_SET_LAST] = "UPDATE teams SET rr_last_user_id = ? WHERE id = ?",
	[TM_WAITING] =
	    "SELECT id FROM tickets WHERE deleted_at IS NULL AND team_id = ?"
	    " AND assigned_to IS NULL AND status <> 'closed'"
	    " ORDER BY created_at, id LIMIT ? FOR UPDATE SKIP LOCKED",
	/* The sub-site's team first, then the site's, each the oldest. */
	[TM_FOR_SITE] =
	    "SELECT id FROM teams WHERE site_id IN (?, ?)"
	    " ORDER BY site_id = ? DESC, id LIMIT 1",
	[TM_DEFAULT] = "SELECT id FROM teams WHERE is_default = 1"
	               " ORDER BY id LIMIT 1",
	[TM_AUTO_OF_USER] =
	    "SELECT tm.id FROM teams tm JOIN team_members m ON m.team_id = tm.id"
	    " WHERE m.user_id = ? AND tm.assignment <> 'manual' ORDER BY tm.id"
	    " LIMIT 200",
	[TM_AUTO_WAITING] =
	    "SELECT tm.id FROM teams tm WHERE tm.assignment <> 'manual'"
	    " AND EXISTS (SELECT 1 FROM tickets t WHERE t.deleted_at IS NULL"
	    " AND t.team_id = tm.id AND t.assigned_to IS NULL"
	    " AND t.status <> 'closed') ORDER BY tm.id LIMIT 500",
	[TM_AVAIL_GET] = "SELECT availability FROM agent_status WHERE user_id = ?",
	[TM_AVAIL_SET] =
	    "INSERT INTO agent_status (user_id, availability) VALUES (?, ?)"
	    " ON DUPLICATE KEY UPDATE availability = VALUES(availability)",
};
/* clang-format on */

enum tick_err
tick_team_create(struct tick_db *db, const struct tick_team_in *in,
    long long *id)
{
	struct tick_q q;
	enum tick_err rc;

	*id = 0;
	tick_q_init(&q, db, stmts[TM_CREATE]);
	tick_q_str(&q, in->name, (size_t)-1);
	tick_q_opt_int(&q, in->site_id);
	tick_q_str(&q, tick_assign_mode_names[in->assignment], (size_t)-1);
	tick_q_opt_int(&q, in->agent_capacity);
	tick_q_int(&q, in->is_default != 0);
	rc = tick_q_exec(&q);
	*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	if (rc == TICK_OK && in->is_default) {
		tick_q_init(&q, db, stmts[TM_UNDEFAULT]);
		tick_q_int(&q, *id);
		rc = tick_q_run(&q);
	}
	return rc;
}

enum tick_err
tick_team_update(struct tick_db *db, long long id,
    const struct tick_team_in *in)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[TM_UPDATE]);
	tick_q_int(&q, in->has_name);
	tick_q_str(&q, in->has_name ? in->name : NULL, (size_t)-1);
	tick_q_int(&q, in->has_site);
	tick_q_opt_int(&q, in->has_site ? in->site_id : 0);
	tick_q_int(&q, in->has_assignment);
	tick_q_str(&q, tick_assign_mode_names[in->assignment], (size_t)-1);
	tick_q_int(&q, in->has_capacity);
	tick_q_opt_int(&q, in->has_capacity ? in->agent_capacity : 0);
	tick_q_int(&q, in->has_default);
	tick_q_int(&q, in->is_default != 0);
	tick_q_int(&q, id);
	rc = tick_q_run(&q);
	if (rc == TICK_OK && in->has_default && in->is_default) {
		tick_q_init(&q, db, stmts[TM_UNDEFAULT]);
		tick_q_int(&q, id);
		rc = tick_q_run(&q);
	}
	return rc;
}

static enum tick_err
by_id(struct tick_db *db, enum teams_stmt s, long long id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[s]);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_team_delete(struct tick_db *db, long long id)
{
	enum tick_err rc;

	if ((rc = by_id(db, TM_UNLINK_TICKETS, id)) == TICK_OK &&
	    (rc = by_id(db, TM_DELETE_MEMBERS, id)) == TICK_OK)
		rc = by_id(db, TM_DELETE, id);
	return rc;
}

/* One row of TEAM_COLUMNS. */
struct team_row {
	long long id, site_id, capacity, is_default;
	char name[TICK_COL_BUF(100)], site_code[TICK_COL_BUF(10)],
	    site_name[TICK_COL_BUF(100)], assignment[16], created[40],
	    updated[40];
};

static void
bind_team(struct tick_q *q, struct team_row *r)
{
	memset(r, 0, sizeof(*r));
	tick_q_out_int(q, &r->id);
	tick_q_out_str(q, r->name, sizeof(r->name));
	tick_q_out_int(q, &r->site_id);
	tick_q_out_str(q, r->site_code, sizeof(r->site_code));
	tick_q_out_str(q, r->site_name, sizeof(r->site_name));
	tick_q_out_str(q, r->assignment, sizeof(r->assignment));
	tick_q_out_int(q, &r->capacity);
	tick_q_out_int(q, &r->is_default);
	tick_q_out_str(q, r->created, sizeof(r->created));
	tick_q_out_str(q, r->updated, sizeof(r->updated));
}

static json_t *
team_row_json(const struct tick_q *q, const struct team_row *r)
{
	return json_pack("{s:I, s:s, s:o, s:s, s:o, s:b, s:[], s:s, s:s}", "id",
	    (json_int_t)r->id, "name", r->name, "site",
	    tick_q_isnull(q, 2) ?
	        json_null() :
	        json_pack("{s:I, s:s, s:s}", "id", (json_int_t)r->site_id,
	            "code", r->site_code, "name", r->site_name),
	    "assignment", r->assignment, "agent_capacity",
	    tick_q_isnull(q, 6) ? json_null() :
	                          json_integer((json_int_t)r->capacity),
	    "is_default", (int)(r->is_default != 0), "members", "created_at",
	    r->created, "updated_at", r->updated);
}

/* Fills team's "members" with those of team id. */
static enum tick_err
add_members(struct tick_db *db, json_t *team, long long id)
{
	json_t *list = json_object_get(team, "members"), *m;
	char name[TICK_COL_BUF(100)], email[TICK_COL_BUF(254)], role[16],
	    avail[16];
	long long uid, open;
	struct tick_q q;
	enum tick_err rc;
	int f;

	tick_q_init(&q, db, stmts[TM_MEMBERS]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &uid);
	tick_q_out_str(&q, name, sizeof(name));
	tick_q_out_str(&q, email, sizeof(email));
	tick_q_out_str(&q, role, sizeof(role));
	tick_q_out_str(&q, avail, sizeof(avail));
	tick_q_out_int(&q, &open);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0 ||
		    (m = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "id",
		         (json_int_t)uid, "name", name, "email", email, "role",
		         role, "availability", avail, "open_tickets",
		         (json_int_t)open)) == NULL) {
			rc = f < 0 ? TICK_EDB : TICK_ENOMEM;
			break;
		}
		json_array_append_new(list, m);
	}
	tick_q_done(&q);
	return rc;
}

json_t *
tick_team_json(struct tick_db *db, long long id, enum tick_err *rc)
{
	struct team_row r;
	struct tick_q q;
	json_t *o = NULL;
	int f;

	tick_q_init(&q, db, stmts[TM_GET]);
	tick_q_int(&q, id);
	bind_team(&q, &r);
	if ((*rc = tick_q_exec(&q)) == TICK_OK) {
		f = tick_q_fetch(&q);
		if (f == 1)
			o = team_row_json(&q, &r);
		*rc = f == 1 ? (o ? TICK_OK : TICK_ENOMEM) :
		    f == 0   ? TICK_ENOTFOUND :
		               TICK_EDB;
	}
	tick_q_done(&q);
	if (o != NULL && (*rc = add_members(db, o, id)) != TICK_OK) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

enum tick_err
tick_team_list(struct tick_db *db, json_t **items)
{
	struct team_row r;
	struct tick_q q;
	enum tick_err rc;
	size_t i;
	json_t *o;
	int f;

	if ((*items = json_array()) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[TM_LIST]);
	bind_team(&q, &r);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0 || (o = team_row_json(&q, &r)) == NULL) {
			rc = f < 0 ? TICK_EDB : TICK_ENOMEM;
			break;
		}
		json_array_append_new(*items, o);
	}
	tick_q_done(&q);
	/* The members once the list's result is released. */
	json_array_foreach (*items, i, o)
		if (rc == TICK_OK)
			rc = add_members(db, o,
			    (long long)json_integer_value(
			        json_object_get(o, "id")));
	if (rc != TICK_OK) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

enum tick_err
tick_team_lock(struct tick_db *db, long long id, struct tick_team *t)
{
	char mode[16] = "";
	struct tick_q q;
	enum tick_err rc;

	memset(t, 0, sizeof(*t));
	tick_q_init(&q, db, stmts[TM_LOCK]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &t->id);
	tick_q_out_str(&q, mode, sizeof(mode));
	tick_q_out_int(&q, &t->capacity);
	tick_q_out_int(&q, &t->rr_last);
	tick_q_out_int(&q, &t->site_id);
	rc = tick_q_one(&q);
	if (rc == TICK_OK &&
	    tick_assign_mode_parse(mode, &t->mode) != TICK_OK) {
		tick_log_err("%s: team %lld: unknown assignment", __func__, id);
		rc = TICK_EDB;
	}
	return rc;
}

/* Up to TICK_TEAM_MEMBERS_MAX member ids of team id, ascending. */
static enum tick_err
member_ids(struct tick_db *db, long long id, long long *ids, size_t *n)
{
	struct tick_q q;
	enum tick_err rc;
	long long v;
	int f;

	*n = 0;
	tick_q_init(&q, db, stmts[TM_MEMBER_IDS]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &v);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		if (*n < TICK_TEAM_MEMBERS_MAX)
			ids[(*n)++] = v;
	}
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_team_member_ids(struct tick_db *db, long long id, long long *ids,
    size_t *n)
{
	return member_ids(db, id, ids, n);
}

enum tick_err
tick_team_set_members(struct tick_db *db, long long id, const long long *ids,
    size_t n, json_t **before)
{
	long long old[TICK_TEAM_MEMBERS_MAX];
	size_t nold = 0;
	struct tick_q q;
	enum tick_err rc;

	if ((*before = json_array()) == NULL)
		return TICK_ENOMEM;
	if ((rc = member_ids(db, id, old, &nold)) != TICK_OK)
		return rc;
	for (size_t i = 0; i < nold; i++)
		json_array_append_new(*before,
		    json_integer((json_int_t)old[i]));
	if ((rc = by_id(db, TM_DELETE_MEMBERS, id)) != TICK_OK)
		return rc;
	for (size_t i = 0; i < n && rc == TICK_OK; i++) {
		tick_q_init(&q, db, stmts[TM_ADD_MEMBER]);
		tick_q_int(&q, id);
		tick_q_int(&q, ids[i]);
		rc = tick_q_run(&q);
	}
	return rc;
}

enum tick_err
tick_team_is_member(struct tick_db *db, long long team_id, long long user_id,
    int *yes)
{
	long long one = 0;
	struct tick_q q;
	enum tick_err rc;

	*yes = 0;
	tick_q_init(&q, db, stmts[TM_IS_MEMBER]);
	tick_q_int(&q, team_id);
	tick_q_int(&q, user_id);
	tick_q_out_int(&q, &one);
	rc = tick_q_one(&q);
	if (rc == TICK_OK)
		*yes = 1;
	return rc == TICK_ENOTFOUND ? TICK_OK : rc;
}

enum tick_err
tick_team_agents(struct tick_db *db, long long team_id,
    struct tick_assign_agent *a, size_t *n)
{
	long long uid, avail, open;
	struct tick_q q;
	enum tick_err rc;
	int f;

	*n = 0;
	tick_q_init(&q, db, stmts[TM_LOCK_AGENTS]);
	tick_q_int(&q, team_id);
	tick_q_out_int(&q, &uid);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0)
		if (f < 0)
			rc = TICK_EDB;
	tick_q_done(&q);
	if (rc != TICK_OK)
		return rc;

	tick_q_init(&q, db, stmts[TM_AGENTS]);
	tick_q_int(&q, team_id);
	tick_q_out_int(&q, &uid);
	tick_q_out_int(&q, &avail);
	tick_q_out_int(&q, &open);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		if (*n < TICK_TEAM_MEMBERS_MAX) {
			a[*n].user_id = uid;
			a[*n].available = avail != 0;
			a[*n].open = open;
			(*n)++;
		}
	}
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_team_set_last(struct tick_db *db, long long id, long long user_id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TM_SET_LAST]);
	tick_q_int(&q, user_id);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

/* Runs statement s, bound by the caller, collecting its one id column. */
static enum tick_err
collect(struct tick_q *q, long long *ids, size_t max, size_t *n)
{
	enum tick_err rc;
	long long v = 0;
	int f;

	*n = 0;
	tick_q_out_int(q, &v);
	rc = tick_q_exec(q);
	while (rc == TICK_OK && (f = tick_q_fetch(q)) != 0) {
		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		if (*n < max)
			ids[(*n)++] = v;
	}
	tick_q_done(q);
	return rc;
}

enum tick_err
tick_team_waiting(struct tick_db *db, long long id, long long *ids, size_t max,
    size_t *n)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TM_WAITING]);
	tick_q_int(&q, id);
	tick_q_int(&q, (long long)max);
	return collect(&q, ids, max, n);
}

enum tick_err
tick_team_for_site(struct tick_db *db, long long site_id, long long parent_id,
    int with_default, long long *team_id)
{
	struct tick_q q;
	enum tick_err rc = TICK_ENOTFOUND;

	*team_id = 0;
	if (site_id > 0) {
		tick_q_init(&q, db, stmts[TM_FOR_SITE]);
		tick_q_int(&q, site_id);
		tick_q_int(&q, parent_id > 0 ? parent_id : site_id);
		tick_q_int(&q, site_id);
		tick_q_out_int(&q, team_id);
		rc = tick_q_one(&q);
	}
	if (rc == TICK_ENOTFOUND && with_default) {
		tick_q_init(&q, db, stmts[TM_DEFAULT]);
		tick_q_out_int(&q, team_id);
		rc = tick_q_one(&q);
	}
	if (rc != TICK_OK)
		*team_id = 0;
	return rc == TICK_ENOTFOUND ? TICK_OK : rc;
}

enum tick_err
tick_team_auto_of_user(struct tick_db *db, long long user_id, long long *ids,
    size_t max, size_t *n)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TM_AUTO_OF_USER]);
	tick_q_int(&q, user_id);
	return collect(&q, ids, max, n);
}

enum tick_err
tick_team_auto_waiting(struct tick_db *db, long long *ids, size_t max,
    size_t *n)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TM_AUTO_WAITING]);
	return collect(&q, ids, max, n);
}

enum tick_err
tick_agent_availability(struct tick_db *db, long long user_id,
    enum tick_availability *a)
{
	char v[16] = "";
	struct tick_q q;
	enum tick_err rc;

	*a = TICK_AVAIL_OFFLINE;
	tick_q_init(&q, db, stmts[TM_AVAIL_GET]);
	tick_q_int(&q, user_id);
	tick_q_out_str(&q, v, sizeof(v));
	rc = tick_q_one(&q);
	if (rc == TICK_ENOTFOUND)
		return TICK_OK;
	for (int i = 0; rc == TICK_OK && i < TICK_AVAIL__MAX; i++)
		if (strcmp(v, tick_availability_names[i]) == 0)
			*a = (enum tick_availability)i;
	return rc;
}

enum tick_err
tick_agent_set_availability(struct tick_db *db, long long user_id,
    enum tick_availability a)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TM_AVAIL_SET]);
	tick_q_int(&q, user_id);
	tick_q_str(&q, tick_availability_names[a], (size_t)-1);
	return tick_q_run(&q);
}
