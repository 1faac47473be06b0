/* Issue 16, richer conversations: what the webhook parser reads of
 * answers, quotes, reactions, edits, revokes and echoes, and the payloads
 * of agents' reactions and quoted replies. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bounds.h"
#include "cu.h"
#include "wa.h"

/* A body with one change of field (value holds "key": [items]). */
static int
parse(const char *field, const char *key, const char *items,
    struct tick_wa_batch *b)
{
	char body[8192], err[128];
	int n;

	n = snprintf(body, sizeof(body),
	    "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":"
	    "\"1\",\"changes\":[{\"field\":\"%s\",\"value\":{"
	    "\"messaging_product\":\"whatsapp\",\"metadata\":{"
	    "\"phone_number_id\":\"400555666777888\"},\"contacts\":[{"
	    "\"profile\":{\"name\":\"Ana\"},\"wa_id\":\"5215512345678\"}],"
	    "\"%s\":[%s]}}]}]}",
	    field, key, items);
	CU_ASSERT_FATAL(n > 0 && (size_t)n < sizeof(body));
	return tick_wa_parse_webhook(body, (size_t)n, b, err, sizeof(err));
}

#define FROM "\"from\":\"5215512345678\",\"timestamp\":\"1717000100\","

static void
test_answers(void)
{
	struct tick_wa_batch b;

	CU_ASSERT_EQUAL_FATAL(parse("messages", "messages",
	                          "{" FROM "\"id\":\"wamid.B\",\"type\":"
	                          "\"interactive\",\"interactive\":{\"type\":"
	                          "\"button_reply\",\"button_reply\":{\"id\":"
	                          "\"yes\",\"title\":\"Yes\"}}},"
	                          "{" FROM "\"id\":\"wamid.L\",\"type\":"
	                          "\"interactive\",\"interactive\":{\"type\":"
	                          "\"list_reply\",\"list_reply\":{\"id\":"
	                          "\"r1\",\"title\":\"Billing\"}}},"
	                          "{" FROM "\"id\":\"wamid.T\",\"type\":"
	                          "\"button\",\"button\":{\"payload\":\"P1\","
	                          "\"text\":\"Stop\"}},"
	                          "{" FROM "\"id\":\"wamid.F\",\"type\":"
	                          "\"interactive\",\"interactive\":{\"type\":"
	                          "\"nfm_reply\",\"nfm_reply\":{\"name\":"
	                          "\"flow\",\"body\":\"Sent\","
	                          "\"response_json\":\"{\\\"a\\\":1}\"}}},"
	                          "{" FROM "\"id\":\"wamid.N\",\"type\":"
	                          "\"interactive\",\"interactive\":{\"type\":"
	                          "\"nfm_reply\",\"nfm_reply\":{}}}",
	                          &b),
	    TICK_OK);
	CU_ASSERT_EQUAL_FATAL(b.nmsgs, 5);
	CU_STR_EQ(b.msgs[0].reply_kind, "button_reply");
	CU_STR_EQ(b.msgs[0].reply_id, "yes");
	CU_STR_EQ(b.msgs[0].reply_title, "Yes");
	CU_STR_EQ(b.msgs[1].reply_kind, "list_reply");
	CU_STR_EQ(b.msgs[1].reply_title, "Billing");
	CU_STR_EQ(b.msgs[2].reply_kind, "button");
	CU_STR_EQ(b.msgs[2].reply_id, "P1");
	CU_STR_EQ(b.msgs[2].reply_title, "Stop");
	CU_STR_EQ(b.msgs[3].reply_kind, "nfm_reply");
	CU_STR_EQ(b.msgs[3].flow_json, "{\"a\":1}");
	CU_STR_EQ(b.msgs[3].text, "[flow] Sent");
	/* A flow answer with nothing in it is kept all the same. */
	CU_STR_EQ(b.msgs[4].reply_kind, "nfm_reply");
	CU_ASSERT_PTR_NULL(b.msgs[4].flow_json);
	for (size_t i = 0; i < b.nmsgs; i++)
		CU_ASSERT_TRUE(tick_wa_kind_is_content(b.msgs[i].kind));
	tick_wa_batch_free(&b);
}

