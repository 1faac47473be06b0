#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "crypto.h"

int
tick_crypto_hmac_sha256(const void *key, size_t keylen, const void *msg,
    size_t msglen, unsigned char out[TICK_SHA256_LEN])
{
	unsigned int outlen = 0;

	if (keylen > 0x7fffffff)
		return -1;
	if (HMAC(EVP_sha256(), key, (int)keylen, msg, msglen, out, &outlen) ==
	        NULL ||
	    outlen != TICK_SHA256_LEN)
		return -1;
	return 0;
}

int
tick_crypto_equal(const void *a, size_t alen, const void *b, size_t blen)
{
	unsigned char da[TICK_SHA256_LEN], db[TICK_SHA256_LEN];
	unsigned int n = 0;

	if (!EVP_Digest(a, alen, da, &n, EVP_sha256(), NULL) ||
	    !EVP_Digest(b, blen, db, &n, EVP_sha256(), NULL))
		return 0;
	/* Equal digests of different lengths are not a worry at SHA-256's size. */
	return CRYPTO_memcmp(da, db, sizeof(da)) == 0 && alen == blen;
}

void
tick_crypto_hex(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

int
tick_crypto_hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
tick_crypto_unhex(const char *in, size_t inlen, unsigned char *out,
    size_t outlen)
{
	if (inlen != 2 * outlen)
		return -1;
	for (size_t i = 0; i < outlen; i++) {
		int hi = tick_crypto_hexdigit(in[2 * i]),
		    lo = tick_crypto_hexdigit(in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int
tick_crypto_random(void *buf, size_t len)
{
	if (len > 0x7fffffff)
		return -1;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

int
tick_crypto_sha256(const void *msg, size_t len,
    unsigned char out[TICK_SHA256_LEN])
{
	unsigned int n = 0;

	return EVP_Digest(msg, len, out, &n, EVP_sha256(), NULL) == 1 &&
	        n == TICK_SHA256_LEN ?
	    0 :
	    -1;
}
