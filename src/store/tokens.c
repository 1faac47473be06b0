#include <string.h>

#include "db.h"
#include "roles.h"
#include "tokens.h"

#define ISO(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%fZ')"

enum tokens_stmt {
	TO_FIND,
	TO_USE,
	TO_USED,
	TO_CREATE,
	TO_GET,
	TO_LIST,
	TO_OWNER,
	TO_REVOKE,
	TO_STMT__MAX
};

/* clang-format off */
#define TOKEN_COLUMNS \
	"t.id, t.name, t.selector, t.scopes, u.id, u.name, u.email," \
	" " ISO("t.expires_at") ", " ISO("t.last_used_at") "," \
	" " ISO("t.revoked_at") ", " ISO("t.created_at") "," \
	" t.revoked_at IS NULL AND t.expires_at > NOW(3)" \
	" FROM api_tokens t JOIN users u ON u.id = t.user_id"

static const char *const stmts[TO_STMT__MAX] = {
	[TO_FIND] =
	    "SELECT t.id, t.token_hash, t.scopes, t.expires_at <= NOW(3),"
	    " t.revoked_at IS NOT NULL, u.id, u.email, u.name, u.role, u.active,"
	    " EXISTS(SELECT 1 FROM site_users s WHERE s.user_id = u.id)"
	    " FROM api_tokens t JOIN users u ON u.id = t.user_id"
	    " WHERE t.selector = ?",
	/* Left to right: the count reads the old window, then it moves. */
	[TO_USE] =
	    "UPDATE api_tokens SET last_used_at = NOW(3),"
	    " rate_count = IF(rate_window <=> DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:00'),"
	    " rate_count + 1, 1),"
	    " rate_window = DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:00') WHERE id = ?",
	[TO_USED] = "SELECT rate_count FROM api_tokens WHERE id = ?",
	[TO_CREATE] =
	    "INSERT INTO api_tokens (user_id, name, selector, token_hash, scopes,"
	    " expires_at, created_by)"
	    " VALUES (?, ?, ?, ?, ?, NOW(3) + INTERVAL ? DAY, ?)",
	[TO_GET] = "SELECT " TOKEN_COLUMNS " WHERE t.id = ?",
	[TO_LIST] = "SELECT " TOKEN_COLUMNS " WHERE (? = 0 OR t.user_id = ?)"
	            " ORDER BY t.id DESC LIMIT ?",
	[TO_OWNER] = "SELECT user_id FROM api_tokens WHERE id = ?",
	[TO_REVOKE] = "UPDATE api_tokens SET revoked_at = NOW(3)"
	              " WHERE id = ? AND revoked_at IS NULL",
};
/* clang-format on */

enum tick_err
tick_tokens_find(struct tick_db *db, const char *selector, struct tick_token *t)
{
	long long expired = 0, revoked = 0, active = 0, sites = 0;
	char role[32] = "";
	struct tick_q q;
	enum tick_err rc;

	memset(t, 0, sizeof(*t));
	tick_q_init(&q, db, stmts[TO_FIND]);
	tick_q_str(&q, selector, (size_t)-1);
	tick_q_out_int(&q, &t->id);
	tick_q_out_str(&q, t->hash, sizeof(t->hash));
	tick_q_out_str(&q, t->scopes, sizeof(t->scopes));
	tick_q_out_int(&q, &expired);
	tick_q_out_int(&q, &revoked);
	tick_q_out_int(&q, &t->owner.id);
	tick_q_out_str(&q, t->owner.email, sizeof(t->owner.email));
	tick_q_out_str(&q, t->owner.name, sizeof(t->owner.name));
	tick_q_out_str(&q, role, sizeof(role));
	tick_q_out_int(&q, &active);
	tick_q_out_int(&q, &sites);
	if ((rc = tick_q_one(&q)) != TICK_OK)
		return rc;
	t->expired = expired != 0;
	t->revoked = revoked != 0;
	t->owner.role = (enum tick_role)tick_role_parse(role);
	t->owner.active = active != 0 && (int)t->owner.role >= 0;
	t->owner.has_sites = sites != 0;
	return TICK_OK;
}

enum tick_err
tick_tokens_use(struct tick_db *db, long long id, long long *in_minute)
{
	struct tick_q q;
	enum tick_err rc;

	*in_minute = 0;
	tick_q_init(&q, db, stmts[TO_USE]);
	tick_q_int(&q, id);
	if ((rc = tick_q_run(&q)) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[TO_USED]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, in_minute);
	return tick_q_one(&q);
}

