#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "events.h"
#include "hooks.h"
#include "valid.h"

#define ISO(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%fZ')"

/* The payload a delivery keeps: a ticket's JSON without its timeline. */
#define PAYLOAD_BUF (256 * 1024)

enum hooks_stmt {
	HK_CREATE,
	HK_UPDATE,
	HK_DELETE,
	HK_GET,
	HK_LIST,
	HK_DELIVERIES_COUNT,
	HK_DELIVERIES,
	HK_DELIVERY_OF,
	HK_RESEND,
	HK_ACTIVE,
	HK_LOCK_SUB,
	HK_CURSOR_AT,
	HK_UPTO,
	HK_FAN,
	HK_CURSOR,
	HK_DUE,
	HK_CLAIM,
	HK_CLAIMED,
	HK_KEEP,
	HK_DONE_OK,
	HK_SUB_OK,
	HK_DONE_FAIL,
	HK_SUB_FAIL,
	HK_SUB_DISABLE,
	HK_PENDING,
	HK_STMT__MAX
};

/* clang-format off */
#define SUB_COLUMNS \
	"s.id, s.url, s.events, s.description, s.active, s.failures," \
	" " ISO("s.disabled_at") ", s.disabled_reason, " ISO("s.created_at") "," \
	" " ISO("s.updated_at") ", COALESCE(d.p, 0), COALESCE(d.f, 0)," \
	" COALESCE(d.ok, 0), COALESCE(d.dead, 0)" \
	" FROM webhook_subscriptions s LEFT JOIN (SELECT subscription_id," \
	" SUM(state = 'pending') p, SUM(state = 'failed') f," \
	" SUM(state = 'delivered') ok, SUM(state = 'dead') dead" \
	" FROM webhook_deliveries GROUP BY subscription_id) d" \
	" ON d.subscription_id = s.id"

