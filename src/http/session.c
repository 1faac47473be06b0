#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "apikey.h"
#include "app.h"
#include "config.h"
#include "crypto.h"
#include "http.h"
#include "jwt.h"
#include "session.h"
#include "tokens.h"
#include "user.h"

/* The user's row and the principal hold the same strings. */
_Static_assert(sizeof(((struct tick_user *)0)->email) ==
        sizeof(((struct tick_principal *)0)->email),
    "email buffers differ");
_Static_assert(sizeof(((struct tick_user *)0)->name) ==
        sizeof(((struct tick_principal *)0)->name),
    "name buffers differ");

/* The CSRF token of a session: HMAC of its id, so nothing is stored. */
static void
csrf_of(const char *secret, const char *jti, char out[65])
{
	unsigned char mac[TICK_SHA256_LEN];

	if (tick_crypto_hmac_sha256(secret, strlen(secret), jti, strlen(jti),
	        mac) != 0)
		memset(mac, 0, sizeof(mac));
	tick_crypto_hex(mac, sizeof(mac), out);
}

/* Refuses an API token with 401 and code (the reason stays vague for
 * anything an attacker could probe). */
static enum tick_err
token_refused(struct tick_req *req, const char *code, const char *message)
{
	tick_http_fail(req, 401, TICK_EUNAUTH, code, message, NULL);
	return TICK_EUNAUTH;
}

/*
 * A request with "Authorization: Bearer tick_...": the token found by its
 * selector, its hash compared in constant time, alive, its owner active,
 * within its rate, and its scopes and its owner's role allowing perm. No
 * cookie, so no CSRF token either.
 */
static enum tick_err
api_token_request(struct tick_req *req, enum tick_perm perm, const char *tok)
{
	long long rate = tick_config_num(&req->app->cfg,
	    TICK_CFG_TOKEN_RATE_PER_MINUTE);
	char selector[TICK_APIKEY_SELECTOR + 1], hash[65];
	struct tick_token t;
	long long used = 0;
	enum tick_err rc;
	unsigned mask = 0;

	if (tick_apikey_parse(tok, strlen(tok), selector) != 0 ||
	    tick_apikey_hash(tok, strlen(tok), hash) != 0)
		return token_refused(req, "invalid_token",
		    "the API token is invalid");
	rc = tick_tokens_find(req->app->db, selector, &t);
	if (rc != TICK_OK && rc != TICK_ENOTFOUND) {
		tick_http_fail(req, 503, rc, NULL,
		    "the database is unreachable", NULL);
		return rc;
	}
	/* Compared even when no row was found, on a hash of zeros. */
	if (!tick_crypto_equal(hash, 64, t.hash, strlen(t.hash)) ||
	    rc == TICK_ENOTFOUND)
		return token_refused(req, "invalid_token",
		    "the API token is invalid");
	if (t.revoked)
		return token_refused(req, "token_revoked",
		    "the API token was revoked");
	if (t.expired)
		return token_refused(req, "token_expired",
		    "the API token has expired");
	if (!t.owner.active || tick_session_scopes(t.scopes, &mask) != 0)
		return token_refused(req, "session_ended",
		    "the API token's user is no longer active");
	if ((rc = tick_tokens_use(req->app->db, t.id, &used)) != TICK_OK) {
		tick_http_fail(req, 503, rc, NULL,
		    "the database is unreachable", NULL);
		return rc;
	}
	if (used > rate) {
		char after[16];

		snprintf(after, sizeof(after), "%d",
		    60 - (int)(time(NULL) % 60));
		tick_http_header(req, "Retry-After", after);
		tick_http_fail(req, 429, TICK_EBUSY, "rate_limited",
		    "this API token made too many requests this minute",
		    json_pack("{s:I}", "limit_per_minute", (json_int_t)rate));
		return TICK_EBUSY;
	}
	req->user.id = t.owner.id;
	req->user.role = t.owner.role;
	memcpy(req->user.email, t.owner.email, sizeof(req->user.email));
	memcpy(req->user.name, t.owner.name, sizeof(req->user.name));
	req->user.sites_only = tick_role_sites_only(t.owner.role,
	    t.owner.has_sites);
	req->user.token_id = t.id;
	req->user.scopes = mask;
	if (!tick_session_may(req, perm)) {
		tick_http_fail(req, 403, TICK_EFORBIDDEN,
		    tick_role_allows(req->user.role, perm) ?
		        "insufficient_scope" :
		        "forbidden",
		    tick_role_allows(req->user.role, perm) ?
		        "the API token's scopes do not allow this" :
		        "your role may not do this",
		    NULL);
		return TICK_EFORBIDDEN;
	}
	return TICK_OK;
}

