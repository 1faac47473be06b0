#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "config.h"
#include "csv.h"
#include "figures.h"
#include "http.h"
#include "log.h"
#include "exports.h"
#include "reports.h"
#include "reports_api.h"
#include "session.h"
#include "ticket_args.h"
#include "ticket_filters.h"
#include "valid.h"

/* The filters of every report: the inbox's, strict (422 naming the
 * field), the zone known to the server (else TICK_TIMEZONE, else UTC), and
 * an agent's own tickets only. 0, or -1 after answering. */
static int
report_filters(struct tick_req *req, struct tick_ticket_filters *f,
    struct tick_filter_text *t)
{
	const char *def;
	int known = 0;
	enum tick_err rc;

	if (tick_ticket_filters_parse(req, 1, f, t) != 0)
		return -1;
	if (f->tz[0] == '\0') {
		def = tick_config_get(&req->app->cfg, TICK_CFG_TIMEZONE);
		snprintf(f->tz, sizeof(f->tz), "%s",
		    def && tick_figures_tz_shape(def) ? def : "UTC");
	}
	if ((rc = tick_reports_tz_known(tick_app_read_db(req->app), f->tz,
	         &known)) != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return -1;
	}
	if (!known) {
		tick_http_invalid(req,
		    "tz is not a time zone this server knows",
		    json_pack("{s:s}", "tz",
		        "an IANA time zone name the database knows, such as "
		        "Europe/Paris (load its time zone tables)"));
		return -1;
	}
	if (req->user.role == TICK_ROLE_AGENT) {
		f->assigned_to = req->user.id;
		f->unassigned = 0;
	}
	return 0;
}

/* ?days=N (1..366, default 30); 0, or -1 after answering 422. */
static int
days_param(struct tick_req *req, long long *days)
{
	char v[16];
	enum tick_err rc = tick_http_query_get(req->query, "days", v,
	    sizeof(v));

	*days = 30;
	if (rc == TICK_ENOTFOUND)
		return 0;
	if (rc == TICK_OK &&
	    tick_valid_num(v, strlen(v), 1, 366, days) == TICK_OK)
		return 0;
	tick_http_invalid(req, "days must be a whole number from 1 to 366",
	    json_pack("{s:s}", "days", "a whole number from 1 to 366"));
	return -1;
}

static long long
agent_only(const struct tick_req *req)
{
	return req->user.role == TICK_ROLE_AGENT ? req->user.id : 0;
}

static json_t *
times_json(const struct tick_figures_times *t)
{
	return json_pack("{s:I, s:f, s:f, s:f}", "count", (json_int_t)t->count,
	    "average", t->average, "median", t->median, "p90", t->p90);
}

static json_t *
by_status_json(const struct tick_figures_outbound *o)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "accepted",
	    (json_int_t)o->accepted, "sent", (json_int_t)o->sent, "delivered",
	    (json_int_t)o->delivered, "read", (json_int_t)o->read, "played",
	    (json_int_t)o->played, "failed", (json_int_t)o->failed);
}

/* How the answer's medians and 90th percentiles were reached. */
static json_t *
precision_json(int histogram)
{
	return json_string(histogram ? TICK_FIGURES_HIST_PRECISION :
	                               TICK_FIGURES_EXACT_PRECISION);
}

/* The filters as the answer repeats them. */
static json_t *
period_json(const struct tick_ticket_filters *f)
{
	return json_pack("{s:s, s:o, s:o}", "tz", f->tz, "from",
	    f->from[0] ? json_string(f->from) : json_null(), "to",
	    f->to[0] ? json_string(f->to) : json_null());
}

