#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "assign_rules.h"
#include "config.h"
#include "db.h"
#include "figures.h"
#include "http.h"
#include "refs.h"
#include "report.h"
#include "session.h"
#include "status.h"
#include "ticket_filters.h"
#include "valid.h"

static int
digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int
tick_ticket_filters_date(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };
	size_t n = strlen(s);
	int y, m, d;

	if (n != 10 && n != 19)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') :
		                      s[i] != shape[i])
			return 0;
	y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 &&
	        !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
		return 0;
	return n == 10 ||
	    (digits(s + 11, 2) < 24 && digits(s + 14, 2) < 60 &&
	        digits(s + 17, 2) < 60);
}

/* Answers a bad filter: 422 naming it (strict), else 400. */
static int
bad(struct tick_req *req, int strict, const char *field, const char *msg)
{
	if (strict)
		tick_http_invalid(req, msg, json_pack("{s:s}", field, msg));
	else
		tick_http_fail(req, 400, TICK_EINVAL, "bad_request", msg, NULL);
	return -1;
}

/*
 * Splits query parameter name at commas into out (n values at most
 * TICK_FILTER_VALUES_MAX), each a key of kind (or, kind -1, a site's id or
 * code: 1 to 10 of A-Z, a-z, 0-9). 0, or -1 after answering.
 */
static int
list_filter(struct tick_req *req, int strict, const char *name, int kind,
    char *buf, size_t bufsz, const char **out, size_t *n)
{
	char *p, *save = NULL, msg[160];
	size_t i, nc = 0;
	const struct tick_report_choice *c = NULL;
	enum tick_err rc = tick_http_query_get(req->query, name, buf, bufsz);

	*n = 0;
	if (rc == TICK_ENOTFOUND || (rc == TICK_OK && buf[0] == '\0'))
		return 0;
	if (kind >= 0)
		c = tick_report_choices((enum tick_report_kind)kind, &nc);
	for (p = rc == TICK_OK ? strtok_r(buf, ",", &save) : NULL; p;
	     p = strtok_r(NULL, ",", &save)) {
		int ok = *n < TICK_FILTER_VALUES_MAX;

		if (kind < 0) {
			for (i = 0; p[i] && ok; i++)
				ok = (p[i] >= 'A' && p[i] <= 'Z') ||
				    (p[i] >= 'a' && p[i] <= 'z') ||
				    (p[i] >= '0' && p[i] <= '9');
			ok = ok && i >= 1 && i <= 10;
		} else
			ok = ok &&
			    tick_report_find((enum tick_report_kind)kind, p) !=
			        NULL;
		if (!ok)
			goto fail;
		out[(*n)++] = p;
	}
	if (rc == TICK_OK)
		return 0;
fail:
	if (kind < 0)
		snprintf(msg, sizeof(msg),
		    "%s must be site ids or codes, comma-separated (at most %d)",
		    name, TICK_FILTER_VALUES_MAX);
	else
		snprintf(msg, sizeof(msg),
		    "%s must be one or more of %s ... %s, comma-separated",
		    name, c[0].key, c[nc - 1].key);
	return bad(req, strict, name, msg);
}

