#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "user.h"

enum user_stmt {
	US_BY_EMAIL,
	US_SESSION,
	US_LOGIN_OK,
	US_LOGIN_FAILED,
	US_SET_HASH,
	US_REVOKE,
	US_PURGE_REVOKED,
	US_CREATE,
	US_GET,
	US_LIST,
	US_COUNT,
	US_ADMINS,
	US_LOCK_ADMINS,
	US_UPDATE,
	US_CAN_WORK,
	US_STMT__MAX
};

/* clang-format off */
#define USER_COLUMNS                                            \
	"id, email, name, role, active, failed_logins,"         \
	" DATE_FORMAT(locked_until, '%Y-%m-%dT%H:%i:%s.%fZ'),"  \
	" locked_until > NOW(3),"                               \
	" DATE_FORMAT(last_login_at, '%Y-%m-%dT%H:%i:%s.%fZ')," \
	" DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%fZ'),"    \
	" DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%s.%fZ')"

static const char *const stmts[US_STMT__MAX] = {
	[US_BY_EMAIL] =
	    "SELECT id, email, name, password_hash, role, active, failed_logins,"
	    " COALESCE(locked_until > NOW(3), 0), token_version FROM users"
	    " WHERE email = ?",
	[US_SESSION] =
	    "SELECT u.email, u.name, u.role, r.jti IS NOT NULL,"
	    " EXISTS(SELECT 1 FROM site_users s WHERE s.user_id = u.id)"
	    " FROM users u"
	    " LEFT JOIN revoked_tokens r ON r.jti = ?"
	    " WHERE u.id = ? AND u.active = 1 AND u.token_version = ?",
	[US_LOGIN_OK] =
	    "UPDATE users SET failed_logins = 0, locked_until = NULL,"
	    " last_login_at = NOW(3) WHERE id = ?",
	/* Left to right: the count grows, then decides the lock. */
	[US_LOGIN_FAILED] =
	    "UPDATE users SET failed_logins = failed_logins + 1,"
	    " locked_until = IF(failed_logins >= ?, NOW(3) + INTERVAL ? MINUTE,"
	    " locked_until), failed_logins = IF(failed_logins >= ?, 0,"
	    " failed_logins) WHERE id = ?",
	[US_SET_HASH] = "UPDATE users SET password_hash = ?,"
	                " token_version = token_version + ? WHERE id = ?",
	[US_REVOKE] =
	    "INSERT IGNORE INTO revoked_tokens (jti, user_id, expires_at)"
	    " VALUES (?, ?, FROM_UNIXTIME(?))",
	[US_PURGE_REVOKED] =
	    "DELETE FROM revoked_tokens WHERE expires_at < NOW() LIMIT 1000",
	[US_CREATE] =
	    "INSERT INTO users (email, name, password_hash, role, active)"
	    " VALUES (?, ?, ?, ?, ?)",
	[US_GET] = "SELECT " USER_COLUMNS " FROM users WHERE id = ?",
	[US_LIST] = "SELECT " USER_COLUMNS
	            " FROM users ORDER BY id LIMIT ? OFFSET ?",
	[US_COUNT] = "SELECT COUNT(*) FROM users",
	[US_ADMINS] = "SELECT COUNT(*) FROM users WHERE role = 'super_admin'"
	              " AND active = 1",
	/* Locks every active super_admin: the last one cannot slip away. */
	[US_LOCK_ADMINS] = "SELECT id FROM users WHERE role = 'super_admin'"
	                   " AND active = 1 FOR UPDATE",
	[US_UPDATE] =
	    "UPDATE users SET email = COALESCE(?, email), name = COALESCE(?, name),"
	    " role = COALESCE(?, role), active = COALESCE(?, active),"
	    " password_hash = COALESCE(?, password_hash),"
	    " token_version = token_version + ? WHERE id = ?",
	[US_CAN_WORK] =
	    "SELECT id FROM users WHERE id = ? AND active = 1"
	    " AND role IN ('super_admin', 'site_manager', 'agent')",
};
/* clang-format on */

void
tick_user_fold_email(char *email)
{
	for (; *email != '\0'; email++)
		*email = (char)tolower((unsigned char)*email);
}

