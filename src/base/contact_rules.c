#include <string.h>

#include "contact_rules.h"
#include "valid.h"

enum tick_err
tick_contact_fields_check(const json_t *v, const char **why)
{
	const char *k;
	json_t *x;

	*why = NULL;
	if (!json_is_object(v)) {
		*why = "must be an object of names and values";
		return TICK_EINVAL;
	}
	if (json_object_size(v) > TICK_CONTACT_FIELDS_MAX) {
		*why = "must hold at most 50 fields";
		return TICK_EINVAL;
	}
	json_object_foreach ((json_t *)v, k, x) {
		size_t kl = strlen(k);

		if (kl == 0 || !tick_valid_utf8(k, kl) ||
		    tick_valid_utf8_chars(k) > TICK_CONTACT_FIELD_NAME_MAX) {
			*why = "names must be 1 to 64 characters";
			return TICK_EINVAL;
		}
		if (json_is_string(x)) {
			if (tick_valid_utf8_chars(json_string_value(x)) >
			        TICK_CONTACT_FIELD_VALUE_MAX ||
			    strlen(json_string_value(x)) !=
			        json_string_length(x)) {
				*why = "values must be at most 1000 characters";
				return TICK_EINVAL;
			}
		} else if (!json_is_number(x) && !json_is_boolean(x) &&
		    !json_is_null(x)) {
			*why = "values must be text, numbers, true, false or "
			       "null";
			return TICK_EINVAL;
		}
	}
	return TICK_OK;
}
