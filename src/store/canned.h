/*
 * tick: canned replies shared by the desk (issue 16), the canned_replies
 * table. SQL only; api/canned_api checks what goes in.
 */
#ifndef TICK_STORE_CANNED_H
#define TICK_STORE_CANNED_H

#include <jansson.h>

#include "err.h"

struct tick_db;

#define TICK_CANNED_CODE_MAX 32   /* a-z, 0-9, - and _ */
#define TICK_CANNED_TITLE_MAX 100 /* characters */
#define TICK_CANNED_TEXT_MAX 4096 /* characters */
#define TICK_CANNED_BUTTONS_MAX 3
#define TICK_CANNED_QUERY_MAX 100 /* characters of ?q= */
#define TICK_CANNED_LIST_MAX 500  /* rows one list answers */

/* What a create or an update writes; NULL members are left as they are
 * on an update (buttons_set says whether buttons changes: buttons NULL
 * then clears them). Strings borrowed. */
struct tick_canned_in {
	const char *code, *title, *text;
	const char *buttons; /* a JSON array of titles, or NULL */
	int buttons_set;
};

/*
 * The canned replies whose code or title holds q (NULL or "": all), by
 * code, at most TICK_CANNED_LIST_MAX: a new array in *items of {id,
 * code, title, text, buttons [titles], created_by, created_by_name,
 * updated_by, created_at, updated_at}.
 */
enum tick_err
tick_canned_list(struct tick_db *db, const char *q, json_t **items);

/* One canned reply as in the list: a new object, or NULL with *rc
 * (TICK_ENOTFOUND when there is none). */
json_t *tick_canned_json(struct tick_db *db, long long id, enum tick_err *rc);

/* Stores a new one by user_id into *id. TICK_ECONFLICT when its code is
 * taken. */
enum tick_err tick_canned_create(struct tick_db *db,
    const struct tick_canned_in *in, long long user_id, long long *id);

/* Changes one (TICK_ENOTFOUND, TICK_ECONFLICT for a taken code). */
enum tick_err tick_canned_update(struct tick_db *db, long long id,
    const struct tick_canned_in *in, long long user_id);

/* Deletes one (TICK_ENOTFOUND when there is none). */
enum tick_err tick_canned_delete(struct tick_db *db, long long id);

#endif
