#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interactive.h"
#include "valid.h"

/* Sets field (a printf format) and why; returns TICK_EINVAL. */
static enum tick_err
fail(char *field, size_t fieldsz, char *why, size_t whysz, const char *w,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(field, fieldsz, fmt, ap);
	va_end(ap);
	(void)snprintf(why, whysz, "%s", w);
	return TICK_EINVAL;
}

/* Whether s holds anything but spaces. */
static int
blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/*
 * v as a text of 1 to max characters (0 to max when optional and absent
 * or null: *out NULL). 0 with *out, or -1 with why set.
 */
static int
text_of(const json_t *v, int optional, size_t max, const char **out, char *why,
    size_t whysz)
{
	const char *s;

	*out = NULL;
	if (optional && (v == NULL || json_is_null(v)))
		return 0;
	if (!json_is_string(v)) {
		snprintf(why, whysz, "must be a text of 1 to %zu characters",
		    max);
		return -1;
	}
	s = json_string_value(v);
	/* jansson keeps \u0000: a text with a NUL inside is refused. */
	if (strlen(s) != json_string_length(v) ||
	    !tick_valid_utf8(s, strlen(s))) {
		snprintf(why, whysz, "must not contain NUL characters");
		return -1;
	}
	if (blank(s)) {
		snprintf(why, whysz, "must not be empty");
		return -1;
	}
	if (tick_valid_utf8_chars(s) > max) {
		snprintf(why, whysz, "must be at most %zu characters", max);
		return -1;
	}
	*out = s;
	return 0;
}

/* An id: absent or null makes one up; otherwise 1 to max characters.
 * 0, or -1 with why. */
static int
id_of(const json_t *v, struct tick_ia_choice *c, size_t place, size_t max,
    char *why, size_t whysz)
{
	if (v == NULL || json_is_null(v)) {
		snprintf(c->idbuf, sizeof(c->idbuf), "opt-%zu", place + 1);
		c->id = c->idbuf;
		return 0;
	}
	return text_of(v, 0, max, &c->id, why, whysz);
}

/* Whether the object o has members other than those of keys. */
static const char *
unknown_key(const json_t *o, const char *const *keys, size_t n)
{
	const char *k;
	json_t *v;

	json_object_foreach ((json_t *)o, k, v) {
		size_t i;

		for (i = 0; i < n && strcmp(k, keys[i]) != 0; i++)
			;
		if (i == n)
			return k;
	}
	return NULL;
}

static enum tick_err
buttons(const json_t *arr, struct tick_ia *ia, char *field, size_t fieldsz,
    char *why, size_t whysz)
{
	static const char *const keys[] = { "id", "title" };
	size_t i;
	json_t *b;
	const char *k;

	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > TICK_IA_BUTTONS_MAX)
		return fail(field, fieldsz, why, whysz,
		    "must be a list of 1 to 3 buttons {id?, title}", "buttons");
	json_array_foreach (arr, i, b) {
		struct tick_ia_choice *c = &ia->choices[i];

		if (!json_is_object(b))
			return fail(field, fieldsz, why, whysz,
			    "must be {id?, title}", "buttons[%zu]", i);
		if ((k = unknown_key(b, keys, 2)) != NULL)
			return fail(field, fieldsz, why, whysz,
			    "is not a member of a button (id, title)",
			    "buttons[%zu].%s", i, k);
		if (text_of(json_object_get(b, "title"), 0,
		        TICK_IA_BUTTON_TITLE_MAX, &c->title, why, whysz) != 0)
			return fail(field, fieldsz, why, 0, "",
			    "buttons[%zu].title", i);
		if (id_of(json_object_get(b, "id"), c, i, TICK_IA_ID_MAX, why,
		        whysz) != 0)
			return fail(field, fieldsz, why, 0, "",
			    "buttons[%zu].id", i);
		c->description = NULL;
		ia->nchoices++;
	}
	ia->kind = TICK_IA_BUTTONS;
	return TICK_OK;
}

