/* tick: small helpers over jansson. No I/O. */
#ifndef TICK_JSON_H
#define TICK_JSON_H

#include <stddef.h>

#include <jansson.h>

/* The string member key of obj, or NULL when obj is not an object or the
 * member is missing or not a string. Borrowed from obj. */
const char *tick_json_str(const json_t *obj, const char *key);

/* The object or array member key of obj, or NULL. Borrowed from obj. */
json_t *tick_json_obj(const json_t *obj, const char *key);
json_t *tick_json_arr(const json_t *obj, const char *key);

/* True when v nests no deeper than max arrays and objects. */
int tick_json_depth_ok(const json_t *v, int max);

/*
 * Parses body[0..len) (rejecting NUL bytes, duplicate keys and depth above
 * TICK_MAX_JSON_DEPTH). Returns a new reference or NULL with a reason in
 * err.
 */
json_t *tick_json_parse(const char *body, size_t len, char *err, size_t errlen);

#endif
