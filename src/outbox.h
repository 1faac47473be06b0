/*
 * tick: outbound WhatsApp messages. Every outbound is first a row in
 * whatsapp_messages (status pending, the exact Graph API body in payload,
 * next_attempt_at a short lease ahead) written in the caller's
 * transaction; after the commit it is sent and the row says what happened.
 * `tick outbox` sends rows whose next_attempt_at has passed, with backoff,
 * never retrying permanent errors. A row may also be held: an agent's text
 * written outside the 24-hour window waits until the customer writes.
 */
#ifndef TICK_OUTBOX_H
#define TICK_OUTBOX_H

#include <stddef.h>

#include "err.h"
#include "wa.h"

struct tick_app;
struct tick_db;

/* Seconds a pending row is left alone while a request sends it. */
#define TICK_OUTBOX_LEASE 120
/* Most outbounds one transaction queues for sending after it commits. */
#define TICK_OUTBOX_LIST_MAX 16

/* Outbounds stored in a transaction, to send once it has committed. */
struct tick_outbox_list {
	struct {
		long long id;
		char *payload; /* owned */
	} items[TICK_OUTBOX_LIST_MAX];
	size_t n;
};

/* Frees the payloads and empties the list. */
void tick_outbox_list_clear(struct tick_outbox_list *l);

/*
 * Stores an outbound inside the caller's transaction: payload is the Graph
 * API body (copied), body the readable text, reply_id the reply it carries
 * (0 for none). held stores it to wait for the customer; otherwise it is
 * added to l (when l is not NULL) for tick_outbox_send_list().
 */
enum tick_err
tick_outbox_add(struct tick_db *db, long long ticket_id, long long contact_id,
    long long reply_id, const char *type, const char *body, const char *payload,
    int held, long long *id, struct tick_outbox_list *l);

/* A text message to `to` (digits), stored and queued on l. */
enum tick_err tick_outbox_add_text(struct tick_db *db, long long ticket_id,
    long long contact_id, long long reply_id, const char *to, const char *text,
    long long *id, struct tick_outbox_list *l);

/* The configured template to `to`, stored and queued on l. */
enum tick_err tick_outbox_add_template(struct tick_app *app,
    long long ticket_id, long long contact_id, const char *to, long long *id,
    struct tick_outbox_list *l);

/* Inside a transaction: moves every held outbound of ticket_id to pending
 * and queues it on l. */
enum tick_err tick_outbox_release_held(struct tick_db *db, long long ticket_id,
    struct tick_outbox_list *l);

/* Holds outbound id (after Meta said the window is closed). */
enum tick_err tick_outbox_hold(struct tick_db *db, long long id);

/*
 * Sends stored row id (which has had `attempts` attempts) now and records
 * the outcome; res (may be NULL) receives the Graph API's answer. With
 * defer set it does not send but hands the row to the outbox at once.
 */
enum tick_err
tick_outbox_deliver(struct tick_app *app, long long id, long long attempts,
    const char *payload, int defer, struct tick_wa_result *res);

/*
 * Sends every item of l; after the first failure the rest go to the
 * outbox at once (*graph_down is set and read), so a slow Graph API never
 * holds a request for long. Counts into *sent and *failed. Clears l.
 */
void tick_outbox_send_list(struct tick_app *app, struct tick_outbox_list *l,
    int *graph_down, int *sent, int *failed);

/* Sends due row id now (claiming it first). TICK_ENOTFOUND when it is not
 * due or another sender has it; else the send's result. */
enum tick_err tick_outbox_send_one(struct tick_app *app, long long id);

struct tick_outbox_stats {
	int picked, sent, failed;
};

/* Sends every due row (at most OUTBOX_BATCH). */
enum tick_err
tick_outbox_run(struct tick_app *app, struct tick_outbox_stats *st);

#endif
