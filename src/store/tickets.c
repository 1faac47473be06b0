#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "bounds.h"
#include "clock.h"
#include "csat.h"
#include "db.h"
#include "log.h"
#include "moderations.h"
#include "reads.h"
#include "refs.h"
#include "report.h"
#include "richmsgs.h"
#include "tags.h"
#include "sla_policies.h"
#include "sla_rules.h"
#include "tickets.h"
#include "valid.h"
#include "wa_errors.h"

#define ISO(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%fZ')"

/* Every column of a ticket as the API shows it. */
/* clang-format off */
#define TICKET_COLUMNS \
	"t.id, t.reference, t.name, t.email, t.mobile, t.description," \
	" t.issue_type, t.issue_type_other, t.issue_title, t.status," \
	" t.whatsapp_enabled, t.whatsapp_notifications, t.source," \
	" t.assigned_to, u.name, t.attachment_name, t.attachment_type," \
	" t.resolution, " ISO("t.created_at") ", " ISO("t.updated_at") "," \
	" " ISO("t.assigned_at") ", " ISO("t.first_response_at") "," \
	" " ISO("t.closed_at") ", " ISO("t.last_activity_at") "," \
	" " ISO("t.last_customer_message_at") "," \
	" COALESCE(t.last_customer_message_at > NOW(3) - INTERVAL 24 HOUR, 0)," \
	" t.site_id, st.code, st.name, t.subsite_id, sb.code, sb.name," \
	" t.category, t.observation_type, t.severity," \
	" CAST(t.location_latitude AS CHAR), CAST(t.location_longitude AS CHAR)," \
	" t.location_name, t.location_address, t.anonymous,"
/* The tables TICKET_COLUMNS reads, after FROM. */
#define TICKET_FROM \
	" tickets t LEFT JOIN users u ON u.id = t.assigned_to" \
	" LEFT JOIN sites st ON st.id = t.site_id" \
	" LEFT JOIN sites sb ON sb.id = t.subsite_id" \
	" LEFT JOIN teams tm ON tm.id = t.team_id" \
	" LEFT JOIN whatsapp_contacts wc ON wc.id = t.contact_id" \
	" LEFT JOIN sla_policies sp ON sp.id = t.sla_policy_id" \
	" LEFT JOIN replies lr ON lr.id = t.last_reply_id" \
	" LEFT JOIN users lu ON lu.id = lr.user_id"
/* The ticket's team (issue 13), after the row's last columns; then
 * the AI flag (issue 17), the WhatsApp identity (issue 16) and the SLA
 * (issue 13, from C_SLA). */
#define TICKET_TEAM_COLUMNS \
	", t.team_id, tm.name, " TICK_MODERATION_FLAGGED_SQL \
	", wc.username, wc.user_id" TICKET_SLA_COLUMNS
/* The ticket's SLA (issue 13): its policy, due times, whether it is
 * paused (pending) and the nearest running due time (Unix seconds). */
#define TICKET_SLA_COLUMNS \
	", t.sla_policy_id, sp.name, " ISO("t.first_response_due_at") "," \
	" " ISO("t.next_response_due_at") ", " ISO("t.resolution_due_at") "," \
	" t.pending_since IS NOT NULL," \
	" CAST(COALESCE(UNIX_TIMESTAMP(" TICK_SLA_NEXT_DUE_SQL "), 0) AS SIGNED)" \
	TICKET_CONSENT_COLUMNS
/* The customer's marketing consent (issue 16, C_MARKETING). */
#define TICKET_CONSENT_COLUMNS ", COALESCE(wc.marketing_opt_out, 0)"
/* What needs the agent (issue 19, from C_ATTN, after the consent): since
 * when the customer waits, and who wrote the last message the list shows
 * (its author, user and name; NULL when it is the description). The list
 * adds whether the ticket is unread for the one asking; the detail NULL. */
#define TICKET_ATTN_COLUMNS \
	", " ISO("t.waiting_since") ", lr.author, lr.user_id," \
	" COALESCE(lu.name, lr.replied_by)"
/* clang-format on */

/* The list's last message: tickets.last_message, VARCHAR(300). */
#define SNIPPET_CHARS 300
#define SNIPPET_BUF TICK_COL_BUF(SNIPPET_CHARS)

enum tickets_stmt {
	TK_OPEN_BY_MOBILE,
	TK_OPEN_BY_CONTACT,
	TK_BY_REF_FOR_MOBILE,
	TK_BY_REF_FOR_CONTACT,
	TK_CREATE_WA,
	TK_CREATE_FORM,
	TK_ANSWERED,
	TK_SET_REF,
	TK_REPLY_CUSTOMER,
	TK_TOUCH_CUSTOMER,
	TK_TOUCH_REPLY,
	TK_SNIPPET,
	TK_SNIPPET_SYNC,
	TK_ID_BY_REF,
	TK_EXISTS,
	TK_LOCK,
	TK_GET,
	TK_TIMELINE_REPLIES,
	TK_TIMELINE_MESSAGES,
	TK_TIMELINE_COUNT,
	TK_CURSOR_REPLY,
	TK_CURSOR_MESSAGE,
	TK_UPDATE,
	TK_DELETE,
	TK_ATTACHMENTS,
	TK_TAKE,
	TK_ASSIGN,
	TK_SET_STATUS,
	TK_REOPEN,
	TK_CLOSE,
	TK_RESPONDED,
	TK_ACTIVITY,
	TK_REMIND_DUE,
	TK_REMIND_MARK,
	TK_OPEN_FOR_MOBILE,
	TK_SET_REPORT,
	TK_SITE,
	TK_IDENTITY,
	TK_SET_TEAM,
	TK_TRANSFER,
	TK_SITES,
	TK_STMT__MAX
};

