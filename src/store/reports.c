#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "bizcal.h"
#include "db.h"
#include "log.h"
#include "report.h"
#include "reports.h"
#include "sla_policies.h"

/* A time of tickets alias t in the filters' zone. */
#define LOCAL(col) "CONVERT_TZ(" col ", '+00:00', ?)"
#define LOCAL_TEXT(col) "DATE_FORMAT(" LOCAL(col) ", '%Y-%m-%d %H:%i:%s')"

/* What outbound messages Meta took: the "sent" of the delivery rate
 * (base/figures). */
#define SENT_SQL "m.status IN ('sent', 'delivered', 'read', 'played', 'failed')"

enum reports_stmt {
	RP_TZ,
	RP_TICKET_STATS,
	RP_BOUNDS,
	RP_MESSAGES,
	RP_SENT_SINCE,
	RP_DAILY,
	RP_FAILURES,
	RP_BILLABLE,
	RP_STMT__MAX
};

/* Messages a scope sees: on its tickets, or (everyone) on none. Read
 * marks (issue 16) are not messages: they are left out. */
#define MSG_FROM                                                              \
	" FROM whatsapp_messages m LEFT JOIN tickets t ON t.id = m.ticket_id" \
	" WHERE m.created_at >= ? AND (t.id IS NULL OR t.deleted_at IS NULL)" \
	" AND m.type <> 'read'"                                               \
	" AND " TICK_SCOPE_SQL " AND (? = 0 OR t.assigned_to = ?)"

/* clang-format off */
static const char *const stmts[RP_STMT__MAX] = {
	[RP_TZ] = "SELECT CONVERT_TZ('2000-01-01 00:00:00', ?, '+00:00') IS NOT NULL",
	[RP_TICKET_STATS] =
	    "SELECT COUNT(*), COALESCE(SUM(status = 'new'), 0),"
	    " COALESCE(SUM(status = 'assigned'), 0),"
	    " COALESCE(SUM(status = 'in_progress'), 0),"
	    " COALESCE(SUM(status = 'closed'), 0),"
	    " COALESCE(SUM(status = 'pending'), 0),"
	    " COALESCE(SUM(status <> 'closed' AND assigned_to IS NULL), 0),"
	    " COALESCE(SUM(status <> 'closed' AND assigned_to = ?), 0),"
	    " CAST(COALESCE(AVG(TIMESTAMPDIFF(SECOND, created_at, first_response_at)), 0) AS SIGNED),"
	    " COALESCE(SUM(created_at >= CURDATE()), 0),"
	    " COALESCE(SUM(status <> 'closed' AND severity = 'critical'), 0)"
	    " FROM tickets t WHERE deleted_at IS NULL AND " TICK_SCOPE_SQL,
	/* In UTC: the start of today, of this ISO week, of this month and of
	 * the window of the last ? days, all in zone ?; and today's date
	 * there. */
	[RP_BOUNDS] =
	    "SELECT DATE_FORMAT(CONVERT_TZ(d, ?, '+00:00'), '%Y-%m-%d %H:%i:%s'),"
	    " DATE_FORMAT(CONVERT_TZ(d - INTERVAL WEEKDAY(d) DAY, ?, '+00:00'),"
	    " '%Y-%m-%d %H:%i:%s'),"
	    " DATE_FORMAT(CONVERT_TZ(DATE_FORMAT(d, '%Y-%m-01'), ?, '+00:00'),"
	    " '%Y-%m-%d %H:%i:%s'),"
	    " DATE_FORMAT(CONVERT_TZ(d - INTERVAL ? DAY, ?, '+00:00'),"
	    " '%Y-%m-%d %H:%i:%s'),"
	    " DATE_FORMAT(d - INTERVAL ? DAY, '%Y-%m-%d')"
	    " FROM (SELECT DATE(CONVERT_TZ(UTC_TIMESTAMP(), '+00:00', ?)) AS d) x",
	[RP_MESSAGES] =
	    "SELECT COUNT(*), COUNT(DISTINCT m.ticket_id),"
	    " COALESCE(SUM(m.direction = 'in'), 0),"
	    " COALESCE(SUM(m.direction = 'out' AND m.status = 'accepted'), 0),"
	    " COALESCE(SUM(m.direction = 'out' AND m.status = 'sent'), 0),"
	    " COALESCE(SUM(m.direction = 'out' AND m.status = 'delivered'), 0),"
	    " COALESCE(SUM(m.direction = 'out' AND m.status = 'read'), 0),"
	    " COALESCE(SUM(m.direction = 'out' AND m.status = 'played'), 0),"
	    " COALESCE(SUM(m.direction = 'out' AND m.status = 'failed'), 0),"
	    " COALESCE(SUM(m.direction = 'out' AND m.status = 'held'), 0),"
	    " COALESCE(SUM(m.direction = 'out' AND m.type = 'template'"
	    " AND " SENT_SQL "), 0),"
	    " COALESCE(SUM(m.direction = 'out' AND m.billable = 1), 0)"
	    MSG_FROM,
	[RP_SENT_SINCE] =
	    "SELECT COALESCE(SUM(m.created_at >= ?), 0),"
	    " COALESCE(SUM(m.created_at >= ?), 0), COUNT(*)"
	    MSG_FROM " AND m.direction = 'out' AND " SENT_SQL,
	[RP_DAILY] =
	    "SELECT DATE_FORMAT(CONVERT_TZ(m.created_at, '+00:00', ?), '%Y-%m-%d'),"
	    " COALESCE(SUM(m.direction = 'out' AND " SENT_SQL "), 0),"
	    " COALESCE(SUM(m.direction = 'in'), 0)"
	    MSG_FROM " GROUP BY 1 ORDER BY 1",
	[RP_FAILURES] =
	    "SELECT COALESCE(m.error_code, 0), COALESCE(MAX(m.error_title), ''),"
	    " COUNT(*)" MSG_FROM " AND m.direction = 'out' AND m.status = 'failed'"
	    " GROUP BY m.error_code ORDER BY 3 DESC, 1 LIMIT 20",
	[RP_BILLABLE] =
	    "SELECT COALESCE(m.pricing_category, ''), COUNT(*)" MSG_FROM
	    " AND m.direction = 'out' AND m.billable = 1"
	    " GROUP BY 1 ORDER BY 1 LIMIT 50",
};
/* clang-format on */

