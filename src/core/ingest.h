/*
 * tick: turning a parsed webhook into rows. The raw body is stored first;
 * each message then goes in its own transaction (contact, message, ticket
 * or reply, and any confirmation to send), so a redelivery changes nothing
 * and a failure never leaves half a message. Confirmations are sent after
 * their transaction commits.
 */
#ifndef TICK_INGEST_H
#define TICK_INGEST_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

struct tick_app;
struct tick_wa_batch;

struct tick_ingest_summary {
	long long event_id;
	int messages;         /* new inbound messages stored */
	int duplicates;       /* messages seen before (same wamid) */
	int ignored;          /* for another phone number id, or none */
	int ignored_statuses; /* of ignored, the statuses (the rest are
	                       * messages, also counted in messages) */
	int failed; /* messages that could not be stored: on the event */
	int tickets_created;
	int replies;        /* messages appended to an open ticket */
	int statuses;       /* new statuses stored */
	int notices_sent;   /* confirmations the Graph API accepted */
	int notices_failed; /* confirmations left to the outbox */
	int status_queries; /* "status TKT-000042" answered */
	int media_stored;   /* media kept on Cloudinary */
	int media_pending;  /* media left (or failed) for the outbox */
};

/*
 * Stores body (the exact bytes received) and every message and status of
 * batch. A message that fails twice while the database answers is counted
 * in failed and recorded on the raw event, and the rest are stored all the
 * same. TICK_EDB (or TICK_EBUSY, TICK_ENOMEM) when the database fails or is
 * gone: what was committed stays, and a redelivery completes the rest.
 * Messages and statuses for another phone number id than
 * WHATSAPP_PHONE_NUMBER_ID, or for none, are counted in ignored, never
 * applied.
 */
enum tick_err
tick_ingest_webhook(struct tick_app *app, const struct tick_wa_batch *batch,
    const char *body, size_t len, const char *remote_addr,
    int signature_checked, struct tick_ingest_summary *sum);

/*
 * True when text asks for a ticket's status: "status TKT-000042",
 * "estado tkt-42" or the bare reference, for the given prefix. Writes the
 * reference, upper-cased, into ref. No I/O.
 */
int tick_ingest_status_query(const char *text, const char *prefix, char *ref,
    size_t refsz);

/*
 * Deletes the raw webhook bodies received more than days days ago, in
 * batches of TICK_INGEST_PRUNE_BATCH rows, each its own statement, so that
 * no one lock is held long. *n says how many went. TICK_EDB on failure
 * (what was deleted stays deleted).
 */
#define TICK_INGEST_PRUNE_BATCH 1000
struct tick_db;
enum tick_err
tick_ingest_prune_events(struct tick_db *db, long long days, long long *n);

/*
 * *at (new): when the newest webhook delivery still kept arrived (ISO 8601,
 * UTC), JSON null when none is. TICK_EDB when the database fails.
 */
enum tick_err tick_ingest_last_event(struct tick_db *db, json_t **at);

#endif