/* clang-format off */
static const char *const stmts[TK_STMT__MAX] = {
	[TK_OPEN_BY_MOBILE] =
	    "SELECT t.id, t.reference, EXISTS(SELECT 1 FROM whatsapp_messages m"
	    " WHERE m.ticket_id = t.id AND m.status = 'held') FROM tickets t"
	    " WHERE t.mobile = ? AND t.status <> 'closed' AND t.deleted_at IS NULL"
	    " ORDER BY t.id DESC LIMIT 1 FOR UPDATE",
	[TK_OPEN_BY_CONTACT] =
	    "SELECT t.id, t.reference, EXISTS(SELECT 1 FROM whatsapp_messages m"
	    " WHERE m.ticket_id = t.id AND m.status = 'held') FROM tickets t"
	    " WHERE t.contact_id = ? AND t.status <> 'closed' AND t.deleted_at IS NULL"
	    " ORDER BY t.id DESC LIMIT 1 FOR UPDATE",
	[TK_BY_REF_FOR_MOBILE] =
	    "SELECT id, status FROM tickets WHERE reference = ? AND mobile = ?"
	    " AND deleted_at IS NULL",
	[TK_BY_REF_FOR_CONTACT] =
	    "SELECT id, status FROM tickets WHERE reference = ? AND contact_id = ?"
	    " AND deleted_at IS NULL",
	[TK_CREATE_WA] =
	    "INSERT INTO tickets (name, mobile, description, status, whatsapp_enabled,"
	    " whatsapp_notifications, source, contact_id, last_customer_message_at,"
	    " last_activity_at, waiting_since)"
	    /* The customer waits from their first message (issue 19). */
	    " VALUES (?, ?, ?, 'new', 1, 1, 'whatsapp', ?, NOW(3), NOW(3), NOW(3))",
	/* An agent answered (issue 19): nobody waits. */
	[TK_ANSWERED] = "UPDATE tickets SET waiting_since = NULL WHERE id = ?",
	[TK_CREATE_FORM] =
	    "INSERT INTO tickets (name, email, mobile, description, issue_type,"
	    " issue_type_other, issue_title, whatsapp_enabled, whatsapp_notifications,"
	    " status, source, created_by, last_activity_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', 'form', ?, NOW(3))",
	[TK_SET_REF] = "UPDATE tickets SET reference = ? WHERE id = ?",
	[TK_REPLY_CUSTOMER] =
	    "INSERT INTO replies (ticket_id, message, replied_by, author, message_id)"
	    " VALUES (?, ?, 'customer', 'customer', ?)",
	[TK_TOUCH_CUSTOMER] =
	    "UPDATE tickets SET last_customer_message_at = NOW(3),"
	    " last_activity_at = NOW(3), contact_id = COALESCE(contact_id, ?),"
	    /* The customer's answer ends pending (issue 13). */
	    " status = IF(status = 'pending', 'in_progress', status)"
	    " WHERE id = ?",
	/* The touch and the list's snippet in one statement (the webhook's
	 * path); MariaDB assigns left to right, so the test reads the old
	 * last_reply_id. */
	[TK_TOUCH_REPLY] =
	    "UPDATE tickets SET last_customer_message_at = NOW(3),"
	    " last_activity_at = NOW(3), contact_id = COALESCE(contact_id, ?),"
	    " last_message = IF(COALESCE(last_reply_id, 0) < ?,"
	    " LEFT(?, " TICK_STR(SNIPPET_CHARS) "), last_message),"
	    " last_reply_id = GREATEST(COALESCE(last_reply_id, 0), ?),"
	    /* The oldest unanswered message says since when (issue 19). */
	    " waiting_since = COALESCE(waiting_since, NOW(3)),"
	    /* The customer's answer ends pending (issue 13). */
	    " status = IF(status = 'pending', 'in_progress', status)"
	    " WHERE id = ?",
	[TK_SNIPPET] =
	    "UPDATE tickets SET last_message = LEFT(?, " TICK_STR(SNIPPET_CHARS)
	    "), last_reply_id = ? WHERE id = ?"
	    " AND COALESCE(last_reply_id, 0) < ?",
	[TK_SNIPPET_SYNC] =
	    "UPDATE tickets t JOIN replies r ON r.id = t.last_reply_id"
	    " SET t.last_message = LEFT(r.message, " TICK_STR(SNIPPET_CHARS)
	    ") WHERE r.message_id = ?",
	[TK_ID_BY_REF] =
	    "SELECT t.id FROM tickets t WHERE t.reference = ?"
	    " AND t.deleted_at IS NULL AND " TICK_SCOPE_SQL,
	[TK_EXISTS] =
	    "SELECT t.id FROM tickets t WHERE t.id = ? AND t.deleted_at IS NULL"
	    " AND " TICK_SCOPE_SQL,
	[TK_LOCK] =
	    "SELECT id, reference, status, COALESCE(assigned_to, 0),"
	    " COALESCE(mobile, ''), COALESCE(contact_id, 0),"
	    " COALESCE(NULLIF(mobile, ''), (SELECT wc.user_id FROM"
	    " whatsapp_contacts wc WHERE wc.id = t.contact_id), ''),"
	    " whatsapp_enabled, whatsapp_notifications,"
	    " COALESCE(last_customer_message_at > NOW(3) - INTERVAL 24 HOUR, 0),"
	    " first_response_at IS NOT NULL, COALESCE(team_id, 0)"
	    " FROM tickets t WHERE id = ? AND deleted_at IS NULL"
	    " AND " TICK_SCOPE_SQL " FOR UPDATE",
	[TK_GET] = "SELECT " TICKET_COLUMNS " NULL, 0, 0" TICKET_TEAM_COLUMNS
	           TICKET_ATTN_COLUMNS ", NULL FROM" TICKET_FROM
	           " WHERE t.id = ? AND t.deleted_at IS NULL",
	/* Replies and notes, with the WhatsApp message each carried. */
	[TK_TIMELINE_REPLIES] =
	    "SELECT r.id, r.author, r.internal, r.message, r.user_id, u.name,"
	    " " ISO("r.created_at") ", m.id, m.direction, m.status, m.wamid,"
	    " m.error_code, m.error_title, m.type"
	    " FROM replies r LEFT JOIN users u ON u.id = r.user_id"
	    " LEFT JOIN whatsapp_messages m ON m.id = r.message_id"
	    " WHERE r.ticket_id = ? AND (? = 0 OR (r.created_at, 1, r.id)"
	    " < (CAST(? AS DATETIME(6)), ?, ?))"
	    " ORDER BY r.created_at DESC, r.id DESC LIMIT ?",
	/* WhatsApp messages that are not a reply: the first message,
	 * confirmations, notices, templates, status answers. */
	[TK_TIMELINE_MESSAGES] =
	    "SELECT m.id, m.direction, m.type, m.body, m.status, m.wamid,"
	    " m.error_code, m.error_title, " ISO("m.created_at")
	    " FROM whatsapp_messages m WHERE m.ticket_id = ? AND m.reply_id IS NULL"
	    " AND m.type NOT IN ('reaction', 'edit', 'revoke')"
	    " AND m.id NOT IN (SELECT message_id FROM replies WHERE ticket_id = ?"
	    " AND message_id IS NOT NULL)"
	    " AND (? = 0 OR (m.created_at, 0, m.id)"
	    " < (CAST(? AS DATETIME(6)), ?, ?))"
	    " ORDER BY m.created_at DESC, m.id DESC LIMIT ?",
	/* A timeline's size, and where a cursor's item sits in time. */
	[TK_TIMELINE_COUNT] =
	    "SELECT (SELECT COUNT(*) FROM replies WHERE ticket_id = ?)"
	    " + (SELECT COUNT(*) FROM whatsapp_messages m WHERE m.ticket_id = ?"
	    " AND m.reply_id IS NULL AND m.type NOT IN ('reaction', 'edit', 'revoke')"
	    " AND m.id NOT IN (SELECT message_id FROM replies"
	    " WHERE ticket_id = ? AND message_id IS NOT NULL))",
	[TK_CURSOR_REPLY] =
	    "SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') FROM replies"
	    " WHERE id = ? AND ticket_id = ?",
	[TK_CURSOR_MESSAGE] =
	    "SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f')"
	    " FROM whatsapp_messages WHERE id = ? AND ticket_id = ?",
	[TK_UPDATE] =
	    "UPDATE tickets SET name = COALESCE(?, name), email = IF(?, ?, email),"
	    " mobile = IF(?, ?, mobile), description = COALESCE(?, description),"
	    " issue_type = COALESCE(?, issue_type),"
	    " issue_type_other = IF(?, ?, issue_type_other),"
	    " issue_title = IF(?, ?, issue_title),"
	    " whatsapp_enabled = COALESCE(?, whatsapp_enabled),"
	    " whatsapp_notifications = COALESCE(?, whatsapp_notifications),"
	    " last_activity_at = NOW(3) WHERE id = ? AND deleted_at IS NULL",
	[TK_DELETE] = "UPDATE tickets SET deleted_at = NOW(3) WHERE id = ?"
	              " AND deleted_at IS NULL",
	[TK_ATTACHMENTS] =
	    "SELECT id, COALESCE(message_id, 0), COALESCE(reply_id, 0), direction,"
	    " state, secure_url, mime_type, file_name, COALESCE(bytes, 0), error,"
	    " " ISO("created_at") " FROM attachments WHERE ticket_id = ?"
	    " ORDER BY id LIMIT 500",
	/* Exactly one of two agents taking the same ticket wins this. */
	[TK_TAKE] =
	    "UPDATE tickets SET assigned_to = ?, assigned_at = NOW(3),"
	    " status = IF(status = 'new', 'assigned', status),"
	    " last_activity_at = NOW(3) WHERE id = ? AND assigned_to IS NULL"
	    " AND status <> 'closed' AND deleted_at IS NULL",
	[TK_ASSIGN] =
	    "UPDATE tickets SET assigned_to = ?, assigned_at = NOW(3),"
	    " status = IF(status = 'new', 'assigned', status),"
	    " last_activity_at = NOW(3) WHERE id = ?",
	[TK_SET_STATUS] =
	    "UPDATE tickets SET status = ?, last_activity_at = NOW(3),"
	    " assigned_to = IF(? > 0, ?, assigned_to),"
	    " assigned_at = IF(? > 0, NOW(3), assigned_at) WHERE id = ?",
	[TK_REOPEN] =
	    "UPDATE tickets SET status = ?, closed_at = NULL, closed_by = NULL,"
	    " last_activity_at = NOW(3) WHERE id = ?",
	[TK_CLOSE] =
	    "UPDATE tickets SET status = 'closed', closed_at = NOW(3),"
	    " closed_by = ?, resolution = ?, last_activity_at = NOW(3),"
	    /* Nobody waits on a closed ticket (issue 19). */
	    " waiting_since = NULL WHERE id = ?",
	/* The first reply is the first response; it starts the work. */
	[TK_RESPONDED] =
	    "UPDATE tickets SET first_response_at = COALESCE(first_response_at,"
	    " NOW(3)), status = IF(status IN ('new', 'assigned'), 'in_progress',"
	    " status), last_activity_at = NOW(3) WHERE id = ?",
	[TK_ACTIVITY] = "UPDATE tickets SET last_activity_at = NOW(3) WHERE id = ?",
	/* The window reminder (issue 16): open WhatsApp tickets whose
	 * customer last wrote between the two times (23 and 24 hours ago),
	 * not reminded of that message yet, and that no agent answered
	 * since. */
	[TK_REMIND_DUE] =
	    "SELECT t.id FROM tickets t WHERE t.last_customer_message_at"
	    " <= FROM_UNIXTIME(?) AND t.last_customer_message_at >"
	    " FROM_UNIXTIME(?) AND t.status <> 'closed' AND t.deleted_at IS NULL"
	    " AND t.whatsapp_enabled = 1 AND (t.window_reminder_for IS NULL OR"
	    " t.window_reminder_for < t.last_customer_message_at)"
	    " AND NOT EXISTS (SELECT 1 FROM replies r WHERE r.ticket_id = t.id"
	    " AND r.author = 'agent' AND r.internal = 0"
	    " AND r.created_at >= t.last_customer_message_at)"
	    " ORDER BY t.last_customer_message_at LIMIT ?",
	/* Claims one: a second run (or a second message) finds it done. */
	[TK_REMIND_MARK] =
	    "UPDATE tickets SET window_reminder_for = last_customer_message_at,"
	    " updated_at = updated_at WHERE id = ?"
	    " AND last_customer_message_at <= FROM_UNIXTIME(?)"
	    " AND last_customer_message_at > FROM_UNIXTIME(?)"
	    " AND (window_reminder_for IS NULL"
	    " OR window_reminder_for < last_customer_message_at)",
	[TK_OPEN_FOR_MOBILE] =
	    "SELECT id FROM tickets WHERE mobile = ? AND status <> 'closed'"
	    " AND deleted_at IS NULL ORDER BY id DESC LIMIT 1",
	[TK_SITE] = "SELECT COALESCE(parent_id, 0) FROM sites WHERE id = ?"
	            " AND active = 1",
	[TK_IDENTITY] = "SELECT name, email, mobile FROM tickets WHERE id = ?"
	                " AND deleted_at IS NULL",
	[TK_SET_TEAM] = "UPDATE tickets SET team_id = ? WHERE id = ?",
	[TK_SITES] = "SELECT COALESCE(subsite_id, site_id, 0),"
	             " IF(subsite_id IS NULL, 0, COALESCE(site_id, 0))"
	             " FROM tickets WHERE id = ?",
	/* A transfer (issue 13): (change team?, team), then the new holder
	 * or nobody; a ticket left without holder waits as new. */
	[TK_TRANSFER] =
	    "UPDATE tickets SET team_id = IF(?, ?, team_id), assigned_to = ?,"
	    " assigned_at = IF(assigned_to IS NULL, NULL, NOW(3)),"
	    " status = CASE WHEN assigned_to IS NULL AND status = 'assigned'"
	    " THEN 'new' WHEN assigned_to IS NOT NULL AND status = 'new'"
	    " THEN 'assigned' ELSE status END,"
	    " last_activity_at = NOW(3) WHERE id = ?",
	/* Each pair: (leave?, value); a NULL value clears. */
	[TK_SET_REPORT] =
	    "UPDATE tickets SET site_id = IF(?, site_id, ?),"
	    " subsite_id = IF(?, subsite_id, ?),"
	    " category = IF(?, category, CONVERT(? USING ascii)),"
	    " observation_type = IF(?, observation_type, CONVERT(? USING ascii)),"
	    " severity = IF(?, severity, ?),"
	    " location_latitude = IF(?, location_latitude, ?),"
	    " location_longitude = IF(?, location_longitude, ?),"
	    " location_name = IF(?, location_name, ?),"
	    " location_address = IF(?, location_address, ?),"
	    " anonymous = IF(?, anonymous, ?),"
	    " last_activity_at = NOW(3) WHERE id = ? AND deleted_at IS NULL",
};
/* clang-format on */

int
tick_ticket_may_work(const struct tick_ticket *tk, long long user_id, int admin)
{
	return admin || (tk->assigned_to != 0 && tk->assigned_to == user_id);
}

enum tick_err
tick_ticket_find_open(struct tick_db *db, const char *mobile,
    long long contact_id, struct tick_ticket_ref *out)
{
	struct tick_q q;
	enum tick_err rc;

	memset(out, 0, sizeof(*out));
	if (mobile != NULL && *mobile != '\0') {
		tick_q_init(&q, db, stmts[TK_OPEN_BY_MOBILE]);
		tick_q_str(&q, mobile, (size_t)-1);
	} else {
		tick_q_init(&q, db, stmts[TK_OPEN_BY_CONTACT]);
		tick_q_int(&q, contact_id);
	}
	tick_q_out_int(&q, &out->id);
	tick_q_out_str(&q, out->reference, sizeof(out->reference));
	tick_q_out_int(&q, &out->has_held);
	rc = tick_q_one(&q);
	return rc;
}

enum tick_err
tick_ticket_find_by_ref_for(struct tick_db *db, const char *ref,
    const char *mobile, long long contact_id, long long *id, char *status,
    size_t statussz)
{
	struct tick_q q;
	enum tick_err rc;

	*id = 0;
	status[0] = '\0';
	if (mobile != NULL && *mobile != '\0') {
		tick_q_init(&q, db, stmts[TK_BY_REF_FOR_MOBILE]);
		tick_q_str(&q, ref, (size_t)-1);
		tick_q_str(&q, mobile, (size_t)-1);
	} else {
		tick_q_init(&q, db, stmts[TK_BY_REF_FOR_CONTACT]);
		tick_q_str(&q, ref, (size_t)-1);
		tick_q_int(&q, contact_id);
	}
	tick_q_out_int(&q, id);
	tick_q_out_str(&q, status, statussz);
	rc = tick_q_one(&q);
	return rc;
}

static enum tick_err
set_reference(struct tick_db *db, const char *prefix, long long id, char *ref,
    size_t refsz)
{
	struct tick_q q;
	enum tick_err rc;

	if ((rc = tick_ref_format(prefix, id, ref, refsz)) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[TK_SET_REF]);
	tick_q_str(&q, ref, (size_t)-1);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_ticket_create_wa(struct tick_db *db, const char *prefix, const char *name,
    const char *mobile, long long contact_id, const char *text,
    struct tick_ticket_ref *out)
{
	char cut[TICK_TICKET_NAME_MAX * 4 + 1], fallback[64];
	struct tick_q q;
	enum tick_err rc;

	memset(out, 0, sizeof(*out));
	if (name == NULL || *name == '\0') {
		snprintf(fallback, sizeof(fallback), "WhatsApp %s%s",
		    mobile ? "+" : "customer", mobile ? mobile : "");
		name = fallback;
	}
	tick_valid_utf8_cut(name, strlen(name), TICK_TICKET_NAME_MAX, cut,
	    sizeof(cut));
	tick_q_init(&q, db, stmts[TK_CREATE_WA]);
	tick_q_str(&q, cut, (size_t)-1);
	tick_q_str(&q, mobile, (size_t)-1);
	tick_q_str(&q, text, (size_t)-1);
	tick_q_int(&q, contact_id);
	rc = tick_q_exec(&q);
	out->id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	if (rc != TICK_OK)
		return rc;
	return set_reference(db, prefix, out->id, out->reference,
	    sizeof(out->reference));
}

enum tick_err
tick_ticket_touch_customer(struct tick_db *db, long long ticket_id,
    long long contact_id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TK_TOUCH_CUSTOMER]);
	if (contact_id > 0)
		tick_q_int(&q, contact_id);
	else
		tick_q_null(&q);
	tick_q_int(&q, ticket_id);
	return tick_q_run(&q);
}