static void
test_changes(void)
{
	struct tick_wa_batch b;

	CU_ASSERT_EQUAL_FATAL(parse("messages", "messages",
	                          "{" FROM "\"id\":\"wamid.R\",\"type\":"
	                          "\"reaction\",\"reaction\":{\"message_id\":"
	                          "\"wamid.X\",\"emoji\":\"\\ud83d\\udc4d\"}},"
	                          "{" FROM "\"id\":\"wamid.R0\",\"type\":"
	                          "\"reaction\",\"reaction\":{\"message_id\":"
	                          "\"wamid.X\"}},"
	                          "{" FROM "\"id\":\"wamid.E\",\"type\":"
	                          "\"edit\",\"edit\":{\"original_message_id\":"
	                          "\"wamid.X\",\"message\":{\"type\":\"text\","
	                          "\"text\":{\"body\":\"new text\"}}}},"
	                          "{" FROM "\"id\":\"wamid.EC\",\"type\":"
	                          "\"edit\",\"edit\":{\"original_message_id\":"
	                          "\"wamid.I\",\"message\":{\"type\":\"image\","
	                          "\"image\":{\"caption\":\"new caption\"}}}},"
	                          "{" FROM "\"id\":\"wamid.V\",\"type\":"
	                          "\"revoke\",\"revoke\":{"
	                          "\"original_message_id\":\"wamid.X\"}},"
	                          "{" FROM "\"id\":\"wamid.Q\",\"type\":"
	                          "\"text\",\"text\":{\"body\":\"q\"},"
	                          "\"context\":{\"from\":\"1\",\"id\":"
	                          "\"wamid.X\",\"forwarded\":true}},"
	                          "{" FROM "\"id\":\"wamid.FF\",\"type\":"
	                          "\"text\",\"text\":{\"body\":\"f\"},"
	                          "\"context\":{\"frequently_forwarded\":"
	                          "true}}",
	                          &b),
	    TICK_OK);
	CU_ASSERT_EQUAL_FATAL(b.nmsgs, 7);
	CU_ASSERT_EQUAL(b.msgs[0].kind, TICK_WA_REACTION);
	CU_STR_EQ(b.msgs[0].target_id, "wamid.X");
	CU_STR_EQ(b.msgs[0].emoji, "\xf0\x9f\x91\x8d");
	/* No emoji: the reaction is taken back. */
	CU_ASSERT_PTR_NULL(b.msgs[1].emoji);
	CU_STR_EQ(b.msgs[1].target_id, "wamid.X");
	CU_ASSERT_EQUAL(b.msgs[2].kind, TICK_WA_EDIT);
	CU_STR_EQ(b.msgs[2].target_id, "wamid.X");
	CU_STR_EQ(b.msgs[2].text, "new text");
	CU_STR_EQ(b.msgs[3].text, "new caption");
	CU_ASSERT_EQUAL(b.msgs[4].kind, TICK_WA_REVOKE);
	CU_STR_EQ(b.msgs[4].target_id, "wamid.X");
	for (size_t i = 0; i < 5; i++) {
		CU_ASSERT_TRUE(tick_wa_kind_is_change(b.msgs[i].kind));
		CU_ASSERT_FALSE(tick_wa_kind_is_content(b.msgs[i].kind));
	}
	CU_STR_EQ(b.msgs[5].context_id, "wamid.X");
	CU_ASSERT_EQUAL(b.msgs[5].forwarded, 1);
	CU_ASSERT_PTR_NULL(b.msgs[5].target_id);
	CU_ASSERT_PTR_NULL(b.msgs[6].context_id);
	CU_ASSERT_EQUAL(b.msgs[6].forwarded, 2);
	CU_ASSERT_FALSE(tick_wa_kind_is_change(b.msgs[5].kind));
	tick_wa_batch_free(&b);
}

static void
test_echoes(void)
{
	struct tick_wa_batch b;

	CU_ASSERT_EQUAL_FATAL(parse("smb_message_echoes", "message_echoes",
	                          "{\"from\":\"15550001111\",\"to\":"
	                          "\"5215512345678\",\"id\":\"wamid.EC1\","
	                          "\"timestamp\":\"1717000100\",\"type\":"
	                          "\"text\",\"text\":{\"body\":\"from the "
	                          "app\"}},"
	                          "{\"from\":\"15550001111\",\"id\":"
	                          "\"wamid.EC2\",\"type\":\"text\",\"text\":{"
	                          "\"body\":\"to nobody\"}}",
	                          &b),
	    TICK_OK);
	/* The echo belongs to the customer it went to; one to nobody is
	 * skipped. */
	CU_ASSERT_EQUAL_FATAL(b.nmsgs, 1);
	CU_ASSERT_EQUAL(b.skipped, 1);
	CU_ASSERT_EQUAL(b.msgs[0].echo, 1);
	CU_STR_EQ(b.msgs[0].from, "5215512345678");
	CU_STR_EQ(b.msgs[0].text, "from the app");
	tick_wa_batch_free(&b);
	/* The same item under the messages field is an inbound message. */
	CU_ASSERT_EQUAL_FATAL(parse("messages", "messages",
	                          "{" FROM "\"id\":\"wamid.M\",\"type\":"
	                          "\"text\",\"text\":{\"body\":\"hi\"}}",
	                          &b),
	    TICK_OK);
	CU_ASSERT_EQUAL(b.msgs[0].echo, 0);
	tick_wa_batch_free(&b);
}

