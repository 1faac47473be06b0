/*
 * tick: passwords. Rules for a new password, hashing with crypt_r (bcrypt
 * or yescrypt), checking in constant time, and generated passwords. No I/O
 * beyond the random bytes; no SQL, no request.
 */
#ifndef TICK_PASSWORDS_H
#define TICK_PASSWORDS_H

#include <stddef.h>

#include "err.h"

struct tick_config;

#define TICK_PASSWORD_MIN 10       /* bytes */
#define TICK_PASSWORD_MAX 128      /* bytes */
#define TICK_PASSWORD_GENERATED 20 /* characters of a generated password */
#define TICK_HASH_MAX 256

/* TICK_OK when pw is an acceptable new password (10..128 bytes of UTF-8);
 * TICK_EINVAL otherwise, NULL included. pw is borrowed. */
enum tick_err tick_password_valid(const char *pw);

/*
 * Hashes pw with the configured scheme: bcrypt ($2b$, BCRYPT_COST) or
 * yescrypt ($y$), with a fresh random salt, into out (the caller's buffer
 * of outsz bytes; TICK_HASH_MAX is enough). TICK_EINVAL when pw is not
 * valid (tick_password_valid), TICK_ENOMEM, or TICK_ESYS when crypt fails
 * or out is too small.
 */
enum tick_err tick_password_hash(const struct tick_config *cfg, const char *pw,
    char *out, size_t outsz);

/* True when pw matches hash; any scheme crypt_r knows ($2y$ from PHP too).
 * Compares in constant time. False for NULL, a hash not starting with '$'
 * or an absurdly long pw. Both borrowed. */
int tick_password_check(const char *pw, const char *hash);

/* True when hash uses another scheme or a lower cost than configured. */
int tick_password_needs_rehash(const struct tick_config *cfg, const char *hash);

/* Writes a random password of TICK_PASSWORD_GENERATED characters and a NUL
 * into out (outsz bytes); TICK_ESYS when out is too small or no random
 * bytes come. */
enum tick_err tick_password_generate(char *out, size_t outsz);

#endif