enum tick_err
tick_ticket_add_customer_reply(struct tick_db *db, long long ticket_id,
    long long contact_id, const char *text, long long message_id,
    long long *reply_id)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[TK_REPLY_CUSTOMER]);
	tick_q_int(&q, ticket_id);
	tick_q_str(&q, text, (size_t)-1);
	tick_q_int(&q, message_id);
	rc = tick_q_exec(&q);
	*reply_id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	if (rc != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[TK_TOUCH_REPLY]);
	if (contact_id > 0)
		tick_q_int(&q, contact_id);
	else
		tick_q_null(&q);
	tick_q_int(&q, *reply_id);
	tick_q_str(&q, text, (size_t)-1);
	tick_q_int(&q, *reply_id);
	tick_q_int(&q, ticket_id);
	return tick_q_run(&q);
}

enum tick_err
tick_ticket_sync_snippet(struct tick_db *db, long long message_id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TK_SNIPPET_SYNC]);
	tick_q_int(&q, message_id);
	return tick_q_run(&q);
}

enum tick_err
tick_ticket_set_snippet(struct tick_db *db, long long ticket_id,
    long long reply_id, const char *text)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TK_SNIPPET]);
	tick_q_str(&q, text, (size_t)-1);
	tick_q_int(&q, reply_id);
	tick_q_int(&q, ticket_id);
	tick_q_int(&q, reply_id);
	return tick_q_run(&q);
}

static int scoped(const struct tick_scope *s);

enum tick_err
tick_ticket_answered(struct tick_db *db, long long ticket_id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TK_ANSWERED]);
	tick_q_int(&q, ticket_id);
	return tick_q_run(&q);
}

enum tick_err
tick_ticket_new_for_me(struct tick_db *db, const struct tick_scope *scope,
    long long *n)
{
	struct tick_sql sql = { .len = 0 };
	struct tick_q q;
	enum tick_err rc;

	*n = 0;
	/* The open statuses by name, so the status index serves it. */
	tick_sql_add(&sql,
	    "SELECT COUNT(*) FROM (SELECT 1 FROM tickets t"
	    " WHERE t.deleted_at IS NULL"
	    " AND t.status IN ('new', 'assigned', 'in_progress', 'pending')"
	    " AND (t.assigned_to IS NULL OR t.assigned_to = ?)"
	    " AND " TICK_READS_UNREAD_SQL);
	if (scoped(scope))
		tick_sql_add(&sql, " AND " TICK_SCOPE_SQL);
	tick_sql_add(&sql, " LIMIT ?) x");
	tick_q_init_built(&q, db, &sql);
	tick_q_int(&q, scope->user_id);
	tick_q_int(&q, scope->user_id);
	if (scoped(scope))
		tick_scope_bind(&q, scope);
	tick_q_int(&q, TICK_LIST_TOTAL_MAX + 1);
	tick_q_out_int(&q, n);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	if (*n > TICK_LIST_TOTAL_MAX)
		*n = TICK_LIST_TOTAL_MAX;
	return rc;
}

enum tick_err
tick_ticket_lock(struct tick_db *db, const struct tick_scope *scope,
    long long id, struct tick_ticket *t)
{
	static const struct tick_scope all = { 0, 0, 0 };
	long long wa = 0, notify = 0, window = 0, responded = 0, team = 0;
	char status[16] = ""; /* an ENUM of ASCII names */
	struct tick_q q;
	enum tick_err rc;

	memset(t, 0, sizeof(*t));
	tick_q_init(&q, db, stmts[TK_LOCK]);
	tick_q_int(&q, id);
	tick_scope_bind(&q, scope != NULL ? scope : &all);
	tick_q_out_int(&q, &t->id);
	tick_q_out_str(&q, t->reference, sizeof(t->reference));
	tick_q_out_str(&q, status, sizeof(status));
	tick_q_out_int(&q, &t->assigned_to);
	tick_q_out_str(&q, t->mobile, sizeof(t->mobile));
	tick_q_out_int(&q, &t->contact_id);
	tick_q_out_str(&q, t->address, sizeof(t->address));
	tick_q_out_int(&q, &wa);
	tick_q_out_int(&q, &notify);
	tick_q_out_int(&q, &window);
	tick_q_out_int(&q, &responded);
	tick_q_out_int(&q, &team);
	rc = tick_q_one(&q);
	t->team_id = team;
	if (rc == TICK_OK && tick_status_parse(status, &t->status) != 0) {
		tick_log_err("%s: ticket %lld: unknown status", __func__, id);
		rc = TICK_EDB;
	}
	t->whatsapp_enabled = wa != 0;
	t->whatsapp_notifications = notify != 0;
	t->window_open = window != 0;
	t->responded = responded != 0;
	return rc;
}

/* One row of TICKET_COLUMNS, plus the list's last message. */
/* Each text buffer holds its column in utf8mb4 bytes (TICK_COL_BUF). */
struct row {
	long long id, wa, notify, assigned_to, window;
	char reference[TICK_COL_BUF(32)], name[TICK_COL_BUF(30)],
	    email[TICK_COL_BUF(100)], mobile[TICK_COL_BUF(15)],
	    issue_type[TICK_COL_BUF(50)], issue_type_other[TICK_COL_BUF(100)],
	    issue_title[TICK_COL_BUF(150)], status[16], source[16],
	    assignee[TICK_COL_BUF(100)], attachment_name[TICK_COL_BUF(255)],
	    attachment_type[TICK_COL_BUF(100)], created[40], updated[40],
	    assigned_at[40], first_response[40], closed[40], activity[40],
	    customer[40];
	long long site_id, subsite_id, anonymous, open_actions, overdue_actions;
	long long team_id;
	char team_name[TICK_COL_BUF(100)];
	long long flagged; /* a message flagged by the AI check, not cleared */
	/* The WhatsApp contact's username and business-scoped user id. */
	char username[TICK_COL_BUF(64)], wa_user_id[TICK_COL_BUF(128)];
	long long sla_policy, sla_paused, sla_next;
	long long marketing_opt_out; /* C_MARKETING */
	char sla_name[TICK_COL_BUF(100)], sla_first[40], sla_nextat[40],
	    sla_resolution[40];
	char site_code[TICK_COL_BUF(10)], site_name[TICK_COL_BUF(100)],
	    subsite_code[TICK_COL_BUF(10)], subsite_name[TICK_COL_BUF(100)],
	    category[33], observation[33], severity[16], latitude[40],
	    longitude[40], location_name[TICK_COL_BUF(255)],
	    location_address[TICK_COL_BUF(255)];
	char *description; /* TEXT_BUF bytes each, owned */
	char *resolution;
	char *last_message; /* the list's snippet: SNIPPET_BUF bytes */
	/* Issue 19: since when the customer waits, the last message's
	 * author (customer, agent, system), user and name, unread. */
	char waiting[40], last_kind[16], last_name[TICK_COL_BUF(100)];
	long long last_uid, unread;
};

/* A TEXT column holds at most 65,535 bytes. */
#define TEXT_BUF 65536

static int
row_alloc(struct row *r)
{
	memset(r, 0, sizeof(*r));
	r->description = malloc(TEXT_BUF);
	r->resolution = malloc(TEXT_BUF);
	r->last_message = malloc(SNIPPET_BUF);
	return r->description && r->resolution && r->last_message ? 0 : -1;
}

static void
row_free(struct row *r)
{
	free(r->description);
	free(r->resolution);
	free(r->last_message);
}

static void
bind_row(struct tick_q *q, struct row *r)
{
	tick_q_out_int(q, &r->id);
	tick_q_out_str(q, r->reference, sizeof(r->reference));
	tick_q_out_str(q, r->name, sizeof(r->name));
	tick_q_out_str(q, r->email, sizeof(r->email));
	tick_q_out_str(q, r->mobile, sizeof(r->mobile));
	tick_q_out_str(q, r->description, TEXT_BUF);
	tick_q_out_str(q, r->issue_type, sizeof(r->issue_type));
	tick_q_out_str(q, r->issue_type_other, sizeof(r->issue_type_other));
	tick_q_out_str(q, r->issue_title, sizeof(r->issue_title));
	tick_q_out_str(q, r->status, sizeof(r->status));
	tick_q_out_int(q, &r->wa);
	tick_q_out_int(q, &r->notify);
	tick_q_out_str(q, r->source, sizeof(r->source));
	tick_q_out_int(q, &r->assigned_to);
	tick_q_out_str(q, r->assignee, sizeof(r->assignee));
	tick_q_out_str(q, r->attachment_name, sizeof(r->attachment_name));
	tick_q_out_str(q, r->attachment_type, sizeof(r->attachment_type));
	tick_q_out_str(q, r->resolution, TEXT_BUF);
	tick_q_out_str(q, r->created, sizeof(r->created));
	tick_q_out_str(q, r->updated, sizeof(r->updated));
	tick_q_out_str(q, r->assigned_at, sizeof(r->assigned_at));
	tick_q_out_str(q, r->first_response, sizeof(r->first_response));
	tick_q_out_str(q, r->closed, sizeof(r->closed));
	tick_q_out_str(q, r->activity, sizeof(r->activity));
	tick_q_out_str(q, r->customer, sizeof(r->customer));
	tick_q_out_int(q, &r->window);
	tick_q_out_int(q, &r->site_id);
	tick_q_out_str(q, r->site_code, sizeof(r->site_code));
	tick_q_out_str(q, r->site_name, sizeof(r->site_name));
	tick_q_out_int(q, &r->subsite_id);
	tick_q_out_str(q, r->subsite_code, sizeof(r->subsite_code));
	tick_q_out_str(q, r->subsite_name, sizeof(r->subsite_name));
	tick_q_out_str(q, r->category, sizeof(r->category));
	tick_q_out_str(q, r->observation, sizeof(r->observation));
	tick_q_out_str(q, r->severity, sizeof(r->severity));
	tick_q_out_str(q, r->latitude, sizeof(r->latitude));
	tick_q_out_str(q, r->longitude, sizeof(r->longitude));
	tick_q_out_str(q, r->location_name, sizeof(r->location_name));
	tick_q_out_str(q, r->location_address, sizeof(r->location_address));
	tick_q_out_int(q, &r->anonymous);
	tick_q_out_str(q, r->last_message, SNIPPET_BUF);
	tick_q_out_int(q, &r->open_actions);
	tick_q_out_int(q, &r->overdue_actions);
	tick_q_out_int(q, &r->team_id);
	tick_q_out_str(q, r->team_name, sizeof(r->team_name));
	tick_q_out_int(q, &r->flagged);
	tick_q_out_str(q, r->username, sizeof(r->username));
	tick_q_out_str(q, r->wa_user_id, sizeof(r->wa_user_id));
	tick_q_out_int(q, &r->sla_policy);
	tick_q_out_str(q, r->sla_name, sizeof(r->sla_name));
	tick_q_out_str(q, r->sla_first, sizeof(r->sla_first));
	tick_q_out_str(q, r->sla_nextat, sizeof(r->sla_nextat));
	tick_q_out_str(q, r->sla_resolution, sizeof(r->sla_resolution));
	tick_q_out_int(q, &r->sla_paused);
	tick_q_out_int(q, &r->sla_next);
	tick_q_out_int(q, &r->marketing_opt_out);
	tick_q_out_str(q, r->waiting, sizeof(r->waiting));
	tick_q_out_str(q, r->last_kind, sizeof(r->last_kind));
	tick_q_out_int(q, &r->last_uid);
	tick_q_out_str(q, r->last_name, sizeof(r->last_name));
	tick_q_out_int(q, &r->unread);
}

/* Column i of the fetched row as a JSON string, or null. */
static json_t *
col(const struct tick_q *q, int i, const char *s)
{
	return tick_q_isnull(q, i) ? json_null() : json_string(s);
}

