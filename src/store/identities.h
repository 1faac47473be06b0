/* tick: the whatsapp_identity_conflicts table (issue 16): customers whose
 * keys (wa_id, business-scoped user id) disagree with what is stored, for
 * a super admin to look at and merge (POST /api/contacts/:id/merge). SQL
 * only. */
#ifndef TICK_STORE_IDENTITY_H
#define TICK_STORE_IDENTITY_H

#include <jansson.h>

#include "err.h"

struct tick_db;

/* The most conflicts one list answers. */
#define TICK_IDENTITY_LIST_MAX 200

/* One conflict; strings borrowed, NULL when absent. */
struct tick_identity_conflict {
	const char *reason;                     /* tick_id_conflict_name() */
	long long contact_id, other_contact_id; /* other: 0 when none */
	const char *wa_id, *user_id, *previous_user_id;
	const char *wamid; /* the message or event that showed it */
};

/* Records c once per (wamid, reason): a redelivery adds nothing. In the
 * caller's transaction. TICK_OK or TICK_EDB. */
enum tick_err tick_identity_conflict_add(struct tick_db *db,
    const struct tick_identity_conflict *c);

/*
 * The newest conflicts (at most TICK_IDENTITY_LIST_MAX), open ones only
 * unless all: *items a new array of {id, reason, contact, other_contact,
 * wa_id, user_id, previous_user_id, wamid, created_at, resolved_at},
 * each contact {id, wa_id, user_id, username, profile_name} or null.
 * *total counts every one that matches.
 */
enum tick_err tick_identity_conflicts_list(struct tick_db *db, int all,
    json_t **items, long long *total);

#endif
