#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "b64.h"
#include "crypto.h"
#include "json.h"
#include "jwt.h"
#include "valid.h"

/* Clock skew allowed on iat, seconds. */
#define SKEW 60

char *
tick_jwt_sign(const char *secret, const struct tick_jwt_claims *c)
{
	static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	unsigned char mac[TICK_SHA256_LEN];
	char *h = NULL, *p = NULL, *s = NULL, *body = NULL, *out = NULL;
	char sub[24];
	json_t *claims;
	size_t n;

	snprintf(sub, sizeof(sub), "%lld", c->sub);
	claims = json_pack("{s:s, s:s, s:I, s:I, s:I, s:s}", "sub", sub, "role",
	    c->role, "iat", (json_int_t)c->iat, "exp", (json_int_t)c->exp,
	    "ver", (json_int_t)c->ver, "jti", c->jti);
	if (claims == NULL || (body = json_dumps(claims, JSON_COMPACT)) == NULL)
		goto out;
	if ((h = tick_b64url_encode(header, sizeof(header) - 1)) == NULL ||
	    (p = tick_b64url_encode(body, strlen(body))) == NULL)
		goto out;
	n = strlen(h) + strlen(p) + 2 + 44;
	if ((out = malloc(n)) == NULL)
		goto out;
	snprintf(out, n, "%s.%s", h, p);
	if (tick_crypto_hmac_sha256(secret, strlen(secret), out, strlen(out),
	        mac) != 0 ||
	    (s = tick_b64url_encode(mac, sizeof(mac))) == NULL) {
		free(out);
		out = NULL;
		goto out;
	}
	strcat(out, ".");
	strcat(out, s);
out:
	json_decref(claims);
	free(body);
	free(h);
	free(p);
	free(s);
	return out;
}

static int
int_claim(const json_t *o, const char *key, long long *v)
{
	json_t *x = json_object_get(o, key);

	if (!json_is_integer(x))
		return -1;
	*v = json_integer_value(x);
	return 0;
}

enum tick_err
tick_jwt_verify(const char *secret, const char *token, size_t len, time_t now,
    struct tick_jwt_claims *out)
{
	unsigned char mac[TICK_SHA256_LEN], *hdr = NULL, *pl = NULL,
	                                    *sig = NULL;
	size_t hlen, plen, slen;
	const char *d1, *d2, *s;
	enum tick_err rc = TICK_EUNAUTH;
	json_t *h = NULL, *p = NULL;
	json_error_t je;
	long long sub;

	memset(out, 0, sizeof(*out));
	if (secret == NULL || token == NULL || len == 0 || len > TICK_JWT_MAX ||
	    memchr(token, '\0', len) != NULL)
		return TICK_EUNAUTH;
	if ((d1 = memchr(token, '.', len)) == NULL ||
	    (d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token))) ==
	        NULL ||
	    memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token)) != NULL)
		return TICK_EUNAUTH;
	if (tick_b64url_decode(token, (size_t)(d1 - token), &hdr, &hlen) !=
	        TICK_OK ||
	    tick_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &pl, &plen) !=
	        TICK_OK ||
	    tick_b64url_decode(d2 + 1, len - (size_t)(d2 + 1 - token), &sig,
	        &slen) != TICK_OK)
		goto out;
	/* The algorithm is fixed here, never taken from the token. */
	if ((h = json_loadb((char *)hdr, hlen, JSON_REJECT_DUPLICATES, &je)) ==
	        NULL ||
	    !json_is_object(h) || (s = tick_json_str(h, "alg")) == NULL ||
	    strcmp(s, "HS256") != 0)
		goto out;
	if (slen != sizeof(mac) ||
	    tick_crypto_hmac_sha256(secret, strlen(secret), token,
	        (size_t)(d2 - token), mac) != 0 ||
	    !tick_crypto_equal(mac, sizeof(mac), sig, slen))
		goto out;
	if ((p = json_loadb((char *)pl, plen, JSON_REJECT_DUPLICATES, &je)) ==
	        NULL ||
	    !json_is_object(p))
		goto out;
	if ((s = tick_json_str(p, "sub")) == NULL ||
	    tick_valid_num(s, strlen(s), 1, 1LL << 53, &sub) != TICK_OK)
		goto out;
	out->sub = sub;
	if (int_claim(p, "iat", &out->iat) != 0 ||
	    int_claim(p, "exp", &out->exp) != 0 ||
	    int_claim(p, "ver", &out->ver) != 0)
		goto out;
	if (out->exp <= (long long)now || out->iat > (long long)now + SKEW)
		goto out;
	if ((s = tick_json_str(p, "role")) == NULL ||
	    strlen(s) >= sizeof(out->role))
		goto out;
	memcpy(out->role, s, strlen(s) + 1);
	if ((s = tick_json_str(p, "jti")) == NULL || strlen(s) != 32)
		goto out;
	for (const char *c = s; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			goto out;
	memcpy(out->jti, s, 33);
	rc = TICK_OK;
out:
	if (rc != TICK_OK)
		memset(out, 0, sizeof(*out));
	json_decref(h);
	json_decref(p);
	free(hdr);
	free(pl);
	free(sig);
	return rc;
}
