#include <string.h>

#include "cu.h"
#include "valid.h"
/* The header's guard covers all of it: a second include compiles. */
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

/* An id field against every wrong shape of value: each is refused and
 * named; a good one passes. */
static void
test_fields_id(void)
{
	static const struct tick_field f[] = {
		{ "user_id", TICK_FIELD_ID, 0, 0, 0, NULL },
	};
	static const struct {
		const char *body;
		int ok;
	} cases[] = {
		{ "{}", 1 },
		{ "{\"user_id\": 7}", 1 },
		{ "{\"user_id\": \"7\"}", 1 },
		{ "{\"user_id\": 4294967295}", 1 },
		{ "{\"user_id\": null}", 0 },
		{ "{\"user_id\": true}", 0 },
		{ "{\"user_id\": false}", 0 },
		{ "{\"user_id\": 1.5}", 0 },
		{ "{\"user_id\": 1e30}", 0 },
		{ "{\"user_id\": 7.0}", 0 },
		{ "{\"user_id\": 9223372036854775807}", 0 },
		{ "{\"user_id\": 4294967296}", 0 },
		{ "{\"user_id\": 0}", 0 },
		{ "{\"user_id\": -3}", 0 },
		{ "{\"user_id\": \"\"}", 0 },
		{ "{\"user_id\": \"abc\"}", 0 },
		{ "{\"user_id\": \"-3\"}", 0 },
		{ "{\"user_id\": \" 3\"}", 0 },
		{ "{\"user_id\": \"4294967296\"}", 0 },
		{ "{\"user_id\": \"99999999999999999999999\"}", 0 },
		{ "{\"user_id\": [1]}", 0 },
		{ "{\"user_id\": {}}", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *body = json_loads(cases[i].body, 0, NULL), *errors;
		enum tick_err rc;

		CU_ASSERT_PTR_NOT_NULL_FATAL(body);
		rc = tick_valid_fields(body, f, 1, &errors);
		if ((rc == TICK_OK) != cases[i].ok)
			printf("\n%s: %s\n", cases[i].body, tick_strerror(rc));
		CU_ASSERT_EQUAL(rc, cases[i].ok ? TICK_OK : TICK_EINVAL);
		if (!cases[i].ok) {
			CU_ASSERT_PTR_NOT_NULL(errors);
			CU_ASSERT_TRUE(
			    json_is_string(json_object_get(errors, "user_id")));
		}
		json_decref(errors);
		json_decref(body);
	}
}

/* null and "" mean "not given" for text (a PUT clears with them), and are
 * "required" when the field is. */
static void
test_fields_null_text(void)
{
	static const struct tick_field f[] = {
		{ "email", TICK_FIELD_EMAIL, 0, 3, 100, NULL },
		{ "name", TICK_FIELD_TEXT, 1, 1, 30, NULL },
	};
	json_t *body = json_loads("{\"email\": null, \"name\": \"A\"}", 0,
	           NULL),
	       *errors;

	CU_ASSERT_EQUAL(tick_valid_fields(body, f, 2, &errors), TICK_OK);
	json_decref(body);
	body = json_loads("{\"email\": \"\", \"name\": null}", 0, NULL);
	CU_ASSERT_EQUAL(tick_valid_fields(body, f, 2, &errors), TICK_EINVAL);
	CU_STR_EQ(json_string_value(json_object_get(errors, "name")),
	    "is required");
	CU_ASSERT_PTR_NULL(json_object_get(errors, "email"));
	json_decref(errors);
	json_decref(body);
}

/* A flag is true or false: "" is a wrong type, not an absent value (the
 * fuzzer found "on": "" accepted). */
static void
test_fields_bool(void)
{
	static const struct tick_field f[] = {
		{ "on", TICK_FIELD_BOOL, 0, 0, 0, NULL },
	};
	static const char *const bad[] = { "{\"on\": \"\"}", "{\"on\": 1}",
		"{\"on\": \"true\"}", NULL };
	json_t *body, *errors;

	for (size_t i = 0; bad[i] != NULL; i++) {
		body = json_loads(bad[i], 0, NULL);
		CU_ASSERT_EQUAL(tick_valid_fields(body, f, 1, &errors),
		    TICK_EINVAL);
		if (errors != NULL)
			CU_ASSERT_TRUE(
			    json_is_string(json_object_get(errors, "on")));
		json_decref(errors);
		json_decref(body);
	}
	body = json_loads("{\"on\": false}", 0, NULL);
	CU_ASSERT_EQUAL(tick_valid_fields(body, f, 1, &errors), TICK_OK);
	json_decref(body);
}

static void
test_email(void)
{
	CU_ASSERT_TRUE(tick_valid_email("ana@example.com", 254));
	CU_ASSERT_TRUE(tick_valid_email("a.b+tag@sub.example.co", 254));
	CU_ASSERT_FALSE(tick_valid_email("ana@localhost", 254));
	CU_ASSERT_FALSE(tick_valid_email("ana", 254));
	CU_ASSERT_FALSE(tick_valid_email("@example.com", 254));
	CU_ASSERT_FALSE(tick_valid_email("ana@@example.com", 254));
	CU_ASSERT_FALSE(tick_valid_email("ana@example..com", 254));
	CU_ASSERT_FALSE(tick_valid_email("ana@.example.com", 254));
	CU_ASSERT_FALSE(tick_valid_email("ana@example.com.", 254));
	CU_ASSERT_FALSE(tick_valid_email("a na@example.com", 254));
	CU_ASSERT_FALSE(tick_valid_email(".ana@example.com", 254));
	CU_ASSERT_FALSE(tick_valid_email("ana@exa_mple.com", 254));
	CU_ASSERT_FALSE(tick_valid_email("ana@example.com", 10));
}

static void
test_phone(void)
{
	char d[16];

	CU_ASSERT_EQUAL(tick_valid_phone("+52 1 55 1234-5678", d), TICK_OK);
	CU_STR_EQ(d, "5215512345678");
	CU_ASSERT_EQUAL(tick_valid_phone("0044 (20) 7946.0958", d), TICK_OK);
	CU_STR_EQ(d, "442079460958");
	CU_ASSERT_EQUAL(tick_valid_phone("1234567", d), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_phone("1234567890123456", d), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_phone("+52 55 abc", d), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_phone("0551234567", d), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_phone("", d), TICK_EINVAL);
}

static void
test_fields(void)
{
	static const char *const roles[] = { "agent", "reporter", NULL };
	static const struct tick_field f[] = {
		{ "email", TICK_FIELD_EMAIL, 1, 3, 254, NULL },
		{ "name", TICK_FIELD_TEXT, 1, 1, 5, NULL },
		{ "role", TICK_FIELD_ENUM, 0, 0, 0, roles },
		{ "active", TICK_FIELD_BOOL, 0, 0, 0, NULL },
		{ "note", TICK_FIELD_LONGTEXT, 0, 0, 10, NULL },
		{ "mobile", TICK_FIELD_PHONE, 0, 0, 0, NULL },
		{ "user_id", TICK_FIELD_ID, 0, 0, 0, NULL },
	};
	json_t *ok = json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:i}", "email",
	    "a@b.co", "name", "\xc3\xb1\xc3\xb1\xc3\xb1\xc3\xb1\xc3\xb1",
	    "role", "agent", "active", 1, "note", "a\nb", "mobile",
	    "+52 55 1234 5678", "user_id", 7);
	json_t *bad = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:i}", "email",
	    "nope", "name", "toolong", "role", "boss", "active", 1, "note",
	    "a\x01", "mobile", "12", "user_id", -1);
	json_t *errors = NULL;

	CU_ASSERT_EQUAL(tick_valid_fields(ok, f, 7, &errors), TICK_OK);
	CU_ASSERT_PTR_NULL(errors);
	CU_ASSERT_EQUAL(tick_valid_fields(bad, f, 7, &errors), TICK_EINVAL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(errors);
	CU_ASSERT_EQUAL(json_object_size(errors), 7);
	CU_STR_EQ(json_string_value(json_object_get(errors, "name")),
	    "must be at most 5 characters");
	json_decref(errors);
	json_decref(bad);
	/* Missing required fields, and an empty string counts as missing. */
	bad = json_pack("{s:s}", "name", "");
	CU_ASSERT_EQUAL(tick_valid_fields(bad, f, 7, &errors), TICK_EINVAL);
	CU_STR_EQ(json_string_value(json_object_get(errors, "email")),
	    "is required");
	CU_STR_EQ(json_string_value(json_object_get(errors, "name")),
	    "is required");
	CU_ASSERT_EQUAL(json_object_size(errors), 2);
	json_decref(errors);
	json_decref(bad);
	json_decref(ok);
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
		{ "id fields", test_fields_id },
		{ "null text fields", test_fields_null_text },
		{ "bool fields", test_fields_bool },
		{ "e-mail addresses", test_email },
		{ "phone numbers", test_phone },
		{ "field tables", test_fields },
		{ NULL, NULL },
	};
	return cu_run("valid", tests);
}