static void
test_history(void)
{
	struct tick_wa_batch b;
	char body[4096], err[128];
	int n;

	n = snprintf(body, sizeof(body),
	    "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":"
	    "\"1\",\"changes\":[{\"field\":\"history\",\"value\":{"
	    "\"messaging_product\":\"whatsapp\",\"metadata\":{"
	    "\"phone_number_id\":\"400555666777888\"},\"history\":[{"
	    "\"metadata\":{\"phase\":0,\"chunk_order\":1,\"progress\":"
	    "100},\"threads\":[{\"id\":\"5215512345678\",\"messages\":["
	    "{\"from\":\"5215512345678\",\"id\":\"wamid.H1\","
	    "\"timestamp\":\"1717000000\",\"type\":\"text\",\"text\":{"
	    "\"body\":\"old question\"},\"history_context\":{\"status\":"
	    "\"READ\"}},"
	    "{\"from\":\"15550001111\",\"to\":\"5215512345678\",\"id\":"
	    "\"wamid.H2\",\"timestamp\":\"1717000100\",\"type\":\"text\","
	    "\"text\":{\"body\":\"old answer\"}}]},"
	    "{\"id\":\"not a phone\",\"messages\":[{\"id\":\"wamid.H3\","
	    "\"type\":\"text\",\"text\":{\"body\":\"x\"}}]}]}]}}]}]}");
	CU_ASSERT_FATAL(n > 0 && (size_t)n < sizeof(body));
	CU_ASSERT_EQUAL_FATAL(tick_wa_parse_webhook(body, (size_t)n, &b, err,
	                          sizeof(err)),
	    TICK_OK);
	CU_ASSERT_EQUAL_FATAL(b.nmsgs, 2);
	CU_ASSERT_EQUAL(b.skipped, 1);
	/* The customer's message, and the business's: both the thread's. */
	CU_ASSERT_EQUAL(b.msgs[0].history, 1);
	CU_ASSERT_EQUAL(b.msgs[0].echo, 0);
	CU_STR_EQ(b.msgs[0].from, "5215512345678");
	CU_STR_EQ(b.msgs[0].text, "old question");
	CU_ASSERT_EQUAL(b.msgs[1].history, 1);
	CU_ASSERT_EQUAL(b.msgs[1].echo, 1);
	CU_STR_EQ(b.msgs[1].from, "5215512345678");
	tick_wa_batch_free(&b);
}

/* A history chunk larger than the item limit is cut, never refused. */
static void
test_history_limit(void)
{
	size_t cap = 64 + (size_t)(TICK_MAX_WEBHOOK_ITEMS + 5) * 80, used;
	char *body = malloc(cap), err[128];
	struct tick_wa_batch b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	used = (size_t)snprintf(body, cap,
	    "{\"object\":\"whatsapp_business_account\",\"entry\":[{"
	    "\"changes\":[{\"field\":\"history\",\"value\":{\"history\":"
	    "[{\"threads\":[{\"id\":\"5215512345678\",\"messages\":[");
	for (int i = 0; i < TICK_MAX_WEBHOOK_ITEMS + 5; i++)
		used += (size_t)snprintf(body + used, cap - used,
		    "%s{\"from\":\"5215512345678\",\"id\":\"wamid.L%d\","
		    "\"type\":\"text\",\"text\":{\"body\":\"x\"}}",
		    i ? "," : "", i);
	used += (size_t)snprintf(body + used, cap - used, "]}]}]}}]}]}");
	CU_ASSERT_FATAL(used < cap);
	CU_ASSERT_EQUAL_FATAL(tick_wa_parse_webhook(body, used, &b, err,
	                          sizeof(err)),
	    TICK_OK);
	CU_ASSERT_EQUAL(b.nmsgs, TICK_MAX_WEBHOOK_ITEMS);
	CU_ASSERT_EQUAL(b.skipped, 5);
	tick_wa_batch_free(&b);
	free(body);
}

