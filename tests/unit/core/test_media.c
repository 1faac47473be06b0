#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "cld.h"
#include "config.h"
#include "cu.h"
#include "media.h"
#include "wa.h"

static void
test_signature_vector(void)
{
	/* Cloudinary's documented example. */
	struct tick_cld_param p[] = { { "timestamp", "1717000000" },
		{ "public_id", "wamid_test_001" }, { "folder", "wa_inbound" },
		{ "api_key", "ignored" }, { "file", "ignored" },
		{ "resource_type", "image" }, { "cloud_name", "x" },
		{ "empty", "" } };
	char sig[41];

	CU_ASSERT_EQUAL(tick_cld_sign(p, 8, "my_test_secret_123", sig),
	    TICK_OK);
	CU_STR_EQ(sig, "32d63bee63016d5e576c388ab67ea47ece4a8713");
	/* Order does not matter; the secret does. */
	CU_ASSERT_EQUAL(tick_cld_sign(p + 1, 2, "my_test_secret_123", sig),
	    TICK_OK);
	CU_ASSERT_NOT_EQUAL(strcmp(sig,
	                        "32d63bee63016d5e576c388ab67ea47ece4a8713"),
	    0);
	CU_ASSERT_EQUAL(tick_cld_sign(p, 3, "other", sig), TICK_OK);
	CU_ASSERT_NOT_EQUAL(strcmp(sig,
	                        "32d63bee63016d5e576c388ab67ea47ece4a8713"),
	    0);
}

static void
test_resource_types(void)
{
	CU_STR_EQ(tick_cld_resource_type("image/jpeg"), "image");
	CU_STR_EQ(tick_cld_resource_type("image/webp"), "image");
	CU_STR_EQ(tick_cld_resource_type("video/mp4"), "video");
	CU_STR_EQ(tick_cld_resource_type("audio/ogg; codecs=opus"), "video");
	CU_STR_EQ(tick_cld_resource_type("application/pdf"), "raw");
	CU_STR_EQ(tick_cld_resource_type(NULL), "raw");
}

static void
test_upload_answers(void)
{
	static const char ok[] =
	    "{\"public_id\":\"tick/TKT-000001/wa_1\",\"secure_url\":\"https://res.cloudinary.com/c/image/upload/v1/tick/TKT-000001/wa_1\",\"resource_type\":\"image\",\"bytes\":123}";
	static const char err[] =
	    "{\"error\":{\"message\":\"Invalid Signature abc\"}}";
	struct tick_cld_result r;

	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL(tick_cld_parse_response(200, ok, sizeof(ok) - 1, &r),
	    TICK_OK);
	CU_STR_EQ(r.public_id, "tick/TKT-000001/wa_1");
	CU_ASSERT_EQUAL(r.bytes, 123);
	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL(tick_cld_parse_response(401, err, sizeof(err) - 1, &r),
	    TICK_EUPSTREAM);
	CU_STR_EQ(r.error, "Cloudinary: Invalid Signature abc");
	CU_ASSERT_FALSE(r.retryable);
	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL(tick_cld_parse_response(500, "oops", 4, &r),
	    TICK_EUPSTREAM);
	CU_ASSERT_TRUE(r.retryable);
	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL(tick_cld_parse_response(420, err, sizeof(err) - 1, &r),
	    TICK_EUPSTREAM);
	CU_ASSERT_TRUE(r.retryable);
	/* A success must carry an https secure_url. */
	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL(tick_cld_parse_response(200,
	                    "{\"secure_url\":\"http://x\"}", 24, &r),
	    TICK_EUPSTREAM);
}

static void
test_checksums(void)
{
	static const char data[] = "hello";
	/* SHA-256 of "hello", as hex and as base64. */
	static const char hex[] =
	    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
	static const char hexup[] =
	    "2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824";
	static const char b64[] = "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=";
	static const char b64nopad[] =
	    "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ";

	CU_ASSERT_EQUAL(tick_media_sha256_matches(hex, data, 5), 1);
	CU_ASSERT_EQUAL(tick_media_sha256_matches(hexup, data, 5), 1);
	CU_ASSERT_EQUAL(tick_media_sha256_matches(b64, data, 5), 1);
	CU_ASSERT_EQUAL(tick_media_sha256_matches(b64nopad, data, 5), 1);
	CU_ASSERT_EQUAL(tick_media_sha256_matches(hex, "hellO", 5), 0);
	CU_ASSERT_EQUAL(tick_media_sha256_matches(b64, "hellO", 5), 0);
	CU_ASSERT_EQUAL(tick_media_sha256_matches("not a digest", data, 5), -1);
	CU_ASSERT_EQUAL(tick_media_sha256_matches("Zm9v", data, 5), -1);
	CU_ASSERT_EQUAL(tick_media_sha256_matches(NULL, data, 5), -1);
}

