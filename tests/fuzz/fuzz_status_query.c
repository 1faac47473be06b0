/* libFuzzer: a customer's "status TKT-000042". Property: a query found
 * names a reference of the desk's prefix, a dash and 1 to 13 digits, which
 * the text holds (ignoring case). */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), ref[40];
	size_t n;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (tick_ingest_status_query(text, "TKT", ref, sizeof(ref))) {
		n = strlen(ref);
		if (n < 5 || n > 4 + 13 || strncmp(ref, "TKT-", 4) != 0 ||
		    strcasestr(text, ref) == NULL)
			__builtin_trap();
		for (size_t i = 4; i < n; i++)
			if (!isdigit((unsigned char)ref[i]))
				__builtin_trap();
	}
	free(text);
	return 0;
}
