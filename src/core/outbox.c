#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "channel.h"
#include "db.h"
#include "bounds.h"
#include "log.h"
#include "events.h"
#include "net.h"
#include "outbox.h"
#include "valid.h"
#include "wa.h"
#include "wa_errors.h"

/* The most held rows one message releases of a ticket, and of a contact
 * (the LIMIT of OB_HELD and OB_HELD_CONTACT); the rest wait for the next. */
#define HELD_MAX 16

enum outbox_stmt {
	OB_ADD,
	OB_HELD,
	OB_HELD_CONTACT,
	OB_RELEASE,
	OB_STAFF_CONTACT,
	OB_HOLD,
	OB_INFLIGHT,
	OB_SENT,
	OB_FAILED,
	OB_DEFER,
	OB_CATCHUP,
	OB_ADOPT,
	OB_DUE,
	OB_CLAIM,
	OB_PAYLOAD,
	OB_BREAKER,
	OB_BREAKER_PROBE,
	OB_BREAKER_OK,
	OB_BREAKER_FAIL,
	OB_RETRY_NOW,
	OB_FAILURE,
	OB_LAST_OK,
	OB_LAST_ERROR,
	OB_DEPTH,
	OB_STMT__MAX
};

/* clang-format off */
static const char *const stmts[OB_STMT__MAX] = {
	/* Held rows have no next attempt: only the customer releases them. */
	/* A row queued for a send right after the commit is marked as
	 * under way here, in the same commit (see OB_INFLIGHT). */
	[OB_ADD] =
	    "INSERT INTO whatsapp_messages (direction, contact_id, ticket_id,"
	    " reply_id, type, body, payload, status, status_rank, next_attempt_at,"
	    " send_started_at, attempts, last_attempt_at)"
	    " VALUES ('out', ?, ?, ?, ?, ?, ?, IF(?, 'held', 'pending'), 1,"
	    " IF(?, NULL, " TICK_OUTBOX_LEASE_SQL "), IF(?, NOW(3), NULL), ?,"
	    " IF(?, NOW(3), NULL))",
	[OB_HELD] =
	    "SELECT id, payload FROM whatsapp_messages WHERE ticket_id = ?"
	    " AND status = 'held' ORDER BY id"
	    " LIMIT " TICK_OUTBOX_STR(HELD_MAX) " FOR UPDATE",
	/* A contact's held notices that belong to no ticket (staff). Not a
	 * locking read: that would lock every ticketless held row and the
	 * gaps between them; OB_RELEASE decides, row by row. */
	[OB_HELD_CONTACT] =
	    "SELECT id, payload FROM whatsapp_messages WHERE ticket_id IS NULL"
	    " AND status = 'held' AND contact_id = ? AND direction = 'out'"
	    " ORDER BY id LIMIT " TICK_OUTBOX_STR(HELD_MAX),
	[OB_RELEASE] =
	    "UPDATE whatsapp_messages SET status = 'pending',"
	    " next_attempt_at = " TICK_OUTBOX_LEASE_SQL
	    " WHERE id = ? AND status = 'held'",
	/* The contact of a number that may never have written to the desk
	 * (its window stays closed: no last_inbound_at). */
	[OB_STAFF_CONTACT] =
	    "INSERT INTO whatsapp_contacts (contact_key, wa_id) VALUES (?, ?)"
	    " ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
	[OB_HOLD] =
	    "UPDATE whatsapp_messages SET status = 'held', next_attempt_at = NULL"
	    " WHERE id = ?",
	/* Before the call: should its answer or the write after it be lost,
	 * the row still says a send may have gone out, and counts it. */
	[OB_INFLIGHT] =
	    "UPDATE whatsapp_messages SET send_started_at = NOW(3),"
	    " attempts = attempts + 1, last_attempt_at = NOW(3) WHERE id = ?",
	/* A read mark is answered without a message id: wamid stays NULL. */
	[OB_SENT] =
	    "UPDATE whatsapp_messages SET wamid = NULLIF(?, ''), phone_number_id = ?,"
	    " status = IF(status_rank < 2, 'accepted', status),"
	    " status_rank = GREATEST(status_rank, 2),"
	    " error_code = NULL, error_title = NULL, send_started_at = NULL,"
	    " next_attempt_at = NULL, last_attempt_at = NOW(3) WHERE id = ?",
	/* next_attempt_at NULL: nothing more will be tried. Without an answer
	 * the send may have gone out: send_started_at stays for the grace. */
	[OB_FAILED] =
	    "UPDATE whatsapp_messages SET status = 'failed', error_code = ?,"
	    " error_title = ?, last_attempt_at = NOW(3),"
	    " send_started_at = IF(?, send_started_at, NULL),"
	    " next_attempt_at = IF(?, NOW(3) + INTERVAL ? SECOND, NULL) WHERE id = ?",
	/* Not tried after all: a mark made when it was queued goes. */
	[OB_DEFER] =
	    "UPDATE whatsapp_messages SET next_attempt_at = NOW(3),"
	    " send_started_at = IF(?, NULL, send_started_at),"
	    " attempts = attempts - ? WHERE id = ?",
	/* A status callback can beat the Graph API's answer to us. */
	[OB_CATCHUP] =
	    "UPDATE whatsapp_messages m JOIN (SELECT status, status_rank, error_code,"
	    " error_title FROM whatsapp_statuses WHERE wamid = ?"
	    " ORDER BY status_rank DESC LIMIT 1) s"
	    " SET m.status = s.status, m.status_rank = s.status_rank,"
	    " m.error_code = s.error_code, m.error_title = s.error_title"
	    " WHERE m.wamid = ? AND m.status_rank < s.status_rank",
	/* IGNORE: a wamid some other row holds adopts nothing, for good. */
	[OB_ADOPT] =
	    "UPDATE IGNORE whatsapp_messages SET wamid = ?,"
	    " phone_number_id = COALESCE(phone_number_id, ?),"
	    " status = IF(status_rank < 2, 'accepted', status),"
	    " status_rank = GREATEST(status_rank, 2), error_code = NULL,"
	    " error_title = NULL, send_started_at = NULL, next_attempt_at = NULL"
	    " WHERE id = ? AND direction = 'out' AND wamid IS NULL"
	    " AND status <> 'held'",
	/* A send that may have gone out waits OUTBOX_SEND_GRACE_S for its
	 * status before it goes again. */
	[OB_DUE] =
	    "SELECT id FROM whatsapp_messages WHERE next_attempt_at <= NOW(3)"
	    " AND direction = 'out' AND (send_started_at IS NULL"
	    " OR send_started_at <= NOW(3) - INTERVAL ? SECOND)"
	    " ORDER BY next_attempt_at LIMIT ?",
	/* Claim with a lease so two outbox runs never send the same row. */
	[OB_CLAIM] =
	    "UPDATE whatsapp_messages SET next_attempt_at = " TICK_OUTBOX_LEASE_SQL
	    " WHERE id = ? AND next_attempt_at <= NOW(3) AND (send_started_at IS"
	    " NULL OR send_started_at <= NOW(3) - INTERVAL ? SECOND)",
	[OB_PAYLOAD] =
	    "SELECT attempts, payload FROM whatsapp_messages WHERE id = ?",
	[OB_BREAKER] =
	    "SELECT failures >= ?, COALESCE(open_until > NOW(3), 0)"
	    " FROM outbound_breakers WHERE name = ?",
	/* Half-open: the one caller whose update wins tries again; the
	 * others keep waiting while it does. */
	[OB_BREAKER_PROBE] =
	    "UPDATE outbound_breakers SET open_until = NOW(3) + INTERVAL ? SECOND"
	    " WHERE name = ? AND failures >= ?"
	    " AND (open_until IS NULL OR open_until <= NOW(3))",
	[OB_BREAKER_OK] =
	    "UPDATE outbound_breakers SET failures = 0, open_until = NULL"
	    " WHERE name = ? AND failures > 0",
	/* open_until first: it reads failures before the count moves. */
	[OB_BREAKER_FAIL] =
	    "INSERT INTO outbound_breakers (name, failures, open_until)"
	    " VALUES (?, 1, IF(? <= 1, NOW(3) + INTERVAL ? SECOND, NULL))"
	    " ON DUPLICATE KEY UPDATE"
	    " open_until = IF(failures + 1 >= ?, NOW(3) + INTERVAL ? SECOND,"
	    " open_until), failures = failures + 1",
	/* A failed outbound of this ticket, due now (an agent decides). */
	[OB_RETRY_NOW] =
	    "UPDATE whatsapp_messages SET next_attempt_at = NOW(3) - INTERVAL 1 SECOND"
	    " WHERE id = ? AND ticket_id = ? AND direction = 'out'"
	    " AND status = 'failed' AND payload IS NOT NULL",
	[OB_FAILURE] =
	    "SELECT id, COALESCE(error_code, 0) FROM whatsapp_messages"
	    " WHERE id = ? AND ticket_id = ? AND direction = 'out'"
	    " AND status = 'failed'",
	[OB_LAST_OK] =
	    "SELECT DATE_FORMAT(MAX(last_attempt_at), '%Y-%m-%dT%H:%i:%s.%fZ')"
	    " FROM whatsapp_messages WHERE direction = 'out' AND wamid IS NOT NULL",
	[OB_LAST_ERROR] =
	    "SELECT error_code, error_title,"
	    " DATE_FORMAT(last_attempt_at, '%Y-%m-%dT%H:%i:%s.%fZ')"
	    " FROM whatsapp_messages WHERE direction = 'out' AND status = 'failed'"
	    " ORDER BY last_attempt_at DESC LIMIT 1",
	/* The metrics: rows still to send (due or not yet), and how long the
	 * oldest due one has waited. */
	[OB_DEPTH] =
	    "SELECT COUNT(*), COALESCE(TIMESTAMPDIFF(MICROSECOND,"
	    " MIN(IF(next_attempt_at <= NOW(3), next_attempt_at, NULL)), NOW(3)), 0)"
	    " FROM whatsapp_messages"
	    " WHERE next_attempt_at IS NOT NULL AND direction = 'out'",
};
/* clang-format on */

