/* libFuzzer: what the sites' QR codes read from outside (Meta's QR code API
 * and number answers, If-None-Match headers) and the wa.me link of any
 * text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "qr.h"
#include "valid.h"
#include "wa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The link decodes back to the text it was made of, and holds only what
 * a URL may. */
static void
check_link(const char *text)
{
	static char out[3 * 4096 + 64], back[4096 + 1];
	const char *p;
	size_t o = 0;

	if (tick_qr_wa_link("15550001111", text, out, sizeof(out)) != TICK_OK)
		return;
	if (strncmp(out, "https://wa.me/15550001111", 25) != 0)
		__builtin_trap();
	if (out[25] == '\0') {
		if (*text != '\0')
			__builtin_trap();
		return;
	}
	if (strncmp(out + 25, "?text=", 6) != 0)
		__builtin_trap();
	for (p = out + 31; *p != '\0'; p++) {
		if (*p == '%') {
			int hi = tick_crypto_hexdigit(p[1]),
			    lo = hi < 0 ? -1 : tick_crypto_hexdigit(p[2]);

			if (lo < 0 || o >= sizeof(back) - 1)
				__builtin_trap();
			back[o++] = (char)(hi * 16 + lo);
			p += 2;
		} else if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                  "0123456789-._~",
		               *p) == NULL ||
		    o >= sizeof(back) - 1)
			__builtin_trap();
		else
			back[o++] = *p;
	}
	back[o] = '\0';
	if (strcmp(back, text) != 0)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char etag[] = "\"0123456789abcdef0123456789abcdef\"";
	struct tick_wa_result r;
	struct tick_wa_qr qr;
	char digits[16], *s;

	/* A code Meta gave is letters and digits, its link https. */
	if (tick_wa_parse_qr_response(200, (const char *)data, size, &qr, &r) ==
	    TICK_OK) {
		if (qr.code[0] == '\0' ||
		    strspn(qr.code,
		        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
		        "tuvwxyz0123456789") != strlen(qr.code) ||
		    strncmp(qr.deep_link, "https://", 8) != 0)
			__builtin_trap();
	}
	if (tick_wa_parse_qr_response(400, (const char *)data, size, &qr, &r) ==
	    TICK_OK)
		__builtin_trap();
	/* A number is 8 to 15 digits. */
	if (tick_wa_parse_display_number(200, (const char *)data, size, digits,
	        &r) == TICK_OK &&
	    (strlen(digits) < 8 ||
	        !tick_valid_digits(digits, strlen(digits), 15)))
		__builtin_trap();

	if (size > 4096 || (s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	/* A header matches only when it names the tag or says "*". */
	if (tick_qr_etag_matches(s, etag) && strstr(s, etag) == NULL &&
	    strchr(s, '*') == NULL)
		__builtin_trap();
	if (tick_valid_utf8(s, size))
		check_link(s);
	free(s);
	return 0;
}
