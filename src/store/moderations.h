/*
 * tick: the message_moderation table (issue 17): one row per customer text
 * checked by an AI provider. SQL only; core/moderation decides.
 */
#ifndef TICK_STORE_MODERATIONS_H
#define TICK_STORE_MODERATIONS_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

struct tick_db;

/* The moderation lease (seconds): a claimed row is not due again before,
 * so two `tick outbox` runs never check one message at once. */
#define TICK_MODERATION_LEASE 120

/* Records message_id (of ticket_id, 0 for none) as pending for provider
 * and model, due now. A second call for one message changes nothing. */
enum tick_err tick_moderation_add(struct tick_db *db, long long message_id,
    long long ticket_id, const char *provider, const char *model);

/* Up to max due pending message ids into ids (*n of them). */
enum tick_err
tick_moderation_due(struct tick_db *db, long long *ids, size_t max, size_t *n);

/* What a claimed check needs. text is a new string (free() it). */
struct tick_moderation_job {
	long long message_id;
	long long attempts; /* this one included */
	int anonymous;      /* its ticket is an anonymous safety report */
	char *text;
};

/* Claims message_id (leases it, counts an attempt) and loads it.
 * TICK_ECONFLICT when another run took it or it is no longer due. */
enum tick_err tick_moderation_claim(struct tick_db *db, long long message_id,
    struct tick_moderation_job *job);

/* Done: the verdict (categories and suggestion may be NULL). */
enum tick_err tick_moderation_done(struct tick_db *db, long long message_id,
    const char *provider, const char *model, int flagged,
    const json_t *categories, const json_t *suggestion, long long latency_ms,
    const char *note);
/* Not now: why, and due again in delay_s seconds. */
enum tick_err tick_moderation_retry(struct tick_db *db, long long message_id,
    const char *error, long long latency_ms, long long delay_s);
/* Failed for good: why. */
enum tick_err tick_moderation_fail(struct tick_db *db, long long message_id,
    const char *error, long long latency_ms);

/* The moderation of message_id as {state, flagged, categories, suggestion,
 * review} into *out (a new reference), or *out NULL when it has none. */
enum tick_err
tick_moderation_of(struct tick_db *db, long long message_id, json_t **out);

/* Whether any message of ticket_id is flagged and not cleared. */
enum tick_err tick_moderation_ticket_flagged(struct tick_db *db,
    long long ticket_id, int *flagged);

/*
 * Records a reviewer's review ("cleared" or "confirmed") of the flagged
 * message_id of ticket_id by user_id. TICK_ENOTFOUND when the message is
 * not a flagged message of that ticket.
 */
enum tick_err tick_moderation_review(struct tick_db *db, long long ticket_id,
    long long message_id, const char *review, long long user_id);

/* SQL for a ticket filter: true when ticket t (the alias) is flagged: a
 * message of it flagged and not cleared. Issue 18: tickets.flagged, kept
 * by sql/029_counts.sql's triggers on message_moderation in the
 * transaction of each verdict and review (tick_moderation_ticket_flagged
 * counts the same from the checks). */
#define TICK_MODERATION_FLAGGED_SQL "(t.flagged = 1)"

#endif
