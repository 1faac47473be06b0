/*
 * tick: what a contact's fields may be (issue 13): the bounds of a name,
 * an e-mail, notes and custom fields. The phone's digits are base/valid's
 * tick_valid_phone, the e-mail's shape tick_valid_email. Pure: no I/O.
 */
#ifndef TICK_CONTACT_RULES_H
#define TICK_CONTACT_RULES_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

/* Characters: a name, an e-mail, notes; a custom field's name and value. */
#define TICK_CONTACT_NAME_MAX 255
#define TICK_CONTACT_EMAIL_MAX 254
#define TICK_CONTACT_NOTES_MAX 5000
#define TICK_CONTACT_FIELDS_MAX 50
#define TICK_CONTACT_FIELD_NAME_MAX 64
#define TICK_CONTACT_FIELD_VALUE_MAX 1000
/*
 * Checks custom fields v: a JSON object of at most TICK_CONTACT_FIELDS_MAX
 * members, each name 1 to 64 characters, each value a string of at most
 * 1000 characters, a number, a boolean or null. TICK_OK, or TICK_EINVAL
 * with *why.
 */
enum tick_err tick_contact_fields_check(const json_t *v, const char **why);

#endif
