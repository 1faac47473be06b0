/* tick: validators, one per kind of field. They do no I/O. */
#ifndef TICK_VALID_H
#define TICK_VALID_H

#include <stddef.h>

#include "err.h"

/*
 * Parses the whole of s[0..len) as a base-10 integer in [min, max]
 * (strtonum-style: no sign for non-negative ranges is required, no spaces,
 * no trailing bytes). Returns TICK_OK and sets *out, or TICK_EINVAL.
 */
enum tick_err tick_valid_num(const char *s, size_t len, long long min,
    long long max, long long *out);

/* True when s[0..len) holds no NUL byte and is valid UTF-8. */
int tick_valid_utf8(const char *s, size_t len);

/* True when s[0..len) is 1..maxlen ASCII digits. */
int tick_valid_digits(const char *s, size_t len, size_t maxlen);

/*
 * Copies at most maxchars UTF-8 characters of s[0..len) into out (which
 * holds outsz bytes), never splitting a character, NUL-terminating it.
 * Returns the number of bytes copied.
 */
size_t tick_valid_utf8_cut(const char *s, size_t len, size_t maxchars,
    char *out, size_t outsz);

/*
 * An outbound URL is acceptable when it is https, or http to a loopback
 * host (127.0.0.0/8, ::1, localhost). Returns TICK_OK or TICK_EINVAL.
 */
enum tick_err tick_valid_outbound_url(const char *url);

/* True when the host part (no brackets) names a loopback address. */
int tick_valid_loopback_host(const char *host);

/* True when s is a plausible e-mail address of at most max characters:
 * one @, a local part, and a dotted domain. */
int tick_valid_email(const char *s, size_t max);

/*
 * Normalises a phone number to international digits (spaces, dashes,
 * dots, brackets and a leading + or 00 dropped) into out (16 bytes).
 * TICK_EINVAL unless 8..15 digits remain.
 */
enum tick_err tick_valid_phone(const char *s, char out[16]);

/* Number of UTF-8 characters in s (which must be valid UTF-8). */
size_t tick_valid_utf8_chars(const char *s);

/* The declared fields of a JSON body (fields.h) are checked with these. */
#include "fields.h"

#endif
