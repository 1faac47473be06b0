#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "db.h"
#include "tickets.h"

#define ISO(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%fZ')"
/* The SQL of tick_action_overdue(): open, due before today (UTC). */
/* Most files shown per action (each close may add one). */
#define FILES_MAX 50

enum actions_stmt {
	AC_CREATE,
	AC_LOCK,
	AC_UPDATE,
	AC_CLOSE,
	AC_REOPEN,
	AC_LINK_FILE,
	AC_COUNTS,
	AC_ONE,
	AC_OF_TICKET,
	AC_FILES,
	AC_CONTACT,
	AC_MANAGES,
	AC_STMT__MAX
};

/* Every column of an action as the API shows it, and today's date. */
#define ACTION_COLUMNS                                                        \
	"a.id, a.ticket_id, t.reference, a.description, a.owner_id, ou.name," \
	" DATE_FORMAT(a.due_date, '%Y-%m-%d'), a.status, a.closing_note,"     \
	" COALESCE(a.created_by, 0), cu.name, COALESCE(a.closed_by, 0),"      \
	" xu.name, " ISO("a.closed_at") ", " ISO("a.created_at") ", " ISO(    \
	    "a.updated_at") ", DATE_FORMAT(UTC_DATE(), '%Y-%m-%d')"
#define ACTION_FROM                                                   \
	" FROM ticket_actions a JOIN tickets t ON t.id = a.ticket_id" \
	" LEFT JOIN users ou ON ou.id = a.owner_id"                   \
	" LEFT JOIN users cu ON cu.id = a.created_by"                 \
	" LEFT JOIN users xu ON xu.id = a.closed_by"

/* clang-format off */
static const char *const stmts[AC_STMT__MAX] = {
	[AC_CREATE] =
	    "INSERT INTO ticket_actions (ticket_id, description, owner_id,"
	    " due_date, status, created_by) VALUES (?, ?, ?, ?, 'open', ?)",
	[AC_LOCK] =
	    "SELECT owner_id, status, DATE_FORMAT(due_date, '%Y-%m-%d')"
	    " FROM ticket_actions WHERE id = ? AND ticket_id = ? FOR UPDATE",
	[AC_UPDATE] =
	    "UPDATE ticket_actions SET description = COALESCE(?, description),"
	    " owner_id = COALESCE(?, owner_id), due_date = COALESCE(?, due_date)"
	    " WHERE id = ?",
	[AC_CLOSE] =
	    "UPDATE ticket_actions SET status = ?, closing_note = ?,"
	    " closed_by = ?, closed_at = NOW(3) WHERE id = ? AND status = 'open'",
	[AC_REOPEN] =
	    "UPDATE ticket_actions SET status = 'open', closing_note = NULL,"
	    " closed_by = NULL, closed_at = NULL WHERE id = ? AND status <> 'open'",
	[AC_LINK_FILE] = "UPDATE attachments SET action_id = ? WHERE id = ?",
	[AC_COUNTS] =
	    "SELECT COUNT(*), COALESCE(SUM(a.status = 'open'), 0),"
	    " COALESCE(SUM(" TICK_ACTION_OVERDUE_SQL "), 0) FROM ticket_actions a"
	    " WHERE a.ticket_id = ?",
	[AC_ONE] = "SELECT " ACTION_COLUMNS ACTION_FROM " WHERE a.id = ?",
	[AC_OF_TICKET] =
	    "SELECT " ACTION_COLUMNS ACTION_FROM " WHERE a.ticket_id = ?"
	    " ORDER BY a.status, a.due_date, a.id LIMIT ?",
	[AC_FILES] =
	    "SELECT id, state, secure_url, mime_type, file_name,"
	    " COALESCE(bytes, 0), error, " ISO("created_at")
	    " FROM attachments WHERE action_id = ? ORDER BY id LIMIT ?",
	/* A user's 24 hours run from their last message to the desk. */
	[AC_CONTACT] =
	    "SELECT COALESCE(u.mobile, ''), COALESCE(c.id, 0),"
	    " COALESCE(c.last_inbound_at > NOW(3) - INTERVAL 24 HOUR, 0)"
	    " FROM users u LEFT JOIN whatsapp_contacts c"
	    " ON c.contact_key = u.mobile AND u.mobile <> ''"
	    " WHERE u.id = ? AND u.active = 1",
	[AC_MANAGES] =
	    "SELECT COUNT(*) FROM tickets t JOIN site_users su"
	    " ON su.site_id = t.site_id OR su.site_id = t.subsite_id"
	    " WHERE t.id = ? AND su.user_id = ?",
};
/* clang-format on */

