/*
 * tick: base64 and base64url over libb64. libb64 wraps its output in lines
 * and ends it with a newline, and its decoder skips characters outside the
 * alphabet without a word: these wrappers strip the former and refuse the
 * latter. No I/O.
 */
#ifndef TICK_B64_H
#define TICK_B64_H

#include <stddef.h>

#include "err.h"

/* Encodes in[0..len) as base64url without padding. Returns a new string
 * (free with free()) or NULL. */
char *tick_b64url_encode(const void *in, size_t len);
/* Encodes in[0..len) as standard base64 (+ and /) with padding, on one
 * line. Returns a new string (free with free()) or NULL. */
char *tick_b64_encode(const void *in, size_t len);

/*
 * Decodes base64url (padding optional) from in[0..len) into a new buffer
 * (free with free()), NUL-terminated for convenience, *outlen bytes long.
 * TICK_EINVAL for any character outside the alphabet or a bad length.
 */
enum tick_err tick_b64url_decode(const char *in, size_t len,
    unsigned char **out, size_t *outlen);

/* The same for standard base64 (+ and /, padding optional). */
enum tick_err tick_b64_decode(const char *in, size_t len, unsigned char **out,
    size_t *outlen);

#endif
