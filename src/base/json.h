/* tick: small helpers over jansson. No I/O. */
#ifndef TICK_JSON_H
#define TICK_JSON_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

/* The string member key of obj, or NULL when obj is not an object or the
 * member is missing or not a string. Borrowed from obj. */
const char *tick_json_str(const json_t *obj, const char *key);
/* obj[key] as a number Meta writes as a string or an integer (timestamps,
 * error codes); 0 when neither. */
long long tick_json_meta_num(const json_t *obj, const char *key);

/* The object or array member key of obj, or NULL. Borrowed from obj. */
json_t *tick_json_obj(const json_t *obj, const char *key);
json_t *tick_json_arr(const json_t *obj, const char *key);

/* Largest id of any row (every id column is INT UNSIGNED). */
#define TICK_JSON_ID_MAX 4294967295LL

/*
 * v as a row id: a JSON integer, or a string of 1..10 digits, in
 * 1..TICK_JSON_ID_MAX. Returns the id, or 0 when v is NULL or anything else
 * (null, true or false, a real such as 1.5 or 1e30, zero, a negative or
 * larger number, other text). The one way to read an id from JSON.
 */
long long tick_json_id_value(const json_t *v);

/* The member key of obj as a row id (tick_json_id_value), 0 when missing
 * or not an id. Validate the body first with tick_valid_fields
 * (TICK_FIELD_ID), which names the field in its 422. */
long long tick_json_id(const json_t *obj, const char *key);

/* True when v nests no deeper than max arrays and objects. */
int tick_json_depth_ok(const json_t *v, int max);

/*
 * Parses body[0..len) (rejecting NUL bytes, duplicate keys and depth above
 * TICK_MAX_JSON_DEPTH). An integer too large for jansson (2^63 and up) is
 * kept as a real, so that the field's own check refuses it by name; every
 * other number keeps its type. Returns TICK_OK with *out a new reference;
 * TICK_EINVAL (not JSON, too deep) or TICK_ENOMEM (an allocation failed
 * while parsing: jansson may then drop a byte of a string and say nothing,
 * so the tree is not trusted) with *out NULL and a reason in err.
 */
enum tick_err tick_json_parse(const char *body, size_t len, json_t **out,
    char *err, size_t errlen);

/*
 * Makes jansson allocate through tick, which counts the allocations that
 * fail (tick_json_parse asks). With fail_nth > 0 the fail_nth allocation of
 * the process fails on purpose, once (fault injection for the tests). Call
 * once at start, before any JSON value exists.
 */
void tick_json_alloc_init(long long fail_nth);

/* How many of jansson's allocations have failed in this process: a value
 * built while the count grew may lack members that jansson dropped
 * quietly. */
unsigned long long tick_json_alloc_failures(void);

#endif
