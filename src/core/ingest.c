#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "app.h"
#include "assign.h"
#include "chan_events.h"
#include "channel.h"
#include "consent_flow.h"
#include "db.h"
#include "events.h"
#include "identity.h"
#include "identities.h"
#include "ingest.h"
#include "sla.h"
#include "sla_policies.h"
#include "clock.h"
#include "contacts.h"
#include "csat_flow.h"
#include "intake_flow.h"
#include "media.h"
#include "moderation.h"
#include "bounds.h"
#include "log.h"
#include "metrics.h"
#include "net.h"
#include "outbox.h"
#include "richmsgs.h"
#include "texts.h"
#include "wa_template_rules.h"
#include "tickets.h"
#include "valid.h"
#include "wa.h"
#include "wa_templates.h"

enum ingest_stmt {
	IN_EVENT,
	IN_EVENT_DONE,
	IN_EVENT_PRUNE,
	IN_CONTACT,
	IN_CONTACT_BY_WA,
	IN_CONTACT_BY_USER,
	IN_CONTACT_UPDATE,
	IN_MESSAGE,
	IN_LINK,
	IN_STATUS,
	IN_STATUS_APPLY,
	IN_STATUS_PRICING,
	IN_EVENT_LAST,
	IN_STMT__MAX
};

static const char *const stmts[IN_STMT__MAX] = {
	[IN_EVENT] =
	    "INSERT INTO webhook_events (remote_addr, signature_checked, body)"
	    " VALUES (?, ?, ?)",
	[IN_EVENT_DONE] =
	    "UPDATE webhook_events SET state = ?, messages = ?, statuses = ?,"
	    " failed = ?, ignored = ?, error = ?, processed_at = NOW(3)"
	    " WHERE id = ?",
	/* Oldest first, a batch at a time, along idx_events_received. */
	[IN_EVENT_PRUNE] =
	    "DELETE FROM webhook_events"
	    " WHERE received_at < NOW(3) - INTERVAL ? DAY ORDER BY received_at LIMIT ?",
	/* The newest delivery's time, along idx_events_received (issue 19). */
	[IN_EVENT_LAST] =
	    "SELECT DATE_FORMAT(MAX(received_at), '%Y-%m-%dT%H:%i:%s.%fZ')"
	    " FROM webhook_events",
	/* LAST_INSERT_ID(id) makes the insert id the row's id either way. */
	[IN_CONTACT] =
	    "INSERT INTO whatsapp_contacts (contact_key, wa_id, user_id,"
	    " parent_user_id, profile_name, username, last_inbound_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, NOW(3)) ON DUPLICATE KEY UPDATE"
	    " id = LAST_INSERT_ID(id), wa_id = COALESCE(VALUES(wa_id), wa_id),"
	    " user_id = COALESCE(VALUES(user_id), user_id),"
	    " profile_name = COALESCE(VALUES(profile_name), profile_name),"
	    " username = COALESCE(VALUES(username), username),"
	    " last_inbound_at = NOW(3)",
	/* A contact by either key (identity.h), locked for the decision. */
	[IN_CONTACT_BY_WA] =
	    "SELECT id, COALESCE(wa_id, ''), COALESCE(user_id, ''),"
	    " first_inbound_at IS NOT NULL"
	    " FROM whatsapp_contacts WHERE wa_id = ? ORDER BY id LIMIT 1"
	    " FOR UPDATE",
	[IN_CONTACT_BY_USER] =
	    "SELECT id, COALESCE(wa_id, ''), COALESCE(user_id, ''),"
	    " first_inbound_at IS NOT NULL"
	    " FROM whatsapp_contacts WHERE user_id = ? ORDER BY id LIMIT 1"
	    " FOR UPDATE",
	[IN_CONTACT_UPDATE] =
	    "UPDATE whatsapp_contacts SET wa_id = COALESCE(?, wa_id),"
	    " user_id = COALESCE(?, user_id),"
	    " parent_user_id = COALESCE(?, parent_user_id),"
	    " profile_name = COALESCE(?, profile_name),"
	    " username = COALESCE(?, username),"
	    " last_inbound_at = IF(?, NOW(3), last_inbound_at) WHERE id = ?",
	/* An echo (coexistence) is the business's own message: outbound and
	 * sent already. */
	[IN_MESSAGE] =
	    "INSERT IGNORE INTO whatsapp_messages (direction, wamid, phone_number_id,"
	    " contact_id, ticket_id, event_id, type, body, payload, ignored, status,"
	    " status_rank, wa_timestamp, context_wamid, forwarded, reply_kind,"
	    " reply_ref, reply_title, flow_response, echo, imported)"
	    " VALUES (IF(?, 'out', 'in'), ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " IF(?, 'sent', 'received'), IF(?, 3, 0),"
	    " IF(? > 0, FROM_UNIXTIME(?), NULL), ?, ?, ?, ?, ?, ?, ?, ?)",
	[IN_LINK] =
	    "UPDATE whatsapp_messages SET ticket_id = ?, reply_id = ? WHERE id = ?",
	[IN_STATUS] =
	    "INSERT IGNORE INTO whatsapp_statuses (wamid, status, status_rank,"
	    " recipient_id, error_code, error_title, wa_timestamp, event_id,"
	    " pricing_category, pricing_model, pricing_type, billable)"
	    " VALUES (?, ?, ?, ?, ?, ?, IF(? > 0, FROM_UNIXTIME(?), NULL), ?,"
	    " ?, ?, ?, ?)",
	/* The pricing a status carries is the message's, whatever order
	 * the statuses come in: billable once any status said so. */
	[IN_STATUS_PRICING] =
	    "UPDATE whatsapp_messages SET"
	    " pricing_category = COALESCE(?, pricing_category),"
	    " billable = GREATEST(COALESCE(billable, 0), ?)"
	    " WHERE wamid = ? AND direction = 'out'",
	/* A status only ever moves forward: a late delivered never undoes read. */
	[IN_STATUS_APPLY] =
	    "UPDATE whatsapp_messages SET status = ?, status_rank = ?,"
	    " error_code = IF(? = 'failed', ?, error_code),"
	    " error_title = IF(? = 'failed', ?, error_title)"
	    " WHERE wamid = ? AND direction = 'out' AND status_rank < ?",
};