enum tick_err
tick_user_by_email(struct tick_db *db, const char *email, struct tick_user *u)
{
	char folded[256], role[32];
	long long active = 0, locked = 0;
	struct tick_q q;
	enum tick_err rc;

	memset(u, 0, sizeof(*u));
	if (strlen(email) >= sizeof(folded))
		return TICK_ENOTFOUND;
	strcpy(folded, email);
	tick_user_fold_email(folded);
	tick_q_init(&q, db, stmts[US_BY_EMAIL]);
	tick_q_str(&q, folded, (size_t)-1);
	tick_q_out_int(&q, &u->id);
	tick_q_out_str(&q, u->email, sizeof(u->email));
	tick_q_out_str(&q, u->name, sizeof(u->name));
	tick_q_out_str(&q, u->hash, sizeof(u->hash));
	tick_q_out_str(&q, role, sizeof(role));
	tick_q_out_int(&q, &active);
	tick_q_out_int(&q, &u->failed_logins);
	tick_q_out_int(&q, &locked);
	tick_q_out_int(&q, &u->token_version);
	rc = tick_q_one(&q);
	u->role = (enum tick_role)tick_role_parse(role);
	u->active = active != 0;
	u->locked = locked != 0;
	return rc;
}

enum tick_err
tick_user_session(struct tick_db *db, long long id, long long ver,
    const char *jti, struct tick_user *u)
{
	long long revoked = 0, has_sites = 0;
	char role[32];
	struct tick_q q;
	enum tick_err rc;
	int r;

	tick_q_init(&q, db, stmts[US_SESSION]);
	tick_q_str(&q, jti, (size_t)-1);
	tick_q_int(&q, id);
	tick_q_int(&q, ver);
	memset(u, 0, sizeof(*u));
	tick_q_out_str(&q, u->email, sizeof(u->email));
	tick_q_out_str(&q, u->name, sizeof(u->name));
	tick_q_out_str(&q, role, sizeof(role));
	tick_q_out_int(&q, &revoked);
	tick_q_out_int(&q, &has_sites);
	if ((rc = tick_q_exec(&q)) == TICK_OK) {
		r = tick_q_fetch(&q);
		rc = r == 1 ? (revoked ? TICK_EUNAUTH : TICK_OK) :
		    r == 0  ? TICK_EUNAUTH :
		              TICK_EDB;
	}
	tick_q_done(&q);
	if (rc == TICK_OK) {
		u->id = id;
		u->role = (enum tick_role)tick_role_parse(role);
		u->active = 1;
		u->token_version = ver;
		u->has_sites = has_sites != 0;
	}
	return rc;
}

enum tick_err
tick_user_login_ok(struct tick_db *db, long long id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[US_LOGIN_OK]);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_user_login_failed(struct tick_db *db, long long id, long long max_failures,
    long long lock_minutes)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[US_LOGIN_FAILED]);
	tick_q_int(&q, max_failures);
	tick_q_int(&q, lock_minutes);
	tick_q_int(&q, max_failures);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_user_set_hash(struct tick_db *db, long long id, const char *hash, int bump)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[US_SET_HASH]);
	tick_q_str(&q, hash, (size_t)-1);
	tick_q_int(&q, bump ? 1 : 0);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_user_revoke(struct tick_db *db, const char *jti, long long user_id,
    long long expires)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[US_REVOKE]);
	tick_q_str(&q, jti, (size_t)-1);
	tick_q_int(&q, user_id);
	tick_q_int(&q, expires);
	if ((rc = tick_q_run(&q)) != TICK_OK)
		return rc;
	/* Keep the list short: expired tokens need no revoking. */
	tick_q_init(&q, db, stmts[US_PURGE_REVOKED]);
	return tick_q_run(&q);
}

enum tick_err
tick_user_create(struct tick_db *db, const char *email, const char *name,
    const char *hash, enum tick_role role, int active, long long *id)
{
	char folded[256];
	struct tick_q q;
	enum tick_err rc;

	if (strlen(email) >= sizeof(folded))
		return TICK_EINVAL;
	strcpy(folded, email);
	tick_user_fold_email(folded);
	tick_q_init(&q, db, stmts[US_CREATE]);
	tick_q_str(&q, folded, (size_t)-1);
	tick_q_str(&q, name, (size_t)-1);
	tick_q_str(&q, hash, (size_t)-1);
	tick_q_str(&q, tick_role_name(role), (size_t)-1);
	tick_q_int(&q, active ? 1 : 0);
	rc = tick_q_exec(&q);
	*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_user_count_admins(struct tick_db *db, long long *n)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[US_ADMINS]);
	tick_q_out_int(&q, n);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	return rc;
}

