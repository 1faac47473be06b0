/*
 * tick: Cloudinary, where media is kept. The signature helper does no I/O;
 * the upload is one signed multipart POST through libcurl's mime API.
 */
#ifndef TICK_CLD_H
#define TICK_CLD_H

#include <stddef.h>

#include "err.h"

struct tick_config;

/* One parameter of a signed request. */
struct tick_cld_param {
	const char *key;
	const char *value;
};

/*
 * The request signature: every parameter but file, cloud_name,
 * resource_type and api_key, empty ones dropped, sorted by name, joined as
 * key=value with &, the secret appended, SHA-1 in lowercase hex (41 bytes
 * with the NUL). TICK_ETOOBIG when the string to sign is too long.
 */
enum tick_err tick_cld_sign(const struct tick_cld_param *p, size_t n,
    const char *secret, char out[41]);

/* What Cloudinary answered to an upload. */
struct tick_cld_result {
	int http_status; /* 0 when no answer came */
	char public_id[256];
	char secure_url[1024];
	char resource_type[16];
	long long bytes;
	char error[256]; /* Cloudinary's message or a transport error */
	int retryable;   /* a transport failure, 5xx, 420 or 429 */
};

/* The resource type for a MIME type: image, video (audio too) or raw. */
const char *tick_cld_resource_type(const char *mime);

/*
 * Uploads data[0..len) as file `filename` into folder with public_id
 * (both may be NULL), signed with the configured key and secret, within
 * MEDIA_TIMEOUT_MS. TICK_OK with res filled; TICK_ECONFIG when Cloudinary
 * is not configured; TICK_EUPSTREAM or TICK_ETIMEOUT with res->error.
 */
enum tick_err tick_cld_upload(const struct tick_config *cfg, const void *data,
    size_t len, const char *filename, const char *mime, const char *folder,
    const char *public_id, struct tick_cld_result *res);

/* Reads an upload answer into res. No I/O. */
enum tick_err tick_cld_parse_response(int status, const char *body, size_t len,
    struct tick_cld_result *res);

/*
 * Destroys file public_id (its resource type from mime, as uploads chose
 * it) with Cloudinary's signed destroy API, within MEDIA_TIMEOUT_MS.
 * TICK_OK when it is gone (Cloudinary's "ok" or "not found");
 * TICK_ECONFIG, TICK_EUPSTREAM or TICK_ETIMEOUT with error (errsz bytes)
 * saying why.
 */
enum tick_err tick_cld_destroy(const struct tick_config *cfg,
    const char *public_id, const char *mime, char *error, size_t errsz);

/* Reads a destroy answer: TICK_OK for {"result":"ok"} or "not found",
 * else TICK_EUPSTREAM with error. No I/O. */
enum tick_err tick_cld_parse_destroy(int status, const char *body, size_t len,
    char *error, size_t errsz);

#endif