/* The breakers' names, one row each in outbound_breakers. */
static const char *const host_names[TICK_OUTBOX_HOST__MAX] = {
	[TICK_OUTBOX_HOST_GRAPH] = "graph",
	[TICK_OUTBOX_HOST_MEDIA] = "media",
	[TICK_OUTBOX_HOST_CLOUDINARY] = "cloudinary",
};

static enum tick_err run1(struct tick_db *db, enum outbox_stmt s, long long id);

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
	tick_q_opt_int(&q, contact_id);
	tick_q_opt_int(&q, ticket_id);
	tick_q_opt_int(&q, reply_id);
	tick_q_str(&q, type, (size_t)-1);
	tick_q_str(&q, body, (size_t)-1);
	tick_q_str(&q, payload, (size_t)-1);
	tick_q_int(&q, held ? 1 : 0);
	tick_q_int(&q, held ? 1 : 0);
	/* Queued for the send after the commit: marked now (one commit
	 * less than marking it before the call). */
	tick_q_int(&q, copy != NULL);
	tick_q_int(&q, copy != NULL);
	tick_q_int(&q, copy != NULL);
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	if (rc == TICK_OK && copy != NULL) {
		l->items[l->n].id = *id;
		l->items[l->n].payload = copy;
		l->items[l->n].marked = 1;
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
tick_outbox_add_interactive(struct tick_db *db, long long ticket_id,
    long long contact_id, const char *payload, const char *body, long long *id,
    struct tick_outbox_list *l)
{
	return tick_outbox_add(db, ticket_id, contact_id, 0, "interactive",
	    body, payload, 0, id, l);
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

/* Adds the held rows of statement s (bound to key) to ids and payloads
 * (new strings) until *n reaches max; *n counts them. */
static enum tick_err
held_rows(struct tick_db *db, enum outbox_stmt s, long long key, long long *ids,
    char **payloads, size_t max, size_t *n)
{
	static char payload[TICK_MAX_OUTBOUND_PAYLOAD];
	long long id = 0;
	enum tick_err rc;
	struct tick_q q;
	int r;

	tick_q_init(&q, db, stmts[s]);
	tick_q_int(&q, key);
	tick_q_out_int(&q, &id);
	tick_q_out_str(&q, payload, sizeof(payload));
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && *n < max && (r = tick_q_fetch(&q)) != 0) {
		if (r < 0 || (payloads[*n] = strdup(payload)) == NULL) {
			rc = r < 0 ? TICK_EDB : TICK_ENOMEM;
			break;
		}
		ids[(*n)++] = id;
	}
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_outbox_release_held(struct tick_db *db, long long ticket_id,
    long long contact_id, struct tick_outbox_list *l)
{
	long long ids[2 * HELD_MAX];
	char *payloads[2 * HELD_MAX];
	size_t n = 0;
	enum tick_err rc = TICK_OK;
	struct tick_q q;

	if (ticket_id > 0)
		rc = held_rows(db, OB_HELD, ticket_id, ids, payloads, HELD_MAX,
		    &n);
	if (rc == TICK_OK && contact_id > 0)
		rc = held_rows(db, OB_HELD_CONTACT, contact_id, ids, payloads,
		    n + HELD_MAX, &n);
	for (size_t i = 0; i < n; i++) {
		int moved = 0;

		/* Only the release that moves the row sends it: a row another
		 * request released already is not sent twice. */
		if (rc == TICK_OK) {
			tick_q_init(&q, db, stmts[OB_RELEASE]);
			tick_q_int(&q, ids[i]);
			if ((rc = tick_q_exec(&q)) == TICK_OK)
				moved = tick_q_affected(&q) == 1;
			tick_q_done(&q);
		}
		if (rc == TICK_OK && moved && l->n < TICK_OUTBOX_LIST_MAX) {
			l->items[l->n].id = ids[i];
			l->items[l->n].payload = payloads[i];
			l->items[l->n].marked = 0;
			l->n++;
		} else
			free(payloads[i]); /* the outbox sends it in a minute */
	}
	return rc;
}

enum tick_err
tick_outbox_hold_for_contact(struct tick_app *app, long long contact_id,
    const char *to, const char *text, long long *id, long long *tpl_id,
    struct tick_outbox_list *l)
{
	char digits[16], *payload = NULL;
	enum tick_err rc;
	struct tick_q q;

	*id = *tpl_id = 0;
	/* The number's contact, so that its first message finds the text. */
	if (contact_id <= 0 && tick_valid_phone(to, digits) == TICK_OK) {
		tick_q_init(&q, app->db, stmts[OB_STAFF_CONTACT]);
		tick_q_str(&q, digits, (size_t)-1);
		tick_q_str(&q, digits, (size_t)-1);
		if ((rc = tick_q_exec(&q)) == TICK_OK)
			contact_id = (long long)tick_q_insert_id(&q);
		tick_q_done(&q);
		if (rc != TICK_OK)
			return rc;
	}
	if (contact_id <= 0)
		tick_log_warn("%s: no phone number: the held text waits for "
		              "no one",
		    __func__);
	if ((payload = tick_wa_text_payload(to, text)) == NULL)
		return TICK_ENOMEM;
	rc = tick_outbox_add(app->db, 0, contact_id, 0, "text", text, payload,
	    1, id, NULL);
	free(payload);
	if (rc == TICK_OK)
		rc = tick_outbox_add_template(app, 0, contact_id, to, tpl_id,
		    l);
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
	tick_q_opt_int(&q, res->error_code);
	tick_q_str(&q, res->error_title, (size_t)-1);
	/* No answer: Meta may have taken it all the same. */
	tick_q_int(&q,
	    tick_outbox_host_failed(sent, res->http_status) == 1 &&
	        res->http_status == 0);
	tick_q_int(&q, res->retryable && attempts + 1 < max);
	/* Some refusals set their own pace (131049: hours, not minutes). */
	tick_q_int(&q,
	    tick_wa_error_delay(res->error_code, attempts + 1) > 0 ?
	        tick_wa_error_delay(res->error_code, attempts + 1) :
	        tick_wa_backoff(attempts + 1));
	tick_q_int(&q, id);
	rc = tick_q_exec(&q);
	tick_q_done(&q);
	return rc;
}

/* The payload with the row's id as biz_opaque_callback_data, which Meta
 * echoes in the message's status webhooks. A new string, or NULL. */
static char *
with_opaque(const char *payload, long long id)
{
	char opaque[24];
	json_t *root;
	char *s = NULL;

	snprintf(opaque, sizeof(opaque), "%lld", id);
	if ((root = json_loads(payload, 0, NULL)) == NULL ||
	    !json_is_object(root))
		goto out;
	/* A read mark has no status webhook to echo it: sent as it is. */
	if (json_object_get(root, "status") != NULL) {
		s = json_dumps(root, JSON_COMPACT);
		goto out;
	}
	if (json_object_set_new(root, "biz_opaque_callback_data",
	        json_string(opaque)) != 0)
		goto out;
	s = json_dumps(root, JSON_COMPACT);
out:
	json_decref(root);
	return s;
}

/* Leaves row id to the outbox at once, saying why in res. */
static enum tick_err
defer_row(struct tick_app *app, long long id, int marked, const char *why,
    struct tick_wa_result *res)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, app->db, stmts[OB_DEFER]);
	tick_q_int(&q, marked ? 1 : 0);
	tick_q_int(&q, marked ? 1 : 0);
	tick_q_int(&q, id);
	rc = tick_q_run(&q);

	snprintf(res->error_title, sizeof(res->error_title),
	    "left to the outbox %s", why);
	res->retryable = 1;
	return rc == TICK_OK ? TICK_EUPSTREAM : rc;
}