/* Columns of the report, after the columns of the ticket's work. */
enum {
	C_SITE = 26,
	C_SUBSITE = 29,
	C_CATEGORY = 32,
	C_OBSERVATION,
	C_SEVERITY,
	C_LATITUDE,
	C_LONGITUDE,
	C_LOC_NAME,
	C_LOC_ADDRESS,
	C_ANONYMOUS,
	C_LAST_MESSAGE,
	C_TEAM = C_LAST_MESSAGE + 3,
	/* After the team, the AI flag, the username and the user id. */
	C_SLA = C_TEAM + 5,
	/* After the SLA's seven columns: the customer stopped marketing
	 * (issue 16, consent). */
	C_MARKETING = C_SLA + 7,
	/* What needs the agent (issue 19), after the consent: waiting_since,
	 * the last author's kind, user and name, unread. */
	C_ATTN = C_MARKETING + 1,
	/* The list's sort key, after those five (tick_ticket_list). */
	C_LAST_KEY = C_ATTN + 5
};

/* {"id", "code", "name"} of the site in columns c..c+2, or null. */
static json_t *
site_json(const struct tick_q *q, int c, long long id, const char *code,
    const char *name)
{
	if (tick_q_isnull(q, c))
		return json_null();
	return json_pack("{s:I, s:o, s:o}", "id", (json_int_t)id, "code",
	    col(q, c + 1, code), "name", col(q, c + 2, name));
}

/* The report's fields of a ticket (issue 11). */
static void
report_json(const struct tick_q *q, const struct row *r, json_t *o)
{
	json_object_set_new(o, "site",
	    site_json(q, C_SITE, r->site_id, r->site_code, r->site_name));
	json_object_set_new(o, "subsite",
	    site_json(q, C_SUBSITE, r->subsite_id, r->subsite_code,
	        r->subsite_name));
	json_object_set_new(o, "category", col(q, C_CATEGORY, r->category));
	json_object_set_new(o, "observation_type",
	    col(q, C_OBSERVATION, r->observation));
	json_object_set_new(o, "severity", col(q, C_SEVERITY, r->severity));
	json_object_set_new(o, "urgent",
	    json_boolean(!tick_q_isnull(q, C_SEVERITY) &&
	        tick_report_is_critical(r->severity) &&
	        strcmp(r->status, "closed") != 0));
	json_object_set_new(o, "location",
	    tick_q_isnull(q, C_LATITUDE) || tick_q_isnull(q, C_LONGITUDE) ?
	        json_null() :
	        json_pack("{s:f, s:f, s:o, s:o}", "latitude",
	            strtod(r->latitude, NULL), "longitude",
	            strtod(r->longitude, NULL), "name",
	            col(q, C_LOC_NAME, r->location_name), "address",
	            col(q, C_LOC_ADDRESS, r->location_address)));
	json_object_set_new(o, "anonymous", json_boolean(r->anonymous));
}

/* SLA_WARNING_MINUTES in seconds (tick_ticket_set_sla_warning). */
static int64_t sla_warn_s = 30 * 60;

void
tick_ticket_set_sla_warning(long long seconds)
{
	sla_warn_s = seconds;
}

/* {policy, *_due_at, state, seconds_left, paused}: the state of the
 * nearest running due time at the SLA clock's now (base/sla_rules). */
static json_t *
sla_json(const struct tick_q *q, const struct row *r)
{
	enum tick_sla_state st;
	int64_t left = 0;

	if (r->sla_paused)
		st = TICK_SLA_PAUSED;
	else
		st = tick_sla_state(r->sla_next, tick_clock_now(), sla_warn_s,
		    &left);
	return json_pack("{s:{s:I, s:o}, s:o, s:o, s:o, s:s, s:o, s:b}",
	    "policy", "id", (json_int_t)r->sla_policy, "name",
	    col(q, C_SLA + 1, r->sla_name), "first_response_due_at",
	    col(q, C_SLA + 2, r->sla_first), "next_response_due_at",
	    col(q, C_SLA + 3, r->sla_nextat), "resolution_due_at",
	    col(q, C_SLA + 4, r->sla_resolution), "state",
	    tick_sla_state_names[st], "seconds_left",
	    st == TICK_SLA_NONE || st == TICK_SLA_PAUSED ?
	        json_null() :
	        json_integer((json_int_t)left),
	    "paused", (int)r->sla_paused);
}

/* {kind, user_id, name} of who wrote the message the list shows: the
 * customer (also for the description, when no reply is there yet; the
 * name hidden on an anonymous report), an agent, or tick itself. */
static json_t *
last_author_json(const struct tick_q *q, const struct row *r, int masked)
{
	const char *kind = tick_q_isnull(q, C_ATTN + 1) ? "customer" :
	                                                  r->last_kind;

	if (strcmp(kind, "customer") == 0)
		return json_pack("{s:s, s:n, s:s}", "kind", "customer",
		    "user_id", "name", masked ? TICK_ANONYMOUS_NAME : r->name);
	return json_pack("{s:s, s:o, s:o}", "kind", kind, "user_id",
	    tick_q_isnull(q, C_ATTN + 2) ?
	        json_null() :
	        json_integer((json_int_t)r->last_uid),
	    "name", col(q, C_ATTN + 3, r->last_name));
}

static json_t *
row_json(const struct tick_q *q, const struct row *r, int full)
{
	json_t *o = json_object();
	/* An anonymous report shows nobody who the reporter is: the name,
	 * mobile and e-mail only through the audited reveal. */
	int masked = r->anonymous != 0;

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "id", json_integer((json_int_t)r->id));
	json_object_set_new(o, "reference", col(q, 1, r->reference));
	json_object_set_new(o, "name",
	    json_string(masked ? TICK_ANONYMOUS_NAME : r->name));
	json_object_set_new(o, "email",
	    masked ? json_null() : col(q, 3, r->email));
	json_object_set_new(o, "mobile",
	    masked ? json_null() : col(q, 4, r->mobile));
	if (full)
		json_object_set_new(o, "description",
		    json_string(r->description));
	json_object_set_new(o, "issue_type", col(q, 6, r->issue_type));
	json_object_set_new(o, "issue_type_other",
	    col(q, 7, r->issue_type_other));
	json_object_set_new(o, "issue_title", col(q, 8, r->issue_title));
	json_object_set_new(o, "status", json_string(r->status));
	json_object_set_new(o, "whatsapp_enabled", json_boolean(r->wa));
	json_object_set_new(o, "whatsapp_notifications",
	    json_boolean(r->notify));
	json_object_set_new(o, "source", json_string(r->source));
	json_object_set_new(o, "assigned_to",
	    tick_q_isnull(q, 13) ?
	        json_null() :
	        json_pack("{s:I, s:o}", "id", (json_int_t)r->assigned_to,
	            "name", col(q, 14, r->assignee)));
	json_object_set_new(o, "attachment_name",
	    col(q, 15, r->attachment_name));
	json_object_set_new(o, "attachment_type",
	    col(q, 16, r->attachment_type));
	if (full)
		json_object_set_new(o, "resolution", col(q, 17, r->resolution));
	json_object_set_new(o, "created_at", json_string(r->created));
	json_object_set_new(o, "updated_at", json_string(r->updated));
	json_object_set_new(o, "assigned_at", col(q, 20, r->assigned_at));
	json_object_set_new(o, "first_response_at",
	    col(q, 21, r->first_response));
	json_object_set_new(o, "closed_at", col(q, 22, r->closed));
	json_object_set_new(o, "last_activity_at", col(q, 23, r->activity));
	json_object_set_new(o, "last_customer_message_at",
	    col(q, 24, r->customer));
	json_object_set_new(o, "whatsapp_window_open", json_boolean(r->window));
	report_json(q, r, o);
	json_object_set_new(o, "team",
	    tick_q_isnull(q, C_TEAM) ?
	        json_null() :
	        json_pack("{s:I, s:o}", "id", (json_int_t)r->team_id, "name",
	            col(q, C_TEAM + 1, r->team_name)));
	/* The SLA: null when no policy applies. */
	json_object_set_new(o, "sla",
	    tick_q_isnull(q, C_SLA) || r->sla_policy <= 0 ? json_null() :
	                                                    sla_json(q, r));
	json_object_set_new(o, "flagged", json_boolean(r->flagged != 0));
	/* Issue 16: who the customer is on WhatsApp when no phone shows;
	 * hidden like the mobile on an anonymous report. */
	json_object_set_new(o, "username",
	    masked ? json_null() : col(q, C_TEAM + 3, r->username));
	json_object_set_new(o, "whatsapp_user_id",
	    masked ? json_null() : col(q, C_TEAM + 4, r->wa_user_id));
	/* Issue 16: the customer stopped marketing messages. */
	json_object_set_new(o, "marketing_opt_out",
	    json_boolean(r->marketing_opt_out != 0));
	/* The detail lists its actions (api/actions_api.c); a row counts
	 * them. */
	if (!full) {
		json_object_set_new(o, "open_actions",
		    json_integer((json_int_t)r->open_actions));
		json_object_set_new(o, "overdue_actions",
		    json_integer((json_int_t)r->overdue_actions));
	}
	json_object_set_new(o, "waiting_since", col(q, C_ATTN, r->waiting));
	json_object_set_new(o, "last_author", last_author_json(q, r, masked));
	if (!full)
		json_object_set_new(o, "unread",
		    json_boolean(!tick_q_isnull(q, C_ATTN + 4) && r->unread));
	if (!full)
		json_object_set_new(o, "last_message",
		    tick_q_isnull(q, C_LAST_MESSAGE) ?
		        json_string(r->description) :
		        json_string(r->last_message));
	return o;
}

/* Whether an agent may send a message again: a failed outbound one that
 * Meta did not refuse for good (POST .../messages/:id/retry agrees). */
static int
retryable(const char *dir, const char *status, long long code)
{
	return strcmp(dir, "out") == 0 && strcmp(status, "failed") == 0 &&
	    !tick_wa_error_permanent(code);
}

static json_t *
whatsapp_json(const struct tick_q *q, int c, long long id, const char *status,
    const char *wamid, long long code, const char *title)
{
	if (tick_q_isnull(q, c))
		return json_null();
	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:b}", "id", (json_int_t)id,
	    "status", status, "wamid", col(q, c + 3, wamid), "error_code",
	    tick_q_isnull(q, c + 4) ? json_null() :
	                              json_integer((json_int_t)code),
	    "error_title", col(q, c + 5, title), "retryable",
	    retryable("out", status, tick_q_isnull(q, c + 4) ? 0 : code));
}

/* The newest p->limit items before p's cursor, from replies and
 * WhatsApp-only messages, into out in time order; *older when there are
 * more before them. Time order is (created_at, WhatsApp before reply, id):
 * on a tie the message came first, stored before the reply that answers
 * or carries it. */
