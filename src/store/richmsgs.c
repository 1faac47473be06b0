#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "db.h"
#include "richmsgs.h"

#define ISO(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%fZ')"
#define STR_(x) #x
#define STR(x) STR_(x)

enum richmsg_stmt {
	RM_TARGET,
	RM_MESSAGE,
	RM_REACT_SET,
	RM_REACT_DEL,
	RM_EDIT_KEEP,
	RM_EDIT_SET,
	RM_EDIT_REPLY,
	RM_REVOKE,
	RM_SET_TICKET,
	RM_SET_CONTEXT,
	RM_ON_TICKET,
	RM_RICH,
	RM_REACTIONS,
	RM_EDITS,
	RM_STMT__MAX
};

/* clang-format off */
static const char *const stmts[RM_STMT__MAX] = {
	[RM_TARGET] =
	    "SELECT id, COALESCE(ticket_id, 0), COALESCE(contact_id, 0),"
	    " direction, revoked_at IS NOT NULL FROM whatsapp_messages m"
	    " WHERE wamid = ? AND (? = 0 OR contact_id = ? OR (contact_id IS NULL"
	    " AND ticket_id IN (SELECT t.id FROM tickets t WHERE t.contact_id = ?)))"
	    " FOR UPDATE",
	[RM_MESSAGE] =
	    "SELECT id, COALESCE(ticket_id, 0), COALESCE(contact_id, 0),"
	    " direction, revoked_at IS NOT NULL, COALESCE(wamid, '')"
	    " FROM whatsapp_messages WHERE id = ? AND ticket_id = ? FOR UPDATE",
	[RM_REACT_SET] =
	    "INSERT INTO message_reactions (message_id, actor, emoji, user_id,"
	    " source_message_id) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
	    " emoji = VALUES(emoji), user_id = VALUES(user_id),"
	    " source_message_id = VALUES(source_message_id)",
	[RM_REACT_DEL] =
	    "DELETE FROM message_reactions WHERE message_id = ? AND actor = ?",
	[RM_EDIT_KEEP] =
	    "INSERT INTO message_edits (message_id, body, edit_message_id)"
	    " SELECT id, body, ? FROM whatsapp_messages WHERE id = ?",
	[RM_EDIT_SET] =
	    "UPDATE whatsapp_messages SET body = ?, edited_at = NOW(3)"
	    " WHERE id = ?",
	[RM_EDIT_REPLY] =
	    "UPDATE replies SET message = ? WHERE message_id = ?",
	[RM_REVOKE] =
	    "UPDATE whatsapp_messages SET revoked_at = COALESCE(revoked_at, NOW(3))"
	    " WHERE id = ?",
	[RM_SET_TICKET] =
	    "UPDATE whatsapp_messages SET ticket_id = ? WHERE id = ?",
	[RM_SET_CONTEXT] =
	    "UPDATE whatsapp_messages SET context_wamid = ? WHERE id = ?",
	[RM_ON_TICKET] =
	    "SELECT id FROM whatsapp_messages WHERE wamid = ? AND ticket_id = ?",
	/* The messages of the ticket that have anything to show; the quoted
	 * one's snippet unless the customer deleted it. */
	[RM_RICH] =
	    "SELECT m.id, m.context_wamid, IF(q.revoked_at IS NULL,"
	    " LEFT(q.body, " STR(TICK_RICHMSG_SNIPPET) "), NULL), m.forwarded,"
	    " m.reply_kind, m.reply_ref, m.reply_title, m.flow_response,"
	    " " ISO("m.edited_at") ", m.revoked_at IS NOT NULL, m.echo, m.imported,"
	    " IF(m.direction = 'out' AND m.type = 'interactive',"
	    " JSON_EXTRACT(m.payload, '$.interactive'), NULL)"
	    " FROM whatsapp_messages m"
	    " LEFT JOIN whatsapp_messages q ON q.wamid = m.context_wamid"
	    " WHERE m.ticket_id = ? AND (m.context_wamid IS NOT NULL"
	    " OR (m.direction = 'out' AND m.type = 'interactive')"
	    " OR m.forwarded > 0 OR m.reply_kind IS NOT NULL"
	    " OR m.edited_at IS NOT NULL OR m.revoked_at IS NOT NULL OR m.echo = 1"
	    " OR m.imported = 1)"
	    " AND m.type NOT IN ('reaction', 'edit', 'revoke')"
	    " ORDER BY m.id LIMIT " STR(TICK_RICHMSG_MAX),
	/* An agent's reaction says how its send went. */
	[RM_REACTIONS] =
	    "SELECT r.message_id, r.actor, r.emoji, COALESCE(r.user_id, 0), u.name,"
	    " IF(r.actor = 'agent', s.status, NULL)"
	    " FROM message_reactions r JOIN whatsapp_messages m ON m.id = r.message_id"
	    " LEFT JOIN users u ON u.id = r.user_id"
	    " LEFT JOIN whatsapp_messages s ON s.id = r.source_message_id"
	    " WHERE m.ticket_id = ?"
	    " ORDER BY r.message_id, r.actor LIMIT " STR(TICK_RICHMSG_MAX),
	[RM_EDITS] =
	    "SELECT e.message_id, e.body, " ISO("e.created_at")
	    " FROM message_edits e JOIN whatsapp_messages m ON m.id = e.message_id"
	    " WHERE m.ticket_id = ? ORDER BY e.id LIMIT " STR(TICK_RICHMSG_MAX),
};
/* clang-format on */