static const char *const stmts[HK_STMT__MAX] = {
	/* From now on: the newest event is where its reading starts. */
	[HK_CREATE] =
	    "INSERT INTO webhook_subscriptions (url, events, secret, description,"
	    " active, created_by, last_event_id)"
	    " SELECT ?, ?, ?, ?, ?, ?, COALESCE(MAX(id), 0) FROM events",
	/* Left to right: the failures and the mark clear on an activation. */
	[HK_UPDATE] =
	    "UPDATE webhook_subscriptions SET url = COALESCE(?, url),"
	    " events = COALESCE(?, events), secret = COALESCE(?, secret),"
	    " description = IF(?, ?, description),"
	    " failures = IF(? = 1, 0, failures),"
	    " disabled_at = IF(? = 1, NULL, disabled_at),"
	    " disabled_reason = IF(? = 1, NULL, disabled_reason),"
	    " active = IF(? < 0, active, ?)"
	    " WHERE id = ? AND deleted_at IS NULL",
	[HK_DELETE] =
	    "UPDATE webhook_subscriptions SET deleted_at = NOW(3), active = 0"
	    " WHERE id = ? AND deleted_at IS NULL",
	[HK_GET] = "SELECT " SUB_COLUMNS " WHERE s.id = ? AND s.deleted_at IS NULL",
	[HK_LIST] = "SELECT " SUB_COLUMNS " WHERE s.deleted_at IS NULL"
	            " ORDER BY s.id DESC LIMIT 500",
	[HK_DELIVERIES_COUNT] =
	    "SELECT COUNT(*) FROM webhook_deliveries WHERE subscription_id = ?"
	    " AND (? IS NULL OR state = ?)",
	[HK_DELIVERIES] =
	    "SELECT id, event_id, type, ticket_id, " ISO("event_at") ", state,"
	    " attempts, " ISO("next_attempt_at") ", last_status, last_error,"
	    " last_response, " ISO("last_attempt_at") ", " ISO("delivered_at") ","
	    " " ISO("created_at") " FROM webhook_deliveries"
	    " WHERE subscription_id = ? AND (? IS NULL OR state = ?)"
	    " ORDER BY id DESC LIMIT ? OFFSET ?",
	[HK_DELIVERY_OF] =
	    "SELECT id FROM webhook_deliveries WHERE id = ? AND subscription_id = ?",
	[HK_RESEND] =
	    "UPDATE webhook_deliveries SET state = 'pending', attempts = 0,"
	    " next_attempt_at = NOW(3) WHERE id = ? AND subscription_id = ?",
	[HK_ACTIVE] =
	    "SELECT id FROM webhook_subscriptions WHERE active = 1"
	    " AND deleted_at IS NULL ORDER BY id LIMIT 1000",
	[HK_LOCK_SUB] =
	    "SELECT last_event_id, events FROM webhook_subscriptions WHERE id = ?"
	    " AND active = 1 AND deleted_at IS NULL FOR UPDATE",
	/* Events are fanned out in (created_at, id) order after the cursor's
	 * event: on Galera a node may take a lower id after another node took
	 * a higher one. A cursor whose event is gone starts from the first. */
	[HK_CURSOR_AT] =
	    "SELECT DATE_FORMAT(COALESCE((SELECT created_at FROM events"
	    " WHERE id = ?), '1000-01-01'), '%Y-%m-%d %H:%i:%s.%f')",
	[HK_UPTO] =
	    "SELECT x.id, DATE_FORMAT(x.created_at, '%Y-%m-%d %H:%i:%s.%f')"
	    " FROM (SELECT id, created_at FROM events WHERE created_at >= ?"
	    " AND (created_at > ? OR id > ?) AND created_at <= NOW(3) - INTERVAL "
	    TICK_EVENTS_SETTLE_MS "000 MICROSECOND ORDER BY created_at, id"
	    " LIMIT ?) x ORDER BY x.created_at DESC, x.id DESC LIMIT 1",
	[HK_FAN] =
	    "INSERT IGNORE INTO webhook_deliveries (subscription_id, event_id,"
	    " type, ticket_id, event_at) SELECT ?, e.id, e.type, e.ticket_id,"
	    " e.created_at FROM events e WHERE e.created_at >= ?"
	    " AND (e.created_at > ? OR e.id > ?) AND (e.created_at < ?"
	    " OR (e.created_at = ? AND e.id <= ?)) AND FIND_IN_SET(e.type, ?)",
	[HK_CURSOR] =
	    "UPDATE webhook_subscriptions SET last_event_id = ? WHERE id = ?",
	[HK_DUE] =
	    "SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s"
	    " ON s.id = d.subscription_id WHERE d.state IN ('pending', 'failed')"
	    " AND d.next_attempt_at <= NOW(3) AND s.active = 1"
	    " AND s.deleted_at IS NULL ORDER BY d.next_attempt_at, d.id LIMIT ?",
	[HK_CLAIM] =
	    "UPDATE webhook_deliveries d JOIN webhook_subscriptions s"
	    " ON s.id = d.subscription_id"
	    " SET d.next_attempt_at = NOW(3) + INTERVAL ? SECOND,"
	    " d.attempts = d.attempts + 1, d.last_attempt_at = NOW(3)"
	    " WHERE d.id = ? AND d.state IN ('pending', 'failed')"
	    " AND d.next_attempt_at <= NOW(3) AND s.active = 1"
	    " AND s.deleted_at IS NULL",
	[HK_CLAIMED] =
	    "SELECT d.id, d.subscription_id, d.event_id, COALESCE(d.ticket_id, 0),"
	    " d.attempts, d.type, " ISO("d.event_at") ", s.url, s.secret, d.payload"
	    " FROM webhook_deliveries d JOIN webhook_subscriptions s"
	    " ON s.id = d.subscription_id WHERE d.id = ?",
	[HK_KEEP] = "UPDATE webhook_deliveries SET payload = ? WHERE id = ?"
	            " AND payload IS NULL",
	[HK_DONE_OK] =
	    "UPDATE webhook_deliveries SET state = 'delivered',"
	    " delivered_at = NOW(3), last_status = ?, last_error = NULL,"
	    " last_response = ? WHERE id = ?",
	[HK_SUB_OK] = "UPDATE webhook_subscriptions SET failures = 0 WHERE id = ?",
	[HK_DONE_FAIL] =
	    "UPDATE webhook_deliveries SET state = IF(attempts >= ?, 'dead',"
	    " 'failed'), next_attempt_at = NOW(3) + INTERVAL ? SECOND,"
	    " last_status = ?, last_error = ?, last_response = ? WHERE id = ?",
	[HK_SUB_FAIL] =
	    "UPDATE webhook_subscriptions SET failures = failures + 1 WHERE id = ?",
	[HK_SUB_DISABLE] =
	    "UPDATE webhook_subscriptions SET active = 0, disabled_at = NOW(3),"
	    " disabled_reason = ? WHERE id = ? AND active = 1 AND failures >= ?",
	/* The metrics: deliveries still to make (not yet tried, or to try
	 * again). */
	[HK_PENDING] = "SELECT COUNT(*) FROM webhook_deliveries"
	               " WHERE state IN ('pending', 'failed')",
};
/* clang-format on */