static void
test_cloudinary_url(void)
{
	struct tick_config c;
	char err[256] = "";

	tick_config_init(&c);
	tick_config_offer(&c, "DB_NAME", "t");
	tick_config_offer(&c, "DB_USER", "t");
	tick_config_offer(&c, "CLOUDINARY_URL",
	    "cloudinary://123456:s3cr3t@demo-cloud");
	CU_ASSERT_EQUAL(tick_config_finish(&c, err, sizeof(err)), TICK_OK);
	CU_ASSERT_TRUE(tick_config_cld_ready(&c));
	CU_STR_EQ(tick_config_get(&c, TICK_CFG_CLOUDINARY_API_KEY), "123456");
	CU_STR_EQ(tick_config_get(&c, TICK_CFG_CLOUDINARY_API_SECRET),
	    "s3cr3t");
	CU_STR_EQ(tick_config_get(&c, TICK_CFG_CLOUDINARY_CLOUD_NAME),
	    "demo-cloud");
	tick_config_free(&c);
	/* Keys given one by one win over the URL. */
	tick_config_init(&c);
	tick_config_offer(&c, "DB_NAME", "t");
	tick_config_offer(&c, "DB_USER", "t");
	tick_config_offer(&c, "CLOUDINARY_CLOUD_NAME", "mine");
	tick_config_offer(&c, "CLOUDINARY_URL", "cloudinary://1:2@theirs");
	CU_ASSERT_EQUAL(tick_config_finish(&c, err, sizeof(err)), TICK_OK);
	CU_STR_EQ(tick_config_get(&c, TICK_CFG_CLOUDINARY_CLOUD_NAME), "mine");
	tick_config_free(&c);
	for (int i = 0; i < 4; i++) {
		static const char *const bad[] = { "https://1:2@x",
			"cloudinary://12@x", "cloudinary://1:2@",
			"cloudinary://:2@x" };

		tick_config_init(&c);
		tick_config_offer(&c, "DB_NAME", "t");
		tick_config_offer(&c, "DB_USER", "t");
		tick_config_offer(&c, "CLOUDINARY_URL", bad[i]);
		CU_ASSERT_EQUAL(tick_config_finish(&c, err, sizeof(err)),
		    TICK_ECONFIG);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "CLOUDINARY_URL"));
		tick_config_free(&c);
	}
	tick_config_init(&c);
	tick_config_offer(&c, "DB_NAME", "t");
	tick_config_offer(&c, "DB_USER", "t");
	CU_ASSERT_EQUAL(tick_config_finish(&c, err, sizeof(err)), TICK_OK);
	CU_ASSERT_FALSE(tick_config_cld_ready(&c));
	tick_config_free(&c);
}

static void
test_outbound_types(void)
{
	const char *t;

	CU_ASSERT_EQUAL(tick_media_outbound_type("image/jpeg", 5u << 20,
	                    1LL << 30, &t),
	    TICK_OK);
	CU_STR_EQ(t, "image");
	CU_ASSERT_EQUAL(tick_media_outbound_type("image/jpeg", (5u << 20) + 1,
	                    1LL << 30, &t),
	    TICK_ETOOBIG);
	CU_ASSERT_EQUAL(tick_media_outbound_type("image/png", 10, 5, &t),
	    TICK_ETOOBIG);
	CU_ASSERT_EQUAL(tick_media_outbound_type("image/webp", 100u << 10,
	                    1LL << 30, &t),
	    TICK_OK);
	CU_STR_EQ(t, "sticker");
	CU_ASSERT_EQUAL(tick_media_outbound_type("image/webp", (100u << 10) + 1,
	                    1LL << 30, &t),
	    TICK_ETOOBIG);
	CU_ASSERT_EQUAL(tick_media_outbound_type("audio/ogg; codecs=opus", 100,
	                    1LL << 30, &t),
	    TICK_OK);
	CU_STR_EQ(t, "audio");
	CU_ASSERT_EQUAL(tick_media_outbound_type("video/mp4", 16u << 20,
	                    1LL << 30, &t),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_media_outbound_type("video/mp4", (16u << 20) + 1,
	                    1LL << 30, &t),
	    TICK_ETOOBIG);
	CU_ASSERT_EQUAL(tick_media_outbound_type("application/pdf", 100u << 20,
	                    1LL << 30, &t),
	    TICK_OK);
	CU_STR_EQ(t, "document");
	CU_ASSERT_EQUAL(
	    tick_media_outbound_type(
	        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	        10, 1LL << 30, &t),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_media_outbound_type(
	                    "application/vnd.openxmlformats-officedocument.",
	                    10, 1LL << 30, &t),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_media_outbound_type("image/gif", 10, 1LL << 30,
	                    &t),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_media_outbound_type("image/jpegx", 10, 1LL << 30,
	                    &t),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_media_outbound_type("application/zip", 10,
	                    1LL << 30, &t),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_media_outbound_type(NULL, 10, 1LL << 30, &t),
	    TICK_EINVAL);
}

