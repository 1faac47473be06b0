/* libFuzzer: an agent's buttons or list (base/interactive) and their
 * Graph API body (wa). The input is a reply body's JSON. Property: a
 * refusal names a field; an acceptance holds Meta's limits (at most 3
 * buttons or 10 rows, titles and ids within their characters, ids
 * unique), builds a payload that parses back with as many choices, and
 * gives the same answer when asked again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "interactive.h"
#include "valid.h"
#include "wa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
within(const char *s, size_t max)
{
	if (s == NULL || s[0] == '\0' || tick_valid_utf8_chars(s) > max)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tick_ia ia, again;
	char field[96], why[200], *p;
	json_t *body, *o, *acts;
	size_t n = 0, i;
	enum tick_err rc;

	if ((body = json_loadb((const char *)data, size, 0, NULL)) == NULL)
		return 0;
	rc = tick_ia_parse(body, "Pick one", &ia, field, sizeof(field), why,
	    sizeof(why));
	if (rc != TICK_OK) {
		if (rc != TICK_EINVAL || field[0] == '\0' || why[0] == '\0')
			__builtin_trap();
		goto out;
	}
	if (tick_ia_parse(body, "Pick one", &again, field, sizeof(field), why,
	        sizeof(why)) != TICK_OK ||
	    again.kind != ia.kind || again.nchoices != ia.nchoices)
		__builtin_trap();
	if (ia.kind == TICK_IA_NONE)
		goto out;
	if (ia.nchoices == 0 || ia.nchoices > TICK_IA_ROWS_MAX ||
	    (ia.kind == TICK_IA_BUTTONS && ia.nchoices > TICK_IA_BUTTONS_MAX))
		__builtin_trap();
	for (i = 0; i < ia.nchoices; i++) {
		within(ia.choices[i].title,
		    ia.kind == TICK_IA_BUTTONS ? TICK_IA_BUTTON_TITLE_MAX :
		                                 TICK_IA_ROW_TITLE_MAX);
		within(ia.choices[i].id, TICK_IA_ID_MAX);
		for (size_t j = 0; j < i; j++)
			if (strcmp(ia.choices[i].id, ia.choices[j].id) == 0)
				__builtin_trap();
	}
	if ((p = tick_wa_interactive_payload("5215512345678", "Pick one",
	         &ia)) == NULL)
		__builtin_trap();
	o = json_loads(p, 0, NULL);
	acts = json_object_get(json_object_get(o, "interactive"), "action");
	if (ia.kind == TICK_IA_BUTTONS)
		n = json_array_size(json_object_get(acts, "buttons"));
	else {
		json_t *s;

		json_array_foreach (json_object_get(acts, "sections"), i, s)
			n += json_array_size(json_object_get(s, "rows"));
	}
	if (o == NULL || n != ia.nchoices)
		__builtin_trap();
	json_decref(o);
	free(p);
out:
	json_decref(body);
	return 0;
}