enum tick_err
tick_hooks_create(struct tick_db *db, const struct tick_hook_form *f,
    long long created_by, long long *id)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[HK_CREATE]);
	tick_q_str(&q, f->url, (size_t)-1);
	tick_q_str(&q, f->events, (size_t)-1);
	tick_q_str(&q, f->secret, (size_t)-1);
	tick_q_opt_str(&q, f->description);
	tick_q_int(&q, f->active != 0);
	tick_q_opt_int(&q, created_by);
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_hooks_update(struct tick_db *db, long long id,
    const struct tick_hook_form *f)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[HK_UPDATE]);
	tick_q_str(&q, f->url, (size_t)-1);
	tick_q_str(&q, f->events, (size_t)-1);
	tick_q_str(&q, f->secret, (size_t)-1);
	tick_q_int(&q, f->description != NULL);
	tick_q_opt_str(&q, f->description);
	tick_q_int(&q, f->active);
	tick_q_int(&q, f->active);
	tick_q_int(&q, f->active);
	tick_q_int(&q, f->active);
	tick_q_int(&q, f->active);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_hooks_delete(struct tick_db *db, long long id)
{
	struct tick_q q;
	long long n = 0;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[HK_DELETE]);
	tick_q_int(&q, id);
	if ((rc = tick_q_count(&q, &n)) == TICK_OK && n == 0)
		rc = TICK_ENOTFOUND;
	return rc;
}

struct sub_row {
	long long id, active, failures, pending, failed, delivered, dead;
	char url[TICK_COL_BUF(2048)], events[401],
	    description[TICK_COL_BUF(200)], disabled_at[40],
	    reason[TICK_COL_BUF(255)], created[40], updated[40];
};

static void
bind_sub(struct tick_q *q, struct sub_row *r)
{
	tick_q_out_int(q, &r->id);
	tick_q_out_str(q, r->url, sizeof(r->url));
	tick_q_out_str(q, r->events, sizeof(r->events));
	tick_q_out_str(q, r->description, sizeof(r->description));
	tick_q_out_int(q, &r->active);
	tick_q_out_int(q, &r->failures);
	tick_q_out_str(q, r->disabled_at, sizeof(r->disabled_at));
	tick_q_out_str(q, r->reason, sizeof(r->reason));
	tick_q_out_str(q, r->created, sizeof(r->created));
	tick_q_out_str(q, r->updated, sizeof(r->updated));
	tick_q_out_int(q, &r->pending);
	tick_q_out_int(q, &r->failed);
	tick_q_out_int(q, &r->delivered);
	tick_q_out_int(q, &r->dead);
}

static json_t *
opt(const struct tick_q *q, int i, const char *s)
{
	return tick_q_isnull(q, i) ? json_null() : json_string(s);
}

/* "a,b" as ["a", "b"]. */
static json_t *
csv_array(const char *csv)
{
	json_t *a = json_array();
	char buf[401], *p, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", csv);
	for (p = strtok_r(buf, ",", &save); p && a;
	     p = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(p));
	return a;
}

static json_t *
sub_json(const struct tick_q *q, const struct sub_row *r)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:b, s:I, s:o, s:o,"
	                 " s:{s:I, s:I, s:I, s:I}, s:s, s:s}",
	    "id", (json_int_t)r->id, "url", r->url, "events",
	    csv_array(r->events), "description", opt(q, 3, r->description),
	    "active", (int)r->active, "failures", (json_int_t)r->failures,
	    "disabled_at", opt(q, 6, r->disabled_at), "disabled_reason",
	    opt(q, 7, r->reason), "deliveries", "pending",
	    (json_int_t)r->pending, "failed", (json_int_t)r->failed,
	    "delivered", (json_int_t)r->delivered, "dead", (json_int_t)r->dead,
	    "created_at", r->created, "updated_at", r->updated);
}

