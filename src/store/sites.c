#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actions.h"
#include "bounds.h"
#include "db.h"
#include "sites.h"
#include "valid.h"

enum site_stmt {
	SI_CREATE,
	SI_UPDATE,
	SI_LOCK,
	SI_READ,
	SI_DEACTIVATE,
	SI_GET,
	SI_LIST,
	SI_COUNT,
	SI_MANAGERS,
	SI_MANAGER_IDS,
	SI_USER_ACTIVE,
	SI_CLEAR_MANAGERS,
	SI_ADD_MANAGER,
	SI_SET_QR,
	SI_CODE_FIND,
	SI_ACTIVE_GET,
	SI_ACTIVE_PAGE,
	SI_ACTIVE_ANY,
	SI_MANAGERS_TO_TELL,
	SI_STMT__MAX
};

/* clang-format off */
#define SITE_ROW                                                        \
	"s.id, COALESCE(s.parent_id, 0), s.active,"                     \
	" (SELECT COUNT(*) FROM sites c WHERE c.parent_id = s.id),"     \
	" s.code, COALESCE(s.qr_code, ''), COALESCE(s.qr_prefill, '')"

/* The actions of the tickets of site s and of its sub-sites (a sub-site's
 * ticket has its site as site_id), deleted tickets never; along
 * idx_tickets_site and idx_tickets_subsite. */
#define SITE_ACTIONS                                                    \
	" FROM tickets t JOIN ticket_actions a ON a.ticket_id = t.id"   \
	" WHERE t.deleted_at IS NULL"                                   \
	" AND (t.site_id = s.id OR t.subsite_id = s.id)"

#define SITE_COLUMNS                                                    \
	"s.id, s.code, s.name, s.address, s.latitude, s.longitude,"     \
	" s.active, s.parent_id, p.code, p.name,"                       \
	" (SELECT COUNT(*) FROM sites c WHERE c.parent_id = s.id),"     \
	" s.qr_code, s.qr_deep_link,"                                   \
	" DATE_FORMAT(s.created_at, '%Y-%m-%dT%H:%i:%s.%fZ'),"          \
	" DATE_FORMAT(s.updated_at, '%Y-%m-%dT%H:%i:%s.%fZ'),"          \
	" (SELECT COUNT(*)" SITE_ACTIONS " AND a.status = 'open'),"     \
	" (SELECT COUNT(*)" SITE_ACTIONS " AND " TICK_ACTION_OVERDUE_SQL ")" \
	" FROM sites s LEFT JOIN sites p ON p.id = s.parent_id"

/* The scope: every site, or those the user manages and their sub-sites.
 * The code is ASCII: compared as utf8mb4 so that any search text may be
 * matched against it. */
#define SITE_SCOPE                                                      \
	" (? = 0 OR s.id IN (SELECT su.site_id FROM site_users su"      \
	" WHERE su.user_id = ?) OR s.parent_id IN (SELECT su.site_id"   \
	" FROM site_users su WHERE su.user_id = ?))"

#define SITE_FILTER                                                     \
	" WHERE" SITE_SCOPE                                             \
	" AND (? < 0 OR s.active = ?) AND (? = 0 OR s.parent_id = ?)"   \
	" AND (? IS NULL OR CONVERT(s.code USING utf8mb4) LIKE ?"     \
	" OR s.name LIKE ?)"

/* A sub-site counts only while its site is active too. */
#define SITE_ACTIVE                                                    \
	" s.active = 1 AND (s.parent_id IS NULL OR EXISTS (SELECT 1" \
	" FROM sites p WHERE p.id = s.parent_id AND p.active = 1))"