static enum tick_err
timeline(struct tick_db *db, long long id, const struct tick_timeline_page *p,
    json_t *out, int *older)
{
	static char text[TEXT_BUF];
	json_t *a = json_array(), *b = json_array();
	long long rid, internal, uid, mid, code;
	char author[16], uname[TICK_COL_BUF(100)], when[40], dir[8],
	    mstatus[16], wamid[TICK_COL_BUF(TICK_MAX_WAMID)],
	    title[TICK_COL_BUF(255)], type[TICK_COL_BUF(TICK_MAX_TYPE)],
	    at[40] = "";
	int cursor = p->before_kind != 0, csrc = p->before_kind == 'r';
	enum tick_err rc = TICK_OK;
	struct tick_q q;
	size_t i = 0, j = 0, n = 0;
	int r;

	*older = 0;
	if (a == NULL || b == NULL) {
		json_decref(a);
		json_decref(b);
		return TICK_ENOMEM;
	}
	if (cursor) {
		tick_q_init(&q, db,
		    stmts[csrc ? TK_CURSOR_REPLY : TK_CURSOR_MESSAGE]);
		tick_q_int(&q, p->before_id);
		tick_q_int(&q, id);
		tick_q_out_str(&q, at, sizeof(at));
		if ((rc = tick_q_exec(&q)) == TICK_OK) {
			r = tick_q_fetch(&q);
			rc = r == 1 ? TICK_OK :
			    r == 0  ? TICK_ENOTFOUND :
			              TICK_EDB;
		}
		tick_q_done(&q);
	}
	if (rc == TICK_OK) {
		tick_q_init(&q, db, stmts[TK_TIMELINE_REPLIES]);
		tick_q_int(&q, id);
		tick_q_int(&q, cursor);
		tick_q_str(&q, at, (size_t)-1);
		tick_q_int(&q, csrc);
		tick_q_int(&q, p->before_id);
		/* One more than shown says whether there are older ones. */
		tick_q_int(&q, p->limit + 1);
		tick_q_out_int(&q, &rid);
		tick_q_out_str(&q, author, sizeof(author));
		tick_q_out_int(&q, &internal);
		tick_q_out_str(&q, text, sizeof(text));
		tick_q_out_int(&q, &uid);
		tick_q_out_str(&q, uname, sizeof(uname));
		tick_q_out_str(&q, when, sizeof(when));
		tick_q_out_int(&q, &mid);
		tick_q_out_str(&q, dir, sizeof(dir));
		tick_q_out_str(&q, mstatus, sizeof(mstatus));
		tick_q_out_str(&q, wamid, sizeof(wamid));
		tick_q_out_int(&q, &code);
		tick_q_out_str(&q, title, sizeof(title));
		tick_q_out_str(&q, type, sizeof(type));
		rc = tick_q_exec(&q);
		while (rc == TICK_OK && (r = tick_q_fetch(&q)) != 0) {
			if (r < 0) {
				rc = TICK_EDB;
				break;
			}
			json_array_append_new(a,
			    json_pack("{s:s, s:I, s:s, s:b, s:s, s:o, s:s, s:o}",
			        "kind", internal ? "note" : "reply", "id",
			        (json_int_t)rid, "author", author, "internal",
			        (int)internal, "text", text, "user",
			        tick_q_isnull(&q, 4) ?
			            json_null() :
			            json_pack("{s:I, s:o}", "id",
			                (json_int_t)uid, "name",
			                col(&q, 5, uname)),
			        "created_at", when, "whatsapp",
			        whatsapp_json(&q, 7, mid, mstatus, wamid, code,
			            title)));
		}
		tick_q_done(&q);
	}
	if (rc == TICK_OK) {
		tick_q_init(&q, db, stmts[TK_TIMELINE_MESSAGES]);
		tick_q_int(&q, id);
		tick_q_int(&q, id);
		tick_q_int(&q, cursor);
		tick_q_str(&q, at, (size_t)-1);
		tick_q_int(&q, csrc);
		tick_q_int(&q, p->before_id);
		tick_q_int(&q, p->limit + 1);
		tick_q_out_int(&q, &mid);
		tick_q_out_str(&q, dir, sizeof(dir));
		tick_q_out_str(&q, type, sizeof(type));
		tick_q_out_str(&q, text, sizeof(text));
		tick_q_out_str(&q, mstatus, sizeof(mstatus));
		tick_q_out_str(&q, wamid, sizeof(wamid));
		tick_q_out_int(&q, &code);
		tick_q_out_str(&q, title, sizeof(title));
		tick_q_out_str(&q, when, sizeof(when));
		rc = tick_q_exec(&q);
		while (rc == TICK_OK && (r = tick_q_fetch(&q)) != 0) {
			if (r < 0) {
				rc = TICK_EDB;
				break;
			}
			json_array_append_new(b,
			    json_pack(
			        "{s:s, s:I, s:s, s:b, s:s, s:s, s:o, s:{s:I, s:s, s:s, s:o, s:o, s:o, s:b}}",
			        "kind", "whatsapp", "id", (json_int_t)mid,
			        "author",
			        strcmp(dir, "in") == 0 ? "customer" : "system",
			        "internal", 0, "type", type, "created_at", when,
			        "text", col(&q, 3, text), "whatsapp", "id",
			        (json_int_t)mid, "direction", dir, "status",
			        mstatus, "wamid", col(&q, 5, wamid),
			        "error_code",
			        tick_q_isnull(&q, 6) ?
			            json_null() :
			            json_integer((json_int_t)code),
			        "error_title", col(&q, 7, title), "retryable",
			        retryable(dir, mstatus,
			            tick_q_isnull(&q, 6) ? 0 : code)));
		}
		tick_q_done(&q);
	}
	/* Both are newest first: merge them, newest first, and keep the
	 * page's worth. ISO times compare as text. */
	while (rc == TICK_OK &&
	    (i < json_array_size(a) || j < json_array_size(b))) {
		json_t *x = json_array_get(a, i), *y = json_array_get(b, j);
		const char *tx = x ?
		    json_string_value(json_object_get(x, "created_at")) :
		    NULL;
		const char *ty = y ?
		    json_string_value(json_object_get(y, "created_at")) :
		    NULL;

		if (n == (size_t)p->limit) {
			*older = 1;
			break;
		}
		if (y == NULL || (x != NULL && strcmp(tx, ty) >= 0)) {
			json_array_insert(out, 0, x);
			i++;
		} else {
			json_array_insert(out, 0, y);
			j++;
		}
		n++;
	}
	json_decref(a);
	json_decref(b);
	return rc;
}

/* Each customer item of timeline tl answers "moderation": the AI check of
 * its WhatsApp message (issue 17), or null when it has none. */
static enum tick_err
timeline_moderation(struct tick_db *db, json_t *tl)
{
	enum tick_err rc = TICK_OK;
	json_t *item, *m;
	size_t i;

	json_array_foreach (tl, i, item) {
		const char *author = json_string_value(
		    json_object_get(item, "author"));
		json_t *wa = json_object_get(item, "whatsapp");
		long long mid = json_integer_value(json_object_get(wa, "id"));

		if (author == NULL || strcmp(author, "customer") != 0)
			continue;
		m = NULL;
		if (mid > 0 &&
		    (rc = tick_moderation_of(db, mid, &m)) != TICK_OK)
			break;
		json_object_set_new(item, "moderation", m ? m : json_null());
	}
	return rc;
}

/* Each customer's photo of files arr answers "moderation": its AI check
 * (issue 17), or null when it has none. */
static enum tick_err
attachments_moderation(struct tick_db *db, json_t *arr)
{
	enum tick_err rc = TICK_OK;
	json_t *a, *m;
	size_t i;

	json_array_foreach (arr, i, a) {
		long long mid = json_integer_value(
		    json_object_get(a, "message_id"));
		const char *dir = json_string_value(
		    json_object_get(a, "direction"));

		m = NULL;
		if (mid > 0 && dir != NULL && strcmp(dir, "in") == 0 &&
		    (rc = tick_moderation_of_image(db, mid, &m)) != TICK_OK)
			break;
		json_object_set_new(a, "moderation", m ? m : json_null());
	}
	return rc;
}

/* The ticket's files: message_id or reply_id say where each belongs. */
static enum tick_err
attachments(struct tick_db *db, long long id, json_t *o)
{
	long long aid, mid, rid, bytes;
	char dir[4], state[10], url[TICK_COL_BUF(1024)],
	    mime[TICK_COL_BUF(128)], name[TICK_COL_BUF(255)],
	    err[TICK_COL_BUF(255)], when[40];
	json_t *arr = json_array();
	enum tick_err rc;
	struct tick_q q;
	int r;

	if (arr == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[TK_ATTACHMENTS]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &aid);
	tick_q_out_int(&q, &mid);
	tick_q_out_int(&q, &rid);
	tick_q_out_str(&q, dir, sizeof(dir));
	tick_q_out_str(&q, state, sizeof(state));
	tick_q_out_str(&q, url, sizeof(url));
	tick_q_out_str(&q, mime, sizeof(mime));
	tick_q_out_str(&q, name, sizeof(name));
	tick_q_out_int(&q, &bytes);
	tick_q_out_str(&q, err, sizeof(err));
	tick_q_out_str(&q, when, sizeof(when));
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (r = tick_q_fetch(&q)) != 0) {
		if (r < 0) {
			rc = TICK_EDB;
			break;
		}
		json_array_append_new(arr,
		    json_pack(
		        "{s:I, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:I, s:o, s:s}",
		        "id", (json_int_t)aid, "message_id",
		        mid ? json_integer((json_int_t)mid) : json_null(),
		        "reply_id",
		        rid ? json_integer((json_int_t)rid) : json_null(),
		        "direction", dir, "state", state, "secure_url",
		        col(&q, 5, url), "mime_type", col(&q, 6, mime),
		        "file_name", col(&q, 7, name), "bytes",
		        (json_int_t)bytes, "error", col(&q, 9, err),
		        "created_at", when));
	}
	tick_q_done(&q);
	if (rc == TICK_OK)
		rc = attachments_moderation(db, arr);
	if (rc == TICK_OK)
		json_object_set_new(o, "attachments", arr);
	else
		json_decref(arr);
	return rc;
}

json_t *
tick_ticket_json(struct tick_db *db, long long id, int with_timeline,
    enum tick_err *rc)
{
	struct tick_timeline_page p = { TICK_TIMELINE_DEFAULT, 0, 0 };

	return tick_ticket_json_page(db, id, with_timeline ? &p : NULL, rc);
}

/* The answer's paging of the timeline: how many in all, whether older
 * ones remain, and the cursor that fetches them. */
static enum tick_err
timeline_paging(struct tick_db *db, long long id, int older, json_t *o)
{
	json_t *tl = json_object_get(o, "timeline"), *first;
	long long total = 0;
	char cursor[32] = "";
	enum tick_err rc;
	struct tick_q q;

	tick_q_init(&q, db, stmts[TK_TIMELINE_COUNT]);
	tick_q_int(&q, id);
	tick_q_int(&q, id);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &total);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	if (rc != TICK_OK)
		return rc;
	if (older && (first = json_array_get(tl, 0)) != NULL)
		snprintf(cursor, sizeof(cursor), "%c%lld",
		    strcmp(json_string_value(json_object_get(first, "kind")),
		        "whatsapp") == 0 ?
		        'm' :
		        'r',
		    (long long)json_integer_value(
		        json_object_get(first, "id")));
	json_object_set_new(o, "timeline_total", json_integer(total));
	json_object_set_new(o, "timeline_has_older", json_boolean(older));
	json_object_set_new(o, "timeline_before",
	    cursor[0] ? json_string(cursor) : json_null());
	return TICK_OK;
}

