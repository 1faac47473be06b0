/* libFuzzer: base64 and base64url over libb64. Properties: encoding then
 * decoding gives the bytes back; a decode that succeeds read only
 * characters of its alphabet (libb64 alone skips the others silently). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
only(const uint8_t *s, size_t n, const char *extra)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		        (s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '=' ||
		        strchr(extra, s[i]) != NULL) ||
		    s[i] == '\0')
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *out = NULL;
	size_t n = 0;
	char *enc;

	if (tick_b64_decode((const char *)data, size, &out, &n) == TICK_OK) {
		if (!only(data, size, "+/") || n > size)
			__builtin_trap();
		free(out);
	}
	out = NULL;
	if (tick_b64url_decode((const char *)data, size, &out, &n) == TICK_OK) {
		if (!only(data, size, "-_") || n > size)
			__builtin_trap();
		free(out);
	}
	if ((enc = tick_b64url_encode(data, size)) == NULL)
		return 0;
	out = NULL;
	if (!only((const uint8_t *)enc, strlen(enc), "-_") ||
	    strchr(enc, '=') != NULL ||
	    tick_b64url_decode(enc, strlen(enc), &out, &n) != TICK_OK ||
	    n != size || (size > 0 && memcmp(out, data, size) != 0))
		__builtin_trap();
	free(out);
	free(enc);
	return 0;
}