static enum tick_err
row(const json_t *r, struct tick_ia *ia, size_t s, size_t j, char *field,
    size_t fieldsz, char *why, size_t whysz)
{
	static const char *const keys[] = { "id", "title", "description" };
	struct tick_ia_choice *c = &ia->choices[ia->nchoices];
	const char *k;

	if (!json_is_object(r))
		return fail(field, fieldsz, why, whysz,
		    "must be {id?, title, description?}",
		    "list.sections[%zu].rows[%zu]", s, j);
	if ((k = unknown_key(r, keys, 3)) != NULL)
		return fail(field, fieldsz, why, whysz,
		    "is not a member of a row (id, title, description)",
		    "list.sections[%zu].rows[%zu].%s", s, j, k);
	if (text_of(json_object_get(r, "title"), 0, TICK_IA_ROW_TITLE_MAX,
	        &c->title, why, whysz) != 0)
		return fail(field, fieldsz, why, 0, "",
		    "list.sections[%zu].rows[%zu].title", s, j);
	if (text_of(json_object_get(r, "description"), 1, TICK_IA_ROW_DESC_MAX,
	        &c->description, why, whysz) != 0)
		return fail(field, fieldsz, why, 0, "",
		    "list.sections[%zu].rows[%zu].description", s, j);
	if (id_of(json_object_get(r, "id"), c, ia->nchoices, TICK_IA_ROW_ID_MAX,
	        why, whysz) != 0)
		return fail(field, fieldsz, why, 0, "",
		    "list.sections[%zu].rows[%zu].id", s, j);
	ia->nchoices++;
	return TICK_OK;
}

static enum tick_err
list(const json_t *l, struct tick_ia *ia, char *field, size_t fieldsz,
    char *why, size_t whysz)
{
	static const char *const keys[] = { "button", "sections" };
	static const char *const skeys[] = { "title", "rows" };
	const json_t *secs = json_object_get(l, "sections");
	enum tick_err rc;
	const char *k;
	size_t i, j;
	json_t *s, *r;

	if (!json_is_object(l))
		return fail(field, fieldsz, why, whysz,
		    "must be {button, sections: [{title, rows}]}", "list");
	if ((k = unknown_key(l, keys, 2)) != NULL)
		return fail(field, fieldsz, why, whysz,
		    "is not a member of a list (button, sections)", "list.%s",
		    k);
	if (text_of(json_object_get(l, "button"), 0, TICK_IA_LIST_BUTTON_MAX,
	        &ia->button, why, whysz) != 0)
		return fail(field, fieldsz, why, 0, "", "list.button");
	if (!json_is_array(secs) || json_array_size(secs) == 0 ||
	    json_array_size(secs) > TICK_IA_SECTIONS_MAX)
		return fail(field, fieldsz, why, whysz,
		    "must be a list of 1 to 10 sections {title, rows}",
		    "list.sections");
	json_array_foreach (secs, i, s) {
		struct tick_ia_section *sec = &ia->sections[i];
		const json_t *rows = json_object_get(s, "rows");

		if (!json_is_object(s))
			return fail(field, fieldsz, why, whysz,
			    "must be {title, rows}", "list.sections[%zu]", i);
		if ((k = unknown_key(s, skeys, 2)) != NULL)
			return fail(field, fieldsz, why, whysz,
			    "is not a member of a section (title, rows)",
			    "list.sections[%zu].%s", i, k);
		/* Meta wants a title on each section when there are
		 * several. */
		if (text_of(json_object_get(s, "title"),
		        json_array_size(secs) == 1, TICK_IA_SECTION_TITLE_MAX,
		        &sec->title, why, whysz) != 0)
			return fail(field, fieldsz, why, 0, "",
			    "list.sections[%zu].title", i);
		if (!json_is_array(rows) || json_array_size(rows) == 0)
			return fail(field, fieldsz, why, whysz,
			    "must be a list of 1 to 10 rows {id?, title, "
			    "description?}",
			    "list.sections[%zu].rows", i);
		sec->first = ia->nchoices;
		json_array_foreach (rows, j, r) {
			if (ia->nchoices == TICK_IA_ROWS_MAX)
				return fail(field, fieldsz, why, whysz,
				    "a list has at most 10 rows in all its "
				    "sections",
				    "list.sections[%zu].rows[%zu]", i, j);
			if ((rc = row(r, ia, i, j, field, fieldsz, why,
			         whysz)) != TICK_OK)
				return rc;
		}
		sec->n = ia->nchoices - sec->first;
		ia->nsections++;
	}
	ia->kind = TICK_IA_LIST;
	return TICK_OK;
}

