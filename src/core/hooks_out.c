#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "audit.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "events.h"
#include "hooks.h"
#include "hooks_out.h"
#include "log.h"
#include "net.h"
#include "tickets.h"

/* Events read for one subscription in one run. */
#define FAN_MAX 5000
/* A receiver's answer kept: the start of it. */
#define ANSWER_MAX 4096

/* Seconds before attempt n + 1: 30 s doubling, at most an hour. */
static long long
backoff(long long attempts)
{
	long long s = 30;

	for (long long i = 1; i < attempts && s < 3600; i++)
		s *= 2;
	return s < 3600 ? s : 3600;
}

/* The data of delivery d as first sent: the ticket's JSON (an anonymous
 * report masked as for any reader), or null. A new string. */
static char *
payload_of(struct tick_app *app, const struct tick_hook_due *d)
{
	json_t *t = NULL;
	enum tick_err rc = TICK_OK;
	char *s;

	if (d->ticket_id > 0 &&
	    (t = tick_ticket_json(app->db, d->ticket_id, 0, &rc)) == NULL &&
	    rc != TICK_ENOTFOUND)
		return NULL;
	s = json_dumps(t != NULL ? t : json_null(),
	    JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(t);
	return s;
}

/* The body of one attempt, and its signature header. */
static char *
envelope(const struct tick_hook_due *d, const char *payload, time_t now,
    char sig[96])
{
	char id[32], sent[32];
	unsigned char mac[TICK_SHA256_LEN];
	char hex[2 * TICK_SHA256_LEN + 1];
	json_t *data = json_loads(payload, JSON_DECODE_ANY, NULL), *o;
	struct tm tm;
	char *body;

	snprintf(id, sizeof(id), "evt_%lld", d->event_id);
	gmtime_r(&now, &tm);
	strftime(sent, sizeof(sent), "%Y-%m-%dT%H:%M:%SZ", &tm);
	o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:{s:o}}", "id", id, "type",
	    d->type, "created_at", d->event_at, "sent_at", sent, "attempt",
	    (json_int_t)d->attempts, "data", "ticket",
	    data != NULL ? data : json_null());
	body = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (body == NULL ||
	    tick_crypto_hmac_sha256(d->secret, strlen(d->secret), body,
	        strlen(body), mac) != 0) {
		free(body);
		return NULL;
	}
	tick_crypto_hex(mac, sizeof(mac), hex);
	snprintf(sig, 96, "X-Tick-Signature-256: sha256=%s", hex);
	return body;
}

/* The outcome of one attempt, and what follows from it, in one
 * transaction: a subscription disabled now is told to the panel (an
 * event) and the audit log. */
static enum tick_err
record(struct tick_app *app, const struct tick_hook_due *d,
    const struct tick_hook_result *r, struct tick_hooks_stats *st)
{
	const struct tick_config *cfg = &app->cfg;
	char sub[24];
	int disabled = 0;
	enum tick_err rc;

	if ((rc = tick_db_begin(app->db)) != TICK_OK)
		return rc;
	rc = tick_hooks_record(app->db, d, r,
	    tick_config_num(cfg, TICK_CFG_HOOKS_MAX_ATTEMPTS),
	    backoff(d->attempts),
	    tick_config_num(cfg, TICK_CFG_HOOKS_DISABLE_FAILURES), &disabled);
	snprintf(sub, sizeof(sub), "%lld", d->subscription_id);
	if (rc == TICK_OK && disabled &&
	    ((rc = tick_events_emit(app->db, TICK_EV_WEBHOOK_DISABLED, 0)) !=
	            TICK_OK ||
	        (rc = tick_audit(app->db, 0, NULL, "webhook.disabled",
	             "webhook", sub, NULL,
	             json_pack("{s:s, s:I}", "url", d->url, "last_status",
	                 (json_int_t)r->status))) != TICK_OK)) {
		tick_db_rollback(app->db);
		return rc;
	}
	if (rc != TICK_OK || (rc = tick_db_commit(app->db)) != TICK_OK) {
		tick_db_rollback(app->db);
		return rc;
	}
	if (r->ok)
		st->delivered++;
	else if (d->attempts >=
	    tick_config_num(cfg, TICK_CFG_HOOKS_MAX_ATTEMPTS))
		st->dead++;
	else
		st->failed++;
	if (disabled) {
		st->disabled++;
		tick_log_warn("webhook %lld (%s) disabled after %lld failures",
		    d->subscription_id, d->url,
		    tick_config_num(cfg, TICK_CFG_HOOKS_DISABLE_FAILURES));
	}
	return TICK_OK;
}

