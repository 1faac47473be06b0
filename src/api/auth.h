/*
 * tick: passwords, sessions and the sign-in routes. A session is an HS256
 * JWT, sent as a bearer token or in the panel's HttpOnly cookie; requests
 * that change state by cookie also carry the CSRF token.
 */
#ifndef TICK_AUTH_H
#define TICK_AUTH_H

#include <stddef.h>

#include "err.h"
#include "roles.h"

struct tick_config;
struct tick_req;

#define TICK_PASSWORD_MIN 10       /* bytes */
#define TICK_PASSWORD_MAX 128      /* bytes */
#define TICK_PASSWORD_GENERATED 20 /* characters of a generated password */
#define TICK_HASH_MAX 256

/* Session cookie, CSRF cookie and header names. */
#define TICK_COOKIE_SESSION "tick_session"
#define TICK_COOKIE_CSRF "tick_csrf"
#define TICK_HEADER_CSRF "HTTP_X_CSRF_TOKEN"

/* TICK_OK when pw is an acceptable new password (10..128 bytes of UTF-8). */
enum tick_err tick_auth_valid_password(const char *pw);

/*
 * Hashes pw with the configured scheme: bcrypt ($2b$, BCRYPT_COST) or
 * yescrypt ($y$), with a fresh random salt, into out.
 */
enum tick_err tick_auth_hash_password(const struct tick_config *cfg,
    const char *pw, char *out, size_t outsz);

/* True when pw matches hash; any scheme crypt_r knows ($2y$ from PHP too).
 * Compares in constant time. */
int tick_auth_check_password(const char *pw, const char *hash);

/* True when hash uses another scheme or a lower cost than configured. */
int tick_auth_needs_rehash(const struct tick_config *cfg, const char *hash);

/* Writes a random password of TICK_PASSWORD_GENERATED characters. */
enum tick_err tick_auth_generate_password(char *out, size_t outsz);

/*
 * Authenticates req for perm: a bearer token or the session cookie, a valid
 * JWT, an active user with that token version and the token not revoked,
 * the CSRF token on cookie requests that change state, and a role that
 * allows perm. TICK_OK with req->user filled; otherwise the answer (401,
 * 403 or 503) is already in req.
 */
enum tick_err tick_auth_request(struct tick_req *req, enum tick_perm perm);

/* POST /api/auth/login, /logout, /password; GET /api/auth/me. */
void tick_auth_login(struct tick_req *req);
void tick_auth_logout(struct tick_req *req);
void tick_auth_me(struct tick_req *req);
void tick_auth_password(struct tick_req *req);

#endif
