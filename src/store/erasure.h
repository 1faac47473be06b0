/*
 * tick: erasure (issue 13): a ticket's rows everywhere (replies, WhatsApp
 * messages and their statuses, events, attachments, tags, actions, the
 * intake form, outbound webhook deliveries), the closed tickets past
 * retention, and the queue of Cloudinary files to destroy
 * (cloudinary_destroys). SQL only: wa/cld and core/erase make the calls.
 */
#ifndef TICK_ERASURE_H
#define TICK_ERASURE_H

#include <stddef.h>

#include "bounds.h"
#include "err.h"

struct tick_db;

/* What one erasure removed, for the audit (counts, never content). */
struct tick_erase_counts {
	long long tickets, messages, replies, events, files;
};

/*
 * Inside the caller's transaction: queues ticket id's files on
 * Cloudinary for destruction and deletes every row of the ticket.
 * Adds to c.
 */
enum tick_err tick_erase_ticket(struct tick_db *db, long long id,
    struct tick_erase_counts *c);

/* Inside the caller's transaction: deletes the WhatsApp messages (and
 * their files, queued) still naming contact id. Adds to c. */
enum tick_err tick_erase_contact_messages(struct tick_db *db, long long id,
    struct tick_erase_counts *c);

/* Up to max closed tickets closed more than days days ago, oldest
 * first, into ids. */
enum tick_err tick_erase_expired(struct tick_db *db, long long days,
    long long *ids, size_t max, size_t *n);

/* A queued destroy. */
struct tick_destroy {
	long long id;
	char public_id[TICK_COL_BUF(255)];
	char mime[TICK_COL_BUF(128)];
	long long attempts;
};

/* Up to max destroys that are due (oldest first) into d. */
enum tick_err tick_erase_due(struct tick_db *db, struct tick_destroy *d,
    size_t max, size_t *n);
/* Destroy id is done: the row goes. */
enum tick_err tick_erase_destroyed(struct tick_db *db, long long id);
/* Destroy id failed with why: tried again later (backing off, up to a
 * day apart). */
enum tick_err
tick_erase_destroy_failed(struct tick_db *db, long long id, const char *why);

#endif