enum tick_err
tick_richmsg_target(struct tick_db *db, const char *wamid, long long contact_id,
    struct tick_richmsg_target *t)
{
	long long revoked = 0;
	struct tick_q q;
	enum tick_err rc;

	memset(t, 0, sizeof(*t));
	if (wamid == NULL || *wamid == '\0')
		return TICK_ENOTFOUND;
	tick_q_init(&q, db, stmts[RM_TARGET]);
	tick_q_str(&q, wamid, (size_t)-1);
	tick_q_int(&q, contact_id);
	tick_q_int(&q, contact_id);
	tick_q_int(&q, contact_id);
	tick_q_out_int(&q, &t->id);
	tick_q_out_int(&q, &t->ticket_id);
	tick_q_out_int(&q, &t->contact_id);
	tick_q_out_str(&q, t->direction, sizeof(t->direction));
	tick_q_out_int(&q, &revoked);
	rc = tick_q_one(&q);
	t->revoked = revoked != 0;
	return rc;
}

enum tick_err
tick_richmsg_message(struct tick_db *db, long long id, long long ticket_id,
    struct tick_richmsg_target *t, char *wamid, size_t wamidsz)
{
	long long revoked = 0;
	struct tick_q q;
	enum tick_err rc;

	memset(t, 0, sizeof(*t));
	tick_q_init(&q, db, stmts[RM_MESSAGE]);
	tick_q_int(&q, id);
	tick_q_int(&q, ticket_id);
	tick_q_out_int(&q, &t->id);
	tick_q_out_int(&q, &t->ticket_id);
	tick_q_out_int(&q, &t->contact_id);
	tick_q_out_str(&q, t->direction, sizeof(t->direction));
	tick_q_out_int(&q, &revoked);
	tick_q_out_str(&q, wamid, wamidsz);
	rc = tick_q_one(&q);
	t->revoked = revoked != 0;
	return rc;
}