void
tick_reports_stats_tickets(struct tick_req *req)
{
	struct tick_ticket_filters f;
	struct tick_filter_text t;
	char g[16] = "day";
	json_t *items = NULL, *data;
	enum tick_err rc;
	int group, histogram = 0;

	if (report_filters(req, &f, &t) != 0)
		return;
	if ((rc = tick_http_query_get(req->query, "group", g, sizeof(g))) ==
	    TICK_ENOTFOUND)
		snprintf(g, sizeof(g), "day");
	if ((rc != TICK_OK && rc != TICK_ENOTFOUND) ||
	    (group = tick_figures_group_find(g)) < 0) {
		tick_http_invalid(req, "group is not a grouping of tickets",
		    json_pack("{s:s}", "group",
		        "day, week, month, site, category, agent, severity, "
		        "subsite, observation_type, source, status or team"));
		return;
	}
	if ((rc = tick_reports_series(tick_app_read_db(req->app), &f,
	         (enum tick_figures_group)group, 1, &items, &histogram)) !=
	    TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	data = period_json(&f);
	json_object_set_new(data, "group", json_string(g));
	json_object_set_new(data, "percentiles", precision_json(histogram));
	json_object_set_new(data, "items", items);
	tick_http_ok(req, 200, data, NULL);
}

/* The WhatsApp part of the dashboard and the overview. */
static json_t *
messages_json(struct tick_req *req, const char *tz, long long days,
    enum tick_err *rc)
{
	struct tick_reports_messages m;
	json_t *daily = NULL, *failures = NULL, *billable = NULL, *o;
	long long agent = agent_only(req);
	struct tick_db *db = tick_app_read_db(req->app);
	const struct tick_scope scope = tick_session_scope(req);

	if ((*rc = tick_reports_messages(db, &scope, agent, tz, days, &m)) !=
	        TICK_OK ||
	    (*rc = tick_reports_daily(db, &scope, agent, tz, days, &daily)) !=
	        TICK_OK ||
	    (*rc = tick_reports_failures(db, &scope, agent, tz, days,
	         &failures)) != TICK_OK ||
	    (*rc = tick_reports_billable(db, &scope, agent, tz, days,
	         &billable)) != TICK_OK) {
		json_decref(daily);
		json_decref(failures);
		json_decref(billable);
		return NULL;
	}
	/* json_pack takes the references ("o") even when it fails. */
	o = json_pack("{s:I, s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I},"
	              " s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:s, s:I}",
	    "totalMessages", (json_int_t)m.total, "totalConversations",
	    (json_int_t)m.conversations, "received", (json_int_t)m.received,
	    "deliveryRate", tick_figures_delivery_rate(&m.out), "sent",
	    (json_int_t)tick_figures_sent(&m.out), "sentToday",
	    (json_int_t)m.sent_today, "sentThisWeek", (json_int_t)m.sent_week,
	    "sentThisMonth", (json_int_t)m.sent_month, "messagesByStatus",
	    "sent", (json_int_t)m.out.sent, "delivered",
	    (json_int_t)m.out.delivered, "read", (json_int_t)m.out.read,
	    "failed", (json_int_t)m.out.failed, "outboundByStatus",
	    by_status_json(&m.out), "dailyActivity", daily, "failures",
	    failures, "billableByCategory", billable, "billable",
	    (json_int_t)m.billable, "held", (json_int_t)m.held, "templatesSent",
	    (json_int_t)m.templates, "tz", tz, "days", (json_int_t)days);
	if (o == NULL)
		*rc = TICK_ENOMEM;
	return o;
}

void
tick_reports_overview(struct tick_req *req)
{
	struct tick_ticket_filters f;
	struct tick_filter_text t;
	long long days;
	enum tick_err rc;
	json_t *data;

	if (report_filters(req, &f, &t) != 0 || days_param(req, &days) != 0)
		return;
	if ((data = messages_json(req, f.tz, days, &rc)) == NULL) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, 200, data, NULL);
}