enum tick_err
tick_reports_tz_known(struct tick_db *db, const char *tz, int *known)
{
	long long v = 0;
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[RP_TZ]);
	tick_q_str(&q, tz, (size_t)-1);
	tick_q_out_int(&q, &v);
	rc = tick_q_one(&q);
	*known = rc == TICK_OK && v == 1;
	return rc == TICK_ENOTFOUND ? TICK_OK : rc;
}

/* ---- Tickets */

enum tick_err
tick_reports_ticket_stats(struct tick_db *db, const struct tick_scope *scope,
    struct tick_ticket_stats *s)
{
	long long *v[] = { &s->total, &s->new_, &s->assigned, &s->in_progress,
		&s->closed, &s->pending, &s->unassigned_open, &s->mine_open,
		&s->avg_first_response_seconds, &s->created_today,
		&s->critical_open };
	enum tick_err rc;
	struct tick_q q;

	memset(s, 0, sizeof(*s));
	tick_q_init(&q, db, stmts[RP_TICKET_STATS]);
	tick_q_int(&q, scope->user_id);
	tick_scope_bind(&q, scope);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		tick_q_out_int(&q, v[i]);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_reports_sla(struct tick_db *db, const struct tick_ticket_filters *f,
    int64_t now, struct tick_figures_sla *out)
{
	struct tick_sql s = { .len = 0 };
	struct tick_q q;
	enum tick_err rc;

	memset(out, 0, sizeof(*out));
	tick_sql_add(&s,
	    "SELECT COALESCE(SUM(b = 0 AND status = 'closed'), 0),"
	    " COALESCE(SUM(b = 1), 0),"
	    " COALESCE(SUM(b = 0 AND status <> 'closed'), 0)"
	    " FROM (SELECT t.status, " TICK_SLA_BREACHED_SQL " AS b"
	    " FROM tickets t");
	tick_ticket_where(&s, f);
	tick_sql_add(&s, " AND t.sla_policy_id > 0) x");
	tick_q_init_built(&q, db, &s);
	tick_q_int(&q, now);
	tick_ticket_bind_where(&q, f);
	tick_q_out_int(&q, &out->met);
	tick_q_out_int(&q, &out->breached);
	tick_q_out_int(&q, &out->running);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	return rc;
}

json_t *
tick_reports_sla_json(const struct tick_figures_sla *s)
{
	return json_pack("{s:I, s:I, s:I, s:f}", "met", (json_int_t)s->met,
	    "breached", (json_int_t)s->breached, "running",
	    (json_int_t)s->running, "met_rate", tick_figures_sla_met_rate(s));
}

/* The headline's counts: from the rollups where f allows it (else from
 * the tickets), and the overdue actions of the tickets f selects. */
enum tick_err
tick_reports_headline(struct tick_db *db, const struct tick_ticket_filters *f,
    struct tick_reports_headline *h)
{
	static const char *const conds[] = { "1", "t.status <> 'closed'",
		"t.status = 'closed'",
		"t.status <> 'closed' AND t.assigned_to IS NULL",
		"t.status = 'new'", "t.status = 'assigned'",
		"t.status = 'in_progress'", "t.status = 'closed'",
		"t.status = 'pending'", "t.source = 'whatsapp'",
		"t.source = 'form'", "t.source = 'api'",
		"t.status <> 'closed' AND t.severity = 'critical'" };
	struct tick_sql s = { .len = 0 }, w = { .len = 0 };
	long long *v[] = { &h->created, &h->open, &h->closed, &h->unassigned,
		&h->by_status[0], &h->by_status[1], &h->by_status[2],
		&h->by_status[3], &h->by_status[4], &h->whatsapp, &h->form,
		&h->api, &h->critical_open, &h->csat.count, &h->csat.sum };
	struct tick_q q;
	enum tick_err rc;
	int rollup;

