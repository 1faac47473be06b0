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

#include <jansson.h>

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

/*
 * Which WhatsApp message type carries a file of this MIME type and size
 * ("image", "audio", "video", "sticker", "document") within WhatsApp's
 * limits (image jpeg/png 5 MB, audio 16 MB, video mp4/3gpp 16 MB, sticker
 * webp 100 KB, document 100 MB) and max. TICK_EINVAL (415) for a type
 * WhatsApp does not carry, TICK_ETOOBIG (413) over a limit. No I/O.
 */
enum tick_err tick_media_outbound_type(const char *mime, size_t size,
    long long max, const char **wa_type);

/*
 * Inside a transaction: records a file given to tick (an agent's reply,
 * with reply_id, or the ticket form's, reply_id 0) as a pending
 * attachment holding its bytes until Cloudinary has them.
 */
enum tick_err tick_media_add_upload(struct tick_db *db, long long ticket_id,
    long long reply_id, const char *name, const char *mime, const void *data,
    size_t len, long long *id);

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

/* Makes failed or pending file id of ticket ticket_id due now (an agent
 * asked); *due says whether there was such a file. */
enum tick_err tick_media_retry_now(struct tick_db *db, long long id,
    long long ticket_id, int *due);

/* For the metrics: files still pending (not yet on Cloudinary). */
enum tick_err tick_media_pending(struct tick_db *db, long long *n);

/* Where an agent's file stands after its upload ({attachment: {id, state,
 * secure_url, error}, whatsapp: {status, wamid, error_code, error_title}}
 * of reply reply_id), a new object; NULL when it cannot be read. */
json_t *tick_media_reply_file_json(struct tick_db *db, long long attachment,
    long long reply_id);

#endif