json_t *
tick_hooks_json(struct tick_db *db, long long id, enum tick_err *rc)
{
	struct sub_row r;
	json_t *o = NULL;
	struct tick_q q;
	int f;

	tick_q_init(&q, db, stmts[HK_GET]);
	tick_q_int(&q, id);
	bind_sub(&q, &r);
	if ((*rc = tick_q_exec(&q)) == TICK_OK) {
		f = tick_q_fetch(&q);
		if (f == 1 && (o = sub_json(&q, &r)) == NULL)
			*rc = TICK_ENOMEM;
		else if (f != 1)
			*rc = f == 0 ? TICK_ENOTFOUND : TICK_EDB;
	}
	tick_q_done(&q);
	return o;
}

enum tick_err
tick_hooks_list(struct tick_db *db, json_t **items)
{
	struct sub_row r;
	struct tick_q q;
	enum tick_err rc;
	json_t *o;
	int f;

	if ((*items = json_array()) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[HK_LIST]);
	bind_sub(&q, &r);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0 || (o = sub_json(&q, &r)) == NULL) {
			rc = f < 0 ? TICK_EDB : TICK_ENOMEM;
			break;
		}
		json_array_append_new(*items, o);
	}
	tick_q_done(&q);
	if (rc != TICK_OK) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

struct del_row {
	long long id, event_id, ticket_id, attempts, status;
	char type[33], event_at[40], state[16], next[40],
	    error[TICK_COL_BUF(255)], response[TICK_COL_BUF(1000)], last[40],
	    delivered[40], created[40];
};

enum tick_err
tick_hooks_deliveries(struct tick_db *db, long long id, const char *state,
    long long limit, long long offset, json_t **items, long long *total)
{
	struct del_row *r;
	struct tick_q q;
	enum tick_err rc;
	json_t *o;
	int f;

	*items = NULL;
	*total = 0;
	tick_q_init(&q, db, stmts[HK_DELIVERIES_COUNT]);
	tick_q_int(&q, id);
	tick_q_str(&q, state, (size_t)-1);
	tick_q_str(&q, state, (size_t)-1);
	tick_q_out_int(&q, total);
	if ((rc = tick_q_one(&q)) != TICK_OK)
		return rc;
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (*items = json_array()) == NULL) {
		free(r);
		return TICK_ENOMEM;
	}
	tick_q_init(&q, db, stmts[HK_DELIVERIES]);
	tick_q_int(&q, id);
	tick_q_str(&q, state, (size_t)-1);
	tick_q_str(&q, state, (size_t)-1);
	tick_q_int(&q, limit);
	tick_q_int(&q, offset);
	tick_q_out_int(&q, &r->id);
	tick_q_out_int(&q, &r->event_id);
	tick_q_out_str(&q, r->type, sizeof(r->type));
	tick_q_out_int(&q, &r->ticket_id);
	tick_q_out_str(&q, r->event_at, sizeof(r->event_at));
	tick_q_out_str(&q, r->state, sizeof(r->state));
	tick_q_out_int(&q, &r->attempts);
	tick_q_out_str(&q, r->next, sizeof(r->next));
	tick_q_out_int(&q, &r->status);
	tick_q_out_str(&q, r->error, sizeof(r->error));
	tick_q_out_str(&q, r->response, sizeof(r->response));
	tick_q_out_str(&q, r->last, sizeof(r->last));
	tick_q_out_str(&q, r->delivered, sizeof(r->delivered));
	tick_q_out_str(&q, r->created, sizeof(r->created));
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		char eid[32];

		snprintf(eid, sizeof(eid), "evt_%lld", r->event_id);
		o = f < 0 ?
		    NULL :
		    json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:I, s:o,"
		              " s:o, s:o, s:o, s:o, s:o, s:s}",
		        "id", (json_int_t)r->id, "event_id", eid, "type",
		        r->type, "ticket_id",
		        tick_q_isnull(&q, 3) ?
		            json_null() :
		            json_integer((json_int_t)r->ticket_id),
		        "event_at", r->event_at, "state", r->state, "attempts",
		        (json_int_t)r->attempts, "next_attempt_at",
		        strcmp(r->state, "delivered") == 0 ||
		                strcmp(r->state, "dead") == 0 ?
		            json_null() :
		            json_string(r->next),
		        "last_status",
		        tick_q_isnull(&q, 8) ?
		            json_null() :
		            json_integer((json_int_t)r->status),
		        "last_error", opt(&q, 9, r->error), "last_response",
		        opt(&q, 10, r->response), "last_attempt_at",
		        opt(&q, 11, r->last), "delivered_at",
		        opt(&q, 12, r->delivered), "created_at", r->created);
		if (o == NULL) {
			rc = f < 0 ? TICK_EDB : TICK_ENOMEM;
			break;
		}
		json_array_append_new(*items, o);
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
tick_hooks_resend(struct tick_db *db, long long id, long long did)
{
	struct tick_q q;
	long long found = 0;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[HK_DELIVERY_OF]);
	tick_q_int(&q, did);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &found);
	if ((rc = tick_q_one(&q)) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[HK_RESEND]);
	tick_q_int(&q, did);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

