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

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "holder rule", test_may_work },
		{ NULL, NULL },
	};
	return cu_run("tickets", tests);
}
