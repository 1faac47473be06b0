/* The reports' figures on fixed data with known answers, and CSV fields
 * with their formula neutralisation. */
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "cu.h"
#include "figures.h"

#define NEAR(a, b) CU_ASSERT_DOUBLE_EQUAL((a), (b), 1e-9)

static void
test_percentile(void)
{
	static const long long ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	static const long long four[] = { 10, 20, 30, 40 };
	static const long long one[] = { 42 };
	static const long long skew[] = { 60, 60, 120, 300, 3600 };

	NEAR(tick_figures_percentile(ten, 10, 0.5), 5.5);
	NEAR(tick_figures_percentile(ten, 10, 0.9), 9.1);
	NEAR(tick_figures_percentile(ten, 10, 0), 1);
	NEAR(tick_figures_percentile(ten, 10, 1), 10);
	NEAR(tick_figures_percentile(four, 4, 0.5), 25);
	NEAR(tick_figures_percentile(four, 4, 0.9), 37);
	NEAR(tick_figures_percentile(one, 1, 0.5), 42);
	NEAR(tick_figures_percentile(one, 1, 0.9), 42);
	NEAR(tick_figures_percentile(NULL, 0, 0.5), 0);
	NEAR(tick_figures_percentile(skew, 5, 0.5), 120);
	/* rank 3.6: 300 + 0.6 * 3300 */
	NEAR(tick_figures_percentile(skew, 5, 0.9), 2280);
}

static void
test_times(void)
{
	static const long long v[] = { 60, 60, 120, 300, 3600 };
	static const long long odd[] = { 1, 2 };
	struct tick_figures_times t;

	tick_figures_times(v, 5, &t);
	CU_ASSERT_EQUAL(t.count, 5);
	NEAR(t.average, 828);
	NEAR(t.median, 120);
	NEAR(t.p90, 2280);
	tick_figures_times(NULL, 0, &t);
	CU_ASSERT_EQUAL(t.count, 0);
	NEAR(t.average, 0);
	NEAR(t.median, 0);
	NEAR(t.p90, 0);
	tick_figures_times(odd, 2, &t);
	NEAR(t.average, 1.5);
	NEAR(t.median, 1.5);
	NEAR(t.p90, 1.9);
}

static void
test_delivery(void)
{
	struct tick_figures_outbound o = { 0 };

	NEAR(tick_figures_delivery_rate(&o), 0);
	CU_ASSERT_EQUAL(tick_figures_sent(&o), 0);
	/* Accepted messages have not been sent yet. */
	o.accepted = 7;
	NEAR(tick_figures_delivery_rate(&o), 0);
	o = (struct tick_figures_outbound){ .sent = 1,
		.delivered = 4,
		.read = 4,
		.played = 0,
		.failed = 1 };
	CU_ASSERT_EQUAL(tick_figures_sent(&o), 10);
	NEAR(tick_figures_delivery_rate(&o), 80);
	o = (struct tick_figures_outbound){ .sent = 1,
		.delivered = 1,
		.read = 0,
		.failed = 1 };
	NEAR(tick_figures_delivery_rate(&o), 33.33);
	o = (struct tick_figures_outbound){ .delivered = 2, .played = 1 };
	NEAR(tick_figures_delivery_rate(&o), 100);
	NEAR(tick_figures_round2(2.005), 2.01);
	NEAR(tick_figures_round2(-1.234), -1.23);
}

