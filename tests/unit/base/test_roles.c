#include "cu.h"
#include "roles.h"

/* The route-by-role rules, written out independently of roles.c: every
 * cell is checked. Columns: super_admin, site_manager, agent, reporter. */
static void
test_every_cell(void)
{
	static const struct {
		enum tick_perm perm;
		int allow[TICK_ROLE__MAX];
	} want[] = {
		{ TICK_PERM_UNSET, { 0, 0, 0, 0 } },
		{ TICK_PERM_PUBLIC, { 1, 1, 1, 1 } },
		{ TICK_PERM_SIGNED_IN, { 1, 1, 1, 1 } },
		{ TICK_PERM_TICKETS_READ, { 1, 1, 1, 1 } },
		{ TICK_PERM_TICKETS_WORK, { 1, 1, 1, 0 } },
		{ TICK_PERM_TICKETS_ADMIN, { 1, 0, 0, 0 } },
		{ TICK_PERM_WA_SEND, { 1, 1, 0, 0 } },
		{ TICK_PERM_WA_STATUS, { 1, 1, 0, 0 } },
		{ TICK_PERM_WA_SIMULATE, { 1, 0, 0, 0 } },
		{ TICK_PERM_USERS, { 1, 0, 0, 0 } },
		{ TICK_PERM_AUDIT, { 1, 0, 0, 0 } },
		{ TICK_PERM_STATS, { 1, 1, 1, 1 } },
		{ TICK_PERM_REPORTS, { 1, 1, 0, 1 } },
	};

	CU_ASSERT_EQUAL_FATAL(sizeof(want) / sizeof(want[0]), TICK_PERM__MAX);
	for (size_t p = 0; p < TICK_PERM__MAX; p++) {
		CU_ASSERT_EQUAL(want[p].perm, (enum tick_perm)p);
		for (int r = 0; r < TICK_ROLE__MAX; r++)
			CU_ASSERT_EQUAL(tick_role_allows((enum tick_role)r,
			                    want[p].perm),
			    want[p].allow[r]);
	}
	/* Out of range is never allowed. */
	CU_ASSERT_FALSE(
	    tick_role_allows((enum tick_role)99, TICK_PERM_SIGNED_IN));
	CU_ASSERT_FALSE(
	    tick_role_allows(TICK_ROLE_SUPER_ADMIN, (enum tick_perm)99));
	CU_ASSERT_EQUAL(tick_role_parse("agent"), TICK_ROLE_AGENT);
	CU_ASSERT_EQUAL(tick_role_parse("Agent"), -1);
	CU_ASSERT_EQUAL(tick_role_parse(NULL), -1);
	CU_STR_EQ(tick_role_name(TICK_ROLE_REPORTER), "reporter");
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "route-by-role: every cell", test_every_cell },
		{ NULL, NULL },
	};
	return cu_run("roles", tests);
}
