/* libFuzzer: site codes in a customer's text (base/intake). Property: every
 * code found is 3 to 10 of A-Z and 0-9, found once, and stands in the text
 * (in any case) as a whole word: no letter, digit, '_' or non-ASCII byte
 * touches it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/* Whether code stands in text as a whole word. */
static int
stands(const char *text, const char *code)
{
	size_t n = strlen(code);

	for (const char *p = text; *p != '\0'; p++)
		if (strncasecmp(p, code, n) == 0 &&
		    (p == text || !word_byte((unsigned char)p[-1])) &&
		    !word_byte((unsigned char)p[n]))
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tick_intake_codes c;
	char *text;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	tick_intake_find_codes(text, &c);
	if (c.n > TICK_INTAKE_CODES_MAX)
		__builtin_trap();
	for (size_t i = 0; i < c.n; i++) {
		size_t n = strlen(c.code[i]);

		if (n < TICK_INTAKE_CODE_MIN || n > TICK_INTAKE_CODE_MAX)
			__builtin_trap();
		for (size_t j = 0; j < n; j++)
			if (!((c.code[i][j] >= 'A' && c.code[i][j] <= 'Z') ||
			        (c.code[i][j] >= '0' && c.code[i][j] <= '9')))
				__builtin_trap();
		for (size_t j = 0; j < i; j++)
			if (strcmp(c.code[i], c.code[j]) == 0)
				__builtin_trap();
		if (!stands(text, c.code[i]))
			__builtin_trap();
	}
	free(text);
	return 0;
}
