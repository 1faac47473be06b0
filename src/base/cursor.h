/*
 * tick: the inbox's keyset cursor (GET /api/tickets?cursor=). Opaque to
 * clients: base64url of "1|<sort>|<sort key>|<id>", the version, the list's
 * sort (0 newest, 1 oldest, 2 activity, 4 waiting; 3, the SLA, pages by
 * number only), the last row's sort key
 * ("YYYY-MM-DD HH:MM:SS" with up to 6 fractional digits, or "" for a NULL
 * key) and its id. No I/O.
 */
#ifndef TICK_CURSOR_H
#define TICK_CURSOR_H

#include <stddef.h>

#include "err.h"

/* Longest cursor a client may send, in bytes (a cursor is ~50). */
#define TICK_CURSOR_MAX 128

struct tick_cursor {
	int sort;     /* 0 newest, 1 oldest, 2 activity, 4 waiting */
	char key[27]; /* "YYYY-MM-DD HH:MM:SS[.ffffff]" or "" (NULL key) */
	long long id; /* the last row's id, > 0 */
};

/*
 * Writes c as a cursor into out (outsz bytes, NUL-terminated).
 * TICK_EINVAL when c is not a cursor tick_cursor_parse accepts,
 * TICK_ETOOBIG when out is too small, TICK_ENOMEM.
 */
enum tick_err
tick_cursor_format(const struct tick_cursor *c, char *out, size_t outsz);

/*
 * Reads the cursor in[0..len) into *c: TICK_OK, or TICK_EINVAL for
 * anything tick_cursor_format would not have written (bad base64url,
 * version, sort, key shape or id, embedded NUL, over TICK_CURSOR_MAX).
 */
enum tick_err
tick_cursor_parse(const char *in, size_t len, struct tick_cursor *c);

#endif