static const char *const stmts[SI_STMT__MAX] = {
	[SI_CREATE] =
	    "INSERT INTO sites (code, name, address, latitude, longitude,"
	    " active, parent_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
	/* Each value comes with whether to leave the column as it is. */
	[SI_UPDATE] =
	    "UPDATE sites SET code = COALESCE(?, code),"
	    " name = COALESCE(?, name), address = IF(?, address, ?),"
	    " latitude = IF(?, latitude, ?), longitude = IF(?, longitude, ?),"
	    " active = COALESCE(?, active), parent_id = IF(?, parent_id, ?)"
	    " WHERE id = ?",
	[SI_LOCK] = "SELECT " SITE_ROW " FROM sites s WHERE s.id = ? FOR UPDATE",
	[SI_READ] = "SELECT " SITE_ROW " FROM sites s WHERE s.id = ? AND"
	            SITE_SCOPE,
	[SI_DEACTIVATE] =
	    "UPDATE sites SET active = 0 WHERE (id = ? OR parent_id = ?)"
	    " AND active = 1",
	[SI_GET] = "SELECT " SITE_COLUMNS " WHERE s.id = ?",
	/* Each sub-site right after its site. */
	[SI_LIST] = "SELECT " SITE_COLUMNS SITE_FILTER
	            " ORDER BY COALESCE(p.code, s.code), s.parent_id IS NOT NULL,"
	            " s.code LIMIT ? OFFSET ?",
	[SI_COUNT] = "SELECT COUNT(*) FROM sites s" SITE_FILTER,
	[SI_MANAGERS] =
	    "SELECT u.id, u.name, u.email FROM site_users su"
	    " JOIN users u ON u.id = su.user_id WHERE su.site_id = ?"
	    " ORDER BY u.name, u.id",
	[SI_MANAGER_IDS] =
	    "SELECT user_id FROM site_users WHERE site_id = ? ORDER BY user_id",
	[SI_USER_ACTIVE] =
	    "SELECT active FROM users WHERE id = ? LOCK IN SHARE MODE",
	[SI_CLEAR_MANAGERS] = "DELETE FROM site_users WHERE site_id = ?",
	[SI_ADD_MANAGER] =
	    "INSERT INTO site_users (site_id, user_id) VALUES (?, ?)",
	[SI_SET_QR] =
	    "UPDATE sites SET qr_code = ?, qr_deep_link = ?, qr_prefill = ?"
	    " WHERE id = ?",
	/* The guided intake's reads. */
	/* One placeholder per candidate (TICK_INTAKE_CODES_MAX, 16); the
	 * unused ones are NULL. */
	[SI_CODE_FIND] =
	    "SELECT s.id, COALESCE(s.parent_id, 0), s.code, s.name FROM sites s"
	    " WHERE s.code IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	    " AND" SITE_ACTIVE,
	[SI_ACTIVE_GET] =
	    "SELECT s.id, COALESCE(s.parent_id, 0), s.code, s.name FROM sites s"
	    " WHERE s.id = ? AND" SITE_ACTIVE,
	[SI_ACTIVE_PAGE] =
	    "SELECT id, code, name FROM sites WHERE active = 1"
	    " AND parent_id IS NULL ORDER BY code LIMIT ? OFFSET ?",
	[SI_ACTIVE_ANY] =
	    "SELECT COUNT(*) FROM (SELECT 1 FROM sites WHERE active = 1"
	    " AND parent_id IS NULL LIMIT 1) x",
	/* The window: the manager wrote to the desk in the last 24 hours
	 * (their WhatsApp contact, by wa_id). */
	[SI_MANAGERS_TO_TELL] =
	    "SELECT u.mobile, COALESCE(MAX(c.id), 0),"
	    " COALESCE(MAX(c.last_inbound_at) > NOW(3) - INTERVAL 24 HOUR, 0)"
	    " FROM site_users su JOIN users u ON u.id = su.user_id"
	    " LEFT JOIN whatsapp_contacts c ON c.wa_id = u.mobile"
	    " WHERE su.site_id IN (?, ?) AND u.active = 1"
	    " AND u.mobile IS NOT NULL AND u.mobile <> ''"
	    " GROUP BY u.mobile ORDER BY u.mobile LIMIT ?",
};
/* clang-format on */

