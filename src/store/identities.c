/* tick: the whatsapp_identity_conflicts table (identities.h). */
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "db.h"
#include "identities.h"

enum identity_stmt { ID_ADD, ID_LIST, ID_COUNT, ID_STMT__MAX };

#define ISO(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%fZ')"
#define CONTACT_COLUMNS(a)                                       \
	" " a ".id, " a ".wa_id, " a ".user_id, " a ".username," \
	" " a ".profile_name"

/* clang-format off */
static const char *const stmts[ID_STMT__MAX] = {
	[ID_ADD] =
	    "INSERT IGNORE INTO whatsapp_identity_conflicts (reason, contact_id,"
	    " other_contact_id, wa_id, user_id, previous_user_id, wamid)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)",
	[ID_LIST] =
	    "SELECT x.id, x.reason, x.wa_id, x.user_id, x.previous_user_id,"
	    " x.wamid, " ISO("x.created_at") ", " ISO("x.resolved_at") ","
	    CONTACT_COLUMNS("c") "," CONTACT_COLUMNS("o")
	    " FROM whatsapp_identity_conflicts x"
	    " LEFT JOIN whatsapp_contacts c ON c.id = x.contact_id"
	    " LEFT JOIN whatsapp_contacts o ON o.id = x.other_contact_id"
	    " WHERE (? OR x.resolved_at IS NULL) ORDER BY x.id DESC LIMIT ?",
	[ID_COUNT] =
	    "SELECT COUNT(*) FROM whatsapp_identity_conflicts"
	    " WHERE (? OR resolved_at IS NULL)",
};
/* clang-format on */

enum tick_err
tick_identity_conflict_add(struct tick_db *db,
    const struct tick_identity_conflict *c)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[ID_ADD]);
	tick_q_str(&q, c->reason, (size_t)-1);
	tick_q_int(&q, c->contact_id);
	tick_q_opt_int(&q, c->other_contact_id);
	tick_q_str(&q, c->wa_id, (size_t)-1);
	tick_q_str(&q, c->user_id, (size_t)-1);
	tick_q_str(&q, c->previous_user_id, (size_t)-1);
	tick_q_str(&q, c->wamid, (size_t)-1);
	return tick_q_run(&q);
}

/* A contact's columns in a row, or null when the contact is gone. */
struct contact_cols {
	long long id;
	char wa_id[TICK_COL_BUF(20)], user_id[TICK_COL_BUF(TICK_MAX_USER_ID)],
	    username[TICK_COL_BUF(64)], name[TICK_COL_BUF(255)];
};

struct conflict_row {
	long long id;
	char reason[33], wa_id[TICK_COL_BUF(20)],
	    user_id[TICK_COL_BUF(TICK_MAX_USER_ID)],
	    previous[TICK_COL_BUF(TICK_MAX_USER_ID)],
	    wamid[TICK_COL_BUF(TICK_MAX_WAMID)], created[40], resolved[40];
	struct contact_cols c, o;
};

static json_t *
str_or_null(const struct tick_q *q, int i, const char *s)
{
	return tick_q_isnull(q, i) ? json_null() : json_string(s);
}

static void
bind_contact(struct tick_q *q, struct contact_cols *c)
{
	tick_q_out_int(q, &c->id);
	tick_q_out_str(q, c->wa_id, sizeof(c->wa_id));
	tick_q_out_str(q, c->user_id, sizeof(c->user_id));
	tick_q_out_str(q, c->username, sizeof(c->username));
	tick_q_out_str(q, c->name, sizeof(c->name));
}

static json_t *
contact_json(const struct tick_q *q, int at, const struct contact_cols *c)
{
	if (tick_q_isnull(q, at))
		return json_null();
	return json_pack("{s:I, s:o, s:o, s:o, s:o}", "id", (json_int_t)c->id,
	    "wa_id", str_or_null(q, at + 1, c->wa_id), "user_id",
	    str_or_null(q, at + 2, c->user_id), "username",
	    str_or_null(q, at + 3, c->username), "profile_name",
	    str_or_null(q, at + 4, c->name));
}

enum tick_err
tick_identity_conflicts_list(struct tick_db *db, int all, json_t **items,
    long long *total)
{
	struct conflict_row *r = NULL;
	struct tick_q q;
	enum tick_err rc;
	json_t *arr = NULL, *o;

	*items = NULL;
	*total = 0;
	tick_q_init(&q, db, stmts[ID_COUNT]);
	tick_q_int(&q, all != 0);
	tick_q_out_int(&q, total);
	if ((rc = tick_q_one(&q)) != TICK_OK)
		return rc;
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (arr = json_array()) == NULL) {
		free(r);
		return TICK_ENOMEM;
	}
	tick_q_init(&q, db, stmts[ID_LIST]);
	tick_q_int(&q, all != 0);
	tick_q_int(&q, TICK_IDENTITY_LIST_MAX);
	tick_q_out_int(&q, &r->id);
	tick_q_out_str(&q, r->reason, sizeof(r->reason));
	tick_q_out_str(&q, r->wa_id, sizeof(r->wa_id));
	tick_q_out_str(&q, r->user_id, sizeof(r->user_id));
	tick_q_out_str(&q, r->previous, sizeof(r->previous));
	tick_q_out_str(&q, r->wamid, sizeof(r->wamid));
	tick_q_out_str(&q, r->created, sizeof(r->created));
	tick_q_out_str(&q, r->resolved, sizeof(r->resolved));
	bind_contact(&q, &r->c);
	bind_contact(&q, &r->o);
	if ((rc = tick_q_exec(&q)) != TICK_OK)
		goto out;
	while (tick_q_fetch(&q)) {
		o = json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s, "
		              "s:o}",
		    "id", (json_int_t)r->id, "reason", r->reason, "contact",
		    contact_json(&q, 8, &r->c), "other_contact",
		    contact_json(&q, 13, &r->o), "wa_id",
		    str_or_null(&q, 2, r->wa_id), "user_id",
		    str_or_null(&q, 3, r->user_id), "previous_user_id",
		    str_or_null(&q, 4, r->previous), "wamid", r->wamid,
		    "created_at", r->created, "resolved_at",
		    str_or_null(&q, 7, r->resolved));
		if (o == NULL || json_array_append_new(arr, o) != 0) {
			rc = TICK_ENOMEM;
			goto out;
		}
	}
out:
	tick_q_done(&q);
	free(r);
	if (rc == TICK_OK)
		*items = arr;
	else
		json_decref(arr);
	return rc;
}
