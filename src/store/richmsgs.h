/*
 * tick: what makes a WhatsApp message more than its text (issue 16): the
 * reactions on it (message_reactions), the texts it had before the
 * customer edited it (message_edits), and the columns of
 * whatsapp_messages that say what it quotes, answers, or whether it was
 * edited, deleted or sent from the WhatsApp Business app. SQL only; the
 * webhook (core/ingest) and the agents' routes decide.
 */
#ifndef TICK_STORE_RICHMSGS_H
#define TICK_STORE_RICHMSGS_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

struct tick_db;

/* The longest quote snippet shown above a message (characters). */
#define TICK_RICHMSG_SNIPPET 100
/* The most rich rows, reactions and edits one ticket's timeline reads. */
#define TICK_RICHMSG_MAX 5000

/* A stored message another one is about. */
struct tick_richmsg_target {
	long long id, ticket_id, contact_id; /* 0 when NULL */
	char direction[4];                   /* "in" or "out" */
	int revoked;
};

/*
 * The message whose Meta id is wamid, locked for the change (FOR UPDATE),
 * and only when it belongs to contact contact_id (0: any contact).
 * TICK_OK, TICK_ENOTFOUND or TICK_EDB.
 */
enum tick_err tick_richmsg_target(struct tick_db *db, const char *wamid,
    long long contact_id, struct tick_richmsg_target *t);

/*
 * Message id of ticket ticket_id (locked): what t says, and its Meta id
 * in wamid ("" when it has none). TICK_ENOTFOUND when it is not there.
 */
enum tick_err
tick_richmsg_message(struct tick_db *db, long long id, long long ticket_id,
    struct tick_richmsg_target *t, char *wamid, size_t wamidsz);

/*
 * Sets (emoji not "") or removes (emoji "") the reaction of actor
 * ("customer" or "agent") on message message_id; user_id the agent (0
 * none), source_id the reaction's own message (0 none).
 */
enum tick_err
tick_richmsg_react(struct tick_db *db, long long message_id, const char *actor,
    const char *emoji, long long user_id, long long source_id);

/*
 * The customer edited message message_id to text: its text before goes to
 * message_edits (edit_id the edit's own message), and the message and the
 * reply that carries it take text.
 */
enum tick_err tick_richmsg_edit(struct tick_db *db, long long message_id,
    const char *text, long long edit_id);

/* What the reply of a deleted message says from then on (the inbox's
 * snippet, searches, exports). */
#define TICK_RICHMSG_DELETED_TEXT "[deleted by the customer]"

/* The customer deleted message message_id: marked; its text stays on the
 * message row (and the raw event) for the audit, and the reply that
 * carries it says TICK_RICHMSG_DELETED_TEXT. */
enum tick_err tick_richmsg_revoke(struct tick_db *db, long long message_id);

/* Points message id (a change's own row) at ticket_id (0: none). */
enum tick_err
tick_richmsg_set_ticket(struct tick_db *db, long long id, long long ticket_id);

/* Records on outbound message id that its send quotes wamid. */
enum tick_err
tick_richmsg_set_context(struct tick_db *db, long long id, const char *wamid);

/* Whether wamid is the Meta id of one of ticket_id's messages (*ok 1 or
 * 0). */
enum tick_err tick_richmsg_on_ticket(struct tick_db *db, long long ticket_id,
    const char *wamid, int *ok);

/*
 * Gives each item of timeline tl (ticket_id's) its rich fields:
 * "reactions" [{emoji, by, user}], "context" {message_id, quoted} or
 * null, "forwarded", "frequently_forwarded", "interactive" {kind, id,
 * title, response_json} or null, "choices" (what an outbound buttons
 * or list message offered: {type "buttons"|"list", header, footer,
 * buttons [{id, title}] | list {button, sections}}) or null, "edited",
 * "edited_at", "edits" [{text, at}], "deleted" (its text then null) and
 * "echo". Items without a
 * WhatsApp message get the empty values.
 */
enum tick_err
tick_richmsg_attach(struct tick_db *db, long long ticket_id, json_t *tl);

#endif
