/* tick: small wrappers over OpenSSL's libcrypto. No I/O. */
#ifndef TICK_CRYPTO_H
#define TICK_CRYPTO_H

#include <stddef.h>

#define TICK_SHA256_LEN 32

/* HMAC-SHA256 of msg keyed with key into out (32 bytes). Returns 0 or -1. */
int tick_crypto_hmac_sha256(const void *key, size_t keylen, const void *msg,
    size_t msglen, unsigned char out[TICK_SHA256_LEN]);

/* SHA-256 of msg into out (32 bytes). Returns 0 or -1. */
int tick_crypto_sha256(const void *msg, size_t len,
    unsigned char out[TICK_SHA256_LEN]);

/*
 * Compares two secrets in time that depends on neither content nor
 * length (both are hashed first). True when equal.
 */
int tick_crypto_equal(const void *a, size_t alen, const void *b, size_t blen);

/* Writes 2*len lowercase hex characters and a NUL into out. */
void tick_crypto_hex(const unsigned char *in, size_t len, char *out);

/*
 * Decodes exactly 2*outlen hex characters (either case) from in.
 * Returns 0, or -1 on a bad character or length.
 */
int tick_crypto_unhex(const char *in, size_t inlen, unsigned char *out,
    size_t outlen);

/* The value of one hex digit (either case), or -1. */
int tick_crypto_hexdigit(char c);

/* Fills buf with cryptographically strong random bytes. Returns 0 or -1. */
int tick_crypto_random(void *buf, size_t len);

#endif