static void
test_media_payload(void)
{
	char *p = tick_wa_media_payload("521", "image", "https://x/y.jpg", "hi",
	    "y.jpg");
	json_t *v = json_loads(p, 0, NULL);

	CU_STR_EQ(json_string_value(
	              json_object_get(json_object_get(v, "image"), "link")),
	    "https://x/y.jpg");
	CU_STR_EQ(json_string_value(
	              json_object_get(json_object_get(v, "image"), "caption")),
	    "hi");
	CU_ASSERT_PTR_NULL(
	    json_object_get(json_object_get(v, "image"), "filename"));
	json_decref(v);
	free(p);
	p = tick_wa_media_payload("521", "audio", "https://x/a.mp3", "hi",
	    NULL);
	v = json_loads(p, 0, NULL);
	CU_ASSERT_PTR_NULL(
	    json_object_get(json_object_get(v, "audio"), "caption"));
	json_decref(v);
	free(p);
	p = tick_wa_media_payload("521", "document", "https://x/d.pdf", NULL,
	    "d.pdf");
	v = json_loads(p, 0, NULL);
	CU_STR_EQ(json_string_value(
	              json_object_get(json_object_get(v, "document"),
	                  "filename")),
	    "d.pdf");
	json_decref(v);
	free(p);
}

/* Cloudinary's destroy answers: "ok" and "not found" are done; anything
 * else, an error body or no answer says why. And its signature: the same
 * rule as an upload's (public_id and timestamp). */
static void
test_destroy_answers(void)
{
	static const char ok[] = "{\"result\":\"ok\"}";
	static const char gone[] = "{\"result\":\"not found\"}";
	static const char err[] =
	    "{\"error\":{\"message\":\"Invalid Signature\"}}";
	struct tick_cld_param p[] = { { "public_id", "tick/TKT-1/wa_7" },
		{ "timestamp", "1717000000" } };
	char why[256], sig[41];

	CU_ASSERT_EQUAL(tick_cld_parse_destroy(200, ok, sizeof(ok) - 1, why,
	                    sizeof(why)),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_cld_parse_destroy(200, gone, sizeof(gone) - 1, why,
	                    sizeof(why)),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_cld_parse_destroy(401, err, sizeof(err) - 1, why,
	                    sizeof(why)),
	    TICK_EUPSTREAM);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "Invalid Signature"));
	CU_ASSERT_EQUAL(tick_cld_parse_destroy(200, "{\"result\":\"error\"}",
	                    18, why, sizeof(why)),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(tick_cld_parse_destroy(500, "oops", 4, why,
	                    sizeof(why)),
	    TICK_EUPSTREAM);
	CU_ASSERT_EQUAL(tick_cld_parse_destroy(0, NULL, 0, why, sizeof(why)),
	    TICK_EUPSTREAM);
	CU_ASSERT(why[0] != '\0');
	/* sha1("public_id=tick/TKT-1/wa_7&timestamp=1717000000s3cret") */
	CU_ASSERT_EQUAL(tick_cld_sign(p, 2, "s3cret", sig), TICK_OK);
	CU_ASSERT_STRING_EQUAL(sig, "d1a08d64be94d5e97f1d77e9fea732b70a9834c7");
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "signature vector", test_signature_vector },
		{ "resource types", test_resource_types },
		{ "upload answers", test_upload_answers },
		{ "destroy answers", test_destroy_answers },
		{ "checksums: hex and base64", test_checksums },
		{ "CLOUDINARY_URL", test_cloudinary_url },
		{ "outbound types and limits", test_outbound_types },
		{ "media payloads", test_media_payload },
		{ NULL, NULL },
	};
	return cu_run("media", tests);
}
