/*
 * tick: contacts (issue 13), the tables whatsapp_contacts (its card
 * columns) and contact_tags: the list and search, one contact with its
 * tickets, writes, upsert by phone (the CSV import), merge, and the rows
 * the CSV export streams. SQL only.
 */
#ifndef TICK_CONTACTS_H
#define TICK_CONTACTS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "assign_rules.h"
#include "contact_rules.h"
#include "err.h"

struct tick_db;

/* The most tickets one contact's view lists (newest first). */
#define TICK_CONTACT_TICKETS_MAX 100

/* A contact as written: on an update, each has_* says the member was
 * given. Strings are borrowed; NULL with has_* set clears the column. */
struct tick_contact_in {
	const char *name;
	int has_name;
	const char *phone; /* E.164 digits (tick_valid_phone) */
	int has_phone;
	const char *email;
	int has_email;
	const char *notes;
	int has_notes;
	const char *custom_fields; /* a JSON object's text */
	int has_fields;
	int merge_fields; /* an update merges them into the contact's own */
	int opted_out;
	int has_opted_out;
	char tags[TICK_TAGS_MAX][TICK_TAG_BUF]; /* normalised */
	size_t ntags;
	int has_tags;
};

/* What the list selects: q (a phone's digits as a prefix, or part of a
 * name; "" none), tag ("" none). */
struct tick_contact_filter {
	const char *q;
	const char *tag;
};

/* One page of contacts (newest first) as a new array in *items, and how
 * many match in *total. */
enum tick_err
tick_contacts_list(struct tick_db *db, const struct tick_contact_filter *f,
    long long page, long long limit, json_t **items, long long *total);

/*
 * Contact id as JSON (a new object): {id, name, profile_name, phone,
 * whatsapp_user_id, email, tags, custom_fields, notes, opted_out,
 * opted_out_at, last_inbound_at, open_tickets, tickets_total, created_at,
 * updated_at, marketing_opt_out, marketing_opt_out_at,
 * marketing_opt_out_source}, and with tickets its tickets [{id, reference, status,
 * created_at, closed_at}]. *rc TICK_ENOTFOUND when there is none.
 */
json_t *tick_contact_json(struct tick_db *db, long long id, int tickets,
    enum tick_err *rc);

/* A new contact (phone required); *id its row. TICK_ECONFLICT when a
 * contact has this phone. */
enum tick_err tick_contact_create(struct tick_db *db,
    const struct tick_contact_in *in, long long *id);
/* Changes contact id (the given members only). TICK_ECONFLICT when the
 * new phone is another contact's. */
enum tick_err tick_contact_update(struct tick_db *db, long long id,
    const struct tick_contact_in *in);
/*
 * The import's upsert: the contact of in->phone is created, or its given
 * members changed (tags are added to its own). *created says which.
 */
enum tick_err tick_contact_upsert(struct tick_db *db,
    const struct tick_contact_in *in, long long *id, int *created);
/* Inside a transaction: locks contact id. TICK_ENOTFOUND when none. */
enum tick_err tick_contact_lock(struct tick_db *db, long long id);
/*
 * Inside the transaction that stored contact id's message: marks its
 * first message ever (at now, Unix seconds); *first says whether this was
 * it (once per contact, whatever the concurrency: the row is updated once).
 */
enum tick_err tick_contact_first_inbound(struct tick_db *db, long long id,
    int64_t now, int *first);
/* Deletes contact id and its tags. TICK_ECONFLICT when tickets or
 * messages still name it (merge or erase it instead). */
enum tick_err tick_contact_delete(struct tick_db *db, long long id);

/*
 * Merges contact gone_id into keep_id, inside the caller's transaction:
 * gone's tickets and messages become keep's, its tags are added, each
 * card column keep lacks is taken from gone (custom fields merged, keep's
 * winning), opted_out if either was; then gone is deleted and keep takes
 * its phone key when keep had none. TICK_ENOTFOUND when either is
 * missing; TICK_EINVAL when they are the same. *moved (may be NULL) is
 * the number of tickets that moved.
 */
enum tick_err tick_contacts_merge(struct tick_db *db, long long keep_id,
    long long gone_id, long long *moved);

/* Ticket ids of contact id (by contact_id, or by its phone for tickets
 * made from the form), at most max, into ids. */
enum tick_err tick_contact_ticket_ids(struct tick_db *db, long long id,
    long long *ids, size_t max, size_t *n);

/* One row of the CSV export; strings borrowed for the callback's call. */
struct tick_contact_row {
	long long id;
	const char *name, *phone, *user_id, *email, *tags, *custom_fields,
	    *notes, *created_at;
	int opted_out;
	long long tickets;
};
/*
 * Calls row for each contact (by id), reading the rows from the server as
 * they are used (flat memory). row returns 0 to go on. *stopped when it
 * did not.
 */
enum tick_err tick_contacts_each(struct tick_db *db,
    int (*row)(void *arg, const struct tick_contact_row *r), void *arg,
    int *stopped);

/* ---- Marketing consent (issue 16; base/consent decides). */

/*
 * Inside a transaction: the contact a preference names (by wa_id, else
 * by user_id; either may be NULL, not both), locked, or a new one with
 * only those keys when nobody has them. *id its row.
 */
enum tick_err tick_contact_for_preference(struct tick_db *db, const char *wa_id,
    const char *user_id, long long *id);

/* Inside a transaction: locks contact id and reads whether it stopped
 * marketing and the time of its newest preference (Unix seconds, 0 for
 * none). TICK_ENOTFOUND when there is no such contact. */
enum tick_err tick_contact_marketing_lock(struct tick_db *db, long long id,
    int *opted_out, long long *pref_at);

/*
 * Writes a preference of contact id as of at (Unix seconds): with change,
 * marketing_opt_out becomes opted_out (its time at, its source source;
 * both cleared on a resume); the preference's time moves on either way.
 */
enum tick_err tick_contact_marketing_set(struct tick_db *db, long long id,
    int change, int opted_out, const char *source, long long at);

/* Whether contact id stopped marketing; with id 0, the contact of phone
 * (digits; NULL or "": nobody, never). */
enum tick_err tick_contact_marketing_opted_out(struct tick_db *db, long long id,
    const char *phone, int *opted_out);

/* Deletes contact id's card rows (tags, the contact), for an erasure. */
enum tick_err tick_contact_erase_rows(struct tick_db *db, long long id);

#endif
