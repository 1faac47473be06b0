/* libFuzzer: the Cookie header. Properties: a value found is a part of the
 * header that fits its buffer, holds no ';', and follows "name=" there. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "tick_session", "tick_csrf", "a",
		"" };
	char *h = malloc(size + 1), out[48], needle[64];

	if (h == NULL)
		return 0;
	memcpy(h, data, size);
	h[size] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		memset(out, 'x', sizeof(out));
		if (tick_http_cookie_get(h, names[i], out, sizeof(out)) !=
		    TICK_OK)
			continue;
		if (memchr(out, '\0', sizeof(out)) == NULL ||
		    strchr(out, ';') != NULL)
			__builtin_trap();
		snprintf(needle, sizeof(needle), "%s=%s", names[i], out);
		if (strstr(h, needle) == NULL)
			__builtin_trap();
	}
	free(h);
	return 0;
}
