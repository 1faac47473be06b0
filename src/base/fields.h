/* tick: the fields of a JSON body, declared per route in a table (as kcgi
 * declares its kvalid pairs) and checked in one pass. No I/O. */
#ifndef TICK_FIELDS_H
#define TICK_FIELDS_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

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

#endif