enum tick_err
tick_site_create(struct tick_db *db, const struct tick_site_fields *f,
    long long *id)
{
	struct tick_q q;
	enum tick_err rc;

	*id = 0;
	tick_q_init(&q, db, stmts[SI_CREATE]);
	tick_q_str(&q, f->code, (size_t)-1);
	tick_q_str(&q, f->name, (size_t)-1);
	tick_q_opt_str(&q, f->address);
	tick_q_str(&q, f->has_position > 0 ? f->latitude : NULL, (size_t)-1);
	tick_q_str(&q, f->has_position > 0 ? f->longitude : NULL, (size_t)-1);
	tick_q_int(&q, f->active != 0);
	tick_q_opt_int(&q, f->parent_id);
	rc = tick_q_exec(&q);
	if (rc == TICK_OK)
		*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_site_update(struct tick_db *db, long long id,
    const struct tick_site_fields *f)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[SI_UPDATE]);
	tick_q_str(&q, f->code, (size_t)-1);
	tick_q_str(&q, f->name, (size_t)-1);
	tick_q_int(&q, f->address == NULL);
	tick_q_opt_str(&q, f->address);
	tick_q_int(&q, f->has_position == 0);
	tick_q_str(&q, f->has_position > 0 ? f->latitude : NULL, (size_t)-1);
	tick_q_int(&q, f->has_position == 0);
	tick_q_str(&q, f->has_position > 0 ? f->longitude : NULL, (size_t)-1);
	if (f->active >= 0)
		tick_q_int(&q, f->active != 0);
	else
		tick_q_null(&q);
	tick_q_int(&q, f->parent_id == 0);
	tick_q_opt_int(&q, f->parent_id);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

/* Binds a SITE_ROW query's columns into r, active into *active. */
static void
bind_site_row(struct tick_q *q, struct tick_site_row *r, long long *active)
{
	memset(r, 0, sizeof(*r));
	*active = 0;
	tick_q_out_int(q, &r->id);
	tick_q_out_int(q, &r->parent_id);
	tick_q_out_int(q, active);
	tick_q_out_int(q, &r->subsites);
	tick_q_out_str(q, r->code, sizeof(r->code));
	tick_q_out_str(q, r->qr_code, sizeof(r->qr_code));
	tick_q_out_str(q, r->qr_prefill, sizeof(r->qr_prefill));
}

/* Runs a SITE_ROW query bound by bind_site_row. */
static enum tick_err
row_one(struct tick_q *q, struct tick_site_row *r, const long long *active)
{
	enum tick_err rc = tick_q_one(q);

	r->active = *active != 0;
	return rc;
}

enum tick_err
tick_site_lock(struct tick_db *db, long long id, struct tick_site_row *r)
{
	long long active = 0;
	struct tick_q q;

	tick_q_init(&q, db, stmts[SI_LOCK]);
	tick_q_int(&q, id);
	bind_site_row(&q, r, &active);
	return row_one(&q, r, &active);
}

enum tick_err
tick_site_read(struct tick_db *db, long long id,
    const struct tick_site_scope *scope, struct tick_site_row *r)
{
	long long active = 0;
	struct tick_q q;

	tick_q_init(&q, db, stmts[SI_READ]);
	tick_q_int(&q, id);
	tick_q_int(&q, scope->sites_only != 0);
	tick_q_int(&q, scope->user_id);
	tick_q_int(&q, scope->user_id);
	bind_site_row(&q, r, &active);
	return row_one(&q, r, &active);
}

enum tick_err
tick_site_deactivate(struct tick_db *db, long long id, long long *subsites)
{
	struct tick_site_row r;
	long long n = 0;
	struct tick_q q;
	enum tick_err rc;
	int was_active;

	*subsites = 0;
	if ((rc = tick_site_lock(db, id, &r)) != TICK_OK)
		return rc;
	was_active = r.active;
	tick_q_init(&q, db, stmts[SI_DEACTIVATE]);
	tick_q_int(&q, id);
	tick_q_int(&q, id);
	if ((rc = tick_q_count(&q, &n)) == TICK_OK)
		*subsites = n - (was_active ? 1 : 0);
	return rc;
}