/* 1 when flag name is 1 or true. */
static int
flag(const struct tick_req *req, const char *name)
{
	char v[8];

	return tick_http_query_get(req->query, name, v, sizeof(v)) == TICK_OK &&
	    (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

static int
status_filter(struct tick_req *req, int strict, struct tick_ticket_filters *f)
{
	char v[128], *p, *save = NULL;
	enum tick_err rc = tick_http_query_get(req->query, "status", v,
	    sizeof(v));

	if (rc == TICK_ENOTFOUND || (rc == TICK_OK && v[0] == '\0'))
		return 0;
	for (p = rc == TICK_OK ? strtok_r(v, ",", &save) : NULL; p;
	     p = strtok_r(NULL, ",", &save)) {
		size_t k;

		for (k = 0; tick_status_names[k] &&
		     strcmp(tick_status_names[k], p) != 0;
		     k++)
			;
		if (tick_status_names[k] == NULL ||
		    f->nstatus == TICK_STATUS__MAX)
			break;
		f->status[f->nstatus++] = tick_status_names[k];
	}
	if (rc == TICK_OK && p == NULL)
		return 0;
	return bad(req, strict, "status",
	    "status must be new, assigned, in_progress, pending or closed "
	    "(comma-separated)");
}

/* assigned_to (and, strict, its other name agent): a user's id. */
static int
agent_filter(struct tick_req *req, int strict, const char *name,
    struct tick_ticket_filters *f)
{
	char v[32], msg[64];
	enum tick_err rc = tick_http_query_get(req->query, name, v, sizeof(v));

	if (rc == TICK_ENOTFOUND || (strict && rc == TICK_OK && v[0] == '\0'))
		return 0;
	if (rc == TICK_OK &&
	    tick_valid_num(v, strlen(v), 1, 4294967295LL, &f->assigned_to) ==
	        TICK_OK)
		return 0;
	snprintf(msg, sizeof(msg), "%s must be a user id", name);
	return bad(req, strict, name, msg);
}

/* Issue 13: team=<id>|none and tag=<tag> (normalised as tags are). */
static int
team_tag_filter(struct tick_req *req, int strict, struct tick_ticket_filters *f)
{
	char v[32], tag[TICK_TAG_BUF + 8];
	const char *why;
	enum tick_err rc;

	rc = tick_http_query_get(req->query, "team", v, sizeof(v));
	if (rc == TICK_OK && strcmp(v, "none") == 0)
		f->team_id = -1;
	else if (rc != TICK_ENOTFOUND && (rc != TICK_OK || v[0] != '\0') &&
	    (rc != TICK_OK ||
	        tick_valid_num(v, strlen(v), 1, 4294967295LL, &f->team_id) !=
	            TICK_OK)) {
		f->team_id = 0;
		return bad(req, strict, "team",
		    "team must be a team id, or none");
	}
	rc = tick_http_query_get(req->query, "tag", tag, sizeof(tag));
	if (rc == TICK_ENOTFOUND || (rc == TICK_OK && tag[0] == '\0'))
		return 0;
	if (rc == TICK_OK &&
	    tick_tag_normalize(tag, strlen(tag), f->tag, sizeof(f->tag),
	        &why) == TICK_OK)
		return 0;
	return bad(req, strict, "tag",
	    "tag must be a tag: 1 to 32 characters, no commas");
}

static int
date_filter(struct tick_req *req, int strict, const char *name, char *out,
    size_t outsz)
{
	enum tick_err rc = tick_http_query_get(req->query, name, out, outsz);

	if (rc == TICK_ENOTFOUND)
		return 0;
	if (rc == TICK_OK && (out[0] == '\0' || tick_ticket_filters_date(out)))
		return 0;
	out[0] = '\0';
	return bad(req, strict, name,
	    strict ? "from and to are dates: YYYY-MM-DD or "
	             "YYYY-MM-DDTHH:MM:SS (in tz)" :
	             "from and to are dates: YYYY-MM-DD or "
	             "YYYY-MM-DDTHH:MM:SS (UTC)");
}

int
tick_ticket_filters_parse(struct tick_req *req, int strict,
    struct tick_ticket_filters *f, struct tick_filter_text *t)
{
	char v[128];
	struct tick_search words;
	enum tick_err rc;

	memset(f, 0, sizeof(*f));
	f->scope = tick_session_scope(req);
	if (list_filter(req, strict, "site", -1, t->sites, sizeof(t->sites),
	        f->sites, &f->nsites) != 0 ||
	    list_filter(req, strict, "category", TICK_REPORT_CATEGORY,
	        t->categories, sizeof(t->categories), f->categories,
	        &f->ncategories) != 0 ||
	    list_filter(req, strict, "severity", TICK_REPORT_SEVERITY,
	        t->severities, sizeof(t->severities), f->severities,
	        &f->nseverities) != 0 ||
	    list_filter(req, strict, "observation_type",
	        TICK_REPORT_OBSERVATION, t->observations,
	        sizeof(t->observations), f->observations,
	        &f->nobservations) != 0 ||
	    status_filter(req, strict, f) != 0 ||
	    team_tag_filter(req, strict, f) != 0 ||
	    agent_filter(req, strict, "assigned_to", f) != 0 ||
	    (strict && f->assigned_to == 0 &&
	        agent_filter(req, strict, "agent", f) != 0))
		return -1;
	if (flag(req, "mine"))
		f->assigned_to = req->user.id;
	/* Issue 17: flagged=1 keeps the tickets the AI check flagged. */
	f->flagged = flag(req, "flagged");
	if (flag(req, "unassigned")) {
		if (f->assigned_to != 0)
			return bad(req, strict, "unassigned",
			    "unassigned cannot go with mine or assigned_to");
		f->unassigned = 1;
	}
	switch (tick_http_query_get(req->query, "q", f->q, sizeof(f->q))) {
	case TICK_OK:
	case TICK_ENOTFOUND: break;
	default: return bad(req, strict, "q", "q must be at most 200 bytes");
	}
	if (f->q[0] != '\0') {
		/* LIKE's own characters are searched for literally. */
		tick_like_pattern(f->q, 0, 0, f->qlike, sizeof(f->qlike));
		tick_search_read(f->q,
		    tick_config_get(&req->app->cfg, TICK_CFG_TICKET_ID_PREFIX),
		    &words);
		snprintf(f->qwords, sizeof(f->qwords), "%s", words.words);
		snprintf(f->qref, sizeof(f->qref), "%s", words.ref);
		if (words.rdigits[0] != '\0')
			snprintf(f->qmobile, sizeof(f->qmobile), "%s%%",
			    words.rdigits);
		snprintf(f->qcjk, sizeof(f->qcjk), "%s", words.cjk);
	}
	if (date_filter(req, strict, "from", f->from, sizeof(f->from)) != 0 ||
	    date_filter(req, strict, "to", f->to, sizeof(f->to)) != 0)
		return -1;
	if (strict) {
		rc = tick_http_query_get(req->query, "tz", f->tz,
		    sizeof(f->tz));
		if (rc != TICK_ENOTFOUND &&
		    (rc != TICK_OK || !tick_figures_tz_shape(f->tz))) {
			f->tz[0] = '\0';
			return bad(req, strict, "tz",
			    "tz must be an IANA time zone name, such as "
			    "Europe/Paris");
		}
	}
	if (tick_http_query_get(req->query, "sort", v, sizeof(v)) == TICK_OK) {
		if (strcmp(v, "newest") == 0)
			f->sort = 0;
		else if (strcmp(v, "oldest") == 0)
			f->sort = 1;
		else if (strcmp(v, "activity") == 0 ||
		    strcmp(v, "last_activity") == 0)
			f->sort = 2;
		else if (strcmp(v, "sla") == 0)
			f->sort = 3;
		else if (strcmp(v, "waiting") == 0)
			f->sort = 4;
		else
			return bad(req, strict, "sort",
			    "sort must be newest, oldest, activity, sla or "
			    "waiting");
	}
	return 0;
}