/*
 * "status TKT-000042", "estado TKT-000042" or the bare reference: the
 * customer asks where a ticket stands. Copies the reference (upper-cased)
 * into ref. No I/O.
 */
int
tick_ingest_status_query(const char *text, const char *prefix, char *ref,
    size_t refsz)
{
	static const char *const words[] = { "status", "estado", "state",
		NULL };
	size_t plen = strlen(prefix), n = 0;
	const char *p = text;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	for (const char *const *w = words; *w; w++)
		if (strncasecmp(p, *w, strlen(*w)) == 0 &&
		    (p[strlen(*w)] == ' ' || p[strlen(*w)] == ':')) {
			p += strlen(*w) + 1;
			while (*p == ' ' || *p == ':')
				p++;
			break;
		}
	if (strncasecmp(p, prefix, plen) != 0 || p[plen] != '-')
		return 0;
	if (plen + 1 >= refsz)
		return 0;
	for (size_t i = 0; i < plen; i++)
		ref[n++] = (char)toupper((unsigned char)p[i]);
	ref[n++] = '-';
	p += plen + 1;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9') {
		if (n + 1 >= refsz || n > plen + 12)
			return 0;
		ref[n++] = *p++;
	}
	ref[n] = '\0';
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '?' || *p == '.')
		p++;
	return *p == '\0';
}

/* Answers a status query inside the transaction: the ticket must be the
 * customer's own. Links the inbound message to it. */
static enum tick_err
answer_status(struct tick_app *app, const struct tick_wa_msg *m,
    const char *mobile, long long contact_id, long long msg_id, const char *ref,
    struct tick_outbox_list *l)
{
	struct tick_text_vars v = { ref, NULL, NULL, NULL };
	struct tick_db *db = app->db;
	char text[TICK_MAX_WA_TEXT + 1], status[16];
	long long tid = 0, out_id;
	enum tick_err rc;
	struct tick_q q;

	rc = tick_ticket_find_by_ref_for(db, ref, mobile, contact_id, &tid,
	    status, sizeof(status));
	if (rc != TICK_OK && rc != TICK_ENOTFOUND)
		return rc;
	v.status = tick_text_status_label(status);
	if (tick_text_render(&app->cfg,
	        rc == TICK_OK ? TICK_TEXT_STATUS_REPLY :
	                        TICK_TEXT_STATUS_UNKNOWN,
	        &v, text, sizeof(text)) != TICK_OK)
		return TICK_ETOOBIG;
	if (rc == TICK_OK) {
		tick_q_init(&q, db, stmts[IN_LINK]);
		tick_q_int(&q, tid);
		tick_q_null(&q);
		tick_q_int(&q, msg_id);
		if ((rc = tick_q_run(&q)) != TICK_OK ||
		    (rc = tick_ticket_touch_customer(db, tid, contact_id)) !=
		        TICK_OK ||
		    (rc = tick_events_emit(db, TICK_EV_MESSAGE_RECEIVED,
		         tid)) != TICK_OK)
			return rc;
	}
	return tick_outbox_add_text(db, tid, contact_id, 0,
	    m->from != NULL ? m->from : m->from_user_id, text, &out_id, l);
}

/* A webhook body to store as its raw event. */
struct raw {
	const char *body;
	size_t len;
	const char *remote_addr;
	int signature_checked;
};

static enum tick_err
finish_event(struct tick_db *db, long long event_id, const char *state,
    const struct tick_ingest_summary *sum, const char *error);

static enum tick_err
insert_event(struct tick_db *db, const struct raw *ev, long long *id)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[IN_EVENT]);
	tick_q_str(&q, ev->remote_addr, strnlen(ev->remote_addr, 64));
	tick_q_int(&q, ev->signature_checked);
	tick_q_str(&q, ev->body, ev->len);
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	return rc;
}

/* The contact found by key (wa_id or user id); c->id 0 when none. The
 * strings live in bufs. *seen: whether the contact's first message is
 * already marked (first_inbound_at). */
static enum tick_err
find_contact(struct tick_db *db, enum ingest_stmt st, const char *key,
    struct tick_id_contact *c, char wa[TICK_COL_BUF(20)],
    char uid[TICK_COL_BUF(TICK_MAX_USER_ID)], long long *seen)
{
	struct tick_q q;
	enum tick_err rc;

	memset(c, 0, sizeof(*c));
	*seen = 0;
	if (key == NULL)
		return TICK_OK;
	tick_q_init(&q, db, stmts[st]);
	tick_q_str(&q, key, (size_t)-1);
	tick_q_out_int(&q, &c->id);
	tick_q_out_str(&q, wa, TICK_COL_BUF(20));
	tick_q_out_str(&q, uid, TICK_COL_BUF(TICK_MAX_USER_ID));
	tick_q_out_int(&q, seen);
	rc = tick_q_one(&q);
	if (rc == TICK_ENOTFOUND) {
		c->id = 0;
		*seen = 0;
		return TICK_OK;
	}
	if (rc != TICK_OK)
		return rc;
	c->wa_id = *wa ? wa : NULL;
	c->user_id = *uid ? uid : NULL;
	return TICK_OK;
}

/*
 * The contact a message is from (identity.h decides): found by its phone
 * or its user id, created, or given the keys an identity event moves
 * to; a conflict is recorded for a super admin. *contact_id 0 when an
 * event names no one tick knows. *seen: the contact (found and locked
 * here) has its first message marked already, so the welcome's mark
 * would change nothing (0 when unsure: the mark then decides).
 */
