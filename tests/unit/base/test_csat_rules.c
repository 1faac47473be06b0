#include <string.h>

#include "csat_rules.h"
#include "cu.h"

/* Ids written and read back; everything else is no rating, or a broken
 * one. */
static void
test_ids(void)
{
	static const struct {
		const char *id;
		int want;
		long long ticket;
		int score;
	} cases[] = {
		{ "csat:42:3", 1, 42, 3 },
		{ "csat:1:1", 1, 1, 1 },
		{ "csat:999999999999999999:2", 1, 999999999999999999LL, 2 },
		{ NULL, 0, 0, 0 },
		{ "", 0, 0, 0 },
		{ "site:4", 0, 0, 0 },
		{ "CSAT:42:3", 0, 0, 0 },
		{ "csat:", -1, 0, 0 },
		{ "csat:42", -1, 0, 0 },
		{ "csat:42:", -1, 0, 0 },
		{ "csat:42:0", -1, 0, 0 },
		{ "csat:42:4", -1, 0, 0 },
		{ "csat:42:33", -1, 0, 0 },
		{ "csat:0:3", -1, 0, 0 },
		{ "csat:042:3", -1, 0, 0 },
		{ "csat:-4:3", -1, 0, 0 },
		{ "csat:4:3 ", -1, 0, 0 },
		{ "csat:4:3:1", -1, 0, 0 },
		{ "csat:1000000000000000000:3", -1, 0, 0 },
	};
	char out[TICK_CSAT_ID_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long long t = -7;
		int s = -7, r = tick_csat_parse_id(cases[i].id, &t, &s);

		CU_ASSERT_EQUAL(r, cases[i].want);
		if (r == 1) {
			CU_ASSERT_EQUAL(t, cases[i].ticket);
			CU_ASSERT_EQUAL(s, cases[i].score);
		} else {
			CU_ASSERT_EQUAL(t, -7);
			CU_ASSERT_EQUAL(s, -7);
		}
	}
	CU_ASSERT_EQUAL(tick_csat_format_id(42, 3, out, sizeof(out)), TICK_OK);
	CU_STR_EQ(out, "csat:42:3");
	CU_ASSERT_EQUAL(tick_csat_format_id(0, 3, out, sizeof(out)),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_csat_format_id(4, 0, out, sizeof(out)),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_csat_format_id(4, 4, out, sizeof(out)),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_csat_format_id(123456, 3, out, 8), TICK_ETOOBIG);
	/* Every button's id reads back as its score. */
	for (size_t i = 0; i < TICK_CSAT_BUTTONS; i++) {
		long long t = 0;
		int s = 0;

		CU_ASSERT_EQUAL(tick_csat_format_id(77,
		                    tick_csat_button_score(i), out,
		                    sizeof(out)),
		    TICK_OK);
		CU_ASSERT_EQUAL(tick_csat_parse_id(out, &t, &s), 1);
		CU_ASSERT_EQUAL(s, tick_csat_button_score(i));
		CU_ASSERT(strlen(out) < TICK_CSAT_ID_MAX);
	}
	CU_ASSERT_EQUAL(tick_csat_button_score(0), 3);
	CU_ASSERT_EQUAL(tick_csat_button_score(2), 1);
	CU_ASSERT_EQUAL(tick_csat_button_score(3), 0);
}

static void
test_low(void)
{
	CU_ASSERT(tick_csat_is_low(1, 1));
	CU_ASSERT(!tick_csat_is_low(2, 1));
	CU_ASSERT(tick_csat_is_low(2, 2));
	CU_ASSERT(!tick_csat_is_low(1, 0));
	CU_ASSERT(!tick_csat_is_low(0, 3));
	CU_ASSERT_EQUAL(tick_csat_low_action("reopen"), TICK_CSAT_LOW_REOPEN);
	CU_ASSERT_EQUAL(tick_csat_low_action("notify"), TICK_CSAT_LOW_NOTIFY);
	CU_ASSERT_EQUAL(tick_csat_low_action("none"), TICK_CSAT_LOW_NONE);
	CU_ASSERT_EQUAL(tick_csat_low_action(NULL), TICK_CSAT_LOW_NONE);
	CU_ASSERT_EQUAL(tick_csat_low_action("REOPEN"), TICK_CSAT_LOW_NONE);
}

/* The comment rule, one case a row. */
static void
test_comment(void)
{
	static const struct {
		struct tick_csat_comment_case c;
		int want;
	} cases[] = {
		/* rating, comment, open, since, minutes, text */
		{ { 1, 0, 0, 60, 30, 1 }, 1 }, { { 1, 0, 0, 0, 30, 1 }, 1 },
		{ { 1, 0, 0, 1800, 30, 1 }, 1 },
		{ { 1, 0, 0, 1801, 30, 1 }, 0 }, /* too late */
		{ { 1, 1, 0, 60, 30, 1 }, 0 },   /* has its comment */
		{ { 0, 0, 0, 60, 30, 1 }, 0 },   /* nothing rated */
		{ { 1, 0, 1, 60, 30, 1 }, 0 },   /* an open ticket takes it */
		{ { 1, 0, 0, 60, 30, 0 }, 0 },   /* not a text */
		{ { 1, 0, 0, 60, 0, 1 }, 0 },    /* comments off */
		{ { 1, 0, 0, -5, 30, 1 }, 0 },   /* clock skew */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(tick_csat_takes_comment(&cases[i].c),
		    cases[i].want);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "rating ids", test_ids },
		{ "low score and its action", test_low },
		{ "the comment rule", test_comment },
		{ NULL, NULL },
	};
	return cu_run("csat_rules", tests);
}
