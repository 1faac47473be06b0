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
