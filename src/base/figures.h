/*
 * tick: what each figure of the reports (issue 12) means, defined once and
 * asked by every caller: percentiles and averages of durations, the
 * WhatsApp delivery rate, the shape of a time zone name and the report
 * groupings. Pure: no I/O, no globals; the SQL that gathers the values
 * lives in store/reports.c.
 */
#ifndef TICK_FIGURES_H
#define TICK_FIGURES_H

#include <stddef.h>

/*
 * The p-th percentile (0 <= p <= 1) of n values sorted ascending, by
 * linear interpolation between the closest ranks (as SQL's PERCENTILE_CONT
 * and spreadsheets' PERCENTILE.INC): rank p * (n - 1). The median is p =
 * 0.5. 0 when n is 0.
 */
double tick_figures_percentile(const long long *sorted, size_t n, double p);

/* A duration figure (first response, resolution, time to take): over n
 * sorted values in seconds. */
struct tick_figures_times {
	long long count;
	double average, median, p90; /* seconds; 0 when count is 0 */
	/* 1 when median and p90 are estimates from a histogram (within
	 * TICK_FIGURES_HIST_ERROR); count and average stay exact. */
	int histogram;
};
void tick_figures_times(const long long *sorted, size_t n,
    struct tick_figures_times *out);

/*
 * Durations kept as a histogram (issue 12, Scale): the figures over a
 * million tickets sum counts per bucket instead of reading every value.
 * Buckets are log-spaced with 16 per power of two: a whole number of
 * seconds v (negative ones count as 0, those past 2^31 - 1 as 2^31 - 1) is
 * bucket v below 32 (exact), else, with s the bit length of v less 5,
 * bucket 16 s + (v >> s): the 2^s values from (v >> s) << s. The SQL
 * function tick_duration_bucket (sql/031_report_speed.sql) computes the
 * same with integers only.
 *
 * A percentile estimated from a histogram takes the middle of the bucket
 * each rank falls in, so it is off by at most (width - 1) / 2 seconds from
 * the exact one, and a bucket's width is at most 1/16 of its lowest value:
 * the estimate is within TICK_FIGURES_HIST_ERROR (1/32, 3.125%) of the
 * exact PERCENTILE_CONT, and exact below 32 seconds.
 */
#define TICK_FIGURES_BUCKETS 448 /* buckets 0 .. 447 */
#define TICK_FIGURES_HIST_ERROR (1.0 / 32.0)
/* What an answer says of its percentiles. */
#define TICK_FIGURES_HIST_PRECISION "histogram, within 3.125%"
#define TICK_FIGURES_EXACT_PRECISION "exact"

/* The bucket of a duration of secs seconds: 0 .. TICK_FIGURES_BUCKETS - 1. */
int tick_figures_bucket(long long secs);
/* The first and the last whole second of bucket b (b in range). */
long long tick_figures_bucket_low(int b);
long long tick_figures_bucket_high(int b);

/* One bucket of a histogram: n durations fell in bucket. */
struct tick_figures_bin {
	int bucket;
	long long n;
};

/*
 * The p-th percentile (0 <= p <= 1) estimated from nbins bins sorted by
 * bucket (each bucket once; bins with n <= 0 are skipped): the closest
 * ranks as tick_figures_percentile, each valued at the middle of its
 * bucket. 0 when the bins hold nothing.
 */
double tick_figures_hist_percentile(const struct tick_figures_bin *bins,
    size_t nbins, double p);

/*
 * The duration figure from a histogram of nbins bins (sorted by bucket)
 * and the exact sum of its durations in seconds (each at least 0): count
 * and average exact, median and p90 estimated; out->histogram is 1.
 */
void tick_figures_hist_times(const struct tick_figures_bin *bins, size_t nbins,
    long double sum, struct tick_figures_times *out);

/*
 * The outbound messages by the status each has reached, and the delivery
 * rate: (delivered + read) / sent, as a percentage rounded to two
 * decimals. "sent" counts every outbound message Meta took (sent,
 * delivered, read, played, failed): a message it read was sent and
 * delivered first, and a failed one counts against the rate; "read"
 * includes played (audio). 0 when nothing was sent.
 */
struct tick_figures_outbound {
	long long accepted, sent, delivered, read, played, failed;
};
long long tick_figures_sent(const struct tick_figures_outbound *o);
double tick_figures_delivery_rate(const struct tick_figures_outbound *o);

/*
 * CSAT (issue 13): of the tickets a report selects, count is those the
 * customer rated and sum their scores (1 bad, 2 OK, 3 good); the average
 * is sum / count rounded to two decimals, 0 when nothing was rated.
 */
struct tick_figures_csat {
	long long count, sum;
};
double tick_figures_csat_average(const struct tick_figures_csat *c);

/*
 * SLA (issue 13): of the tickets a report selects that have a policy, met
 * is those closed without missing a due time, breached those that missed
 * one (open or closed), running those still open within their times. The
 * met rate is met / (met + breached), a percentage rounded to two
 * decimals: running tickets are not decided yet; 0 when none is.
 */
struct tick_figures_sla {
	long long met, breached, running;
};
double tick_figures_sla_met_rate(const struct tick_figures_sla *s);

/* Rounds v to two decimals (half away from zero). */
double tick_figures_round2(double v);

/*
 * Whether s has the shape of an IANA time zone name: 1 to 64 bytes of
 * A-Z a-z 0-9 / _ - +, starting with a letter, no "..", no leading or
 * trailing '/'. Whether the server knows it is the database's question.
 */
int tick_figures_tz_shape(const char *s);

/* The groupings of GET /api/stats/tickets?group=. */
enum tick_figures_group {
	TICK_FIGURES_DAY,
	TICK_FIGURES_WEEK, /* ISO weeks, named by their Monday */
	TICK_FIGURES_MONTH,
	TICK_FIGURES_SITE,
	TICK_FIGURES_CATEGORY,
	TICK_FIGURES_AGENT,
	TICK_FIGURES_SEVERITY,
	/* Beyond the list, the other breakdowns it names. */
	TICK_FIGURES_SUBSITE,
	TICK_FIGURES_OBSERVATION, /* observation_type */
	TICK_FIGURES_SOURCE,      /* whatsapp, form, api */
	TICK_FIGURES_STATUS,
	TICK_FIGURES_TEAM, /* issue 13 */
	TICK_FIGURES__MAX
};
/* The group named s, or -1. */
int tick_figures_group_find(const char *s);
/* The name of group g ("day", ...). */
const char *tick_figures_group_name(enum tick_figures_group g);

#endif
