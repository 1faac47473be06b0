#include <math.h>
#include <string.h>

#include "cu.h"
#include "prom.h"

static void
test_family_and_plain_sample(void)
{
	struct tick_prom p;

	tick_prom_init(&p);
	tick_prom_family(&p, "tick_x_total", "counter", "Things counted.");
	tick_prom_u64(&p, "tick_x_total", NULL, 0, 0);
	tick_prom_u64(&p, "tick_x_total", NULL, 0, 18446744073709551615ull);
	CU_ASSERT_EQUAL(tick_prom_status(&p), TICK_OK);
	CU_STR_EQ(p.buf,
	    "# HELP tick_x_total Things counted.\n"
	    "# TYPE tick_x_total counter\n"
	    "tick_x_total 0\n"
	    "tick_x_total 18446744073709551615\n");
	tick_prom_free(&p);
	CU_ASSERT_PTR_NULL(p.buf);
	tick_prom_free(&p);
}

/* Backslash, double quote and line feed in a label value are escaped;
 * other bytes (UTF-8 included) pass as they are. */
static void
test_label_escaping(void)
{
	struct tick_prom_label l[3] = {
		{ "route", "/a\\b\"c\nd" },
		{ "empty", "" },
		{ "name", "Jos\xc3\xa9 {x}" },
	};
	struct tick_prom p;

	tick_prom_init(&p);
	tick_prom_u64(&p, "m", l, 3, 7);
	CU_STR_EQ(p.buf,
	    "m{route=\"/a\\\\b\\\"c\\nd\",empty=\"\",name=\"Jos\xc3\xa9 "
	    "{x}\"} 7\n");
	tick_prom_free(&p);

	/* Only a value that is nothing but specials. */
	l[0].value = "\\\"\n";
	tick_prom_init(&p);
	tick_prom_u64(&p, "m", l, 1, 1);
	CU_STR_EQ(p.buf, "m{route=\"\\\\\\\"\\n\"} 1\n");
	tick_prom_free(&p);
}

/* HELP escapes backslash and line feed, not quotes. */
static void
test_help_escaping(void)
{
	struct tick_prom p;

	tick_prom_init(&p);
	tick_prom_family(&p, "g", "gauge", "a \"q\" \\ b\nc");
	CU_STR_EQ(p.buf, "# HELP g a \"q\" \\\\ b\\nc\n# TYPE g gauge\n");
	tick_prom_free(&p);
}

static void
test_real_values(void)
{
	struct tick_prom p;

	tick_prom_init(&p);
	tick_prom_f64(&p, "a", NULL, 0, 0.25);
	tick_prom_f64(&p, "b", NULL, 0, NAN);
	tick_prom_f64(&p, "c", NULL, 0, INFINITY);
	tick_prom_f64(&p, "d", NULL, 0, -INFINITY);
	tick_prom_f64(&p, "e", NULL, 0, 0);
	CU_STR_EQ(p.buf, "a 0.25\nb NaN\nc +Inf\nd -Inf\ne 0\n");
	tick_prom_free(&p);
}

/* Buckets are cumulative, end with +Inf equal to _count, and carry the
 * sample's labels before le. */
static void
test_histogram(void)
{
	const double bounds[] = { 0.005, 0.1, 2.5 };
	const uint64_t counts[] = { 2, 0, 3, 4 };
	struct tick_prom_label l = { "route", "/api/x" };
	struct tick_prom p;

	tick_prom_init(&p);
	tick_prom_histogram(&p, "h", &l, 1, bounds, 3, counts, 12.5);
	CU_STR_EQ(p.buf,
	    "h_bucket{route=\"/api/x\",le=\"0.005\"} 2\n"
	    "h_bucket{route=\"/api/x\",le=\"0.1\"} 2\n"
	    "h_bucket{route=\"/api/x\",le=\"2.5\"} 5\n"
	    "h_bucket{route=\"/api/x\",le=\"+Inf\"} 9\n"
	    "h_sum{route=\"/api/x\"} 12.5\n"
	    "h_count{route=\"/api/x\"} 9\n");
	tick_prom_free(&p);

	/* No labels and no bounds: only +Inf, _sum and _count. */
	tick_prom_init(&p);
	tick_prom_histogram(&p, "h", NULL, 0, bounds, 0, counts, 0);
	CU_STR_EQ(p.buf, "h_bucket{le=\"+Inf\"} 2\nh_sum 0\nh_count 2\n");
	tick_prom_free(&p);
}

/* A long exposition grows its buffer and stays whole. */
static void
test_growth(void)
{
	struct tick_prom p;
	size_t lines = 0;

	tick_prom_init(&p);
	for (int i = 0; i < 5000; i++)
		tick_prom_u64(&p, "tick_many", NULL, 0, (uint64_t)i);
	CU_ASSERT_EQUAL(tick_prom_status(&p), TICK_OK);
	for (size_t i = 0; i < p.len; i++)
		lines += p.buf[i] == '\n';
	CU_ASSERT_EQUAL(lines, 5000);
	CU_ASSERT_EQUAL(strlen(p.buf), p.len);
	CU_ASSERT_PTR_NOT_NULL(strstr(p.buf, "tick_many 4999\n"));
	tick_prom_free(&p);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "family and plain sample", test_family_and_plain_sample },
		{ "label escaping", test_label_escaping },
		{ "help escaping", test_help_escaping },
		{ "real values", test_real_values },
		{ "histogram", test_histogram },
		{ "growth", test_growth },
		{ NULL, NULL },
	};

	return cu_run("prom", tests);
}
