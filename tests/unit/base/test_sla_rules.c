#include <stddef.h>
#include <string.h>

#include "cu.h"
#include "sla_rules.h"

/* First match in ascending position; empty criteria match anything. */
static void
test_pick(void)
{
	static const struct tick_sla_criteria p[] = {
		{ .id = 1, .position = 50 }, /* catch-all */
		{ .id = 2, .position = 10, .severity = "critical" },
		{ .id = 3, .position = 20, .site_id = 7 },
		{ .id = 4, .position = 30, .team_id = 3, .tag = "vip" },
		{ .id = 5, .position = 20, .tag = "vip" }, /* ties: lower id */
	};
	static const char *const vip[] = { "other", "vip" };
	static const struct {
		const char *sev;
		long long site, team;
		int vip;
		long want;
	} cases[] = {
		{ NULL, 0, 0, 0, 0 },
		{ "critical", 7, 3, 1, 1 },
		{ "high", 7, 0, 0, 2 },
		{ "high", 7, 3, 1, 2 }, /* id 3 before id 5 at position 20 */
		{ "low", 0, 3, 1, 4 },  /* id 5 (20) before 4 (30) */
		{ "low", 0, 9, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tick_sla_facts f = { cases[i].sev, cases[i].site,
			cases[i].team, vip, cases[i].vip ? 2 : 0 };

		CU_ASSERT_EQUAL(tick_sla_pick(p, 5, &f), cases[i].want);
	}
	CU_ASSERT_EQUAL(tick_sla_pick(p + 1, 1,
	                    &(struct tick_sla_facts){ NULL, 0, 0, NULL, 0 }),
	    -1);
	CU_ASSERT_EQUAL(tick_sla_pick(p, 0,
	                    &(struct tick_sla_facts){ NULL, 0, 0, NULL, 0 }),
	    -1);
}

static void
test_state(void)
{
	static const struct {
		int64_t due, now, warn;
		enum tick_sla_state want;
		int64_t left;
	} cases[] = {
		{ 0, 100, 60, TICK_SLA_NONE, 0 },
		{ 1000, 100, 60, TICK_SLA_OK, 900 },
		{ 1000, 940, 60, TICK_SLA_WARNING, 60 },
		{ 1000, 999, 60, TICK_SLA_WARNING, 1 },
		{ 1000, 1000, 60, TICK_SLA_BREACHED, 0 },
		{ 1000, 1300, 60, TICK_SLA_BREACHED, -300 },
		{ 1000, 900, 0, TICK_SLA_OK, 100 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t left = 7;

		CU_ASSERT_EQUAL(tick_sla_state(cases[i].due, cases[i].now,
		                    cases[i].warn, &left),
		    cases[i].want);
		CU_ASSERT_EQUAL(left, cases[i].left);
	}
	CU_STR_EQ(tick_sla_state_names[TICK_SLA_BREACHED], "breached");
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "pick", test_pick },
		{ "state", test_state },
		{ NULL, NULL },
	};

	return cu_run("sla_rules", tests);
}