/* One attempt of delivery id, claimed first (two runs never send one
 * attempt twice). */
static enum tick_err
attempt(struct tick_app *app, long long id, struct tick_hooks_stats *st)
{
	const struct tick_config *cfg = &app->cfg;
	long long ms = tick_config_num(cfg, TICK_CFG_HOOKS_TIMEOUT_MS);
	struct tick_hook_result r = { 0, 0, NULL, NULL };
	char sig[96], hdr_event[64], hdr_delivery[48], hdr_ts[48], err[256];
	const char *hdrs[5];
	struct tick_hook_due d;
	char *body = NULL, *answer = NULL;
	time_t now = time(NULL);
	enum tick_err rc;
	long status = 0;

	rc = tick_hooks_claim(app->db, id, ms / 1000 + 60, &d);
	if (rc != TICK_OK)
		return rc == TICK_ENOTFOUND ? TICK_OK : rc;
	st->picked++;
	if (d.payload == NULL) {
		if ((d.payload = payload_of(app, &d)) == NULL ||
		    (rc = tick_hooks_keep_payload(app->db, d.id, d.payload)) !=
		        TICK_OK) {
			free(d.payload);
			return rc == TICK_OK ? TICK_ENOMEM : rc;
		}
	}
	if ((body = envelope(&d, d.payload, now, sig)) == NULL) {
		free(d.payload);
		return TICK_ENOMEM;
	}
	snprintf(hdr_event, sizeof(hdr_event), "X-Tick-Event: %s", d.type);
	snprintf(hdr_delivery, sizeof(hdr_delivery),
	    "X-Tick-Delivery: evt_%lld", d.event_id);
	snprintf(hdr_ts, sizeof(hdr_ts), "X-Tick-Timestamp: %lld",
	    (long long)now);
	hdrs[0] = sig;
	hdrs[1] = hdr_event;
	hdrs[2] = hdr_delivery;
	hdrs[3] = hdr_ts;
	hdrs[4] = "User-Agent: tick-webhooks/1";
	rc = tick_net_post(cfg, d.url, hdrs, 5, body, strlen(body),
	    (long)(ms < 2000 ? ms : 2000), (long)ms, ANSWER_MAX, &status,
	    &answer, err, sizeof(err));
	r.status = status;
	r.response = answer;
	if (rc == TICK_OK && status >= 200 && status < 300)
		r.ok = 1;
	else if (rc == TICK_OK) {
		snprintf(err, sizeof(err), "the receiver answered %ld", status);
		r.error = err;
	} else
		r.error = err;
	rc = record(app, &d, &r, st);
	free(answer);
	free(body);
	free(d.payload);
	return rc;
}

enum tick_err
tick_hooks_run(struct tick_app *app, struct tick_hooks_stats *st)
{
	long long batch = tick_config_num(&app->cfg, TICK_CFG_OUTBOX_BATCH);
	long long *ids, n = 0;
	enum tick_err rc;

	memset(st, 0, sizeof(*st));
	if ((rc = tick_hooks_fan_out(app->db, FAN_MAX, &st->made)) != TICK_OK)
		return rc;
	if ((ids = calloc((size_t)batch, sizeof(*ids))) == NULL)
		return TICK_ENOMEM;
	rc = tick_hooks_due(app->db, batch, ids, &n);
	for (long long i = 0; rc == TICK_OK && i < n; i++)
		rc = attempt(app, ids[i], st);
	free(ids);
	return rc;
}
