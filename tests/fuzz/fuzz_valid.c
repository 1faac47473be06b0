/* libFuzzer: numbers, UTF-8 and cutting text to a column's size. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char out[40];
	long long v;
	size_t n;

	(void)tick_valid_num(s, size, -1000, 1000, &v);
	if (tick_valid_num(s, size, 0, 1000, &v) == TICK_OK &&
	    (v < 0 || v > 1000))
		__builtin_trap();
	if (tick_valid_utf8(s, size)) {
		n = tick_valid_utf8_cut(s, size, 10, out, sizeof(out));
		/* A cut of valid UTF-8 is valid UTF-8 and fits. */
		if (n >= sizeof(out) || !tick_valid_utf8(out, n))
			__builtin_trap();
	}
	return 0;
}
