#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db.h"
#include "bounds.h"
#include "log.h"
#include "events.h"
#include "outbox.h"
#include "wa.h"

enum outbox_stmt {
	OB_ADD,
	OB_HELD,
	OB_RELEASE,
	OB_HOLD,
	OB_SENT,
	OB_FAILED,
	OB_DEFER,
	OB_CATCHUP,
	OB_DUE,
	OB_CLAIM,
	OB_PAYLOAD,
	OB_STMT__MAX
};

static const char *const stmts[OB_STMT__MAX] = {
	/* Held rows have no next attempt: only the customer releases them. */
	[OB_ADD] =
	    "INSERT INTO whatsapp_messages (direction, contact_id, ticket_id,"
	    " reply_id, type, body, payload, status, status_rank, next_attempt_at)"
	    " VALUES ('out', ?, ?, ?, ?, ?, ?, IF(?, 'held', 'pending'), 1,"
	    " IF(?, NULL, NOW(3) + INTERVAL 120 SECOND))",
	[OB_HELD] =
	    "SELECT id, payload FROM whatsapp_messages WHERE ticket_id = ?"
	    " AND status = 'held' ORDER BY id LIMIT 16 FOR UPDATE",
	[OB_RELEASE] = "UPDATE whatsapp_messages SET status = 'pending',"
	               " next_attempt_at = NOW(3) + INTERVAL 120 SECOND"
	               " WHERE id = ? AND status = 'held'",
	[OB_HOLD] =
	    "UPDATE whatsapp_messages SET status = 'held', next_attempt_at = NULL"
	    " WHERE id = ?",
	[OB_SENT] =
	    "UPDATE whatsapp_messages SET wamid = ?, phone_number_id = ?,"
	    " status = 'accepted', status_rank = GREATEST(status_rank, 2),"
	    " error_code = NULL, error_title = NULL, attempts = attempts + 1,"
	    " next_attempt_at = NULL, last_attempt_at = NOW(3) WHERE id = ?",
	/* next_attempt_at NULL: nothing more will be tried. */
	[OB_FAILED] =
	    "UPDATE whatsapp_messages SET status = 'failed', error_code = ?,"
	    " error_title = ?, attempts = attempts + 1, last_attempt_at = NOW(3),"
	    " next_attempt_at = IF(?, NOW(3) + INTERVAL ? SECOND, NULL) WHERE id = ?",
	[OB_DEFER] =
	    "UPDATE whatsapp_messages SET next_attempt_at = NOW(3) WHERE id = ?",
	/* A status callback can beat the Graph API's answer to us. */
	[OB_CATCHUP] =
	    "UPDATE whatsapp_messages m JOIN (SELECT status, status_rank, error_code,"
	    " error_title FROM whatsapp_statuses WHERE wamid = ?"
	    " ORDER BY status_rank DESC LIMIT 1) s"
	    " SET m.status = s.status, m.status_rank = s.status_rank,"
	    " m.error_code = s.error_code, m.error_title = s.error_title"
	    " WHERE m.wamid = ? AND m.status_rank < s.status_rank",
	[OB_DUE] =
	    "SELECT id FROM whatsapp_messages WHERE next_attempt_at <= NOW(3)"
	    " AND direction = 'out' ORDER BY next_attempt_at LIMIT ?",
	/* Claim with a lease so two outbox runs never send the same row. */
	[OB_CLAIM] =
	    "UPDATE whatsapp_messages SET next_attempt_at = NOW(3) + INTERVAL 120 SECOND"
	    " WHERE id = ? AND next_attempt_at <= NOW(3)",
	[OB_PAYLOAD] =
	    "SELECT attempts, payload FROM whatsapp_messages WHERE id = ?",
};

static enum tick_err run1(struct tick_db *db, enum outbox_stmt s, long long id);

static void
bind_opt_int(struct tick_q *q, long long v)
{
	if (v > 0)
		tick_q_int(q, v);
	else
		tick_q_null(q);
}

void
tick_outbox_list_clear(struct tick_outbox_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i].payload);
	l->n = 0;
}