enum tick_err
tick_action_create(struct tick_db *db, long long ticket_id,
    const char *description, long long owner_id, const char *due,
    long long created_by, long long *id)
{
	struct tick_q q;
	enum tick_err rc;

	*id = 0;
	tick_q_init(&q, db, stmts[AC_CREATE]);
	tick_q_int(&q, ticket_id);
	tick_q_str(&q, description, (size_t)-1);
	tick_q_int(&q, owner_id);
	tick_q_str(&q, due, (size_t)-1);
	tick_q_opt_int(&q, created_by);
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_action_lock(struct tick_db *db, long long ticket_id, long long id,
    struct tick_action *a)
{
	char status[16];
	struct tick_q q;
	enum tick_err rc;

	memset(a, 0, sizeof(*a));
	tick_q_init(&q, db, stmts[AC_LOCK]);
	tick_q_int(&q, id);
	tick_q_int(&q, ticket_id);
	tick_q_out_int(&q, &a->owner_id);
	tick_q_out_str(&q, status, sizeof(status));
	tick_q_out_str(&q, a->due, sizeof(a->due));
	if ((rc = tick_q_one(&q)) != TICK_OK)
		return rc;
	a->id = id;
	a->ticket_id = ticket_id;
	return tick_action_status_parse(status, &a->status) == TICK_OK ?
	    TICK_OK :
	    TICK_EDB;
}

enum tick_err
tick_action_update(struct tick_db *db, long long id, const char *description,
    long long owner_id, const char *due)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[AC_UPDATE]);
	tick_q_opt_str(&q, description);
	tick_q_opt_int(&q, owner_id);
	tick_q_opt_str(&q, due);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_action_close(struct tick_db *db, long long id,
    enum tick_action_status status, const char *note, long long closed_by)
{
	long long n = 0;
	struct tick_q q;
	enum tick_err rc;

	if (status == TICK_ACTION_OPEN || status >= TICK_ACTION__MAX)
		return TICK_EINVAL;
	tick_q_init(&q, db, stmts[AC_CLOSE]);
	tick_q_str(&q, tick_action_status_name(status), (size_t)-1);
	tick_q_str(&q, note, (size_t)-1);
	tick_q_opt_int(&q, closed_by);
	tick_q_int(&q, id);
	if ((rc = tick_q_count(&q, &n)) == TICK_OK && n == 0)
		rc = TICK_ECONFLICT;
	return rc;
}

enum tick_err
tick_action_reopen(struct tick_db *db, long long id)
{
	long long n = 0;
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[AC_REOPEN]);
	tick_q_int(&q, id);
	if ((rc = tick_q_count(&q, &n)) == TICK_OK && n == 0)
		rc = TICK_ECONFLICT;
	return rc;
}

enum tick_err
tick_action_link_file(struct tick_db *db, long long id, long long attachment_id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[AC_LINK_FILE]);
	tick_q_int(&q, id);
	tick_q_int(&q, attachment_id);
	return tick_q_run(&q);
}

enum tick_err
tick_action_counts(struct tick_db *db, long long ticket_id,
    struct tick_action_counts *c)
{
	struct tick_q q;

	memset(c, 0, sizeof(*c));
	tick_q_init(&q, db, stmts[AC_COUNTS]);
	tick_q_int(&q, ticket_id);
	tick_q_out_int(&q, &c->total);
	tick_q_out_int(&q, &c->open);
	tick_q_out_int(&q, &c->overdue);
	return tick_q_one(&q);
}

/* One row of ACTION_COLUMNS. */
struct row {
	long long id, ticket_id, owner_id, created_by, closed_by;
	char reference[TICK_COL_BUF(32)];
	char description[TICK_COL_BUF(TICK_ACTION_DESCRIPTION_MAX)];
	char owner_name[TICK_COL_BUF(TICK_USER_NAME_MAX)];
	char due[16], status[16], today[16];
	char note[TICK_COL_BUF(TICK_ACTION_NOTE_MAX)];
	char created_name[TICK_COL_BUF(TICK_USER_NAME_MAX)];
	char closed_name[TICK_COL_BUF(TICK_USER_NAME_MAX)];
	char closed_at[40], created_at[40], updated_at[40];
};

