#include <string.h>

#include "db.h"
#include "erasure.h"

enum erasure_stmt {
	ER_QUEUE_FILES,
	ER_FILES,
	ER_STATUSES,
	ER_MODERATION,
	ER_RICH,
	ER_EDITS,
	ER_MESSAGES,
	ER_REPLIES,
	ER_EVENTS,
	ER_TAGS,
	ER_ACTIONS,
	ER_FORM,
	ER_DELIVERIES,
	ER_TICKET,
	ER_C_QUEUE_FILES,
	ER_C_FILES,
	ER_C_STATUSES,
	ER_C_MODERATION,
	ER_C_RICH,
	ER_C_EDITS,
	ER_C_MESSAGES,
	ER_EXPIRED,
	ER_DUE,
	ER_DONE,
	ER_FAILED,
	ER_STMT__MAX
};

/* clang-format off */
#define FILES_OF_TICKET \
	" FROM attachments WHERE ticket_id = ? OR message_id IN" \
	" (SELECT id FROM whatsapp_messages WHERE ticket_id = ?)"
#define FILES_OF_CONTACT \
	" FROM attachments WHERE message_id IN" \
	" (SELECT id FROM whatsapp_messages WHERE contact_id = ?)"

static const char *const stmts[ER_STMT__MAX] = {
	[ER_QUEUE_FILES] =
	    "INSERT INTO cloudinary_destroys (public_id, mime_type)"
	    " SELECT public_id, mime_type" FILES_OF_TICKET
	    " AND public_id IS NOT NULL",
	[ER_FILES] = "DELETE" FILES_OF_TICKET,
	[ER_STATUSES] =
	    "DELETE FROM whatsapp_statuses WHERE wamid IN (SELECT wamid FROM"
	    " whatsapp_messages WHERE ticket_id = ? AND wamid IS NOT NULL)",
	/* The AI safety checks of its messages (issue 17). */
	[ER_MODERATION] =
	    "DELETE FROM message_moderation WHERE ticket_id = ? OR message_id IN"
	    " (SELECT id FROM whatsapp_messages WHERE ticket_id = ?)",
	/* Reactions on its messages, and their texts before an edit (issue
	 * 16). */
	[ER_RICH] =
	    "DELETE FROM message_reactions WHERE message_id IN"
	    " (SELECT id FROM whatsapp_messages WHERE ticket_id = ?)",
	[ER_EDITS] =
	    "DELETE FROM message_edits WHERE message_id IN"
	    " (SELECT id FROM whatsapp_messages WHERE ticket_id = ?)",
	[ER_MESSAGES] = "DELETE FROM whatsapp_messages WHERE ticket_id = ?",
	[ER_REPLIES] = "DELETE FROM replies WHERE ticket_id = ?",
	[ER_EVENTS] = "DELETE FROM events WHERE ticket_id = ?",
	[ER_TAGS] = "DELETE FROM ticket_tags WHERE ticket_id = ?",
	[ER_ACTIONS] = "DELETE FROM ticket_actions WHERE ticket_id = ?",
	[ER_FORM] = "DELETE FROM intake_forms WHERE ticket_id = ?",
	[ER_DELIVERIES] = "DELETE FROM webhook_deliveries WHERE ticket_id = ?",
	[ER_TICKET] = "DELETE FROM tickets WHERE id = ?",
	[ER_C_QUEUE_FILES] =
	    "INSERT INTO cloudinary_destroys (public_id, mime_type)"
	    " SELECT public_id, mime_type" FILES_OF_CONTACT
	    " AND public_id IS NOT NULL",
	[ER_C_FILES] = "DELETE" FILES_OF_CONTACT,
	[ER_C_STATUSES] =
	    "DELETE FROM whatsapp_statuses WHERE wamid IN (SELECT wamid FROM"
	    " whatsapp_messages WHERE contact_id = ? AND wamid IS NOT NULL)",
	[ER_C_MODERATION] =
	    "DELETE FROM message_moderation WHERE message_id IN"
	    " (SELECT id FROM whatsapp_messages WHERE contact_id = ?)",
	[ER_C_RICH] =
	    "DELETE FROM message_reactions WHERE message_id IN"
	    " (SELECT id FROM whatsapp_messages WHERE contact_id = ?)",
	[ER_C_EDITS] =
	    "DELETE FROM message_edits WHERE message_id IN"
	    " (SELECT id FROM whatsapp_messages WHERE contact_id = ?)",
	[ER_C_MESSAGES] = "DELETE FROM whatsapp_messages WHERE contact_id = ?",
	[ER_EXPIRED] =
	    "SELECT id FROM tickets WHERE status = 'closed'"
	    " AND closed_at < NOW(3) - INTERVAL ? DAY ORDER BY closed_at, id"
	    " LIMIT ?",
	[ER_DUE] =
	    "SELECT id, public_id, COALESCE(mime_type, ''), attempts"
	    " FROM cloudinary_destroys WHERE next_attempt_at <= NOW(3)"
	    " ORDER BY next_attempt_at, id LIMIT ?",
	[ER_DONE] = "DELETE FROM cloudinary_destroys WHERE id = ?",
	/* 1, 2, 4 ... minutes apart, at most a day. */
	[ER_FAILED] =
	    "UPDATE cloudinary_destroys SET attempts = attempts + 1, error = ?,"
	    " next_attempt_at = NOW(3) + INTERVAL LEAST(1440,"
	    " POW(2, LEAST(attempts, 11))) MINUTE WHERE id = ?",
};
/* clang-format on */

