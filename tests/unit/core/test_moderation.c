/* core/moderation's pure parts: the backoff, and which files' texts carry
 * a caption worth a check (issue 17). */
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "cu.h"
#include "moderation.h"

static void
test_backoff(void)
{
	CU_ASSERT_EQUAL(tick_moderation_backoff(1, 0), 30);
	CU_ASSERT_EQUAL(tick_moderation_backoff(2, 0), 60);
	CU_ASSERT_EQUAL(tick_moderation_backoff(3, 0), 120);
	CU_ASSERT_EQUAL(tick_moderation_backoff(50, 0), 3600);
	CU_ASSERT_EQUAL(tick_moderation_backoff(1, 7), 7);
	CU_ASSERT_EQUAL(tick_moderation_backoff(1, 86400), 3600);
}

static void
test_captioned(void)
{
	CU_ASSERT_TRUE(tick_moderation_captioned("[image] the pump"));
	CU_ASSERT_TRUE(
	    tick_moderation_captioned("[document: a] b.pdf] see this"));
	CU_ASSERT_FALSE(tick_moderation_captioned("[image]"));
	CU_ASSERT_FALSE(tick_moderation_captioned("[image]   "));
	CU_ASSERT_FALSE(tick_moderation_captioned("[document: x.pdf]"));
	CU_ASSERT_FALSE(tick_moderation_captioned("no label here"));
	CU_ASSERT_FALSE(tick_moderation_captioned(""));
	CU_ASSERT_FALSE(tick_moderation_captioned(NULL));
}

/* The photo's bytes go as standard base64 with padding, on one line. */
static void
test_b64(void)
{
	unsigned char data[200];
	unsigned char *back = NULL;
	size_t n = 0;
	char *s;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + 3);
	s = tick_b64_encode("\xfb\xff", 2);
	CU_STR_EQ(s, "+/8=");
	free(s);
	s = tick_b64_encode(data, sizeof(data));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NULL(strchr(s, '\n'));
	CU_ASSERT_EQUAL(strlen(s), (sizeof(data) + 2) / 3 * 4);
	CU_ASSERT_EQUAL(tick_b64_decode(s, strlen(s), &back, &n), TICK_OK);
	CU_ASSERT_EQUAL(n, sizeof(data));
	CU_ASSERT_EQUAL(memcmp(back, data, n), 0);
	free(back);
	free(s);
	s = tick_b64_encode("", 0);
	CU_STR_EQ(s, "");
	free(s);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "backoff", test_backoff },
		{ "captions", test_captioned },
		{ "base64 of a photo", test_b64 },
		{ NULL, NULL },
	};
	return cu_run("moderation", tests);
}
