#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bizcal.h"
#include "cu.h"

/* The Unix time of a UTC civil instant. */
static int64_t
ut(int y, int m, int d, int hh, int mm)
{
	return (int64_t)tick_bizcal_day(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

/* New York, Monday to Friday 09:00-17:00 (split at noon to test several
 * intervals a weekday), Friday 2026-07-03 a holiday. */
static const struct tick_bizcal_hours ny_hours[] = {
	{ 1, 540, 720 },
	{ 1, 720, 1020 },
	{ 2, 540, 1020 },
	{ 3, 540, 1020 },
	{ 4, 540, 1020 },
	{ 5, 540, 1020 },
};
static int32_t ny_holidays[1];

static struct tick_bizcal
ny(void)
{
	struct tick_bizcal c = { "America/New_York", ny_hours,
		sizeof(ny_hours) / sizeof(ny_hours[0]), ny_holidays, 1 };

	ny_holidays[0] = tick_bizcal_day(2026, 7, 3);
	return c;
}

static void
test_add(void)
{
	struct tick_bizcal c = ny();
	static const struct {
		int from[5];
		int64_t secs;
		int due[5];
	} cases[] = {
		/* Monday 10:00 EST + 1 h. */
		{ { 2026, 3, 2, 15, 0 }, 3600, { 2026, 3, 2, 16, 0 } },
		/* Across the noon split: no gap between the intervals. */
		{ { 2026, 3, 2, 16, 30 }, 3600, { 2026, 3, 2, 17, 30 } },
		/* Friday 16:00 EST + 2 h: the weekend, then the clocks go
		 * forward (8 March): Monday 10:00 EDT is 14:00Z. */
		{ { 2026, 3, 6, 21, 0 }, 7200, { 2026, 3, 9, 14, 0 } },
		/* Saturday + 0: the next opening, Monday 09:00 EDT. */
		{ { 2026, 3, 7, 17, 0 }, 0, { 2026, 3, 9, 13, 0 } },
		/* Thursday 16:30 EDT + 1 h: Friday is a holiday. */
		{ { 2026, 7, 2, 20, 30 }, 3600, { 2026, 7, 6, 13, 30 } },
		/* Ending exactly at closing time stays on that day. */
		{ { 2026, 3, 10, 20, 0 }, 3600, { 2026, 3, 10, 21, 0 } },
		/* Clocks back (1 November): Friday 16:00 EDT + 2 h is Monday
		 * 10:00 EST, 15:00Z. */
		{ { 2026, 10, 30, 20, 0 }, 7200, { 2026, 11, 2, 15, 0 } },
		/* A week of business time (40 h) from Monday 09:00 EST. */
		{ { 2026, 2, 2, 14, 0 }, 40 * 3600, { 2026, 2, 6, 22, 0 } },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const int *f = cases[i].from, *d = cases[i].due;
		int64_t out = 0;

		CU_ASSERT_EQUAL(tick_bizcal_add(&c,
		                    ut(f[0], f[1], f[2], f[3], f[4]),
		                    cases[i].secs, NULL, 0, &out),
		    0);
		CU_ASSERT_EQUAL(out, ut(d[0], d[1], d[2], d[3], d[4]));
	}
}

static void
test_between(void)
{
	struct tick_bizcal c = ny();

	/* The inverse of the weekend case of test_add. */
	CU_ASSERT_EQUAL(tick_bizcal_between(&c, ut(2026, 3, 6, 21, 0),
	                    ut(2026, 3, 9, 14, 0), NULL, 0),
	    7200);
	CU_ASSERT_EQUAL(tick_bizcal_between(&c, ut(2026, 3, 9, 14, 0),
	                    ut(2026, 3, 6, 21, 0), NULL, 0),
	    0);
	/* A whole week: 5 days of 8 hours, the holiday week one less. */
	CU_ASSERT_EQUAL(tick_bizcal_between(&c, ut(2026, 3, 1, 0, 0),
	                    ut(2026, 3, 8, 0, 0), NULL, 0),
	    40 * 3600);
	CU_ASSERT_EQUAL(tick_bizcal_between(&c, ut(2026, 6, 28, 0, 0),
	                    ut(2026, 7, 5, 0, 0), NULL, 0),
	    32 * 3600);
}

/* A ticket pending across a night: from Tuesday 16:00 EDT to Wednesday
 * 10:00 EDT. */
static void
test_pauses(void)
{
	struct tick_bizcal c = ny();
	struct tick_bizcal_pause p[] = {
		{ ut(2026, 3, 10, 20, 0), ut(2026, 3, 11, 14, 0) },
		/* Overlapping the first: still one pause. */
		{ ut(2026, 3, 11, 13, 0), ut(2026, 3, 11, 13, 30) },
	};
	struct tick_bizcal_pause open[] = { { ut(2026, 3, 10, 20, 0),
	    INT64_MAX } };
	int64_t out = 0;

	/* Tuesday 15:00 EDT + 2 h: 1 h, the pause, 1 h on Wednesday. */
	CU_ASSERT_EQUAL(tick_bizcal_add(&c, ut(2026, 3, 10, 19, 0), 7200, p, 2,
	                    &out),
	    0);
	CU_ASSERT_EQUAL(out, ut(2026, 3, 11, 15, 0));
	CU_ASSERT_EQUAL(tick_bizcal_between(&c, ut(2026, 3, 10, 19, 0),
	                    ut(2026, 3, 11, 15, 0), p, 2),
	    7200);
	/* Paused until further notice: no due time. */
	CU_ASSERT_EQUAL(tick_bizcal_add(&c, ut(2026, 3, 10, 19, 0), 7200, open,
	                    1, &out),
	    -1);
	CU_ASSERT_EQUAL(tick_bizcal_between(&c, ut(2026, 3, 10, 19, 0),
	                    ut(2026, 3, 20, 0, 0), open, 1),
	    3600);
}

/* A night shift in Berlin over the night the clocks go back: local
 * 00:00-06:00 on Sunday 25 October 2026 lasts seven hours. */
static void
test_dst_night(void)
{
	static const struct tick_bizcal_hours h[] = { { 0, 0, 360 } };
	struct tick_bizcal c = { "Europe/Berlin", h, 1, NULL, 0 };
	int64_t out = 0;

	CU_ASSERT_EQUAL(tick_bizcal_between(&c, ut(2026, 10, 24, 0, 0),
	                    ut(2026, 10, 26, 0, 0), NULL, 0),
	    7 * 3600);
	/* Spring forward (29 March): six local hours are five. */
	CU_ASSERT_EQUAL(tick_bizcal_between(&c, ut(2026, 3, 28, 0, 0),
	                    ut(2026, 3, 30, 0, 0), NULL, 0),
	    5 * 3600);
	CU_ASSERT_EQUAL(tick_bizcal_add(&c, ut(2026, 10, 24, 12, 0), 7 * 3600,
	                    NULL, 0, &out),
	    0);
	CU_ASSERT_EQUAL(out, ut(2026, 10, 25, 5, 0));
	CU_ASSERT_TRUE(tick_bizcal_is_open(&c, ut(2026, 10, 25, 1, 30)));
	CU_ASSERT_FALSE(tick_bizcal_is_open(&c, ut(2026, 10, 25, 5, 0)));
}

static void
test_always_and_holidays(void)
{
	int32_t hol[] = { tick_bizcal_day(2026, 12, 25) };
	struct tick_bizcal c = { NULL, NULL, 0, hol, 1 };
	struct tick_bizcal none = { "UTC", NULL, 0, NULL, 0 };
	int64_t out = 0;

	CU_ASSERT_EQUAL(tick_bizcal_add(&none, 1000, 3600, NULL, 0, &out), 0);
	CU_ASSERT_EQUAL(out, 4600);
	CU_ASSERT_EQUAL(tick_bizcal_add(&c, ut(2026, 12, 24, 23, 0), 7200, NULL,
	                    0, &out),
	    0);
	CU_ASSERT_EQUAL(out, ut(2026, 12, 26, 1, 0));
	CU_ASSERT_FALSE(tick_bizcal_is_open(&c, ut(2026, 12, 25, 12, 0)));
	CU_ASSERT_EQUAL(tick_bizcal_local_day("Asia/Tokyo",
	                    ut(2026, 12, 24, 16, 0)),
	    tick_bizcal_day(2026, 12, 25));
}

static void
test_parse(void)
{
	int32_t z = 0;
	int m = 0;

	CU_ASSERT_EQUAL(tick_bizcal_parse_date("2026-02-28", 10, &z), 0);
	CU_ASSERT_EQUAL(z, tick_bizcal_day(2026, 2, 28));
	CU_ASSERT_EQUAL(tick_bizcal_parse_date("2026-02-29", 10, &z), -1);
	CU_ASSERT_EQUAL(tick_bizcal_parse_date("2028-02-29", 10, &z), 0);
	CU_ASSERT_EQUAL(tick_bizcal_parse_date("2026-2-28", 9, &z), -1);
	CU_ASSERT_EQUAL(tick_bizcal_parse_date("2026-13-01", 10, &z), -1);
	CU_ASSERT_EQUAL(tick_bizcal_parse_date("2026-01-0\0", 10, &z), -1);
	CU_ASSERT_EQUAL(tick_bizcal_parse_date(NULL, 0, &z), -1);
	CU_ASSERT_EQUAL(tick_bizcal_parse_hm("24:00", 5, &m), 0);
	CU_ASSERT_EQUAL(m, 1440);
	CU_ASSERT_EQUAL(tick_bizcal_parse_hm("09:30", 5, &m), 0);
	CU_ASSERT_EQUAL(m, 570);
	CU_ASSERT_EQUAL(tick_bizcal_parse_hm("24:01", 5, &m), -1);
	CU_ASSERT_EQUAL(tick_bizcal_parse_hm("09:60", 5, &m), -1);
	CU_ASSERT_EQUAL(tick_bizcal_parse_hm("9:30", 4, &m), -1);
	CU_ASSERT_EQUAL(tick_bizcal_day(1970, 1, 1), 0);
}

static void
test_tz_and_check(void)
{
	static const struct tick_bizcal_hours bad[] = { { 1, 540, 720 },
		{ 1, 700, 800 } };
	static const struct tick_bizcal_hours wd[] = { { 7, 0, 60 } };
	static const struct tick_bizcal_hours empty[] = { { 2, 60, 60 } };
	struct tick_bizcal c = ny();
	size_t at = 99;

	CU_ASSERT_TRUE(tick_bizcal_tz_ok("America/New_York"));
	CU_ASSERT_TRUE(tick_bizcal_tz_ok("UTC"));
	CU_ASSERT_FALSE(tick_bizcal_tz_ok("Nowhere/City"));
	CU_ASSERT_FALSE(tick_bizcal_tz_ok("../../etc/passwd"));
	CU_ASSERT_FALSE(tick_bizcal_tz_ok("/etc/localtime"));
	CU_ASSERT_FALSE(tick_bizcal_tz_ok("EST5EDT,M3.2.0,M11.1.0"));
	CU_ASSERT_FALSE(tick_bizcal_tz_ok(NULL));
	CU_ASSERT_EQUAL(tick_bizcal_check(&c, &at), 0);
	c.hours = bad;
	c.nhours = 2;
	CU_ASSERT_EQUAL(tick_bizcal_check(&c, &at), -1);
	CU_ASSERT_EQUAL(at, 1);
	c.hours = wd;
	c.nhours = 1;
	CU_ASSERT_EQUAL(tick_bizcal_check(&c, &at), -1);
	c.hours = empty;
	CU_ASSERT_EQUAL(tick_bizcal_check(&c, &at), -1);
	CU_ASSERT_EQUAL(at, 0);
}

/* The caller's TZ is the same after a call. */
static void
test_tz_restored(void)
{
	struct tick_bizcal c = ny();

	setenv("TZ", "Asia/Tokyo", 1);
	(void)tick_bizcal_is_open(&c, 0);
	CU_STR_EQ(getenv("TZ"), "Asia/Tokyo");
	unsetenv("TZ");
	(void)tick_bizcal_is_open(&c, 0);
	CU_ASSERT_PTR_NULL(getenv("TZ"));
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "add", test_add },
		{ "between", test_between },
		{ "pauses", test_pauses },
		{ "dst_night", test_dst_night },
		{ "always_and_holidays", test_always_and_holidays },
		{ "parse", test_parse },
		{ "tz_and_check", test_tz_and_check },
		{ "tz_restored", test_tz_restored },
		{ NULL, NULL },
	};

	return cu_run("bizcal", tests);
}