enum tick_err
tick_tokens_create(struct tick_db *db, long long user_id, const char *name,
    const char *selector, const char *hash, const char *scopes, long long days,
    long long created_by, long long *id)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[TO_CREATE]);
	tick_q_int(&q, user_id);
	tick_q_str(&q, name, (size_t)-1);
	tick_q_str(&q, selector, (size_t)-1);
	tick_q_str(&q, hash, (size_t)-1);
	tick_q_str(&q, scopes, (size_t)-1);
	tick_q_int(&q, days);
	tick_q_opt_int(&q, created_by);
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	return rc;
}

struct row {
	long long id, user_id, active;
	char name[TICK_COL_BUF(100)], selector[13],
	    scopes[TICK_TOKEN_SCOPES_MAX + 1], user_name[TICK_COL_BUF(100)],
	    email[TICK_COL_BUF(254)], expires[40], used[40], revoked[40],
	    created[40];
};

static void
bind_row(struct tick_q *q, struct row *r)
{
	tick_q_out_int(q, &r->id);
	tick_q_out_str(q, r->name, sizeof(r->name));
	tick_q_out_str(q, r->selector, sizeof(r->selector));
	tick_q_out_str(q, r->scopes, sizeof(r->scopes));
	tick_q_out_int(q, &r->user_id);
	tick_q_out_str(q, r->user_name, sizeof(r->user_name));
	tick_q_out_str(q, r->email, sizeof(r->email));
	tick_q_out_str(q, r->expires, sizeof(r->expires));
	tick_q_out_str(q, r->used, sizeof(r->used));
	tick_q_out_str(q, r->revoked, sizeof(r->revoked));
	tick_q_out_str(q, r->created, sizeof(r->created));
	tick_q_out_int(q, &r->active);
}

static json_t *
opt(const struct tick_q *q, int i, const char *s)
{
	return tick_q_isnull(q, i) ? json_null() : json_string(s);
}

static json_t *
row_json(const struct tick_q *q, const struct row *r)
{
	json_t *scopes = json_array();
	char buf[sizeof(r->scopes)], *p, *save = NULL;

	memcpy(buf, r->scopes, sizeof(buf));
	for (p = strtok_r(buf, ",", &save); p && scopes;
	     p = strtok_r(NULL, ",", &save))
		json_array_append_new(scopes, json_string(p));
	/* The prefix is what a person recognises a token by: "tick_" and
	 * its selector, never any of its secret. */
	return json_pack("{s:I, s:s, s:s+, s:o*, s:{s:I, s:s, s:s}, s:s, s:o,"
	                 " s:o, s:s, s:b}",
	    "id", (json_int_t)r->id, "name", r->name, "prefix", "tick_",
	    r->selector, "scopes", scopes, "user", "id", (json_int_t)r->user_id,
	    "name", r->user_name, "email", r->email, "expires_at", r->expires,
	    "last_used_at", opt(q, 8, r->used), "revoked_at",
	    opt(q, 9, r->revoked), "created_at", r->created, "active",
	    (int)r->active);
}

json_t *
tick_tokens_json(struct tick_db *db, long long id, enum tick_err *rc)
{
	json_t *out = NULL;
	struct tick_q q;
	struct row r;
	int f;

	tick_q_init(&q, db, stmts[TO_GET]);
	tick_q_int(&q, id);
	bind_row(&q, &r);
	if ((*rc = tick_q_exec(&q)) == TICK_OK) {
		f = tick_q_fetch(&q);
		if (f == 1 && (out = row_json(&q, &r)) == NULL)
			*rc = TICK_ENOMEM;
		else if (f != 1)
			*rc = f == 0 ? TICK_ENOTFOUND : TICK_EDB;
	}
	tick_q_done(&q);
	return out;
}

enum tick_err
tick_tokens_list(struct tick_db *db, long long user_id, long long limit,
    json_t **items)
{
	enum tick_err rc;
	struct tick_q q;
	struct row r;
	json_t *o;
	int f;

	if ((*items = json_array()) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[TO_LIST]);
	tick_q_int(&q, user_id);
	tick_q_int(&q, user_id);
	tick_q_int(&q, limit);
	bind_row(&q, &r);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0 || (o = row_json(&q, &r)) == NULL) {
			rc = f < 0 ? TICK_EDB : TICK_ENOMEM;
			break;
		}
		json_array_append_new(*items, o);
	}
	tick_q_done(&q);
	if (rc != TICK_OK) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

enum tick_err
tick_tokens_owner(struct tick_db *db, long long id, long long *user_id)
{
	struct tick_q q;

	*user_id = 0;
	tick_q_init(&q, db, stmts[TO_OWNER]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, user_id);
	return tick_q_one(&q);
}

enum tick_err
tick_tokens_revoke(struct tick_db *db, long long id, long long *changed)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TO_REVOKE]);
	tick_q_int(&q, id);
	return tick_q_count(&q, changed);
}
