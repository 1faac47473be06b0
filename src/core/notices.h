/*
 * tick: tick's own word to a customer about their ticket (created, status
 * changed, closed), queued inside the transaction that changed it, under
 * the 24-hour-window rule; sent after the commit by the outbox
 * (tick_outbox_send_list).
 */
#ifndef TICK_NOTICES_H
#define TICK_NOTICES_H

#include <stdint.h>

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

/*
 * The window reminder (WINDOW_REMINDER_TEXT, issue 16; empty: off): for
 * each open ticket whose customer last wrote 23 to 24 hours before now
 * (Unix seconds) and that no agent answered since, the text is sent once
 * for that message, while the customer can still answer inside the
 * window. For `tick outbox`; *n says how many were queued.
 */
enum tick_err
tick_notices_window_reminders(struct tick_app *app, int64_t now, long long *n);

#endif
