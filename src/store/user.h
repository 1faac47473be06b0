/*
 * tick: users (agents), the users and revoked_tokens tables. SQL only: no
 * request, no password hashing (callers hash first and pass the hash).
 */
#ifndef TICK_USER_H
#define TICK_USER_H

#include <jansson.h>

#include "bounds.h"
#include "err.h"
#include "roles.h"

struct tick_db;

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
	int has_sites; /* manages any site (tick_user_session only) */
};

/* Lower-cases an address in place (ASCII; the domain and, by custom, the
 * local part compare without case). */
void tick_user_fold_email(char *email);

/* Fills u by e-mail (folded first; borrowed). TICK_ENOTFOUND when there is
 * none, TICK_EDB when the database fails. */
enum tick_err
tick_user_by_email(struct tick_db *db, const char *email, struct tick_user *u);

/*
 * Fills u's id, email, name and role from user id for a token with version
 * ver and id jti (borrowed): the user must exist, be active, have that
 * version, and the token not be revoked. TICK_EUNAUTH otherwise; TICK_EDB
 * when the database fails. u is meaningful only on TICK_OK.
 */
enum tick_err tick_user_session(struct tick_db *db, long long id, long long ver,
    const char *jti, struct tick_user *u);

/* A successful sign-in: failures reset, time recorded. */
enum tick_err tick_user_login_ok(struct tick_db *db, long long id);
/* A failed one: counts it, and locks for lock_minutes when the count
 * reaches max_failures (the count then starts again). */
enum tick_err tick_user_login_failed(struct tick_db *db, long long id,
    long long max_failures, long long lock_minutes);
/* Stores a new hash (borrowed); bump ends every token the user has. */
enum tick_err tick_user_set_hash(struct tick_db *db, long long id,
    const char *hash, int bump);
/* Ends one token (by its id, borrowed) before it expires, and forgets
 * revoked tokens that have expired anyway. */
enum tick_err tick_user_revoke(struct tick_db *db, const char *jti,
    long long user_id, long long expires);

/* A new user (strings borrowed, email folded); *id its id.
 * TICK_ECONFLICT when the e-mail is taken, TICK_EINVAL when it is too
 * long. */
enum tick_err
tick_user_create(struct tick_db *db, const char *email, const char *name,
    const char *hash, enum tick_role role, int active, long long *id);
/* Number of active super_admins. */
enum tick_err tick_user_count_admins(struct tick_db *db, long long *n);

/* The public view of user id (a new object, the caller's to json_decref),
 * or NULL with *rc TICK_ENOTFOUND, TICK_EDB or TICK_ENOMEM. */
json_t *tick_user_json(struct tick_db *db, long long id, enum tick_err *rc);

/*
 * One page of users by id: *items a new array of public views (the
 * caller's to json_decref) of at most limit users from offset, *total the
 * number of users. On an error (TICK_EDB, TICK_ENOMEM) *items is NULL.
 */
enum tick_err tick_user_list(struct tick_db *db, long long limit,
    long long offset, json_t **items, long long *total);

/*
 * Inside a transaction: locks every active super_admin's row, so the last
 * one cannot slip away, and sets *last when user id is the only one.
 */
enum tick_err tick_user_last_admin(struct tick_db *db, long long id, int *last);

/*
 * Changes user id: each of email (folded first), name and hash that is
 * not NULL, role when not -1 (an enum tick_role), active when not -1 (0 or
 * 1). bump ends every token of the user. Strings borrowed. TICK_ECONFLICT
 * when the e-mail is taken.
 */
enum tick_err
tick_user_update(struct tick_db *db, long long id, const char *email,
    const char *name, int role, int active, const char *hash, int bump);

/* Whether user id is active and may work tickets (super_admin,
 * site_manager or agent). */
enum tick_err tick_user_can_work(struct tick_db *db, long long id, int *can);

#endif
