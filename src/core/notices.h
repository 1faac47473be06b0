/*
 * tick: tick's own word to a customer about their ticket (created, status
 * changed, closed), queued inside the transaction that changed it, under
 * the 24-hour-window rule; sent after the commit by the outbox
 * (tick_outbox_send_list).
 */
#ifndef TICK_NOTICES_H
#define TICK_NOTICES_H

#include <jansson.h>

#include "err.h"
#include "texts.h"

struct tick_app;
struct tick_ticket;
struct tick_outbox_list;

/*
 * Inside a transaction: stores text t for the customer of locked ticket tk
 * and queues it on l. Inside the 24-hour window it is a text; outside it,
 * with WHATSAPP_TEMPLATE_NAME set, the text is held and the template sent
 * to re-open the conversation; without a template the text is tried and
 * Meta decides. *wa (a new object) says which.
 */
enum tick_err tick_notice_queue(struct tick_app *app,
    const struct tick_ticket *tk, enum tick_text t,
    const struct tick_text_vars *v, struct tick_outbox_list *l, json_t **wa);

#endif