	memset(h, 0, sizeof(*h));
	rollup = tick_ticket_where_rollup(&w, f) == 0 && !w.overflow;
	tick_sql_add(&s, "SELECT ");
	for (size_t i = 0; i < sizeof(conds) / sizeof(conds[0]); i++) {
		tick_sql_add(&s, i ? ", COALESCE(SUM(" : "COALESCE(SUM(");
		if (rollup) {
			tick_sql_add(&s, "IF(");
			tick_sql_add(&s, conds[i]);
			tick_sql_add(&s, ", t.n, 0)");
		} else {
			tick_sql_add(&s, "(");
			tick_sql_add(&s, conds[i]);
			tick_sql_add(&s, ")");
		}
		tick_sql_add(&s, "), 0)");
	}
	/* The ratings (issue 13): how many, their sum. */
	tick_sql_add(&s,
	    rollup ?
	        ", COALESCE(SUM(t.csat_n), 0), COALESCE(SUM(t.csat_sum), 0)" :
	        ", COUNT(t.csat_score), COALESCE(SUM(t.csat_score), 0)");
	if (rollup) {
		tick_sql_add(&s, " FROM ticket_rollup t");
		tick_sql_add(&s, w.text);
	} else {
		tick_sql_add(&s, " FROM tickets t");
		tick_ticket_where(&s, f);
	}
	tick_q_init_built(&q, db, &s);
	tick_ticket_bind_where(&q, f);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		tick_q_out_int(&q, v[i]);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	if (rc != TICK_OK)
		return rc;
	/* The overdue actions, from the overdue actions' side. */
	memset(&s, 0, sizeof(s));
	tick_sql_add(&s,
	    "SELECT COUNT(*) FROM ticket_actions a"
	    " JOIN tickets t ON t.id = a.ticket_id");
	tick_ticket_where(&s, f);
	tick_sql_add(&s, " AND " TICK_ACTION_OVERDUE_SQL);
	tick_q_init_built(&q, db, &s);
	tick_ticket_bind_where(&q, f);
	tick_q_out_int(&q, &h->overdue_actions);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	return rc;
}

/* A group's key over tickets t (and its label), with the number of zone
 * values the key takes. */
/* clang-format off */
static const struct {
	const char *key, *label, *from;
	int ntz;
} groups[TICK_FIGURES__MAX] = {
	[TICK_FIGURES_DAY] = { "DATE_FORMAT(" LOCAL("t.created_at") ", '%Y-%m-%d')",
	    "''", "", 1 },
	[TICK_FIGURES_WEEK] = { "DATE_FORMAT(DATE(" LOCAL("t.created_at") ") -"
	    " INTERVAL WEEKDAY(" LOCAL("t.created_at") ") DAY, '%Y-%m-%d')",
	    "''", "", 2 },
	[TICK_FIGURES_MONTH] = { "DATE_FORMAT(" LOCAL("t.created_at") ", '%Y-%m')",
	    "''", "", 1 },
	[TICK_FIGURES_SITE] = { "COALESCE(CAST(t.site_id AS CHAR), '')",
	    "COALESCE(MAX(st.name), '')",
	    " LEFT JOIN sites st ON st.id = t.site_id", 0 },
	[TICK_FIGURES_CATEGORY] = { "COALESCE(t.category, '')", "''", "", 0 },
	[TICK_FIGURES_AGENT] = { "COALESCE(CAST(t.assigned_to AS CHAR), '')",
	    "COALESCE(MAX(u.name), '')",
	    " LEFT JOIN users u ON u.id = t.assigned_to", 0 },
	[TICK_FIGURES_SEVERITY] = { "COALESCE(CAST(t.severity AS CHAR), '')",
	    "''", "", 0 },
	[TICK_FIGURES_SUBSITE] = { "COALESCE(CAST(t.subsite_id AS CHAR), '')",
	    "COALESCE(MAX(sb.name), '')",
	    " LEFT JOIN sites sb ON sb.id = t.subsite_id", 0 },
	[TICK_FIGURES_OBSERVATION] = { "COALESCE(t.observation_type, '')", "''",
	    "", 0 },
	[TICK_FIGURES_SOURCE] = { "CAST(t.source AS CHAR)", "''", "", 0 },
	[TICK_FIGURES_STATUS] = { "CAST(t.status AS CHAR)", "''", "", 0 },
	[TICK_FIGURES_TEAM] = { "COALESCE(CAST(t.team_id AS CHAR), '')",
	    "COALESCE(MAX(tmg.name), '')",
	    " LEFT JOIN teams tmg ON tmg.id = t.team_id", 0 },
};
/* The seconds of each duration of tickets t; NULL while it has none. */
static const char *const durations[TICK_REPORTS__MAX] = {
	[TICK_REPORTS_FIRST_RESPONSE] =
	    "TIMESTAMPDIFF(SECOND, t.created_at, t.first_response_at)",
	[TICK_REPORTS_RESOLUTION] =
	    "TIMESTAMPDIFF(SECOND, t.created_at, t.closed_at)",
	[TICK_REPORTS_TAKE] = "TIMESTAMPDIFF(SECOND, t.created_at, t.assigned_at)",
};
/* clang-format on */

static void
bind_tz(struct tick_q *q, const struct tick_ticket_filters *f, int n)
{
	for (int i = 0; i < n; i++)
		tick_q_str(q, f->tz[0] ? f->tz : "UTC", (size_t)-1);
}

static json_t *
times_json(const struct tick_figures_times *t)
{
	return json_pack("{s:I, s:f, s:f, s:f}", "count", (json_int_t)t->count,
	    "average", t->average, "median", t->median, "p90", t->p90);
}

/* A growing array of durations. */
struct values {
	long long *v;
	size_t n, cap;
};

static int
values_push(struct values *a, long long x)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 256;
		long long *p = realloc(a->v, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		a->v = p, a->cap = cap;
	}
	a->v[a->n++] = x;
	return 0;
}

/* Sets member name of the item of key (in byKey) to the figures of the
 * values gathered. */
static void
put_times(json_t *by_key, const char *key, const char *name,
    const struct values *a)
{
	struct tick_figures_times t;
	json_t *item = json_object_get(by_key, key);

	if (item == NULL)
		return;
	tick_figures_times(a->v, a->n, &t);
	json_object_set_new(item, name, times_json(&t));
}

