/* libFuzzer: a route's declared fields. Property: when tick_valid_fields
 * says yes, every required field is there and every text field present is
 * valid UTF-8 of a length in characters within its bounds, every id a
 * positive number; when it says no, it names at least one declared field. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kinds[] = { "a", "b", NULL };

static const struct tick_field fields[] = {
	{ "name", TICK_FIELD_TEXT, 1, 1, 30, NULL },
	{ "note", TICK_FIELD_LONGTEXT, 0, 0, 50, NULL },
	{ "email", TICK_FIELD_EMAIL, 0, 0, 100, NULL },
	{ "kind", TICK_FIELD_ENUM, 0, 0, 0, kinds },
	{ "on", TICK_FIELD_BOOL, 0, 0, 0, NULL },
	{ "id", TICK_FIELD_ID, 0, 0, 0, NULL },
	{ "phone", TICK_FIELD_PHONE, 0, 0, 0, NULL },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj = json_loadb((const char *)data, size, 0, NULL), *errors;
	size_t n = sizeof(fields) / sizeof(fields[0]);
	enum tick_err rc;

	if (!json_is_object(obj)) {
		json_decref(obj);
		return 0;
	}
	rc = tick_valid_fields(obj, fields, n, &errors);
	if (rc == TICK_OK) {
		const json_t *v = json_object_get(obj, "name");
		const char *s = json_string_value(v);

		if (s == NULL || tick_valid_utf8_chars(s) < 1 ||
		    tick_valid_utf8_chars(s) > 30)
			__builtin_trap();
		if ((v = json_object_get(obj, "note")) != NULL &&
		    json_is_string(v) &&
		    tick_valid_utf8_chars(json_string_value(v)) > 50)
			__builtin_trap();
		if ((v = json_object_get(obj, "id")) != NULL &&
		    json_is_integer(v) && json_integer_value(v) <= 0)
			__builtin_trap();
		if ((v = json_object_get(obj, "on")) != NULL &&
		    !json_is_boolean(v) && !json_is_null(v))
			__builtin_trap();
	} else if (rc == TICK_EINVAL) {
		int named = 0;

		for (size_t i = 0; i < n; i++)
			named |= json_object_get(errors, fields[i].name) !=
			    NULL;
		if (!named)
			__builtin_trap();
		json_decref(errors);
	}
	json_decref(obj);
	return 0;
}
