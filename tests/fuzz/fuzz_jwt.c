/* libFuzzer: session tokens. Property: verify accepts a token only when its
 * signature is the HMAC-SHA256, under this secret, of its first two parts
 * (computed here apart from tick's code), and a token tick signs always
 * verifies with the claims it was given. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "b64.h"
#include "jwt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char secret[] = "fuzz-secret-0123456789abcdef0123456789";

static int
signed_here(const char *tok, size_t len)
{
	const char *dot = memchr(tok, '.', len), *dot2;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char *want;
	int ok;

	if (dot == NULL ||
	    (dot2 = memchr(dot + 1, '.', len - (size_t)(dot + 1 - tok))) ==
	        NULL)
		return 0;
	HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)tok, (size_t)(dot2 - tok), mac, &maclen);
	if ((want = tick_b64url_encode(mac, maclen)) == NULL)
		return 1; /* cannot tell: do not accuse */
	ok = strlen(want) == len - (size_t)(dot2 + 1 - tok) &&
	    memcmp(want, dot2 + 1, strlen(want)) == 0;
	free(want);
	return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tick_jwt_claims c, back;
	char *tok;

	if (tick_jwt_verify(secret, (const char *)data, size, 1700000000, &c) ==
	        TICK_OK &&
	    !signed_here((const char *)data, size))
		__builtin_trap();
	/* Round trip: claims made from the input sign and verify. */
	memset(&c, 0, sizeof(c));
	for (size_t i = 0; i < size && i < 6; i++)
		c.sub = (c.sub << 8) | data[i];
	c.sub = c.sub == 0 ? 1 : c.sub;
	snprintf(c.role, sizeof(c.role), "agent");
	c.iat = 1700000000;
	c.exp = 1700003600;
	c.ver = size;
	memset(c.jti, 'a', 32);
	if ((tok = tick_jwt_sign(secret, &c)) == NULL)
		return 0;
	if (tick_jwt_verify(secret, tok, strlen(tok), 1700000001, &back) !=
	        TICK_OK ||
	    back.sub != c.sub || back.exp != c.exp || back.ver != c.ver ||
	    strcmp(back.role, c.role) != 0 || strcmp(back.jti, c.jti) != 0)
		__builtin_trap();
	/* Any other secret refuses it. */
	if (tick_jwt_verify("another-secret-0123456789abcdef0123456", tok,
	        strlen(tok), 1700000001, &back) == TICK_OK)
		__builtin_trap();
	free(tok);
	return 0;
}
