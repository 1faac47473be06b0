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
		{ 131016, 0 }, { 130429, 0 }, /* throughput */
		{ 4, 0 },
		{ 132000, 1 }, /* template parameters: fix the request */
		{ 132001, 1 }, { 132012, 1 },
		{ 131049, 0 }, /* marketing limit: later, never now */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(tick_wa_error_permanent(cases[i].code),
		    cases[i].permanent);
}

/* Template parameter errors stay permanent even on a 5xx; the marketing
 * limit is retried, hours apart, growing, capped at a day. */
static void
test_template_codes(void)
{
	CU_ASSERT_FALSE(tick_wa_error_retryable(132000, 400));
	CU_ASSERT_FALSE(tick_wa_error_retryable(132000, 500));
	CU_ASSERT_FALSE(tick_wa_error_retryable(132012, 502));
	CU_ASSERT_TRUE(tick_wa_error_retryable(131049, 400));
	CU_ASSERT_EQUAL(tick_wa_error_delay(131049, 1), 3600);
	CU_ASSERT_EQUAL(tick_wa_error_delay(131049, 2), 7200);
	CU_ASSERT_EQUAL(tick_wa_error_delay(131049, 3), 14400);
	CU_ASSERT_EQUAL(tick_wa_error_delay(131049, 10), 24 * 3600);
	CU_ASSERT_EQUAL(tick_wa_error_delay(131049, 1000000), 24 * 3600);
	CU_ASSERT_EQUAL(tick_wa_error_delay(130429, 3), 0);
	CU_ASSERT_EQUAL(tick_wa_error_delay(0, 1), 0);
	CU_ASSERT_PTR_NOT_NULL(tick_wa_error_advice(132000));
	CU_ASSERT_PTR_NOT_NULL(tick_wa_error_advice(132001));
	CU_ASSERT_PTR_NOT_NULL(tick_wa_error_advice(132012));
	CU_ASSERT_PTR_NOT_NULL(tick_wa_error_advice(131049));
	CU_ASSERT_PTR_NULL(tick_wa_error_advice(0));
	CU_ASSERT_PTR_NULL(tick_wa_error_advice(4));
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "permanent failures", test_failure_permanent },
		{ "template and marketing codes", test_template_codes },
		{ NULL, NULL },
	};
	return cu_run("wa_errors", tests);
}
