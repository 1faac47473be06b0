#include <stdio.h>
#include <string.h>

#include "b64.h"
#include "cu.h"
#include "cursor.h"

#include <stdlib.h>

/* What format writes, parse reads back unchanged. */
static void
test_roundtrip(void)
{
	static const struct tick_cursor cases[] = {
		{ 0, "2026-12-05 23:59:59", 1 },
		{ 1, "2000-01-01 00:00:00", 4294967295LL },
		{ 2, "2026-12-05 10:00:00.123000", 42 },
		{ 2, "2026-12-05 10:00:00.1", 7 },
		{ 2, "", 9 },                           /* a NULL key */
		{ 4, "2026-12-05 10:00:00.123000", 3 }, /* waiting */
		{ 4, "9999-12-31 00:00:00.000000", 8 }, /* nobody waits */
	};
	char out[TICK_CURSOR_MAX + 1];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tick_cursor c;

		CU_ASSERT_EQUAL(tick_cursor_format(&cases[i], out, sizeof(out)),
		    TICK_OK);
		CU_ASSERT_EQUAL(tick_cursor_parse(out, strlen(out), &c),
		    TICK_OK);
		CU_ASSERT_EQUAL(c.sort, cases[i].sort);
		CU_STR_EQ(c.key, cases[i].key);
		CU_ASSERT_EQUAL(c.id, cases[i].id);
		/* Opaque and URL-safe. */
		CU_ASSERT_EQUAL(strspn(out,
		                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                    "0123456789-_"),
		    strlen(out));
	}
	CU_ASSERT_EQUAL(tick_cursor_format(&cases[0], out, 8), TICK_ETOOBIG);
}

static void
test_format_refuses(void)
{
	static const struct tick_cursor bad[] = {
		{ 3, "2026-12-05 23:59:59", 1 },
		{ 5, "2026-12-05 23:59:59", 1 },
		{ -1, "2026-12-05 23:59:59", 1 },
		{ 0, "2026-12-05 23:59:59", 0 },
		{ 0, "2026-12-05T23:59:59", 1 },
		{ 0, "2026-12-05 23:59:59.", 1 },
		{ 0, "2026-12-05 23:59:59.1234567", 1 },
	};
	char out[TICK_CURSOR_MAX + 1];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(tick_cursor_format(&bad[i], out, sizeof(out)),
		    TICK_EINVAL);
}

/* Plain text as a client might forge it, encoded, then parsed. */
static enum tick_err
parse_plain(const char *plain, size_t len)
{
	struct tick_cursor c;
	char *enc = tick_b64url_encode(plain, len);
	enum tick_err rc;

	if (enc == NULL)
		return TICK_ENOMEM;
	rc = tick_cursor_parse(enc, strlen(enc), &c);
	free(enc);
	return rc;
}

static void
test_parse_refuses(void)
{
	static const char *const bad[] = {
		"",
		"1|0|2026-12-05 23:59:59|",
		"1|0|2026-12-05 23:59:59|0",
		"1|0|2026-12-05 23:59:59|01",
		"1|0|2026-12-05 23:59:59|-1",
		"1|0|2026-12-05 23:59:59|+1",
		"1|0|2026-12-05 23:59:59|1x",
		"1|0|2026-12-05 23:59:59|99999999999999999999",
		"1|3|2026-12-05 23:59:59|1",
		"1|5|2026-12-05 23:59:59|1",
		"2|0|2026-12-05 23:59:59|1",
		"1|0|2026-12-05 23:59|1",
		"1|0|2026-12-05 23:59:59'--|1",
		"1|0|1",
		"1|0||",
		"garbage",
	};
	struct tick_cursor c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_plain(bad[i], strlen(bad[i])) != TICK_EINVAL)
			fprintf(stderr, "accepted: %s\n", bad[i]);
		CU_ASSERT_EQUAL(parse_plain(bad[i], strlen(bad[i])),
		    TICK_EINVAL);
	}
	/* An embedded NUL, in the text and in the cursor itself. */
	CU_ASSERT_EQUAL(parse_plain("1|0|\0|1", 7), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_cursor_parse("MXww\0", 5, &c), TICK_EINVAL);
	/* Not base64url, too long, empty. */
	CU_ASSERT_EQUAL(tick_cursor_parse("a+b/", 4, &c), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_cursor_parse("", 0, &c), TICK_EINVAL);
	{
		char big[TICK_CURSOR_MAX + 2];

		memset(big, 'A', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		CU_ASSERT_EQUAL(tick_cursor_parse(big, strlen(big), &c),
		    TICK_EINVAL);
	}
	CU_ASSERT_EQUAL(parse_plain("1|2||5", 6), TICK_OK);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "roundtrip", test_roundtrip },
		{ "format refuses", test_format_refuses },
		{ "parse refuses", test_parse_refuses },
		{ NULL, NULL },
	};
	return cu_run("cursor", tests);
}
