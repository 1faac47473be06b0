#include "cu.h"
#include "wa_errors.h"

/* Permanent refusals are the outbox's: never sent again by hand. */
static void
test_failure_permanent(void)
{
	static const struct {
		long long code;
		int permanent;
	} cases[] = {
		{ 0, 0 },      /* no Graph error: transport, timeout, 5xx */
		{ 131026, 1 }, /* undeliverable */
		{ 131047, 1 }, /* outside the window */
		{ 131048, 1 }, /* spam rate limit (policy) */
		{ 190, 1 },    /* token */
		{ 100, 1 },    /* bad request */
		{ 131000, 0 }, /* Meta's transient errors */
		{ 131016, 0 },
		{ 130429, 0 }, /* throughput */
		{ 4, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(tick_wa_error_permanent(cases[i].code),
		    cases[i].permanent);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "permanent failures", test_failure_permanent },
		{ NULL, NULL },
	};
	return cu_run("wa_errors", tests);
}
