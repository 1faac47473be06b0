/*
 * tick: sending outbound webhooks (issue 15), from `tick outbox`. Each
 * delivery is POSTed as
 *   {"id": "evt_<event>", "type", "created_at" (the event's time),
 *    "sent_at" (this attempt's), "attempt", "data": {"ticket": {...}|null}}
 * with X-Tick-Event, X-Tick-Delivery, X-Tick-Timestamp (sent_at in Unix
 * seconds) and X-Tick-Signature-256: sha256=<hex HMAC-SHA256 of the body
 * with the subscription's secret>. The id is the same on every attempt;
 * the ticket's fields are those of the first attempt. A 2xx answer
 * delivers it; anything else tries again with backoff until
 * WEBHOOKS_MAX_ATTEMPTS, then the delivery is dead (a resend revives it).
 */
#ifndef TICK_HOOKS_OUT_H
#define TICK_HOOKS_OUT_H

#include "err.h"

struct tick_app;

struct tick_hooks_stats {
	long long made; /* deliveries made from new events */
	int picked, delivered, failed, dead, disabled;
};

/* Makes the deliveries of new events and sends those due (at most
 * OUTBOX_BATCH). */
enum tick_err tick_hooks_run(struct tick_app *app, struct tick_hooks_stats *st);

#endif
