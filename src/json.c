#include <stdio.h>

#include "json.h"
#include "bounds.h"

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

json_t *
tick_json_parse(const char *body, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root;

	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		snprintf(err, errlen, "body is not valid JSON: %s at byte %d",
		    je.text, je.position);
		return NULL;
	}
	if (!tick_json_depth_ok(root, TICK_MAX_JSON_DEPTH)) {
		json_decref(root);
		snprintf(err, errlen, "JSON nests deeper than %d levels",
		    TICK_MAX_JSON_DEPTH);
		return NULL;
	}
	return root;
}