/* Puts what an agent can do first in a failure's title (the column's 255
 * characters at most), Meta's own words after it. */
static void
explain(struct tick_wa_result *res)
{
	const char *advice = tick_wa_error_advice(res->error_code);
	char full[sizeof(res->error_title) + 512];
	int n;

	if (advice == NULL)
		return;
	n = snprintf(full, sizeof(full), "%s (Meta: %s)", advice,
	    res->error_title[0] ? res->error_title : "no message");
	if (n < 0)
		return;
	/* Cut on a character boundary: the title came from Meta. */
	if (tick_valid_utf8(full, strlen(full)))
		(void)tick_valid_utf8_cut(full, strlen(full), 255,
		    res->error_title, sizeof(res->error_title));
}

/* Sends row id, whose gate has been passed; marked: the transaction that
 * queued it marked it as under way already. */
static enum tick_err
send_row(struct tick_app *app, long long id, long long attempts, int marked,
    const char *payload, struct tick_wa_result *res)
{
	enum tick_err sent, rc;
	char *body;

	if ((body = with_opaque(payload, id)) == NULL) {
		tick_outbox_gate_record(app, TICK_OUTBOX_HOST_GRAPH, -1);
		return TICK_ENOMEM;
	}
	/* Recorded first: a send whose outcome is lost is then recognised
	 * by its status webhook instead of being sent again. */
	if (!marked && (rc = run1(app->db, OB_INFLIGHT, id)) != TICK_OK) {
		tick_outbox_gate_record(app, TICK_OUTBOX_HOST_GRAPH, -1);
		free(body);
		return rc;
	}
	sent = tick_wa_send(app->wa, body, strlen(body), res);
	free(body);
	if (sent != TICK_OK)
		explain(res);
	tick_outbox_gate_record(app, TICK_OUTBOX_HOST_GRAPH,
	    tick_outbox_host_failed(sent, res->http_status));
	if (record(app, id, attempts, sent, res) != TICK_OK)
		tick_log_err("%s: message %lld: could not record the outcome;"
		             " its status webhook will",
		    __func__, id);
	/* A rejected token or a locked account is the channel's, not the
	 * message's: recorded and told once; a success clears it. */
	tick_channel_after_send(app->db, sent, res);
	return sent;
}

