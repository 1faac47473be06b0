#include <string.h>

#include "cu.h"
#include "json.h"

static void
test_parse(void)
{
	char err[128];
	json_t *v;

	CU_ASSERT_EQUAL(tick_json_parse("{\"a\":\"\\u00f1\\ud83d\\ude00\"}", 26,
	                    &v, err, sizeof(err)),
	    TICK_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_STR_EQ(tick_json_str(v, "a"), "\xc3\xb1\xf0\x9f\x98\x80");
	CU_ASSERT_PTR_NULL(tick_json_str(v, "b"));
	CU_ASSERT_PTR_NULL(tick_json_obj(v, "a"));
	json_decref(v);
	CU_ASSERT_EQUAL(tick_json_parse("{", 1, &v, err, sizeof(err)),
	    TICK_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not valid JSON"));
	CU_ASSERT_EQUAL(tick_json_parse("", 0, &v, err, sizeof(err)),
	    TICK_EINVAL);
	/* NUL escapes, duplicate keys and trailing bytes are refused. */
	CU_ASSERT_EQUAL(tick_json_parse("{\"a\":\"x\\u0000y\"}", 16, &v, err,
	                    sizeof(err)),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_json_parse("{\"a\":1,\"a\":2}", 13, &v, err,
	                    sizeof(err)),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_json_parse("{} x", 4, &v, err, sizeof(err)),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_json_parse("{\"a\":\"\xff\"}", 9, &v, err,
	                    sizeof(err)),
	    TICK_EINVAL);
}

static void
test_depth(void)
{
	char deep[200], err[128];
	json_t *v;
	int i;

	for (i = 0; i < 40; i++)
		deep[i] = '[';
	for (; i < 80; i++)
		deep[i] = ']';
	CU_ASSERT_EQUAL(tick_json_parse(deep, 80, &v, err, sizeof(err)),
	    TICK_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "deeper"));
	CU_ASSERT_EQUAL(tick_json_parse(deep + 10, 60, &v, err, sizeof(err)),
	    TICK_OK);
	CU_ASSERT_PTR_NOT_NULL(v);
	json_decref(v);
}

/* Table: what tick_json_id reads as an id, and what it refuses (0). */
static void
test_id(void)
{
	static const struct {
		const char *body;
		long long id;
	} cases[] = {
		{ "{\"id\": 1}", 1 },
		{ "{\"id\": 42}", 42 },
		{ "{\"id\": \"42\"}", 42 },
		{ "{\"id\": 4294967295}", 4294967295LL },
		{ "{\"id\": \"4294967295\"}", 4294967295LL },
		{ "{}", 0 },
		{ "{\"id\": null}", 0 },
		{ "{\"id\": true}", 0 },
		{ "{\"id\": false}", 0 },
		{ "{\"id\": 1.5}", 0 },
		{ "{\"id\": 2.0}", 0 },
		{ "{\"id\": 1e30}", 0 },
		{ "{\"id\": 0}", 0 },
		{ "{\"id\": -1}", 0 },
		{ "{\"id\": 4294967296}", 0 },
		{ "{\"id\": 9223372036854775807}", 0 },
		{ "{\"id\": 9223372036854775808}", 0 },
		{ "{\"id\": -9223372036854775809}", 0 },
		{ "{\"id\": \"\"}", 0 },
		{ "{\"id\": \"abc\"}", 0 },
		{ "{\"id\": \"12abc\"}", 0 },
		{ "{\"id\": \"-5\"}", 0 },
		{ "{\"id\": \"+5\"}", 0 },
		{ "{\"id\": \" 5\"}", 0 },
		{ "{\"id\": \"4294967296\"}", 0 },
		{ "{\"id\": \"0\"}", 0 },
		{ "{\"id\": [5]}", 0 },
		{ "{\"id\": {\"id\": 5}}", 0 },
	};
	char err[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *v = NULL;

		CU_ASSERT_EQUAL(tick_json_parse(cases[i].body,
		                    strlen(cases[i].body), &v, err,
		                    sizeof(err)),
		    TICK_OK);

		CU_ASSERT_PTR_NOT_NULL_FATAL(v);
		if (tick_json_id(v, "id") != cases[i].id)
			printf("\n%s\n", cases[i].body);
		CU_ASSERT_EQUAL(tick_json_id(v, "id"), cases[i].id);
		json_decref(v);
	}
	CU_ASSERT_EQUAL(tick_json_id(NULL, "id"), 0);
	CU_ASSERT_EQUAL(tick_json_id_value(NULL), 0);
}

/* An integer past jansson's range is a real, not a parse error; the other
 * numbers of the body keep their types. */
static void
test_big_integer(void)
{
	static const char body[] =
	    "{\"a\": 18446744073709551616, \"b\": [3, 1.5, {\"c\": -7}],"
	    " \"d\": \"x\", \"e\": 2.0}";
	char err[128];
	json_t *v = NULL;

	CU_ASSERT_EQUAL(tick_json_parse(body, strlen(body), &v, err,
	                    sizeof(err)),
	    TICK_OK);

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_TRUE(json_is_real(json_object_get(v, "a")));
	CU_ASSERT_TRUE(
	    json_is_integer(json_array_get(json_object_get(v, "b"), 0)));
	CU_ASSERT_TRUE(
	    json_is_real(json_array_get(json_object_get(v, "b"), 1)));
	CU_ASSERT_EQUAL(json_integer_value(
	                    json_object_get(json_array_get(json_object_get(v,
	                                                       "b"),
	                                        2),
	                        "c")),
	    -7);
	CU_STR_EQ(tick_json_str(v, "d"), "x");
	json_decref(v);
	/* Still not JSON: a big number does not excuse a syntax error. */
	CU_ASSERT_EQUAL(tick_json_parse("{\"a\": 99999999999999999999,}", 28,
	                    &v, err, sizeof(err)),
	    TICK_EINVAL);
	CU_ASSERT_PTR_NULL(v);
}

/* A failed allocation while parsing is TICK_ENOMEM, never a tree that
 * jansson quietly cut short (the Nth allocation, for every N). */
static void
test_parse_out_of_memory(void)
{
	static const char body[] = "{\"object\": \"whatsapp_business_account\","
	                           " \"entry\": [{\"id\": \"1\"}]}";
	char err[128];
	json_t *v = NULL;
	int failed = 0;

	for (long long n = 1; n < 200; n++) {
		enum tick_err rc;

		tick_json_alloc_init(n);
		rc = tick_json_parse(body, strlen(body), &v, err, sizeof(err));
		tick_json_alloc_init(0);
		if (rc == TICK_ENOMEM) {
			CU_ASSERT_PTR_NULL(v);
			failed++;
			continue;
		}
		/* The allocation came after the parse: the tree is whole. */
		CU_ASSERT_EQUAL_FATAL(rc, TICK_OK);
		CU_STR_EQ(tick_json_str(v, "object"),
		    "whatsapp_business_account");
		json_decref(v);
		v = NULL;
	}
	CU_ASSERT_TRUE(failed > 3);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "parse out of memory", test_parse_out_of_memory },
		{ "parse", test_parse },
		{ "depth", test_depth },
		{ "ids", test_id },
		{ "integers past 2^63", test_big_integer },
		{ NULL, NULL },
	};
	return cu_run("json", tests);
}
