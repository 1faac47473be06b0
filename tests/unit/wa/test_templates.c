#include <stdlib.h>
#include <string.h>

#include "cu.h"
#include "templates.h"

/* A template's components as Meta lists them. */
static json_t *
comps(const char *s)
{
	json_t *j = json_loads(s, 0, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	return j;
}

static json_t *
obj(const char *s)
{
	return comps(s);
}

static const char *const FULL =
    "[{\"type\":\"HEADER\",\"format\":\"IMAGE\"},"
    "{\"type\":\"BODY\",\"text\":\"Hi {{1}}, ticket {{2}} is {{3}}.\"},"
    "{\"type\":\"FOOTER\",\"text\":\"The desk\"},"
    "{\"type\":\"BUTTONS\",\"buttons\":["
    "{\"type\":\"URL\",\"text\":\"Track\",\"url\":\"https://x.example/t/{{1}}\"},"
    "{\"type\":\"QUICK_REPLY\",\"text\":\"Thanks\"},"
    "{\"type\":\"COPY_CODE\",\"example\":\"SAVE10\"},"
    "{\"type\":\"PHONE_NUMBER\",\"text\":\"Call\",\"phone_number\":\"+15550001111\"}]}]";

/* Fills FULL with params; returns the field of a refusal ("" on success)
 * in field. */
static enum tick_err
fill(const char *tpl, const char *fmt, const char *params, char *field,
    json_t **out, char **text)
{
	json_t *c = comps(tpl), *p = params ? obj(params) : NULL;
	char why[200];
	enum tick_err rc;

	rc = tick_wa_tpl_fill(c, fmt, p, out, text, field, 96, why,
	    sizeof(why));
	json_decref(c);
	json_decref(p);
	return rc;
}

static void
test_names(void)
{
	char big[600];

	CU_ASSERT_TRUE(tick_wa_tpl_name_ok("order_update_2"));
	CU_ASSERT_FALSE(tick_wa_tpl_name_ok(""));
	CU_ASSERT_FALSE(tick_wa_tpl_name_ok(NULL));
	CU_ASSERT_FALSE(tick_wa_tpl_name_ok("Order"));
	CU_ASSERT_FALSE(tick_wa_tpl_name_ok("order-update"));
	CU_ASSERT_FALSE(tick_wa_tpl_name_ok("order update"));
	memset(big, 'a', 512);
	big[512] = '\0';
	CU_ASSERT_TRUE(tick_wa_tpl_name_ok(big));
	big[512] = 'a';
	big[513] = '\0';
	CU_ASSERT_FALSE(tick_wa_tpl_name_ok(big));
	CU_ASSERT_TRUE(tick_wa_tpl_lang_ok("en_US"));
	CU_ASSERT_TRUE(tick_wa_tpl_lang_ok("es"));
	CU_ASSERT_FALSE(tick_wa_tpl_lang_ok("e"));
	CU_ASSERT_FALSE(tick_wa_tpl_lang_ok("en-US"));
	CU_ASSERT_FALSE(tick_wa_tpl_lang_ok("_en"));
}

/* Every kind of parameter, exactly as Meta documents the send. */
static void
test_fill_full(void)
{
	char field[96], *text = NULL, *s;
	json_t *out = NULL, *want;
	enum tick_err rc;

	rc = fill(FULL, "POSITIONAL",
	    "{\"header\":{\"link\":\"https://img.example/a.png\"},"
	    "\"body\":[\"Ana\",\"TKT-000042\",\"ready\"],"
	    "\"buttons\":[\"abc123\",\"yes\",\"SAVE10\",null]}",
	    field, &out, &text);
	CU_ASSERT_EQUAL_FATAL(rc, TICK_OK);
	want = comps(
	    "[{\"type\":\"header\",\"parameters\":[{\"type\":\"image\","
	    "\"image\":{\"link\":\"https://img.example/a.png\"}}]},"
	    "{\"type\":\"body\",\"parameters\":["
	    "{\"type\":\"text\",\"text\":\"Ana\"},"
	    "{\"type\":\"text\",\"text\":\"TKT-000042\"},"
	    "{\"type\":\"text\",\"text\":\"ready\"}]},"
	    "{\"type\":\"button\",\"sub_type\":\"url\",\"index\":\"0\","
	    "\"parameters\":[{\"type\":\"text\",\"text\":\"abc123\"}]},"
	    "{\"type\":\"button\",\"sub_type\":\"quick_reply\","
	    "\"index\":\"1\",\"parameters\":[{\"type\":\"payload\","
	    "\"payload\":\"yes\"}]},"
	    "{\"type\":\"button\",\"sub_type\":\"copy_code\","
	    "\"index\":\"2\",\"parameters\":[{\"type\":"
	    "\"coupon_code\",\"coupon_code\":\"SAVE10\"}]}]");
	CU_ASSERT_TRUE(json_equal(out, want));
	CU_ASSERT_STRING_EQUAL(text,
	    "[image: https://img.example/a.png]\n"
	    "Hi Ana, ticket TKT-000042 is ready.\nThe desk\n[Track]\n"
	    "[Thanks]\n[Call]");
	s = tick_wa_tpl_payload("5215512345678", "order_update", "en_US", out);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"to\":\"5215512345678\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"components\":["));
	free(s);
	s = tick_wa_tpl_payload("US.1349120865530274", "x", "en", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"recipient\":"));
	CU_ASSERT_PTR_NULL(strstr(s, "components"));
	free(s);
	json_decref(want);
	json_decref(out);
	free(text);
}

