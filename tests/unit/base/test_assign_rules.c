#include <stddef.h>
#include <string.h>

#include "assign_rules.h"
#include "cu.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Round robin takes turns after the last one chosen, wraps around, and
 * skips whoever is unavailable or full. */
static void
test_round_robin(void)
{
	struct tick_assign_agent a[] = {
		{ 3, 0, 1 },
		{ 5, 0, 1 },
		{ 9, 0, 1 },
	};
	long long last = 0;
	const long long want[] = { 3, 5, 9, 3, 5, 9 };

	for (size_t i = 0; i < N(want); i++) {
		int k = tick_assign_round_robin(a, N(a), last, 0);

		CU_ASSERT_FATAL(k >= 0);
		CU_ASSERT_EQUAL(a[k].user_id, want[i]);
		last = a[k].user_id;
	}
	/* The last one chosen may have left the team: the next in id order. */
	CU_ASSERT_EQUAL(a[tick_assign_round_robin(a, N(a), 4, 0)].user_id, 5);
	CU_ASSERT_EQUAL(a[tick_assign_round_robin(a, N(a), 100, 0)].user_id, 3);
	/* Unavailable agents are skipped. */
	a[1].available = 0;
	CU_ASSERT_EQUAL(a[tick_assign_round_robin(a, N(a), 3, 0)].user_id, 9);
	/* So are those at capacity. */
	a[2].open = 2;
	CU_ASSERT_EQUAL(a[tick_assign_round_robin(a, N(a), 3, 2)].user_id, 3);
	CU_ASSERT_EQUAL(a[tick_assign_round_robin(a, N(a), 3, 3)].user_id, 9);
	/* Nobody can take it. */
	a[0].available = 0;
	CU_ASSERT_EQUAL(tick_assign_round_robin(a, N(a), 3, 2), -1);
	CU_ASSERT_EQUAL(tick_assign_round_robin(a, 0, 0, 0), -1);
	CU_ASSERT_EQUAL(tick_assign_round_robin(NULL, 0, 0, 0), -1);
}

/* Balanced gives the ticket to the least loaded; ties take turns. */
static void
test_balanced(void)
{
	struct tick_assign_agent a[] = {
		{ 1, 4, 1 }, { 2, 1, 1 }, { 3, 1, 1 },
		{ 4, 0, 0 }, /* offline: never, though it holds nothing */
	};

	CU_ASSERT_EQUAL(a[tick_assign_balanced(a, N(a), 0, 0)].user_id, 2);
	CU_ASSERT_EQUAL(a[tick_assign_balanced(a, N(a), 2, 0)].user_id, 3);
	CU_ASSERT_EQUAL(a[tick_assign_balanced(a, N(a), 3, 0)].user_id, 2);
	/* Capacity: nobody at or over it. */
	a[1].open = 2;
	a[2].open = 2;
	CU_ASSERT_EQUAL(tick_assign_balanced(a, N(a), 0, 2), -1);
	CU_ASSERT_EQUAL(a[tick_assign_balanced(a, N(a), 0, 3)].user_id, 2);
	/* Filling up one at a time spreads the load evenly. */
	{
		struct tick_assign_agent b[] = {
			{ 10, 0, 1 },
			{ 11, 0, 1 },
			{ 12, 0, 1 },
		};
		long long last = 0;
		int got = 0, k;

		while ((k = tick_assign_balanced(b, N(b), last, 3)) >= 0) {
			b[k].open++;
			last = b[k].user_id;
			got++;
			CU_ASSERT(got <= 9);
			if (got > 9)
				break;
		}
		CU_ASSERT_EQUAL(got, 9);
		for (size_t i = 0; i < N(b); i++)
			CU_ASSERT_EQUAL(b[i].open, 3);
	}
}

static void
test_choose_and_names(void)
{
	struct tick_assign_agent a[] = { { 7, 0, 1 } };
	enum tick_assign_mode m = TICK_ASSIGN_MANUAL;

	CU_ASSERT_EQUAL(tick_assign_choose(TICK_ASSIGN_MANUAL, a, 1, 0, 0), -1);
	CU_ASSERT_EQUAL(tick_assign_choose(TICK_ASSIGN_ROUND_ROBIN, a, 1, 0, 0),
	    0);
	CU_ASSERT_EQUAL(tick_assign_choose(TICK_ASSIGN_BALANCED, a, 1, 0, 0),
	    0);
	CU_ASSERT_EQUAL(tick_assign_choose(TICK_ASSIGN__MAX, a, 1, 0, 0), -1);
	CU_ASSERT_EQUAL(tick_assign_mode_parse("balanced", &m), TICK_OK);
	CU_ASSERT_EQUAL(m, TICK_ASSIGN_BALANCED);
	CU_ASSERT_EQUAL(tick_assign_mode_parse("Balanced", &m), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_assign_mode_parse("", &m), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_assign_mode_parse(NULL, &m), TICK_EINVAL);
	CU_ASSERT_PTR_NULL(tick_assign_mode_names[TICK_ASSIGN__MAX]);
	CU_ASSERT_PTR_NULL(tick_availability_names[TICK_AVAIL__MAX]);
	CU_STR_EQ(tick_availability_names[TICK_AVAIL_AWAY], "away");
}

static void
test_tags(void)
{
	static const struct {
		const char *in;
		size_t len;      /* 0: strlen */
		const char *out; /* NULL: refused */
	} cases[] = {
		{ "urgent", 0, "urgent" }, { "  Urgent\t", 0, "urgent" },
		{ "Gas Leak", 0, "gas leak" },
		{ "ÉCLAIR", 0, "Éclair" }, /* only ASCII is folded */
		{ "日本語", 0, "日本語" }, { "a", 0, "a" },
		{ "12345678901234567890123456789012", 0,
		    "12345678901234567890123456789012" },
		{ "123456789012345678901234567890123", 0, NULL },
		/* 32 characters of two bytes each fit; 33 do not. */
		{ "éééééééééééééééééééééééééééééééé", 0,
		    "éééééééééééééééééééééééééééééééé" },
		{ "ééééééééééééééééééééééééééééééééé", 0, NULL },
		{ "", 0, NULL }, { "   ", 0, NULL }, { "a,b", 0, NULL },
		{ "a\nb", 0, NULL }, { "a\x7f", 0, NULL },
		{ "\xc3", 0, NULL },         /* cut UTF-8 */
		{ "\xed\xa0\x80", 0, NULL }, /* a surrogate */
		{ "ab\0cd", 5, NULL },       /* embedded NUL */
	};

	for (size_t i = 0; i < N(cases); i++) {
		char out[TICK_TAG_BUF];
		const char *why = NULL;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		enum tick_err rc = tick_tag_normalize(cases[i].in, len, out,
		    sizeof(out), &why);

		if (cases[i].out == NULL) {
			CU_ASSERT_EQUAL(rc, TICK_EINVAL);
			CU_ASSERT_PTR_NOT_NULL(why);
			CU_ASSERT_EQUAL(out[0], '\0');
		} else {
			CU_ASSERT_EQUAL(rc, TICK_OK);
			CU_STR_EQ(out, cases[i].out);
		}
	}
	/* A buffer too small is refused, never overrun. */
	{
		char small[4];
		const char *why;

		CU_ASSERT_EQUAL(tick_tag_normalize("abcdef", 6, small,
		                    sizeof(small), &why),
		    TICK_EINVAL);
	}
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "round_robin", test_round_robin },
		{ "balanced", test_balanced },
		{ "choose_and_names", test_choose_and_names },
		{ "tags", test_tags },
		{ NULL, NULL },
	};

	return cu_run("assign_rules", tests);
}