static enum tick_err
resolve_contact(struct tick_db *db, const struct tick_wa_msg *m,
    const char *key, long long *contact_id, int *seen)
{
	char wa[3][TICK_COL_BUF(20)], uid[3][TICK_COL_BUF(TICK_MAX_USER_ID)];
	long long marked[3] = { 0, 0, 0 };
	struct tick_id_input in;
	struct tick_id_decision d;
	struct tick_q q;
	enum tick_err rc;

	memset(&in, 0, sizeof(in));
	*contact_id = 0;
	*seen = 0;
	in.event = (enum tick_id_event)m->ident;
	if (in.event == TICK_ID_USER_ID_UPDATE) {
		in.wa_id = m->from;
		in.user_id = m->new_user_id;
		in.old_key = m->old_key;
		rc = find_contact(db, IN_CONTACT_BY_USER, in.old_key,
		    &in.by_old, wa[2], uid[2], &marked[2]);
		if (rc != TICK_OK)
			return rc;
	} else if (in.event == TICK_ID_NUMBER_CHANGED) {
		in.wa_id = m->new_wa_id;
		in.user_id = m->new_user_id;
		in.old_key = m->old_key;
		rc = find_contact(db, IN_CONTACT_BY_WA, in.old_key, &in.by_old,
		    wa[2], uid[2], &marked[2]);
		if (rc != TICK_OK)
			return rc;
	} else {
		in.wa_id = m->from;
		in.user_id = m->from_user_id;
	}
	if ((rc = find_contact(db, IN_CONTACT_BY_WA, in.wa_id, &in.by_wa_id,
	         wa[0], uid[0], &marked[0])) != TICK_OK ||
	    (rc = find_contact(db, IN_CONTACT_BY_USER, in.user_id,
	         &in.by_user_id, wa[1], uid[1], &marked[1])) != TICK_OK)
		return rc;
	tick_id_resolve(&in, &d);
	switch (d.action) {
	case TICK_ID_CREATE:
		tick_q_init(&q, db, stmts[IN_CONTACT]);
		tick_q_str(&q, key, (size_t)-1);
		tick_q_str(&q, in.wa_id, (size_t)-1);
		tick_q_str(&q, in.user_id, (size_t)-1);
		tick_q_str(&q, m->parent_user_id, (size_t)-1);
		tick_q_str(&q, m->profile_name, (size_t)-1);
		tick_q_str(&q, m->username, (size_t)-1);
		if ((rc = tick_q_exec(&q)) == TICK_OK)
			*contact_id = (long long)tick_q_insert_id(&q);
		tick_q_done(&q);
		return rc;
	case TICK_ID_USE:
	case TICK_ID_UPDATE:
		tick_q_init(&q, db, stmts[IN_CONTACT_UPDATE]);
		tick_q_str(&q, d.set_wa_id, (size_t)-1);
		tick_q_str(&q, d.set_user_id, (size_t)-1);
		tick_q_str(&q, m->parent_user_id, (size_t)-1);
		tick_q_str(&q, m->profile_name, (size_t)-1);
		tick_q_str(&q, m->username, (size_t)-1);
		tick_q_int(&q, in.event == TICK_ID_MESSAGE);
		tick_q_int(&q, d.contact_id);
		rc = tick_q_run(&q);
		if (rc != TICK_OK)
			return rc;
		*contact_id = d.contact_id;
		*seen = (in.by_wa_id.id == d.contact_id && marked[0]) ||
		    (in.by_user_id.id == d.contact_id && marked[1]) ||
		    (in.by_old.id == d.contact_id && marked[2]);
		break;
	default: break;
	}
	if (d.conflict != TICK_ID_CONFLICT_NONE) {
		tick_log_warn("%s: %s: identity conflict %s (contact %lld)",
		    __func__, m->wamid, tick_id_conflict_name(d.conflict),
		    d.contact_id);
		struct tick_identity_conflict c = {
			.reason = tick_id_conflict_name(d.conflict),
			.contact_id = d.contact_id,
			.other_contact_id = d.other_contact_id,
			.wa_id = in.wa_id,
			.user_id = in.user_id,
			.previous_user_id = d.previous_user_id,
			.wamid = m->wamid,
		};

		rc = tick_identity_conflict_add(db, &c);
	}
	return rc;
}

/* The contact an echo went to (the business wrote from the WhatsApp
 * Business app): found by phone or user id, never made or changed;
 * *contact_id 0 when tick does not know them. */
static enum tick_err
echo_contact(struct tick_db *db, const struct tick_wa_msg *m,
    long long *contact_id)
{
	char wa[TICK_COL_BUF(20)], uid[TICK_COL_BUF(TICK_MAX_USER_ID)];
	struct tick_id_contact c;
	long long marked = 0;
	enum tick_err rc;

	*contact_id = 0;
	if ((rc = find_contact(db, IN_CONTACT_BY_WA, m->from, &c, wa, uid,
	         &marked)) != TICK_OK)
		return rc;
	if (c.id == 0 &&
	    (rc = find_contact(db, IN_CONTACT_BY_USER, m->from_user_id, &c, wa,
	         uid, &marked)) != TICK_OK)
		return rc;
	*contact_id = c.id;
	return TICK_OK;
}

/*
 * A reaction, edit or revoke (msg_id its own row, stored already) applied
 * to the message it names, when that message is the same customer's (an
 * echo's: the desk's own on that customer's conversation). The row moves
 * to the target's ticket (none when tick does not know the target: the
 * row and the raw event keep it). A change never opens or reopens a
 * ticket.
 */