void
tick_reports_dashboard(struct tick_req *req)
{
	static const enum tick_figures_group series[] = { TICK_FIGURES_DAY,
		TICK_FIGURES_SITE, TICK_FIGURES_CATEGORY, TICK_FIGURES_SEVERITY,
		TICK_FIGURES_AGENT, TICK_FIGURES_OBSERVATION,
		TICK_FIGURES_TEAM };
	static const char *const names[] = { "per_day", "by_site",
		"by_category", "by_severity", "by_agent", "by_observation_type",
		"by_team" };
	/* Times per site, agent and team; the rest count tickets only. */
	static const int with_times[] = { 0, 1, 0, 0, 1, 0, 1 };
	struct tick_ticket_filters f;
	struct tick_filter_text t;
	struct tick_reports_headline h;
	struct tick_figures_times fr, res, take;
	struct tick_figures_sla sla;
	json_t *data = NULL, *items, *wa;
	long long days;
	enum tick_err rc;
	int histogram;

	if (report_filters(req, &f, &t) != 0 || days_param(req, &days) != 0)
		return;
	if ((rc = tick_reports_headline(tick_app_read_db(req->app), &f, &h)) !=
	        TICK_OK ||
	    (rc = tick_reports_times(tick_app_read_db(req->app), &f,
	         TICK_REPORTS_FIRST_RESPONSE, &fr)) != TICK_OK ||
	    (rc = tick_reports_times(tick_app_read_db(req->app), &f,
	         TICK_REPORTS_RESOLUTION, &res)) != TICK_OK ||
	    (rc = tick_reports_times(tick_app_read_db(req->app), &f,
	         TICK_REPORTS_TAKE, &take)) != TICK_OK ||
	    (rc = tick_reports_sla(tick_app_read_db(req->app), &f,
	         tick_clock_now(), &sla)) != TICK_OK)
		goto fail;
	data = period_json(&f);
	json_object_set_new(data, "tickets",
	    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I, "
	              "s:I}, s:{s:I, s:I, s:I}}",
	        "created", (json_int_t)h.created, "open", (json_int_t)h.open,
	        "closed", (json_int_t)h.closed, "unassigned",
	        (json_int_t)h.unassigned, "critical_open",
	        (json_int_t)h.critical_open, "overdue_actions",
	        (json_int_t)h.overdue_actions, "by_status", "new",
	        (json_int_t)h.by_status[0], "assigned",
	        (json_int_t)h.by_status[1], "in_progress",
	        (json_int_t)h.by_status[2], "closed",
	        (json_int_t)h.by_status[3], "pending",
	        (json_int_t)h.by_status[4], "by_source", "whatsapp",
	        (json_int_t)h.whatsapp, "form", (json_int_t)h.form, "api",
	        (json_int_t)h.api));
	json_object_set_new(data, "csat", tick_reports_csat_json(&h.csat));
	json_object_set_new(data, "sla", tick_reports_sla_json(&sla));
	json_object_set_new(data, "times",
	    json_pack("{s:o, s:o, s:o}", "first_response", times_json(&fr),
	        "resolution", times_json(&res), "take", times_json(&take)));
	histogram = fr.histogram || res.histogram || take.histogram;
	for (size_t i = 0; i < sizeof(series) / sizeof(series[0]); i++) {
		if ((rc = tick_reports_series(tick_app_read_db(req->app), &f,
		         series[i], with_times[i], &items, &histogram)) !=
		    TICK_OK)
			goto fail;
		json_object_set_new(data, names[i], items);
	}
	json_object_set_new(data, "percentiles", precision_json(histogram));
	if ((wa = messages_json(req, f.tz, days, &rc)) == NULL)
		goto fail;
	json_object_set_new(data, "whatsapp", wa);
	tick_http_ok(req, 200, data, NULL);
	return;
fail:
	json_decref(data);
	tick_http_fail(req, 0, rc, NULL, NULL, NULL);
}

