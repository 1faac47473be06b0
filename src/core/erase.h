/*
 * tick: retention and erasure (issue 13). A person's erasure (their
 * contact, tickets, messages, events and files) runs inside the caller's
 * transaction; retention erases the closed tickets older than
 * RETENTION_DAYS, one transaction and one audit entry (counts and ids,
 * never content) per ticket; the files on Cloudinary are destroyed
 * afterwards from the queue (store/erasure), a failure tried again later
 * without holding up anything else. Run by `tick outbox`.
 */
#ifndef TICK_ERASE_H
#define TICK_ERASE_H

#include "erasure.h"
#include "err.h"

struct tick_app;
struct tick_db;

/* Tickets erased per run of tick_retention_run at most; destroys tried
 * per run at most. */
#define TICK_RETENTION_BATCH 500
#define TICK_DESTROY_BATCH 200

/*
 * Inside the caller's transaction (contact id locked): erases every
 * ticket of contact id with its rows, its remaining messages, and the
 * contact itself; the files are queued for destruction. c counts.
 */
enum tick_err tick_erase_contact(struct tick_db *db, long long id,
    struct tick_erase_counts *c);

struct tick_retention_stats {
	long long tickets;   /* erased by retention */
	long long destroyed; /* files destroyed on Cloudinary */
	long long failed;    /* destroys to be tried again */
};

/* Retention, then the queued destroys (see above). TICK_EDB only when
 * the database failed; Cloudinary's failures are recorded, not
 * returned. */
enum tick_err
tick_retention_run(struct tick_app *app, struct tick_retention_stats *st);

/* The queued destroys that are due (also after an erasure request). */
enum tick_err
tick_erase_destroy_due(struct tick_app *app, struct tick_retention_stats *st);

#endif