/* Sets member name of the items of by_key to the figures of histograms
 * of durations which (sql/031_report_speed.sql) over the rollup keys f
 * selects, grouped by g's key (or all in one, key "", when g is -1).
 * *count: the durations seen in all; *usable 0 (and nothing read) when the
 * rollup cannot serve f (a tag, a search, a bound with a time of day). */
static enum tick_err
hist_times(struct tick_db *db, const struct tick_ticket_filters *f, int g,
    enum tick_reports_duration which, const char *name, json_t *by_key,
    long long *count, int *usable)
{
	struct tick_sql s = { .len = 0 }, w = { .len = 0 };
	struct tick_figures_bin *bins = NULL;
	struct tick_figures_times t;
	char key[TICK_COL_BUF(100)] = "", cur[sizeof(key)] = "";
	long long bucket = 0, n = 0, secs = 0;
	long double sum = 0;
	size_t nbins = 0;
	struct tick_q q;
	enum tick_err rc;
	json_t *item;
	int r, any = 0;

	*count = 0;
	*usable = tick_ticket_where_rollup(&w, f) == 0 && !w.overflow;
	if (!*usable)
		return TICK_OK;
	if ((bins = calloc(TICK_FIGURES_BUCKETS, sizeof(*bins))) == NULL)
		return TICK_ENOMEM;
	tick_sql_add(&s, "SELECT ");
	tick_sql_add(&s, g >= 0 ? groups[g].key : "''");
	tick_sql_add(&s,
	    ", t.bucket, COALESCE(SUM(t.n), 0), COALESCE(SUM(t.secs), 0)"
	    " FROM ticket_durations t");
	tick_sql_add(&s, w.text);
	tick_sql_add(&s, " AND t.measure = ? GROUP BY 1, 2 ORDER BY 1, 2");
	tick_q_init_built(&q, db, &s);
	bind_tz(&q, f, g >= 0 ? groups[g].ntz : 0);
	tick_ticket_bind_where(&q, f);
	tick_q_int(&q, (long long)which);
	tick_q_out_str(&q, key, sizeof(key));
	tick_q_out_int(&q, &bucket);
	tick_q_out_int(&q, &n);
	tick_q_out_int(&q, &secs);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK) {
		r = tick_q_fetch(&q);
		if (r < 0) {
			rc = TICK_EDB;
			break;
		}
		/* A key ends: its figures from its buckets. */
		if (any && (r == 0 || strcmp(key, cur) != 0)) {
			tick_figures_hist_times(bins, nbins, sum, &t);
			if ((item = json_object_get(by_key, cur)) != NULL &&
			    json_object_set_new(item, name, times_json(&t)) !=
			        0)
				rc = TICK_ENOMEM;
			nbins = 0;
			sum = 0;
		}
		if (r == 0 || rc != TICK_OK)
			break;
		any = 1;
		memcpy(cur, key, sizeof(cur));
		if (n <= 0)
			continue;
		/* One row a bucket, in order: at most TICK_FIGURES_BUCKETS. */
		if (nbins == TICK_FIGURES_BUCKETS || bucket < 0 ||
		    bucket >= TICK_FIGURES_BUCKETS) {
			tick_log_err("%s: bucket %lld out of range", __func__,
			    bucket);
			rc = TICK_EDB;
			break;
		}
		bins[nbins++] = (struct tick_figures_bin){ (int)bucket, n };
		sum += secs;
		*count += n;
	}
	tick_q_done(&q);
	free(bins);
	return rc;
}

/* Reads the durations which of the tickets f selects, grouped by g's key
 * (or all in one, key "", when g is -1), into the items of by_key: from
 * the histograms where the rollup serves f and more than
 * TICK_MAX_EXACT_DURATIONS durations are there (*histogram set to 1),
 * else exact, from each ticket's duration. */
static enum tick_err
series_times(struct tick_db *db, const struct tick_ticket_filters *f, int g,
    enum tick_reports_duration which, const char *name, json_t *by_key,
    int *histogram)
{
	struct tick_sql s = { .len = 0 };
	struct values a = { NULL, 0, 0 };
	char key[TICK_COL_BUF(100)] = "", cur[sizeof(key)] = "";
	long long secs = 0, count = 0;
	struct tick_q q;
	enum tick_err rc;
	int any = 0, usable = 0;

	rc = hist_times(db, f, g, which, name, by_key, &count, &usable);
	if (rc != TICK_OK)
		return rc;
	if (usable && count > TICK_MAX_EXACT_DURATIONS) {
		if (histogram != NULL)
			*histogram = 1;
		return TICK_OK;
	}
	/* Few enough (or not in the rollup): exact, over the tickets. */
	tick_sql_add(&s, "SELECT ");
	tick_sql_add(&s, g >= 0 ? groups[g].key : "''");
	tick_sql_add(&s, ", ");
	tick_sql_add(&s, durations[which]);
	tick_sql_add(&s, " AS secs FROM tickets t");
	tick_ticket_where(&s, f);
	tick_sql_add(&s, " AND ");
	tick_sql_add(&s, durations[which]);
	tick_sql_add(&s, " IS NOT NULL ORDER BY 1, 2");
	tick_q_init_built(&q, db, &s);
	bind_tz(&q, f, g >= 0 ? groups[g].ntz : 0);
	tick_ticket_bind_where(&q, f);
	tick_q_out_str(&q, key, sizeof(key));
	tick_q_out_int(&q, &secs);
	/* Only the values are kept (8 bytes each), not the result. */
	tick_q_unbuffered(&q);
	rc = tick_q_exec(&q);
	while (tick_q_next(&q, &rc)) {
		if (any && strcmp(key, cur) != 0) {
			put_times(by_key, cur, name, &a);
			a.n = 0;
		}
		any = 1;
		memcpy(cur, key, sizeof(cur));
		if (values_push(&a, secs < 0 ? 0 : secs) != 0) {
			rc = TICK_ENOMEM;
			break;
		}
	}
	tick_q_done(&q);
	if (rc == TICK_OK && any)
		put_times(by_key, cur, name, &a);
	free(a.v);
	return rc;
}