enum tick_err
tick_outbox_deliver(struct tick_app *app, long long id, long long attempts,
    int marked, const char *payload, int defer, struct tick_wa_result *res)
{
	struct tick_wa_result local;

	if (res == NULL)
		res = &local;
	memset(res, 0, sizeof(*res));
	if (defer)
		return defer_row(app, id, marked, "after an earlier failure",
		    res);
	if (!tick_outbox_gate(app, TICK_OUTBOX_HOST_GRAPH))
		return defer_row(app, id, marked,
		    tick_net_budget_left() == 0 ?
		        "when the request's time for the Graph API ran out" :
		        "while the Graph API is failing (breaker open)",
		    res);
	return send_row(app, id, attempts, marked, payload, res);
}

void
tick_outbox_send_list(struct tick_app *app, struct tick_outbox_list *l,
    int *graph_down, int *sent, int *failed)
{
	for (size_t i = 0; i < l->n; i++) {
		if (tick_outbox_deliver(app, l->items[i].id, 0,
		        l->items[i].marked, l->items[i].payload, *graph_down,
		        NULL) == TICK_OK)
			(*sent)++;
		else {
			(*failed)++;
			*graph_down = 1;
		}
	}
	tick_outbox_list_clear(l);
}

/* Claims, loads and sends due row id; *shut when the gate kept it (the row
 * is left as it was). */