json_t *
tick_ticket_json_page(struct tick_db *db, long long id,
    const struct tick_timeline_page *page, enum tick_err *rc)
{
	json_t *o = NULL, *tl;
	struct tick_q q;
	struct row r;
	int f, older = 0;

	if (row_alloc(&r) != 0) {
		row_free(&r);
		*rc = TICK_ENOMEM;
		return NULL;
	}
	tick_q_init(&q, db, stmts[TK_GET]);
	tick_q_int(&q, id);
	bind_row(&q, &r);
	if ((*rc = tick_q_exec(&q)) == TICK_OK) {
		f = tick_q_fetch(&q);
		if (f == 1)
			o = row_json(&q, &r, 1);
		*rc = f == 1 ? (o ? TICK_OK : TICK_ENOMEM) :
		    f == 0   ? TICK_ENOTFOUND :
		               TICK_EDB;
	}
	tick_q_done(&q);
	row_free(&r);
	if (o != NULL && (*rc = tick_tags_attach(db, NULL, o)) != TICK_OK) {
		json_decref(o);
		return NULL;
	}
	/* The customer's rating (issue 13): {score, comment, at} or null. */
	if (o != NULL) {
		json_t *cs = tick_csat_json(db, id);

		if (cs == NULL) {
			json_decref(o);
			*rc = TICK_EDB;
			return NULL;
		}
		json_object_set_new(o, "csat", cs);
	}
	if (o != NULL && page != NULL) {
		if ((tl = json_array()) == NULL ||
		    (*rc = timeline(db, id, page, tl, &older)) != TICK_OK) {
			json_decref(tl);
			json_decref(o);
			*rc = *rc == TICK_OK ? TICK_ENOMEM : *rc;
			return NULL;
		}
		json_object_set_new(o, "timeline", tl);
		/* Issue 16: reactions, quotes, answers, edits. */
		if ((*rc = timeline_moderation(db, tl)) != TICK_OK ||
		    (*rc = tick_richmsg_attach(db, id, tl)) != TICK_OK ||
		    (*rc = timeline_paging(db, id, older, o)) != TICK_OK ||
		    (*rc = attachments(db, id, o)) != TICK_OK) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* The WHERE clause for f: constant fragments, values bound in order. */
/* " AND col IN (?, ...)" for n values (none when n is 0). */
static void
where_in(struct tick_sql *s, const char *col, size_t n)
{
	if (n == 0)
		return;
	tick_sql_add(s, " AND ");
	tick_sql_add(s, col);
	tick_sql_add(s, " IN (?");
	for (size_t i = 1; i < n; i++)
		tick_sql_add(s, ", ?");
	tick_sql_add(s, ")");
}

/* head (ending in "(?"), ", ?" for each value after the first, ")". */
static void
where_ids(struct tick_sql *s, const char *head, size_t n)
{
	tick_sql_add(s, head);
	for (size_t i = 1; i < n; i++)
		tick_sql_add(s, ", ?");
	tick_sql_add(s, ")");
}

static void
bind_in(struct tick_q *q, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tick_q_str(q, v[i], (size_t)-1);
}

/* The conditions of f after its first: over tickets t, or over the rows
 * of ticket_rollup t (which hold the same columns, deleted tickets in
 * none). */
static void
where_rest(struct tick_sql *s, const struct tick_ticket_filters *f)
{
	if (f->nstatus > 0) {
		tick_sql_add(s, " AND t.status IN (?");
		for (size_t i = 1; i < f->nstatus; i++)
			tick_sql_add(s, ", ?");
		tick_sql_add(s, ")");
	}
	if (f->assigned_to > 0)
		tick_sql_add(s, " AND t.assigned_to = ?");
	if (f->unassigned)
		tick_sql_add(s, " AND t.assigned_to IS NULL");
	/* In a zone, the bounds move to UTC once, so the index still
	 * serves the range. */
	if (f->from[0])
		tick_sql_add(s,
		    f->tz[0] ?
		        " AND t.created_at >= CONVERT_TZ(?, ?, '+00:00')" :
		        " AND t.created_at >= ?");
	if (f->to[0])
		tick_sql_add(s,
		    f->tz[0] ?
		        " AND t.created_at < CONVERT_TZ(IF(LENGTH(?) = 10,"
		        " DATE_ADD(?, INTERVAL 1 DAY), ?), ?, '+00:00')" :
		        " AND t.created_at < IF(LENGTH(?) = 10,"
		        " DATE_ADD(?, INTERVAL 1 DAY), ?)");
	/* A site by id or code; its tickets include its sub-sites'. */
	if (f->sites_resolved) {
		if (f->nsite_ids == 0 && f->nsubsite_ids == 0)
			tick_sql_add(s, " AND 0");
		else if (f->nsubsite_ids == 0)
			where_ids(s, " AND t.site_id IN (?", f->nsite_ids);
		else if (f->nsite_ids == 0)
			where_ids(s, " AND t.subsite_id IN (?",
			    f->nsubsite_ids);
		else {
			where_ids(s, " AND (t.site_id IN (?", f->nsite_ids);
			where_ids(s, " OR t.subsite_id IN (?", f->nsubsite_ids);
			tick_sql_add(s, ")");
		}
	} else if (f->nsites > 0) {
		tick_sql_add(s,
		    " AND (t.site_id IN (SELECT x.id FROM sites x"
		    " WHERE x.id IN (?");
		for (size_t i = 1; i < f->nsites; i++)
			tick_sql_add(s, ", ?");
		tick_sql_add(s, ") OR x.code IN (?");
		for (size_t i = 1; i < f->nsites; i++)
			tick_sql_add(s, ", ?");
		tick_sql_add(s,
		    ")) OR t.subsite_id IN (SELECT x.id FROM sites x"
		    " WHERE x.id IN (?");
		for (size_t i = 1; i < f->nsites; i++)
			tick_sql_add(s, ", ?");
		tick_sql_add(s, ") OR x.code IN (?");
		for (size_t i = 1; i < f->nsites; i++)
			tick_sql_add(s, ", ?");
		tick_sql_add(s, ")))");
	}
	where_in(s, "t.category", f->ncategories);
	where_in(s, "t.severity", f->nseverities);
	where_in(s, "t.observation_type", f->nobservations);
	/* Issue 13: a team (-1: none) and a tag. */
	if (f->team_id > 0)
		tick_sql_add(s, " AND t.team_id = ?");
	else if (f->team_id < 0)
		tick_sql_add(s, " AND t.team_id IS NULL");
	if (f->tag[0])
		tick_sql_add(s,
		    " AND t.id IN (SELECT g.ticket_id FROM ticket_tags g"
		    " WHERE g.tag = ?)");
	/* Issue 17: a message flagged by the AI check and not cleared. */
	if (f->flagged)
		tick_sql_add(s, " AND " TICK_MODERATION_FLAGGED_SQL);
	/* Each kind of search is its own indexed lookup (the reference's
	 * unique key, the reversed mobile's index, the FULLTEXT indexes of
	 * tickets, replies and their CJK bigrams), their ids joined by UNION:
	 * one OR over them all read every ticket. An anonymous report is
	 * found by its reference and its words, never by the reporter's name
	 * or number. */
	if (f->q[0]) {
		tick_sql_add(s,
		    " AND t.id IN (SELECT h.id FROM ("
		    "SELECT x.id FROM tickets x WHERE x.reference IN (?, ?)"
		    " UNION SELECT x.id FROM tickets x"
		    " WHERE MATCH(x.name, x.description, x.issue_title)"
		    " AGAINST (?) AND (x.anonymous = 0 OR"
		    " x.name NOT LIKE CONCAT('%', ?, '%'))"
		    " UNION SELECT r.ticket_id FROM replies r"
		    " WHERE MATCH(r.message) AGAINST (?)");
		if (f->qmobile[0])
			tick_sql_add(s,
			    " UNION SELECT x.id FROM tickets x"
			    " WHERE x.mobile_rev LIKE ? AND x.anonymous = 0");
		if (f->qcjk[0])
			tick_sql_add(s,
			    " UNION SELECT x.id FROM tickets x"
			    " WHERE MATCH(x.search_cjk) AGAINST (? IN BOOLEAN MODE)"
			    " UNION SELECT r.ticket_id FROM replies r"
			    " WHERE MATCH(r.search_cjk) AGAINST (? IN BOOLEAN MODE)");
		tick_sql_add(s, ") h)");
	}
}

/* Whether scope s limits the tickets at all. When it does not, the built
 * lists leave TICK_SCOPE_SQL out: its constant-true ORs still name
 * columns, which keeps an index from covering the inbox's bounded count
 * (issue 18). */
static int
scoped(const struct tick_scope *s)
{
	return s->sites_only || s->teams_only;
}

void
tick_ticket_where(struct tick_sql *s, const struct tick_ticket_filters *f)
{
	tick_sql_add(s, " WHERE t.deleted_at IS NULL");
	if (scoped(&f->scope))
		tick_sql_add(s, " AND " TICK_SCOPE_SQL);
	where_rest(s, f);
}

int
tick_ticket_where_rollup(struct tick_sql *s,
    const struct tick_ticket_filters *f)
{
	/* A tag and a search ask for the ticket itself; a bound with a time
	 * of day may cut a quarter hour. */
	if (f->tag[0] || f->q[0] || (f->from[0] && strlen(f->from) != 10) ||
	    (f->to[0] && strlen(f->to) != 10))
		return -1;
	tick_sql_add(s, " WHERE t.n <> 0");
	if (scoped(&f->scope))
		tick_sql_add(s, " AND " TICK_SCOPE_SQL);
	where_rest(s, f);
	return 0;
}

void
tick_ticket_bind_where(struct tick_q *q, const struct tick_ticket_filters *f)
{
	if (scoped(&f->scope))
		tick_scope_bind(q, &f->scope);
	for (size_t i = 0; i < f->nstatus; i++)
		tick_q_str(q, f->status[i], (size_t)-1);
	if (f->assigned_to > 0)
		tick_q_int(q, f->assigned_to);
	if (f->from[0]) {
		tick_q_str(q, f->from, (size_t)-1);
		if (f->tz[0])
			tick_q_str(q, f->tz, (size_t)-1);
	}
	if (f->to[0]) {
		tick_q_str(q, f->to, (size_t)-1);
		tick_q_str(q, f->to, (size_t)-1);
		tick_q_str(q, f->to, (size_t)-1);
		if (f->tz[0])
			tick_q_str(q, f->tz, (size_t)-1);
	}
	if (f->sites_resolved) {
		for (size_t i = 0; i < f->nsite_ids; i++)
			tick_q_int(q, f->site_ids[i]);
		for (size_t i = 0; i < f->nsubsite_ids; i++)
			tick_q_int(q, f->subsite_ids[i]);
	} else {
		for (int k = 0; k < 4; k++)
			bind_in(q, f->sites, f->nsites);
	}
	bind_in(q, f->categories, f->ncategories);
	bind_in(q, f->severities, f->nseverities);
	bind_in(q, f->observations, f->nobservations);
	if (f->team_id > 0)
		tick_q_int(q, f->team_id);
	if (f->tag[0])
		tick_q_str(q, f->tag, (size_t)-1);
	if (f->q[0]) {
		tick_q_str(q, f->q, (size_t)-1);
		tick_q_str(q, f->qref[0] ? f->qref : f->q, (size_t)-1);
		tick_q_str(q, f->qwords, (size_t)-1);
		tick_q_str(q, f->qlike, (size_t)-1);
		tick_q_str(q, f->qwords, (size_t)-1);
		if (f->qmobile[0])
			tick_q_str(q, f->qmobile, (size_t)-1);
		if (f->qcjk[0]) {
			tick_q_str(q, f->qcjk, (size_t)-1);
			tick_q_str(q, f->qcjk, (size_t)-1);
		}
	}
}

enum tick_err
tick_ticket_resolve(struct tick_db *db, const struct tick_scope *scope,
    long long id, const char *ref, long long *found)
{
	struct tick_q q;
	enum tick_err rc;

	*found = 0;
	if (id > 0) {
		tick_q_init(&q, db, stmts[TK_EXISTS]);
		tick_q_int(&q, id);
	} else {
		tick_q_init(&q, db, stmts[TK_ID_BY_REF]);
		tick_q_str(&q, ref, (size_t)-1);
	}
	tick_scope_bind(&q, scope);
	tick_q_out_int(&q, found);
	rc = tick_q_one(&q);
	if (rc != TICK_OK)
		*found = 0;
	return rc;
}

/* The sort key of the list's order as the cursor carries it; NULL for a
 * sort that pages by number only. */
static const char *const sort_key_sql[5] = {
	"DATE_FORMAT(t.created_at, '%Y-%m-%d %H:%i:%s')",
	"DATE_FORMAT(t.created_at, '%Y-%m-%d %H:%i:%s')",
	"DATE_FORMAT(t.last_activity_at, '%Y-%m-%d %H:%i:%s.%f')",
	NULL, /* sla: by number */
	/* waiting (issue 19): never NULL, see sql/030 */
	"DATE_FORMAT(t.waiting_key, '%Y-%m-%d %H:%i:%s.%f')",
};

/* Whether sort pages by cursor (has a key above). */
static int
sort_keyed(int sort)
{
	return sort >= 0 && sort <= 4 && sort_key_sql[sort] != NULL;
}

/* The rows after cursor c in sort c->sort's order, written so that the
 * sort's index serves it as a range (col <= key) and the id breaks ties:
 * no row is skipped or shown twice when rows are added between pages. */
static void
cursor_where(struct tick_sql *s, const struct tick_cursor *c)
{
	if (c->sort == 4)
		tick_sql_add(s,
		    " AND t.waiting_key >= ? AND (t.waiting_key > ? OR t.id > ?)");
	else if (c->sort == 2 && c->key[0] == '\0')
		tick_sql_add(s, " AND t.last_activity_at IS NULL AND t.id < ?");
	else if (c->sort == 2)
		tick_sql_add(s,
		    " AND t.last_activity_at <= ? AND (t.last_activity_at < ?"
		    " OR t.id < ?)");
	else if (c->sort == 1)
		tick_sql_add(s,
		    " AND t.created_at >= ? AND (t.created_at > ? OR t.id > ?)");
	else
		tick_sql_add(s,
		    " AND t.created_at <= ? AND (t.created_at < ? OR t.id < ?)");
}

static void
cursor_bind(struct tick_q *q, const struct tick_cursor *c)
{
	if (c->key[0] != '\0') {
		tick_q_str(q, c->key, (size_t)-1);
		tick_q_str(q, c->key, (size_t)-1);
	}
	tick_q_int(q, c->id);
}

/* ticket_counts' dims (sql/029_counts.sql), in its ENUM's order. */
static const char *const count_dims[TICK_COUNTS__MAX] = {
	[TICK_COUNTS_ALL] = "all",
	[TICK_COUNTS_HOLDER] = "holder",
	[TICK_COUNTS_SITE] = "site",
	[TICK_COUNTS_SUBSITE] = "subsite",
	[TICK_COUNTS_TEAM] = "team",
};

int
tick_ticket_counts_dim(const struct tick_ticket_filters *f, long long *vals,
    size_t *nvals)
{
	int dim = TICK_COUNTS_ALL, given = 0;

	*nvals = 0;
	/* A scope, a search, dates, the report's keys, a tag, the AI flag:
	 * the tickets themselves. */
	if (scoped(&f->scope) || f->q[0] || f->from[0] || f->to[0] ||
	    f->ncategories > 0 || f->nseverities > 0 || f->nobservations > 0 ||
	    f->tag[0] || f->flagged || (f->nsites > 0 && !f->sites_resolved))
		return -1;
	vals[(*nvals)++] = 0;
	if (f->assigned_to > 0 || f->unassigned) {
		given++;
		dim = TICK_COUNTS_HOLDER;
		vals[0] = f->unassigned ? 0 : f->assigned_to;
	}
	if (f->team_id != 0) {
		given++;
		dim = TICK_COUNTS_TEAM;
		vals[0] = f->team_id > 0 ? f->team_id : 0;
	}
	if (f->sites_resolved && f->nsites > 0) {
		const long long *ids = f->nsite_ids > 0 ? f->site_ids :
		                                          f->subsite_ids;

		given++;
		/* Sites and sub-sites together may name one ticket twice;
		 * no site at all matches nothing, which the tickets say
		 * at once. */
		if ((f->nsite_ids > 0) == (f->nsubsite_ids > 0))
			return -1;
		dim = f->nsite_ids > 0 ? TICK_COUNTS_SITE : TICK_COUNTS_SUBSITE;
		*nvals = f->nsite_ids > 0 ? f->nsite_ids : f->nsubsite_ids;
		for (size_t i = 0; i < *nvals; i++)
			vals[i] = ids[i];
	}
	return given > 1 ? -1 : dim;
}

/* The matches of f from ticket_counts, exactly (dim, vals as
 * tick_ticket_counts_dim gave them): one primary-key range. */
static enum tick_err
counts_total(struct tick_db *db, const struct tick_ticket_filters *f, int dim,
    const long long *vals, size_t nvals, struct tick_list_page *p)
{
	struct tick_sql sql = { .len = 0 };
	struct tick_q q;
	long long n = 0;
	enum tick_err rc;

	tick_sql_add(&sql,
	    "SELECT CAST(COALESCE(SUM(n), 0) AS SIGNED)"
	    " FROM ticket_counts WHERE dim = ?");
	where_ids(&sql, " AND val IN (?", nvals);
	where_in(&sql, "status", f->nstatus);
	tick_q_init_built(&q, db, &sql);
	tick_q_str(&q, count_dims[dim], (size_t)-1);
	for (size_t i = 0; i < nvals; i++)
		tick_q_int(&q, vals[i]);
	for (size_t i = 0; i < f->nstatus; i++)
		tick_q_str(&q, f->status[i], (size_t)-1);
	tick_q_out_int(&q, &n);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	p->total_estimate = 0;
	p->total = n > 0 ? n : 0;
	return rc;
}

/* An agent's inbox with statuses alone (the panel's default), exactly:
 * TICK_SCOPE_SQL's team part as counters. An agent in no team sees every
 * ticket; one in teams sees the tickets of no team and of their teams
 * (ticket_counts' team rows) and the ones they hold in other teams (their
 * holder index: a few rows). */
static enum tick_err
agent_total(struct tick_db *db, const struct tick_ticket_filters *f,
    struct tick_list_page *p)
{
	struct tick_sql sql = { .len = 0 };
	struct tick_q q;
	long long n = 0;
	enum tick_err rc;

	tick_sql_add(&sql,
	    "SELECT CAST(IF(EXISTS (SELECT 1 FROM team_members"
	    " WHERE user_id = ?), (SELECT COALESCE(SUM(c.n), 0)"
	    " FROM ticket_counts c WHERE c.dim = 'team' AND (c.val = 0"
	    " OR c.val IN (SELECT team_id FROM team_members"
	    " WHERE user_id = ?))");
	where_in(&sql, "c.status", f->nstatus);
	tick_sql_add(&sql,
	    ") + (SELECT COUNT(*) FROM tickets t WHERE t.deleted_at IS NULL"
	    " AND t.assigned_to = ? AND t.team_id NOT IN (SELECT team_id"
	    " FROM team_members WHERE user_id = ?)");
	where_in(&sql, "t.status", f->nstatus);
	tick_sql_add(&sql,
	    "), (SELECT COALESCE(SUM(c.n), 0)"
	    " FROM ticket_counts c WHERE c.dim = 'all'");
	where_in(&sql, "c.status", f->nstatus);
	tick_sql_add(&sql, ")) AS SIGNED)");
	tick_q_init_built(&q, db, &sql);
	tick_q_int(&q, f->scope.user_id);
	tick_q_int(&q, f->scope.user_id);
	for (size_t i = 0; i < f->nstatus; i++)
		tick_q_str(&q, f->status[i], (size_t)-1);
	tick_q_int(&q, f->scope.user_id);
	tick_q_int(&q, f->scope.user_id);
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < f->nstatus; i++)
			tick_q_str(&q, f->status[i], (size_t)-1);
	tick_q_out_int(&q, &n);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	p->total_estimate = 0;
	p->total = n > 0 ? n : 0;
	return rc;
}

/* The matches of f: from the counters when they keep f's filter (issue
 * 18), else counted up to TICK_LIST_TOTAL_MAX + 1 rows only. */
static enum tick_err
list_total(struct tick_db *db, const struct tick_ticket_filters *f,
    struct tick_list_page *p)
{
	struct tick_sql sql = { .len = 0 };
	long long vals[2 * TICK_FILTER_VALUES_MAX];
	struct tick_ticket_filters unscoped = *f;
	struct tick_q q;
	long long n = 0;
	size_t nvals = 0;
	enum tick_err rc;
	int dim;

	if ((dim = tick_ticket_counts_dim(f, vals, &nvals)) >= 0)
		return counts_total(db, f, dim, vals, nvals, p);
	memset(&unscoped.scope, 0, sizeof(unscoped.scope));
	if (f->scope.teams_only && !f->scope.sites_only &&
	    f->scope.user_id > 0 &&
	    tick_ticket_counts_dim(&unscoped, vals, &nvals) == TICK_COUNTS_ALL)
		return agent_total(db, f, p);
	tick_sql_add(&sql, "SELECT COUNT(*) FROM (SELECT 1 FROM tickets t");
	tick_ticket_where(&sql, f);
	tick_sql_add(&sql, " LIMIT ?) x");
	tick_q_init_built(&q, db, &sql);
	tick_ticket_bind_where(&q, f);
	tick_q_int(&q, TICK_LIST_TOTAL_MAX + 1);
	tick_q_out_int(&q, &n);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	p->total_estimate = n > TICK_LIST_TOTAL_MAX;
	p->total = p->total_estimate ? TICK_LIST_TOTAL_MAX : n;
	return rc;
}

/* f's sites (by id or code) as ids in r, a copy of f: top-level sites
 * and sub-sites apart (see sites_resolved). */
static enum tick_err
resolve_sites(struct tick_db *db, const struct tick_ticket_filters *f,
    struct tick_ticket_filters *r)
{
	struct tick_sql sql = { .len = 0 };
	struct tick_q q;
	long long id = 0, parent = 0;
	enum tick_err rc;
	int fr;

	*r = *f;
	if (f->nsites == 0)
		return TICK_OK;
	where_ids(&sql,
	    "SELECT id, COALESCE(parent_id, 0) FROM sites"
	    " WHERE id IN (?",
	    f->nsites);
	where_ids(&sql, " OR code IN (?", f->nsites);
	tick_q_init_built(&q, db, &sql);
	bind_in(&q, f->sites, f->nsites);
	bind_in(&q, f->sites, f->nsites);
	tick_q_out_int(&q, &id);
	tick_q_out_int(&q, &parent);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (fr = tick_q_fetch(&q)) != 0) {
		if (fr < 0) {
			rc = TICK_EDB;
			break;
		}
		/* A value matches one site by id and one by code at most. */
		if (parent == 0 && r->nsite_ids < 2 * TICK_FILTER_VALUES_MAX)
			r->site_ids[r->nsite_ids++] = id;
		else if (parent != 0 &&
		    r->nsubsite_ids < 2 * TICK_FILTER_VALUES_MAX)
			r->subsite_ids[r->nsubsite_ids++] = id;
	}
	tick_q_done(&q);
	r->sites_resolved = 1;
	return rc;
}