/* One subscription's new deliveries, in one transaction. */
static enum tick_err
fan_one(struct tick_db *db, long long sub, long long max, long long *made)
{
	long long cursor = 0, upto = 0, n = 0;
	char events[401] = "", at[32] = "", upto_at[32] = "";
	struct tick_q q;
	enum tick_err rc;

	if ((rc = tick_db_begin(db)) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[HK_LOCK_SUB]);
	tick_q_int(&q, sub);
	tick_q_out_int(&q, &cursor);
	tick_q_out_str(&q, events, sizeof(events));
	if ((rc = tick_q_one(&q)) != TICK_OK)
		goto out; /* deactivated meanwhile: nothing to do */
	tick_q_init(&q, db, stmts[HK_CURSOR_AT]);
	tick_q_int(&q, cursor);
	tick_q_out_str(&q, at, sizeof(at));
	if ((rc = tick_q_one(&q)) != TICK_OK)
		goto out;
	tick_q_init(&q, db, stmts[HK_UPTO]);
	tick_q_str(&q, at, (size_t)-1);
	tick_q_str(&q, at, (size_t)-1);
	tick_q_int(&q, cursor);
	tick_q_int(&q, max);
	tick_q_out_int(&q, &upto);
	tick_q_out_str(&q, upto_at, sizeof(upto_at));
	if ((rc = tick_q_one(&q)) != TICK_OK)
		goto out; /* nothing new */
	tick_q_init(&q, db, stmts[HK_FAN]);
	tick_q_int(&q, sub);
	tick_q_str(&q, at, (size_t)-1);
	tick_q_str(&q, at, (size_t)-1);
	tick_q_int(&q, cursor);
	tick_q_str(&q, upto_at, (size_t)-1);
	tick_q_str(&q, upto_at, (size_t)-1);
	tick_q_int(&q, upto);
	tick_q_str(&q, events, (size_t)-1);
	if ((rc = tick_q_count(&q, &n)) != TICK_OK)
		goto out;
	tick_q_init(&q, db, stmts[HK_CURSOR]);
	tick_q_int(&q, upto);
	tick_q_int(&q, sub);
	if ((rc = tick_q_run(&q)) == TICK_OK &&
	    (rc = tick_db_commit(db)) == TICK_OK) {
		*made += n;
		return TICK_OK;
	}
out:
	tick_db_rollback(db);
	return rc == TICK_ENOTFOUND ? TICK_OK : rc;
}

enum tick_err
tick_hooks_fan_out(struct tick_db *db, long long max, long long *made)
{
	long long ids[1000], id = 0;
	size_t n = 0;
	struct tick_q q;
	enum tick_err rc;
	int f;

	*made = 0;
	tick_q_init(&q, db, stmts[HK_ACTIVE]);
	tick_q_out_int(&q, &id);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && n < 1000 && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0)
			rc = TICK_EDB;
		else
			ids[n++] = id;
	}
	tick_q_done(&q);
	for (size_t i = 0; rc == TICK_OK && i < n; i++)
		rc = fan_one(db, ids[i], max, made);
	return rc;
}

enum tick_err
tick_hooks_due(struct tick_db *db, long long max, long long *ids, long long *n)
{
	long long id = 0;
	struct tick_q q;
	enum tick_err rc;
	int f;

	*n = 0;
	tick_q_init(&q, db, stmts[HK_DUE]);
	tick_q_int(&q, max);
	tick_q_out_int(&q, &id);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && *n < max && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0)
			rc = TICK_EDB;
		else
			ids[(*n)++] = id;
	}
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_hooks_claim(struct tick_db *db, long long id, long long lease_s,
    struct tick_hook_due *d)
{
	struct tick_q q;
	long long n = 0;
	enum tick_err rc;