static void
bind_row(struct tick_q *q, struct row *r)
{
	tick_q_out_int(q, &r->id);
	tick_q_out_int(q, &r->ticket_id);
	tick_q_out_str(q, r->reference, sizeof(r->reference));
	tick_q_out_str(q, r->description, sizeof(r->description));
	tick_q_out_int(q, &r->owner_id);
	tick_q_out_str(q, r->owner_name, sizeof(r->owner_name));
	tick_q_out_str(q, r->due, sizeof(r->due));
	tick_q_out_str(q, r->status, sizeof(r->status));
	tick_q_out_str(q, r->note, sizeof(r->note));
	tick_q_out_int(q, &r->created_by);
	tick_q_out_str(q, r->created_name, sizeof(r->created_name));
	tick_q_out_int(q, &r->closed_by);
	tick_q_out_str(q, r->closed_name, sizeof(r->closed_name));
	tick_q_out_str(q, r->closed_at, sizeof(r->closed_at));
	tick_q_out_str(q, r->created_at, sizeof(r->created_at));
	tick_q_out_str(q, r->updated_at, sizeof(r->updated_at));
	tick_q_out_str(q, r->today, sizeof(r->today));
}

static json_t *
col(const struct tick_q *q, int i, const char *s)
{
	return tick_q_isnull(q, i) ? json_null() : json_string(s);
}

/* {id, name} of a user, or null for none. */
static json_t *
who(const struct tick_q *q, int name_col, long long id, const char *name)
{
	if (id <= 0)
		return json_null();
	return json_pack("{s:I, s:o}", "id", (json_int_t)id, "name",
	    col(q, name_col, name));
}

/* The fetched row as JSON (files to come), or NULL. */
static json_t *
row_json(const struct tick_q *q, const struct row *r)
{
	enum tick_action_status st = TICK_ACTION_OPEN;
	struct tick_date due, today;
	int overdue = 0;

	if (tick_action_status_parse(r->status, &st) == TICK_OK &&
	    tick_action_parse_due(r->due, strlen(r->due), &due) == TICK_OK &&
	    tick_action_parse_due(r->today, strlen(r->today), &today) ==
	        TICK_OK)
		overdue = tick_action_overdue(st, &due, &today);
	return json_pack("{s:I, s:I, s:o, s:s, s:o, s:s, s:s, s:b, s:o, s:o,"
	                 " s:o, s:o, s:s, s:s}",
	    "id", (json_int_t)r->id, "ticket_id", (json_int_t)r->ticket_id,
	    "ticket_reference", col(q, 2, r->reference), "description",
	    r->description, "owner", who(q, 5, r->owner_id, r->owner_name),
	    "due_date", r->due, "status", r->status, "overdue", overdue,
	    "closing_note", col(q, 8, r->note), "created_by",
	    who(q, 10, r->created_by, r->created_name), "closed_by",
	    who(q, 12, r->closed_by, r->closed_name), "closed_at",
	    col(q, 13, r->closed_at), "created_at", r->created_at, "updated_at",
	    r->updated_at);
}

/* Sets "files" of action o (id id): its evidence, oldest first. */
static enum tick_err
add_files(struct tick_db *db, long long id, json_t *o)
{
	long long fid, bytes;
	char state[10], url[TICK_COL_BUF(1024)], mime[TICK_COL_BUF(128)],
	    name[TICK_COL_BUF(255)], err[TICK_COL_BUF(255)], when[40];
	json_t *arr = json_array();
	enum tick_err rc;
	struct tick_q q;
	int r;

	if (arr == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[AC_FILES]);
	tick_q_int(&q, id);
	tick_q_int(&q, FILES_MAX);
	tick_q_out_int(&q, &fid);
	tick_q_out_str(&q, state, sizeof(state));
	tick_q_out_str(&q, url, sizeof(url));
	tick_q_out_str(&q, mime, sizeof(mime));
	tick_q_out_str(&q, name, sizeof(name));
	tick_q_out_int(&q, &bytes);
	tick_q_out_str(&q, err, sizeof(err));
	tick_q_out_str(&q, when, sizeof(when));
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (r = tick_q_fetch(&q)) != 0) {
		json_t *f;

		if (r < 0) {
			rc = TICK_EDB;
			break;
		}
		f = json_pack("{s:I, s:s, s:o, s:o, s:o, s:I, s:o, s:s}", "id",
		    (json_int_t)fid, "state", state, "secure_url",
		    col(&q, 2, url), "mime_type", col(&q, 3, mime), "file_name",
		    col(&q, 4, name), "bytes", (json_int_t)bytes, "error",
		    col(&q, 6, err), "created_at", when);
		if (f == NULL || json_array_append_new(arr, f) != 0) {
			rc = TICK_ENOMEM;
			break;
		}
	}
	tick_q_done(&q);
	if (rc == TICK_OK && json_object_set_new(o, "files", arr) == 0)
		return TICK_OK;
	if (rc == TICK_OK)
		return TICK_ENOMEM;
	json_decref(arr);
	return rc;
}

