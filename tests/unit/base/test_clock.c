#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "cu.h"

static void
test_parse(void)
{
	static const struct {
		const char *in;
		int ok;
		int64_t t;
	} cases[] = {
		{ "1772400000", 0, 1772400000 },
		{ "1772400000\n", 0, 1772400000 },
		{ "2026-03-02 15:00:00", 0, 1772463600 },
		{ "1970-01-01 00:00:00", 0, 0 },
		{ "2026-02-30 15:00:00", -1, 0 },
		{ "2026-03-02 15:00:60", -1, 0 },
		{ "2026-03-02T15:00:00", -1, 0 },
		{ "24:00", -1, 0 },
		{ "", -1, 0 },
		{ "-5", -1, 0 },
		{ "1234567890123", -1, 0 },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t t = 0;

		CU_ASSERT_EQUAL(tick_clock_parse(cases[i].in,
		                    strlen(cases[i].in), &t),
		    cases[i].ok);
		if (cases[i].ok == 0)
			CU_ASSERT_EQUAL(t, cases[i].t);
	}
	CU_ASSERT_EQUAL(tick_clock_format(1772463600, buf, sizeof(buf)), 0);
	CU_STR_EQ(buf, "2026-03-02 15:00:00");
}

/* TICK_NOW is a test's only: refused without TICK_ENV=test. */
static void
test_override(void)
{
	char path[] = "/tmp/tick-clock-XXXXXX";
	char val[64];
	int64_t real = (int64_t)time(NULL);
	FILE *f;
	int fd;

	unsetenv("TICK_ENV");
	setenv("TICK_NOW", "1000", 1);
	CU_ASSERT_TRUE(tick_clock_now() >= real);
	CU_ASSERT_FALSE(tick_clock_is_test());
	setenv("TICK_ENV", "production", 1);
	CU_ASSERT_TRUE(tick_clock_now() >= real);
	setenv("TICK_ENV", "test", 1);
#ifdef TICK_NO_TEST_CLOCK
	CU_ASSERT_TRUE(tick_clock_now() >= real);
#else
	CU_ASSERT_EQUAL(tick_clock_now(), 1000);
	CU_ASSERT_TRUE(tick_clock_is_test());
	/* A file: missing is real time, then its value, read every call. */
	fd = mkstemp(path);
	CU_ASSERT_TRUE(fd >= 0);
	snprintf(val, sizeof(val), "@%s", path);
	setenv("TICK_NOW", val, 1);
	CU_ASSERT_TRUE(tick_clock_now() >= real);
	f = fdopen(fd, "w");
	fputs("2026-03-02 15:00:00\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(tick_clock_now(), 1772463600);
	remove(path);
	CU_ASSERT_TRUE(tick_clock_now() >= real);
#endif
	unsetenv("TICK_NOW");
	unsetenv("TICK_ENV");
	CU_ASSERT_TRUE(tick_clock_now() >= real);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "parse", test_parse },
		{ "override", test_override },
		{ NULL, NULL },
	};

	return cu_run("clock", tests);
}
