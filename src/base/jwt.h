/*
 * tick: JSON Web Tokens, HS256 only. No I/O, no globals: the caller passes
 * the secret and the time.
 */
#ifndef TICK_JWT_H
#define TICK_JWT_H

#include <stddef.h>
#include <time.h>

#include "err.h"

#define TICK_JWT_MAX 4096

struct tick_jwt_claims {
	long long sub; /* user id */
	char role[32];
	long long iat;
	long long exp;
	long long ver; /* the user's token version when issued */
	char jti[33];  /* 32 hex characters */
};

/* Signs claims with secret. Returns a new string (free with free()). */
char *tick_jwt_sign(const char *secret, const struct tick_jwt_claims *c);

/*
 * Verifies token[0..len) against secret at time now: three parts,
 * header {"alg":"HS256"} exactly (none and every other algorithm refused),
 * signature compared in constant time, exp in the future, every claim
 * present and of the right type. TICK_OK with *out filled, else
 * TICK_EUNAUTH.
 */
enum tick_err tick_jwt_verify(const char *secret, const char *token, size_t len,
    time_t now, struct tick_jwt_claims *out);

#endif
