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

/*
 * Inside a transaction: stores text t for the customer of locked ticket tk
 * and queues it on l. Inside the 24-hour window it is a text; outside it,
 * with WHATSAPP_TEMPLATE_NAME set, the text is held and the template sent
 * to re-open the conversation; without a template the text is tried and
 * Meta decides. *wa (a new object) says which.
 */
enum tick_err tick_work_notify(struct tick_app *app,
    const struct tick_ticket *tk, enum tick_text t,
    const struct tick_text_vars *v, struct tick_outbox_list *l, json_t **wa);

/* After the commit: sends what the transaction queued. */
void tick_work_after_commit(struct tick_app *app, struct tick_outbox_list *l,
    int *graph_down, int *sent, int *failed);

/* The routes. */
void tick_work_assign(struct tick_req *req);
void tick_work_status(struct tick_req *req);
void tick_work_reply(struct tick_req *req);
void tick_work_close(struct tick_req *req);
void tick_work_note(struct tick_req *req);
void tick_work_replies_list(struct tick_req *req);
void tick_work_replies_create(struct tick_req *req);
/* POST /api/tickets/:id/messages/:messageId/retry: a failed outbound,
 * sent again now. POST /api/tickets/:id/attachments/:attachmentId/retry:
 * a failed or pending file, fetched or uploaded again now. */
void tick_work_retry_message(struct tick_req *req);
void tick_work_retry_attachment(struct tick_req *req);

/* A file given in a JSON body: {"name", "type", "content" (base64)}. */
struct tick_file {
	unsigned char *data; /* owned; NULL when there is no file */
	size_t len;
	const char *name;    /* borrowed from the body; may be NULL */
	const char *type;    /* borrowed from the body */
	const char *wa_type; /* image, audio, video, sticker or document */
};

/*
 * Reads member key of body as a file: base64 decoded through libb64 after
 * its alphabet is checked, type and size within WhatsApp's limits and
 * MAX_FILE_SIZE, all before any upload. Returns 0 (f->data NULL when the
 * member is absent) or -1 after answering 422, 413 or 415.
 */
int tick_work_file(struct tick_req *req, json_t *body, const char *key,
    struct tick_file *f);

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
 * Whether the closing notice, template tmpl (TEXT_TICKET_CLOSED) rendered
 * with ref and resolution, is one WhatsApp text: at most TICK_MAX_WA_TEXT
 * characters. Returns 1 when it is; 0 otherwise, with *room the most
 * characters a resolution may have for it to be (0 when even an empty one
 * is too long). No I/O.
 */
int tick_work_closing_fits(const char *tmpl, const char *ref,
    const char *resolution, size_t *room);

/*
 * Whether a failed send with Graph error code (0 when Meta gave none: a
 * transport failure) is permanent: the outbox never retries it, and
 * neither does an agent (409 failed_permanently). The outbox's own rule
 * (tick_wa_error_retryable) over a Graph error answer. No I/O.
 */
int tick_work_failure_permanent(long long error_code);

#endif
