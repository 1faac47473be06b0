#include <string.h>

#include "cu.h"
#include "valid.h"

static void
test_num(void)
{
	long long v = -1;

	CU_ASSERT_EQUAL(tick_valid_num("42", 2, 0, 100, &v), TICK_OK);
	CU_ASSERT_EQUAL(v, 42);
	CU_ASSERT_EQUAL(tick_valid_num("", 0, 0, 100, &v), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_num("101", 3, 0, 100, &v), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_num("-1", 2, 0, 100, &v), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_num("-5", 2, -10, 10, &v), TICK_OK);
	CU_ASSERT_EQUAL(v, -5);
	CU_ASSERT_EQUAL(tick_valid_num("1 ", 2, 0, 100, &v), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_num(" 1", 2, 0, 100, &v), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_num("+1", 2, 0, 100, &v), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_num("-", 1, -10, 100, &v), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_num("1\0002", 3, 0, 1000, &v), TICK_EINVAL);
	/* Overflow at and past the edges of long long. */
	CU_ASSERT_EQUAL(tick_valid_num("9223372036854775807", 19, 0,
	                    9223372036854775807LL, &v),
	    TICK_OK);
	CU_ASSERT_EQUAL(v, 9223372036854775807LL);
	CU_ASSERT_EQUAL(tick_valid_num("9223372036854775808", 19, 0,
	                    9223372036854775807LL, &v),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_num("-9223372036854775808", 20,
	                    -9223372036854775807LL - 1, 0, &v),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_valid_num("99999999999999999999", 20, 0,
	                    9223372036854775807LL, &v),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_num("123456789012345678901", 21, 0,
	                    9223372036854775807LL, &v),
	    TICK_EINVAL);
}

static void
test_utf8(void)
{
	CU_ASSERT_TRUE(tick_valid_utf8("", 0));
	CU_ASSERT_TRUE(tick_valid_utf8("hola", 4));
	CU_ASSERT_TRUE(tick_valid_utf8("\xc3\xb1", 2));
	CU_ASSERT_TRUE(tick_valid_utf8("\xf0\x9f\x98\x80", 4));
	CU_ASSERT_FALSE(tick_valid_utf8("a\0b", 3));
	CU_ASSERT_FALSE(tick_valid_utf8("\xc3", 1));         /* cut short */
	CU_ASSERT_FALSE(tick_valid_utf8("\xc0\xaf", 2));     /* overlong */
	CU_ASSERT_FALSE(tick_valid_utf8("\xed\xa0\x80", 3)); /* surrogate */
	CU_ASSERT_FALSE(
	    tick_valid_utf8("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	CU_ASSERT_FALSE(tick_valid_utf8("\xff", 1));
}

static void
test_cut(void)
{
	char out[16];

	CU_ASSERT_EQUAL(tick_valid_utf8_cut("abcdef", 6, 3, out, sizeof(out)),
	    3);
	CU_STR_EQ(out, "abc");
	/* Never splits a character: 2 characters of "ñññ" are 4 bytes. */
	CU_ASSERT_EQUAL(tick_valid_utf8_cut("\xc3\xb1\xc3\xb1\xc3\xb1", 6, 2,
	                    out, sizeof(out)),
	    4);
	CU_ASSERT_EQUAL(tick_valid_utf8_cut("\xc3\xb1\xc3\xb1", 4, 9, out, 4),
	    2);
	CU_STR_EQ(out, "\xc3\xb1");
	CU_ASSERT_EQUAL(tick_valid_utf8_cut("ab", 2, 9, out, 1), 0);
	CU_STR_EQ(out, "");
}

static void
test_digits(void)
{
	CU_ASSERT_TRUE(tick_valid_digits("5215512345678", 13, 15));
	CU_ASSERT_FALSE(tick_valid_digits("", 0, 15));
	CU_ASSERT_FALSE(tick_valid_digits("+52", 3, 15));
	CU_ASSERT_FALSE(tick_valid_digits("1234567890123456", 16, 15));
}

static void
test_outbound_url(void)
{
	CU_ASSERT_EQUAL(tick_valid_outbound_url(
	                    "https://graph.facebook.com/v25.0"),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_valid_outbound_url("http://127.0.0.1:9000/v25.0"),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_valid_outbound_url("http://localhost:9000"),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_valid_outbound_url("http://[::1]:9000/"), TICK_OK);
	CU_ASSERT_EQUAL(tick_valid_outbound_url(
	                    "http://graph.facebook.com/v25.0"),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_outbound_url(
	                    "http://127.0.0.1.evil.example/"),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_outbound_url("http://10.0.0.1/"),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_outbound_url("ftp://127.0.0.1/"),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_outbound_url("not a url"), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_outbound_url(NULL), TICK_EINVAL);
	CU_ASSERT_TRUE(tick_valid_loopback_host("127.1.2.3"));
	CU_ASSERT_FALSE(tick_valid_loopback_host("127.1.2"));
	CU_ASSERT_FALSE(tick_valid_loopback_host("127.0.0.256"));
	CU_ASSERT_FALSE(tick_valid_loopback_host("127.0.0.1."));
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "bounded numbers", test_num },
		{ "utf-8", test_utf8 },
		{ "utf-8 cut", test_cut },
		{ "digits", test_digits },
		{ "outbound urls", test_outbound_url },
		{ NULL, NULL },
	};
	return cu_run("valid", tests);
}
