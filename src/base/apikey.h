/*
 * tick: the shape of an API token (issue 15). A token reads
 * "tick_<selector>_<secret>": 12 and 48 lowercase hex digits (48 and 192
 * random bits). The selector finds the token's row; what is stored is
 * the SHA-256 of the whole token, compared in constant time. No I/O.
 */
#ifndef TICK_APIKEY_H
#define TICK_APIKEY_H

#include <stddef.h>

#define TICK_APIKEY_PREFIX "tick_"
#define TICK_APIKEY_SELECTOR 12
#define TICK_APIKEY_SECRET 48
/* "tick_" + selector + "_" + secret. */
#define TICK_APIKEY_LEN (5 + TICK_APIKEY_SELECTOR + 1 + TICK_APIKEY_SECRET)

/* A new random token into out and its selector into selector. Returns 0,
 * or -1 when no random bytes come. */
int tick_apikey_new(char out[TICK_APIKEY_LEN + 1],
    char selector[TICK_APIKEY_SELECTOR + 1]);

/* Whether s (len bytes) looks like an API token rather than a session's
 * JWT: it starts with "tick_". */
int tick_apikey_is(const char *s, size_t len);

/* The selector of token s (len bytes) into selector. 0, or -1 when s is
 * not exactly the shape above. */
int tick_apikey_parse(const char *s, size_t len,
    char selector[TICK_APIKEY_SELECTOR + 1]);

/* The SHA-256 of token s as 64 lowercase hex digits. 0 or -1. */
int tick_apikey_hash(const char *s, size_t len, char hex[65]);

#endif
