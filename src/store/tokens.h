/*
 * tick: API tokens (issue 15), the api_tokens table. A token is stored as
 * its selector and the SHA-256 of the whole token (base/apikey.h); the
 * token itself only ever appears in the answer that creates it. SQL only.
 */
#ifndef TICK_TOKENS_H
#define TICK_TOKENS_H

#include <jansson.h>

#include "bounds.h"
#include "err.h"
#include "user.h"

struct tick_db;

/* The longest scopes list: every permission's name, comma-separated. */
#define TICK_TOKEN_SCOPES_MAX 400

/* A token found by its selector, with its owner as the session sees one. */
struct tick_token {
	long long id;
	char hash[65];
	char scopes[TICK_TOKEN_SCOPES_MAX + 1]; /* "tickets.read,stats" */
	int expired, revoked;
	struct tick_user owner; /* active is 0 when the owner is inactive */
};

/* The token whose selector is selector: TICK_OK, TICK_ENOTFOUND or
 * TICK_EDB. */
enum tick_err tick_tokens_find(struct tick_db *db, const char *selector,
    struct tick_token *t);

/* Counts one use of token id in the current minute (and its last use);
 * *in_minute is the count so far, this one included. */
enum tick_err
tick_tokens_use(struct tick_db *db, long long id, long long *in_minute);

/* A new token of user_id: name and scopes (borrowed), valid for days;
 * *id its row. */
enum tick_err tick_tokens_create(struct tick_db *db, long long user_id,
    const char *name, const char *selector, const char *hash,
    const char *scopes, long long days, long long created_by, long long *id);

/* Token id as JSON (never its hash): {"id", "name", "prefix", "scopes",
 * "user": {"id", "name", "email"}, "expires_at", "last_used_at",
 * "revoked_at", "created_at", "active"}. TICK_ENOTFOUND when missing. */
json_t *tick_tokens_json(struct tick_db *db, long long id, enum tick_err *rc);

/* The tokens of user_id (0: everyone's), newest first, at most limit. */
enum tick_err tick_tokens_list(struct tick_db *db, long long user_id,
    long long limit, json_t **items);

/* The owner of token id: TICK_ENOTFOUND when there is none. */
enum tick_err
tick_tokens_owner(struct tick_db *db, long long id, long long *user_id);

/* Revokes token id (already revoked: *changed 0). */
enum tick_err
tick_tokens_revoke(struct tick_db *db, long long id, long long *changed);

#endif
