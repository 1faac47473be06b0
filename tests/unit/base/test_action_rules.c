#include <stddef.h>
#include <string.h>

#include "action_rules.h"
#include "cu.h"

/* Real dates, and everything that only looks like one. */
static void
test_parse_due(void)
{
	static const struct {
		const char *s;
		int ok, y, m, d;
	} cases[] = {
		{ "2026-12-05", 1, 2026, 12, 5 },
		{ "2000-01-01", 1, 2000, 1, 1 },
		{ "2199-12-31", 1, 2199, 12, 31 },
		{ "2024-02-29", 1, 2024, 2, 29 }, /* leap year */
		{ "2000-02-29", 1, 2000, 2, 29 }, /* divisible by 400 */
		{ "2100-02-29", 0, 0, 0, 0 },     /* divisible by 100 only */
		{ "2026-02-29", 0, 0, 0, 0 },
		{ "2026-02-28", 1, 2026, 2, 28 },
		{ "2026-04-31", 0, 0, 0, 0 },
		{ "2026-04-30", 1, 2026, 4, 30 },
		{ "2026-13-01", 0, 0, 0, 0 },
		{ "2026-00-10", 0, 0, 0, 0 },
		{ "2026-01-00", 0, 0, 0, 0 },
		{ "2026-01-32", 0, 0, 0, 0 },
		{ "1999-12-31", 0, 0, 0, 0 }, /* before TICK_ACTION_YEAR_MIN */
		{ "2200-01-01", 0, 0, 0, 0 }, /* after TICK_ACTION_YEAR_MAX */
		{ "0000-00-00", 0, 0, 0, 0 },
		{ "", 0, 0, 0, 0 },
		{ "2026-1-05", 0, 0, 0, 0 },
		{ "2026-01-5", 0, 0, 0, 0 },
		{ "26-01-05xx", 0, 0, 0, 0 },
		{ "2026/01/05", 0, 0, 0, 0 },
		{ "2026-01-05T00:00:00", 0, 0, 0, 0 },
		{ "2026-01-05 ", 0, 0, 0, 0 },
		{ " 2026-01-05", 0, 0, 0, 0 },
		{ "2026-+1-05", 0, 0, 0, 0 },
		{ "2026-01--5", 0, 0, 0, 0 },
		{ "２０２６-01-05", 0, 0, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tick_date d = { 0, 0, 0 };
		enum tick_err rc = tick_action_parse_due(cases[i].s,
		    strlen(cases[i].s), &d);

		CU_ASSERT_EQUAL(rc == TICK_OK, cases[i].ok);
		if (rc != TICK_OK || !cases[i].ok)
			continue;
		CU_ASSERT_EQUAL(d.year, cases[i].y);
		CU_ASSERT_EQUAL(d.month, cases[i].m);
		CU_ASSERT_EQUAL(d.day, cases[i].d);
	}
	/* The length is the caller's: a NUL inside, or a longer buffer, is
	 * not a date. */
	{
		struct tick_date d;

		CU_ASSERT_EQUAL(tick_action_parse_due("2026-01-05", 9, &d),
		    TICK_EINVAL);
		CU_ASSERT_EQUAL(tick_action_parse_due("2026-01-0\0005", 11, &d),
		    TICK_EINVAL);
		CU_ASSERT_EQUAL(tick_action_parse_due(NULL, 10, &d),
		    TICK_EINVAL);
	}
}

static void
test_overdue(void)
{
	static const struct {
		enum tick_action_status s;
		struct tick_date due, today;
		int overdue;
	} cases[] = {
		{ TICK_ACTION_OPEN, { 2026, 12, 4 }, { 2026, 12, 5 }, 1 },
		{ TICK_ACTION_OPEN, { 2026, 12, 5 }, { 2026, 12, 5 }, 0 },
		{ TICK_ACTION_OPEN, { 2026, 12, 6 }, { 2026, 12, 5 }, 0 },
		{ TICK_ACTION_OPEN, { 2025, 12, 31 }, { 2026, 1, 1 }, 1 },
		{ TICK_ACTION_OPEN, { 2026, 11, 30 }, { 2026, 12, 1 }, 1 },
		{ TICK_ACTION_OPEN, { 2027, 1, 1 }, { 2026, 12, 31 }, 0 },
		/* Closed actions are never overdue. */
		{ TICK_ACTION_DONE, { 2026, 12, 4 }, { 2026, 12, 5 }, 0 },
		{ TICK_ACTION_CANCELLED, { 2020, 1, 1 }, { 2026, 12, 5 }, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(tick_action_overdue(cases[i].s, &cases[i].due,
		                    &cases[i].today),
		    cases[i].overdue);
}

/* Every combination of who the user is, for both changes. */
static void
test_may(void)
{
	for (int bits = 0; bits < 16; bits++) {
		struct tick_action_actor a = { bits & 1, (bits >> 1) & 1,
			(bits >> 2) & 1, (bits >> 3) & 1 };
		int works = a.admin || a.holder || a.site_manager;

		CU_ASSERT_EQUAL(tick_action_may(&a, TICK_ACTION_EDIT), works);
		CU_ASSERT_EQUAL(tick_action_may(&a, TICK_ACTION_CLOSE),
		    works || a.owner);
		CU_ASSERT_FALSE(tick_action_may(&a, TICK_ACTION_CHANGE__MAX));
	}
	{
		/* Nobody in particular may do nothing; the owner alone may
		 * close but not edit. */
		struct tick_action_actor none = { 0, 0, 0, 0 },
		                         owner = { 0, 0, 0, 1 };

		CU_ASSERT_FALSE(tick_action_may(&none, TICK_ACTION_CLOSE));
		CU_ASSERT_FALSE(tick_action_may(&owner, TICK_ACTION_EDIT));
		CU_ASSERT_TRUE(tick_action_may(&owner, TICK_ACTION_CLOSE));
	}
}

static void
test_status_names(void)
{
	enum tick_action_status s = TICK_ACTION_DONE;

	for (int i = 0; i < TICK_ACTION__MAX; i++) {
		CU_ASSERT_EQUAL(
		    tick_action_status_parse(tick_action_status_name(
		                                 (enum tick_action_status)i),
		        &s),
		    TICK_OK);
		CU_ASSERT_EQUAL(s, i);
	}
	CU_ASSERT_PTR_NULL(tick_action_status_names[TICK_ACTION__MAX]);
	CU_STR_EQ(tick_action_status_name(TICK_ACTION__MAX), "?");
	CU_ASSERT_EQUAL(tick_action_status_parse("Open", &s), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_action_status_parse("", &s), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_action_status_parse(NULL, &s), TICK_EINVAL);
	/* Closing names are the closed states, in order. */
	CU_STR_EQ(tick_action_close_names[0], "done");
	CU_STR_EQ(tick_action_close_names[1], "cancelled");
	CU_ASSERT_PTR_NULL(tick_action_close_names[2]);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "parse_due", test_parse_due },
		{ "overdue", test_overdue },
		{ "may", test_may },
		{ "status_names", test_status_names },
		{ NULL, NULL },
	};

	return cu_run("action_rules", tests);
}
