#include <string.h>

#include "apikey.h"
#include "cu.h"

/* A new token has the documented shape, parses back to its selector, and
 * two tokens differ. */
static void
test_new_tokens(void)
{
	char a[TICK_APIKEY_LEN + 1], b[TICK_APIKEY_LEN + 1];
	char sa[TICK_APIKEY_SELECTOR + 1], sb[TICK_APIKEY_SELECTOR + 1],
	    back[TICK_APIKEY_SELECTOR + 1];

	CU_ASSERT_EQUAL_FATAL(tick_apikey_new(a, sa), 0);
	CU_ASSERT_EQUAL_FATAL(tick_apikey_new(b, sb), 0);
	CU_ASSERT_EQUAL(strlen(a), 66);
	CU_ASSERT_EQUAL(strncmp(a, "tick_", 5), 0);
	CU_ASSERT_EQUAL(a[17], '_');
	CU_ASSERT_EQUAL(tick_apikey_parse(a, strlen(a), back), 0);
	CU_STR_EQ(back, sa);
	CU_ASSERT_EQUAL(strncmp(a + 5, sa, 12), 0);
	CU_ASSERT_NOT_EQUAL(strcmp(a, b), 0);
	CU_ASSERT_NOT_EQUAL(strcmp(sa, sb), 0);
}

/* Only the exact shape parses: one spelling, one hash. */
static void
test_parse_refuses_other_shapes(void)
{
	char sel[TICK_APIKEY_SELECTOR + 1];
	static const char good[] =
	    "tick_0123456789ab_"
	    "0123456789abcdef0123456789abcdef0123456789abcdef";
	char bad[sizeof(good)];

	CU_ASSERT_EQUAL(tick_apikey_parse(good, strlen(good), sel), 0);
	CU_STR_EQ(sel, "0123456789ab");
	CU_ASSERT_EQUAL(tick_apikey_parse(good, strlen(good) - 1, sel), -1);
	memcpy(bad, good, sizeof(good));
	bad[20] = 'A'; /* upper case */
	CU_ASSERT_EQUAL(tick_apikey_parse(bad, strlen(bad), sel), -1);
	memcpy(bad, good, sizeof(good));
	bad[17] = '-';
	CU_ASSERT_EQUAL(tick_apikey_parse(bad, strlen(bad), sel), -1);
	memcpy(bad, good, sizeof(good));
	bad[6] = 'g';
	CU_ASSERT_EQUAL(tick_apikey_parse(bad, strlen(bad), sel), -1);
	memcpy(bad, good, sizeof(good));
	bad[0] = 'T';
	CU_ASSERT_EQUAL(tick_apikey_parse(bad, strlen(bad), sel), -1);
	CU_ASSERT_FALSE(tick_apikey_is(bad, strlen(bad)));
	CU_ASSERT_EQUAL(tick_apikey_parse("", 0, sel), -1);
	/* A JWT is not a token. */
	CU_ASSERT_FALSE(tick_apikey_is("eyJhbGciOiJIUzI1NiJ9.e30.x", 26));
	CU_ASSERT_TRUE(tick_apikey_is(good, strlen(good)));
}

/* The stored hash: SHA-256 of the whole token, in lower-case hex. */
static void
test_hash(void)
{
	char h[65], h2[65];

	CU_ASSERT_EQUAL_FATAL(tick_apikey_hash("abc", 3, h), 0);
	CU_STR_EQ(h,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CU_ASSERT_EQUAL_FATAL(tick_apikey_hash("abd", 3, h2), 0);
	CU_ASSERT_NOT_EQUAL(strcmp(h, h2), 0);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "new tokens", test_new_tokens },
		{ "parse refuses other shapes",
		    test_parse_refuses_other_shapes },
		{ "hash", test_hash },
		{ NULL, NULL },
	};
	return cu_run("apikey", tests);
}
