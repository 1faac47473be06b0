#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "chan_events.h"
#include "channel.h"
#include "channel_health.h"
#include "channel_rules.h"
#include "db.h"
#include "events.h"
#include "log.h"
#include "wa.h"

/* The key a change is compared by: Meta's event, else the error code. */
static void
key_of(const struct tick_channel_row *r, char *out, size_t outsz)
{
	if (r->event[0] != '\0')
		snprintf(out, outsz, "%s", r->event);
	else if (r->code != 0)
		snprintf(out, outsz, "%lld", r->code);
	else
		out[0] = '\0';
}

/* Tells the change of row kind once: the live stream and the audit log. */
static enum tick_err
announce(struct tick_db *db, const char *kind, int had, int old_sev,
    int new_sev, const char *title, long long code, const char *event)
{
	enum tick_err rc;

	tick_log_warn("%s: WhatsApp channel %s: %s -> %s%s%s", __func__, kind,
	    had ? tick_chan_state_names[old_sev] : "none",
	    tick_chan_state_names[new_sev], title ? ": " : "",
	    title ? title : "");
	if ((rc = tick_events_emit(db, TICK_EV_CHANNEL_CHANGED, 0)) != TICK_OK)
		return rc;
	return tick_audit(db, 0, NULL, "whatsapp.channel_changed", "channel",
	    kind, NULL,
	    json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "kind", kind, "from",
	        had ? tick_chan_state_names[old_sev] : "none", "to",
	        tick_chan_state_names[new_sev], "code",
	        code ? json_integer((json_int_t)code) : json_null(), "event",
	        event && *event ? json_string(event) : json_null(), "title",
	        title ? json_string(title) : json_null()));
}

/* Writes row w (kind, severity, code, event, title, ...) after locking
 * the stored one, and tells a change. Inside the caller's transaction. */
static enum tick_err
put_row(struct tick_db *db, const struct tick_channel_row *w)
{
	struct tick_channel_row old;
	char ok[80], nk[80];
	enum tick_err rc;
	int had;

	if ((rc = tick_channel_lock(db, w->kind, &old, &had)) != TICK_OK ||
	    (rc = tick_channel_put(db, w)) != TICK_OK)
		return rc;
	key_of(&old, ok, sizeof(ok));
	key_of(w, nk, sizeof(nk));
	if (!tick_chan_is_news(had, (enum tick_chan_severity)old.severity, ok,
	        (enum tick_chan_severity)w->severity, nk))
		return TICK_OK;
	return announce(db, w->kind, had, old.severity, w->severity, w->title,
	    w->code, w->event);
}

/* Runs fn(db, arg) in a transaction of its own unless one is open. */
static enum tick_err
in_tx(struct tick_db *db,
    enum tick_err (*fn)(struct tick_db *db, const void *arg), const void *arg)
{
	int own = !tick_db_in_tx(db);
	enum tick_err rc;

	if (own && (rc = tick_db_begin(db)) != TICK_OK)
		return rc;
	rc = fn(db, arg);
	if (own) {
		if (rc == TICK_OK)
			rc = tick_db_commit(db);
		if (rc != TICK_OK)
			tick_db_rollback(db);
	}
	return rc;
}

static enum tick_err
put_fn(struct tick_db *db, const void *arg)
{
	return put_row(db, arg);
}

/* A successful send clears the token and lock failures. */
static enum tick_err
clear_fn(struct tick_db *db, const void *arg)
{
	static const struct {
		const char *kind;
		long long code;
	} failures[] = { { TICK_CHAN_TOKEN, TICK_CHAN_CODE_TOKEN },
		{ TICK_CHAN_ACCOUNT, TICK_CHAN_CODE_LOCKED } };
	struct tick_channel_row old;
	enum tick_err rc = TICK_OK;
	long long n;
	int had;

	(void)arg;
	for (size_t i = 0; rc == TICK_OK && i < 2; i++) {
		if ((rc = tick_channel_lock(db, failures[i].kind, &old,
		         &had)) != TICK_OK)
			break;
		if (!had || old.code != failures[i].code || old.severity == 0)
			continue;
		if ((rc = tick_channel_drop(db, failures[i].kind,
		         failures[i].code, &n)) == TICK_OK &&
		    n > 0)
			rc = announce(db, failures[i].kind, 1, old.severity,
			    TICK_CHAN_OK, "cleared by a successful send",
			    failures[i].code, NULL);
	}
	return rc;
}

void
tick_channel_after_send(struct tick_db *db, enum tick_err sent,
    const struct tick_wa_result *res)
{
	struct tick_channel_row w;
	const char *kind;
	enum tick_err rc = TICK_OK;
	long long n = 0;

	if (sent == TICK_OK) {
		/* The usual case reads one tiny table and writes nothing. */
		if ((rc = tick_channel_failing(db, &n)) == TICK_OK && n > 0)
			rc = in_tx(db, clear_fn, NULL);
	} else if (res != NULL &&
	    (kind = tick_chan_kind_of_code(res->error_code)) != NULL) {
		memset(&w, 0, sizeof(w));
		snprintf(w.kind, sizeof(w.kind), "%s", kind);
		w.severity = TICK_CHAN_ERROR;
		w.code = res->error_code;
		snprintf(w.title, sizeof(w.title), "%s",
		    tick_chan_code_title(res->error_code));
		rc = in_tx(db, put_fn, &w);
	}
	if (rc != TICK_OK)
		tick_log_warn("%s: the channel's health was not recorded: %s",
		    __func__, tick_strerror(rc));
}