	memset(d, 0, sizeof(*d));
	tick_q_init(&q, db, stmts[HK_CLAIM]);
	tick_q_int(&q, lease_s);
	tick_q_int(&q, id);
	if ((rc = tick_q_count(&q, &n)) != TICK_OK)
		return rc;
	if (n != 1)
		return TICK_ENOTFOUND;
	if ((d->payload = malloc(PAYLOAD_BUF)) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[HK_CLAIMED]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &d->id);
	tick_q_out_int(&q, &d->subscription_id);
	tick_q_out_int(&q, &d->event_id);
	tick_q_out_int(&q, &d->ticket_id);
	tick_q_out_int(&q, &d->attempts);
	tick_q_out_str(&q, d->type, sizeof(d->type));
	tick_q_out_str(&q, d->event_at, sizeof(d->event_at));
	tick_q_out_str(&q, d->url, sizeof(d->url));
	tick_q_out_str(&q, d->secret, sizeof(d->secret));
	tick_q_out_str(&q, d->payload, PAYLOAD_BUF);
	if ((rc = tick_q_exec(&q)) == TICK_OK) {
		int f = tick_q_fetch(&q);

		if (f != 1)
			rc = f == 0 ? TICK_ENOTFOUND : TICK_EDB;
		else if (tick_q_isnull(&q, 9)) {
			free(d->payload);
			d->payload = NULL;
		}
	}
	tick_q_done(&q);
	if (rc != TICK_OK) {
		free(d->payload);
		d->payload = NULL;
	}
	return rc;
}

enum tick_err
tick_hooks_keep_payload(struct tick_db *db, long long id, const char *payload)
{
	struct tick_q q;

	if (strlen(payload) >= PAYLOAD_BUF)
		return TICK_ETOOBIG;
	tick_q_init(&q, db, stmts[HK_KEEP]);
	tick_q_str(&q, payload, (size_t)-1);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

/* A text cut on a character boundary to chars characters. */
static void
bind_cut(struct tick_q *q, const char *s, size_t chars, char *buf, size_t bufsz)
{
	if (s == NULL) {
		tick_q_null(q);
		return;
	}
	tick_valid_utf8_cut(s, strlen(s), chars, buf, bufsz);
	tick_q_str(q, buf, (size_t)-1);
}

enum tick_err
tick_hooks_record(struct tick_db *db, const struct tick_hook_due *d,
    const struct tick_hook_result *r, long long max_attempts, long long backoff,
    long long disable_failures, int *disabled)
{
	char resp[TICK_COL_BUF(1000)], err[TICK_COL_BUF(255)];
	struct tick_q q;
	enum tick_err rc;
	long long n = 0;

	*disabled = 0;
	if (r->ok) {
		tick_q_init(&q, db, stmts[HK_DONE_OK]);
		tick_q_opt_int(&q, r->status);
		bind_cut(&q, r->response, 1000, resp, sizeof(resp));
		tick_q_int(&q, d->id);
		if ((rc = tick_q_run(&q)) != TICK_OK)
			return rc;
		tick_q_init(&q, db, stmts[HK_SUB_OK]);
		tick_q_int(&q, d->subscription_id);
		return tick_q_run(&q);
	}
	tick_q_init(&q, db, stmts[HK_DONE_FAIL]);
	tick_q_int(&q, max_attempts);
	tick_q_int(&q, backoff);
	tick_q_opt_int(&q, r->status);
	bind_cut(&q, r->error ? r->error : "failed", 255, err, sizeof(err));
	bind_cut(&q, r->response, 1000, resp, sizeof(resp));
	tick_q_int(&q, d->id);
	if ((rc = tick_q_run(&q)) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[HK_SUB_FAIL]);
	tick_q_int(&q, d->subscription_id);
	if ((rc = tick_q_run(&q)) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[HK_SUB_DISABLE]);
	tick_q_str(&q, "every delivery failed many times in a row", (size_t)-1);
	tick_q_int(&q, d->subscription_id);
	tick_q_int(&q, disable_failures);
	if ((rc = tick_q_count(&q, &n)) == TICK_OK)
		*disabled = n == 1;
	return rc;
}

enum tick_err
tick_hooks_pending(struct tick_db *db, long long *n)
{
	struct tick_q q;

	*n = 0;
	tick_q_init(&q, db, stmts[HK_PENDING]);
	tick_q_out_int(&q, n);
	return tick_q_one(&q);
}