json_t *
tick_reports_csat_json(const struct tick_figures_csat *c)
{
	return json_pack("{s:I, s:f}", "count", (json_int_t)c->count, "average",
	    tick_figures_csat_average(c));
}

enum tick_err
tick_reports_series(struct tick_db *db, const struct tick_ticket_filters *f,
    enum tick_figures_group g, int with_times, json_t **items, int *histogram)
{
	struct tick_sql s = { .len = 0 }, w = { .len = 0 };
	char key[TICK_COL_BUF(100)], label[TICK_COL_BUF(100)];
	long long total = 0, open = 0, closed = 0;
	struct tick_figures_csat csat = { 0, 0 };
	static const struct tick_figures_times none = { 0, 0, 0, 0, 0 };
	json_t *by_key = NULL, *item;
	struct tick_q q;
	enum tick_err rc;
	int r;

	*items = NULL;
	if (g >= TICK_FIGURES__MAX)
		return TICK_EINVAL;
	if ((*items = json_array()) == NULL ||
	    (by_key = json_object()) == NULL) {
		rc = TICK_ENOMEM;
		goto out;
	}
	tick_sql_add(&s, "SELECT ");
	tick_sql_add(&s, groups[g].key);
	tick_sql_add(&s, ", ");
	tick_sql_add(&s, groups[g].label);
	/* The counts from the rollups where f allows it. */
	if (tick_ticket_where_rollup(&w, f) == 0 && !w.overflow) {
		tick_sql_add(&s,
		    ", COALESCE(SUM(t.n), 0),"
		    " COALESCE(SUM(IF(t.status <> 'closed', t.n, 0)), 0),"
		    " COALESCE(SUM(IF(t.status = 'closed', t.n, 0)), 0),"
		    " COALESCE(SUM(t.csat_n), 0), COALESCE(SUM(t.csat_sum), 0)"
		    " FROM ticket_rollup t");
		tick_sql_add(&s, groups[g].from);
		tick_sql_add(&s, w.text);
	} else {
		tick_sql_add(&s,
		    ", COUNT(*), COALESCE(SUM(t.status <> 'closed'), 0),"
		    " COALESCE(SUM(t.status = 'closed'), 0), COUNT(t.csat_score),"
		    " COALESCE(SUM(t.csat_score), 0) FROM tickets t");
		tick_sql_add(&s, groups[g].from);
		tick_ticket_where(&s, f);
	}
	tick_sql_add(&s, " GROUP BY 1 ORDER BY 1 LIMIT 10000");
	tick_q_init_built(&q, db, &s);
	bind_tz(&q, f, groups[g].ntz);
	tick_ticket_bind_where(&q, f);
	tick_q_out_str(&q, key, sizeof(key));
	tick_q_out_str(&q, label, sizeof(label));
	tick_q_out_int(&q, &total);
	tick_q_out_int(&q, &open);
	tick_q_out_int(&q, &closed);
	tick_q_out_int(&q, &csat.count);
	tick_q_out_int(&q, &csat.sum);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (r = tick_q_fetch(&q)) != 0) {
		const struct tick_report_choice *c = NULL;

		if (r < 0) {
			rc = TICK_EDB;
			break;
		}
		if (g == TICK_FIGURES_CATEGORY)
			c = tick_report_find(TICK_REPORT_CATEGORY, key);
		else if (g == TICK_FIGURES_SEVERITY)
			c = tick_report_find(TICK_REPORT_SEVERITY, key);
		else if (g == TICK_FIGURES_OBSERVATION)
			c = tick_report_find(TICK_REPORT_OBSERVATION, key);
		item = json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:o, s:o}",
		    "key", key, "label",
		    c            ? c->title :
		        label[0] ? label :
		                   key,
		    "total", (json_int_t)total, "open", (json_int_t)open,
		    "closed", (json_int_t)closed, "first_response",
		    times_json(&none), "resolution", times_json(&none), "csat",
		    tick_reports_csat_json(&csat));
		if (item == NULL || json_array_append(*items, item) != 0 ||
		    json_object_set_new(by_key, key, item) != 0) {
			rc = TICK_ENOMEM;
			break;
		}
	}
	tick_q_done(&q);
	if (rc == TICK_OK && with_times)
		rc = series_times(db, f, (int)g, TICK_REPORTS_FIRST_RESPONSE,
		    "first_response", by_key, histogram);
	if (rc == TICK_OK && with_times)
		rc = series_times(db, f, (int)g, TICK_REPORTS_RESOLUTION,
		    "resolution", by_key, histogram);
out:
	json_decref(by_key);
	if (rc != TICK_OK) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

enum tick_err
tick_reports_times(struct tick_db *db, const struct tick_ticket_filters *f,
    enum tick_reports_duration which, struct tick_figures_times *out)
{
	json_t *by_key = json_pack("{s:{}}", "");
	json_t *t;
	enum tick_err rc;

