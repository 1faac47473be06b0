/* The consent and channel webhook fields (wa/chan_events) through the
 * webhook parser: user_preferences, phone_number_quality_update and
 * account_update as Meta documents them for Graph v25, and odd shapes
 * skipped, never fatal. */
#include <string.h>

#include "chan_events.h"
#include "cu.h"
#include "wa.h"

static const char *
wrap(char *buf, size_t sz, const char *field, const char *value)
{
	snprintf(buf, sz,
	    "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":"
	    "\"1\",\"changes\":[{\"field\":\"%s\",\"value\":%s}]}]}",
	    field, value);
	return buf;
}

static void
parse(const char *field, const char *value, struct tick_wa_batch *b)
{
	char buf[4096], err[128];
	const char *body = wrap(buf, sizeof(buf), field, value);

	CU_ASSERT_EQUAL_FATAL(tick_wa_parse_webhook(body, strlen(body), b, err,
	                          sizeof(err)),
	    TICK_OK);
}

static void
test_preferences(void)
{
	struct tick_wa_batch b;

	parse("user_preferences",
	    "{\"messaging_product\":\"whatsapp\",\"metadata\":{"
	    "\"phone_number_id\":\"400555666777888\"},\"contacts\":[{\"wa_id\":"
	    "\"5215512345678\"}],\"user_preferences\":["
	    "{\"wa_id\":\"5215512345678\",\"detail\":\"User requested to stop"
	    " marketing messages\",\"category\":\"marketing_messages\","
	    "\"value\":\"stop\",\"timestamp\":1731705721},"
	    "{\"user_id\":\"US.13491208655302741918\",\"category\":"
	    "\"marketing_messages\",\"value\":\"resume\",\"timestamp\":"
	    "\"1731705722\"},"
	    "{\"wa_id\":\"5215512345678\",\"category\":\"marketing_messages\","
	    "\"value\":\"later\"},"
	    "{\"wa_id\":\"52155x\",\"category\":\"marketing_messages\","
	    "\"value\":\"stop\"},"
	    "{\"wa_id\":\"5215512345678\",\"category\":\"offers\",\"value\":"
	    "\"stop\"}]}",
	    &b);
	CU_ASSERT_EQUAL(b.nchan_events, 2);
	CU_ASSERT_EQUAL(b.skipped, 3);
	CU_ASSERT_EQUAL(b.nmsgs, 0);
	if (b.nchan_events == 2) {
		CU_ASSERT_EQUAL(b.chan_events[0].kind, TICK_WA_CHAN_PREFERENCE);
		CU_ASSERT_STRING_EQUAL(b.chan_events[0].wa_id, "5215512345678");
		CU_ASSERT_EQUAL(b.chan_events[0].opt_out, 1);
		CU_ASSERT_EQUAL(b.chan_events[0].timestamp, 1731705721);
		CU_ASSERT_PTR_NULL(b.chan_events[1].wa_id);
		CU_ASSERT_STRING_EQUAL(b.chan_events[1].user_id,
		    "US.13491208655302741918");
		CU_ASSERT_EQUAL(b.chan_events[1].opt_out, 0);
		CU_ASSERT_EQUAL(b.chan_events[1].timestamp, 1731705722);
	}
	tick_wa_batch_free(&b);
}

static void
test_quality_and_account(void)
{
	struct tick_wa_batch b;

	parse("phone_number_quality_update",
	    "{\"display_phone_number\":\"15550001111\",\"event\":\"FLAGGED\","
	    "\"current_limit\":\"TIER_10K\"}",
	    &b);
	CU_ASSERT_EQUAL_FATAL(b.nchan_events, 1);
	CU_ASSERT_EQUAL(b.chan_events[0].kind, TICK_WA_CHAN_QUALITY);
	CU_ASSERT_STRING_EQUAL(b.chan_events[0].event, "FLAGGED");
	CU_ASSERT_STRING_EQUAL(b.chan_events[0].limit, "TIER_10K");
	CU_ASSERT_STRING_EQUAL(b.chan_events[0].phone, "15550001111");
	CU_ASSERT_PTR_NULL(b.chan_events[0].rating);
	tick_wa_batch_free(&b);

	parse("account_update",
	    "{\"phone_number\":\"15550001111\",\"event\":\"DISABLED_UPDATE\","
	    "\"ban_info\":{\"waba_ban_state\":\"DISABLE\",\"waba_ban_date\":"
	    "\"2026-12-01\"},\"other\":{\"x\":1}}",
	    &b);
	CU_ASSERT_EQUAL_FATAL(b.nchan_events, 1);
	CU_ASSERT_EQUAL(b.chan_events[0].kind, TICK_WA_CHAN_ACCOUNT);
	CU_ASSERT_STRING_EQUAL(b.chan_events[0].ban_state, "DISABLE");
	CU_ASSERT_PTR_NOT_NULL(
	    json_object_get(b.chan_events[0].info, "ban_info"));
	CU_ASSERT_PTR_NULL(json_object_get(b.chan_events[0].info, "other"));
	tick_wa_batch_free(&b);
}

static void
test_odd_shapes(void)
{
	static const char *const values[] = { "{\"event\":5}",
		"{\"event\":\"two words\"}", "{}", "[]", "\"x\"", "null",
		"{\"event\":\"FLAGGED\",\"current_limit\":\"TIER 1K\"}" };
	struct tick_wa_batch b;

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		parse("phone_number_quality_update", values[i], &b);
		CU_ASSERT(b.nchan_events <= 1);
		if (b.nchan_events == 1)
			CU_ASSERT_PTR_NULL(b.chan_events[0].limit);
		tick_wa_batch_free(&b);
		parse("account_update", values[i], &b);
		CU_ASSERT(b.nchan_events <= 1);
		tick_wa_batch_free(&b);
		parse("user_preferences", values[i], &b);
		CU_ASSERT_EQUAL(b.nchan_events, 0);
		tick_wa_batch_free(&b);
	}
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "user_preferences", test_preferences },
		{ "quality and account updates", test_quality_and_account },
		{ "odd shapes", test_odd_shapes },
		{ NULL, NULL },
	};
	return cu_run("chan_events", tests);
}
