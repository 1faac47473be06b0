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

/*
 * A reply from the signed-in user on ticket id, sent to the customer.
 * check_holder requires the caller to hold the ticket (or be a
 * super_admin). Answers req itself. Used by the reply routes and by
 * POST /api/whatsapp/send.
 */
void tick_work_send_reply(struct tick_req *req, long long id,
    const char *message, int check_holder);

#endif
