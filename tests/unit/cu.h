/* A thin runner over CUnit's basic interface that fails when a test does:
 * the basic runner itself always returns success. */
#ifndef TICK_TEST_CU_H
#define TICK_TEST_CU_H

#include <stdio.h>

#include <CUnit/Basic.h>

struct cu_test {
	const char *name;
	void (*fn)(void);
};

static inline int
cu_run(const char *suite, const struct cu_test *tests)
{
	unsigned fails;
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	if ((s = CU_add_suite(suite, NULL, NULL)) == NULL)
		return 99;
	for (const struct cu_test *t = tests; t->name != NULL; t++)
		if (CU_add_test(s, t->name, t->fn) == NULL)
			return 99;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	printf("\n%s: %u passed, %u failed\n", suite,
	    CU_get_number_of_tests_run() - CU_get_number_of_tests_failed(),
	    CU_get_number_of_tests_failed());
	CU_cleanup_registry();
	return fails == 0 ? 0 : 1;
}

static inline const char *
cu_nz(const char *s)
{
	return s != NULL ? s : "(null)";
}

#define CU_STR_EQ(a, b) CU_ASSERT_STRING_EQUAL(cu_nz(a), (b))

#endif