static enum tick_err
apply_change(struct tick_db *db, const struct tick_wa_msg *m,
    long long contact_id, long long msg_id)
{
	struct tick_richmsg_target tg;
	enum tick_err rc;

	rc = contact_id != 0 && m->target_id != NULL ?
	    tick_richmsg_target(db, m->target_id, contact_id, &tg) :
	    TICK_ENOTFOUND;
	if (rc == TICK_ENOTFOUND) {
		tick_log_info("%s: %s: %s of an unknown message", __func__,
		    m->wamid, m->type);
		return tick_richmsg_set_ticket(db, msg_id, 0);
	}
	if (rc != TICK_OK)
		return rc;
	switch (m->kind) {
	case TICK_WA_REACTION:
		/* Only on a message the customer can see from the other
		 * side: the customer reacts to ours, an echo to theirs. */
		if (!tick_wa_emoji_ok(m->emoji != NULL ? m->emoji : "")) {
			tick_log_info("%s: %s: a reaction tick cannot keep",
			    __func__, m->wamid);
			break;
		}
		rc = tick_richmsg_react(db, tg.id,
		    m->echo ? "agent" : "customer",
		    m->emoji != NULL ? m->emoji : "", 0, msg_id);
		break;
	case TICK_WA_EDIT:
		/* Only a message of the same side is edited. */
		if (strcmp(tg.direction, m->echo ? "out" : "in") == 0 &&
		    !tg.revoked &&
		    (rc = tick_richmsg_edit(db, tg.id, m->text, msg_id)) ==
		        TICK_OK)
			rc = tick_ticket_sync_snippet(db, tg.id);
		break;
	case TICK_WA_REVOKE:
		/* The inbox's snippet loses a deleted text too. */
		if (strcmp(tg.direction, m->echo ? "out" : "in") == 0 &&
		    (rc = tick_richmsg_revoke(db, tg.id)) == TICK_OK)
			rc = tick_ticket_sync_snippet(db, tg.id);
		break;
	default: break;
	}
	if (rc == TICK_OK)
		rc = tick_richmsg_set_ticket(db, msg_id, tg.ticket_id);
	/* Not a new message: the ticket changed (live panels redraw it). */
	if (rc == TICK_OK && tg.ticket_id != 0)
		rc = tick_events_emit(db, TICK_EV_TICKET_UPDATED, tg.ticket_id);
	return rc;
}

/* A stored message the guided intake is to see once it has committed. */
struct intake_job {
	long long ticket_id, message_id; /* 0: none */
};

static enum tick_err
store_message(struct tick_app *app, long long event_id,
    const struct tick_wa_msg *m, struct tick_ingest_summary *sum,
    struct tick_outbox_list *l, long long *attachment, const struct raw *ev,
    struct intake_job *job)
{
	const char *want_pnid = tick_config_get(&app->cfg,
	    TICK_CFG_WA_PHONE_NUMBER_ID);
	const char *prefix = tick_config_get(&app->cfg,
	    TICK_CFG_TICKET_ID_PREFIX);
	const char *ignored = NULL, *mobile = NULL;
	struct tick_db *db = app->db;
	struct tick_ticket_ref t;
	struct tick_csat_inbound rated;
	/* The ticket's SLA state as the SLA step read it, for the night
	 * text (one read of the ticket, issue 18). */
	struct tick_sla_ticket sla_t, *sla = &sla_t;
	long long contact_id = 0, msg_id, reply_id = 0, out_id, team = 0,
	          holder = 0;
	char key[160], ref[40], *raw = NULL;
	int n, query, created = 0, asking = 0, ooh = 0, welcomed = 0;
	/* The contact's first message was marked before this one. */
	int seen = 0;
	/* Echoes and history imports are not the customer writing now. */
	int passive = m->echo || m->history;
	struct tick_q q;
	enum tick_err rc;

	memset(job, 0, sizeof(*job));
	sla_t.id = 0;
	ignored = tick_wa_pnid_mismatch(want_pnid, m->phone_number_id);
	/* E.164 numbers have at most 15 digits; longer ids stay on the contact. */
	if (m->from != NULL && strlen(m->from) <= TICK_TICKET_MOBILE_MAX)
		mobile = m->from;
	n = m->from ? snprintf(key, sizeof(key), "%s", m->from) :
	              snprintf(key, sizeof(key), "user:%s", m->from_user_id);
	if (n < 0 || (size_t)n >= sizeof(key))
		ignored = "sender id too long";
	if ((raw = json_dumps(m->raw, JSON_COMPACT)) == NULL)
		return TICK_ENOMEM;

	if ((rc = tick_db_begin(db)) != TICK_OK)
		goto out;
	/* One message alone: its raw event goes in the same transaction. */
	if (ev != NULL && (rc = insert_event(db, ev, &event_id)) != TICK_OK)
		goto out;
	if (ev != NULL)
		sum->event_id = event_id;
	/* An echo or an imported message is not the customer writing: it
	 * finds the contact and changes nothing of it (no window opens). */
	if (ignored == NULL && passive &&
	    (rc = echo_contact(db, m, &contact_id)) != TICK_OK)
		goto out;
	if (ignored == NULL && !passive &&
	    (rc = resolve_contact(db, m, key, &contact_id, &seen)) != TICK_OK)
		goto out;
	/* The customer's open ticket, locked, so that the message can be
	 * stored already on it. */
	query = ignored == NULL && !passive && m->kind == TICK_WA_TEXT &&
	    tick_ingest_status_query(m->text, prefix, ref, sizeof(ref));
	memset(&t, 0, sizeof(t));
	if (ignored == NULL && !query) {
		rc = tick_ticket_find_open(db, mobile, contact_id, &t);
		if (rc != TICK_OK && rc != TICK_ENOTFOUND)
			goto out;
	}
	tick_q_init(&q, db, stmts[IN_MESSAGE]);
	tick_q_int(&q, m->echo);
	tick_q_str(&q, m->wamid, (size_t)-1);
	tick_q_str(&q, m->phone_number_id, (size_t)-1);
	tick_q_opt_int(&q, contact_id);
	tick_q_opt_int(&q, t.id);
	tick_q_int(&q, event_id);
	tick_q_str(&q, m->type, (size_t)-1);
	tick_q_str(&q, m->text, (size_t)-1);
	tick_q_str(&q, raw, (size_t)-1);
	tick_q_str(&q, ignored, (size_t)-1);
	tick_q_int(&q, m->echo);
	tick_q_int(&q, m->echo);
	tick_q_int(&q, m->timestamp);
	tick_q_int(&q, m->timestamp);
	/* What it quotes (a reaction's target is not a quote). */
	tick_q_str(&q, m->kind == TICK_WA_REACTION ? NULL : m->context_id,
	    (size_t)-1);
	tick_q_int(&q, m->forwarded);
	tick_q_str(&q, m->reply_kind, (size_t)-1);
	tick_q_str(&q, m->reply_kind != NULL ? m->reply_id : NULL, (size_t)-1);
	tick_q_str(&q, m->reply_title, (size_t)-1);
	tick_q_str(&q, m->flow_json, (size_t)-1);
	tick_q_int(&q, m->echo);
	tick_q_int(&q, m->history);
	if ((rc = tick_q_exec(&q)) != TICK_OK) {
		tick_q_done(&q);
		goto out;
	}
	if (tick_q_affected(&q) == 0) {
		/* Seen before: a redelivery changes nothing. */
		tick_q_done(&q);
		tick_db_rollback(db);
		sum->duplicates++;
		/* The redelivery's raw body is kept all the same. */
		if (ev != NULL &&
		    (rc = insert_event(db, ev, &event_id)) == TICK_OK) {
			sum->event_id = event_id;
			finish_event(db, event_id, "processed", sum, NULL);
		}
		goto out;
	}
	msg_id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	sum->messages++;
	if (ignored != NULL) {
		sum->ignored++;
		goto commit;
	}