	memset(out, 0, sizeof(*out));
	if (by_key == NULL)
		return TICK_ENOMEM;
	rc = series_times(db, f, -1, which, "t", by_key, &out->histogram);
	if (rc == TICK_OK &&
	    (t = json_object_get(json_object_get(by_key, ""), "t")) != NULL) {
		out->count = json_integer_value(json_object_get(t, "count"));
		out->average = json_real_value(json_object_get(t, "average"));
		out->median = json_real_value(json_object_get(t, "median"));
		out->p90 = json_real_value(json_object_get(t, "p90"));
	}
	json_decref(by_key);
	return rc;
}

/* ---- Messages */

/* The UTC bounds of the message figures. */
struct bounds {
	char today[24], week[24], month[24], window[24];
	char first_day[11]; /* the window's first local date */
};

static enum tick_err
bounds(struct tick_db *db, const char *tz, long long days, struct bounds *b)
{
	struct tick_q q;

	memset(b, 0, sizeof(*b));
	tick_q_init(&q, db, stmts[RP_BOUNDS]);
	tick_q_str(&q, tz, (size_t)-1);
	tick_q_str(&q, tz, (size_t)-1);
	tick_q_str(&q, tz, (size_t)-1);
	tick_q_int(&q, days - 1);
	tick_q_str(&q, tz, (size_t)-1);
	tick_q_int(&q, days - 1);
	tick_q_str(&q, tz, (size_t)-1);
	tick_q_out_str(&q, b->today, sizeof(b->today));
	tick_q_out_str(&q, b->week, sizeof(b->week));
	tick_q_out_str(&q, b->month, sizeof(b->month));
	tick_q_out_str(&q, b->window, sizeof(b->window));
	tick_q_out_str(&q, b->first_day, sizeof(b->first_day));
	return tick_q_one(&q) == TICK_OK && b->today[0] && b->window[0] ?
	    TICK_OK :
	    TICK_EINVAL;
}

static void
bind_msg(struct tick_q *q, const char *since, const struct tick_scope *scope,
    long long agent)
{
	tick_q_str(q, since, (size_t)-1);
	tick_scope_bind(q, scope);
	tick_q_int(q, agent);
	tick_q_int(q, agent);
}

enum tick_err
tick_reports_messages(struct tick_db *db, const struct tick_scope *scope,
    long long agent, const char *tz, long long days,
    struct tick_reports_messages *m)
{
	long long *v[] = { &m->total, &m->conversations, &m->received,
		&m->out.accepted, &m->out.sent, &m->out.delivered, &m->out.read,
		&m->out.played, &m->out.failed, &m->held, &m->templates,
		&m->billable };
	struct bounds b;
	struct tick_q q;
	enum tick_err rc;
	long long month = 0;

	memset(m, 0, sizeof(*m));
	if ((rc = bounds(db, tz, days, &b)) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[RP_MESSAGES]);
	bind_msg(&q, b.window, scope, agent);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		tick_q_out_int(&q, v[i]);
	if ((rc = tick_q_one(&q)) != TICK_OK)
		return rc;
	/* Today, this week and this month, whatever the window. */
	tick_q_init(&q, db, stmts[RP_SENT_SINCE]);
	tick_q_str(&q, b.today, (size_t)-1);
	tick_q_str(&q, b.week, (size_t)-1);
	bind_msg(&q, strcmp(b.week, b.month) < 0 ? b.week : b.month, scope,
	    agent);
	tick_q_out_int(&q, &m->sent_today);
	tick_q_out_int(&q, &m->sent_week);
	tick_q_out_int(&q, &month);
	if ((rc = tick_q_one(&q)) != TICK_OK)
		return rc;
	/* The query ran from the earlier of the week's and the month's
	 * starts; the month's count is from its own. */
	if (strcmp(b.week, b.month) < 0) {
		tick_q_init(&q, db, stmts[RP_SENT_SINCE]);
		tick_q_str(&q, b.month, (size_t)-1);
		tick_q_str(&q, b.month, (size_t)-1);
		bind_msg(&q, b.month, scope, agent);
		tick_q_out_int(&q, &m->sent_month);
		tick_q_out_int(&q, &month);
		tick_q_out_int(&q, &month);
		rc = tick_q_one(&q);
	} else
		m->sent_month = month;
	return rc;
}

