/* tick: users (agents) in the database, and the users API. */
#ifndef TICK_USERS_H
#define TICK_USERS_H

#include <jansson.h>

#include "bounds.h"
#include "err.h"
#include "roles.h"

struct tick_db;
struct tick_req;
struct tick_principal;

/* What sign-in needs to know of a user. */
struct tick_user {
	long long id;
	char email[256];
	char name[TICK_COL_BUF(TICK_USER_NAME_MAX)];
	char hash[256];
	enum tick_role role;
	int active;
	long long failed_logins;
	int locked; /* locked_until is in the future */
	long long token_version;
};

/* Lower-cases an address in place (ASCII; the domain and, by custom, the
 * local part compare without case). */
void tick_user_fold_email(char *email);

/* By e-mail (folded first). TICK_ENOTFOUND when there is none. */
enum tick_err
tick_user_by_email(struct tick_db *db, const char *email, struct tick_user *u);

/*
 * Fills p from user id for a token with version ver and id jti: the user
 * must exist, be active, have that version, and the token not be revoked.
 * TICK_EUNAUTH otherwise; TICK_EDB when the database fails.
 */
enum tick_err tick_user_session(struct tick_db *db, long long id, long long ver,
    const char *jti, struct tick_principal *p);

/* A successful sign-in: failures reset, time recorded. */
enum tick_err tick_user_login_ok(struct tick_db *db, long long id);
/* A failed one: counts it, and locks for lock_minutes when the count
 * reaches max_failures (the count then starts again). */
enum tick_err tick_user_login_failed(struct tick_db *db, long long id,
    long long max_failures, long long lock_minutes);
/* Stores a new hash; bump ends every token the user has. */
enum tick_err tick_user_set_hash(struct tick_db *db, long long id,
    const char *hash, int bump);
/* Ends one token (by its id) before it expires. */
enum tick_err tick_user_revoke(struct tick_db *db, const char *jti,
    long long user_id, long long expires);

/* A new user; TICK_ECONFLICT when the e-mail is taken. */
enum tick_err
tick_user_create(struct tick_db *db, const char *email, const char *name,
    const char *hash, enum tick_role role, int active, long long *id);
/* Number of active super_admins. */
enum tick_err tick_user_count_admins(struct tick_db *db, long long *n);

/* The public view of user id (a new object), or NULL when missing. */
json_t *tick_user_json(struct tick_db *db, long long id, enum tick_err *rc);

/* The users API (super_admin). */
void tick_users_list(struct tick_req *req);
void tick_users_create(struct tick_req *req);
void tick_users_get(struct tick_req *req);
void tick_users_update(struct tick_req *req);
void tick_users_delete(struct tick_req *req);

#endif