static enum tick_err
claim_and_send(struct tick_app *app, long long id, int *shut)
{
	static char payload[TICK_MAX_OUTBOUND_PAYLOAD];
	struct tick_wa_result res;
	long long attempts = 0;
	enum tick_err rc;
	struct tick_q q;
	int r;

	*shut = 0;
	memset(&res, 0, sizeof(res));
	if (!tick_outbox_gate(app, TICK_OUTBOX_HOST_GRAPH)) {
		*shut = 1;
		return TICK_EUPSTREAM;
	}
	/* Claim with a lease so two senders never send the same row. */
	tick_q_init(&q, app->db, stmts[OB_CLAIM]);
	tick_q_int(&q, id);
	tick_q_int(&q, tick_config_num(&app->cfg, TICK_CFG_SEND_GRACE_S));
	rc = tick_q_exec(&q);
	r = rc == TICK_OK && tick_q_affected(&q) == 1;
	tick_q_done(&q);
	if (rc == TICK_OK && r) {
		tick_q_init(&q, app->db, stmts[OB_PAYLOAD]);
		tick_q_int(&q, id);
		tick_q_out_int(&q, &attempts);
		tick_q_out_str(&q, payload, sizeof(payload));
		rc = tick_q_exec(&q);
		r = rc == TICK_OK ? tick_q_fetch(&q) : -1;
		tick_q_done(&q);
		if (r == 1 && payload[0] != '\0')
			return send_row(app, id, attempts, 0, payload, &res);
		tick_log_err("%s: message %lld has no payload", __func__, id);
		if (rc == TICK_OK)
			rc = TICK_EINVAL;
	} else if (rc == TICK_OK)
		rc = TICK_ENOTFOUND;
	/* The gate was passed for nothing. */
	tick_outbox_gate_record(app, TICK_OUTBOX_HOST_GRAPH, -1);
	return rc;
}

