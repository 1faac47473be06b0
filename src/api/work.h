/*
 * tick: what agents do to a ticket: take or assign it, move its status,
 * reply over WhatsApp, add internal notes, close it. Each action is one
 * transaction that also stores what must reach the customer; the sending
 * happens after the commit (nothing an agent wrote is lost when WhatsApp
 * fails).
 */
#ifndef TICK_WORK_H
#define TICK_WORK_H

#include <jansson.h>

#include "err.h"
#include "texts.h"

struct tick_app;
struct tick_req;
struct tick_ticket;
struct tick_outbox_list;
struct tick_file;

/* The routes. */
void tick_work_assign(struct tick_req *req);
/* POST /api/tickets/:id/release: back to nobody (the holder or a
 * super_admin). */
void tick_work_release(struct tick_req *req);
void tick_work_status(struct tick_req *req);
void tick_work_reply(struct tick_req *req);
/*
 * POST /api/tickets/:id/template {name, language?, parameters?}: an
 * APPROVED template of the library (language: WHATSAPP_TEMPLATE_LANG by
 * default), its parameters checked against its placeholders (422 naming
 * the missing or extra one), stored on the ticket as a reply with the
 * filled text, then sent through the outbox, whatever the 24-hour window.
 */
void tick_work_template(struct tick_req *req);
void tick_work_close(struct tick_req *req);
void tick_work_note(struct tick_req *req);
void tick_work_replies_list(struct tick_req *req);
void tick_work_replies_create(struct tick_req *req);
/* POST /api/tickets/:id/messages/:messageId/retry: a failed outbound,
 * sent again now. POST /api/tickets/:id/attachments/:attachmentId/retry:
 * a failed or pending file, fetched or uploaded again now. */
void tick_work_retry_message(struct tick_req *req);
void tick_work_retry_attachment(struct tick_req *req);

/*
 * A reply from the signed-in user on ticket id, sent to the customer, with
 * file f (may be NULL or empty) kept on Cloudinary and sent by link. The
 * caller must hold the ticket (or be a super_admin): 403 not_holder
 * otherwise, whatever the route. Answers req itself. Used by the reply
 * routes and by POST /api/whatsapp/send.
 */
void tick_work_send_reply(struct tick_req *req, long long id,
    const char *message, const struct tick_file *f);

/*
 * The same, quoting context (may be NULL): the Meta id of one of the
 * ticket's messages, sent as context.message_id (422 validation_failed
 * naming context_message_id when it is none of them, or with a file).
 */
void tick_work_send_reply_ctx(struct tick_req *req, long long id,
    const char *message, const struct tick_file *f, const char *context);

/*
 * POST /api/tickets/:id/messages/:messageId/reaction {emoji}: the agent's
 * reaction to a customer's message ("" takes it back), stored on the
 * message and sent through the outbox. Holder rule and 24-hour window as
 * for a reply; 409 not_reactable for a message that is not the
 * customer's, has no Meta id, or was deleted.
 */
void tick_work_react(struct tick_req *req);

/*
 * POST /api/tickets/:id/typing: the agent started typing a reply. The
 * customer's last message is marked read with the typing indicator
 * (core/readmark: at most once per 20 seconds per ticket, through the
 * outbox). Answers 202 {sent: true} when it went out now, or {sent:
 * false, reason} (throttled, off, outside_window, no_inbound_message,
 * no_whatsapp, not_holder, ticket_closed).
 */
void tick_work_typing(struct tick_req *req);

/*
 * Whether the closing notice, template tmpl (TEXT_TICKET_CLOSED) rendered
 * with ref and resolution, is one WhatsApp text: at most TICK_MAX_WA_TEXT
 * characters. Returns 1 when it is; 0 otherwise, with *room the most
 * characters a resolution may have for it to be (0 when even an empty one
 * is too long). No I/O.
 */
int tick_work_closing_fits(const char *tmpl, const char *ref,
    const char *resolution, size_t *room);

/*
 * Adds "notices" to ticket t (its JSON, as GET /api/tickets/:id answers):
 * {"take", "close"}, the text the customer gets when an agent takes the
 * ticket (TEXT_STATUS_CHANGED) and when it is closed (TEXT_TICKET_CLOSED,
 * "{resolution}" left in place), each null when the customer is not told.
 * Returns 0; -1 having answered the error.
 */
int tick_work_notices_json(struct tick_req *req, json_t *t);

/*
 * Commits the transaction that built answer (owned; NULL when building it
 * failed with rc), sends what l queued, and answers status with answer
 * and its "whatsapp_notice" (wa, owned: what was queued, its status as
 * the sends went; null when NULL). On a NULL answer or a failed commit
 * it rolls back, drops the queue and answers the error.
 */
void
tick_work_commit_send(struct tick_req *req, json_t *answer, enum tick_err rc,
    struct tick_outbox_list *l, json_t *wa, int status, const char *message);

#endif
