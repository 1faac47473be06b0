#include <string.h>

#include "cu.h"
#include "tickets.h"

/* The holder rule: who may work a ticket, by who holds it. */
static void
test_may_work(void)
{
	static const struct {
		long long holder, user;
		int admin, ok;
	} cases[] = {
		{ 7, 7, 0, 1 }, /* the holder */
		{ 7, 8, 0, 0 }, /* another agent */
		{ 0, 8, 0, 0 }, /* nobody holds it: take it first */
		{ 0, 0, 0, 0 }, /* no user */
		{ 7, 8, 1, 1 }, /* a super_admin */
		{ 0, 8, 1, 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tick_ticket tk;

		memset(&tk, 0, sizeof(tk));
		tk.assigned_to = cases[i].holder;
		CU_ASSERT_EQUAL(tick_ticket_may_work(&tk, cases[i].user,
		                    cases[i].admin),
		    cases[i].ok);
	}
}

/* Issue 18: which inbox filters the per-status counters answer, and with
 * which rows. */
static void
test_counts_dim(void)
{
	static const char *const q = "abc", *const cat = "other";
	enum {
		ST,
		MINE,
		UNAS,
		SITE,
		SUB,
		BOTH,
		NOSITE,
		TEAM,
		NOTEAM,
		Q,
		FROM,
		CAT,
		TAG,
		FLAG,
		SCOPE,
		UNRESOLVED
	};
	static const struct {
		unsigned given; /* 1 << each of the above */
		int dim;
		long long val;
		size_t nvals;
	} cases[] = {
		{ 0, TICK_COUNTS_ALL, 0, 1 },
		{ 1u << ST, TICK_COUNTS_ALL, 0, 1 },
		{ 1u << ST | 1u << MINE, TICK_COUNTS_HOLDER, 42, 1 },
		{ 1u << UNAS, TICK_COUNTS_HOLDER, 0, 1 },
		{ 1u << ST | 1u << SITE, TICK_COUNTS_SITE, 5, 2 },
		{ 1u << SUB, TICK_COUNTS_SUBSITE, 9, 1 },
		{ 1u << TEAM, TICK_COUNTS_TEAM, 3, 1 },
		{ 1u << ST | 1u << NOTEAM, TICK_COUNTS_TEAM, 0, 1 },
		/* Two filters, or one the counters do not keep. */
		{ 1u << MINE | 1u << TEAM, -1, 0, 0 },
		{ 1u << UNAS | 1u << SITE, -1, 0, 0 },
		{ 1u << SITE | 1u << TEAM, -1, 0, 0 },
		{ 1u << BOTH, -1, 0, 0 },
		{ 1u << NOSITE, -1, 0, 0 },
		{ 1u << Q, -1, 0, 0 },
		{ 1u << ST | 1u << FROM, -1, 0, 0 },
		{ 1u << CAT, -1, 0, 0 },
		{ 1u << TAG, -1, 0, 0 },
		{ 1u << FLAG, -1, 0, 0 },
		{ 1u << SCOPE, -1, 0, 0 },
		{ 1u << UNRESOLVED, -1, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tick_ticket_filters f;
		long long vals[2 * TICK_FILTER_VALUES_MAX];
		size_t n = 99;
		unsigned g = cases[i].given;
		int dim;

		memset(&f, 0, sizeof(f));
		if (g & 1u << ST) {
			f.status[f.nstatus++] = "new";
			f.status[f.nstatus++] = "assigned";
		}
		if (g & 1u << MINE)
			f.assigned_to = 42;
		if (g & 1u << UNAS)
			f.unassigned = 1;
		if (g & (1u << SITE | 1u << SUB | 1u << BOTH | 1u << NOSITE)) {
			f.sites[f.nsites++] = "X";
			f.sites_resolved = 1;
		}
		if (g & (1u << SITE | 1u << BOTH)) {
			f.site_ids[f.nsite_ids++] = 5;
			f.site_ids[f.nsite_ids++] = 6;
		}
		if (g & (1u << SUB | 1u << BOTH))
			f.subsite_ids[f.nsubsite_ids++] = 9;
		if (g & 1u << TEAM)
			f.team_id = 3;
		if (g & 1u << NOTEAM)
			f.team_id = -1;
		if (g & 1u << Q)
			memcpy(f.q, q, 4);
		if (g & 1u << FROM)
			memcpy(f.from, "2026-01-01", 11);
		if (g & 1u << CAT)
			f.categories[f.ncategories++] = cat;
		if (g & 1u << TAG)
			memcpy(f.tag, "vip", 4);
		if (g & 1u << FLAG)
			f.flagged = 1;
		if (g & 1u << SCOPE)
			f.scope.sites_only = 1;
		if (g & 1u << UNRESOLVED)
			f.sites[f.nsites++] = "X";
		dim = tick_ticket_counts_dim(&f, vals, &n);
		CU_ASSERT_EQUAL(dim, cases[i].dim);
		if (dim >= 0 && dim == cases[i].dim) {
			CU_ASSERT_EQUAL(n, cases[i].nvals);
			CU_ASSERT_EQUAL(vals[0], cases[i].val);
		}
	}
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "holder rule", test_may_work },
		{ "counters answer single filters", test_counts_dim },
		{ NULL, NULL },
	};
	return cu_run("tickets", tests);
}
