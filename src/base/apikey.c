#include <string.h>

#include "apikey.h"
#include "crypto.h"

int
tick_apikey_new(char out[TICK_APIKEY_LEN + 1],
    char selector[TICK_APIKEY_SELECTOR + 1])
{
	unsigned char rnd[(TICK_APIKEY_SELECTOR + TICK_APIKEY_SECRET) / 2];
	char hex[sizeof(rnd) * 2 + 1];

	if (tick_crypto_random(rnd, sizeof(rnd)) != 0)
		return -1;
	tick_crypto_hex(rnd, sizeof(rnd), hex);
	memcpy(out, TICK_APIKEY_PREFIX, 5);
	memcpy(out + 5, hex, TICK_APIKEY_SELECTOR);
	out[5 + TICK_APIKEY_SELECTOR] = '_';
	memcpy(out + 6 + TICK_APIKEY_SELECTOR, hex + TICK_APIKEY_SELECTOR,
	    TICK_APIKEY_SECRET);
	out[TICK_APIKEY_LEN] = '\0';
	memcpy(selector, hex, TICK_APIKEY_SELECTOR);
	selector[TICK_APIKEY_SELECTOR] = '\0';
	return 0;
}

int
tick_apikey_is(const char *s, size_t len)
{
	return len >= 5 && memcmp(s, TICK_APIKEY_PREFIX, 5) == 0;
}

/* Lowercase hex only: a token is printed that way, and one spelling
 * means one hash. */
static int
lowhex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		        (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int
tick_apikey_parse(const char *s, size_t len,
    char selector[TICK_APIKEY_SELECTOR + 1])
{
	if (len != TICK_APIKEY_LEN || !tick_apikey_is(s, len) ||
	    s[5 + TICK_APIKEY_SELECTOR] != '_' ||
	    !lowhex(s + 5, TICK_APIKEY_SELECTOR) ||
	    !lowhex(s + 6 + TICK_APIKEY_SELECTOR, TICK_APIKEY_SECRET))
		return -1;
	memcpy(selector, s + 5, TICK_APIKEY_SELECTOR);
	selector[TICK_APIKEY_SELECTOR] = '\0';
	return 0;
}

int
tick_apikey_hash(const char *s, size_t len, char hex[65])
{
	unsigned char d[TICK_SHA256_LEN];

	if (tick_crypto_sha256(s, len, d) != 0)
		return -1;
	tick_crypto_hex(d, sizeof(d), hex);
	return 0;
}