/*
 * Runs q (bound, outputs into *r) and appends each row as JSON to items;
 * counts the open and overdue ones into c when c is not NULL. Files are
 * read once the rows are (one statement at a time).
 */
static enum tick_err
read_rows(struct tick_db *db, struct tick_q *q, struct row *r, json_t *items,
    struct tick_action_counts *c)
{
	enum tick_err rc = tick_q_exec(q);
	size_t i;
	json_t *o;
	int fr;

	while (rc == TICK_OK && (fr = tick_q_fetch(q)) != 0) {
		if (fr < 0 || (o = row_json(q, r)) == NULL) {
			rc = fr < 0 ? TICK_EDB : TICK_ENOMEM;
			break;
		}
		if (json_array_append_new(items, o) != 0) {
			rc = TICK_ENOMEM;
			break;
		}
	}
	tick_q_done(q);
	json_array_foreach (items, i, o) {
		if (rc != TICK_OK)
			break;
		rc = add_files(db,
		    (long long)json_integer_value(json_object_get(o, "id")), o);
		if (c != NULL) {
			c->total++;
			c->open += strcmp(json_string_value(
			                      json_object_get(o, "status")),
			               "open") == 0;
			c->overdue += json_is_true(
			    json_object_get(o, "overdue"));
		}
	}
	return rc;
}

json_t *
tick_action_json(struct tick_db *db, long long id, enum tick_err *rc)
{
	json_t *items = json_array(), *o = NULL;
	struct row *r = malloc(sizeof(*r));
	struct tick_q q;

	*rc = TICK_ENOMEM;
	if (items != NULL && r != NULL) {
		tick_q_init(&q, db, stmts[AC_ONE]);
		tick_q_int(&q, id);
		bind_row(&q, r);
		*rc = read_rows(db, &q, r, items, NULL);
		if (*rc == TICK_OK && json_array_size(items) == 0)
			*rc = TICK_ENOTFOUND;
		if (*rc == TICK_OK)
			o = json_incref(json_array_get(items, 0));
	}
	json_decref(items);
	free(r);
	return o;
}

enum tick_err
tick_action_ticket_list(struct tick_db *db, long long ticket_id, json_t **items,
    struct tick_action_counts *c)
{
	struct row *r = malloc(sizeof(*r));
	struct tick_q q;
	enum tick_err rc = TICK_ENOMEM;

	memset(c, 0, sizeof(*c));
	if (r != NULL && (*items = json_array()) != NULL) {
		tick_q_init(&q, db, stmts[AC_OF_TICKET]);
		tick_q_int(&q, ticket_id);
		tick_q_int(&q, TICK_ACTION_PER_TICKET_MAX);
		bind_row(&q, r);
		if ((rc = read_rows(db, &q, r, *items, c)) != TICK_OK) {
			json_decref(*items);
			*items = NULL;
		}
	} else
		*items = NULL;
	free(r);
	return rc;
}

enum tick_err
tick_action_ticket_json_add(struct tick_db *db, long long ticket_id,
    json_t *ticket)
{
	struct tick_action_counts c;
	json_t *items = NULL;
	enum tick_err rc;

	if ((rc = tick_action_ticket_list(db, ticket_id, &items, &c)) !=
	    TICK_OK)
		return rc;
	if (json_object_set_new(ticket, "actions", items) != 0 ||
	    json_object_set_new(ticket, "open_actions",
	        json_integer((json_int_t)c.open)) != 0 ||
	    json_object_set_new(ticket, "overdue_actions",
	        json_integer((json_int_t)c.overdue)) != 0)
		return TICK_ENOMEM;
	return TICK_OK;
}

