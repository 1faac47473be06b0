/*
 * tick: media a customer sends: fetched from the Graph API (its URL lasts
 * five minutes), checked (size, checksum) and kept on Cloudinary, all
 * within the request with hard timeouts, after the message itself is
 * stored. A failure never loses the message: the attachment stays pending
 * with the reason and `tick outbox` finishes it (media ids last seven
 * days); a file too large or with a wrong checksum is failed, and the
 * customer is told.
 */
#ifndef TICK_MEDIA_H
#define TICK_MEDIA_H

#include <stddef.h>

#include "err.h"

struct tick_app;
struct tick_db;
struct tick_wa_msg;

/*
 * Whether data[0..len) has the SHA-256 that Meta wrote as `expected` (hex
 * or base64; compared as bytes): 1 yes, 0 no, -1 when expected is in
 * neither form (then it cannot be checked). No I/O.
 */
int
tick_media_sha256_matches(const char *expected, const void *data, size_t len);

/* Inside the message's transaction: records a pending attachment for
 * message m (media_id, type, file name, checksum). */
enum tick_err tick_media_add_inbound(struct tick_db *db, long long ticket_id,
    long long message_id, const struct tick_wa_msg *m, long long *id);

/*
 * Fetches and keeps attachment id now (after the commit). With defer set
 * it leaves it to the outbox at once. TICK_OK when stored.
 */
enum tick_err tick_media_fetch(struct tick_app *app, long long id, int defer);

struct tick_media_stats {
	int picked, stored, failed;
};

/* Finishes every due pending attachment (for `tick outbox`). */
enum tick_err tick_media_run(struct tick_app *app, struct tick_media_stats *st);

#endif
