#include <string.h>

#include "cu.h"
#include "json.h"

static void
test_parse(void)
{
	char err[128];
	json_t *v;

	v = tick_json_parse("{\"a\":\"\\u00f1\\ud83d\\ude00\"}", 26, err,
	    sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_STR_EQ(tick_json_str(v, "a"), "\xc3\xb1\xf0\x9f\x98\x80");
	CU_ASSERT_PTR_NULL(tick_json_str(v, "b"));
	CU_ASSERT_PTR_NULL(tick_json_obj(v, "a"));
	json_decref(v);
	CU_ASSERT_PTR_NULL(tick_json_parse("{", 1, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not valid JSON"));
	CU_ASSERT_PTR_NULL(tick_json_parse("", 0, err, sizeof(err)));
	/* NUL escapes, duplicate keys and trailing bytes are refused. */
	CU_ASSERT_PTR_NULL(
	    tick_json_parse("{\"a\":\"x\\u0000y\"}", 16, err, sizeof(err)));
	CU_ASSERT_PTR_NULL(
	    tick_json_parse("{\"a\":1,\"a\":2}", 13, err, sizeof(err)));
	CU_ASSERT_PTR_NULL(tick_json_parse("{} x", 4, err, sizeof(err)));
	CU_ASSERT_PTR_NULL(
	    tick_json_parse("{\"a\":\"\xff\"}", 9, err, sizeof(err)));
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
	CU_ASSERT_PTR_NULL(tick_json_parse(deep, 80, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "deeper"));
	v = tick_json_parse(deep + 10, 60, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(v);
	json_decref(v);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "parse", test_parse },
		{ "depth", test_depth },
		{ NULL, NULL },
	};
	return cu_run("json", tests);
}