enum tick_err
tick_reports_daily(struct tick_db *db, const struct tick_scope *scope,
    long long agent, const char *tz, long long days, json_t **items)
{
	char day[11] = "", want[11];
	long long sent = 0, received = 0, i = 0;
	struct bounds b;
	struct tick_q q;
	enum tick_err rc;
	int32_t first;
	int r = 1;

	*items = NULL;
	if ((rc = bounds(db, tz, days, &b)) != TICK_OK)
		return rc;
	/* The window's days counted from its first (base/bizcal's dates). */
	if (tick_bizcal_parse_date(b.first_day, strlen(b.first_day), &first) !=
	    0) {
		tick_log_err("%s: first day '%s' is not a date", __func__,
		    b.first_day);
		return TICK_EDB;
	}
	if ((*items = json_array()) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[RP_DAILY]);
	tick_q_str(&q, tz, (size_t)-1);
	bind_msg(&q, b.window, scope, agent);
	tick_q_out_str(&q, day, sizeof(day));
	tick_q_out_int(&q, &sent);
	tick_q_out_int(&q, &received);
	rc = tick_q_exec(&q);
	if (rc == TICK_OK)
		r = tick_q_fetch(&q);
	/* Every day of the window, those without messages as zeros. */
	for (i = 0; rc == TICK_OK && i < days; i++) {
		int here;

		tick_bizcal_format_date(first + (int32_t)i, want);
		while (r == 1 && strcmp(day, want) < 0)
			r = tick_q_fetch(&q);
		if (r < 0) {
			rc = TICK_EDB;
			break;
		}
		here = r == 1 && strcmp(day, want) == 0;
		if (json_array_append_new(*items,
		        json_pack("{s:s, s:I, s:I}", "date", want, "sent",
		            (json_int_t)(here ? sent : 0), "received",
		            (json_int_t)(here ? received : 0))) != 0)
			rc = TICK_ENOMEM;
	}
	tick_q_done(&q);
	if (rc != TICK_OK) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

enum tick_err
tick_reports_failures(struct tick_db *db, const struct tick_scope *scope,
    long long agent, const char *tz, long long days, json_t **items)
{
	char title[TICK_COL_BUF(255)];
	long long code = 0, n = 0;
	struct bounds b;
	struct tick_q q;
	enum tick_err rc;
	int r;

	*items = NULL;
	if ((rc = bounds(db, tz, days, &b)) != TICK_OK)
		return rc;
	if ((*items = json_array()) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[RP_FAILURES]);
	bind_msg(&q, b.window, scope, agent);
	tick_q_out_int(&q, &code);
	tick_q_out_str(&q, title, sizeof(title));
	tick_q_out_int(&q, &n);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (r = tick_q_fetch(&q)) != 0) {
		if (r < 0 ||
		    json_array_append_new(*items,
		        json_pack("{s:o, s:s, s:I}", "code",
		            code ? json_integer((json_int_t)code) : json_null(),
		            "title", title, "count", (json_int_t)n)) != 0)
			rc = r < 0 ? TICK_EDB : TICK_ENOMEM;
	}
	tick_q_done(&q);
	if (rc != TICK_OK) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

enum tick_err
tick_reports_billable(struct tick_db *db, const struct tick_scope *scope,
    long long agent, const char *tz, long long days, json_t **out)
{
	char cat[33];
	long long n = 0;
	struct bounds b;
	struct tick_q q;
	enum tick_err rc;
	int r;

	*out = NULL;
	if ((rc = bounds(db, tz, days, &b)) != TICK_OK)
		return rc;
	if ((*out = json_object()) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[RP_BILLABLE]);
	bind_msg(&q, b.window, scope, agent);
	tick_q_out_str(&q, cat, sizeof(cat));
	tick_q_out_int(&q, &n);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (r = tick_q_fetch(&q)) != 0) {
		if (r < 0 ||
		    json_object_set_new(*out, cat[0] ? cat : "unknown",
		        json_integer((json_int_t)n)) != 0)
			rc = r < 0 ? TICK_EDB : TICK_ENOMEM;
	}
	tick_q_done(&q);
	if (rc != TICK_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- One row per ticket */

const char *const tick_report_columns[] = { "reference", "created", "site",
	"subsite", "category", "observation_type", "severity", "status",
	"source", "holder", "customer", "first_response", "closed",
	"first_response_seconds", "resolution_seconds", "messages_in",
	"messages_out", "billable_messages", "last_message" };
const size_t tick_report_ncolumns = sizeof(tick_report_columns) /
    sizeof(tick_report_columns[0]);

/* The messages' counts and the last message are kept on the ticket
 * (sql/031_report_speed.sql, sql/025_list_speed.sql): a row reads no
 * other table but its names. */
/* clang-format off */
#define ROW_SELECT \
	"SELECT t.id, t.reference, " LOCAL_TEXT("t.created_at") "," \
	" COALESCE(st.name, ''), COALESCE(sb.name, ''), COALESCE(t.category, '')," \
	" COALESCE(t.observation_type, ''), COALESCE(CAST(t.severity AS CHAR), '')," \
	" t.status, t.source, COALESCE(u.name, '')," \
	" IF(t.anonymous, '" TICK_ANONYMOUS_NAME "', t.name)," \
	" COALESCE(" LOCAL_TEXT("t.first_response_at") ", '')," \
	" COALESCE(" LOCAL_TEXT("t.closed_at") ", '')," \
	" COALESCE(TIMESTAMPDIFF(SECOND, t.created_at, t.first_response_at), -1)," \
	" COALESCE(TIMESTAMPDIFF(SECOND, t.created_at, t.closed_at), -1)," \
	" t.messages_in, t.messages_out, t.billable_messages," \
	" COALESCE(LEFT(t.last_message, 100), '')" \
	" FROM tickets t LEFT JOIN users u ON u.id = t.assigned_to" \
	" LEFT JOIN sites st ON st.id = t.site_id" \
	" LEFT JOIN sites sb ON sb.id = t.subsite_id"
/* clang-format on */

static void
bind_row(struct tick_q *q, const struct tick_ticket_filters *f,
    struct tick_report_row *r)
{
	bind_tz(q, f, 3);
	tick_ticket_bind_where(q, f);
	tick_q_out_int(q, &r->id);
	tick_q_out_str(q, r->reference, sizeof(r->reference));
	tick_q_out_str(q, r->created, sizeof(r->created));
	tick_q_out_str(q, r->site, sizeof(r->site));
	tick_q_out_str(q, r->subsite, sizeof(r->subsite));
	tick_q_out_str(q, r->category, sizeof(r->category));
	tick_q_out_str(q, r->observation_type, sizeof(r->observation_type));
	tick_q_out_str(q, r->severity, sizeof(r->severity));
	tick_q_out_str(q, r->status, sizeof(r->status));
	tick_q_out_str(q, r->source, sizeof(r->source));
	tick_q_out_str(q, r->holder, sizeof(r->holder));
	tick_q_out_str(q, r->customer, sizeof(r->customer));
	tick_q_out_str(q, r->first_response, sizeof(r->first_response));
	tick_q_out_str(q, r->closed, sizeof(r->closed));
	tick_q_out_int(q, &r->first_response_seconds);
	tick_q_out_int(q, &r->resolution_seconds);
	tick_q_out_int(q, &r->messages_in);
	tick_q_out_int(q, &r->messages_out);
	tick_q_out_int(q, &r->billable_messages);
	tick_q_out_str(q, r->last_message, sizeof(r->last_message));
}

enum tick_err
tick_reports_count(struct tick_db *db, const struct tick_ticket_filters *f,
    long long *n)
{
	struct tick_sql s = { .len = 0 };
	struct tick_q q;
	enum tick_err rc;

	*n = 0;
	tick_sql_add(&s, "SELECT COUNT(*) FROM tickets t");
	tick_ticket_where(&s, f);
	tick_q_init_built(&q, db, &s);
	tick_ticket_bind_where(&q, f);
	tick_q_out_int(&q, n);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	return rc;
}

static json_t *
opt_str(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

static json_t *
opt_secs(long long v)
{
	return v >= 0 ? json_integer((json_int_t)v) : json_null();
}

json_t *
tick_report_row_json(const struct tick_report_row *r)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s,"
	                      " s:s, s:o, s:s}",
	    "id", (json_int_t)r->id, "reference", r->reference, "created",
	    r->created, "site", opt_str(r->site), "subsite",
	    opt_str(r->subsite), "category", opt_str(r->category),
	    "observation_type", opt_str(r->observation_type), "severity",
	    opt_str(r->severity), "status", r->status, "source", r->source,
	    "holder", opt_str(r->holder), "customer", r->customer);

	if (o == NULL ||
	    json_object_set_new(o, "first_response",
	        opt_str(r->first_response)) != 0 ||
	    json_object_set_new(o, "closed", opt_str(r->closed)) != 0 ||
	    json_object_set_new(o, "first_response_seconds",
	        opt_secs(r->first_response_seconds)) != 0 ||
	    json_object_set_new(o, "resolution_seconds",
	        opt_secs(r->resolution_seconds)) != 0 ||
	    json_object_set_new(o, "messages_in",
	        json_integer((json_int_t)r->messages_in)) != 0 ||
	    json_object_set_new(o, "messages_out",
	        json_integer((json_int_t)r->messages_out)) != 0 ||
	    json_object_set_new(o, "billable_messages",
	        json_integer((json_int_t)r->billable_messages)) != 0 ||
	    json_object_set_new(o, "last_message",
	        json_string(r->last_message)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

enum tick_err
tick_reports_page(struct tick_db *db, const struct tick_ticket_filters *f,
    long long page, long long limit, json_t **items, long long *total)
{
	struct tick_sql s = { .len = 0 };
	struct tick_report_row *r = NULL;
	struct tick_q q;
	enum tick_err rc;
	json_t *o;
	int fr;

	*items = NULL;
	if ((rc = tick_reports_count(db, f, total)) != TICK_OK)
		return rc;
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (*items = json_array()) == NULL) {
		free(r);
		return TICK_ENOMEM;
	}
	tick_sql_add(&s, ROW_SELECT);
	tick_ticket_where(&s, f);
	tick_sql_add(&s,
	    f->sort == 0     ? " ORDER BY t.created_at DESC, t.id DESC" :
	        f->sort == 1 ? " ORDER BY t.created_at, t.id" :
	                       " ORDER BY t.last_activity_at DESC, t.id DESC");
	tick_sql_add(&s, " LIMIT ? OFFSET ?");
	tick_q_init_built(&q, db, &s);
	bind_row(&q, f, r);
	/* bind_row bound the outputs; the page's two values come last. */
	tick_q_int(&q, limit);
	tick_q_int(&q, (page - 1) * limit);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (fr = tick_q_fetch(&q)) != 0) {
		if (fr < 0 || (o = tick_report_row_json(r)) == NULL ||
		    json_array_append_new(*items, o) != 0)
			rc = fr < 0 ? TICK_EDB : TICK_ENOMEM;
	}
	tick_q_done(&q);
	free(r);
	if (rc != TICK_OK) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

enum tick_err
tick_reports_each(struct tick_db *db, const struct tick_ticket_filters *f,
    long long max, int (*fn)(void *arg, const struct tick_report_row *r),
    void *arg, int *stopped)
{
	struct tick_sql s = { .len = 0 };
	struct tick_report_row *r;
	struct tick_q q;
	enum tick_err rc;

	*stopped = 0;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return TICK_ENOMEM;
	tick_sql_add(&s, ROW_SELECT);
	tick_ticket_where(&s, f);
	tick_sql_add(&s, " ORDER BY t.created_at, t.id LIMIT ?");
	tick_q_init_built(&q, db, &s);
	bind_row(&q, f, r);
	tick_q_int(&q, max);
	tick_q_unbuffered(&q);
	rc = tick_q_exec(&q);
	while (tick_q_next(&q, &rc)) {
		if (fn(arg, r) != 0) {
			*stopped = 1;
			break;
		}
	}
	tick_q_done(&q);
	free(r);
	return rc;
}