/* One row of SITE_COLUMNS. */
struct row {
	long long id, active, parent_id, subsites;
	char code[TICK_SITE_CODE_MAX + 1];
	char name[TICK_COL_BUF(TICK_SITE_NAME_MAX)];
	char address[TICK_COL_BUF(TICK_SITE_ADDRESS_MAX)];
	char lat[24], lon[24];
	char pcode[TICK_SITE_CODE_MAX + 1];
	char pname[TICK_COL_BUF(TICK_SITE_NAME_MAX)];
	char qr_code[TICK_COL_BUF(64)], qr_link[TICK_COL_BUF(255)];
	char created[40], updated[40];
	long long open_actions, overdue_actions;
};

enum {
	C_ID,
	C_CODE,
	C_NAME,
	C_ADDRESS,
	C_LAT,
	C_LON,
	C_ACTIVE,
	C_PARENT,
	C_PCODE,
	C_PNAME,
	C_SUBSITES,
	C_QR_CODE,
	C_QR_LINK,
	C_CREATED,
	C_UPDATED,
	C_OPEN_ACTIONS,
	C_OVERDUE_ACTIONS
};

static void
bind_columns(struct tick_q *q, struct row *r)
{
	memset(r, 0, sizeof(*r));
	tick_q_out_int(q, &r->id);
	tick_q_out_str(q, r->code, sizeof(r->code));
	tick_q_out_str(q, r->name, sizeof(r->name));
	tick_q_out_str(q, r->address, sizeof(r->address));
	tick_q_out_str(q, r->lat, sizeof(r->lat));
	tick_q_out_str(q, r->lon, sizeof(r->lon));
	tick_q_out_int(q, &r->active);
	tick_q_out_int(q, &r->parent_id);
	tick_q_out_str(q, r->pcode, sizeof(r->pcode));
	tick_q_out_str(q, r->pname, sizeof(r->pname));
	tick_q_out_int(q, &r->subsites);
	tick_q_out_str(q, r->qr_code, sizeof(r->qr_code));
	tick_q_out_str(q, r->qr_link, sizeof(r->qr_link));
	tick_q_out_str(q, r->created, sizeof(r->created));
	tick_q_out_str(q, r->updated, sizeof(r->updated));
	tick_q_out_int(q, &r->open_actions);
	tick_q_out_int(q, &r->overdue_actions);
}

static json_t *
opt_str(const struct tick_q *q, int col, const char *s)
{
	return tick_q_isnull(q, col) ? json_null() : json_string(s);
}

static json_t *
opt_num(const struct tick_q *q, int col, const char *s)
{
	return tick_q_isnull(q, col) ? json_null() : json_real(strtod(s, NULL));
}

/* The view of a row, managers still empty. */
static json_t *
row_json(const struct tick_q *q, const struct row *r)
{
	int has_parent = !tick_q_isnull(q, C_PARENT);
	int has_qr = !tick_q_isnull(q, C_QR_CODE) &&
	    !tick_q_isnull(q, C_QR_LINK);

	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:b, s:o, s:o, s:I,"
	                 " s:[], s:o, s:s, s:s, s:I, s:I}",
	    "id", (json_int_t)r->id, "code", r->code, "name", r->name,
	    "address", opt_str(q, C_ADDRESS, r->address), "latitude",
	    opt_num(q, C_LAT, r->lat), "longitude", opt_num(q, C_LON, r->lon),
	    "active", (int)r->active, "parent_id",
	    has_parent ? json_integer((json_int_t)r->parent_id) : json_null(),
	    "parent",
	    has_parent ?
	        json_pack("{s:I, s:s, s:s}", "id", (json_int_t)r->parent_id,
	            "code", r->pcode, "name", r->pname) :
	        json_null(),
	    "subsites_count", (json_int_t)r->subsites, "managers", "qr",
	    has_qr ? json_pack("{s:s, s:s}", "code", r->qr_code, "deep_link",
	                 r->qr_link) :
	             json_null(),
	    "created_at", r->created, "updated_at", r->updated, "open_actions",
	    (json_int_t)r->open_actions, "overdue_actions",
	    (json_int_t)r->overdue_actions);
}

