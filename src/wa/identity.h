/*
 * tick: who a WhatsApp customer is. Since April 2026 Meta names a user by
 * a phone number (wa_id), a business-scoped user id (user_id, such as
 * US.13491208655302741918) or both; a user who adopts a username may come
 * with the user id alone. One pure rule decides which stored contact a
 * message or an identity event belongs to, so that a customer is never
 * split in two. No I/O, no globals.
 */
#ifndef TICK_IDENTITY_H
#define TICK_IDENTITY_H

/* What happened. */
enum tick_id_event {
	TICK_ID_MESSAGE,          /* a message from wa_id and/or user_id */
	TICK_ID_NUMBER_CHANGED,   /* system user_changed_number (old_key: the
	                         * old wa_id; wa_id, user_id: the new ones) */
	TICK_ID_USER_ID_UPDATE,   /* user_id_update (old_key: the old user id;
	                         * user_id: the new one) */
	TICK_ID_IDENTITY_CHANGED, /* customer_identity_changed: the security
	                           * code changed, the keys did not */
	TICK_ID__MAX
};

/* A stored contact found by one key; id 0 when none was found. Strings
 * borrowed; NULL when the column is NULL. */
struct tick_id_contact {
	long long id;
	const char *wa_id, *user_id;
};

struct tick_id_input {
	enum tick_id_event event;
	const char *wa_id,
	    *user_id;        /* the keys as they are now; NULL: absent */
	const char *old_key; /* change events: the key that was */
	struct tick_id_contact by_wa_id, by_user_id, by_old;
};

enum tick_id_action {
	TICK_ID_NONE,   /* nothing to store (an event about no one we know) */
	TICK_ID_USE,    /* contact_id as it is */
	TICK_ID_UPDATE, /* contact_id, writing set_wa_id / set_user_id */
	TICK_ID_CREATE, /* a new contact with wa_id and user_id */
	TICK_ID_ACTION__MAX
};

/* Why a super admin is asked to look (the identity_conflicts reasons). */
enum tick_id_conflict {
	TICK_ID_CONFLICT_NONE,
	/* The same phone arrived under a user id other than the stored one:
	 * the newest is kept, the previous one recorded. */
	TICK_ID_CONFLICT_PHONE_TWO_USER_IDS,
	/* The keys name two stored contacts: one customer to merge. */
	TICK_ID_CONFLICT_TWO_CONTACTS,
	TICK_ID_CONFLICT__MAX
};

struct tick_id_decision {
	enum tick_id_action action;
	long long contact_id;                /* USE, UPDATE (and NONE with a
	                                      * conflict) */
	const char *set_wa_id, *set_user_id; /* UPDATE: NULL keeps the column */
	enum tick_id_conflict conflict;
	long long other_contact_id;   /* TWO_CONTACTS: the other one */
	const char *previous_user_id; /* PHONE_TWO_USER_IDS: the stored one */
};

/* Decides; every string in out is borrowed from in. */
void
tick_id_resolve(const struct tick_id_input *in, struct tick_id_decision *out);

/* The reason's name as stored and shown ("phone_two_user_ids",
 * "two_contacts"), "" for NONE. */
const char *tick_id_conflict_name(enum tick_id_conflict c);

#endif