void
tick_reports_tickets(struct tick_req *req)
{
	struct tick_ticket_filters f;
	struct tick_filter_text t;
	long long page, limit, total = 0;
	json_t *items = NULL, *data;
	enum tick_err rc;

	if (tick_http_page(req, &page, &limit) != TICK_OK ||
	    report_filters(req, &f, &t) != 0)
		return;
	if ((rc = tick_reports_page(tick_app_read_db(req->app), &f, page, limit,
	         &items, &total)) != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	data = period_json(&f);
	json_object_set_new(data, "items", items);
	json_object_set_new(data, "total", json_integer((json_int_t)total));
	json_object_set_new(data, "page", json_integer((json_int_t)page));
	json_object_set_new(data, "limit", json_integer((json_int_t)limit));
	tick_http_ok(req, 200, data, NULL);
}

/* Where an export's bytes go: gathered into pieces of STREAM_PIECE bytes,
 * each sent through FastCGI as it fills; the answer starts with the
 * first piece, so a failure before it is still a JSON error. */
#define STREAM_PIECE (64 * 1024)
struct stream {
	struct tick_req *req;
	const char *ctype;
	char *buf;
	size_t len;
	int started, gone;
};

static int
stream_flush(struct stream *s)
{
	if (s->gone)
		return -1;
	if (!s->started) {
		if (tick_http_stream_start(s->req, s->ctype) != 0) {
			s->gone = 1;
			return -1;
		}
		s->started = 1;
	}
	if (s->len > 0 && tick_http_stream_write(s->req, s->buf, s->len) != 0)
		s->gone = 1;
	s->len = 0;
	return s->gone ? -1 : 0;
}

static int
stream_put(void *arg, const char *buf, size_t len)
{
	struct stream *s = arg;

	while (len > 0) {
		size_t k = STREAM_PIECE - s->len < len ? STREAM_PIECE - s->len :
		                                         len;

		memcpy(s->buf + s->len, buf, k);
		s->len += k, buf += k, len -= k;
		if (s->len == STREAM_PIECE && stream_flush(s) != 0)
			return -1;
	}
	return 0;
}

static void
send_export(struct tick_req *req, const struct tick_ticket_filters *f,
    enum tick_export_format fmt, long long rows, int bom)
{
	struct stream s = { req, tick_export_ctype(fmt), NULL, 0, 0, 0 };
	struct tick_export_sink sink = { stream_put, &s };
	enum tick_err rc;
	int stopped = 0;

	if ((s.buf = malloc(STREAM_PIECE)) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		return;
	}
	rc = tick_export_write(tick_app_read_db(req->app), f, fmt, rows, bom,
	    &req->app->cfg, &sink, &stopped);
	if (rc == TICK_OK && !stopped)
		(void)stream_flush(&s);
	else if (!s.started)
		tick_http_fail(req, 0, rc != TICK_OK ? rc : TICK_ESYS, NULL,
		    NULL, NULL);
	else
		/* Headers are gone: the file ends short, and the log says
		 * why. */
		tick_log_warn("%s: export stopped after it began: %s", __func__,
		    stopped ? "the client went away" : tick_strerror(rc));
	if (s.started)
		req->status = 200;
	free(s.buf);
}

void
tick_reports_export(struct tick_req *req)
{
	struct tick_ticket_filters f;
	struct tick_filter_text t;
	char format[8] = "csv", bom[4] = "0", name[96], head[160];
	long long n = 0, max;
	enum tick_err rc;
	enum tick_export_format fmt;

	if (report_filters(req, &f, &t) != 0)
		return;
	if ((rc = tick_http_query_get(req->query, "format", format,
	         sizeof(format))) == TICK_ENOTFOUND)
		snprintf(format, sizeof(format), "csv");
	if ((rc != TICK_OK && rc != TICK_ENOTFOUND) ||
	    tick_export_format_find(format, &fmt) != 0) {
		tick_http_invalid(req, "format must be csv, xlsx or pdf",
		    json_pack("{s:s}", "format", "csv, xlsx or pdf"));
		return;
	}
	if ((rc = tick_http_query_get(req->query, "bom", bom, sizeof(bom))) ==
	    TICK_ENOTFOUND)
		snprintf(bom, sizeof(bom), "0");
	if ((rc != TICK_OK && rc != TICK_ENOTFOUND) ||
	    (strcmp(bom, "0") != 0 && strcmp(bom, "1") != 0)) {
		tick_http_invalid(req, "bom must be 0 or 1",
		    json_pack("{s:s}", "bom", "0 or 1"));
		return;
	}
	max = tick_config_num(&req->app->cfg, TICK_CFG_EXPORT_MAX_ROWS);
	if ((rc = tick_reports_count(tick_app_read_db(req->app), &f, &n)) !=
	    TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	if (n > max) {
		char msg[160];

		snprintf(msg, sizeof(msg),
		    "the export would hold %lld rows, over EXPORT_MAX_ROWS "
		    "(%lld): narrow the filters (from, to, site, ...)",
		    n, max);
		tick_http_fail(req, 413, TICK_ETOOBIG, "export_too_large", msg,
		    json_pack("{s:I, s:I}", "rows", (json_int_t)n, "max",
		        (json_int_t)max));
		return;
	}
	tick_export_file_name(&f, fmt, name, sizeof(name));
	snprintf(head, sizeof(head), "attachment; filename=\"%s\"", name);
	tick_http_header(req, "Content-Disposition", head);
	send_export(req, &f, fmt, n, strcmp(bom, "1") == 0);
}

void
tick_reports_stream(struct tick_req *req, const char *ctype,
    enum tick_err (
        *produce)(void *arg, const struct tick_export_sink *sink, int *stopped),
    void *arg)
{
	struct stream s = { req, ctype, NULL, 0, 0, 0 };
	struct tick_export_sink sink = { stream_put, &s };
	enum tick_err rc;
	int stopped = 0;

	if ((s.buf = malloc(STREAM_PIECE)) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		return;
	}
	rc = produce(arg, &sink, &stopped);
	if (rc == TICK_OK && !stopped)
		(void)stream_flush(&s);
	else if (!s.started)
		tick_http_fail(req, 0, rc != TICK_OK ? rc : TICK_ESYS, NULL,
		    NULL, NULL);
	else
		tick_log_warn("%s: stream stopped after it began: %s", __func__,
		    stopped ? "the client went away" : tick_strerror(rc));
	if (s.started)
		req->status = 200;
	free(s.buf);
}

void
tick_reports_transcript(struct tick_req *req)
{
	char notes[4] = "0", head[160], ref[40];
	struct stream s = { req, "application/pdf", NULL, 0, 0, 0 };
	struct tick_export_sink sink = { stream_put, &s };
	long long id;
	enum tick_err rc;
	int stopped = 0;

	if ((rc = tick_http_query_get(req->query, "notes", notes,
	         sizeof(notes))) == TICK_ENOTFOUND)
		snprintf(notes, sizeof(notes), "0");
	if ((rc != TICK_OK && rc != TICK_ENOTFOUND) ||
	    (strcmp(notes, "0") != 0 && strcmp(notes, "1") != 0)) {
		tick_http_invalid(req, "notes must be 0 or 1",
		    json_pack("{s:s}", "notes", "0 or 1"));
		return;
	}
	/* 404 for a ticket outside the caller's scope. */
	if ((id = tick_ticket_route_id(req)) == 0)
		return;
	snprintf(ref, sizeof(ref), "ticket-%lld", id);
	snprintf(head, sizeof(head), "inline; filename=\"%s.pdf\"", ref);
	tick_http_header(req, "Content-Disposition", head);
	if ((s.buf = malloc(STREAM_PIECE)) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		return;
	}
	rc = tick_export_transcript(tick_app_read_db(req->app), id,
	    notes[0] == '1', &sink, &stopped);
	if (rc == TICK_OK && !stopped)
		(void)stream_flush(&s);
	else if (!s.started)
		tick_http_fail(req, 0, rc != TICK_OK ? rc : TICK_ESYS, NULL,
		    NULL, NULL);
	if (s.started)
		req->status = 200;
	free(s.buf);
}
