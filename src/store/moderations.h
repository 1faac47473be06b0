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

/*
 * Records the photo of message_id (attachment attachment_id, of ticket_id)
 * for a check, its bytes (data, len; mime) kept until the check is over.
 * With skip set, the row is written as skipped with that reason and no
 * bytes (too large, ...). A second call for one message changes nothing.
 */
enum tick_err tick_moderation_add_image(struct tick_db *db,
    long long message_id, long long ticket_id, long long attachment_id,
    const char *provider, const char *model, const char *mime, const void *data,
    size_t len, const char *skip);

/* Up to max due pending checks into ids (*n of them), images[i] 1 for a
 * photo's check, 0 for a text's. */
enum tick_err tick_moderation_due(struct tick_db *db, long long *ids,
    int *images, size_t max, size_t *n);

/* What a claimed check needs (tick_moderation_job_clear() frees it). */
struct tick_moderation_job {
	long long message_id;
	int image_check;     /* a photo's check, not the text's */
	long long ticket_id; /* its ticket, 0 for none */
	long long attempts;  /* this one included */
	int anonymous;       /* its ticket is an anonymous safety report */
	char *text;          /* the text's check: the message's text */
	char *image;         /* the photo's check: its bytes */
	size_t image_len;
	char image_mime[4 * 128 + 1];
};

/* Claims the text (image 0) or photo (1) check of message_id (leases it,
 * counts an attempt) and loads it, a photo's bytes up to max_image.
 * TICK_ECONFLICT when another run took it or it is no longer due. */
enum tick_err tick_moderation_claim(struct tick_db *db, long long message_id,
    int image, size_t max_image, struct tick_moderation_job *job);
void tick_moderation_job_clear(struct tick_moderation_job *job);

/* Done: the verdict (categories and suggestion may be NULL). A photo's
 * bytes are dropped by this and by the next three. */
enum tick_err tick_moderation_done(struct tick_db *db, long long message_id,
    int image, const char *provider, const char *model, int flagged,
    const json_t *categories, const json_t *suggestion, long long latency_ms,
    const char *note);
/* Not now: why, and due again in delay_s seconds. */
enum tick_err tick_moderation_retry(struct tick_db *db, long long message_id,
    int image, const char *error, long long latency_ms, long long delay_s);
/* Failed for good: why. */
enum tick_err tick_moderation_fail(struct tick_db *db, long long message_id,
    int image, const char *error, long long latency_ms);
/* Not sent, on purpose: why. */
enum tick_err tick_moderation_skip(struct tick_db *db, long long message_id,
    int image, const char *why);

/* The photo check of message_id as {state, flagged, categories, review,
 * error} into *out (a new reference), or *out NULL when it has none. */
enum tick_err tick_moderation_of_image(struct tick_db *db, long long message_id,
    json_t **out);

/* The text check of message_id as {state, flagged, categories, suggestion,
 * review} into *out (a new reference), or *out NULL when it has none. */
enum tick_err
tick_moderation_of(struct tick_db *db, long long message_id, json_t **out);

/* The newest suggestion the model made for ticket_id's texts, as stored
 * ({life_saving_rule, observation_type, severity, confidence}: a new
 * reference), or *out NULL when none. */
enum tick_err tick_moderation_suggestion(struct tick_db *db,
    long long ticket_id, json_t **out);

/* Whether TEXT_MODERATION_NOTICE went for ticket_id (lock the ticket
 * first: once per ticket), and that it went for the check of message_id
 * (image 0: its text, 1: its photo). */
enum tick_err
tick_moderation_noticed(struct tick_db *db, long long ticket_id, int *sent);
enum tick_err tick_moderation_notice_sent(struct tick_db *db,
    long long message_id, int image);

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

/* Who ticket_id's customer is (never sent to a provider: what is found of
 * it in a text is masked). Columns cut to fit; "" when unknown. */
struct tick_moderation_identity {
	char name[4 * 255 + 1];
	char mobile[4 * 15 + 1];
	char profile_name[4 * 255 + 1];
	char wa_id[4 * 20 + 1];
	int anonymous;
};
enum tick_err tick_moderation_identity(struct tick_db *db, long long ticket_id,
    struct tick_moderation_identity *who);

/* SQL for a ticket filter: true when ticket t (the alias) is flagged: a
 * message of it flagged and not cleared. Issue 18: tickets.flagged, kept
 * by sql/029_counts.sql's triggers on message_moderation in the
 * transaction of each verdict and review (tick_moderation_ticket_flagged
 * counts the same from the checks). */
#define TICK_MODERATION_FLAGGED_SQL "(t.flagged = 1)"

#endif