static void
test_limits(void)
{
	struct tick_wa_batch b;
	char items[2048];

	/* An emoji longer than its column makes the reaction unusable; a
	 * wamid too long for a target is no target. */
	snprintf(items, sizeof(items),
	    "{" FROM "\"id\":\"wamid.R\",\"type\":\"reaction\",\"reaction\":"
	    "{\"message_id\":\"wamid.X\",\"emoji\":\"%0*d\"}},"
	    "{" FROM "\"id\":\"wamid.V\",\"type\":\"revoke\",\"revoke\":{"
	    "\"original_message_id\":\"%0*d\"}}",
	    TICK_WA_MAX_EMOJI + 1, 0, 300, 0);
	CU_ASSERT_EQUAL_FATAL(parse("messages", "messages", items, &b),
	    TICK_OK);
	CU_ASSERT_EQUAL_FATAL(b.nmsgs, 1);
	CU_ASSERT_EQUAL(b.skipped, 1);
	CU_STR_EQ(b.msgs[0].wamid, "wamid.V");
	CU_ASSERT_PTR_NULL(b.msgs[0].target_id);
	tick_wa_batch_free(&b);
}

static void
test_emoji_rule(void)
{
	static const struct {
		const char *s;
		int ok;
	} cases[] = {
		{ "", 1 },
		{ "\xf0\x9f\x91\x8d", 1 },          /* thumbs up */
		{ "\xe2\x9d\xa4\xef\xb8\x8f", 1 },  /* red heart */
		{ "1\xef\xb8\x8f\xe2\x83\xa3", 1 }, /* keycap 1 */
		{ "ok", 0 },
		{ "1", 0 },
		{ "#", 0 },
		{ "1\xef\xb8\x8f"
		  "1",
		    0 },
		{ " \xf0\x9f\x91\x8d", 0 },
		{ "\xff", 0 },
		{ "\xf0\x9f\x91", 0 }, /* cut */
		/* 17 characters: one too many. */
		{ "\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f"
		  "\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d"
		  "\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f"
		  "\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d"
		  "\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xe2\x9d\xa4",
		    0 },
	};

	CU_ASSERT_FALSE(tick_wa_emoji_ok(NULL));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(tick_wa_emoji_ok(cases[i].s), cases[i].ok);
}

static void
test_payloads(void)
{
	json_t *o;
	char *s;

	s = tick_wa_reaction_payload("5215512345678", "wamid.X",
	    "\xf0\x9f\x91\x8d");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	o = json_loads(s, 0, NULL);
	CU_STR_EQ(json_string_value(json_object_get(o, "type")), "reaction");
	CU_STR_EQ(json_string_value(json_object_get(o, "to")), "5215512345678");
	CU_STR_EQ(json_string_value(
	              json_object_get(json_object_get(o, "reaction"),
	                  "message_id")),
	    "wamid.X");
	json_decref(o);
	free(s);
	/* Taken back: an empty emoji; to a user id: "recipient". */
	s = tick_wa_reaction_payload("US.1349", "wamid.X", "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	o = json_loads(s, 0, NULL);
	CU_STR_EQ(json_string_value(
	              json_object_get(json_object_get(o, "reaction"), "emoji")),
	    "");
	CU_STR_EQ(json_string_value(json_object_get(o, "recipient")),
	    "US.1349");
	CU_ASSERT_PTR_NULL(json_object_get(o, "to"));
	json_decref(o);
	free(s);
	CU_ASSERT_PTR_NULL(tick_wa_reaction_payload("1", "wamid.X", "ok"));
	CU_ASSERT_PTR_NULL(
	    tick_wa_reaction_payload("1", "", "\xf0\x9f\x91\x8d"));
	CU_ASSERT_PTR_NULL(tick_wa_reaction_payload(NULL, "w", ""));

	s = tick_wa_with_context("{\"type\":\"text\"}", "wamid.Q");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	o = json_loads(s, 0, NULL);
	CU_STR_EQ(json_string_value(
	              json_object_get(json_object_get(o, "context"),
	                  "message_id")),
	    "wamid.Q");
	CU_STR_EQ(json_string_value(json_object_get(o, "type")), "text");
	json_decref(o);
	free(s);
	CU_ASSERT_PTR_NULL(tick_wa_with_context("[1]", "wamid.Q"));
	CU_ASSERT_PTR_NULL(tick_wa_with_context("{", "wamid.Q"));
	CU_ASSERT_PTR_NULL(tick_wa_with_context("{}", ""));
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "button, list, template and flow answers", test_answers },
		{ "reactions, edits, revokes, quotes", test_changes },
		{ "business app echoes", test_echoes },
		{ "history imports", test_history },
		{ "a history chunk over the limit", test_history_limit },
		{ "limits", test_limits },
		{ "emoji rule", test_emoji_rule },
		{ "reaction and quote payloads", test_payloads },
		{ NULL, NULL },
	};
	return cu_run("richmsg", tests);
}