enum tick_err
tick_ticket_list(struct tick_db *db, const struct tick_ticket_filters *given,
    struct tick_list_page *p, json_t **items)
{
	struct tick_ticket_filters resolved,
	    *f = &resolved; /* given, its sites as ids */
	struct tick_sql list = { .len = 0 };
	struct tick_cursor last = { .sort = given->sort };
	char key[sizeof(last.key)] = "";
	int keyed = sort_keyed(given->sort), more = 0;
	long long n = 0;
	json_t *o;
	enum tick_err rc;
	struct tick_q q;
	struct row r;
	int fr;

	p->total = 0;
	p->total_estimate = 0;
	p->next_cursor[0] = '\0';
	if (row_alloc(&r) != 0 || (*items = json_array()) == NULL) {
		row_free(&r);
		return TICK_ENOMEM;
	}
	if (p->after != NULL && (!keyed || p->after->sort != given->sort)) {
		rc = TICK_EINVAL;
		goto out;
	}
	if ((rc = resolve_sites(db, given, f)) != TICK_OK)
		goto out;
	if ((rc = list_total(db, f, p)) != TICK_OK)
		goto out;

	/* The snippet, the open actions and the AI flag are the ticket's
	 * own columns (issue 18, sql/025 and 029), not sub-queries per row;
	 * overdue actions are counted only on a ticket whose earliest open
	 * action was due before today. One row past the page says whether
	 * another page follows. */
	tick_sql_add(&list,
	    "SELECT " TICKET_COLUMNS " t.last_message, t.open_actions,"
	    " IF(t.next_action_due < UTC_DATE(), (SELECT COUNT(*)"
	    " FROM ticket_actions a WHERE a.ticket_id = t.id AND " TICK_ACTION_OVERDUE_SQL
	    "), 0)" TICKET_TEAM_COLUMNS TICKET_ATTN_COLUMNS
	    ", " TICK_READS_UNREAD_SQL ", ");
	tick_sql_add(&list, keyed ? sort_key_sql[f->sort] : "NULL");
	tick_sql_add(&list, " FROM" TICKET_FROM);
	tick_ticket_where(&list, f);
	if (p->after != NULL)
		cursor_where(&list, p->after);
	tick_sql_add(&list,
	    f->sort == 0     ? " ORDER BY t.created_at DESC, t.id DESC" :
	        f->sort == 1 ? " ORDER BY t.created_at, t.id" :
	        f->sort == 3 ? " ORDER BY " TICK_SLA_NEXT_DUE_SQL
	                       " IS NULL, " TICK_SLA_NEXT_DUE_SQL ", t.id" :
	        f->sort == 4 ? " ORDER BY t.waiting_key, t.id" :
	                       " ORDER BY t.last_activity_at DESC, t.id DESC");
	tick_sql_add(&list, " LIMIT ? OFFSET ?");
	tick_q_init_built(&q, db, &list);
	tick_q_int(&q, f->scope.user_id); /* unread for whom */
	tick_ticket_bind_where(&q, f);
	if (p->after != NULL)
		cursor_bind(&q, p->after);
	tick_q_int(&q, p->limit + 1);
	tick_q_int(&q, p->after != NULL ? 0 : (p->page - 1) * p->limit);
	bind_row(&q, &r);
	tick_q_out_str(&q, key, sizeof(key));
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (fr = tick_q_fetch(&q)) != 0) {
		if (fr > 0 && n == p->limit) {
			more = 1;
			continue; /* the look-ahead row */
		}
		if (fr < 0 || (o = row_json(&q, &r, 0)) == NULL) {
			rc = fr < 0 ? TICK_EDB : TICK_ENOMEM;
			break;
		}
		/* The list shows a snippet, not the whole description. */
		if (strlen(json_string_value(
		        json_object_get(o, "last_message"))) > SNIPPET_CHARS) {
			char cut[SNIPPET_BUF];

			tick_valid_utf8_cut(json_string_value(json_object_get(o,
			                        "last_message")),
			    strlen(json_string_value(
			        json_object_get(o, "last_message"))),
			    SNIPPET_CHARS, cut, sizeof(cut));
			json_object_set_new(o, "last_message",
			    json_string(cut));
		}
		json_array_append_new(*items, o);
		n++;
		last.id = r.id;
		if (tick_q_isnull(&q, C_LAST_KEY))
			last.key[0] = '\0';
		else
			memcpy(last.key, key, sizeof(last.key));
	}
	tick_q_done(&q);
	if (rc == TICK_OK && more && keyed &&
	    tick_cursor_format(&last, p->next_cursor, sizeof(p->next_cursor)) !=
	        TICK_OK) {
		tick_log_err("%s: ticket %lld: no cursor", __func__, last.id);
		rc = TICK_EDB;
	}
	if (rc == TICK_OK)
		rc = tick_tags_attach(db, *items, NULL);
