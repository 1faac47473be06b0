/*
 * tick: sessions. A session is an HS256 JWT, sent as a bearer token or in
 * the panel's HttpOnly cookie; requests that change state by cookie also
 * carry the CSRF token (double submit: a cookie and a header, both the HMAC
 * of the token's id, so nothing is stored). The serve loop asks
 * tick_session_request before a handler runs; the sign-in handlers start
 * and end sessions here.
 */
#ifndef TICK_SESSION_H
#define TICK_SESSION_H

#include <jansson.h>

#include "err.h"
#include "roles.h"
#include "tickets.h"

struct tick_req;

/* Session cookie, CSRF cookie and header names. */
#define TICK_COOKIE_SESSION "tick_session"
#define TICK_COOKIE_CSRF "tick_csrf"
#define TICK_HEADER_CSRF "HTTP_X_CSRF_TOKEN"

/*
 * Authenticates req for perm: a bearer token or the session cookie, a valid
 * JWT, an active user with that token version and the token not revoked,
 * the CSRF token on cookie requests that change state, and a role that
 * allows perm. TICK_OK with req->user filled; otherwise the answer (401,
 * 403 or 503) is already in req.
 */
enum tick_err tick_session_request(struct tick_req *req, enum tick_perm perm);

/* Whether req's principal may use perm: its role allows it and, for an
 * API token, the token's scopes name it. */
int tick_session_may(const struct tick_req *req, enum tick_perm perm);

/* Parses a comma-separated list of permission names into a mask of
 * (1 << perm). 0, or -1 on an unknown name. No I/O. */
int tick_session_scopes(const char *csv, unsigned *mask);

/* Whose tickets req may see: its user's scope (tick_role_sites_only). */
struct tick_scope tick_session_scope(const struct tick_req *req);

/*
 * Starts a session of user id (role, token version): signs a new JWT, sets
 * the session and CSRF cookies on req and adds "token", "csrf_token" and
 * "expires_at" to data (borrowed; the caller keeps it). TICK_ESYS when no
 * random bytes come, TICK_ENOMEM; nothing is answered in req.
 */
enum tick_err tick_session_start(struct tick_req *req, long long id,
    enum tick_role role, long long version, json_t *data);

/*
 * Ends the session req was authenticated with: revokes its token (until it
 * would have expired) and clears both cookies. On an error (TICK_EDB)
 * nothing is cleared and nothing is answered in req.
 */
enum tick_err tick_session_end(struct tick_req *req);

#endif
