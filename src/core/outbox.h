/*
 * tick: outbound WhatsApp messages. Every outbound is first a row in
 * whatsapp_messages (status pending, the exact Graph API body in payload,
 * next_attempt_at a short lease ahead) written in the caller's
 * transaction; after the commit it is sent and the row says what happened.
 * `tick outbox` sends rows whose next_attempt_at has passed, with backoff,
 * never retrying permanent errors. A row may also be held: an agent's text
 * written outside the 24-hour window waits until the customer writes.
 *
 * Every send carries the row's id in biz_opaque_callback_data, and the row
 * says an attempt is in flight before the call: a send whose answer was
 * lost (a timeout, a failed write) is adopted by its status webhook
 * (tick_outbox_adopt) and only sent again when no status came within
 * OUTBOX_SEND_GRACE_S. Calls to each outside host pass a gate: the
 * request's outbound budget (net.h) and a breaker shared by every worker.
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
/* The lease as SQL, for the statement tables: "NOW(3) + INTERVAL 120
 * SECOND", spelled from TICK_OUTBOX_LEASE. */
#define TICK_OUTBOX_STR_(x) #x
#define TICK_OUTBOX_STR(x) TICK_OUTBOX_STR_(x)
#define TICK_OUTBOX_LEASE_SQL \
	"NOW(3) + INTERVAL " TICK_OUTBOX_STR(TICK_OUTBOX_LEASE) " SECOND"
/* Most outbounds one transaction queues for sending after it commits. */
#define TICK_OUTBOX_LIST_MAX 16

/* Outbounds stored in a transaction, to send once it has committed. */
struct tick_outbox_list {
	struct {
		long long id;
		char *payload; /* owned */
		int marked;    /* marked as under way when it was queued */
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

/* An interactive message (a list or reply buttons): payload is its Graph
 * API body, body its readable text for the timeline; stored as type
 * "interactive" and queued on l like any other send. */
enum tick_err tick_outbox_add_interactive(struct tick_db *db,
    long long ticket_id, long long contact_id, const char *payload,
    const char *body, long long *id, struct tick_outbox_list *l);

/* The configured template to `to`, stored and queued on l. */
enum tick_err tick_outbox_add_template(struct tick_app *app,
    long long ticket_id, long long contact_id, const char *to, long long *id,
    struct tick_outbox_list *l);

/*
 * Inside a transaction, when contact contact_id wrote to the desk (its
 * 24-hour window opened): moves to pending, and queues on l, the held
 * outbounds of ticket_id (0: none) and those of the contact that belong
 * to no ticket (notices to staff, tick_outbox_hold_for_contact()). A row
 * is released once: one another request has released already is left
 * alone. What does not fit l is sent by the outbox.
 */
enum tick_err tick_outbox_release_held(struct tick_db *db, long long ticket_id,
    long long contact_id, struct tick_outbox_list *l);

/*
 * Inside a transaction: a notice to a member of staff (no ticket) at `to`
 * while their 24-hour window is closed. The text is stored held for their
 * WhatsApp contact (contact_id, or when 0 the contact of that number, made
 * when the number never wrote to the desk) and the template that re-opens
 * the conversation is queued on l; tick_outbox_release_held() lets the
 * text go when that contact writes. *id is the text's row, *tpl_id the
 * template's. TICK_ECONFIG without WHATSAPP_TEMPLATE_NAME.
 */
enum tick_err tick_outbox_hold_for_contact(struct tick_app *app,
    long long contact_id, const char *to, const char *text, long long *id,
    long long *tpl_id, struct tick_outbox_list *l);

/* Holds outbound id (after Meta said the window is closed). */
enum tick_err tick_outbox_hold(struct tick_db *db, long long id);

/*
 * Sends stored row id (which has had `attempts` attempts) now and records
 * the outcome; res (may be NULL) receives the Graph API's answer. marked:
 * the row was marked as under way when it was queued (its list item
 * says). With defer set it does not send but hands the row to the outbox
 * at once.
 */
enum tick_err
tick_outbox_deliver(struct tick_app *app, long long id, long long attempts,
    int marked, const char *payload, int defer, struct tick_wa_result *res);

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

/*
 * A status webhook for wamid carried opaque (biz_opaque_callback_data,
 * may be NULL): when it names an outbound row that has no wamid (its
 * send's answer was lost), the row takes the wamid and the best status
 * stored for it, and is not sent again. *adopted says whether it did.
 */
enum tick_err tick_outbox_adopt(struct tick_db *db, const char *opaque,
    const char *wamid, const char *phone_number_id, int *adopted);

/* The outside hosts tick calls, each behind its own breaker. */
enum tick_outbox_host {
	TICK_OUTBOX_HOST_GRAPH,      /* Graph API: sends, media lookups */
	TICK_OUTBOX_HOST_MEDIA,      /* Meta's media downloads */
	TICK_OUTBOX_HOST_CLOUDINARY, /* uploads */
	TICK_OUTBOX_HOST__MAX
};

/*
 * Whether a call to host may go out now: some of the request's budget is
 * left and its breaker is closed, or it has cooled down
 * (BREAKER_COOLDOWN_S) and this caller is the one that tries again. Every
 * call that passes must be followed by tick_outbox_gate_record(). A
 * database that cannot tell lets the call go.
 */
int tick_outbox_gate(struct tick_app *app, enum tick_outbox_host host);

/*
 * What a call's result says of its host: 1 it failed (a timeout, no
 * answer, a 5xx), 0 it answered, -1 nothing was learnt (not configured,
 * refused before any call). No I/O.
 */
int tick_outbox_host_failed(enum tick_err rc, int http_status);

/* Records outcome (tick_outbox_host_failed()) on host's breaker: an answer
 * closes it, BREAKER_FAILURES failures in a row open it. */
void tick_outbox_gate_record(struct tick_app *app, enum tick_outbox_host host,
    int outcome);

struct tick_outbox_stats {
	int picked, sent, failed;
};

/* Sends every due row (at most OUTBOX_BATCH). */
enum tick_err
tick_outbox_run(struct tick_app *app, struct tick_outbox_stats *st);

/* Whether outbound message id of ticket ticket_id failed (*failed), and
 * Meta's error code for it (0 when Meta gave none). */
enum tick_err tick_outbox_failure(struct tick_db *db, long long id,
    long long ticket_id, int *failed, long long *code);

/* Makes failed outbound message id of ticket ticket_id due now (an agent
 * asked); *due says whether there was such a message. */
enum tick_err tick_outbox_retry_now(struct tick_db *db, long long id,
    long long ticket_id, int *due);

/* For GET /api/whatsapp/status: when a send last succeeded (*last_ok, a
 * new string or null) and the last failure ({code, title, at} or null),
 * both new references. */
enum tick_err
tick_outbox_last(struct tick_db *db, json_t **last_ok, json_t **last_error);

/* For the metrics: outbound messages still to send (*depth) and how long
 * the oldest one due has waited, in microseconds (0 when none is due). */
enum tick_err
tick_outbox_depth(struct tick_db *db, long long *depth, long long *oldest_us);

/*
 * Meta answered 131047 (the 24 hours ran out) to the messages ids[0..n)
 * of a ticket (ids of 0 are skipped): in one transaction they are held for
 * the customer's answer and the template that re-opens the conversation is
 * queued; then the template is sent. *tpl_id is its row, *tpl_failed
 * whether its send failed. The caller holds no transaction.
 */
enum tick_err tick_outbox_reopen(struct tick_app *app, long long ticket_id,
    long long contact_id, const char *to, const long long *ids, size_t n,
    long long *tpl_id, int *tpl_failed);

#endif
