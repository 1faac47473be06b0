/* libFuzzer: an export's CSV field (base/csv). The property: read back as
 * RFC 4180 reads it, the field is the text it was made of, with a leading
 * quote exactly when a spreadsheet would have run it as a formula; and it
 * never starts a formula itself. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	size_t cap = TICK_CSV_FIELD_MAX(size), n, o = 0, i;
	char *out, *back;
	int formula = tick_csv_formula(in, size);

	if (size > 16384 || (out = malloc(cap + 1)) == NULL)
		return 0;
	if ((back = malloc(size + 2)) == NULL) {
		free(out);
		return 0;
	}
	n = tick_csv_field(in, size, out, cap);
	if (n > cap)
		__builtin_trap();
	/* Read it back as one RFC 4180 field. */
	if (n > 0 && out[0] == '"') {
		if (n < 2 || out[n - 1] != '"')
			__builtin_trap();
		for (i = 1; i < n - 1; i++) {
			if (out[i] == '"') {
				if (i + 1 >= n - 1 || out[i + 1] != '"')
					__builtin_trap();
				i++;
			}
			back[o++] = out[i];
		}
	} else {
		for (i = 0; i < n; i++) {
			if (out[i] == '"' || out[i] == ',' || out[i] == '\n' ||
			    out[i] == '\r')
				__builtin_trap();
			back[o++] = out[i];
		}
	}
	if (formula) {
		if (o != size + 1 || back[0] != '\'' ||
		    memcmp(back + 1, in, size) != 0)
			__builtin_trap();
	} else if (o != size || memcmp(back, in, size) != 0)
		__builtin_trap();
	if (tick_csv_formula(back, o))
		__builtin_trap();
	free(back);
	free(out);
	return 0;
}
