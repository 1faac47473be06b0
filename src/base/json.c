#include <stdio.h>
#include <string.h>

#include "json.h"
#include "log.h"
#include "bounds.h"
#include "valid.h"

const char *
tick_json_str(const json_t *obj, const char *key)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *
tick_json_obj(const json_t *obj, const char *key)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_object(v) ? v : NULL;
}

json_t *
tick_json_arr(const json_t *obj, const char *key)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_array(v) ? v : NULL;
}

long long
tick_json_id_value(const json_t *v)
{
	long long id = 0;
	const char *s;

	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);

		return n >= 1 && n <= TICK_JSON_ID_MAX ? (long long)n : 0;
	}
	if (!json_is_string(v))
		return 0;
	s = json_string_value(v);
	/* Digits only: no sign, no spaces. */
	if (s[0] < '0' || s[0] > '9' ||
	    tick_valid_num(s, json_string_length(v), 1, TICK_JSON_ID_MAX,
	        &id) != TICK_OK)
		return 0;
	return id;
}

long long
tick_json_id(const json_t *obj, const char *key)
{
	return json_is_object(obj) ?
	    tick_json_id_value(json_object_get(obj, key)) :
	    0;
}

int
tick_json_depth_ok(const json_t *v, int max)
{
	const char *k;
	json_t *child;
	size_t i;

	if (!json_is_object(v) && !json_is_array(v))
		return 1;
	if (max <= 0)
		return 0;
	if (json_is_array(v)) {
		json_array_foreach (v, i, child)
			if (!tick_json_depth_ok(child, max - 1))
				return 0;
	} else {
		json_object_foreach ((json_t *)v, k, child)
			if (!tick_json_depth_ok(child, max - 1))
				return 0;
	}
	return 1;
}

/* A real that holds a whole number a double keeps exactly (|x| <= 2^53). */
static int
whole(const json_t *v)
{
	double d = json_is_real(v) ? json_real_value(v) : 0.5;

	return d >= -9007199254740992.0 && d <= 9007199254740992.0 &&
	    (double)(json_int_t)d == d;
}

/* After a reparse with every number as a real: the ones that were
 * integers jansson can hold become integers again. */
static void
reals_to_integers(json_t *v)
{
	const char *k;
	json_t *child;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach (v, i, child) {
			if (whole(child))
				json_array_set_new(v, i,
				    json_integer(
				        (json_int_t)json_real_value(child)));
			else
				reals_to_integers(child);
		}
	} else if (json_is_object(v)) {
		json_object_foreach (v, k, child) {
			if (whole(child))
				json_object_set_new(v, k,
				    json_integer(
				        (json_int_t)json_real_value(child)));
			else
				reals_to_integers(child);
		}
	}
}

/* Allocations jansson asked for and did not get; the one to fail on purpose. */
static unsigned long long failed_allocs;
static long long fail_at = -1, allocs;

static void *
counting_malloc(size_t size)
{
	void *p = ++allocs == fail_at ? NULL : malloc(size);

	if (p == NULL) {
		failed_allocs++;
		if (allocs == fail_at)
			tick_log_warn("%s: allocation %lld failed on purpose",
			    __func__, allocs);
	}
	return p;
}

void
tick_json_alloc_init(long long fail_nth)
{
	fail_at = fail_nth > 0 ? fail_nth : -1;
	allocs = 0;
	json_set_alloc_funcs(counting_malloc, free);
}

unsigned long long
tick_json_alloc_failures(void)
{
	return failed_allocs;
}

enum tick_err
tick_json_parse(const char *body, size_t len, json_t **out, char *err,
    size_t errlen)
{
	unsigned long long failed = failed_allocs;
	json_error_t je;
	json_t *root;
	int as_real = 0;

	*out = NULL;
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL && failed == failed_allocs &&
	    strstr(je.text, "too big") != NULL) {
		/* Valid JSON all the same: let the field's check name it. */
		root = json_loadb(body, len,
		    JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &je);
		as_real = 1;
	}
	if (failed != failed_allocs) {
		json_decref(root);
		snprintf(err, errlen, "out of memory while reading JSON");
		return TICK_ENOMEM;
	}
	if (root == NULL) {
		snprintf(err, errlen, "body is not valid JSON: %s at byte %d",
		    je.text, je.position);
		return TICK_EINVAL;
	}
	if (!tick_json_depth_ok(root, TICK_MAX_JSON_DEPTH)) {
		json_decref(root);
		snprintf(err, errlen, "JSON nests deeper than %d levels",
		    TICK_MAX_JSON_DEPTH);
		return TICK_EINVAL;
	}
	if (as_real)
		reals_to_integers(root);
	*out = root;
	return TICK_OK;
}

/* A number Meta wrote as a string or an integer; 0 when neither. */
long long
tick_json_meta_num(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	long long n = 0;

	if (json_is_integer(v))
		return json_integer_value(v);
	if ((s = json_is_string(v) ? json_string_value(v) : NULL) != NULL &&
	    tick_valid_num(s, strlen(s), 0, 99999999999LL, &n) == TICK_OK)
		return n;
	return 0;
}