enum tick_err
tick_richmsg_react(struct tick_db *db, long long message_id, const char *actor,
    const char *emoji, long long user_id, long long source_id)
{
	struct tick_q q;

	if (emoji == NULL || *emoji == '\0') {
		tick_q_init(&q, db, stmts[RM_REACT_DEL]);
		tick_q_int(&q, message_id);
		tick_q_str(&q, actor, (size_t)-1);
		return tick_q_run(&q);
	}
	tick_q_init(&q, db, stmts[RM_REACT_SET]);
	tick_q_int(&q, message_id);
	tick_q_str(&q, actor, (size_t)-1);
	tick_q_str(&q, emoji, strnlen(emoji, TICK_MAX_EMOJI));
	tick_q_opt_int(&q, user_id);
	tick_q_opt_int(&q, source_id);
	return tick_q_run(&q);
}

enum tick_err
tick_richmsg_edit(struct tick_db *db, long long message_id, const char *text,
    long long edit_id)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[RM_EDIT_KEEP]);
	tick_q_opt_int(&q, edit_id);
	tick_q_int(&q, message_id);
	if ((rc = tick_q_run(&q)) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[RM_EDIT_SET]);
	tick_q_str(&q, text, (size_t)-1);
	tick_q_int(&q, message_id);
	if ((rc = tick_q_run(&q)) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[RM_EDIT_REPLY]);
	tick_q_str(&q, text, (size_t)-1);
	tick_q_int(&q, message_id);
	return tick_q_run(&q);
}

enum tick_err
tick_richmsg_revoke(struct tick_db *db, long long message_id)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[RM_REVOKE]);
	tick_q_int(&q, message_id);
	if ((rc = tick_q_run(&q)) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[RM_EDIT_REPLY]);
	tick_q_str(&q, TICK_RICHMSG_DELETED_TEXT, (size_t)-1);
	tick_q_int(&q, message_id);
	return tick_q_run(&q);
}

enum tick_err
tick_richmsg_set_ticket(struct tick_db *db, long long id, long long ticket_id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[RM_SET_TICKET]);
	tick_q_opt_int(&q, ticket_id);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_richmsg_set_context(struct tick_db *db, long long id, const char *wamid)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[RM_SET_CONTEXT]);
	tick_q_str(&q, wamid, (size_t)-1);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_richmsg_on_ticket(struct tick_db *db, long long ticket_id,
    const char *wamid, int *ok)
{
	long long id = 0;
	struct tick_q q;
	enum tick_err rc;

	*ok = 0;
	tick_q_init(&q, db, stmts[RM_ON_TICKET]);
	tick_q_str(&q, wamid, (size_t)-1);
	tick_q_int(&q, ticket_id);
	tick_q_out_int(&q, &id);
	rc = tick_q_one(&q);
	if (rc == TICK_ENOTFOUND)
		return TICK_OK;
	*ok = rc == TICK_OK;
	return rc;
}

/* The item of tl whose WhatsApp message is id, or NULL. */
static json_t *
item_of(json_t *tl, long long id)
{
	json_t *item;
	size_t i;

	json_array_foreach (tl, i, item) {
		json_t *wa = json_object_get(item, "whatsapp");

		if (json_integer_value(json_object_get(wa, "id")) == id)
			return item;
	}
	return NULL;
}

/* Column i of the fetched row as a JSON string, or null. */
static json_t *
col(const struct tick_q *q, int i, const char *s)
{
	return tick_q_isnull(q, i) ? json_null() : json_string(s);
}

/*
 * The buttons or list an outbound interactive message offered, from its
 * Graph API object (ia, JSON text), in the reply route's shape:
 * {"type": "buttons", "header", "footer", "buttons": [{id, title}]} or
 * {"type": "list", "header", "footer", "list": {button, sections}}. NULL
 * when it is neither.
 */