	/* A reaction, an edit or a revoke changes the message it names, on
	 * that message's ticket; an echo lands on the customer's open ticket
	 * as it is. Neither opens a ticket nor sends anything. */
	if (tick_wa_kind_is_change(m->kind)) {
		if ((rc = apply_change(db, m, contact_id, msg_id)) != TICK_OK)
			goto out;
		goto commit;
	}
	if (passive) {
		/* A customer's past message (history) means they wrote
		 * before: no welcome for them later (issue 13). */
		if (m->history && !m->echo && contact_id > 0 &&
		    (rc = tick_contact_first_inbound(db, contact_id,
		         tick_clock_now(), &welcomed)) != TICK_OK)
			goto out;
		if (t.id != 0 &&
		    (rc = tick_events_emit(db, TICK_EV_TICKET_UPDATED, t.id)) !=
		        TICK_OK)
			goto out;
		goto commit;
	}

	if (query) {
		if ((rc = answer_status(app, m, mobile, contact_id, msg_id, ref,
		         l)) != TICK_OK)
			goto out;
		sum->status_queries++;
		goto commit;
	}

	/* A rating of a closed ticket, or its comment (issue 13): stored on
	 * that ticket, never a new one. */
	if ((rc = tick_csat_inbound(app, m, contact_id, mobile, t.id, l,
	         &rated)) != TICK_OK)
		goto out;
	if (rated.handled) {
		if (rated.ticket_id != 0 && rated.ticket_id != t.id) {
			tick_q_init(&q, db, stmts[IN_LINK]);
			tick_q_int(&q, rated.ticket_id);
			tick_q_null(&q);
			tick_q_int(&q, msg_id);
			if ((rc = tick_q_run(&q)) != TICK_OK)
				goto out;
		}
		if ((rc = tick_outbox_release_held(db, rated.ticket_id,
		         contact_id, l)) != TICK_OK)
			goto out;
		goto commit;
	}