enum tick_err
tick_outbox_add(struct tick_db *db, long long ticket_id, long long contact_id,
    long long reply_id, const char *type, const char *body, const char *payload,
    int held, long long *id, struct tick_outbox_list *l)
{
	struct tick_q q;
	enum tick_err rc;
	char *copy = NULL;

	*id = 0;
	if (!held && l != NULL) {
		if (l->n == TICK_OUTBOX_LIST_MAX)
			return TICK_ETOOBIG;
		if ((copy = strdup(payload)) == NULL)
			return TICK_ENOMEM;
	}
	tick_q_init(&q, db, stmts[OB_ADD]);
	bind_opt_int(&q, contact_id);
	bind_opt_int(&q, ticket_id);
	bind_opt_int(&q, reply_id);
	tick_q_str(&q, type, (size_t)-1);
	tick_q_str(&q, body, (size_t)-1);
	tick_q_str(&q, payload, (size_t)-1);
	tick_q_int(&q, held ? 1 : 0);
	tick_q_int(&q, held ? 1 : 0);
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	if (rc == TICK_OK && copy != NULL) {
		l->items[l->n].id = *id;
		l->items[l->n].payload = copy;
		l->n++;
		copy = NULL;
	}
	free(copy);
	return rc;
}

enum tick_err
tick_outbox_add_text(struct tick_db *db, long long ticket_id,
    long long contact_id, long long reply_id, const char *to, const char *text,
    long long *id, struct tick_outbox_list *l)
{
	char *p = tick_wa_text_payload(to, text);
	enum tick_err rc;

	if (p == NULL)
		return TICK_ENOMEM;
	rc = tick_outbox_add(db, ticket_id, contact_id, reply_id, "text", text,
	    p, 0, id, l);
	free(p);
	return rc;
}

enum tick_err
tick_outbox_add_template(struct tick_app *app, long long ticket_id,
    long long contact_id, const char *to, long long *id,
    struct tick_outbox_list *l)
{
	const char *name = tick_config_get(&app->cfg,
	    TICK_CFG_WA_TEMPLATE_NAME);
	char *p, body[160];
	enum tick_err rc;

	if (name == NULL)
		return TICK_ECONFIG;
	if ((p = tick_wa_template_payload(to, name,
	         tick_config_get(&app->cfg, TICK_CFG_WA_TEMPLATE_LANG))) ==
	    NULL)
		return TICK_ENOMEM;
	snprintf(body, sizeof(body), "[template %.120s]", name);
	rc = tick_outbox_add(app->db, ticket_id, contact_id, 0, "template",
	    body, p, 0, id, l);
	free(p);
	return rc;
}

enum tick_err
tick_outbox_release_held(struct tick_db *db, long long ticket_id,
    struct tick_outbox_list *l)
{
	static char payload[TICK_MAX_OUTBOUND_PAYLOAD];
	long long ids[16], id = 0;
	char *payloads[16];
	size_t n = 0;
	enum tick_err rc;
	struct tick_q q;
	int r;

	tick_q_init(&q, db, stmts[OB_HELD]);
	tick_q_int(&q, ticket_id);
	tick_q_out_int(&q, &id);
	tick_q_out_str(&q, payload, sizeof(payload));
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && n < 16 && (r = tick_q_fetch(&q)) != 0) {
		if (r < 0 || (payloads[n] = strdup(payload)) == NULL) {
			rc = r < 0 ? TICK_EDB : TICK_ENOMEM;
			break;
		}
		ids[n++] = id;
	}
	tick_q_done(&q);
	for (size_t i = 0; i < n; i++) {
		if (rc == TICK_OK)
			rc = run1(db, OB_RELEASE, ids[i]);
		if (rc == TICK_OK && l->n < TICK_OUTBOX_LIST_MAX) {
			l->items[l->n].id = ids[i];
			l->items[l->n].payload = payloads[i];
			l->n++;
		} else
			free(payloads[i]); /* the outbox sends it in a minute */
	}
	return rc;
}

enum tick_err
tick_outbox_hold(struct tick_db *db, long long id)
{
	return run1(db, OB_HOLD, id);
}

static enum tick_err
run1(struct tick_db *db, enum outbox_stmt s, long long id)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[s]);
	tick_q_int(&q, id);
	rc = tick_q_exec(&q);
	tick_q_done(&q);
	return rc;
}

static enum tick_err record_row(struct tick_app *app, long long id,
    long long attempts, enum tick_err sent, const struct tick_wa_result *res);

/* Records the outcome of a send and tells the panel. */
static enum tick_err
record(struct tick_app *app, long long id, long long attempts,
    enum tick_err sent, const struct tick_wa_result *res)
{
	enum tick_err rc = record_row(app, id, attempts, sent, res);

	if (rc == TICK_OK)
		rc = tick_events_emit_for_message(app->db,
		    TICK_EV_MESSAGE_STATUS, id, NULL);
	return rc;
}

static enum tick_err
record_row(struct tick_app *app, long long id, long long attempts,
    enum tick_err sent, const struct tick_wa_result *res)
{
	long long max = tick_config_num(&app->cfg,
	    TICK_CFG_OUTBOX_MAX_ATTEMPTS);
	struct tick_q q;
	enum tick_err rc;