static json_t *
choices_of(const char *ia)
{
	json_t *o = json_loads(ia, 0, NULL), *out = NULL, *arr, *b;
	json_t *action = json_object_get(o, "action");
	const char *type = json_string_value(json_object_get(o, "type"));
	size_t i;

	if (type == NULL || !json_is_object(action))
		goto done;
	if (strcmp(type, "button") == 0) {
		if ((arr = json_array()) == NULL)
			goto done;
		json_array_foreach (json_object_get(action, "buttons"), i, b) {
			json_t *r = json_object_get(b, "reply");

			json_array_append_new(arr,
			    json_pack("{s:O?, s:O?}", "id",
			        json_object_get(r, "id"), "title",
			        json_object_get(r, "title")));
		}
		out = json_pack("{s:s, s:o}", "type", "buttons", "buttons",
		    arr);
	} else if (strcmp(type, "list") == 0)
		out = json_pack("{s:s, s:{s:O?, s:O?}}", "type", "list", "list",
		    "button", json_object_get(action, "button"), "sections",
		    json_object_get(action, "sections"));
	for (i = 0; out != NULL && i < 2; i++) {
		const char *k = i == 0 ? "header" : "footer";
		json_t *t = json_object_get(json_object_get(o, k), "text");

		json_object_set_new(out, k,
		    t != NULL ? json_incref(t) : json_null());
	}
done:
	json_decref(o);
	return out;
}

static enum tick_err
rich(struct tick_db *db, long long ticket_id, json_t *tl)
{
	static char flow[TICK_MAX_FLOW_JSON + 1];
	static char offered[TICK_MAX_OUTBOUND_PAYLOAD + 1];
	char ctx[TICK_COL_BUF(TICK_MAX_WAMID)],
	    snippet[TICK_COL_BUF(TICK_RICHMSG_SNIPPET)], kind[17],
	    ref[TICK_COL_BUF(256)], title[TICK_COL_BUF(255)], edited[40];
	long long id, fwd, revoked, echo, imported;
	enum tick_err rc;
	struct tick_q q;
	json_t *item;

	tick_q_init(&q, db, stmts[RM_RICH]);
	tick_q_int(&q, ticket_id);
	tick_q_out_int(&q, &id);
	tick_q_out_str(&q, ctx, sizeof(ctx));
	tick_q_out_str(&q, snippet, sizeof(snippet));
	tick_q_out_int(&q, &fwd);
	tick_q_out_str(&q, kind, sizeof(kind));
	tick_q_out_str(&q, ref, sizeof(ref));
	tick_q_out_str(&q, title, sizeof(title));
	tick_q_out_str(&q, flow, sizeof(flow));
	tick_q_out_str(&q, edited, sizeof(edited));
	tick_q_out_int(&q, &revoked);
	tick_q_out_int(&q, &echo);
	tick_q_out_int(&q, &imported);
	tick_q_out_str(&q, offered, sizeof(offered));
	rc = tick_q_exec(&q);
	while (tick_q_next(&q, &rc)) {
		if ((item = item_of(tl, id)) == NULL)
			continue;
		if (!tick_q_isnull(&q, 1))
			json_object_set_new(item, "context",
			    json_pack("{s:s, s:o}", "message_id", ctx, "quoted",
			        revoked ? json_null() : col(&q, 2, snippet)));
		json_object_set_new(item, "forwarded", json_boolean(fwd > 0));
		json_object_set_new(item, "frequently_forwarded",
		    json_boolean(fwd > 1));
		if (!tick_q_isnull(&q, 4))
			json_object_set_new(item, "interactive",
			    json_pack("{s:s, s:o, s:o, s:o}", "kind", kind,
			        "id", col(&q, 5, ref), "title",
			        col(&q, 6, title), "response_json",
			        col(&q, 7, flow)));
		json_object_set_new(item, "edited",
		    json_boolean(!tick_q_isnull(&q, 8)));
		json_object_set_new(item, "edited_at", col(&q, 8, edited));
		json_object_set_new(item, "echo", json_boolean(echo != 0));
		json_object_set_new(item, "imported",
		    json_boolean(imported != 0));
		/* What an agent's buttons or list offered. */
		if (!tick_q_isnull(&q, 12)) {
			json_t *c = choices_of(offered);

			json_object_set_new(item, "choices",
			    c != NULL ? c : json_null());
		}
		/* Deleted by the customer: the desk no longer shows what it
		 * said (the row keeps it until the contact is erased). */
		if (revoked) {
			json_object_set_new(item, "deleted", json_true());
			json_object_set_new(item, "text", json_null());
		}
	}
	tick_q_done(&q);
	return rc;
}

