#include <string.h>

#include "config.h"
#include "cu.h"
#include "json.h"
#include "site_rules.h"
#include "texts.h"

static void
test_code(void)
{
	static const struct {
		const char *in, *out; /* out NULL: refused */
	} cases[] = {
		{ "NRT01", "NRT01" },
		{ "nrt01", "NRT01" },
		{ "NrT", "NRT" },
		{ "0123456789", "0123456789" },
		{ "ABC", "ABC" },
		{ "AB", NULL },
		{ "", NULL },
		{ "ABCDEFGHIJK", NULL },
		{ "NRT 01", NULL },
		{ " NRT01", NULL },
		{ "NRT-01", NULL },
		{ "NRT_01", NULL },
		{ "#NRT01", NULL },
		{ "ÑRT01", NULL },
		{ "NRT\t1", NULL },
		{ "NRT01\n", NULL },
	};
	char out[TICK_SITE_CODE_MAX + 1];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = tick_site_check_code(cases[i].in, out);

		if (cases[i].out != NULL) {
			CU_ASSERT_PTR_NULL(why);
			CU_STR_EQ(out, cases[i].out);
		} else {
			CU_ASSERT_PTR_NOT_NULL(why);
			CU_STR_EQ(out, "");
		}
	}
	CU_ASSERT_PTR_NOT_NULL(tick_site_check_code(NULL, out));
}

static void
test_coord(void)
{
	static const struct {
		const char *json;
		int latitude, ok;
		double want;
	} cases[] = {
		{ "[19.432608]", 1, 1, 19.432608 },
		{ "[-90]", 1, 1, -90 },
		{ "[90]", 1, 1, 90 },
		{ "[90.0000001]", 1, 0, 0 },
		{ "[-90.5]", 1, 0, 0 },
		{ "[180]", 0, 1, 180 },
		{ "[-180]", 0, 1, -180 },
		{ "[180.1]", 0, 0, 0 },
		{ "[120]", 1, 0, 0 },
		{ "[120]", 0, 1, 120 },
		{ "[0]", 0, 1, 0 },
		{ "[1e308]", 1, 0, 0 },
		{ "[\"19.4\"]", 1, 0, 0 },
		{ "[null]", 1, 0, 0 },
		{ "[true]", 0, 0, 0 },
		{ "[[1]]", 0, 0, 0 },
	};
	char err[64], text[16];
	double d;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *arr = NULL;
		const char *why;

		CU_ASSERT_EQUAL_FATAL(tick_json_parse(cases[i].json,
		                          strlen(cases[i].json), &arr, err,
		                          sizeof(err)),
		    TICK_OK);
		why = tick_site_check_coord(json_array_get(arr, 0),
		    cases[i].latitude, &d);
		CU_ASSERT_EQUAL(why == NULL, cases[i].ok);
		if (cases[i].ok)
			CU_ASSERT_DOUBLE_EQUAL(d, cases[i].want, 1e-9);
		json_decref(arr);
	}
	/* A huge integer is kept as a real by tick_json_parse and refused. */
	{
		json_t *arr = NULL;

		CU_ASSERT_EQUAL_FATAL(tick_json_parse("[99999999999999999999]",
		                          22, &arr, err, sizeof(err)),
		    TICK_OK);
		CU_ASSERT_PTR_NOT_NULL(
		    tick_site_check_coord(json_array_get(arr, 0), 0, &d));
		json_decref(arr);
	}
	CU_ASSERT_PTR_NOT_NULL(tick_site_check_coord(NULL, 1, &d));

	tick_site_coord_text(19.4326077, text);
	CU_STR_EQ(text, "19.432608");
	tick_site_coord_text(-180, text);
	CU_STR_EQ(text, "-180.000000");
	tick_site_coord_text(0.1, text);
	CU_STR_EQ(text, "0.100000");
}

