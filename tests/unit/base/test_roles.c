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
		{ TICK_PERM_INTEGRATIONS, { 1, 0, 0, 0 } },
		{ TICK_PERM_SITES_READ, { 1, 1, 1, 1 } },
		{ TICK_PERM_SITES_ADMIN, { 1, 0, 0, 0 } },
		{ TICK_PERM_TEAMS_ADMIN, { 1, 0, 0, 0 } },
		{ TICK_PERM_CONTACTS_ADMIN, { 1, 1, 0, 0 } },
		{ TICK_PERM_CONTACTS_ERASE, { 1, 0, 0, 0 } },
		{ TICK_PERM_TEMPLATES_ADMIN, { 1, 0, 0, 0 } },
		{ TICK_PERM_CANNED_ADMIN, { 1, 1, 0, 0 } },
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
	/* Only agents are kept to their teams' queues. */
	CU_ASSERT_TRUE(tick_role_teams_only(TICK_ROLE_AGENT));
	CU_ASSERT_FALSE(tick_role_teams_only(TICK_ROLE_SUPER_ADMIN));
	CU_ASSERT_FALSE(tick_role_teams_only(TICK_ROLE_SITE_MANAGER));
	CU_ASSERT_FALSE(tick_role_teams_only(TICK_ROLE_REPORTER));
}

/* Permission names (the API's and a token's scopes) round-trip. */
static void
test_perm_names(void)
{
	for (int p = TICK_PERM_SIGNED_IN; p < TICK_PERM__MAX; p++) {
		const char *n = tick_perm_name((enum tick_perm)p);

		CU_ASSERT_PTR_NOT_NULL_FATAL(n);
		CU_ASSERT_EQUAL(tick_perm_parse(n), p);
	}
	CU_ASSERT_PTR_NULL(tick_perm_name(TICK_PERM_UNSET));
	CU_ASSERT_PTR_NULL(tick_perm_name(TICK_PERM_PUBLIC));
	CU_ASSERT_PTR_NULL(tick_perm_name((enum tick_perm)99));
	CU_ASSERT_EQUAL(tick_perm_parse("tickets.read"),
	    TICK_PERM_TICKETS_READ);
	CU_ASSERT_EQUAL(tick_perm_parse("Tickets.read"), -1);
	CU_ASSERT_EQUAL(tick_perm_parse(""), -1);
	CU_ASSERT_EQUAL(tick_perm_parse(NULL), -1);
}

/* Who reads only the sites it manages: a site_manager always (nothing
 * when linked to none), a reporter only when linked to some. */
static void
test_sites_only(void)
{
	static const int want[TICK_ROLE__MAX][2] = {
		[TICK_ROLE_SUPER_ADMIN] = { 0, 0 },
		[TICK_ROLE_SITE_MANAGER] = { 1, 1 },
		[TICK_ROLE_AGENT] = { 0, 0 },
		[TICK_ROLE_REPORTER] = { 0, 1 },
	};

	for (int r = 0; r < TICK_ROLE__MAX; r++)
		for (int linked = 0; linked < 2; linked++)
			CU_ASSERT_EQUAL(tick_role_sites_only((enum tick_role)r,
			                    linked),
			    want[r][linked]);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "route-by-role: every cell", test_every_cell },
		{ "permission names", test_perm_names },
		{ "sites only: by role and links", test_sites_only },
		{ NULL, NULL },
	};
	return cu_run("roles", tests);
}