enum tick_err
tick_outbox_send_one(struct tick_app *app, long long id)
{
	int shut;

	return claim_and_send(app, id, &shut);
}

enum tick_err
tick_outbox_run(struct tick_app *app, struct tick_outbox_stats *st)
{
	long long batch = tick_config_num(&app->cfg, TICK_CFG_OUTBOX_BATCH);
	long long *ids = NULL, n = 0, id = 0;
	enum tick_err rc;
	struct tick_q q;
	int r, shut = 0;

	memset(st, 0, sizeof(*st));
	if ((ids = calloc((size_t)batch, sizeof(*ids))) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, app->db, stmts[OB_DUE]);
	tick_q_int(&q, tick_config_num(&app->cfg, TICK_CFG_SEND_GRACE_S));
	tick_q_int(&q, batch);
	tick_q_out_int(&q, &id);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && n < batch && (r = tick_q_fetch(&q)) != 0) {
		if (r < 0)
			rc = TICK_EDB;
		else
			ids[n++] = id;
	}
	tick_q_done(&q);
	for (long long i = 0; rc == TICK_OK && !shut && i < n; i++) {
		enum tick_err sent = claim_and_send(app, ids[i], &shut);

		if (shut || sent == TICK_ENOTFOUND)
			continue; /* another run claimed it, or it was sent */
		st->picked++;
		if (sent == TICK_OK)
			st->sent++;
		else if (sent == TICK_EDB)
			rc = sent;
		else
			st->failed++;
	}
	/* A breaker open: the rest stay due for a later run. */
	if (shut)
		tick_log_warn("%s: Graph API breaker open: %lld left due",
		    __func__, n - st->picked);
	free(ids);
	return rc;
}