/* Fills site's "managers" with those of site id. */
static enum tick_err
add_managers(struct tick_db *db, json_t *site, long long id)
{
	char name[TICK_COL_BUF(TICK_USER_NAME_MAX)],
	    email[TICK_COL_BUF(TICK_USER_EMAIL_MAX)];
	json_t *list = json_object_get(site, "managers"), *m;
	long long uid = 0;
	struct tick_q q;
	enum tick_err rc;
	int f;

	tick_q_init(&q, db, stmts[SI_MANAGERS]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &uid);
	tick_q_out_str(&q, name, sizeof(name));
	tick_q_out_str(&q, email, sizeof(email));
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		m = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)uid, "name",
		    name, "email", email);
		if (m == NULL || json_array_append_new(list, m) != 0)
			rc = TICK_ENOMEM;
	}
	tick_q_done(&q);
	return rc;
}

json_t *
tick_site_json(struct tick_db *db, long long id, enum tick_err *rc)
{
	json_t *out = NULL;
	struct tick_q q;
	struct row r;
	int f;

	tick_q_init(&q, db, stmts[SI_GET]);
	tick_q_int(&q, id);
	bind_columns(&q, &r);
	if ((*rc = tick_q_exec(&q)) == TICK_OK) {
		f = tick_q_fetch(&q);
		if (f == 1 && (out = row_json(&q, &r)) == NULL)
			*rc = TICK_ENOMEM;
		else if (f != 1)
			*rc = f == 0 ? TICK_ENOTFOUND : TICK_EDB;
	}
	tick_q_done(&q);
	if (out != NULL && (*rc = add_managers(db, out, id)) != TICK_OK) {
		json_decref(out);
		out = NULL;
	}
	return out;
}

/* Binds the scope and filters of SITE_FILTER; like holds the pattern. */
static void
bind_filter(struct tick_q *q, const struct tick_site_scope *scope,
    const struct tick_site_filter *f, const char *like)
{
	tick_q_int(q, scope->sites_only != 0);
	tick_q_int(q, scope->user_id);
	tick_q_int(q, scope->user_id);
	tick_q_int(q, f->active);
	tick_q_int(q, f->active);
	tick_q_int(q, f->parent_id);
	tick_q_int(q, f->parent_id);
	tick_q_opt_str(q, like);
	tick_q_opt_str(q, like);
	tick_q_opt_str(q, like);
}

enum tick_err
tick_site_list(struct tick_db *db, const struct tick_site_scope *scope,
    const struct tick_site_filter *f, long long limit, long long offset,
    json_t **items, long long *total)
{
	char like[TICK_COL_BUF(TICK_SITE_NAME_MAX) * 2 + 3];
	enum tick_err rc;
	struct tick_q q;
	struct row r;
	size_t i;
	json_t *v;
	int fr;

	*items = NULL;
	*total = 0;
	if ((rc = tick_like_pattern(f->q ? f->q : "", f->q && *f->q,
	         f->q && *f->q, like, sizeof(like))) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[SI_COUNT]);
	bind_filter(&q, scope, f, like);
	tick_q_out_int(&q, total);
	if ((rc = tick_q_one(&q)) != TICK_OK)
		return rc == TICK_ENOTFOUND ? TICK_EDB : rc;
	if ((*items = json_array()) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[SI_LIST]);
	bind_filter(&q, scope, f, like);
	tick_q_int(&q, limit);
	tick_q_int(&q, offset);
	bind_columns(&q, &r);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (fr = tick_q_fetch(&q)) != 0) {
		if (fr < 0)
			rc = TICK_EDB;
		else if ((v = row_json(&q, &r)) == NULL ||
		    json_array_append_new(*items, v) != 0)
			rc = TICK_ENOMEM;
	}
	tick_q_done(&q);
	/* The managers once the list's result is released. */
	json_array_foreach (*items, i, v)
		if (rc == TICK_OK)
			rc = add_managers(db, v,
			    json_integer_value(json_object_get(v, "id")));
	if (rc != TICK_OK) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

