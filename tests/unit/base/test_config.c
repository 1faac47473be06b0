#include <string.h>

#include "config.h"
#include "cu.h"

static void
base(struct tick_config *c)
{
	tick_config_init(c);
	tick_config_offer(c, "DB_NAME", "tick");
	tick_config_offer(c, "DB_USER", "tick");
}

static void
test_defaults(void)
{
	struct tick_config c;
	char err[256] = "";

	base(&c);
	CU_ASSERT_EQUAL(tick_config_finish(&c, err, sizeof(err)), TICK_OK);
	CU_STR_EQ(tick_config_get(&c, TICK_CFG_WA_API_URL),
	    "https://graph.facebook.com/v25.0");
	CU_STR_EQ(tick_config_get(&c, TICK_CFG_TICKET_ID_PREFIX), "TKT");
	CU_ASSERT_EQUAL(tick_config_num(&c, TICK_CFG_DB_PORT), 3306);
	CU_ASSERT_FALSE(tick_config_wa_ready(&c));
	CU_ASSERT_PTR_NULL(tick_config_get(&c, TICK_CFG_WA_APP_SECRET));
	/* No read host: reports read where everything else does. */
	CU_ASSERT_PTR_NULL(tick_config_get(&c, TICK_CFG_DB_READ_HOST));
	CU_ASSERT_EQUAL(tick_config_num(&c, TICK_CFG_DB_READ_PORT), 0);
	tick_config_free(&c);
}

static void
test_read_host(void)
{
	struct tick_config c;
	char err[256] = "";

	base(&c);
	tick_config_offer(&c, "DB_READ_HOST", "10.0.0.2");
	tick_config_offer(&c, "DB_READ_PORT", "3307");
	CU_ASSERT_EQUAL(tick_config_finish(&c, err, sizeof(err)), TICK_OK);
	CU_STR_EQ(tick_config_get(&c, TICK_CFG_DB_READ_HOST), "10.0.0.2");
	CU_ASSERT_EQUAL(tick_config_num(&c, TICK_CFG_DB_READ_PORT), 3307);
	CU_ASSERT_EQUAL(tick_config_num(&c, TICK_CFG_DB_PORT), 3306);
	tick_config_free(&c);
}

static void
test_required(void)
{
	struct tick_config c;
	char err[256] = "";

	tick_config_init(&c);
	tick_config_offer(&c, "DB_USER", "tick");
	CU_ASSERT_EQUAL(tick_config_finish(&c, err, sizeof(err)), TICK_ECONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "DB_NAME"));
	tick_config_free(&c);
}

static void
test_bad_values_name_the_key(void)
{
	static const struct {
		const char *key, *value;
	} bad[] = {
		{ "DB_PORT", "0" },
		{ "DB_PORT", "70000" },
		{ "DB_PORT", "33o6" },
		{ "DB_READ_PORT", "0" },
		{ "DB_READ_PORT", "65536" },
		{ "WHATSAPP_API_URL", "http://graph.facebook.com" },
		{ "WHATSAPP_PHONE_NUMBER_ID", "12ab" },
		{ "TICKET_ID_PREFIX", "tk" },
		{ "TICKET_ID_PREFIX", "TOOLONGPREFIX" },
		{ "TICK_CA_FILE", "/nonexistent/ca.pem" },
		{ "WHATSAPP_TIMEOUT_MS", "10" },
		{ "TICK_LOG_LEVEL", "loud" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tick_config c;
		char err[256] = "";

		base(&c);
		tick_config_offer(&c, bad[i].key, bad[i].value);
		CU_ASSERT_EQUAL(tick_config_finish(&c, err, sizeof(err)),
		    TICK_ECONFIG);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].key));
		tick_config_free(&c);
	}
}

static void
test_first_source_wins_and_alias(void)
{
	struct tick_config c;
	char err[256] = "";

	base(&c);
	CU_ASSERT_EQUAL(tick_config_offer(&c, "WEBHOOK_VERIFY_TOKEN",
	                    "from-env"),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_config_offer(&c, "WHATSAPP_VERIFY_TOKEN",
	                    "from-file"),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_config_offer(&c, "NOT_A_KEY", "x"),
	    TICK_ENOTFOUND);
	CU_ASSERT_EQUAL(tick_config_finish(&c, err, sizeof(err)), TICK_OK);
	CU_STR_EQ(tick_config_get(&c, TICK_CFG_WA_VERIFY_TOKEN), "from-env");
	tick_config_free(&c);
}

static void
test_file_text(void)
{
	static const char text[] =
	    "# comment\n\n"
	    "DB_NAME=tick\n"
	    "export DB_USER = 'tick user'\r\n"
	    "WHATSAPP_API_URL=\"http://127.0.0.1:9/v25.0/\"\n"
	    "UNKNOWN_KEY=ignored\n"
	    "  WHATSAPP_APP_SECRET=s=e=c\n";
	struct tick_config c;
	char err[256] = "";

	tick_config_init(&c);
	CU_ASSERT_EQUAL(tick_config_parse_text(&c, text, sizeof(text) - 1, err,
	                    sizeof(err)),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_config_finish(&c, err, sizeof(err)), TICK_OK);
	CU_STR_EQ(tick_config_get(&c, TICK_CFG_DB_USER), "tick user");
	/* The trailing slash is dropped so paths join cleanly. */
	CU_STR_EQ(tick_config_get(&c, TICK_CFG_WA_API_URL),
	    "http://127.0.0.1:9/v25.0");
	CU_STR_EQ(tick_config_get(&c, TICK_CFG_WA_APP_SECRET), "s=e=c");
	tick_config_free(&c);
}

static void
test_file_errors(void)
{
	struct tick_config c;
	char err[256] = "";

	tick_config_init(&c);
	CU_ASSERT_EQUAL(tick_config_parse_text(&c, "DB_NAME\n", 8, err,
	                    sizeof(err)),
	    TICK_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 1"));
	CU_ASSERT_EQUAL(tick_config_parse_text(&c, "A=1\nB=\0\n", 8, err,
	                    sizeof(err)),
	    TICK_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 2"));
	tick_config_free(&c);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "defaults", test_defaults },
		{ "a read host and port", test_read_host },
		{ "required keys", test_required },
		{ "bad values name their key", test_bad_values_name_the_key },
		{ "environment wins, aliases",
		    test_first_source_wins_and_alias },
		{ "file text", test_file_text },
		{ "file errors", test_file_errors },
		{ NULL, NULL },
	};
	return cu_run("config", tests);
}
