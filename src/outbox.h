/*
 * tick: outbound WhatsApp messages. Every outbound is first a row in
 * whatsapp_messages (status pending, the exact Graph API body in payload,
 * next_attempt_at a short lease ahead); then it is sent; then the row says
 * what happened. `tick outbox` finds rows whose next_attempt_at has passed
 * and sends them again with backoff, never retrying permanent errors.
 */
#ifndef TICK_OUTBOX_H
#define TICK_OUTBOX_H

#include <stddef.h>

#include "err.h"

struct tick_app;
struct tick_db;

/* Seconds a pending row is left alone while a request sends it. */
#define TICK_OUTBOX_LEASE 120

/*
 * Stores a text message to `to` (digits) for ticket_id (0 for none) inside
 * the caller's transaction. *id is the new row; *payload a new string to
 * hand to tick_outbox_deliver() (free with free()).
 */
enum tick_err tick_outbox_add_text(struct tick_db *db, long long ticket_id,
    long long contact_id, const char *to, const char *text, long long *id,
    char **payload);

/*
 * Sends stored row id (which has had `attempts` attempts) now and records
 * the outcome. With defer set it does not send but hands the row to the
 * outbox at once (used when the Graph API already failed within this
 * request). Returns the send's result.
 */
enum tick_err tick_outbox_deliver(struct tick_app *app, long long id,
    long long attempts, const char *payload, int defer);

struct tick_outbox_stats {
	int picked, sent, failed, gave_up;
};

/* Sends every due row (at most OUTBOX_BATCH). */
enum tick_err
tick_outbox_run(struct tick_app *app, struct tick_outbox_stats *st);

#endif