enum tick_err
tick_site_user_active(struct tick_db *db, long long user_id, int *active)
{
	long long a = 0;
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[SI_USER_ACTIVE]);
	tick_q_int(&q, user_id);
	tick_q_out_int(&q, &a);
	rc = tick_q_one(&q);
	*active = rc == TICK_OK && a != 0;
	return rc == TICK_ENOTFOUND ? TICK_OK : rc;
}

enum tick_err
tick_site_set_managers(struct tick_db *db, long long id,
    const long long *user_ids, size_t n, json_t **before)
{
	long long uid = 0;
	struct tick_q q;
	enum tick_err rc;
	int f;

	if (before != NULL) {
		if ((*before = json_array()) == NULL)
			return TICK_ENOMEM;
		tick_q_init(&q, db, stmts[SI_MANAGER_IDS]);
		tick_q_int(&q, id);
		tick_q_out_int(&q, &uid);
		rc = tick_q_exec(&q);
		while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0)
			if (f < 0 ||
			    json_array_append_new(*before,
			        json_integer((json_int_t)uid)) != 0)
				rc = f < 0 ? TICK_EDB : TICK_ENOMEM;
		tick_q_done(&q);
		if (rc != TICK_OK) {
			json_decref(*before);
			*before = NULL;
			return rc;
		}
	}
	tick_q_init(&q, db, stmts[SI_CLEAR_MANAGERS]);
	tick_q_int(&q, id);
	if ((rc = tick_q_run(&q)) != TICK_OK)
		return rc;
	for (size_t i = 0; i < n && rc == TICK_OK; i++) {
		tick_q_init(&q, db, stmts[SI_ADD_MANAGER]);
		tick_q_int(&q, id);
		tick_q_int(&q, user_ids[i]);
		rc = tick_q_run(&q);
	}
	return rc;
}

enum tick_err
tick_site_set_qr(struct tick_db *db, long long id, const char *code,
    const char *deep_link, const char *prefill)
{
	char c[65], l[TICK_COL_BUF(255)], p[TICK_COL_BUF(140)];
	struct tick_q q;

	tick_valid_utf8_cut(code ? code : "", code ? strlen(code) : 0, 64, c,
	    sizeof(c));
	tick_valid_utf8_cut(deep_link ? deep_link : "",
	    deep_link ? strlen(deep_link) : 0, 255, l, sizeof(l));
	tick_valid_utf8_cut(prefill ? prefill : "",
	    prefill ? strlen(prefill) : 0, 140, p, sizeof(p));
	tick_q_init(&q, db, stmts[SI_SET_QR]);
	tick_q_opt_str(&q, c);
	tick_q_opt_str(&q, l);
	tick_q_opt_str(&q, p);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

/* ---- What the guided intake reads of sites. */

static void
out_site(struct tick_q *q, struct tick_site_code *s)
{
	tick_q_out_int(q, &s->id);
	tick_q_out_int(q, &s->parent_id);
	tick_q_out_str(q, s->code, sizeof(s->code));
	tick_q_out_str(q, s->name, sizeof(s->name));
}

enum tick_err
tick_site_codes_find(struct tick_db *db, const struct tick_intake_codes *codes,
    struct tick_site_code *out)
{
	struct tick_site_code row, found[TICK_INTAKE_CODES_MAX];
	size_t nfound = 0;
	struct tick_q q;
	enum tick_err rc;
	int r;

	memset(out, 0, sizeof(*out));
	if (codes->n == 0)
		return TICK_ENOTFOUND;
	tick_q_init(&q, db, stmts[SI_CODE_FIND]);
	for (size_t i = 0; i < TICK_INTAKE_CODES_MAX; i++)
		tick_q_str(&q, i < codes->n ? codes->code[i] : NULL,
		    (size_t)-1);
	memset(&row, 0, sizeof(row));
	out_site(&q, &row);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && nfound < TICK_INTAKE_CODES_MAX &&
	    (r = tick_q_fetch(&q)) != 0) {
		if (r < 0)
			rc = TICK_EDB;
		else
			found[nfound++] = row;
	}
	tick_q_done(&q);
	if (rc != TICK_OK)
		return rc;
	/* The candidates' order decides, not the table's. */
	for (size_t i = 0; i < codes->n; i++)
		for (size_t j = 0; j < nfound; j++)
			if (strcasecmp(codes->code[i], found[j].code) == 0) {
				*out = found[j];
				return TICK_OK;
			}
	return TICK_ENOTFOUND;
}