/* The filters of GET /api/actions, as SQL fragments. */
static void
list_where(struct tick_sql *s, const struct tick_action_filters *f)
{
	tick_sql_add(s, " WHERE t.deleted_at IS NULL AND " TICK_SCOPE_SQL);
	if (f->owner_id > 0)
		tick_sql_add(s, " AND a.owner_id = ?");
	/* A site by id or code (a code may be all digits). */
	if (f->site_id > 0 || f->site_code != NULL)
		tick_sql_add(s,
		    " AND (t.site_id IN (SELECT x.id FROM sites x"
		    " WHERE x.id = ? OR x.code = ?) OR t.subsite_id IN"
		    " (SELECT x.id FROM sites x WHERE x.id = ? OR x.code = ?))");
	if (f->status >= 0)
		tick_sql_add(s, " AND a.status = ?");
	if (f->overdue)
		tick_sql_add(s, " AND " TICK_ACTION_OVERDUE_SQL);
}

static void
list_bind(struct tick_q *q, const struct tick_action_filters *f,
    const struct tick_scope *sc)
{
	tick_scope_bind(q, sc);
	if (f->owner_id > 0)
		tick_q_int(q, f->owner_id);
	if (f->site_id > 0 || f->site_code != NULL)
		for (int i = 0; i < 2; i++) {
			tick_q_int(q, f->site_id);
			tick_q_str(q, f->site_code, (size_t)-1);
		}
	if (f->status >= 0)
		tick_q_str(q,
		    tick_action_status_name((enum tick_action_status)f->status),
		    (size_t)-1);
}

enum tick_err
tick_action_list(struct tick_db *db, const struct tick_action_filters *f,
    const struct tick_scope *s, long long page, long long limit, json_t **items,
    long long *total)
{
	struct tick_sql count = { .len = 0 }, list = { .len = 0 };
	struct row *r = malloc(sizeof(*r));
	enum tick_err rc = TICK_ENOMEM;
	struct tick_q q;

	*total = 0;
	if (r == NULL || (*items = json_array()) == NULL) {
		free(r);
		*items = NULL;
		return TICK_ENOMEM;
	}
	tick_sql_add(&count,
	    "SELECT COUNT(*) FROM ticket_actions a"
	    " JOIN tickets t ON t.id = a.ticket_id");
	list_where(&count, f);
	tick_q_init_built(&q, db, &count);
	list_bind(&q, f, s);
	tick_q_out_int(&q, total);
	if ((rc = tick_q_one(&q)) != TICK_OK)
		goto out;
	tick_sql_add(&list, "SELECT " ACTION_COLUMNS ACTION_FROM);
	list_where(&list, f);
	tick_sql_add(&list, " ORDER BY a.due_date, a.id LIMIT ? OFFSET ?");
	tick_q_init_built(&q, db, &list);
	list_bind(&q, f, s);
	tick_q_int(&q, limit);
	tick_q_int(&q, (page - 1) * limit);
	bind_row(&q, r);
	rc = read_rows(db, &q, r, *items, NULL);
out:
	free(r);
	if (rc != TICK_OK) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

enum tick_err
tick_action_owner_contact(struct tick_db *db, long long user_id,
    struct tick_action_contact *c)
{
	long long open = 0;
	struct tick_q q;
	enum tick_err rc;

	memset(c, 0, sizeof(*c));
	tick_q_init(&q, db, stmts[AC_CONTACT]);
	tick_q_int(&q, user_id);
	tick_q_out_str(&q, c->mobile, sizeof(c->mobile));
	tick_q_out_int(&q, &c->contact_id);
	tick_q_out_int(&q, &open);
	rc = tick_q_one(&q);
	c->window_open = open != 0;
	return rc;
}

enum tick_err
tick_action_manages(struct tick_db *db, long long user_id, long long ticket_id,
    int *yes)
{
	long long n = 0;
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[AC_MANAGES]);
	tick_q_int(&q, ticket_id);
	tick_q_int(&q, user_id);
	tick_q_out_int(&q, &n);
	rc = tick_q_one(&q);
	*yes = rc == TICK_OK && n > 0;
	return rc;
}