/* The field of choice i, for a duplicate id. */
static void
choice_field(const struct tick_ia *ia, size_t i, char *field, size_t fieldsz)
{
	if (ia->kind == TICK_IA_BUTTONS) {
		snprintf(field, fieldsz, "buttons[%zu].id", i);
		return;
	}
	for (size_t s = 0; s < ia->nsections; s++)
		if (i < ia->sections[s].first + ia->sections[s].n) {
			snprintf(field, fieldsz,
			    "list.sections[%zu].rows[%zu].id", s,
			    i - ia->sections[s].first);
			return;
		}
}

enum tick_err
tick_ia_parse(const json_t *body, const char *text, struct tick_ia *ia,
    char *field, size_t fieldsz, char *why, size_t whysz)
{
	const json_t *b = json_object_get(body, "buttons"),
	             *l = json_object_get(body, "list");
	enum tick_err rc;

	memset(ia, 0, sizeof(*ia));
	field[0] = '\0';
	why[0] = '\0';
	if (json_is_null(b))
		b = NULL;
	if (json_is_null(l))
		l = NULL;
	if (b != NULL && l != NULL)
		return fail(field, fieldsz, why, whysz,
		    "send either buttons or a list, not both", "list");
	if (b == NULL && l == NULL) {
		/* header and footer belong to buttons or a list. */
		const json_t *h = json_object_get(body, "header"),
		             *f = json_object_get(body, "footer");

		if (h != NULL && !json_is_null(h))
			return fail(field, fieldsz, why, whysz,
			    "goes only with buttons or a list", "header");
		if (f != NULL && !json_is_null(f))
			return fail(field, fieldsz, why, whysz,
			    "goes only with buttons or a list", "footer");
		return TICK_OK;
	}
	rc = b != NULL ? buttons(b, ia, field, fieldsz, why, whysz) :
	                 list(l, ia, field, fieldsz, why, whysz);
	if (rc != TICK_OK)
		return rc;
	if (text_of(json_object_get(body, "header"), 1, TICK_IA_HEADER_MAX,
	        &ia->header, why, whysz) != 0)
		return fail(field, fieldsz, why, 0, "", "header");
	if (text_of(json_object_get(body, "footer"), 1, TICK_IA_FOOTER_MAX,
	        &ia->footer, why, whysz) != 0)
		return fail(field, fieldsz, why, 0, "", "footer");
	if (text == NULL || blank(text))
		return fail(field, fieldsz, why, whysz,
		    "buttons and lists need a message above them", "message");
	if (tick_valid_utf8_chars(text) > TICK_IA_BODY_MAX)
		return fail(field, fieldsz, why, whysz,
		    "with buttons or a list the message is at most 1024 "
		    "characters (the agent prefix included)",
		    "message");
	/* The customer's answer names its choice by id: one each. */
	for (size_t i = 1; i < ia->nchoices; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(ia->choices[i].id, ia->choices[j].id) == 0) {
				/* A made-up id yields to the one given. */
				size_t at = ia->choices[i].id ==
				        ia->choices[i].idbuf ?
				    j :
				    i;

				choice_field(ia, at, field, fieldsz);
				snprintf(why, whysz,
				    "duplicates another id of this message");
				return TICK_EINVAL;
			}
	return TICK_OK;
}

char *
tick_ia_readable(const struct tick_ia *ia, const char *text)
{
	size_t len = strlen(text) + 4, used;
	char *out;
	int n;

	for (size_t i = 0; i < ia->nchoices; i++)
		len += strlen(ia->choices[i].title) + 3;
	if ((out = malloc(len)) == NULL)
		return NULL;
	n = snprintf(out, len, "%s", text);
	used = n < 0 ? 0 : (size_t)n;
	for (size_t i = 0; i < ia->nchoices && used < len; i++) {
		n = snprintf(out + used, len - used, "%s%s",
		    i == 0 ? "\n[" : " | ", ia->choices[i].title);
		used += n < 0 ? 0 : (size_t)n;
	}
	if (ia->nchoices > 0 && used + 2 <= len)
		memcpy(out + used, "]", 2);
	return out;
}