out:
	row_free(&r);
	if (rc != TICK_OK) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

enum tick_err
tick_ticket_create_form(struct tick_db *db, const char *prefix,
    const struct tick_ticket_form *f, long long created_by, long long *id,
    char *ref, size_t refsz)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[TK_CREATE_FORM]);
	tick_q_str(&q, f->name, (size_t)-1);
	tick_q_opt_str(&q, f->email);
	tick_q_opt_str(&q, f->mobile);
	tick_q_str(&q, f->description, (size_t)-1);
	tick_q_str(&q, f->issue_type, (size_t)-1);
	tick_q_opt_str(&q, f->issue_type_other);
	tick_q_opt_str(&q, f->issue_title);
	tick_q_int(&q, f->whatsapp_enabled > 0);
	tick_q_int(&q, f->whatsapp_notifications > 0);
	tick_q_int(&q, created_by);
	rc = tick_q_exec(&q);
	*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	if (rc == TICK_OK)
		rc = set_reference(db, prefix, *id, ref, refsz);
	return rc;
}

enum tick_err
tick_ticket_update_form(struct tick_db *db, long long id,
    const struct tick_ticket_form *f)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TK_UPDATE]);
	tick_q_opt_str(&q, f->name);
	/* email, mobile, issue_type_other and issue_title may be cleared:
	 * the IF(given, value, column) pairs. */
	tick_q_int(&q, f->has_email);
	tick_q_opt_str(&q, f->email);
	tick_q_int(&q, f->has_mobile);
	tick_q_opt_str(&q, f->mobile);
	tick_q_opt_str(&q, f->description);
	tick_q_opt_str(&q, f->issue_type);
	tick_q_int(&q, f->has_issue_type_other);
	tick_q_opt_str(&q, f->issue_type_other);
	tick_q_int(&q, f->has_issue_title);
	tick_q_opt_str(&q, f->issue_title);
	/* A setting of -1 is left as it is. */
	if (f->whatsapp_enabled >= 0)
		tick_q_int(&q, f->whatsapp_enabled);
	else
		tick_q_null(&q);
	if (f->whatsapp_notifications >= 0)
		tick_q_int(&q, f->whatsapp_notifications);
	else
		tick_q_null(&q);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_ticket_delete(struct tick_db *db, long long id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TK_DELETE]);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_ticket_assign(struct tick_db *db, long long id, long long to, int take)
{
	struct tick_q q;
	enum tick_err rc;
	long long n;

	tick_q_init(&q, db, stmts[take ? TK_TAKE : TK_ASSIGN]);
	tick_q_int(&q, to);
	tick_q_int(&q, id);
	if ((rc = tick_q_count(&q, &n)) == TICK_OK && n != 1)
		rc = TICK_ECONFLICT;
	return rc;
}

enum tick_err
tick_ticket_set_status(struct tick_db *db, long long id, const char *status,
    long long taker)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TK_SET_STATUS]);
	tick_q_str(&q, status, (size_t)-1);
	tick_q_int(&q, taker);
	tick_q_int(&q, taker);
	tick_q_int(&q, taker);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_ticket_reopen(struct tick_db *db, long long id, const char *status)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TK_REOPEN]);
	tick_q_str(&q, status, (size_t)-1);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_ticket_close(struct tick_db *db, long long id, long long closed_by,
    const char *resolution)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TK_CLOSE]);
	tick_q_int(&q, closed_by);
	tick_q_str(&q, resolution, (size_t)-1);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_ticket_responded(struct tick_db *db, long long id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TK_RESPONDED]);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_ticket_touch(struct tick_db *db, long long id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TK_ACTIVITY]);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_ticket_open_by_mobile(struct tick_db *db, const char *mobile,
    long long *id)
{
	struct tick_q q;
	enum tick_err rc;

	*id = 0;
	tick_q_init(&q, db, stmts[TK_OPEN_FOR_MOBILE]);
	tick_q_str(&q, mobile, (size_t)-1);
	tick_q_out_int(&q, id);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		*id = 0;
	tick_q_done(&q);
	return rc;
}

/* One (leave?, value) pair of TK_SET_REPORT for an id: 0 leaves, -1
 * clears. */
static void
report_id(struct tick_q *q, long long v)
{
	tick_q_int(q, v == 0);
	tick_q_opt_int(q, v);
}

/* A key: NULL leaves, "" clears. */
static void
report_key(struct tick_q *q, const char *v)
{
	tick_q_int(q, v == NULL);
	tick_q_opt_str(q, v);
}

/* A text cut on a character boundary to chars characters, into cut
 * (which the statement reads until it runs). */
static void
report_text(struct tick_q *q, int leave, const char *v, size_t chars, char *cut,
    size_t cutsz)
{
	tick_q_int(q, leave);
	if (leave || v == NULL || v[0] == '\0') {
		tick_q_null(q);
		return;
	}
	tick_valid_utf8_cut(v, strlen(v), chars, cut, cutsz);
	tick_q_str(q, cut, (size_t)-1);
}

enum tick_err
tick_ticket_set_report(struct tick_db *db, long long id,
    const struct tick_ticket_report *r)
{
	int leave = r->has_location == 0, set = r->has_location > 0;
	char lat[40], lon[40], name[TICK_COL_BUF(255)],
	    address[TICK_COL_BUF(255)];
	struct tick_q q;

	tick_q_init(&q, db, stmts[TK_SET_REPORT]);
	report_id(&q, r->site_id);
	report_id(&q, r->subsite_id);
	report_key(&q, r->category);
	report_key(&q, r->observation_type);
	report_key(&q, r->severity);
	report_text(&q, leave, set ? r->latitude : NULL, 32, lat, sizeof(lat));
	report_text(&q, leave, set ? r->longitude : NULL, 32, lon, sizeof(lon));
	report_text(&q, leave, set ? r->location_name : NULL, 255, name,
	    sizeof(name));
	report_text(&q, leave, set ? r->location_address : NULL, 255, address,
	    sizeof(address));
	tick_q_int(&q, r->anonymous < 0);
	tick_q_int(&q, r->anonymous > 0);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

void
tick_scope_bind(struct tick_q *q, const struct tick_scope *s)
{
	tick_q_int(q, s->sites_only);
	tick_q_int(q, s->user_id);
	tick_q_int(q, s->user_id);
	tick_q_int(q, s->teams_only);
	tick_q_int(q, s->user_id);
	tick_q_int(q, s->user_id);
	tick_q_int(q, s->user_id);
}

enum tick_err
tick_ticket_set_team(struct tick_db *db, long long id, long long team_id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TK_SET_TEAM]);
	tick_q_opt_int(&q, team_id);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_ticket_sites(struct tick_db *db, long long id, long long *site,
    long long *parent)
{
	struct tick_q q;

	*site = *parent = 0;
	tick_q_init(&q, db, stmts[TK_SITES]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, site);
	tick_q_out_int(&q, parent);
	return tick_q_one(&q);
}

enum tick_err
tick_ticket_transfer(struct tick_db *db, long long id, long long team_id,
    long long to)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TK_TRANSFER]);
	tick_q_int(&q, team_id >= 0);
	tick_q_opt_int(&q, team_id);
	tick_q_opt_int(&q, to);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_ticket_site(struct tick_db *db, long long site_id, long long *parent_id)
{
	struct tick_q q;

	*parent_id = 0;
	tick_q_init(&q, db, stmts[TK_SITE]);
	tick_q_int(&q, site_id);
	tick_q_out_int(&q, parent_id);
	return tick_q_one(&q);
}

enum tick_err
tick_ticket_identity(struct tick_db *db, long long id, json_t **out)
{
	char name[TICK_COL_BUF(30)], email[TICK_COL_BUF(100)],
	    mobile[TICK_COL_BUF(15)];
	struct tick_q q;
	enum tick_err rc;

	*out = NULL;
	tick_q_init(&q, db, stmts[TK_IDENTITY]);
	tick_q_int(&q, id);
	tick_q_out_str(&q, name, sizeof(name));
	tick_q_out_str(&q, email, sizeof(email));
	tick_q_out_str(&q, mobile, sizeof(mobile));
	if ((rc = tick_q_exec(&q)) == TICK_OK) {
		int f = tick_q_fetch(&q);

		rc = f == 1 ? TICK_OK : f == 0 ? TICK_ENOTFOUND : TICK_EDB;
		if (rc == TICK_OK &&
		    (*out = json_pack("{s:s, s:o, s:o}", "name", name, "email",
		         col(&q, 1, email), "mobile", col(&q, 2, mobile))) ==
		        NULL)
			rc = TICK_ENOMEM;
	}
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_ticket_reminders_due(struct tick_db *db, int64_t from, int64_t to,
    long long *ids, size_t max, size_t *n)
{
	struct tick_q q;
	enum tick_err rc;
	long long id = 0;
	int f;

	*n = 0;
	tick_q_init(&q, db, stmts[TK_REMIND_DUE]);
	tick_q_int(&q, (long long)to);
	tick_q_int(&q, (long long)from);
	tick_q_int(&q, (long long)max);
	tick_q_out_int(&q, &id);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && *n < max && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		ids[(*n)++] = id;
	}
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_ticket_reminder_claim(struct tick_db *db, long long id, int64_t from,
    int64_t to, int *claimed)
{
	struct tick_q q;
	enum tick_err rc;

	*claimed = 0;
	tick_q_init(&q, db, stmts[TK_REMIND_MARK]);
	tick_q_int(&q, id);
	tick_q_int(&q, (long long)to);
	tick_q_int(&q, (long long)from);
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		*claimed = tick_q_affected(&q) == 1;
	tick_q_done(&q);
	return rc;
}
