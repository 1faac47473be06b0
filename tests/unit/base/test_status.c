#include <stddef.h>

#include "cu.h"
#include "status.h"

enum {
	N = TICK_STATUS_NEW,
	A = TICK_STATUS_ASSIGNED,
	P = TICK_STATUS_IN_PROGRESS,
	W = TICK_STATUS_PENDING,
	C = TICK_STATUS_CLOSED
};

/* Every (from, to) pair, by an agent and by a super admin. */
static void
test_transitions(void)
{
	static const struct {
		int from, to, agent, admin;
	} cases[] = {
		{ N, N, 0, 0 },
		{ N, A, 1, 1 },
		{ N, P, 1, 1 },
		{ N, C, 0, 0 },
		{ A, N, 0, 0 },
		{ A, A, 0, 0 },
		{ A, P, 1, 1 },
		{ A, C, 0, 0 },
		{ P, N, 0, 0 },
		{ P, A, 0, 0 },
		{ P, P, 0, 0 },
		{ P, C, 0, 0 },
		/* Pending: from any open status, back to in_progress only. */
		{ N, W, 1, 1 },
		{ A, W, 1, 1 },
		{ P, W, 1, 1 },
		{ W, W, 0, 0 },
		{ W, N, 0, 0 },
		{ W, A, 0, 0 },
		{ W, P, 1, 1 },
		{ W, C, 0, 0 },
		{ C, W, 0, 1 },
		/* Reopening is a super admin's; closing is only by close. */
		{ C, N, 0, 1 },
		{ C, A, 0, 1 },
		{ C, P, 0, 1 },
		{ C, C, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CU_ASSERT_EQUAL(tick_status_transition_ok((enum tick_status)
		                                              cases[i]
		                                                  .from,
		                    (enum tick_status)cases[i].to, 0),
		    cases[i].agent);
		CU_ASSERT_EQUAL(tick_status_transition_ok((enum tick_status)
		                                              cases[i]
		                                                  .from,
		                    (enum tick_status)cases[i].to, 1),
		    cases[i].admin);
	}
	CU_ASSERT_FALSE(
	    tick_status_transition_ok(TICK_STATUS_NEW, TICK_STATUS__MAX, 1));
}

static void
test_names(void)
{
	enum tick_status s = TICK_STATUS_CLOSED;

	for (int i = 0; i < TICK_STATUS__MAX; i++) {
		CU_ASSERT_EQUAL(tick_status_parse(tick_status_name(
		                                      (enum tick_status)i),
		                    &s),
		    0);
		CU_ASSERT_EQUAL(s, i);
	}
	CU_STR_EQ(tick_status_name(TICK_STATUS_IN_PROGRESS), "in_progress");
	CU_ASSERT_PTR_NULL(tick_status_names[TICK_STATUS__MAX]);
	CU_ASSERT_EQUAL(tick_status_parse("open", &s), -1);
	CU_ASSERT_EQUAL(tick_status_parse("", &s), -1);
	CU_ASSERT_EQUAL(tick_status_parse("Closed", &s), -1);
	CU_ASSERT_EQUAL(tick_status_parse(NULL, &s), -1);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "transitions", test_transitions },
		{ "names", test_names },
		{ NULL, NULL },
	};
	return cu_run("status", tests);
}
