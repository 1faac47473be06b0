#include <string.h>

#include "figures.h"

double
tick_figures_percentile(const long long *sorted, size_t n, double p)
{
	double rank, frac;
	size_t lo;

	if (n == 0)
		return 0;
	if (p <= 0)
		return (double)sorted[0];
	if (p >= 1)
		return (double)sorted[n - 1];
	rank = p * (double)(n - 1);
	lo = (size_t)rank;
	frac = rank - (double)lo;
	if (lo + 1 >= n)
		return (double)sorted[n - 1];
	return (double)sorted[lo] +
	    ((double)sorted[lo + 1] - (double)sorted[lo]) * frac;
}

void
tick_figures_times(const long long *sorted, size_t n,
    struct tick_figures_times *out)
{
	long double sum = 0;

	memset(out, 0, sizeof(*out));
	out->count = (long long)n;
	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++)
		sum += sorted[i];
	out->average = tick_figures_round2((double)(sum / (long double)n));
	out->median = tick_figures_round2(
	    tick_figures_percentile(sorted, n, 0.5));
	out->p90 = tick_figures_round2(tick_figures_percentile(sorted, n, 0.9));
}

int
tick_figures_bucket(long long secs)
{
	long long v = secs < 0 ? 0 : secs > 2147483647LL ? 2147483647LL : secs;
	int bits = 0, s;

	if (v < 32)
		return (int)v;
	for (long long x = v; x != 0; x >>= 1)
		bits++;
	s = bits - 5;
	return 16 * s + (int)(v >> s);
}

long long
tick_figures_bucket_low(int b)
{
	int s;

	if (b < 32)
		return b < 0 ? 0 : b;
	s = b / 16 - 1;
	return (long long)(b % 16 + 16) << s;
}

long long
tick_figures_bucket_high(int b)
{
	if (b < 32)
		return b < 0 ? 0 : b;
	return tick_figures_bucket_low(b) + (1LL << (b / 16 - 1)) - 1;
}

/* The middle of the bucket of the rank-th (0-based) duration. */
static double
hist_value(const struct tick_figures_bin *bins, size_t nbins, long long rank)
{
	long long seen = 0;
	int last = 0;

	for (size_t i = 0; i < nbins; i++) {
		if (bins[i].n <= 0)
			continue;
		last = bins[i].bucket;
		seen += bins[i].n;
		if (rank < seen)
			break;
	}
	return ((double)tick_figures_bucket_low(last) +
	           (double)tick_figures_bucket_high(last)) /
	    2.0;
}

double
tick_figures_hist_percentile(const struct tick_figures_bin *bins, size_t nbins,
    double p)
{
	long long n = 0, lo;
	double rank, frac, a, b;

	for (size_t i = 0; i < nbins; i++)
		if (bins[i].n > 0)
			n += bins[i].n;
	if (n == 0)
		return 0;
	if (p <= 0)
		return hist_value(bins, nbins, 0);
	if (p >= 1)
		return hist_value(bins, nbins, n - 1);
	rank = p * (double)(n - 1);
	lo = (long long)rank;
	frac = rank - (double)lo;
	a = hist_value(bins, nbins, lo);
	if (lo + 1 >= n)
		return a;
	b = hist_value(bins, nbins, lo + 1);
	return a + (b - a) * frac;
}

void
tick_figures_hist_times(const struct tick_figures_bin *bins, size_t nbins,
    long double sum, struct tick_figures_times *out)
{
	long long n = 0;

	memset(out, 0, sizeof(*out));
	out->histogram = 1;
	for (size_t i = 0; i < nbins; i++)
		if (bins[i].n > 0)
			n += bins[i].n;
	out->count = n;
	if (n == 0)
		return;
	out->average = tick_figures_round2((double)(sum / (long double)n));
	out->median = tick_figures_round2(
	    tick_figures_hist_percentile(bins, nbins, 0.5));
	out->p90 = tick_figures_round2(
	    tick_figures_hist_percentile(bins, nbins, 0.9));
}

long long
tick_figures_sent(const struct tick_figures_outbound *o)
{
	return o->sent + o->delivered + o->read + o->played + o->failed;
}

double
tick_figures_delivery_rate(const struct tick_figures_outbound *o)
{
	long long sent = tick_figures_sent(o);

	if (sent <= 0)
		return 0;
	return tick_figures_round2(100.0 *
	    (double)(o->delivered + o->read + o->played) / (double)sent);
}

double
tick_figures_round2(double v)
{
	/* Without libm: the figures stay far inside long long's range. */
	double x = v * 100.0;

	return (double)(long long)(x + (x >= 0 ? 0.5 : -0.5)) / 100.0;
}

int
tick_figures_tz_shape(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 64 ||
	    !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) ||
	    s[n - 1] == '/' || strstr(s, "..") != NULL ||
	    strstr(s, "//") != NULL)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		        (c >= '0' && c <= '9') || c == '/' || c == '_' ||
		        c == '-' || c == '+'))
			return 0;
	}
	return 1;
}

static const char *const group_names[TICK_FIGURES__MAX] = {
	[TICK_FIGURES_DAY] = "day",
	[TICK_FIGURES_WEEK] = "week",
	[TICK_FIGURES_MONTH] = "month",
	[TICK_FIGURES_SITE] = "site",
	[TICK_FIGURES_CATEGORY] = "category",
	[TICK_FIGURES_AGENT] = "agent",
	[TICK_FIGURES_SEVERITY] = "severity",
	[TICK_FIGURES_SUBSITE] = "subsite",
	[TICK_FIGURES_OBSERVATION] = "observation_type",
	[TICK_FIGURES_SOURCE] = "source",
	[TICK_FIGURES_STATUS] = "status",
	[TICK_FIGURES_TEAM] = "team",
};

double
tick_figures_csat_average(const struct tick_figures_csat *c)
{
	if (c->count <= 0)
		return 0;
	return tick_figures_round2((double)c->sum / (double)c->count);
}

double
tick_figures_sla_met_rate(const struct tick_figures_sla *s)
{
	long long decided = s->met + s->breached;

	if (decided <= 0 || s->met < 0)
		return 0;
	return tick_figures_round2(100.0 * (double)s->met / (double)decided);
}

int
tick_figures_group_find(const char *s)
{
	for (int g = 0; g < TICK_FIGURES__MAX; g++)
		if (s != NULL && strcmp(s, group_names[g]) == 0)
			return g;
	return -1;
}

const char *
tick_figures_group_name(enum tick_figures_group g)
{
	return g < TICK_FIGURES__MAX ? group_names[g] : "";
}
