#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "crypto.h"
#include "cu.h"
#include "jwt.h"

static const char secret[] = "0123456789abcdef0123456789abcdef";

static struct tick_jwt_claims
claims(void)
{
	struct tick_jwt_claims c;

	memset(&c, 0, sizeof(c));
	c.sub = 42;
	strcpy(c.role, "agent");
	c.iat = 1000000;
	c.exp = 2000000;
	c.ver = 3;
	strcpy(c.jti, "0123456789abcdef0123456789abcdef");
	return c;
}

static void
test_roundtrip(void)
{
	struct tick_jwt_claims c = claims(), out;
	char *t = tick_jwt_sign(secret, &c);

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, t, strlen(t), 1500000, &out),
	    TICK_OK);
	CU_ASSERT_EQUAL(out.sub, 42);
	CU_ASSERT_EQUAL(out.ver, 3);
	CU_ASSERT_EQUAL(out.exp, 2000000);
	CU_STR_EQ(out.role, "agent");
	CU_STR_EQ(out.jti, c.jti);
	/* Expired, and issued in the future. */
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, t, strlen(t), 2000000, &out),
	    TICK_EUNAUTH);
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, t, strlen(t), 999000, &out),
	    TICK_EUNAUTH);
	/* Another secret. */
	CU_ASSERT_EQUAL(tick_jwt_verify("another secret of enough length!!", t,
	                    strlen(t), 1500000, &out),
	    TICK_EUNAUTH);
	CU_ASSERT_EQUAL(tick_jwt_verify(NULL, t, strlen(t), 1500000, &out),
	    TICK_EUNAUTH);
	free(t);
}

/* Builds header.payload.signature from JSON texts, signing with key
 * (NULL: an empty signature). */
static char *
forge(const char *header, const char *payload, const char *key)
{
	char *h = tick_b64url_encode(header, strlen(header));
	char *p = tick_b64url_encode(payload, strlen(payload));
	unsigned char mac[32];
	char *s = NULL, *out = malloc(4096);

	snprintf(out, 4096, "%s.%s", h, p);
	if (key != NULL) {
		tick_crypto_hmac_sha256(key, strlen(key), out, strlen(out),
		    mac);
		s = tick_b64url_encode(mac, sizeof(mac));
	}
	strcat(out, ".");
	strcat(out, s ? s : "");
	free(h);
	free(p);
	free(s);
	return out;
}

static void
test_tampering(void)
{
	static const char good_p[] =
	    "{\"sub\":\"42\",\"role\":\"agent\",\"iat\":1000000,\"exp\":2000000,\"ver\":3,\"jti\":\"0123456789abcdef0123456789abcdef\"}";
	struct tick_jwt_claims c = claims(), out;
	char *t = tick_jwt_sign(secret, &c), *f, *dot;

	/* A forged token signed right is accepted: the forge helper is sound. */
	f = forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", good_p, secret);
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, f, strlen(f), 1500000, &out),
	    TICK_OK);
	free(f);
	/* alg none, with and without a signature. */
	f = forge("{\"alg\":\"none\",\"typ\":\"JWT\"}", good_p, NULL);
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, f, strlen(f), 1500000, &out),
	    TICK_EUNAUTH);
	free(f);
	f = forge("{\"alg\":\"none\"}", good_p, secret);
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, f, strlen(f), 1500000, &out),
	    TICK_EUNAUTH);
	free(f);
	/* Other algorithms, even correctly HMAC'd. */
	f = forge("{\"alg\":\"HS512\"}", good_p, secret);
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, f, strlen(f), 1500000, &out),
	    TICK_EUNAUTH);
	free(f);
	f = forge("{\"alg\":\"RS256\"}", good_p, secret);
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, f, strlen(f), 1500000, &out),
	    TICK_EUNAUTH);
	free(f);
	f = forge("{\"typ\":\"JWT\"}", good_p, secret);
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, f, strlen(f), 1500000, &out),
	    TICK_EUNAUTH);
	free(f);
	/* A payload changed after signing: a bumped role. */
	f = forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
	    "{\"sub\":\"42\",\"role\":\"super_admin\",\"iat\":1000000,\"exp\":2000000,\"ver\":3,\"jti\":\"0123456789abcdef0123456789abcdef\"}",
	    "wrong key");
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, f, strlen(f), 1500000, &out),
	    TICK_EUNAUTH);
	free(f);
	/* Missing or mistyped claims, signed right. */
	f = forge("{\"alg\":\"HS256\"}",
	    "{\"sub\":42,\"role\":\"agent\",\"iat\":1000000,\"exp\":2000000,\"ver\":3,\"jti\":\"0123456789abcdef0123456789abcdef\"}",
	    secret);
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, f, strlen(f), 1500000, &out),
	    TICK_EUNAUTH);
	free(f);
	f = forge("{\"alg\":\"HS256\"}",
	    "{\"sub\":\"42\",\"role\":\"agent\",\"iat\":1000000,\"exp\":\"2000000\",\"ver\":3,\"jti\":\"0123456789abcdef0123456789abcdef\"}",
	    secret);
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, f, strlen(f), 1500000, &out),
	    TICK_EUNAUTH);
	free(f);
	f = forge("{\"alg\":\"HS256\"}",
	    "{\"sub\":\"42\",\"role\":\"agent\",\"iat\":1000000,\"exp\":2000000,\"jti\":\"0123456789abcdef0123456789abcdef\"}",
	    secret);
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, f, strlen(f), 1500000, &out),
	    TICK_EUNAUTH);
	free(f);
	f = forge("{\"alg\":\"HS256\"}", "[1,2]", secret);
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, f, strlen(f), 1500000, &out),
	    TICK_EUNAUTH);
	free(f);

	/* One flipped character in each part. */
	for (int part = 0; part < 3; part++) {
		char *copy = strdup(t), *q = copy;

		for (int i = 0; i < part; i++)
			q = strchr(q, '.') + 1;
		*q = *q == 'A' ? 'B' : 'A';
		CU_ASSERT_EQUAL(tick_jwt_verify(secret, copy, strlen(copy),
		                    1500000, &out),
		    TICK_EUNAUTH);
		free(copy);
	}
	/* Shapes: too few or too many parts, empty, bad characters, NUL. */
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, "", 0, 1500000, &out),
	    TICK_EUNAUTH);
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, "a.b", 3, 1500000, &out),
	    TICK_EUNAUTH);
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, "a.b.c.d", 7, 1500000, &out),
	    TICK_EUNAUTH);
	dot = strdup(t);
	dot[5] = '+';
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, dot, strlen(dot), 1500000,
	                    &out),
	    TICK_EUNAUTH);
	CU_ASSERT_EQUAL(tick_jwt_verify(secret, t, strlen(t) - 1, 1500000,
	                    &out),
	    TICK_EUNAUTH);
	free(dot);
	free(t);
}