enum tick_err
tick_session_request(struct tick_req *req, enum tick_perm perm)
{
	const char *secret = tick_config_get(&req->app->cfg,
	    TICK_CFG_JWT_SECRET);
	const char *authz = tick_http_param(req, "HTTP_AUTHORIZATION");
	const char *cookies = tick_http_param(req, "HTTP_COOKIE");
	char cookie[TICK_JWT_MAX + 1];
	const char *token = NULL;
	struct tick_jwt_claims c;
	struct tick_user u;
	enum tick_err rc;
	int via_cookie = 0;

	memset(&req->user, 0, sizeof(req->user));
	if (authz != NULL && strncasecmp(authz, "Bearer ", 7) == 0)
		token = authz + 7;
	if (token != NULL && tick_apikey_is(token, strlen(token)))
		return api_token_request(req, perm, token);
	else if (cookies != NULL &&
	    tick_http_cookie_get(cookies, TICK_COOKIE_SESSION, cookie,
	        sizeof(cookie)) == TICK_OK &&
	    cookie[0] != '\0') {
		token = cookie;
		via_cookie = 1;
	}
	if (token == NULL) {
		tick_http_fail(req, 401, TICK_EUNAUTH,
		    "authentication_required", "sign in first", NULL);
		return TICK_EUNAUTH;
	}
	if (secret == NULL ||
	    tick_jwt_verify(secret, token, strlen(token), time(NULL), &c) !=
	        TICK_OK) {
		tick_http_fail(req, 401, TICK_EUNAUTH, "invalid_token",
		    "the session is invalid or has expired; sign in again",
		    NULL);
		return TICK_EUNAUTH;
	}
	rc = tick_user_session(req->app->db, c.sub, c.ver, c.jti, &u);
	if (rc == TICK_EUNAUTH) {
		tick_http_fail(req, 401, rc, "session_ended",
		    "the session has ended; sign in again", NULL);
		return rc;
	}
	if (rc != TICK_OK) {
		tick_http_fail(req, 503, rc, NULL,
		    "the database is unreachable", NULL);
		return rc;
	}
	req->user.id = u.id;
	req->user.role = u.role;
	memcpy(req->user.email, u.email, sizeof(req->user.email));
	memcpy(req->user.name, u.name, sizeof(req->user.name));
	memcpy(req->user.jti, c.jti, sizeof(c.jti));
	req->user.exp = c.exp;
	req->user.via_cookie = via_cookie;
	req->user.sites_only = tick_role_sites_only(u.role, u.has_sites);
	/* Double submit: the header must repeat the session's CSRF token. */
	if (via_cookie && strcmp(req->method, "GET") != 0 &&
	    strcmp(req->method, "HEAD") != 0) {
		const char *hdr = tick_http_param(req, TICK_HEADER_CSRF);
		char want[65], cookie_csrf[65];

		csrf_of(secret, c.jti, want);
		if (hdr == NULL ||
		    tick_http_cookie_get(cookies, TICK_COOKIE_CSRF, cookie_csrf,
		        sizeof(cookie_csrf)) != TICK_OK ||
		    !tick_crypto_equal(hdr, strlen(hdr), cookie_csrf,
		        strlen(cookie_csrf)) ||
		    !tick_crypto_equal(hdr, strlen(hdr), want, strlen(want))) {
			tick_http_fail(req, 403, TICK_EFORBIDDEN, "csrf_failed",
			    "the X-CSRF-Token header is missing or wrong",
			    NULL);
			return TICK_EFORBIDDEN;
		}
	}
	if (!tick_role_allows(req->user.role, perm)) {
		tick_http_fail(req, 403, TICK_EFORBIDDEN, "forbidden",
		    "your role may not do this", NULL);
		return TICK_EFORBIDDEN;
	}
	return TICK_OK;
}

