/*
 * tick: outbound webhooks (issue 15), the webhook_subscriptions and
 * webhook_deliveries tables. Deliveries are made from `events` (see
 * sql/013_webhooks.sql); core/hooks_out.c sends them. SQL only.
 */
#ifndef TICK_HOOKS_H
#define TICK_HOOKS_H

#include <jansson.h>

#include "bounds.h"
#include "err.h"

struct tick_db;

/* A subscription as the API writes it; strings borrowed, NULL leaves a
 * member as it is on an update. */
struct tick_hook_form {
	const char *url, *events, *secret, *description;
	int active; /* 1 or 0; -1 leaves it */
};

/* A new subscription that starts after the newest event (it gets only
 * what happens from now on); *id its row. */
enum tick_err tick_hooks_create(struct tick_db *db,
    const struct tick_hook_form *f, long long created_by, long long *id);

/* The changes of f to subscription id; an activation clears its failures
 * and its disabled mark. TICK_ENOTFOUND when missing or deleted. */
enum tick_err tick_hooks_update(struct tick_db *db, long long id,
    const struct tick_hook_form *f);

/* Deletes subscription id (its row and deliveries are kept, it stops). */
enum tick_err tick_hooks_delete(struct tick_db *db, long long id);

/* Subscription id as JSON (never its secret): {"id", "url", "events",
 * "description", "active", "failures", "disabled_at", "disabled_reason",
 * "deliveries": {"pending", "failed", "delivered", "dead"}, "created_at",
 * "updated_at"}. */
json_t *tick_hooks_json(struct tick_db *db, long long id, enum tick_err *rc);

/* Every subscription not deleted, newest first. */
enum tick_err tick_hooks_list(struct tick_db *db, json_t **items);

/* A page of subscription id's deliveries, newest first (state NULL: any). */
enum tick_err
tick_hooks_deliveries(struct tick_db *db, long long id, const char *state,
    long long limit, long long offset, json_t **items, long long *total);

/* Makes delivery did of subscription id due now with its attempts reset;
 * TICK_ENOTFOUND when it is not that subscription's. */
enum tick_err
tick_hooks_resend(struct tick_db *db, long long id, long long did);

/* Makes the deliveries of every active subscription for the settled
 * events it has not read yet, at most max events a subscription; *made
 * how many. One transaction a subscription. */
enum tick_err
tick_hooks_fan_out(struct tick_db *db, long long max, long long *made);

/* One due delivery, as the sender needs it. */
struct tick_hook_due {
	long long id, subscription_id, event_id, ticket_id, attempts;
	char type[33], event_at[40];
	char url[TICK_COL_BUF(2048)];
	char secret[129];
	char *payload; /* owned (NULL until first sent); free() it */
};

/* The ids of deliveries due now, oldest first, at most max. */
enum tick_err
tick_hooks_due(struct tick_db *db, long long max, long long *ids, long long *n);

/* Claims due delivery id for one attempt (it is not due again for lease_s
 * seconds, and its attempts grow): TICK_ENOTFOUND when another run took
 * it or it is no longer due. */
enum tick_err tick_hooks_claim(struct tick_db *db, long long id,
    long long lease_s, struct tick_hook_due *d);

/* Keeps the payload first sent for delivery id. */
enum tick_err
tick_hooks_keep_payload(struct tick_db *db, long long id, const char *payload);

/* The outcome of an attempt. ok: delivered (the subscription's failures
 * clear). Else failed until max_attempts, then dead; the next attempt in
 * backoff seconds; *disable says the subscription reached
 * disable_failures failures in a row and was disabled now. */
struct tick_hook_result {
	int ok;
	long long status; /* HTTP status, 0 when none */
	const char *error;
	const char *response; /* the answer's start, may be NULL */
};
enum tick_err
tick_hooks_record(struct tick_db *db, const struct tick_hook_due *d,
    const struct tick_hook_result *r, long long max_attempts, long long backoff,
    long long disable_failures, int *disabled);

/* For the metrics: deliveries pending or failed (to be tried again). */
enum tick_err tick_hooks_pending(struct tick_db *db, long long *n);

#endif