enum tick_err
tick_channel_apply_event(struct tick_db *db, const struct tick_wa_chan_event *e)
{
	struct tick_channel_row w;
	char *detail = NULL;
	const char *rating;
	enum tick_err rc;

	memset(&w, 0, sizeof(w));
	if (e->kind == TICK_WA_CHAN_QUALITY) {
		snprintf(w.kind, sizeof(w.kind), "%s", TICK_CHAN_QUALITY);
		rating = e->rating ? e->rating :
		                     tick_chan_quality_rating(e->event);
		w.severity = (int)tick_chan_quality_severity(e->event, rating);
		snprintf(w.event, sizeof(w.event), "%s", e->event);
		snprintf(w.rating, sizeof(w.rating), "%s",
		    rating ? rating : "");
		snprintf(w.limit, sizeof(w.limit), "%s",
		    e->limit ? e->limit : "");
		snprintf(w.title, sizeof(w.title),
		    "WhatsApp number quality: %s%s%s", e->event,
		    e->limit ? ", messaging limit " : "",
		    e->limit ? e->limit : "");
	} else if (e->kind == TICK_WA_CHAN_ACCOUNT) {
		snprintf(w.kind, sizeof(w.kind), "%s", TICK_CHAN_ACCOUNT);
		w.severity = (int)tick_chan_account_severity(e->event,
		    e->ban_state);
		snprintf(w.event, sizeof(w.event), "%s", e->event);
		snprintf(w.title, sizeof(w.title), "%s",
		    tick_chan_account_title(e->event, e->ban_state));
		if (e->info != NULL && json_object_size(e->info) > 0 &&
		    (detail = json_dumps(e->info, JSON_COMPACT)) != NULL &&
		    strlen(detail) > TICK_CHANNEL_DETAIL_MAX) {
			free(detail);
			detail = NULL;
		}
		w.detail = detail;
	} else
		return TICK_EINVAL;
	rc = in_tx(db, put_fn, &w);
	free(detail);
	return rc;
}

/* {code, title, since, at} of a failure row, or null when it is ok. */
static json_t *
failure_json(const json_t *row)
{
	if (row == NULL ||
	    json_integer_value(json_object_get(row, "severity")) == 0)
		return json_null();
	return json_pack("{s:O, s:O, s:O, s:O, s:O}", "code",
	    json_object_get(row, "code"), "event",
	    json_object_get(row, "event"), "title",
	    json_object_get(row, "title"), "since",
	    json_object_get(row, "since"), "at", json_object_get(row, "at"));
}

enum tick_err
tick_channel_health(struct tick_db *db, json_t **health)
{
	static const char *const kinds[] = { TICK_CHAN_TOKEN, TICK_CHAN_ACCOUNT,
		TICK_CHAN_QUALITY };
	enum tick_chan_severity sev[3];
	json_t *rows = NULL, *problems, *acc, *q, *r;
	enum tick_err rc;

	*health = NULL;
	if ((rc = tick_channel_rows(db, &rows)) != TICK_OK)
		return rc;
	if ((problems = json_array()) == NULL) {
		json_decref(rows);
		return TICK_ENOMEM;
	}
	for (size_t i = 0; i < 3; i++) {
		r = json_object_get(rows, kinds[i]);
		sev[i] = r == NULL ?
		    TICK_CHAN_OK :
		    (enum tick_chan_severity)json_integer_value(
		        json_object_get(r, "severity"));
		if (sev[i] != TICK_CHAN_OK)
			json_array_append_new(problems,
			    json_pack("{s:s, s:s, s:O, s:O, s:O}", "kind",
			        kinds[i], "severity",
			        tick_chan_state_names[sev[i] < TICK_CHAN__MAX ?
			                sev[i] :
			                TICK_CHAN_ERROR],
			        "code", json_object_get(r, "code"), "title",
			        json_object_get(r, "title"), "since",
			        json_object_get(r, "since")));
	}
	r = json_object_get(rows, TICK_CHAN_ACCOUNT);
	acc = r == NULL ?
	    json_null() :
	    json_pack("{s:s, s:O, s:O, s:O, s:O, s:O, s:O}", "state",
	        tick_chan_state_names[sev[1] < TICK_CHAN__MAX ? sev[1] :
	                                                        TICK_CHAN_ERROR],
	        "code", json_object_get(r, "code"), "event",
	        json_object_get(r, "event"), "title",
	        json_object_get(r, "title"), "detail",
	        json_object_get(r, "detail"), "since",
	        json_object_get(r, "since"), "at", json_object_get(r, "at"));
	r = json_object_get(rows, TICK_CHAN_QUALITY);
	q = r == NULL ? json_null() :
	                json_pack("{s:O, s:O, s:O, s:O}", "rating",
	                    json_object_get(r, "rating"), "event",
	                    json_object_get(r, "event"), "messaging_limit",
	                    json_object_get(r, "messaging_limit"), "at",
	                    json_object_get(r, "at"));
	*health = json_pack("{s:s, s:o, s:o, s:o, s:o}", "state",
	    tick_chan_state_names[tick_chan_state(sev, 3)], "token",
	    failure_json(json_object_get(rows, TICK_CHAN_TOKEN)), "account",
	    acc, "quality", q, "problems", problems);
	json_decref(rows);
	return *health != NULL ? TICK_OK : TICK_ENOMEM;
}
