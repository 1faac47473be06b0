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

/* ---- Fields of a JSON body, declared per route in a table. */

#include <jansson.h>

enum tick_field_kind {
	TICK_FIELD_TEXT,     /* one line of text, min..max characters */
	TICK_FIELD_LONGTEXT, /* text that may hold line breaks */
	TICK_FIELD_EMAIL,    /* an address, at most max characters */
	TICK_FIELD_PASSWORD, /* min..max bytes of UTF-8 */
	TICK_FIELD_ENUM,     /* one of choices */
	TICK_FIELD_BOOL,     /* true or false */
	TICK_FIELD_ID,       /* an id (tick_json_id_value); null is refused */
	TICK_FIELD_PHONE,    /* a phone number; normalised to digits */
};

struct tick_field {
	const char *name;
	enum tick_field_kind kind;
	int required;
	size_t min, max;
	const char *const *choices; /* NULL-terminated, for TICK_FIELD_ENUM */
};

/*
 * Checks the members of obj named in fields (others are ignored). A member
 * that is null or "" counts as absent (an error only when required),
 * except for an id, where it is refused like any other wrong value (null,
 * true, 1.5, 1e30, "abc", 0, over 4294967295). Returns TICK_OK, or
 * TICK_EINVAL with *errors a new object mapping each bad field's name to a
 * sentence. No I/O.
 */
enum tick_err tick_valid_fields(const json_t *obj,
    const struct tick_field *fields, size_t n, json_t **errors);

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

#endif
