#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu.h"
#include "interactive.h"
#include "wa_errors.h"
#include "valid.h"
#include "wa.h"

static char *
fixture(const char *name, size_t *len)
{
	const char *dir = getenv("TICK_SRCDIR");
	char path[1024];
	char *buf = NULL;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/fixtures/%s", dir ? dir : ".",
	    name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

static void
test_text(void)
{
	struct tick_wa_batch b;
	char err[128], *body;
	size_t len = 0;

	body = fixture("webhook_text.json", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_EQUAL(tick_wa_parse_webhook(body, len, &b, err, sizeof(err)),
	    TICK_OK);
	CU_ASSERT_EQUAL_FATAL(b.nmsgs, 1);
	CU_ASSERT_EQUAL(b.nstatuses, 0);
	CU_ASSERT_EQUAL(b.skipped, 0);
	CU_STR_EQ(b.msgs[0].wamid,
	    "wamid.HBgMNTIxNTUxMjM0NTY3OBUCABIYFjNFQjBGMUE0");
	CU_STR_EQ(b.msgs[0].from, "5215512345678");
	CU_STR_EQ(b.msgs[0].profile_name, "Ana Ruiz");
	CU_STR_EQ(b.msgs[0].phone_number_id, "400555666777888");
	CU_ASSERT_EQUAL(b.msgs[0].kind, TICK_WA_TEXT);
	CU_ASSERT_EQUAL(b.msgs[0].timestamp, 1717000100);
	/* \u escapes, surrogate pairs included, arrive as UTF-8. */
	CU_STR_EQ(b.msgs[0].text,
	    "Hola, mi pedido no ha llegado \xc3\xb1 \xf0\x9f\x98\x80");
	tick_wa_batch_free(&b);
	free(body);
}

static void
test_all_types(void)
{
	static const struct {
		const char *wamid;
		enum tick_wa_kind kind;
		const char *text;
		int content;
	} want[] = {
		{ "wamid.T1", TICK_WA_TEXT, "hello", 1 },
		{ "wamid.I1", TICK_WA_IMAGE, "[image] broken screen", 1 },
		{ "wamid.D1", TICK_WA_DOCUMENT, "[document: invoice.pdf]", 1 },
		{ "wamid.A1", TICK_WA_AUDIO, "[voice note]", 1 },
		{ "wamid.V1", TICK_WA_VIDEO, "[video]", 1 },
		{ "wamid.S1", TICK_WA_STICKER, "[sticker]", 1 },
		{ "wamid.L1", TICK_WA_LOCATION,
		    "[location] Zocalo Centro, CDMX 19.432600, -99.133200 https://maps.google.com/?q=19.432600,-99.133200",
		    1 },
		{ "wamid.C1", TICK_WA_CONTACTS,
		    "[contact] Luis Perez +52 55 1111 2222", 1 },
		{ "wamid.B1", TICK_WA_INTERACTIVE, "Yes, please", 1 },
		{ "wamid.LR1", TICK_WA_INTERACTIVE,
		    "Billing (Invoices and payments)", 1 },
		{ "wamid.BT1", TICK_WA_BUTTON, "Stop promotions", 1 },
		{ "wamid.R1", TICK_WA_REACTION, "[reaction] \xf0\x9f\x91\x8d",
		    0 },
		{ "wamid.SY1", TICK_WA_SYSTEM,
		    "[system] Ana changed their phone number", 0 },
		{ "wamid.U1", TICK_WA_UNSUPPORTED, "[unsupported message]", 0 },
		{ "wamid.N1", TICK_WA_UNKNOWN, "[hologram message]", 0 },
		{ "wamid.BS1", TICK_WA_TEXT, "no phone here", 1 },
	};
	struct tick_wa_batch b;
	char err[128], *body;
	size_t len = 0;

	body = fixture("webhook_all_types.json", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_EQUAL_FATAL(tick_wa_parse_webhook(body, len, &b, err,
	                          sizeof(err)),
	    TICK_OK);
	CU_ASSERT_EQUAL_FATAL(b.nmsgs, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < b.nmsgs; i++) {
		CU_STR_EQ(b.msgs[i].wamid, want[i].wamid);
		CU_ASSERT_EQUAL(b.msgs[i].kind, want[i].kind);
		CU_STR_EQ(b.msgs[i].text, want[i].text);
		CU_ASSERT_EQUAL(tick_wa_kind_is_content(b.msgs[i].kind),
		    want[i].content);
	}
	CU_STR_EQ(b.msgs[1].media_id, "1001");
	CU_STR_EQ(b.msgs[1].mime_type, "image/jpeg");
	CU_STR_EQ(b.msgs[2].filename, "invoice.pdf");
	CU_ASSERT_TRUE(b.msgs[6].has_location);
	CU_STR_EQ(b.msgs[6].location_name, "Zocalo");
	CU_STR_EQ(b.msgs[6].location_address, "Centro, CDMX");
	CU_STR_EQ(b.msgs[8].context_id, "wamid.OUT1");
	/* The ids of the button and the list row chosen. */
	CU_STR_EQ(b.msgs[8].reply_id, "yes");
	CU_STR_EQ(b.msgs[9].reply_id, "r1");
	/* A template's quick reply: its payload is its id (issue 13). */
	CU_ASSERT_PTR_NOT_NULL(b.msgs[10].reply_id);
	CU_ASSERT_PTR_NULL(b.msgs[0].reply_id);
	CU_STR_EQ(b.msgs[11].context_id, "wamid.OUT1");
	/* The sender's profile is matched by wa_id among several contacts. */
	CU_STR_EQ(b.msgs[14].profile_name, "Bo");
	/* A 2026 message with no phone number keeps the user id. */
	CU_ASSERT_PTR_NULL(b.msgs[15].from);
	CU_STR_EQ(b.msgs[15].from_user_id, "US.13491208655302741918");
	tick_wa_batch_free(&b);
	free(body);
}

static void
test_statuses(void)
{
	struct tick_wa_batch b;
	char err[128], *body;
	size_t len = 0;

	body = fixture("webhook_statuses.json", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_EQUAL_FATAL(tick_wa_parse_webhook(body, len, &b, err,
	                          sizeof(err)),
	    TICK_OK);
	CU_ASSERT_EQUAL_FATAL(b.nstatuses, 4);
	CU_ASSERT_EQUAL(b.skipped, 1);
	CU_STR_EQ(b.statuses[0].status, "sent");
	CU_ASSERT_EQUAL(b.statuses[0].timestamp, 1717000200);
	CU_ASSERT_EQUAL(b.statuses[1].rank, tick_wa_status_rank("read"));
	CU_ASSERT_EQUAL(b.statuses[2].error_code, 131047);
	CU_STR_EQ(b.statuses[2].error_title, "Re-engagement message");
	CU_ASSERT_EQUAL(b.statuses[3].rank, 0);
	tick_wa_batch_free(&b);
	free(body);
}

/* The pricing object of a status (issue 12): kept when well-formed, left
 * out when odd, billable only from a boolean. */
static void
test_status_pricing(void)
{
	static const char body[] =
	    "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\","
	    "\"changes\":[{\"field\":\"messages\",\"value\":{\"statuses\":["
	    "{\"id\":\"wamid.A\",\"status\":\"sent\",\"timestamp\":\"1\","
	    "\"recipient_id\":\"1\",\"pricing\":{\"billable\":true,"
	    "\"pricing_model\":\"PMP\",\"category\":\"service\","
	    "\"type\":\"regular\"}},"
	    "{\"id\":\"wamid.B\",\"status\":\"sent\",\"timestamp\":\"1\","
	    "\"recipient_id\":\"1\",\"pricing\":{\"billable\":\"yes\","
	    "\"category\":\"x y'--\",\"pricing_model\":"
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}},"
	    "{\"id\":\"wamid.C\",\"status\":\"read\",\"timestamp\":\"1\","
	    "\"recipient_id\":\"1\",\"pricing\":{\"billable\":false,"
	    "\"category\":\"utility\"}},"
	    "{\"id\":\"wamid.D\",\"status\":\"read\",\"timestamp\":\"1\","
	    "\"recipient_id\":\"1\",\"pricing\":[]}]}}]}]}";
	struct tick_wa_batch b;
	char err[128];

	CU_ASSERT_EQUAL_FATAL(tick_wa_parse_webhook(body, sizeof(body) - 1, &b,
	                          err, sizeof(err)),
	    TICK_OK);
	CU_ASSERT_EQUAL_FATAL(b.nstatuses, 4);
	CU_STR_EQ(b.statuses[0].pricing_category, "service");
	CU_STR_EQ(b.statuses[0].pricing_model, "PMP");
	CU_STR_EQ(b.statuses[0].pricing_type, "regular");
	CU_ASSERT_EQUAL(b.statuses[0].billable, 1);
	CU_ASSERT_PTR_NULL(b.statuses[1].pricing_category);
	CU_ASSERT_PTR_NULL(b.statuses[1].pricing_model);
	CU_ASSERT_EQUAL(b.statuses[1].billable, -1);
	CU_STR_EQ(b.statuses[2].pricing_category, "utility");
	CU_ASSERT_EQUAL(b.statuses[2].billable, 0);
	CU_ASSERT_PTR_NULL(b.statuses[3].pricing_category);
	CU_ASSERT_EQUAL(b.statuses[3].billable, -1);
	tick_wa_batch_free(&b);
}

static void
test_bad_shapes(void)
{
	struct tick_wa_batch b;
	char err[128], *body;
	size_t len = 0;

	body = fixture("webhook_bad_shapes.json", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_EQUAL_FATAL(tick_wa_parse_webhook(body, len, &b, err,
	                          sizeof(err)),
	    TICK_OK);
	CU_ASSERT_EQUAL_FATAL(b.nmsgs, 1);
	CU_STR_EQ(b.msgs[0].wamid, "wamid.ok");
	CU_STR_EQ(b.msgs[0].type, "unknown");
	CU_ASSERT_EQUAL(b.msgs[0].timestamp, 0);
	CU_ASSERT_EQUAL(b.skipped, 9);
	tick_wa_batch_free(&b);
	free(body);
}

static void
test_not_json(void)
{
	static const char empty[] =
	    "{\"object\":\"whatsapp_business_account\",\"entry\":[]}";
	static const char *const bad[] = { "", "not json", "[1,2]", "\"x\"",
		"{\"a\":", "{\"object\":\"whatsapp_business_account\"}}" };
	struct tick_wa_batch b;
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(tick_wa_parse_webhook(bad[i], strlen(bad[i]),
		                    &b, err, sizeof(err)),
		    TICK_EINVAL);
		tick_wa_batch_free(&b);
	}
	/* Another product's notification: valid, stored, nothing to do. */
	CU_ASSERT_EQUAL(tick_wa_parse_webhook("{\"object\":\"page\",\"entry\":[]}",
	                    28, &b, err, sizeof(err)),
	    TICK_OK);
	CU_ASSERT_TRUE(b.foreign_object);
	CU_ASSERT_EQUAL(b.nmsgs, 0);
	tick_wa_batch_free(&b);
	CU_ASSERT_EQUAL(tick_wa_parse_webhook(empty, strlen(empty), &b, err,
	                    sizeof(err)),
	    TICK_OK);
	CU_ASSERT_FALSE(b.foreign_object);
	tick_wa_batch_free(&b);
}

static void
test_too_many_items(void)
{
	size_t cap = 64 * 1024, len;
	char *body = malloc(cap), err[128];
	struct tick_wa_batch b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	len = (size_t)snprintf(body, cap,
	    "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{\"statuses\":[");
	for (int i = 0; i < 1001; i++)
		len += (size_t)snprintf(body + len, cap - len, "%s{}",
		    i ? "," : "");
	len += (size_t)snprintf(body + len, cap - len, "]}}]}]}");
	CU_ASSERT_EQUAL(tick_wa_parse_webhook(body, len, &b, err, sizeof(err)),
	    TICK_ETOOBIG);
	tick_wa_batch_free(&b);
	free(body);
}

/* Builds a one-message body whose fields are too long or malformed. */
static char *
hostile_body(void)
{
	char longname[1200], longtext[40000];
	json_t *root;
	char *out;

	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	/* 3-byte characters, so a cut by bytes would split one. */
	for (size_t i = 0; i + 3 < sizeof(longtext); i += 3)
		memcpy(longtext + i, "\xe2\x82\xac", 3);
	longtext[sizeof(longtext) - 1 - (sizeof(longtext) - 1) % 3] = '\0';
	root = json_pack("{s:s, s:[{s:[{s:{s:{s:s}, s:[{s:{s:s}, s:s}],"
	                 " s:[{s:s, s:s, s:s, s:{s:s}}, {s:s, s:s, s:s, s:s}],"
	                 " s:[{s:s, s:s, s:[{s:I, s:s}]}]}}]}]}",
	    "object", "whatsapp_business_account", "entry", "changes", "value",
	    "metadata", "phone_number_id", "400555666777888", "contacts",
	    "profile", "name", longname, "wa_id", "5215512345678", "messages",
	    "from", "5215512345678", "id", "wamid.LONG", "type", "text", "text",
	    "body", longtext, "from", "5215512345678", "id", "wamid.TYPE",
	    "type", "DROP TABLE", "from_user_id", longname, "statuses", "id",
	    "wamid.S", "status", "failed", "errors", "code",
	    (json_int_t)99999999999LL, "title", longname);
	out = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return out;
}

static void
test_fields_fit_their_columns(void)
{
	struct tick_wa_batch b;
	char err[128], *body = hostile_body();
	json_t *bad;

	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_EQUAL_FATAL(tick_wa_parse_webhook(body, strlen(body), &b, err,
	                          sizeof(err)),
	    TICK_OK);
	CU_ASSERT_EQUAL_FATAL(b.nmsgs, 2);
	CU_ASSERT_EQUAL(strlen(b.msgs[0].profile_name), 255);
	CU_ASSERT_TRUE(tick_valid_utf8(b.msgs[0].text, strlen(b.msgs[0].text)));
	CU_ASSERT_EQUAL(strlen(b.msgs[0].text), 8192 * 3);
	/* A type that is not a plain token is unknown; a long user id is dropped. */
	CU_STR_EQ(b.msgs[1].type, "unknown");
	CU_ASSERT_PTR_NULL(b.msgs[1].from_user_id);
	CU_ASSERT_EQUAL_FATAL(b.nstatuses, 1);
	CU_ASSERT_EQUAL(b.statuses[0].error_code, 0);
	CU_ASSERT_EQUAL(strlen(b.statuses[0].error_title), 255);
	tick_wa_batch_free(&b);
	free(body);

	/* A phone_number_id that cannot be one: the change is skipped. */
	bad =
	    json_pack("{s:s, s:[{s:[{s:{s:{s:s}, s:[{s:s, s:s, s:s, s:{s:s}}]}}]}]}",
	        "object", "whatsapp_business_account", "entry", "changes",
	        "value", "metadata", "phone_number_id",
	        "40055566677788899999999999999999999", "messages", "from", "1",
	        "id", "wamid.P", "type", "text", "text", "body", "x");
	body = json_dumps(bad, JSON_COMPACT);
	json_decref(bad);
	CU_ASSERT_EQUAL(tick_wa_parse_webhook(body, strlen(body), &b, err,
	                    sizeof(err)),
	    TICK_OK);
	CU_ASSERT_EQUAL(b.nmsgs, 0);
	CU_ASSERT_EQUAL(b.skipped, 1);
	tick_wa_batch_free(&b);
	free(body);
}

/* A document whose name is longer than its column in bytes, cut inside a
 * character at byte 255, and media fields longer than theirs. */
static void
test_media_fields_fit_in_bytes(void)
{
	char name[512], id[80], err[128], *body;
	struct tick_wa_batch b;
	json_t *v;

	name[0] = '\0';
	for (int i = 0; i < 200; i++)
		strcat(name, "\xc3\xa9"); /* é, two bytes */
	strcat(name, ".pdf");
	memset(id, '7', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	v = json_pack("{s:s, s:[{s:[{s:{s:[{s:s, s:s, s:s, s:{s:s, s:s, s:s}},"
	              " {s:s, s:s, s:s, s:{s:s}}]}}]}]}",
	    "object", "whatsapp_business_account", "entry", "changes", "value",
	    "messages", "from", "1", "id", "wamid.D1", "type", "document",
	    "document", "id", "123", "filename", name, "mime_type",
	    "application/pdf", "from", "1", "id", "wamid.D2", "type", "image",
	    "image", "id", id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	body = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	CU_ASSERT_EQUAL_FATAL(tick_wa_parse_webhook(body, strlen(body), &b, err,
	                          sizeof(err)),
	    TICK_OK);
	CU_ASSERT_EQUAL_FATAL(b.nmsgs, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b.msgs[0].filename);
	CU_ASSERT_EQUAL(strlen(b.msgs[0].filename), 254); /* 127 whole é */
	CU_ASSERT_TRUE(
	    tick_valid_utf8(b.msgs[0].filename, strlen(b.msgs[0].filename)));
	CU_STR_EQ(b.msgs[0].media_id, "123");
	CU_STR_EQ(b.msgs[0].mime_type, "application/pdf");
	/* An id longer than the column is not Meta's: no media to fetch. */
	CU_ASSERT_PTR_NULL(b.msgs[1].media_id);
	CU_STR_EQ(b.msgs[1].text, "[image]");
	tick_wa_batch_free(&b);
	free(body);
}

static void
test_json_scrub(void)
{
	static const struct {
		const char *in, *out;
		size_t n;
	} cases[] = {
		{ "", "", 0 },
		{ "{}", "{}", 0 },
		{ "\"\\u0000\"", "\"\\ufffd\"", 1 },
		{ "\"a\\u0000b\\u0000\"", "\"a\\ufffdb\\ufffd\"", 2 },
		/* lone high, lone low, reversed pair: each replaced */
		{ "\"\\ud800x\"", "\"\\ufffdx\"", 1 },
		{ "\"\\uDC00\"", "\"\\ufffd\"", 1 },
		{ "\"\\udc00\\ud800\"", "\"\\ufffd\\ufffd\"", 2 },
		{ "\"\\ud800\\ud800\\udc00\"", "\"\\ufffd\\ud800\\udc00\"", 1 },
		{ "\"\\ud800\\u0041\"", "\"\\ufffd\\u0041\"", 1 },
		/* a whole pair and other escapes stay */
		{ "\"\\ud83d\\ude00\"", "\"\\ud83d\\ude00\"", 0 },
		{ "\"\\u00e9\\n\\\"\\\\\"", "\"\\u00e9\\n\\\"\\\\\"", 0 },
		/* an escaped backslash then u0000 is text, not an escape */
		{ "\"\\\\u0000\"", "\"\\\\u0000\"", 0 },
		/* outside strings nothing is touched */
		{ "\\u0000", "\\u0000", 0 },
		/* cut short: left as it is */
		{ "\"\\u00", "\"\\u00", 0 },
		{ "\"\\ud800\\udc", "\"\\ufffd\\udc", 1 },
		{ "\"x\\", "\"x\\", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[64];
		size_t len = strlen(cases[i].in);

		memcpy(buf, cases[i].in, len + 1);
		CU_ASSERT_EQUAL(tick_wa_json_scrub(buf, len), cases[i].n);
		CU_STR_EQ(buf, cases[i].out);
	}
}

/* A body jansson would refuse whole for one message: parsed, with U+FFFD. */
static void
test_nul_and_lone_surrogate_bodies(void)
{
	static const char body[] =
	    "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":"
	    "[{\"value\":{\"messages\":[{\"from\":\"1\",\"id\":\"wamid.N\","
	    "\"type\":\"text\",\"text\":{\"body\":\"a\\u0000b\"}},{\"from\":\"1\","
	    "\"id\":\"wamid.S\",\"type\":\"text\",\"text\":{\"body\":"
	    "\"c\\ud800d\"}}]}}]}]}";
	struct tick_wa_batch b;
	char err[128];

	CU_ASSERT_EQUAL_FATAL(tick_wa_parse_webhook(body, sizeof(body) - 1, &b,
	                          err, sizeof(err)),
	    TICK_OK);
	CU_ASSERT_EQUAL_FATAL(b.nmsgs, 2);
	CU_STR_EQ(b.msgs[0].text,
	    "a\xef\xbf\xbd"
	    "b");
	CU_STR_EQ(b.msgs[1].text,
	    "c\xef\xbf\xbd"
	    "d");
	tick_wa_batch_free(&b);
}

static void
test_pnid_mismatch(void)
{
	static const struct {
		const char *want, *pnid, *why;
	} cases[] = {
		{ NULL, NULL, NULL },
		{ NULL, "123", NULL },
		{ "", "123", NULL },
		{ "123", "123", NULL },
		{ "123", NULL, "missing phone_number_id" },
		{ "123", "", "missing phone_number_id" },
		{ "123", "1234", "other phone_number_id" },
		{ "123", "12", "other phone_number_id" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = tick_wa_pnid_mismatch(cases[i].want,
		    cases[i].pnid);

		if (cases[i].why == NULL) {
			CU_ASSERT_PTR_NULL(why);
		} else {
			CU_STR_EQ(why, cases[i].why);
		}
	}
}

static void
test_signature(void)
{
	static const char body[] =
	    "{\"object\":\"whatsapp_business_account\",\"entry\":[]}";
	static const char good[] =
	    "sha256=6df28b1fb1b8201af530b90587eda27a013b56c3c791279e2a40fc242cfdc3eb";
	static const char upper[] =
	    "sha256=6DF28B1FB1B8201AF530B90587EDA27A013B56C3C791279E2A40FC242CFDC3EB";
	size_t n = sizeof(body) - 1;

	CU_ASSERT_EQUAL(tick_wa_check_signature("app_secret_xyz", good, body,
	                    n),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_wa_check_signature("app_secret_xyz", upper, body,
	                    n),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_wa_check_signature("other_secret", good, body, n),
	    TICK_EUNAUTH);
	CU_ASSERT_EQUAL(tick_wa_check_signature("app_secret_xyz", good, body,
	                    n - 1),
	    TICK_EUNAUTH);
	CU_ASSERT_EQUAL(tick_wa_check_signature("app_secret_xyz", NULL, body,
	                    n),
	    TICK_EUNAUTH);
	CU_ASSERT_EQUAL(tick_wa_check_signature("app_secret_xyz", "", body, n),
	    TICK_EUNAUTH);
	CU_ASSERT_EQUAL(tick_wa_check_signature("app_secret_xyz", good + 7,
	                    body, n),
	    TICK_EUNAUTH);
	CU_ASSERT_EQUAL(tick_wa_check_signature("app_secret_xyz", "sha256=6df2",
	                    body, n),
	    TICK_EUNAUTH);
	CU_ASSERT_EQUAL(tick_wa_check_signature("app_secret_xyz",
	                    "sha1=6df28b1fb1b8201af530b90587eda27a013b56c3",
	                    body, n),
	    TICK_EUNAUTH);
	CU_ASSERT_EQUAL(
	    tick_wa_check_signature("app_secret_xyz",
	        "sha256=zz28b1fb1b8201af530b90587eda27a013b56c3c791279e2a40fc242cfdc3eb",
	        body, n),
	    TICK_EUNAUTH);
}

static void
test_rules(void)
{
	CU_ASSERT_TRUE(
	    tick_wa_status_rank("read") > tick_wa_status_rank("delivered"));
	CU_ASSERT_TRUE(
	    tick_wa_status_rank("delivered") > tick_wa_status_rank("sent"));
	CU_ASSERT_TRUE(
	    tick_wa_status_rank("failed") > tick_wa_status_rank("sent"));
	CU_ASSERT_TRUE(
	    tick_wa_status_rank("delivered") > tick_wa_status_rank("failed"));
	CU_ASSERT_TRUE(
	    tick_wa_status_rank("sent") > tick_wa_status_rank("accepted"));
	CU_ASSERT_EQUAL(tick_wa_status_rank("played"),
	    tick_wa_status_rank("read"));
	CU_ASSERT_EQUAL(tick_wa_status_rank("bogus"), 0);
	CU_ASSERT_EQUAL(tick_wa_status_rank(NULL), 0);

	CU_ASSERT_FALSE(tick_wa_error_retryable(131047, 400));
	CU_ASSERT_FALSE(tick_wa_error_retryable(131026, 400));
	CU_ASSERT_FALSE(tick_wa_error_retryable(131026, 500));
	CU_ASSERT_FALSE(tick_wa_error_retryable(190, 401));
	CU_ASSERT_FALSE(tick_wa_error_retryable(100, 400));
	CU_ASSERT_FALSE(tick_wa_error_retryable(131048, 400));
	CU_ASSERT_FALSE(tick_wa_error_retryable(368, 400));
	CU_ASSERT_FALSE(tick_wa_error_retryable(132001, 400));
	CU_ASSERT_TRUE(tick_wa_error_retryable(130429, 400));
	CU_ASSERT_TRUE(tick_wa_error_retryable(131056, 400));
	CU_ASSERT_TRUE(tick_wa_error_retryable(4, 400));
	CU_ASSERT_TRUE(tick_wa_error_retryable(80007, 400));
	CU_ASSERT_TRUE(tick_wa_error_retryable(0, 0));
	CU_ASSERT_TRUE(tick_wa_error_retryable(0, 503));
	CU_ASSERT_FALSE(tick_wa_error_retryable(0, 404));

	CU_ASSERT_EQUAL(tick_wa_backoff(1), 60);
	CU_ASSERT_EQUAL(tick_wa_backoff(2), 120);
	CU_ASSERT_EQUAL(tick_wa_backoff(5), 960);
	CU_ASSERT_EQUAL(tick_wa_backoff(100), 21600);
	CU_ASSERT_EQUAL(tick_wa_backoff(0), 60);
}

static void
test_send_response(void)
{
	static const char ok[] =
	    "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"52155\",\"wa_id\":\"52155\"}],\"messages\":[{\"id\":\"wamid.OK1\"}]}";
	static const char e131047[] =
	    "{\"error\":{\"message\":\"(#131047) Re-engagement message\",\"type\":\"OAuthException\",\"code\":131047,\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":\"x\"},\"fbtrace_id\":\"A\"}}";
	static const char e130429[] =
	    "{\"error\":{\"message\":\"(#130429) Rate limit hit\",\"code\":130429}}";
	struct tick_wa_result r;

	CU_ASSERT_EQUAL(tick_wa_parse_send_response(200, ok, sizeof(ok) - 1,
	                    &r),
	    TICK_OK);
	CU_STR_EQ(r.wamid, "wamid.OK1");
	CU_ASSERT_EQUAL(tick_wa_parse_send_response(400, e131047,
	                    sizeof(e131047) - 1, &r),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(r.error_code, 131047);
	CU_STR_EQ(r.error_title, "(#131047) Re-engagement message");
	CU_ASSERT_FALSE(r.retryable);
	CU_ASSERT_EQUAL(tick_wa_parse_send_response(400, e130429,
	                    sizeof(e130429) - 1, &r),
	    TICK_EUPSTREAM);
	CU_ASSERT_TRUE(r.retryable);
	CU_ASSERT_EQUAL(tick_wa_parse_send_response(502,
	                    "<html>bad gateway</html>", 24, &r),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(r.error_code, 0);
	CU_ASSERT_TRUE(r.retryable);
	CU_ASSERT_EQUAL(tick_wa_parse_send_response(200, "{}", 2, &r),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(tick_wa_parse_send_response(200, NULL, 0, &r),
	    TICK_EUPSTREAM);
}

static void
test_payload(void)
{
	char *p = tick_wa_text_payload("5215512345678",
	    "Ticket \"TKT-000001\"\nopen");
	json_t *v;
	json_error_t je;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	v = json_loads(p, 0, &je);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_STR_EQ(json_string_value(json_object_get(v, "messaging_product")),
	    "whatsapp");
	CU_STR_EQ(json_string_value(json_object_get(v, "to")), "5215512345678");
	CU_STR_EQ(json_string_value(json_object_get(v, "type")), "text");
	CU_STR_EQ(json_string_value(
	              json_object_get(json_object_get(v, "text"), "body")),
	    "Ticket \"TKT-000001\"\nopen");
	CU_ASSERT_TRUE(json_is_false(
	    json_object_get(json_object_get(v, "text"), "preview_url")));
	json_decref(v);
	free(p);
}

/* The interactive object of payload p, parsed (a new reference). */
static json_t *
interactive_of(const char *p)
{
	json_t *v = p != NULL ? json_loads(p, 0, NULL) : NULL;
	json_t *it = json_incref(json_object_get(v, "interactive"));

	CU_STR_EQ(json_string_value(json_object_get(v, "type")), "interactive");
	CU_STR_EQ(json_string_value(json_object_get(v, "to")), "5215512345678");
	json_decref(v);
	return it;
}

static void
test_interactive_payloads(void)
{
	/* Titles over WhatsApp's limits, made of two-byte characters. */
	char long_title[64] = "", long_desc[200] = "", body[3000] = "";
	struct tick_wa_choice rows[11], buttons[4];
	json_t *it, *r;
	char *p, ids[11][8];

	for (int i = 0; i < 30; i++)
		strcat(long_title, "\xc3\xa9");
	for (int i = 0; i < 80; i++)
		strcat(long_desc, "\xc3\xa9");
	for (int i = 0; i < 1100; i++)
		strcat(body, "\xc3\xa9");
	for (int i = 0; i < 11; i++) {
		snprintf(ids[i], sizeof(ids[i]), "r%u", (unsigned)i % 100);
		rows[i].id = ids[i];
		rows[i].title = long_title;
		rows[i].description = i % 2 ? long_desc : NULL;
	}
	p = tick_wa_list_payload("5215512345678", body,
	    "Choose one of these options", rows, 10);
	it = interactive_of(p);
	CU_STR_EQ(json_string_value(json_object_get(it, "type")), "list");
	CU_ASSERT_EQUAL(tick_valid_utf8_chars(json_string_value(
	                    json_object_get(json_object_get(it, "body"),
	                        "text"))),
	    1024);
	CU_STR_EQ(json_string_value(
	              json_object_get(json_object_get(it, "action"), "button")),
	    "Choose one of these ");
	r = json_object_get(json_array_get(json_object_get(json_object_get(it,
	                                                       "action"),
	                                       "sections"),
	                        0),
	    "rows");
	CU_ASSERT_EQUAL(json_array_size(r), 10);
	CU_STR_EQ(json_string_value(
	              json_object_get(json_array_get(r, 3), "id")),
	    "r3");
	CU_ASSERT_EQUAL(tick_valid_utf8_chars(json_string_value(
	                    json_object_get(json_array_get(r, 3), "title"))),
	    24);
	CU_ASSERT_EQUAL(tick_valid_utf8_chars(json_string_value(
	                    json_object_get(json_array_get(r, 3),
	                        "description"))),
	    72);
	CU_ASSERT_PTR_NULL(
	    json_object_get(json_array_get(r, 2), "description"));
	json_decref(it);
	free(p);
	/* More rows than a list takes, none, an empty id, an empty body. */
	CU_ASSERT_PTR_NULL(
	    p = tick_wa_list_payload("5215512345678", "b", "Go", rows, 11));
	CU_ASSERT_PTR_NULL(
	    p = tick_wa_list_payload("5215512345678", "b", "Go", rows, 0));
	rows[0].id = "";
	CU_ASSERT_PTR_NULL(
	    p = tick_wa_list_payload("5215512345678", "b", "Go", rows, 1));
	rows[0].id = ids[0];
	CU_ASSERT_PTR_NULL(
	    p = tick_wa_list_payload("5215512345678", "", "Go", rows, 1));
	CU_ASSERT_PTR_NULL(p = tick_wa_list_payload(NULL, "b", "Go", rows, 1));

	for (int i = 0; i < 4; i++) {
		buttons[i].id = ids[i];
		buttons[i].title = long_title;
		buttons[i].description = NULL;
	}
	p = tick_wa_buttons_payload("5215512345678", "Stay anonymous?", buttons,
	    3);
	it = interactive_of(p);
	CU_STR_EQ(json_string_value(json_object_get(it, "type")), "button");
	r = json_object_get(json_object_get(it, "action"), "buttons");
	CU_ASSERT_EQUAL(json_array_size(r), 3);
	CU_STR_EQ(json_string_value(
	              json_object_get(json_array_get(r, 0), "type")),
	    "reply");
	CU_STR_EQ(json_string_value(
	              json_object_get(json_object_get(json_array_get(r, 2),
	                                  "reply"),
	                  "id")),
	    "r2");
	CU_ASSERT_EQUAL(tick_valid_utf8_chars(json_string_value(
	                    json_object_get(json_object_get(json_array_get(r, 2),
	                                        "reply"),
	                        "title"))),
	    20);
	json_decref(it);
	free(p);
	CU_ASSERT_PTR_NULL(
	    p = tick_wa_buttons_payload("5215512345678", "b", buttons, 4));
	CU_ASSERT_PTR_NULL(
	    p = tick_wa_buttons_payload("5215512345678", "b", buttons, 0));
}

/* A template whose quick replies carry payloads (CSAT outside the
 * window): indexes as strings, one payload each, bad arguments refused. */
static void
test_template_quick_payload(void)
{
	const char *pl[] = { "csat:7:3", "csat:7:2", "csat:7:1" };
	const char *bad[] = { "csat:7:3", "" };
	char *s = tick_wa_template_quick_payload("5215512345678", "rate_us",
	    "es_MX", pl, 3);
	json_t *o, *c;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	o = json_loads(s, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_STR_EQ(json_string_value(json_object_get(o, "type")), "template");
	c = json_object_get(json_object_get(o, "template"), "components");
	CU_ASSERT_EQUAL(json_array_size(c), 3);
	CU_STR_EQ(json_string_value(
	              json_object_get(json_array_get(c, 2), "index")),
	    "2");
	CU_STR_EQ(json_string_value(json_object_get(
	              json_array_get(json_object_get(json_array_get(c, 2),
	                                 "parameters"),
	                  0),
	              "payload")),
	    "csat:7:1");
	CU_STR_EQ(json_string_value(
	              json_object_get(json_object_get(json_object_get(o,
	                                                  "template"),
	                                  "language"),
	                  "code")),
	    "es_MX");
	json_decref(o);
	free(s);
	CU_ASSERT_PTR_NULL(
	    tick_wa_template_quick_payload("1", "t", "en", pl, 0));
	CU_ASSERT_PTR_NULL(
	    tick_wa_template_quick_payload("1", "t", "en", pl, 4));
	CU_ASSERT_PTR_NULL(
	    tick_wa_template_quick_payload("1", "t", "en", bad, 2));
	CU_ASSERT_PTR_NULL(
	    tick_wa_template_quick_payload(NULL, "t", "en", pl, 1));
}

/* An agent's buttons and list, as Meta documents them; read marks. */
static void
test_agent_interactive_payload(void)
{
	static const char *const expect_buttons =
	    "{\"messaging_product\":\"whatsapp\",\"recipient_type\":"
	    "\"individual\",\"to\":\"5215512345678\",\"type\":"
	    "\"interactive\",\"interactive\":{\"type\":\"button\","
	    "\"body\":{\"text\":\"Ok?\"},\"header\":{\"type\":\"text\","
	    "\"text\":\"H\"},\"footer\":{\"text\":\"F\"},\"action\":"
	    "{\"buttons\":[{\"type\":\"reply\",\"reply\":{\"id\":\"y\","
	    "\"title\":\"Yes\"}},{\"type\":\"reply\",\"reply\":{\"id\":"
	    "\"opt-2\",\"title\":\"No\"}}]}}}";
	json_t *b = json_loads("{\"buttons\": [{\"id\": \"y\", \"title\": "
	                       "\"Yes\"}, {\"title\": \"No\"}], \"header\": "
	                       "\"H\", \"footer\": \"F\"}",
	    0, NULL);
	json_t *l = json_loads("{\"list\": {\"button\": \"Pick\", "
	                       "\"sections\": [{\"title\": \"A\", \"rows\": "
	                       "[{\"title\": \"One\", \"description\": "
	                       "\"d\"}]}, {\"title\": \"B\", \"rows\": "
	                       "[{\"id\": \"two\", \"title\": \"Two\"}]}]}}",
	    0, NULL);
	struct tick_ia ia;
	char field[96], why[200], *s;
	json_t *o, *secs;

	CU_ASSERT_EQUAL_FATAL(tick_ia_parse(b, "Ok?", &ia, field, sizeof(field),
	                          why, sizeof(why)),
	    TICK_OK);
	s = tick_wa_interactive_payload("5215512345678", "Ok?", &ia);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_STR_EQ(s, expect_buttons);
	free(s);
	CU_ASSERT_EQUAL_FATAL(tick_ia_parse(l, "Which?", &ia, field,
	                          sizeof(field), why, sizeof(why)),
	    TICK_OK);
	s = tick_wa_interactive_payload("US.123", "Which?", &ia);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	o = json_loads(s, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_STR_EQ(json_string_value(json_object_get(o, "recipient")), "US.123");
	{
		json_t *whole = o;

		o = json_incref(json_object_get(whole, "interactive"));
		json_decref(whole);
	}
	CU_STR_EQ(json_string_value(json_object_get(o, "type")), "list");
	CU_ASSERT_PTR_NULL(json_object_get(o, "header"));
	secs = json_object_get(json_object_get(o, "action"), "sections");
	CU_ASSERT_EQUAL(json_array_size(secs), 2);
	CU_STR_EQ(json_string_value(json_object_get(
	              json_array_get(json_object_get(json_array_get(secs, 1),
	                                 "rows"),
	                  0),
	              "id")),
	    "two");
	CU_STR_EQ(json_string_value(json_object_get(
	              json_array_get(json_object_get(json_array_get(secs, 0),
	                                 "rows"),
	                  0),
	              "description")),
	    "d");
	json_decref(o);
	free(s);
	/* A plain reply is not interactive. */
	ia.kind = TICK_IA_NONE;
	CU_ASSERT_PTR_NULL(tick_wa_interactive_payload("1", "x", &ia));
	json_decref(b);
	json_decref(l);

	s = tick_wa_read_payload("wamid.X1", 1);
	CU_STR_EQ(s,
	    "{\"messaging_product\":\"whatsapp\",\"status\":\"read\","
	    "\"message_id\":\"wamid.X1\",\"typing_indicator\":{\"type\":"
	    "\"text\"}}");
	free(s);
	s = tick_wa_read_payload("wamid.X1", 0);
	CU_STR_EQ(s,
	    "{\"messaging_product\":\"whatsapp\",\"status\":\"read\","
	    "\"message_id\":\"wamid.X1\"}");
	free(s);
	CU_ASSERT_PTR_NULL(tick_wa_read_payload("", 1));
	CU_ASSERT_PTR_NULL(tick_wa_read_payload(NULL, 1));
}

/* Meta answers a read mark {"success": true}: sent, with no message id. */
static void
test_read_response(void)
{
	struct tick_wa_result r;
	const char *ok = "{\"success\":true}", *no = "{\"success\":false}";

	CU_ASSERT_EQUAL(tick_wa_parse_send_response(200, ok, strlen(ok), &r),
	    TICK_OK);
	CU_STR_EQ(r.wamid, "");
	CU_ASSERT_EQUAL(tick_wa_parse_send_response(200, no, strlen(no), &r),
	    TICK_EUPSTREAM);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "text message", test_text },
		{ "every message type", test_all_types },
		{ "statuses", test_statuses },
		{ "status_pricing", test_status_pricing },
		{ "bad shapes are skipped", test_bad_shapes },
		{ "not JSON", test_not_json },
		{ "item limit", test_too_many_items },
		{ "fields fit their columns", test_fields_fit_their_columns },
		{ "media fields fit in bytes", test_media_fields_fit_in_bytes },
		{ "JSON scrub", test_json_scrub },
		{ "NUL and lone surrogate bodies",
		    test_nul_and_lone_surrogate_bodies },
		{ "phone number id", test_pnid_mismatch },
		{ "signature", test_signature },
		{ "status and retry rules", test_rules },
		{ "send responses", test_send_response },
		{ "text payload", test_payload },
		{ "interactive payloads", test_interactive_payloads },
		{ "an agent's buttons and lists, read marks",
		    test_agent_interactive_payload },
		{ "read mark answers", test_read_response },
		{ "template quick replies", test_template_quick_payload },
		{ NULL, NULL },
	};
	return cu_run("wa", tests);
}