	if (sent == TICK_OK) {
		tick_q_init(&q, app->db, stmts[OB_SENT]);
		tick_q_str(&q, res->wamid, (size_t)-1);
		tick_q_str(&q,
		    tick_config_get(&app->cfg, TICK_CFG_WA_PHONE_NUMBER_ID),
		    (size_t)-1);
		tick_q_int(&q, id);
		if ((rc = tick_q_exec(&q)) == TICK_OK) {
			tick_q_done(&q);
			tick_q_init(&q, app->db, stmts[OB_CATCHUP]);
			tick_q_str(&q, res->wamid, (size_t)-1);
			tick_q_str(&q, res->wamid, (size_t)-1);
			rc = tick_q_exec(&q);
		}
		tick_q_done(&q);
		return rc;
	}
	tick_q_init(&q, app->db, stmts[OB_FAILED]);
	bind_opt_int(&q, res->error_code);
	tick_q_str(&q, res->error_title, (size_t)-1);
	tick_q_int(&q, res->retryable && attempts + 1 < max);
	tick_q_int(&q, tick_wa_backoff(attempts + 1));
	tick_q_int(&q, id);
	rc = tick_q_exec(&q);
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_outbox_deliver(struct tick_app *app, long long id, long long attempts,
    const char *payload, int defer, struct tick_wa_result *res)
{
	struct tick_wa_result local;
	enum tick_err sent;

	if (res == NULL)
		res = &local;
	memset(res, 0, sizeof(*res));
	if (defer) {
		enum tick_err rc = run1(app->db, OB_DEFER, id);

		snprintf(res->error_title, sizeof(res->error_title),
		    "left to the outbox after an earlier failure");
		res->retryable = 1;
		return rc == TICK_OK ? TICK_EUPSTREAM : rc;
	}
	sent = tick_wa_send(app->wa, payload, strlen(payload), res);
	if (record(app, id, attempts, sent, res) != TICK_OK)
		tick_log_err("%s: message %lld: could not record the outcome",
		    __func__, id);
	return sent;
}

void
tick_outbox_send_list(struct tick_app *app, struct tick_outbox_list *l,
    int *graph_down, int *sent, int *failed)
{
	for (size_t i = 0; i < l->n; i++) {
		if (tick_outbox_deliver(app, l->items[i].id, 0,
		        l->items[i].payload, *graph_down, NULL) == TICK_OK)
			(*sent)++;
		else {
			(*failed)++;
			*graph_down = 1;
		}
	}
	tick_outbox_list_clear(l);
}

enum tick_err
tick_outbox_send_one(struct tick_app *app, long long id)
{
	static char payload[TICK_MAX_OUTBOUND_PAYLOAD];
	long long attempts = 0;
	enum tick_err rc;
	struct tick_q q;
	int r;

	/* Claim with a lease so two senders never send the same row. */
	tick_q_init(&q, app->db, stmts[OB_CLAIM]);
	tick_q_int(&q, id);
	rc = tick_q_exec(&q);
	r = rc == TICK_OK && tick_q_affected(&q) == 1;
	tick_q_done(&q);
	if (rc != TICK_OK)
		return rc;
	if (!r)
		return TICK_ENOTFOUND;
	tick_q_init(&q, app->db, stmts[OB_PAYLOAD]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &attempts);
	tick_q_out_str(&q, payload, sizeof(payload));
	rc = tick_q_exec(&q);
	r = rc == TICK_OK ? tick_q_fetch(&q) : -1;
	tick_q_done(&q);
	if (r != 1 || payload[0] == '\0') {
		tick_log_err("%s: message %lld has no payload", __func__, id);
		return rc != TICK_OK ? rc : TICK_EINVAL;
	}
	return tick_outbox_deliver(app, id, attempts, payload, 0, NULL);
}

enum tick_err
tick_outbox_run(struct tick_app *app, struct tick_outbox_stats *st)
{
	long long batch = tick_config_num(&app->cfg, TICK_CFG_OUTBOX_BATCH);
	long long *ids, n = 0;
	enum tick_err rc;

	memset(st, 0, sizeof(*st));
	if ((rc = tick_db_ids(app->db, stmts[OB_DUE], batch, &ids, &n)) !=
	    TICK_OK)
		return rc;
	for (long long i = 0; rc == TICK_OK && i < n; i++) {
		enum tick_err sent = tick_outbox_send_one(app, ids[i]);

		if (sent == TICK_ENOTFOUND)
			continue; /* another run claimed it, or it was sent */
		st->picked++;
		if (sent == TICK_OK)
			st->sent++;
		else if (sent == TICK_EDB)
			rc = sent;
		else
			st->failed++;
	}
	free(ids);
	return rc;
}
