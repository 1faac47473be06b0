#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "canned.h"
#include "db.h"

#define ISO(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%fZ')"
#define STR_(x) #x
#define STR(x) STR_(x)

enum canned_stmt {
	CN_LIST,
	CN_GET,
	CN_CREATE,
	CN_UPDATE,
	CN_DELETE,
	CN_STMT__MAX
};

/* clang-format off */
#define CN_COLUMNS "c.id, c.code, c.title, c.body, c.buttons," \
	" COALESCE(c.created_by, 0), u.name, COALESCE(c.updated_by, 0), " \
	ISO("c.created_at") ", " ISO("c.updated_at") \
	" FROM canned_replies c LEFT JOIN users u ON u.id = c.created_by"

static const char *const stmts[CN_STMT__MAX] = {
	[CN_LIST] =
	    "SELECT " CN_COLUMNS " WHERE ? = '' OR c.code LIKE ? ESCAPE '!'"
	    " OR c.title LIKE ? ESCAPE '!'"
	    " ORDER BY c.code LIMIT " STR(TICK_CANNED_LIST_MAX),
	[CN_GET] = "SELECT " CN_COLUMNS " WHERE c.id = ?",
	[CN_CREATE] =
	    "INSERT INTO canned_replies (code, title, body, buttons, created_by,"
	    " updated_by) VALUES (?, ?, ?, ?, ?, ?)",
	[CN_UPDATE] =
	    "UPDATE canned_replies SET code = COALESCE(?, code),"
	    " title = COALESCE(?, title), body = COALESCE(?, body),"
	    " buttons = IF(?, ?, buttons), updated_by = ?,"
	    " updated_at = CURRENT_TIMESTAMP(3) WHERE id = ?",
	[CN_DELETE] = "DELETE FROM canned_replies WHERE id = ?",
};
/* clang-format on */

/* One row's buffers. */
struct row {
	long long id, created_by, updated_by;
	char code[TICK_CANNED_CODE_MAX + 1];
	char title[TICK_COL_BUF(TICK_CANNED_TITLE_MAX)];
	char text[TICK_COL_BUF(TICK_CANNED_TEXT_MAX)];
	char buttons[TICK_COL_BUF(TICK_CANNED_BUTTONS_MAX * 24 + 16)];
	char name[TICK_COL_BUF(100)];
	char created[40], updated[40];
};

static void
bind_row(struct tick_q *q, struct row *r)
{
	tick_q_out_int(q, &r->id);
	tick_q_out_str(q, r->code, sizeof(r->code));
	tick_q_out_str(q, r->title, sizeof(r->title));
	tick_q_out_str(q, r->text, sizeof(r->text));
	tick_q_out_str(q, r->buttons, sizeof(r->buttons));
	tick_q_out_int(q, &r->created_by);
	tick_q_out_str(q, r->name, sizeof(r->name));
	tick_q_out_int(q, &r->updated_by);
	tick_q_out_str(q, r->created, sizeof(r->created));
	tick_q_out_str(q, r->updated, sizeof(r->updated));
}

static json_t *
row_json(const struct tick_q *q, const struct row *r)
{
	json_t *b = tick_q_isnull(q, 4) ? NULL :
	                                  json_loads(r->buttons, 0, NULL);

	if (b != NULL && !json_is_array(b)) {
		json_decref(b);
		b = NULL;
	}
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:s}",
	    "id", (json_int_t)r->id, "code", r->code, "title", r->title, "text",
	    r->text, "buttons", b != NULL ? b : json_array(), "created_by",
	    r->created_by ? json_integer((json_int_t)r->created_by) :
	                    json_null(),
	    "created_by_name",
	    tick_q_isnull(q, 6) ? json_null() : json_string(r->name),
	    "updated_by",
	    r->updated_by ? json_integer((json_int_t)r->updated_by) :
	                    json_null(),
	    "created_at", r->created, "updated_at", r->updated);
}

enum tick_err
tick_canned_list(struct tick_db *db, const char *q, json_t **items)
{
	/* %, _ and ! taken literally: each a byte, escaped with !. */
	char like[TICK_CANNED_QUERY_MAX * 4 * 2 + 3];
	static struct row r;
	struct tick_q st;
	enum tick_err rc;
	size_t n = 0;
	json_t *o;
	int f;

	if (q == NULL)
		q = "";
	if (strlen(q) > TICK_CANNED_QUERY_MAX * 4)
		return TICK_EINVAL;
	like[n++] = '%';
	for (const char *p = q; *p != '\0'; p++) {
		if (*p == '%' || *p == '_' || *p == '!')
			like[n++] = '!';
		like[n++] = *p;
	}
	like[n++] = '%';
	like[n] = '\0';
	if ((*items = json_array()) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&st, db, stmts[CN_LIST]);
	tick_q_str(&st, q, (size_t)-1);
	tick_q_str(&st, like, n);
	tick_q_str(&st, like, n);
	bind_row(&st, &r);
	rc = tick_q_exec(&st);
	while (rc == TICK_OK && (f = tick_q_fetch(&st)) != 0) {
		if (f < 0 || (o = row_json(&st, &r)) == NULL) {
			rc = f < 0 ? TICK_EDB : TICK_ENOMEM;
			break;
		}
		json_array_append_new(*items, o);
	}
	tick_q_done(&st);
	if (rc != TICK_OK) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

json_t *
tick_canned_json(struct tick_db *db, long long id, enum tick_err *rc)
{
	static struct row r;
	struct tick_q q;
	json_t *o = NULL;

	tick_q_init(&q, db, stmts[CN_GET]);
	tick_q_int(&q, id);
	bind_row(&q, &r);
	if ((*rc = tick_q_exec(&q)) == TICK_OK) {
		int f = tick_q_fetch(&q);

		if (f == 0)
			*rc = TICK_ENOTFOUND;
		else if (f < 0)
			*rc = TICK_EDB;
		else if ((o = row_json(&q, &r)) == NULL)
			*rc = TICK_ENOMEM;
	}
	tick_q_done(&q);
	return o;
}

enum tick_err
tick_canned_create(struct tick_db *db, const struct tick_canned_in *in,
    long long user_id, long long *id)
{
	struct tick_q q;
	enum tick_err rc;

	*id = 0;
	tick_q_init(&q, db, stmts[CN_CREATE]);
	tick_q_str(&q, in->code, (size_t)-1);
	tick_q_str(&q, in->title, (size_t)-1);
	tick_q_str(&q, in->text, (size_t)-1);
	tick_q_opt_str(&q, in->buttons);
	tick_q_opt_int(&q, user_id);
	tick_q_opt_int(&q, user_id);
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_canned_update(struct tick_db *db, long long id,
    const struct tick_canned_in *in, long long user_id)
{
	enum tick_err rc;
	struct tick_q q;
	json_t *cur;

	/* There first: an update that changes nothing still finds it. */
	if ((cur = tick_canned_json(db, id, &rc)) == NULL)
		return rc;
	json_decref(cur);
	tick_q_init(&q, db, stmts[CN_UPDATE]);
	tick_q_opt_str(&q, in->code);
	tick_q_opt_str(&q, in->title);
	tick_q_opt_str(&q, in->text);
	tick_q_int(&q, in->buttons_set ? 1 : 0);
	tick_q_opt_str(&q, in->buttons);
	tick_q_opt_int(&q, user_id);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_canned_delete(struct tick_db *db, long long id)
{
	long long n = 0;
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[CN_DELETE]);
	tick_q_int(&q, id);
	if ((rc = tick_q_count(&q, &n)) == TICK_OK && n == 0)
		rc = TICK_ENOTFOUND;
	return rc;
}
