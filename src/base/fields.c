#include <stdio.h>
#include <string.h>

#include "fields.h"
#include "json.h"
#include "valid.h"

static const char *
check_field(const json_t *v, const struct tick_field *f, char *why, size_t wlen)
{
	const char *s;
	size_t len, chars;
	char digits[16];

	switch (f->kind) {
	case TICK_FIELD_BOOL:
		return json_is_boolean(v) ? NULL : "must be true or false";
	case TICK_FIELD_ID:
		if (tick_json_id_value(v) != 0)
			return NULL;
		if (json_is_null(v))
			return "must be an id (a positive whole number), not null";
		if (json_is_boolean(v))
			return "must be an id (a positive whole number), not true or false";
		if (json_is_real(v))
			return "must be a whole number, not a fraction or an exponent";
		if (json_is_integer(v) ||
		    (json_is_string(v) &&
		        tick_valid_digits(json_string_value(v),
		            json_string_length(v), 20)))
			return "must be an id from 1 to 4294967295";
		return "must be an id (a positive whole number)";
	default: break;
	}
	if (!json_is_string(v))
		return "must be a string";
	s = json_string_value(v);
	len = strlen(s);
	/* jansson refuses NUL and invalid UTF-8 already; stay explicit. */
	if (!tick_valid_utf8(s, len))
		return "must be valid UTF-8 text";
	chars = tick_valid_utf8_chars(s);
	switch (f->kind) {
	case TICK_FIELD_TEXT:
	case TICK_FIELD_LONGTEXT:
		for (const char *c = s; *c; c++)
			if ((unsigned char)*c < 0x20 &&
			    !(f->kind == TICK_FIELD_LONGTEXT &&
			        (*c == '\n' || *c == '\r' || *c == '\t')))
				return "must not hold control characters";
		if (chars < f->min || chars > f->max) {
			if (f->min <= 1)
				snprintf(why, wlen,
				    "must be at most %zu characters", f->max);
			else
				snprintf(why, wlen,
				    "must be %zu to %zu characters", f->min,
				    f->max);
			return why;
		}
		return NULL;
	case TICK_FIELD_EMAIL:
		return tick_valid_email(s, f->max) ?
		    NULL :
		    "must be a valid e-mail address";
	case TICK_FIELD_PASSWORD:
		if (len < f->min || len > f->max) {
			snprintf(why, wlen, "must be %zu to %zu bytes", f->min,
			    f->max);
			return why;
		}
		return NULL;
	case TICK_FIELD_ENUM:
		for (const char *const *c = f->choices; c && *c; c++)
			if (strcmp(*c, s) == 0)
				return NULL;
		return "is not one of the allowed values";
	case TICK_FIELD_PHONE:
		return tick_valid_phone(s, digits) == TICK_OK ?
		    NULL :
		    "must be a phone number in international form (8 to 15 digits)";
	default: return "cannot be checked";
	}
}

enum tick_err
tick_valid_fields(const json_t *obj, const struct tick_field *fields, size_t n,
    json_t **errors)
{
	json_t *errs = json_object();

	*errors = NULL;
	if (errs == NULL)
		return TICK_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_object_get(obj, fields[i].name);
		const char *msg;
		char why[96];

		/* null or "" is no value for a text (a PUT clears optional
		 * ones with it); an id given as null or "", or a flag given
		 * as "", is a mistake. */
		if (v == NULL ||
		    (fields[i].kind != TICK_FIELD_ID &&
		        (json_is_null(v) ||
		            (json_is_string(v) && json_string_length(v) == 0 &&
		                fields[i].kind != TICK_FIELD_PASSWORD &&
		                fields[i].kind != TICK_FIELD_BOOL)))) {
			if (fields[i].required)
				json_object_set_new(errs, fields[i].name,
				    json_string("is required"));
			continue;
		}
		if ((msg = check_field(v, &fields[i], why, sizeof(why))) !=
		    NULL)
			json_object_set_new(errs, fields[i].name,
			    json_string(msg));
	}
	if (json_object_size(errs) == 0) {
		json_decref(errs);
		return TICK_OK;
	}
	*errors = errs;
	return TICK_EINVAL;
}