enum tick_err
tick_outbox_adopt(struct tick_db *db, const char *opaque, const char *wamid,
    const char *phone_number_id, int *adopted)
{
	long long id = 0;
	enum tick_err rc;
	struct tick_q q;

	*adopted = 0;
	/* Only tick's own: a row id in digits. */
	if (opaque == NULL || wamid == NULL ||
	    tick_valid_num(opaque, strlen(opaque), 1, 1LL << 62, &id) !=
	        TICK_OK)
		return TICK_OK;
	tick_q_init(&q, db, stmts[OB_ADOPT]);
	tick_q_str(&q, wamid, (size_t)-1);
	tick_q_str(&q, phone_number_id, (size_t)-1);
	tick_q_int(&q, id);
	rc = tick_q_exec(&q);
	*adopted = rc == TICK_OK && tick_q_affected(&q) == 1;
	tick_q_done(&q);
	if (rc != TICK_OK || !*adopted)
		return rc;
	tick_log_info("%s: message %lld: its status brought wamid %s", __func__,
	    id, wamid);
	tick_q_init(&q, db, stmts[OB_CATCHUP]);
	tick_q_str(&q, wamid, (size_t)-1);
	tick_q_str(&q, wamid, (size_t)-1);
	rc = tick_q_exec(&q);
	tick_q_done(&q);
	if (rc == TICK_OK)
		rc = tick_events_emit_for_message(db, TICK_EV_MESSAGE_STATUS,
		    id, NULL);
	return rc;
}

int
tick_outbox_host_failed(enum tick_err rc, int http_status)
{
	if (rc == TICK_OK)
		return 0;
	if (rc == TICK_ETIMEOUT)
		return 1;
	if (rc != TICK_EUPSTREAM)
		return -1;
	return http_status == 0 || http_status >= 500 ? 1 : 0;
}

int
tick_outbox_gate(struct tick_app *app, enum tick_outbox_host host)
{
	long long need = tick_config_num(&app->cfg, TICK_CFG_BREAKER_FAILURES);
	long long tripped = 0, open = 0;
	enum tick_err rc;
	struct tick_q q;
	int r;

	if (tick_net_budget_left() == 0)
		return 0;
	tick_q_init(&q, app->db, stmts[OB_BREAKER]);
	tick_q_int(&q, need);
	tick_q_str(&q, host_names[host], (size_t)-1);
	tick_q_out_int(&q, &tripped);
	tick_q_out_int(&q, &open);
	rc = tick_q_exec(&q);
	r = rc == TICK_OK ? tick_q_fetch(&q) : -1;
	tick_q_done(&q);
	if (r != 1 || !tripped)
		return 1;
	if (open)
		return 0;
	tick_q_init(&q, app->db, stmts[OB_BREAKER_PROBE]);
	tick_q_int(&q, tick_config_num(&app->cfg, TICK_CFG_BREAKER_COOLDOWN_S));
	tick_q_str(&q, host_names[host], (size_t)-1);
	tick_q_int(&q, need);
	rc = tick_q_exec(&q);
	r = rc == TICK_OK && tick_q_affected(&q) == 1;
	tick_q_done(&q);
	if (r)
		tick_log_info("%s: %s: trying again after the cooldown",
		    __func__, host_names[host]);
	return r;
}

void
tick_outbox_gate_record(struct tick_app *app, enum tick_outbox_host host,
    int outcome)
{
	long long need = tick_config_num(&app->cfg, TICK_CFG_BREAKER_FAILURES);
	long long cool = tick_config_num(&app->cfg,
	    TICK_CFG_BREAKER_COOLDOWN_S);
	struct tick_q q;

	if (outcome < 0)
		return;
	if (outcome == 0) {
		tick_q_init(&q, app->db, stmts[OB_BREAKER_OK]);
		tick_q_str(&q, host_names[host], (size_t)-1);
	} else {
		tick_q_init(&q, app->db, stmts[OB_BREAKER_FAIL]);
		tick_q_str(&q, host_names[host], (size_t)-1);
		tick_q_int(&q, need);
		tick_q_int(&q, cool);
		tick_q_int(&q, need);
		tick_q_int(&q, cool);
	}
	if (tick_q_run(&q) != TICK_OK)
		tick_log_warn("%s: %s: could not record the outcome", __func__,
		    host_names[host]);
}

