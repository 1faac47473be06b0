#include <string.h>

#include "cu.h"
#include "wa.h"

#define S(x) x, sizeof(x) - 1

static void
test_qr_response(void)
{
	struct tick_wa_result res;
	struct tick_wa_qr qr;

	CU_ASSERT_EQUAL(
	    tick_wa_parse_qr_response(200,
	        S("{\"code\":\"4O4YGZEG3RIVE1\","
	          "\"prefilled_message\":\"Site NRT01: \","
	          "\"deep_link_url\":\"https://wa.me/message/4O4YGZEG3RIVE1\","
	          "\"qr_image_url\":\"https://scontent.example/x.svg\"}"),
	        &qr, &res),
	    TICK_OK);
	CU_STR_EQ(qr.code, "4O4YGZEG3RIVE1");
	CU_STR_EQ(qr.deep_link, "https://wa.me/message/4O4YGZEG3RIVE1");
	CU_STR_EQ(qr.prefill, "Site NRT01: ");

	/* Meta's error body: its code and message. */
	CU_ASSERT_EQUAL(tick_wa_parse_qr_response(400,
	                    S("{\"error\":{\"message\":\"(#100) Invalid "
	                      "parameter\",\"type\":\"OAuthException\","
	                      "\"code\":100}}"),
	                    &qr, &res),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(res.error_code, 100);
	CU_STR_EQ(res.error_title, "(#100) Invalid parameter");
	CU_STR_EQ(qr.code, "");

	/* 200 but unusable: no code, a code that is not one, a link that is
	 * not https, not JSON, nothing. */
	CU_ASSERT_EQUAL(tick_wa_parse_qr_response(200,
	                    S("{\"deep_link_url\":\"https://wa.me/message/X\"}"),
	                    &qr, &res),
	    TICK_EUPSTREAM);
	CU_ASSERT(res.error_title[0] != '\0');
	CU_ASSERT_EQUAL(tick_wa_parse_qr_response(200,
	                    S("{\"code\":\"A B\",\"deep_link_url\":"
	                      "\"https://wa.me/message/X\"}"),
	                    &qr, &res),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(tick_wa_parse_qr_response(200,
	                    S("{\"code\":\"ABC\",\"deep_link_url\":"
	                      "\"javascript:alert(1)\"}"),
	                    &qr, &res),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(tick_wa_parse_qr_response(200,
	                    S("{\"code\":\"ABC\",\"deep_link_url\":"
	                      "\"https://wa.me/message/\\\"><x\"}"),
	                    &qr, &res),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(tick_wa_parse_qr_response(200,
	                    S("{\"code\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	                      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"deep_link_url\":"
	                      "\"https://wa.me/message/X\"}"),
	                    &qr, &res),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(tick_wa_parse_qr_response(200, S("not json"), &qr,
	                    &res),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(tick_wa_parse_qr_response(200, NULL, 0, &qr, &res),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(tick_wa_parse_qr_response(500, NULL, 0, &qr, &res),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(res.http_status, 500);
}

static void
test_display_number(void)
{
	struct tick_wa_result res;
	char out[16];

	CU_ASSERT_EQUAL(tick_wa_parse_display_number(200,
	                    S("{\"display_phone_number\":\"+1 555-000-1111\","
	                      "\"id\":\"400555666777888\"}"),
	                    out, &res),
	    TICK_OK);
	CU_STR_EQ(out, "15550001111");
	CU_ASSERT_EQUAL(tick_wa_parse_display_number(200,
	                    S("{\"display_phone_number\":\"15550001111\"}"),
	                    out, &res),
	    TICK_OK);
	CU_STR_EQ(out, "15550001111");
	/* Missing, not a number, too short, an error. */
	CU_ASSERT_EQUAL(tick_wa_parse_display_number(200,
	                    S("{\"id\":\"400555666777888\"}"), out, &res),
	    TICK_EUPSTREAM);
	CU_STR_EQ(out, "");
	CU_ASSERT_EQUAL(tick_wa_parse_display_number(200,
	                    S("{\"display_phone_number\":15550001111}"), out,
	                    &res),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(tick_wa_parse_display_number(200,
	                    S("{\"display_phone_number\":\"+1 555\"}"), out,
	                    &res),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(tick_wa_parse_display_number(401,
	                    S("{\"error\":{\"message\":\"Invalid OAuth access "
	                      "token\",\"code\":190}}"),
	                    out, &res),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(res.error_code, 190);
	CU_STR_EQ(out, "");
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "QR code API answers", test_qr_response },
		{ "display_phone_number answers", test_display_number },
		{ NULL, NULL },
	};
	return cu_run("graph", tests);
}