/* TEXT_SITE_QR_PREFILL: its default, {code} wherever it is, the room. */
static void
test_prefill_text(void)
{
	struct tick_config cfg;
	char err[128], out[64];

	tick_config_init(&cfg);
	tick_config_offer(&cfg, "DB_NAME", "tick");
	tick_config_offer(&cfg, "DB_USER", "tick");
	CU_ASSERT_EQUAL_FATAL(tick_config_finish(&cfg, err, sizeof(err)),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_text_render_code(&cfg, TICK_TEXT_SITE_QR, "NRT01",
	                    out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "Site NRT01: ");
	/* Exactly enough room, then one byte less. */
	CU_ASSERT_EQUAL(tick_text_render_code(&cfg, TICK_TEXT_SITE_QR, "NRT01",
	                    out, 13),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_text_render_code(&cfg, TICK_TEXT_SITE_QR, "NRT01",
	                    out, 12),
	    TICK_ETOOBIG);
	CU_ASSERT_EQUAL(tick_text_render_code(&cfg, TICK_TEXT__MAX, "NRT01",
	                    out, sizeof(out)),
	    TICK_EINVAL);
	tick_config_free(&cfg);

	tick_config_init(&cfg);
	tick_config_offer(&cfg, "DB_NAME", "tick");
	tick_config_offer(&cfg, "DB_USER", "tick");
	tick_config_offer(&cfg, "TEXT_SITE_QR_PREFILL", "{code}/{ref} {code}");
	CU_ASSERT_EQUAL_FATAL(tick_config_finish(&cfg, err, sizeof(err)),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_text_render_code(&cfg, TICK_TEXT_SITE_QR, "AB1",
	                    out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "AB1/{ref} AB1");
	tick_config_free(&cfg);
}

/* WHATSAPP_DISPLAY_PHONE_NUMBER keeps the digits; a bad one stops the
 * program, naming the key. */
static void
test_display_number_config(void)
{
	struct tick_config cfg;
	char err[160];

	tick_config_init(&cfg);
	tick_config_offer(&cfg, "DB_NAME", "tick");
	tick_config_offer(&cfg, "DB_USER", "tick");
	tick_config_offer(&cfg, "WHATSAPP_DISPLAY_PHONE_NUMBER",
	    "+1 (555) 000-1111");
	CU_ASSERT_EQUAL_FATAL(tick_config_finish(&cfg, err, sizeof(err)),
	    TICK_OK);
	CU_STR_EQ(tick_config_get(&cfg, TICK_CFG_WA_DISPLAY_PHONE_NUMBER),
	    "15550001111");
	CU_ASSERT_EQUAL(tick_config_num(&cfg, TICK_CFG_WA_QR_API), 0);
	tick_config_free(&cfg);

	tick_config_init(&cfg);
	tick_config_offer(&cfg, "DB_NAME", "tick");
	tick_config_offer(&cfg, "DB_USER", "tick");
	tick_config_offer(&cfg, "WHATSAPP_DISPLAY_PHONE_NUMBER", "555-0100");
	CU_ASSERT_EQUAL(tick_config_finish(&cfg, err, sizeof(err)),
	    TICK_ECONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "WHATSAPP_DISPLAY_PHONE_NUMBER"));
	tick_config_free(&cfg);

	tick_config_init(&cfg);
	tick_config_offer(&cfg, "DB_NAME", "tick");
	tick_config_offer(&cfg, "DB_USER", "tick");
	tick_config_offer(&cfg, "WHATSAPP_QR_API", "2");
	CU_ASSERT_EQUAL(tick_config_finish(&cfg, err, sizeof(err)),
	    TICK_ECONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "WHATSAPP_QR_API"));
	tick_config_free(&cfg);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "code: shape and upper case", test_code },
		{ "latitude and longitude", test_coord },
		{ "the QR's prefilled text", test_prefill_text },
		{ "the business number's configuration",
		    test_display_number_config },
		{ NULL, NULL },
	};
	return cu_run("site_rules", tests);
}