/* Runs statement s with id bound n times; *rows what it changed. */
static enum tick_err
run(struct tick_db *db, enum erasure_stmt s, long long id, int n,
    long long *rows)
{
	struct tick_q q;
	long long dummy;

	tick_q_init(&q, db, stmts[s]);
	for (int i = 0; i < n; i++)
		tick_q_int(&q, id);
	return tick_q_count(&q, rows ? rows : &dummy);
}

enum tick_err
tick_erase_ticket(struct tick_db *db, long long id, struct tick_erase_counts *c)
{
	long long files = 0, msgs = 0, replies = 0, events = 0, gone = 0;
	enum tick_err rc;

	if ((rc = run(db, ER_QUEUE_FILES, id, 2, NULL)) != TICK_OK ||
	    (rc = run(db, ER_FILES, id, 2, &files)) != TICK_OK ||
	    (rc = run(db, ER_STATUSES, id, 1, NULL)) != TICK_OK ||
	    (rc = run(db, ER_MODERATION, id, 2, NULL)) != TICK_OK ||
	    (rc = run(db, ER_RICH, id, 1, NULL)) != TICK_OK ||
	    (rc = run(db, ER_EDITS, id, 1, NULL)) != TICK_OK ||
	    (rc = run(db, ER_MESSAGES, id, 1, &msgs)) != TICK_OK ||
	    (rc = run(db, ER_REPLIES, id, 1, &replies)) != TICK_OK ||
	    (rc = run(db, ER_EVENTS, id, 1, &events)) != TICK_OK ||
	    (rc = run(db, ER_TAGS, id, 1, NULL)) != TICK_OK ||
	    (rc = run(db, ER_ACTIONS, id, 1, NULL)) != TICK_OK ||
	    (rc = run(db, ER_FORM, id, 1, NULL)) != TICK_OK ||
	    (rc = run(db, ER_DELIVERIES, id, 1, NULL)) != TICK_OK ||
	    (rc = run(db, ER_TICKET, id, 1, &gone)) != TICK_OK)
		return rc;
	c->tickets += gone;
	c->files += files;
	c->messages += msgs;
	c->replies += replies;
	c->events += events;
	return TICK_OK;
}

enum tick_err
tick_erase_contact_messages(struct tick_db *db, long long id,
    struct tick_erase_counts *c)
{
	long long files = 0, msgs = 0;
	enum tick_err rc;

	if ((rc = run(db, ER_C_QUEUE_FILES, id, 1, NULL)) != TICK_OK ||
	    (rc = run(db, ER_C_FILES, id, 1, &files)) != TICK_OK ||
	    (rc = run(db, ER_C_STATUSES, id, 1, NULL)) != TICK_OK ||
	    (rc = run(db, ER_C_MODERATION, id, 1, NULL)) != TICK_OK ||
	    (rc = run(db, ER_C_RICH, id, 1, NULL)) != TICK_OK ||
	    (rc = run(db, ER_C_EDITS, id, 1, NULL)) != TICK_OK ||
	    (rc = run(db, ER_C_MESSAGES, id, 1, &msgs)) != TICK_OK)
		return rc;
	c->files += files;
	c->messages += msgs;
	return TICK_OK;
}

enum tick_err
tick_erase_expired(struct tick_db *db, long long days, long long *ids,
    size_t max, size_t *n)
{
	struct tick_q q;
	enum tick_err rc;
	long long id;
	int f;

	*n = 0;
	tick_q_init(&q, db, stmts[ER_EXPIRED]);
	tick_q_int(&q, days);
	tick_q_int(&q, (long long)max);
	tick_q_out_int(&q, &id);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		if (*n < max)
			ids[(*n)++] = id;
	}
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_erase_due(struct tick_db *db, struct tick_destroy *d, size_t max,
    size_t *n)
{
	struct tick_destroy r;
	struct tick_q q;
	enum tick_err rc;
	int f;

	*n = 0;
	memset(&r, 0, sizeof(r));
	tick_q_init(&q, db, stmts[ER_DUE]);
	tick_q_int(&q, (long long)max);
	tick_q_out_int(&q, &r.id);
	tick_q_out_str(&q, r.public_id, sizeof(r.public_id));
	tick_q_out_str(&q, r.mime, sizeof(r.mime));
	tick_q_out_int(&q, &r.attempts);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		if (*n < max)
			d[(*n)++] = r;
	}
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_erase_destroyed(struct tick_db *db, long long id)
{
	return run(db, ER_DONE, id, 1, NULL);
}

enum tick_err
tick_erase_destroy_failed(struct tick_db *db, long long id, const char *why)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[ER_FAILED]);
	tick_q_str(&q, why ? why : "", (size_t)-1);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}