static enum tick_err
reactions(struct tick_db *db, long long ticket_id, json_t *tl)
{
	char actor[10], emoji[TICK_MAX_EMOJI + 1], name[TICK_COL_BUF(100)],
	    status[16];
	long long id, uid;
	enum tick_err rc;
	struct tick_q q;
	json_t *item;

	tick_q_init(&q, db, stmts[RM_REACTIONS]);
	tick_q_int(&q, ticket_id);
	tick_q_out_int(&q, &id);
	tick_q_out_str(&q, actor, sizeof(actor));
	tick_q_out_str(&q, emoji, sizeof(emoji));
	tick_q_out_int(&q, &uid);
	tick_q_out_str(&q, name, sizeof(name));
	tick_q_out_str(&q, status, sizeof(status));
	rc = tick_q_exec(&q);
	while (tick_q_next(&q, &rc)) {
		if ((item = item_of(tl, id)) == NULL)
			continue;
		json_array_append_new(json_object_get(item, "reactions"),
		    json_pack("{s:s, s:s, s:o, s:o}", "emoji", emoji, "by",
		        actor, "user",
		        uid ? json_pack("{s:I, s:o}", "id", (json_int_t)uid,
		                  "name", col(&q, 4, name)) :
		              json_null(),
		        "status", col(&q, 5, status)));
	}
	tick_q_done(&q);
	return rc;
}

static enum tick_err
edits(struct tick_db *db, long long ticket_id, json_t *tl)
{
	static char text[TICK_COL_BUF(TICK_MAX_MESSAGE_TEXT)];
	char at[40];
	long long id;
	enum tick_err rc;
	struct tick_q q;
	json_t *item;

	tick_q_init(&q, db, stmts[RM_EDITS]);
	tick_q_int(&q, ticket_id);
	tick_q_out_int(&q, &id);
	tick_q_out_str(&q, text, sizeof(text));
	tick_q_out_str(&q, at, sizeof(at));
	rc = tick_q_exec(&q);
	while (tick_q_next(&q, &rc)) {
		/* A deleted message shows none of its texts. */
		if ((item = item_of(tl, id)) == NULL ||
		    json_is_true(json_object_get(item, "deleted")))
			continue;
		json_array_append_new(json_object_get(item, "edits"),
		    json_pack("{s:o, s:s}", "text", col(&q, 1, text), "at",
		        at));
	}
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_richmsg_attach(struct tick_db *db, long long ticket_id, json_t *tl)
{
	enum tick_err rc;
	json_t *item;
	size_t i;

	json_array_foreach (tl, i, item) {
		json_object_set_new(item, "reactions", json_array());
		json_object_set_new(item, "context", json_null());
		json_object_set_new(item, "forwarded", json_false());
		json_object_set_new(item, "frequently_forwarded", json_false());
		json_object_set_new(item, "interactive", json_null());
		json_object_set_new(item, "choices", json_null());
		json_object_set_new(item, "edited", json_false());
		json_object_set_new(item, "edited_at", json_null());
		json_object_set_new(item, "edits", json_array());
		json_object_set_new(item, "deleted", json_false());
		json_object_set_new(item, "echo", json_false());
		json_object_set_new(item, "imported", json_false());
	}
	if (json_array_size(tl) == 0)
		return TICK_OK;
	if ((rc = rich(db, ticket_id, tl)) != TICK_OK ||
	    (rc = reactions(db, ticket_id, tl)) != TICK_OK)
		return rc;
	return edits(db, ticket_id, tl);
}