static void
test_tz_and_groups(void)
{
	CU_ASSERT(tick_figures_tz_shape("UTC"));
	CU_ASSERT(tick_figures_tz_shape("Europe/Paris"));
	CU_ASSERT(tick_figures_tz_shape("America/Argentina/Buenos_Aires"));
	CU_ASSERT(tick_figures_tz_shape("Etc/GMT+5"));
	CU_ASSERT(tick_figures_tz_shape("America/Port-au-Prince"));
	CU_ASSERT(!tick_figures_tz_shape(""));
	CU_ASSERT(!tick_figures_tz_shape(NULL));
	CU_ASSERT(!tick_figures_tz_shape("+02:00"));
	CU_ASSERT(!tick_figures_tz_shape("../etc/passwd"));
	CU_ASSERT(!tick_figures_tz_shape("Europe/"));
	CU_ASSERT(!tick_figures_tz_shape("Europe//Paris"));
	CU_ASSERT(!tick_figures_tz_shape("Europe/Paris'; --"));
	CU_ASSERT(!tick_figures_tz_shape(
	    "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	CU_ASSERT_EQUAL(tick_figures_group_find("day"), TICK_FIGURES_DAY);
	CU_ASSERT_EQUAL(tick_figures_group_find("severity"),
	    TICK_FIGURES_SEVERITY);
	CU_ASSERT_EQUAL(tick_figures_group_find("team"), TICK_FIGURES_TEAM);
	CU_ASSERT_EQUAL(tick_figures_group_find("Day"), -1);
	CU_ASSERT_EQUAL(tick_figures_group_find(""), -1);
	CU_ASSERT_EQUAL(tick_figures_group_find(NULL), -1);
	for (int g = 0; g < TICK_FIGURES__MAX; g++)
		CU_ASSERT_EQUAL(tick_figures_group_find(tick_figures_group_name(
		                    (enum tick_figures_group)g)),
		    g);
}

static void
csv_is(const char *in, const char *want)
{
	char out[256];
	size_t n = tick_csv_field(in, strlen(in), out, sizeof(out));

	CU_ASSERT(n <= TICK_CSV_FIELD_MAX(strlen(in)));
	CU_ASSERT_EQUAL(n, strlen(want));
	CU_ASSERT(n == strlen(want) && memcmp(out, want, n) == 0);
}

static void
test_csv(void)
{
	char small[4];

	csv_is("", "");
	csv_is("plain", "plain");
	csv_is("Zoë Ünal", "Zoë Ünal");
	csv_is("a,b", "\"a,b\"");
	csv_is("say \"hi\"", "\"say \"\"hi\"\"\"");
	csv_is("two\nlines", "\"two\nlines\"");
	csv_is("cr\rhere", "\"cr\rhere\"");
	csv_is("\"", "\"\"\"\"");
	/* OWASP: cells a spreadsheet would run get a leading quote. */
	csv_is("=1+2", "\"'=1+2\"");
	csv_is("+1", "\"'+1\"");
	csv_is("-2+3", "\"'-2+3\"");
	csv_is("@SUM(A1)", "\"'@SUM(A1)\"");
	csv_is("\tx", "\"'\tx\"");
	csv_is("\rx", "\"'\rx\"");
	csv_is("=HYPERLINK(\"http://x\",\"y\")",
	    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
	csv_is("a=b", "a=b");
	CU_ASSERT(tick_csv_formula("=", 1));
	CU_ASSERT(!tick_csv_formula("=", 0));
	CU_ASSERT(!tick_csv_formula(" =1", 3));
	/* Too small: the size needed is returned, nothing is overrun. */
	CU_ASSERT_EQUAL(tick_csv_field("a,b,c", 5, small, sizeof(small)), 7);
}

/* The CSAT average: none rated is 0, never a division by zero. */
static void
test_csat(void)
{
	struct tick_figures_csat c = { 0, 0 };

	CU_ASSERT_DOUBLE_EQUAL(tick_figures_csat_average(&c), 0, 1e-9);
	c = (struct tick_figures_csat){ 3, 8 };
	CU_ASSERT_DOUBLE_EQUAL(tick_figures_csat_average(&c), 2.67, 1e-9);
	c = (struct tick_figures_csat){ 1, 1 };
	CU_ASSERT_DOUBLE_EQUAL(tick_figures_csat_average(&c), 1, 1e-9);
	c = (struct tick_figures_csat){ -1, 5 };
	CU_ASSERT_DOUBLE_EQUAL(tick_figures_csat_average(&c), 0, 1e-9);
}

/* The SLA met rate over fixed counts: running tickets are undecided. */
static void
test_sla(void)
{
	static const struct {
		struct tick_figures_sla s;
		double rate;
	} cases[] = {
		{ { 0, 0, 0 }, 0 },     /* nothing with a policy */
		{ { 0, 0, 7 }, 0 },     /* all still running */
		{ { 3, 0, 2 }, 100 },   /* none missed */
		{ { 0, 4, 1 }, 0 },     /* all missed */
		{ { 2, 1, 9 }, 66.67 }, /* 2 of 3, rounded half up */
		{ { 1, 2, 0 }, 33.33 }, { { 7, 1, 0 }, 87.5 },
		{ { -1, 1, 0 }, 0 }, /* nonsense in, nothing out */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_DOUBLE_EQUAL(tick_figures_sla_met_rate(&cases[i].s),
		    cases[i].rate, 1e-9);
}

/* Every bucket's edges map back to it, the buckets tile the seconds with
 * no gap, and a bucket is at most 1/16 of its lowest value wide. */
static void
test_buckets(void)
{
	static const struct {
		long long v;
		int b;
	} cases[] = { { -5, 0 }, { 0, 0 }, { 1, 1 }, { 31, 31 }, { 32, 32 },
		{ 33, 32 }, { 34, 33 }, { 63, 47 }, { 64, 48 }, { 60, 46 },
		{ 120, 62 }, { 300, 82 }, { 3600, 140 }, { 7200, 156 },
		{ 86400, 213 }, { 2147483647LL, 447 }, { 1LL << 40, 447 } };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(tick_figures_bucket(cases[i].v), cases[i].b);
	for (int b = 0; b < TICK_FIGURES_BUCKETS; b++) {
		long long lo = tick_figures_bucket_low(b);
		long long hi = tick_figures_bucket_high(b);

		CU_ASSERT(lo <= hi);
		CU_ASSERT_EQUAL(tick_figures_bucket(lo), b);
		CU_ASSERT_EQUAL(tick_figures_bucket(hi), b);
		if (b > 0) {
			CU_ASSERT_EQUAL(tick_figures_bucket_high(b - 1) + 1,
			    lo);
		}
		if (b >= 32) {
			CU_ASSERT((hi - lo + 1) * 16 <= lo);
		} else {
			CU_ASSERT_EQUAL(lo, hi);
		}
	}
	CU_ASSERT_EQUAL(tick_figures_bucket_high(TICK_FIGURES_BUCKETS - 1),
	    2147483647LL);
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* Relative distance of an estimate from the exact figure, allowing for
 * the rounding to two decimals. */
static int
within(double est, double exact)
{
	double d = est > exact ? est - exact : exact - est;

	return d <= exact * TICK_FIGURES_HIST_ERROR + 0.01;
}

static void
hist_of(const long long *v, size_t n, struct tick_figures_bin *bins,
    size_t *nbins, long double *sum)
{
	long long count[TICK_FIGURES_BUCKETS] = { 0 };

	*sum = 0;
	for (size_t i = 0; i < n; i++) {
		count[tick_figures_bucket(v[i])]++;
		*sum += v[i] < 0 ? 0 : v[i];
	}
	*nbins = 0;
	for (int b = 0; b < TICK_FIGURES_BUCKETS; b++)
		if (count[b] > 0)
			bins[(*nbins)++] = (struct tick_figures_bin){ b,
				count[b] };
}

/* The histogram's figures against the exact ones on fixed data. */
static void
test_hist(void)
{
	static const long long skew[] = { 60, 60, 120, 300, 3600 };
	static const long long small[] = { 0, 3, 3, 7, 12, 31 };
	struct tick_figures_bin bins[TICK_FIGURES_BUCKETS];
	struct tick_figures_times h, e;
	long long *v;
	long double sum;
	size_t nbins;
	unsigned long long x = 12345;

	/* Known answers: middles 60.5, 121.5, 295.5 and 3647.5. */
	hist_of(skew, 5, bins, &nbins, &sum);
	CU_ASSERT_EQUAL(nbins, 4);
	tick_figures_hist_times(bins, nbins, sum, &h);
	CU_ASSERT_EQUAL(h.count, 5);
	CU_ASSERT_EQUAL(h.histogram, 1);
	NEAR(h.average, 828);
	NEAR(h.median, 121.5);
	NEAR(h.p90, 2306.7);
	NEAR(tick_figures_hist_percentile(bins, nbins, 0), 60.5);
	NEAR(tick_figures_hist_percentile(bins, nbins, 1), 3647.5);
	/* Below 32 seconds the buckets are exact. */
	hist_of(small, 6, bins, &nbins, &sum);
	tick_figures_hist_times(bins, nbins, sum, &h);
	tick_figures_times(small, 6, &e);
	NEAR(h.median, e.median);
	NEAR(h.p90, e.p90);
	NEAR(h.average, e.average);
	/* Nothing, and bins with nothing in them. */
	tick_figures_hist_times(NULL, 0, 0, &h);
	CU_ASSERT_EQUAL(h.count, 0);
	NEAR(h.median, 0);
	bins[0] = (struct tick_figures_bin){ 40, 0 };
	bins[1] = (struct tick_figures_bin){ 100, 2 };
	NEAR(tick_figures_hist_percentile(bins, 2, 0.5),
	    (tick_figures_bucket_low(100) + tick_figures_bucket_high(100)) /
	        2.0);
	/* 5,000 durations spread from seconds to weeks (a fixed LCG), and
	 * the same values bunched: within the bound every time. */
	v = malloc(5000 * sizeof(*v));
	CU_ASSERT_FATAL(v != NULL);
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < 5000; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			v[i] = round == 0 ? (long long)((x >> 33) % 1209600) :
			    round == 1 ? 3600 + (long long)((x >> 33) % 600) :
			                 (long long)((x >> 33) % 40) *
			        (long long)((x >> 20) % 5000);
		}
		qsort(v, 5000, sizeof(*v), cmp_ll);
		tick_figures_times(v, 5000, &e);
		hist_of(v, 5000, bins, &nbins, &sum);
		tick_figures_hist_times(bins, nbins, sum, &h);
		CU_ASSERT_EQUAL(h.count, e.count);
		NEAR(h.average, e.average);
		CU_ASSERT(within(h.median, e.median));
		CU_ASSERT(within(h.p90, e.p90));
		for (int p = 0; p <= 100; p += 5)
			CU_ASSERT(within(tick_figures_hist_percentile(bins,
			                     nbins, p / 100.0),
			    tick_figures_percentile(v, 5000, p / 100.0)));
	}
	free(v);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "percentile", test_percentile },
		{ "times", test_times },
		{ "buckets", test_buckets },
		{ "hist", test_hist },
		{ "delivery", test_delivery },
		{ "tz_and_groups", test_tz_and_groups },
		{ "csv", test_csv },
		{ "csat", test_csat },
		{ "sla", test_sla },
		{ NULL, NULL },
	};
	return cu_run("figures", tests);
}