int
tick_session_may(const struct tick_req *req, enum tick_perm perm)
{
	return tick_role_allows(req->user.role, perm) &&
	    (req->user.token_id == 0 || perm == TICK_PERM_SIGNED_IN ||
	        (req->user.scopes & (1u << perm)) != 0);
}

int
tick_session_scopes(const char *csv, unsigned *mask)
{
	char buf[TICK_TOKEN_SCOPES_MAX + 1], *p, *save = NULL;
	size_t n = strlen(csv);
	int perm;

	*mask = 0;
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, csv, n + 1);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if ((perm = tick_perm_parse(p)) < 0)
			return -1;
		*mask |= 1u << perm;
	}
	return 0;
}

enum tick_err
tick_session_start(struct tick_req *req, long long id, enum tick_role role,
    long long version, json_t *data)
{
	const struct tick_config *cfg = &req->app->cfg;
	const char *secret = tick_config_get(cfg, TICK_CFG_JWT_SECRET);
	long long ttl = tick_config_num(cfg, TICK_CFG_JWT_EXPIRES_IN);
	unsigned char rnd[16];
	struct tick_jwt_claims c;
	char csrf[65], cookie[TICK_JWT_MAX + 128];
	char *token;

	memset(&c, 0, sizeof(c));
	if (tick_crypto_random(rnd, sizeof(rnd)) != 0)
		return TICK_ESYS;
	tick_crypto_hex(rnd, sizeof(rnd), c.jti);
	c.sub = id;
	c.ver = version;
	c.iat = (long long)time(NULL);
	c.exp = c.iat + ttl;
	snprintf(c.role, sizeof(c.role), "%s", tick_role_name(role));
	if ((token = tick_jwt_sign(secret, &c)) == NULL)
		return TICK_ENOMEM;
	csrf_of(secret, c.jti, csrf);
	snprintf(cookie, sizeof(cookie),
	    "%s=%s; Path=/; Max-Age=%lld; HttpOnly; Secure; SameSite=Strict",
	    TICK_COOKIE_SESSION, token, ttl);
	tick_http_header(req, "Set-Cookie", cookie);
	snprintf(cookie, sizeof(cookie),
	    "%s=%s; Path=/; Max-Age=%lld; Secure; SameSite=Strict",
	    TICK_COOKIE_CSRF, csrf, ttl);
	tick_http_header(req, "Set-Cookie", cookie);
	json_object_set_new(data, "token", json_string(token));
	json_object_set_new(data, "csrf_token", json_string(csrf));
	json_object_set_new(data, "expires_at",
	    json_integer((json_int_t)c.exp));
	free(token);
	return TICK_OK;
}

enum tick_err
tick_session_end(struct tick_req *req)
{
	enum tick_err rc = tick_user_revoke(req->app->db, req->user.jti,
	    req->user.id, req->user.exp);

	if (rc != TICK_OK)
		return rc;
	tick_http_header(req, "Set-Cookie",
	    TICK_COOKIE_SESSION
	    "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
	tick_http_header(req, "Set-Cookie",
	    TICK_COOKIE_CSRF "=; Path=/; Max-Age=0; Secure; SameSite=Strict");
	return TICK_OK;
}

struct tick_scope
tick_session_scope(const struct tick_req *req)
{
	struct tick_scope s = { req->user.id, req->user.sites_only,
		tick_role_teams_only(req->user.role) };

	return s;
}