enum tick_err
tick_site_codes_get(struct tick_db *db, long long id,
    struct tick_site_code *out)
{
	struct tick_q q;

	memset(out, 0, sizeof(*out));
	tick_q_init(&q, db, stmts[SI_ACTIVE_GET]);
	tick_q_int(&q, id);
	out_site(&q, out);
	return tick_q_one(&q);
}

enum tick_err
tick_site_codes_page(struct tick_db *db, long long offset,
    struct tick_site_code *out, size_t max, size_t *n)
{
	struct tick_site_code row;
	struct tick_q q;
	enum tick_err rc;
	int r;

	*n = 0;
	if (max > TICK_SITE_CODES_PAGE_MAX)
		max = TICK_SITE_CODES_PAGE_MAX;
	memset(&row, 0, sizeof(row));
	tick_q_init(&q, db, stmts[SI_ACTIVE_PAGE]);
	tick_q_int(&q, (long long)max);
	tick_q_int(&q, offset < 0 ? 0 : offset);
	tick_q_out_int(&q, &row.id);
	tick_q_out_str(&q, row.code, sizeof(row.code));
	tick_q_out_str(&q, row.name, sizeof(row.name));
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && *n < max && (r = tick_q_fetch(&q)) != 0) {
		if (r < 0)
			rc = TICK_EDB;
		else
			out[(*n)++] = row;
	}
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_site_codes_any(struct tick_db *db, int *any)
{
	long long n = 0;
	struct tick_q q;
	enum tick_err rc;

	*any = 0;
	tick_q_init(&q, db, stmts[SI_ACTIVE_ANY]);
	tick_q_out_int(&q, &n);
	if ((rc = tick_q_one(&q)) == TICK_OK)
		*any = n > 0;
	return rc;
}

enum tick_err
tick_site_codes_managers(struct tick_db *db, long long site_id,
    long long subsite_id, struct tick_site_manager *out, size_t max, size_t *n)
{
	struct tick_site_manager row;
	long long window = 0;
	struct tick_q q;
	enum tick_err rc;
	int r;

	*n = 0;
	if (max > TICK_SITE_CODES_MANAGERS_MAX)
		max = TICK_SITE_CODES_MANAGERS_MAX;
	memset(&row, 0, sizeof(row));
	tick_q_init(&q, db, stmts[SI_MANAGERS_TO_TELL]);
	tick_q_int(&q, site_id);
	tick_q_int(&q, subsite_id);
	tick_q_int(&q, (long long)max);
	tick_q_out_str(&q, row.mobile, sizeof(row.mobile));
	tick_q_out_int(&q, &row.contact_id);
	tick_q_out_int(&q, &window);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && *n < max && (r = tick_q_fetch(&q)) != 0) {
		if (r < 0)
			rc = TICK_EDB;
		else {
			row.window_open = window != 0;
			out[(*n)++] = row;
		}
	}
	tick_q_done(&q);
	return rc;
}