	/* STOP (or START) as the whole text: the contact's marketing
	 * consent moves; the message is stored as usual all the same. */
	if (m->kind == TICK_WA_TEXT &&
	    (rc = tick_consent_keyword_message(app, contact_id, m->text,
	         m->timestamp)) != TICK_OK)
		goto out;
	rc = TICK_OK;
	if (tick_wa_kind_is_content(m->kind)) {
		if (t.id != 0) {
			if ((rc = tick_ticket_add_customer_reply(db, t.id,
			         contact_id, m->text, msg_id, &reply_id)) !=
			    TICK_OK)
				goto out;
			sum->replies++;
			if ((rc = tick_events_emit(db, TICK_EV_MESSAGE_RECEIVED,
			         t.id)) != TICK_OK ||
			    (!seen &&
			        (rc = tick_sla_welcome(app, t.id, contact_id,
			             m->from != NULL ? m->from : m->from_user_id,
			             tick_clock_now(), l, &welcomed)) !=
			            TICK_OK) ||
			    (rc = tick_intake_active(app, t.id, &asking)) !=
			        TICK_OK ||
			    (rc = tick_sla_customer_wrote(db, t.id,
			         tick_clock_now(), sla)) != TICK_OK)
				goto out;
		} else {
			struct tick_text_vars v = { NULL, NULL, NULL, NULL };
			char text[TICK_MAX_WA_TEXT + 1];

			if ((rc = tick_ticket_create_wa(db, prefix,
			         m->profile_name, mobile, contact_id, m->text,
			         &t)) != TICK_OK)
				goto out;
			sum->tickets_created++;
			created = 1;
			if ((rc = tick_events_emit(db, TICK_EV_TICKET_CREATED,
			         t.id)) != TICK_OK)
				goto out;
			/* A first message ever: the welcome (issue 13), before
			 * the confirmation (a contact marked already, found
			 * locked, needs no statement to know it is not). */
			if (!seen &&
			    (rc = tick_sla_welcome(app, t.id, contact_id,
			         m->from != NULL ? m->from : m->from_user_id,
			         tick_clock_now(), l, &welcomed)) != TICK_OK)
				goto out;
			/* The confirmation is stored with the ticket, sent after. */
			v.ref = t.reference;
			/* To the phone, else to the business-scoped user id
			 * (a customer known by username only). */
			if (tick_text_render(&app->cfg,
			        TICK_TEXT_TICKET_CREATED, &v, text,
			        sizeof(text)) == TICK_OK &&
			    (rc = tick_outbox_add_text(db, t.id, contact_id, 0,
			         m->from != NULL ? m->from : m->from_user_id,
			         text, &out_id, l)) != TICK_OK)
				goto out;
			/* A site code puts the ticket on its site; the guided
			 * intake opens its form (asked after the commit). */
			if ((rc = tick_intake_open(app, t.id, m->text,
			         m->from != NULL, &asking)) != TICK_OK)
				goto out;
			/* Its site's team (else the default team) takes it,
			 * and may give it to a member at once (issue 13). */
			if ((rc = tick_assign_route_new(db, t.id, &team,
			         &holder)) != TICK_OK ||
			    (rc = tick_sla_start_ticket(db, t.id,
			         tick_clock_now(), sla)) != TICK_OK)
				goto out;
		}
		/* Outside business hours: the night text, once a day. */
		if (rc == TICK_OK &&
		    (rc = tick_sla_out_of_hours(app, t.id, contact_id,
		         m->from != NULL ? m->from : m->from_user_id,
		         tick_clock_now(), sla, l, &ooh)) != TICK_OK)
			goto out;
		/* A text, or a file's caption: recorded for the AI safety
		 * check with the message, checked by `tick outbox` once this
		 * commits (issue 17). */
		if (rc == TICK_OK &&
		    (m->kind == TICK_WA_TEXT ||
		        (m->media_id != NULL &&
		            tick_moderation_captioned(m->text))))
			rc = tick_moderation_enqueue(app, msg_id, t.id,
			    m->text);
		/* A photo, document, voice note, video or sticker: recorded
		 * now, fetched and kept once this commits. */
		if (rc == TICK_OK && m->media_id != NULL)
			rc = tick_media_add_inbound(db, t.id, msg_id, m,
			    attachment);
		/* The customer wrote: texts held for the window can go now,
		 * their ticket's and the ticketless ones of the number. */
		if (rc != TICK_OK ||
		    (rc = tick_outbox_release_held(db, t.has_held ? t.id : 0,
		         contact_id, l)) != TICK_OK)
			goto out;
	} else if (t.id != 0 &&
	    (rc = tick_events_emit(db, TICK_EV_MESSAGE_RECEIVED, t.id)) !=
	        TICK_OK)
		goto out;
	if (created) {
		/* Stored before its ticket existed: link it now. */
		tick_q_init(&q, db, stmts[IN_LINK]);
		tick_q_int(&q, t.id);
		tick_q_null(&q);
		tick_q_int(&q, msg_id);
		if ((rc = tick_q_run(&q)) != TICK_OK)
			goto out;
	}
	if (asking) {
		job->ticket_id = t.id;
		job->message_id = msg_id;
	}
commit:
	if (ev != NULL)
		finish_event(db, event_id, "processed", sum, NULL);
	rc = tick_db_commit(db);
	if (rc != TICK_OK)
		memset(job, 0, sizeof(*job));
out:
	if (rc != TICK_OK) {
		tick_db_rollback(db);
		tick_outbox_list_clear(l);
	}
	free(raw);
	return rc;
}

static enum tick_err
store_status(struct tick_db *db, long long event_id,
    const struct tick_wa_status *s, struct tick_ingest_summary *sum)
{
	const char *title = s->error_title;
	struct tick_q q;
	enum tick_err rc;
	int fresh, adopted = 0;

	tick_q_init(&q, db, stmts[IN_STATUS]);
	tick_q_str(&q, s->wamid, (size_t)-1);
	tick_q_str(&q, s->status, (size_t)-1);
	tick_q_int(&q, s->rank);
	tick_q_str(&q, s->recipient_id, (size_t)-1);
	tick_q_opt_int(&q, s->error_code);
	tick_q_str(&q, title, (size_t)-1);
	tick_q_int(&q, s->timestamp);
	tick_q_int(&q, s->timestamp);
	tick_q_int(&q, event_id);
	tick_q_opt_str(&q, s->pricing_category);
	tick_q_opt_str(&q, s->pricing_model);
	tick_q_opt_str(&q, s->pricing_type);
	if (s->billable >= 0)
		tick_q_int(&q, s->billable);
	else
		tick_q_null(&q);
	if ((rc = tick_q_exec(&q)) != TICK_OK) {
		tick_q_done(&q);
		return rc;
	}
	fresh = tick_q_affected(&q) == 1;
	tick_q_done(&q);
	/* A send whose answer was lost: its status names the row (even on a
	 * redelivery, should the first try have failed). */
	if (s->opaque != NULL &&
	    (rc = tick_outbox_adopt(db, s->opaque, s->wamid, s->phone_number_id,
	         &adopted)) != TICK_OK)
		return rc;
	if (fresh && (s->billable >= 0 || s->pricing_category != NULL)) {
		tick_q_init(&q, db, stmts[IN_STATUS_PRICING]);
		tick_q_opt_str(&q, s->pricing_category);
		tick_q_int(&q, s->billable > 0);
		tick_q_str(&q, s->wamid, (size_t)-1);
		if ((rc = tick_q_run(&q)) != TICK_OK)
			return rc;
	}
	if (!fresh || s->rank == 0)
		return TICK_OK; /* a duplicate, or a status tick does not know */
	sum->statuses++;
	tick_q_init(&q, db, stmts[IN_STATUS_APPLY]);
	tick_q_str(&q, s->status, (size_t)-1);
	tick_q_int(&q, s->rank);
	tick_q_str(&q, s->status, (size_t)-1);
	tick_q_opt_int(&q, s->error_code);
	tick_q_str(&q, s->status, (size_t)-1);
	tick_q_str(&q, title, (size_t)-1);
	tick_q_str(&q, s->wamid, (size_t)-1);
	tick_q_int(&q, s->rank);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_affected(&q) > 0) {
		tick_q_done(&q);
		return tick_events_emit_for_message(db, TICK_EV_MESSAGE_STATUS,
		    0, s->wamid);
	}
	tick_q_done(&q);
	return rc;
}