/* Missing and extra parameters are named, edge cases first. */
static void
test_fill_refusals(void)
{
	static const struct {
		const char *params, *field;
	} cases[] = {
		/* body: one short, one too many */
		{ "{\"header\":\"https://i.example/a.png\",\"body\":[\"a\",\"b\"],"
		  "\"buttons\":[\"x\",null,\"C\"]}",
		    "parameters.body[2]" },
		{ "{\"header\":\"https://i.example/a.png\","
		  "\"body\":[\"a\",\"b\",\"c\",\"d\"],\"buttons\":[\"x\",null,"
		  "\"C\"]}",
		    "parameters.body[3]" },
		{ "{\"header\":\"https://i.example/a.png\",\"body\":[\"a\",\"b\","
		  "\"c\"]}",
		    "parameters.buttons[0]" },
		{ "{\"body\":[\"a\",\"b\",\"c\"],\"buttons\":[\"x\",null,\"C\"]}",
		    "parameters.header" },
		{ "{\"header\":\"http://i.example/a.png\",\"body\":[\"a\",\"b\","
		  "\"c\"],\"buttons\":[\"x\",null,\"C\"]}",
		    "parameters.header" },
		{ "{\"header\":\"https://i.example/a.png\",\"body\":[\"a\",\"b\","
		  "\"c\"],\"buttons\":[\"x\",null,\"C\",\"tel\"]}",
		    "parameters.buttons[3]" },
		{ "{\"header\":\"https://i.example/a.png\",\"body\":[\"a\",\"b\","
		  "\"c\"],\"buttons\":[\"x\",null,\"C\",null,null]}",
		    "parameters.buttons[4]" },
		/* values: empty, wrong type, a newline, five spaces */
		{ "{\"header\":\"https://i.example/a.png\",\"body\":[\"\",\"b\","
		  "\"c\"],\"buttons\":[\"x\",null,\"C\"]}",
		    "parameters.body[0]" },
		{ "{\"header\":\"https://i.example/a.png\",\"body\":[1,\"b\","
		  "\"c\"],\"buttons\":[\"x\",null,\"C\"]}",
		    "parameters.body[0]" },
		{ "{\"header\":\"https://i.example/a.png\",\"body\":[\"a\","
		  "\"b\\nc\",\"c\"],\"buttons\":[\"x\",null,\"C\"]}",
		    "parameters.body[1]" },
		{ "{\"header\":\"https://i.example/a.png\",\"body\":[\"a\",\"b\","
		  "\"c     d\"],\"buttons\":[\"x\",null,\"C\"]}",
		    "parameters.body[2]" },
		/* a code longer than 15 characters */
		{ "{\"header\":\"https://i.example/a.png\",\"body\":[\"a\",\"b\","
		  "\"c\"],\"buttons\":[\"x\",null,\"ABCDEFGHIJKLMNOP\"]}",
		    "parameters.buttons[2]" },
		{ "{\"footer\":\"x\"}", "parameters.footer" },
		{ "{\"header\":\"https://i.example/a.png\",\"body\":\"abc\"}",
		    "parameters.body" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char field[96] = "", *text = NULL;
		json_t *out = NULL;

		CU_ASSERT_EQUAL(fill(FULL, "POSITIONAL", cases[i].params, field,
		                    &out, &text),
		    TICK_EINVAL);
		CU_ASSERT_STRING_EQUAL(field, cases[i].field);
		CU_ASSERT_PTR_NULL(out);
		CU_ASSERT_PTR_NULL(text);
	}
}

/* A template without variables takes nothing; named ones by name. */
static void
test_fill_plain_and_named(void)
{
	const char *plain = "[{\"type\":\"BODY\",\"text\":\"We are here.\"}]";
	const char *named =
	    "[{\"type\":\"HEADER\",\"format\":\"TEXT\",\"text\":\"Hello {{name}}\"},"
	    "{\"type\":\"BODY\",\"text\":\"{{name}}, order {{order_id}} ships "
	    "{{day}}. {{ not_one }}\"}]";
	char field[96], *text = NULL;
	json_t *out = NULL, *want;

	CU_ASSERT_EQUAL(fill(plain, "POSITIONAL", NULL, field, &out, &text),
	    TICK_OK);
	CU_ASSERT_EQUAL(json_array_size(out), 0);
	CU_ASSERT_STRING_EQUAL(text, "We are here.");
	json_decref(out);
	free(text);
	CU_ASSERT_EQUAL(fill(plain, "POSITIONAL", "{\"body\":[\"x\"]}", field,
	                    &out, &text),
	    TICK_EINVAL);
	CU_ASSERT_STRING_EQUAL(field, "parameters.body[0]");

	CU_ASSERT_EQUAL(fill(named, "NAMED",
	                    "{\"header\":\"Ana\",\"body\":{\"name\":\"Ana\","
	                    "\"order_id\":\"7\",\"day\":\"today\"}}",
	                    field, &out, &text),
	    TICK_OK);
	CU_ASSERT_STRING_EQUAL(text,
	    "Hello Ana\nAna, order 7 ships today. {{ not_one }}");
	want = comps("[{\"type\":\"header\",\"parameters\":[{\"type\":\"text\","
	             "\"parameter_name\":\"name\",\"text\":\"Ana\"}]},"
	             "{\"type\":\"body\",\"parameters\":["
	             "{\"type\":\"text\",\"parameter_name\":\"name\",\"text\":"
	             "\"Ana\"},"
	             "{\"type\":\"text\",\"parameter_name\":\"order_id\","
	             "\"text\":\"7\"},"
	             "{\"type\":\"text\",\"parameter_name\":\"day\",\"text\":"
	             "\"today\"}]}]");
	CU_ASSERT_TRUE(json_equal(out, want));
	json_decref(want);
	json_decref(out);
	free(text);
	CU_ASSERT_EQUAL(fill(named, "NAMED",
	                    "{\"header\":\"Ana\",\"body\":{\"name\":\"Ana\","
	                    "\"day\":\"today\"}}",
	                    field, &out, &text),
	    TICK_EINVAL);
	CU_ASSERT_STRING_EQUAL(field, "parameters.body.order_id");
	CU_ASSERT_EQUAL(fill(named, "NAMED",
	                    "{\"header\":\"Ana\",\"body\":{\"name\":\"Ana\","
	                    "\"order_id\":\"7\",\"day\":\"x\",\"extra\":\"y\"}}",
	                    field, &out, &text),
	    TICK_EINVAL);
	CU_ASSERT_STRING_EQUAL(field, "parameters.body.extra");
	/* A stored header with two placeholders (Meta allows one) is
	 * refused, never filled past its one value (found by the fuzzer). */
	CU_ASSERT_EQUAL(fill("[{\"type\":\"HEADER\",\"text\":\"Hi {{1}} "
	                     "{{2}}\"},{\"type\":\"BODY\",\"text\":\"x\"}]",
	                    "POSITIONAL", "{\"header\":\"a\"}", field, &out,
	                    &text),
	    TICK_EINVAL);
	CU_ASSERT_STRING_EQUAL(field, "parameters.header");
}

static void
check_create(const char *req, const char *field_want)
{
	json_t *r = obj(req);
	char field[96] = "", why[200];
	enum tick_err rc = tick_wa_tpl_check_create(r, field, sizeof(field),
	    why, sizeof(why));

	if (field_want == NULL) {
		CU_ASSERT_EQUAL(rc, TICK_OK);
	} else {
		CU_ASSERT_EQUAL(rc, TICK_EINVAL);
		CU_ASSERT_STRING_EQUAL(field, field_want);
	}
	json_decref(r);
}

static void
test_create_rules(void)
{
	check_create("{\"name\":\"order_update\",\"language\":\"en_US\","
	             "\"category\":\"UTILITY\",\"components\":[{\"type\":"
	             "\"BODY\",\"text\":\"Hi {{1}}\",\"example\":{\"body_text\":"
	             "[[\"Ana\"]]}}]}",
	    NULL);
	check_create("{\"name\":\"Order\",\"language\":\"en_US\","
	             "\"category\":\"UTILITY\",\"components\":[]}",
	    "name");
	check_create("{\"name\":\"o\",\"language\":\"en_US\","
	             "\"category\":\"OTHER\",\"components\":[]}",
	    "category");
	check_create("{\"name\":\"o\",\"language\":\"en_US\","
	             "\"category\":\"UTILITY\",\"components\":[]}",
	    "components");
	/* No body; a body twice; placeholders out of order; no example. */
	check_create("{\"name\":\"o\",\"language\":\"en_US\","
	             "\"category\":\"UTILITY\",\"components\":[{\"type\":"
	             "\"FOOTER\",\"text\":\"x\"}]}",
	    "components");
	check_create("{\"name\":\"o\",\"language\":\"en_US\","
	             "\"category\":\"UTILITY\",\"components\":[{\"type\":"
	             "\"BODY\",\"text\":\"x\"},{\"type\":\"BODY\",\"text\":\"y\"}]}",
	    "components[1].type");
	check_create("{\"name\":\"o\",\"language\":\"en_US\","
	             "\"category\":\"UTILITY\",\"components\":[{\"type\":"
	             "\"BODY\",\"text\":\"{{2}}\",\"example\":{\"body_text\":"
	             "[[\"a\",\"b\"]]}}]}",
	    "components[0].text");
	check_create("{\"name\":\"o\",\"language\":\"en_US\","
	             "\"category\":\"UTILITY\",\"components\":[{\"type\":"
	             "\"BODY\",\"text\":\"{{1}} {{2}}\"}]}",
	    "components[0].example");
	check_create("{\"name\":\"o\",\"language\":\"en_US\","
	             "\"category\":\"UTILITY\",\"components\":[{\"type\":"
	             "\"HEADER\",\"format\":\"TEXT\",\"text\":\"{{1}} {{2}}\"},"
	             "{\"type\":\"BODY\",\"text\":\"x\"}]}",
	    "components[0].text");
	check_create("{\"name\":\"o\",\"language\":\"en_US\","
	             "\"category\":\"UTILITY\",\"components\":[{\"type\":"
	             "\"BODY\",\"text\":\"x\"},{\"type\":\"BUTTONS\",\"buttons\":"
	             "[{\"type\":\"URL\",\"text\":\"Go\",\"url\":"
	             "\"https://a.example/{{1}}/x\"}]}]}",
	    "components[1].buttons[0].url");
	check_create("{\"name\":\"o\",\"language\":\"en_US\","
	             "\"category\":\"UTILITY\",\"components\":[{\"type\":"
	             "\"BODY\",\"text\":\"x\"},{\"type\":\"BUTTONS\",\"buttons\":"
	             "[{\"type\":\"QUICK_REPLY\",\"text\":\"a text longer than "
	             "twenty-five\"}]}]}",
	    "components[1].buttons[0].text");
	check_create("{\"name\":\"o\",\"language\":\"en_US\","
	             "\"category\":\"MARKETING\",\"parameter_format\":\"NAMED\","
	             "\"components\":[{\"type\":\"BODY\",\"text\":\"Hi "
	             "{{first_name}}\",\"example\":{\"body_text_named_params\":"
	             "[{\"param_name\":\"first_name\",\"example\":\"Ana\"}]}}]}",
	    NULL);
}

static void
test_page(void)
{
	const char *p1 =
	    "{\"data\":[{\"name\":\"a\",\"language\":\"en_US\","
	    "\"status\":\"APPROVED\",\"category\":\"UTILITY\","
	    "\"id\":\"123\",\"components\":[]}],\"paging\":"
	    "{\"cursors\":{\"before\":\"QVFI\",\"after\":\"QVFIU2\"},"
	    "\"next\":\"https://graph.example/next\"}}";
	const char *last = "{\"data\":[],\"paging\":{\"cursors\":{\"after\":"
	                   "\"QVFIU3\"}}}";
	struct tick_wa_result res;
	struct tick_wa_tpl t;
	json_t *data = NULL;
	char after[64];

	CU_ASSERT_EQUAL(tick_wa_tpl_parse_page(200, p1, strlen(p1), &data,
	                    after, sizeof(after), &res),
	    TICK_OK);
	CU_ASSERT_STRING_EQUAL(after, "QVFIU2");
	CU_ASSERT_EQUAL(tick_wa_tpl_read(json_array_get(data, 0), &t), TICK_OK);
	CU_ASSERT_STRING_EQUAL(t.meta_id, "123");
	CU_ASSERT_STRING_EQUAL(t.parameter_format, "POSITIONAL");
	json_decref(data);
	CU_ASSERT_EQUAL(tick_wa_tpl_parse_page(200, last, strlen(last), &data,
	                    after, sizeof(after), &res),
	    TICK_OK);
	CU_ASSERT_STRING_EQUAL(after, "");
	json_decref(data);
	CU_ASSERT_EQUAL(tick_wa_tpl_parse_page(200, "{}", 2, &data, after,
	                    sizeof(after), &res),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(tick_wa_tpl_parse_page(400,
	                    "{\"error\":{\"code\":100,\"message\":\"bad\"}}",
	                    38, &data, after, sizeof(after), &res),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(res.error_code, 100);
	/* A cursor with characters outside base64url ends the sync. */
	{
		const char *odd =
		    "{\"data\":[],\"paging\":{\"cursors\":{\"after\""
		    ":\"a&b=c\"},\"next\":\"x\"}}";

		CU_ASSERT_EQUAL(tick_wa_tpl_parse_page(200, odd, strlen(odd),
		                    &data, after, sizeof(after), &res),
		    TICK_OK);
		CU_ASSERT_STRING_EQUAL(after, "");
		json_decref(data);
	}
}

static void
test_events(void)
{
	struct tick_wa_tpl_event ev;
	json_t *v = obj(
	    "{\"event\":\"APPROVED\",\"message_template_id\":"
	    "594425479261596,\"message_template_name\":\"order_update\","
	    "\"message_template_language\":\"en_US\",\"reason\":"
	    "\"NONE\"}");

	CU_ASSERT_EQUAL(tick_wa_tpl_read_event("message_template_status_update",
	                    v, &ev),
	    TICK_OK);
	CU_ASSERT_STRING_EQUAL(ev.meta_id, "594425479261596");
	CU_ASSERT_STRING_EQUAL(ev.status, "APPROVED");
	CU_ASSERT_PTR_NULL(ev.reason);
	json_decref(v);
	v = obj("{\"message_template_name\":\"order_update\","
	        "\"message_template_language\":\"en_US\",\"previous_category\":"
	        "\"UTILITY\",\"new_category\":\"MARKETING\"}");
	CU_ASSERT_EQUAL(tick_wa_tpl_read_event("template_category_update", v,
	                    &ev),
	    TICK_OK);
	CU_ASSERT_STRING_EQUAL(ev.category, "MARKETING");
	CU_ASSERT_PTR_NULL(ev.meta_id);
	json_decref(v);
	v = obj(
	    "{\"message_template_id\":\"77\",\"new_quality_score\":\"RED\"}");
	CU_ASSERT_EQUAL(tick_wa_tpl_read_event("message_template_quality_update",
	                    v, &ev),
	    TICK_OK);
	CU_ASSERT_STRING_EQUAL(ev.quality, "RED");
	json_decref(v);
	/* Nothing names the template; no change; another field. */
	v = obj("{\"event\":\"APPROVED\"}");
	CU_ASSERT_EQUAL(tick_wa_tpl_read_event("message_template_status_update",
	                    v, &ev),
	    TICK_EINVAL);
	json_decref(v);
	v = obj("{\"message_template_id\":5}");
	CU_ASSERT_EQUAL(tick_wa_tpl_read_event("message_template_status_update",
	                    v, &ev),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_wa_tpl_read_event("messages", v, &ev),
	    TICK_EINVAL);
	json_decref(v);
}

/* The webhook parser hands template changes over, and stays whole. */
static void
test_webhook(void)
{
	const char *body =
	    "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\","
	    "\"changes\":[{\"field\":\"message_template_status_update\","
	    "\"value\":{\"event\":\"PAUSED\",\"message_template_id\":9,"
	    "\"message_template_name\":\"a\",\"message_template_language\":"
	    "\"en_US\",\"reason\":\"LOW_QUALITY\"}},{\"field\":"
	    "\"message_template_quality_update\",\"value\":{}}]}]}";
	struct tick_wa_batch b;
	char err[128];

	CU_ASSERT_EQUAL_FATAL(tick_wa_parse_webhook(body, strlen(body), &b, err,
	                          sizeof(err)),
	    TICK_OK);
	CU_ASSERT_EQUAL(b.ntpl_events, 1);
	CU_ASSERT_EQUAL(b.skipped, 1);
	CU_ASSERT_STRING_EQUAL(b.tpl_events[0].status, "PAUSED");
	CU_ASSERT_STRING_EQUAL(b.tpl_events[0].reason, "LOW_QUALITY");
	tick_wa_batch_free(&b);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "names and languages", test_names },
		{ "fill: header, body, buttons", test_fill_full },
		{ "fill: missing and extra named", test_fill_refusals },
		{ "fill: plain and named", test_fill_plain_and_named },
		{ "create: Meta's rules", test_create_rules },
		{ "list pages", test_page },
		{ "webhook events", test_events },
		{ "webhook batch", test_webhook },
		{ NULL, NULL },
	};
	return cu_run("templates", tests);
}
