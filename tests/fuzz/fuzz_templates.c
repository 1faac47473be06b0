/* libFuzzer: an agent's template parameters checked against a template's
 * components (base/wa_template_rules). The input is the components JSON,
 * a NUL byte, then the parameters JSON. Property: a refusal names a field
 * under "parameters"; an acceptance gives valid UTF-8 text, components
 * whose every value is text without a newline, and the same answer when
 * asked again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "valid.h"
#include "wa_template_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every "text", "payload" or "coupon_code" of the send's parameters. */
static void
check_values(const json_t *comps)
{
	size_t i, j;
	json_t *c, *p;

	if (!json_is_array(comps))
		__builtin_trap();
	json_array_foreach (comps, i, c) {
		json_array_foreach (json_object_get(c, "parameters"), j, p) {
			const char *keys[] = { "text", "payload",
				"coupon_code" };

			for (size_t k = 0; k < 3; k++) {
				const char *v = json_string_value(
				    json_object_get(p, keys[k]));

				if (v != NULL &&
				    (v[0] == '\0' || strchr(v, '\n') != NULL))
					__builtin_trap();
			}
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	json_t *tpl, *params = NULL, *out = NULL, *again = NULL;
	char field[96], why[200], *text = NULL, *text2 = NULL;
	enum tick_err rc;

	if (nul == NULL)
		return 0;
	tpl = json_loadb((const char *)data, (size_t)(nul - data), 0, NULL);
	params = json_loadb((const char *)nul + 1,
	    size - (size_t)(nul - data) - 1, 0, NULL);
	if (tpl == NULL)
		goto out;
	rc = tick_wa_tpl_fill(tpl, size % 2 ? "NAMED" : "POSITIONAL", params,
	    &out, &text, field, sizeof(field), why, sizeof(why));
	if (rc == TICK_EINVAL && json_is_array(tpl) && field[0] != '\0' &&
	    strncmp(field, "parameters", 10) != 0)
		__builtin_trap();
	if (rc == TICK_OK) {
		if (text == NULL || !tick_valid_utf8(text, strlen(text)))
			__builtin_trap();
		check_values(out);
		if (tick_wa_tpl_fill(tpl, size % 2 ? "NAMED" : "POSITIONAL",
		        params, &again, &text2, field, sizeof(field), why,
		        sizeof(why)) != TICK_OK ||
		    !json_equal(out, again) || strcmp(text, text2) != 0)
			__builtin_trap();
	}
out:
	free(text);
	free(text2);
	json_decref(out);
	json_decref(again);
	json_decref(tpl);
	json_decref(params);
	return 0;
}