enum tick_err
tick_outbox_failure(struct tick_db *db, long long id, long long ticket_id,
    int *failed, long long *code)
{
	long long found = 0;
	struct tick_q q;
	enum tick_err rc;

	*failed = 0;
	*code = 0;
	tick_q_init(&q, db, stmts[OB_FAILURE]);
	tick_q_int(&q, id);
	tick_q_int(&q, ticket_id);
	tick_q_out_int(&q, &found);
	tick_q_out_int(&q, code);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		found = 0;
	tick_q_done(&q);
	*failed = rc == TICK_OK && found != 0;
	if (!*failed)
		*code = 0;
	return rc;
}

enum tick_err
tick_outbox_retry_now(struct tick_db *db, long long id, long long ticket_id,
    int *due)
{
	struct tick_q q;
	enum tick_err rc;
	long long n;

	tick_q_init(&q, db, stmts[OB_RETRY_NOW]);
	tick_q_int(&q, id);
	tick_q_int(&q, ticket_id);
	rc = tick_q_count(&q, &n);
	*due = n == 1;
	return rc;
}

enum tick_err
tick_outbox_last(struct tick_db *db, json_t **last_ok, json_t **last_error)
{
	char ok[40] = "", title[TICK_COL_BUF(255)] = "", when[40] = "";
	long long code = 0;
	enum tick_err rc;
	struct tick_q q;
	int none = 1;

	*last_ok = NULL;
	*last_error = NULL;
	tick_q_init(&q, db, stmts[OB_LAST_OK]);
	tick_q_out_str(&q, ok, sizeof(ok));
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	if (rc == TICK_OK)
		none = tick_q_isnull(&q, 0);
	tick_q_done(&q);
	if (rc != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[OB_LAST_ERROR]);
	tick_q_out_int(&q, &code);
	tick_q_out_str(&q, title, sizeof(title));
	tick_q_out_str(&q, when, sizeof(when));
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) == 1)
		*last_error = json_pack("{s:o, s:s, s:s}", "code",
		    tick_q_isnull(&q, 0) ? json_null() :
		                           json_integer((json_int_t)code),
		    "title", title, "at", when);
	tick_q_done(&q);
	if (rc != TICK_OK) {
		json_decref(*last_error);
		*last_error = NULL;
		return rc;
	}
	*last_ok = none ? json_null() : json_string(ok);
	if (*last_error == NULL)
		*last_error = json_null();
	return TICK_OK;
}

enum tick_err
tick_outbox_depth(struct tick_db *db, long long *depth, long long *oldest_us)
{
	struct tick_q q;

	*depth = *oldest_us = 0;
	tick_q_init(&q, db, stmts[OB_DEPTH]);
	tick_q_out_int(&q, depth);
	tick_q_out_int(&q, oldest_us);
	return tick_q_one(&q);
}

enum tick_err
tick_outbox_reopen(struct tick_app *app, long long ticket_id,
    long long contact_id, const char *to, const long long *ids, size_t n,
    long long *tpl_id, int *tpl_failed)
{
	struct tick_outbox_list l = { .n = 0 };
	struct tick_db *db = app->db;
	int down = 0, sent = 0, failed = 0;
	enum tick_err rc;

	*tpl_id = 0;
	*tpl_failed = 0;
	if ((rc = tick_db_begin(db)) != TICK_OK)
		return rc;
	for (size_t i = 0; rc == TICK_OK && i < n; i++)
		if (ids[i] > 0)
			rc = tick_outbox_hold(db, ids[i]);
	if (rc == TICK_OK)
		rc = tick_outbox_add_template(app, ticket_id, contact_id, to,
		    tpl_id, &l);
	if (rc != TICK_OK || (rc = tick_db_commit(db)) != TICK_OK) {
		tick_db_rollback(db);
		tick_outbox_list_clear(&l);
		*tpl_id = 0;
		return rc;
	}
	tick_outbox_send_list(app, &l, &down, &sent, &failed);
	*tpl_failed = failed > 0;
	return TICK_OK;
}