static void
test_b64url(void)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "" },
		{ "f", "Zg" },
		{ "fo", "Zm8" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg" },
		{ "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" },
		{ "\xfb\xff\xbf", "-_-_" },
	};
	unsigned char *d;
	size_t n;
	char big[300], *e;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		e = tick_b64url_encode(v[i].in, strlen(v[i].in));
		CU_STR_EQ(e, v[i].out);
		CU_ASSERT_EQUAL(tick_b64url_decode(e, strlen(e), &d, &n),
		    TICK_OK);
		CU_ASSERT_EQUAL(n, strlen(v[i].in));
		CU_ASSERT_EQUAL(memcmp(d, v[i].in, n), 0);
		free(d);
		free(e);
	}
	/* libb64 breaks lines every 72 characters: none may remain. */
	memset(big, 'x', sizeof(big));
	e = tick_b64url_encode(big, sizeof(big));
	CU_ASSERT_PTR_NULL(strchr(e, '\n'));
	CU_ASSERT_EQUAL(strlen(e), 400);
	CU_ASSERT_EQUAL(tick_b64url_decode(e, strlen(e), &d, &n), TICK_OK);
	CU_ASSERT_EQUAL(n, sizeof(big));
	free(d);
	free(e);
	/* Padding accepted when right; characters outside the alphabet refused. */
	CU_ASSERT_EQUAL(tick_b64url_decode("Zm8=", 4, &d, &n), TICK_OK);
	free(d);
	CU_ASSERT_EQUAL(tick_b64url_decode("Zm8==", 5, &d, &n), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_b64url_decode("Zm9v!", 5, &d, &n), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_b64url_decode("Zm 9v", 5, &d, &n), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_b64url_decode("Zm9v\n", 5, &d, &n), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_b64url_decode("Z", 1, &d, &n), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_b64url_decode("Zm+v", 4, &d, &n), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_b64_decode("Zm+v", 4, &d, &n), TICK_OK);
	free(d);
	CU_ASSERT_EQUAL(tick_b64_decode("Zm-v", 4, &d, &n), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_b64_decode("Zg==", 4, &d, &n), TICK_OK);
	CU_ASSERT_EQUAL(n, 1);
	free(d);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "sign and verify", test_roundtrip },
		{ "tampering and alg none", test_tampering },
		{ "base64url edges", test_b64url },
		{ NULL, NULL },
	};
	return cu_run("jwt", tests);
}