static enum tick_err
finish_event(struct tick_db *db, long long event_id, const char *state,
    const struct tick_ingest_summary *sum, const char *error)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[IN_EVENT_DONE]);
	tick_q_str(&q, state, (size_t)-1);
	tick_q_int(&q, sum->messages);
	tick_q_int(&q, sum->statuses);
	tick_q_int(&q, sum->failed);
	tick_q_int(&q, sum->ignored);
	tick_q_str(&q, error, (size_t)-1);
	tick_q_int(&q, event_id);
	if ((rc = tick_q_run(&q)) != TICK_OK)
		tick_log_warn("%s: event %lld: could not record its state",
		    __func__, event_id);
	return rc;
}

/*
 * Whether a message that failed twice failed for what it holds, not for
 * the database: the connection answers, and the failure is not one that
 * passes (deadlocks, memory). Such a message is recorded on the raw event
 * and the rest of the body goes on; else Meta should deliver it again.
 */
static int
message_fault(struct tick_db *db, enum tick_err rc)
{
	return rc != TICK_EBUSY && rc != TICK_ENOMEM &&
	    tick_db_connect(db) == TICK_OK;
}

/* The event's error text for a message that could not be stored: its
 * wamid and why, cut to the column (255 characters). */
static void
note_failure(char *out, size_t outsz, const struct tick_wa_msg *m,
    enum tick_err rc)
{
	char buf[512];
	int n;

	n = snprintf(buf, sizeof(buf), "message %s not stored: %s", m->wamid,
	    tick_strerror(rc));
	if (n < 0)
		buf[0] = '\0';
	tick_valid_utf8_cut(buf, strlen(buf), 255, out, outsz);
}

enum tick_err
tick_ingest_prune_events(struct tick_db *db, long long days, long long *n)
{
	enum tick_err rc = TICK_OK;
	unsigned long long got = 0;
	struct tick_q q;

	*n = 0;
	do {
		tick_q_init(&q, db, stmts[IN_EVENT_PRUNE]);
		tick_q_int(&q, days);
		tick_q_int(&q, TICK_INGEST_PRUNE_BATCH);
		if ((rc = tick_q_exec(&q)) == TICK_OK) {
			got = tick_q_affected(&q);
			*n += (long long)got;
		}
		tick_q_done(&q);
	} while (rc == TICK_OK && got == TICK_INGEST_PRUNE_BATCH);
	return rc;
}

/*
 * The intake's turn for message m, once it is stored: job names it when it
 * landed on a ticket whose form is asking; a duplicate may be one the
 * intake never applied. Deadlocks are tried again; any other failure is
 * logged (the message is kept all the same) and returned.
 */
static enum tick_err
intake(struct tick_app *app, const struct tick_wa_msg *m,
    const struct intake_job *job, int duplicate, struct tick_outbox_list *l)
{
	enum tick_err rc = TICK_OK;

	/* Reactions, edits, revokes and echoes answer no question. */
	if ((job->ticket_id == 0 && !duplicate) ||
	    tick_wa_kind_is_change(m->kind) || m->echo || m->history)
		return TICK_OK;
	for (int attempt = 0; attempt < 3; attempt++) {
		rc = job->ticket_id != 0 ?
		    tick_intake_answer(app, job->ticket_id, m, job->message_id,
		        l) :
		    tick_intake_redelivered(app, m, l);
		if (rc != TICK_EBUSY)
			break;
		usleep(10000u << attempt);
	}
	if (rc != TICK_OK)
		tick_log_warn("%s: message %s: the intake could not apply it:"
		              " %s",
		    __func__, m->wamid, tick_strerror(rc));
	return rc;
}

