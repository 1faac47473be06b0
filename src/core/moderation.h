/*
 * tick: AI safety checks of customers' texts (issue 17). A customer's text
 * is recorded for a check in the webhook's own transaction (so the check is
 * never lost and never delays the message), and `tick outbox` asks the
 * provider (ai/provider) later, with backoff when it is down, slow or
 * rate-limited. The webhook itself never waits for a provider: Meta wants
 * an answer in a few seconds and MODERATION_TIMEOUT_MS alone is eight.
 */
#ifndef TICK_CORE_MODERATION_H
#define TICK_CORE_MODERATION_H

#include <stddef.h>

#include "err.h"

struct tick_app;

/* Backoff of a check that could not be done: seconds before the attempts'
 * next one (1, 2, ...), unless the provider asked for retry_after. Pure. */
long long tick_moderation_backoff(long long attempts, long retry_after);

/* Whether a file's readable text ("[image] caption", "[document:
 * name.pdf] caption") carries a caption worth a check. Pure. */
int tick_moderation_captioned(const char *text);

/*
 * In the caller's transaction: records customer message message_id (of
 * ticket_id) for a check when a provider is configured and the message has
 * text (text not empty). Nothing when MODERATION_PROVIDER is none.
 */
enum tick_err tick_moderation_enqueue(struct tick_app *app,
    long long message_id, long long ticket_id, const char *text);

/*
 * In the caller's transaction (the media step's, once the photo is kept):
 * records customer photo attachment_id of message_id (data, len bytes of
 * type mime) for a check, its bytes kept until then. Nothing when
 * MODERATION_PROVIDER is none, MODERATION_IMAGES is 0, or mime is not a
 * photo (jpeg, png, webp); a photo over MODERATION_MAX_IMAGE_BYTES is
 * recorded as skipped. Anonymous reports are decided at the check
 * (MODERATION_ANONYMOUS).
 */
enum tick_err tick_moderation_enqueue_image(struct tick_app *app,
    long long message_id, long long ticket_id, long long attachment_id,
    const char *mime, const void *data, size_t len);

struct tick_moderation_stats {
	int picked, done, flagged, retry, failed;
};

/* Checks every due pending message (at most OUTBOX_BATCH); for `tick
 * outbox`. Nothing when MODERATION_PROVIDER is none. */
enum tick_err
tick_moderation_run(struct tick_app *app, struct tick_moderation_stats *st);

#endif
