/*
 * tick: the SQL of the reports (issue 12): counts, series, durations and
 * message figures over the tickets a request may see (struct tick_scope,
 * the inbox's filters), and one row per ticket for the lists and exports.
 * What each figure means is base/figures; this module only gathers the
 * values. Every statement is prepared; times are counted in the IANA zone
 * the filters name (MariaDB's time zone tables).
 */
#ifndef TICK_REPORTS_H
#define TICK_REPORTS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "bounds.h"
#include "err.h"
#include "figures.h"
#include "tickets.h"

struct tick_db;

/* Whether the server's time zone tables know zone tz: *known 1 or 0. */
enum tick_err
tick_reports_tz_known(struct tick_db *db, const char *tz, int *known);

/* GET /api/tickets/stats (the first stats route, kept as it was): counts
 * over the tickets not deleted. */
struct tick_ticket_stats {
	long long total, new_, assigned, in_progress, closed, pending;
	long long unassigned_open, mine_open; /* open; mine: user_id's */
	long long avg_first_response_seconds, created_today;
	long long critical_open; /* open reports of severity critical */
};
/* Over the tickets of scope; "mine" are scope->user_id's. */
enum tick_err tick_reports_ticket_stats(struct tick_db *db,
    const struct tick_scope *scope, struct tick_ticket_stats *s);

/* The headline counts over the tickets f selects. */
struct tick_reports_headline {
	long long created, open, closed, unassigned; /* unassigned: open */
	/* new, assigned, in_progress, closed, pending (issue 13) */
	long long by_status[5];
	long long whatsapp, form, api; /* by source */
	long long critical_open, overdue_actions;
	struct tick_figures_csat csat; /* the rated tickets (issue 13) */
};
enum tick_err tick_reports_headline(struct tick_db *db,
    const struct tick_ticket_filters *f, struct tick_reports_headline *h);

/* SLA met, breached and running (issue 13) over the tickets f selects
 * that have a policy, at the SLA clock's now (Unix seconds). From the
 * tickets, not the rollups, which keep no SLA. */
enum tick_err
tick_reports_sla(struct tick_db *db, const struct tick_ticket_filters *f,
    int64_t now, struct tick_figures_sla *out);

/* {met, breached, running, met_rate} of an SLA figure: a new reference,
 * NULL on ENOMEM. */
json_t *tick_reports_sla_json(const struct tick_figures_sla *s);

/* {count, average} of a CSAT figure: a new reference, NULL on ENOMEM. */
json_t *tick_reports_csat_json(const struct tick_figures_csat *c);

/* Which duration: from created to the first response, to closed, or to
 * assigned (time to take). */
enum tick_reports_duration {
	TICK_REPORTS_FIRST_RESPONSE,
	TICK_REPORTS_RESOLUTION,
	TICK_REPORTS_TAKE,
	TICK_REPORTS__MAX
};

/*
 * The series of GET /api/stats/tickets: a new array in *items, one
 * {key, label, total, open, closed, first_response {count, average,
 * median, p90}, resolution {...}} per value of group g among the tickets f
 * selects, in key order (days, weeks and months in f->tz, which must be
 * set). A ticket with no value of g (no site, nobody holding it) is key
 * "". Without with_times the times are zeros. The times come from the
 * duration histograms (sql/031_report_speed.sql) when the rollup serves f
 * and more than TICK_MAX_EXACT_DURATIONS durations are there: then
 * *histogram (unless NULL) is set to 1 (medians and p90 within
 * TICK_FIGURES_HIST_ERROR); else they are exact, read ticket by ticket.
 */
enum tick_err
tick_reports_series(struct tick_db *db, const struct tick_ticket_filters *f,
    enum tick_figures_group g, int with_times, json_t **items, int *histogram);

/* The duration figure which over the tickets f selects (NULL durations
 * left out), from the histograms as the series' times are
 * (out->histogram says so). */
enum tick_err
tick_reports_times(struct tick_db *db, const struct tick_ticket_filters *f,
    enum tick_reports_duration which, struct tick_figures_times *out);

/* The message figures of GET /api/analytics/overview over the last days
 * days (today included) in zone tz, for scope; agent > 0 keeps only the
 * messages of that agent's tickets (the next three functions alike). */
struct tick_reports_messages {
	long long total, conversations, received;
	struct tick_figures_outbound out;
	long long held, templates, billable;
	long long sent_today, sent_week, sent_month;
};
enum tick_err tick_reports_messages(struct tick_db *db,
    const struct tick_scope *scope, long long agent, const char *tz,
    long long days, struct tick_reports_messages *m);

/* {date, sent, received} for each of the last days days in tz, oldest
 * first, days without messages included: a new array in *items. */
enum tick_err
tick_reports_daily(struct tick_db *db, const struct tick_scope *scope,
    long long agent, const char *tz, long long days, json_t **items);

/* Failed outbound messages by Meta's error code: a new array of {code,
 * title, count}, most first (at most 20), over the last days days. */
enum tick_err
tick_reports_failures(struct tick_db *db, const struct tick_scope *scope,
    long long agent, const char *tz, long long days, json_t **items);

/* Billable outbound messages by pricing category over the last days
 * days: a new object {category: count}. */
enum tick_err
tick_reports_billable(struct tick_db *db, const struct tick_scope *scope,
    long long agent, const char *tz, long long days, json_t **out);

/* One row of the ticket report. Times are local to f->tz,
 * "YYYY-MM-DD HH:MM:SS", "" when absent; seconds -1 when absent. */
struct tick_report_row {
	long long id;
	char reference[TICK_COL_BUF(32)];
	char created[24];
	char site[TICK_COL_BUF(100)], subsite[TICK_COL_BUF(100)];
	char category[33], observation_type[33], severity[16];
	char status[16], source[16];
	char holder[TICK_COL_BUF(100)];
	char customer[TICK_COL_BUF(30)]; /* "Anonymous" when anonymous */
	char first_response[24], closed[24];
	long long first_response_seconds, resolution_seconds;
	long long messages_in, messages_out, billable_messages;
	char last_message[TICK_COL_BUF(100)]; /* its first 100 characters */
};

/* The report's columns, in the order of the exports. */
extern const char *const tick_report_columns[];
extern const size_t tick_report_ncolumns;

/* How many tickets f selects. */
enum tick_err tick_reports_count(struct tick_db *db,
    const struct tick_ticket_filters *f, long long *n);

/* A page (1-based) of limit rows as JSON (a new array in *items) and the
 * matches in all. */
enum tick_err
tick_reports_page(struct tick_db *db, const struct tick_ticket_filters *f,
    long long page, long long limit, json_t **items, long long *total);

/* The row as JSON (a new object). */
json_t *tick_report_row_json(const struct tick_report_row *r);

/*
 * Calls fn for every row f selects (at most max), oldest first, read
 * unbuffered so memory stays flat. When fn returns non-zero (the client
 * went away) the rows stop, *stopped is set and the result is TICK_OK.
 * The connection runs nothing else meanwhile: fn must not use db.
 */
enum tick_err
tick_reports_each(struct tick_db *db, const struct tick_ticket_filters *f,
    long long max, int (*fn)(void *arg, const struct tick_report_row *r),
    void *arg, int *stopped);

#endif