static enum tick_err
ingest(struct tick_app *app, const struct tick_wa_batch *batch,
    const char *body, size_t len, const char *remote_addr,
    int signature_checked, struct tick_ingest_summary *sum)
{
	struct tick_db *db = app->db;
	const struct raw ev = { body, len, remote_addr, signature_checked };
	const char *want_pnid = tick_config_get(&app->cfg,
	    TICK_CFG_WA_PHONE_NUMBER_ID);
	enum tick_err rc = TICK_OK, e;
	int graph_down = 0, media_down = 0, single;
	char failure[255 * 4 + 1] = "";
	long long attachment;

	memset(sum, 0, sizeof(*sum));
	/*
	 * The raw body is stored first. A body with one message and nothing
	 * else (the usual case) stores it in that message's transaction: one
	 * commit instead of three. Should it fail, the body is stored as a
	 * failed event below and Meta, without its 200, delivers it again.
	 */
	single = batch->nmsgs == 1 && batch->nstatuses == 0;
	if (!single && (rc = insert_event(db, &ev, &sum->event_id)) != TICK_OK)
		return rc;

	/* Every call out of this request together stays within the budget:
	 * what does not fit waits for the outbox. */
	tick_net_budget_start(
	    tick_config_num(&app->cfg, TICK_CFG_OUTBOUND_BUDGET_MS));
	for (size_t i = 0; i < batch->nmsgs; i++) {
		struct tick_outbox_list l = { .n = 0 };
		struct tick_ingest_summary before = *sum;
		struct intake_job job;

		/* A deadlock aborts the whole transaction: run it again, a few
		 * times, a little later each time. Any other failure is tried
		 * once more: a second one is the message's own. */
		for (int attempt = 0, again = 1; attempt < 4; attempt++) {
			attachment = 0;
			rc = store_message(app, sum->event_id, &batch->msgs[i],
			    sum, &l, &attachment, single ? &ev : NULL, &job);
			if (rc == TICK_OK)
				break;
			*sum = before;
			if (rc != TICK_EBUSY && !again--)
				break;
			if (rc == TICK_EBUSY)
				usleep(10000u << attempt);
		}
		if (rc != TICK_OK && !message_fault(db, rc))
			break;
		if (rc != TICK_OK) {
			/* One message that cannot be stored must not hold the
			 * rest back forever: Meta would deliver it again and
			 * again. */
			tick_log_warn("%s: message %s: %s; the rest go on",
			    __func__, batch->msgs[i].wamid, tick_strerror(rc));
			if (sum->failed++ == 0)
				note_failure(failure, sizeof(failure),
				    &batch->msgs[i], rc);
			rc = TICK_OK;
			continue;
		}
		/* The guided intake sees the stored message (or one Meta
		 * delivered again that it never applied) and queues its next
		 * question after the confirmation. */
		if ((e = intake(app, &batch->msgs[i], &job,
		         sum->duplicates > before.duplicates, &l)) != TICK_OK &&
		    !message_fault(db, e)) {
			tick_outbox_send_list(app, &l, &graph_down,
			    &sum->notices_sent, &sum->notices_failed);
			rc = e;
			break;
		}
		/* One Graph failure in a request sends the rest to the outbox,
		 * so a slow Graph API cannot hold Meta's webhook call for long. */
		tick_outbox_send_list(app, &l, &graph_down, &sum->notices_sent,
		    &sum->notices_failed);
		/* The same for media: after one failure the rest wait. */
		if (attachment != 0) {
			enum tick_err m = tick_media_fetch(app, attachment,
			    media_down);

			if (m == TICK_OK)
				sum->media_stored++;
			else {
				sum->media_pending++;
				media_down |= m == TICK_ETIMEOUT ||
				    m == TICK_EUPSTREAM;
			}
		}
	}
	tick_net_budget_stop();
	for (size_t i = 0; rc == TICK_OK && i < batch->nstatuses; i++) {
		/* Another number's status, or one naming none, is not the
		 * desk's: the raw event keeps it, nothing applies it. */
		if (tick_wa_pnid_mismatch(want_pnid,
		        batch->statuses[i].phone_number_id) != NULL) {
			sum->ignored++;
			sum->ignored_statuses++;
			continue;
		}
		rc = store_status(db, sum->event_id, &batch->statuses[i], sum);
	}
	/* Meta's word on a template (approved, paused, recategorised, its
	 * quality): the stored row follows; one tick never synced waits for
	 * the next sync. */
	for (size_t i = 0; rc == TICK_OK && i < batch->ntpl_events; i++) {
		long long n = 0;

		rc = tick_template_apply_event(db, &batch->tpl_events[i], &n);
		if (rc == TICK_OK && n == 0)
			tick_log_info("%s: template %s: not in the library; "
			              "`tick templates sync` brings it",
			    __func__,
			    batch->tpl_events[i].name ?
			        batch->tpl_events[i].name :
			        batch->tpl_events[i].meta_id);
	}

	/* Consent and the channel's health (issue 16): a user's marketing
	 * preference, the number's quality, the account's state. A
	 * redelivery changes nothing (each rule says so). */
	for (size_t i = 0; rc == TICK_OK && i < batch->nchan_events; i++)
		rc = batch->chan_events[i].kind == TICK_WA_CHAN_PREFERENCE ?
		    tick_consent_preference(db, &batch->chan_events[i]) :
		    tick_channel_apply_event(db, &batch->chan_events[i]);

	/* A lone message that failed took its raw event with it. */
	if (single && (rc != TICK_OK || sum->failed > 0) &&
	    (e = insert_event(db, &ev, &sum->event_id)) != TICK_OK)
		return rc != TICK_OK ? rc : e;
	if (!single || rc != TICK_OK || sum->failed > 0) {
		e = finish_event(db, sum->event_id,
		    rc == TICK_OK ? "processed" : "failed", sum,
		    rc != TICK_OK       ? tick_strerror(rc) :
		        sum->failed > 0 ? failure :
		                          NULL);
		/* A failure not recorded would be lost: let Meta deliver it
		 * again (what was stored is a duplicate then). */
		if (rc == TICK_OK && sum->failed > 0)
			rc = e;
	}
	return rc;
}

enum tick_err
tick_ingest_webhook(struct tick_app *app, const struct tick_wa_batch *batch,
    const char *body, size_t len, const char *remote_addr,
    int signature_checked, struct tick_ingest_summary *sum)
{
	enum tick_err rc = ingest(app, batch, body, len, remote_addr,
	    signature_checked, sum);
	/* Messages for another number are stored (and counted in messages)
	 * but ignored: each message has one outcome. */
	long long ignored = (long long)sum->ignored - sum->ignored_statuses;
	long long stored = (long long)sum->messages - ignored;
	long long seen = (long long)sum->messages + sum->duplicates +
	    sum->failed;

	tick_metrics_add(TICK_METRIC_WEBHOOK_STORED,
	    stored > 0 ? (uint64_t)stored : 0);
	tick_metrics_add(TICK_METRIC_WEBHOOK_DUPLICATE,
	    (uint64_t)sum->duplicates);
	tick_metrics_add(TICK_METRIC_WEBHOOK_IGNORED,
	    ignored > 0 ? (uint64_t)ignored : 0);
	tick_metrics_add(TICK_METRIC_WEBHOOK_FAILED, (uint64_t)sum->failed);
	tick_metrics_add(TICK_METRIC_WEBHOOK_STATUSES, (uint64_t)sum->statuses);
	/* On a failure Meta delivers the batch again: the messages not yet
	 * accounted for wait for that. */
	if (rc != TICK_OK && (long long)batch->nmsgs > seen)
		tick_metrics_add(TICK_METRIC_WEBHOOK_DEFERRED,
		    (uint64_t)((long long)batch->nmsgs - seen));
	return rc;
}

enum tick_err
tick_ingest_last_event(struct tick_db *db, json_t **at)
{
	char when[40] = "";
	enum tick_err rc;
	struct tick_q q;
	int none = 1;

	*at = NULL;
	tick_q_init(&q, db, stmts[IN_EVENT_LAST]);
	tick_q_out_str(&q, when, sizeof(when));
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	if (rc == TICK_OK)
		none = tick_q_isnull(&q, 0);
	tick_q_done(&q);
	if (rc != TICK_OK)
		return rc;
	*at = none ? json_null() : json_string(when);
	return *at != NULL ? TICK_OK : TICK_ENOMEM;
}