/* One row of USER_COLUMNS. */
struct row {
	long long id, active, failed, locked;
	char email[256], name[TICK_COL_BUF(TICK_USER_NAME_MAX)], role[32],
	    locked_until[40], last_login[40], created[40], updated[40];
};

static void
bind_row(struct tick_q *q, struct row *r)
{
	tick_q_out_int(q, &r->id);
	tick_q_out_str(q, r->email, sizeof(r->email));
	tick_q_out_str(q, r->name, sizeof(r->name));
	tick_q_out_str(q, r->role, sizeof(r->role));
	tick_q_out_int(q, &r->active);
	tick_q_out_int(q, &r->failed);
	tick_q_out_str(q, r->locked_until, sizeof(r->locked_until));
	tick_q_out_int(q, &r->locked);
	tick_q_out_str(q, r->last_login, sizeof(r->last_login));
	tick_q_out_str(q, r->created, sizeof(r->created));
	tick_q_out_str(q, r->updated, sizeof(r->updated));
}

static json_t *
opt_str(const struct tick_q *q, int col, const char *s)
{
	return tick_q_isnull(q, col) ? json_null() : json_string(s);
}

static json_t *
row_json(const struct tick_q *q, const struct row *r)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:I, s:o, s:o, s:s, s:s}",
	    "id", (json_int_t)r->id, "email", r->email, "name", r->name, "role",
	    r->role, "active", (int)r->active, "locked", (int)r->locked,
	    "failed_logins", (json_int_t)r->failed, "locked_until",
	    r->locked ? opt_str(q, 6, r->locked_until) : json_null(),
	    "last_login_at", opt_str(q, 8, r->last_login), "created_at",
	    r->created, "updated_at", r->updated);
}

json_t *
tick_user_json(struct tick_db *db, long long id, enum tick_err *rc)
{
	json_t *out = NULL;
	struct tick_q q;
	struct row r;
	int f;

	tick_q_init(&q, db, stmts[US_GET]);
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
tick_user_list(struct tick_db *db, long long limit, long long offset,
    json_t **items, long long *total)
{
	enum tick_err rc;
	struct tick_q q;
	struct row r;
	int f;

	*items = NULL;
	*total = 0;
	tick_q_init(&q, db, stmts[US_COUNT]);
	tick_q_out_int(&q, total);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	if (rc != TICK_OK)
		return rc;
	if ((*items = json_array()) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[US_LIST]);
	tick_q_int(&q, limit);
	tick_q_int(&q, offset);
	bind_row(&q, &r);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0)
			rc = TICK_EDB;
		else
			json_array_append_new(*items, row_json(&q, &r));
	}
	tick_q_done(&q);
	if (rc != TICK_OK) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

enum tick_err
tick_user_last_admin(struct tick_db *db, long long id, int *last)
{
	long long admin_id = 0, n = 0;
	int target_is_admin = 0, f;
	enum tick_err rc;
	struct tick_q q;

	*last = 0;
	tick_q_init(&q, db, stmts[US_LOCK_ADMINS]);
	tick_q_out_int(&q, &admin_id);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		n++;
		target_is_admin |= admin_id == id;
	}
	tick_q_done(&q);
	if (rc == TICK_OK && target_is_admin && n <= 1)
		*last = 1;
	return rc;
}

enum tick_err
tick_user_update(struct tick_db *db, long long id, const char *email,
    const char *name, int role, int active, const char *hash, int bump)
{
	char folded[256];
	struct tick_q q;

	if (email != NULL) {
		snprintf(folded, sizeof(folded), "%s", email);
		tick_user_fold_email(folded);
	}
	tick_q_init(&q, db, stmts[US_UPDATE]);
	tick_q_str(&q, email ? folded : NULL, (size_t)-1);
	tick_q_str(&q, name, (size_t)-1);
	tick_q_str(&q, role >= 0 ? tick_role_name((enum tick_role)role) : NULL,
	    (size_t)-1);
	if (active >= 0)
		tick_q_int(&q, active ? 1 : 0);
	else
		tick_q_null(&q);
	tick_q_str(&q, hash, (size_t)-1);
	tick_q_int(&q, bump ? 1 : 0);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_user_can_work(struct tick_db *db, long long id, int *can)
{
	long long found = 0;
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[US_CAN_WORK]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &found);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		found = 0;
	tick_q_done(&q);
	*can = rc == TICK_OK && found != 0;
	return rc;
}
