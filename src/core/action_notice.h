/*
 * tick: the word an action's owner gets on WhatsApp when a corrective
 * action becomes theirs (issue 11). Queued inside the transaction that
 * made the change, as an outbox row like every other send, and sent by
 * the outbox after the commit (tick_outbox_send_list); the panel's own
 * live event is the caller's.
 */
#ifndef TICK_ACTION_NOTICE_H
#define TICK_ACTION_NOTICE_H

#include <jansson.h>

#include "err.h"

struct tick_app;
struct tick_outbox_list;

/* What the notice says: borrowed texts. */
struct tick_action_notice {
	const char *reference;   /* the ticket's, TKT-000042 */
	const char *description; /* the action's */
	const char *due;         /* YYYY-MM-DD */
};

/*
 * Inside a transaction: TEXT_ACTION_ASSIGNED for user owner_id, when the
 * user has a mobile (users.mobile), under the 24-hour-window rule of that
 * number (tick_notify_plan): inside it a text; outside it, with
 * WHATSAPP_TEMPLATE_NAME set, the template goes and the text is stored
 * held; without a template the text is tried and Meta decides. The rows
 * belong to no ticket (the customer's timeline never shows them). *wa (a
 * new object) says what was done: {status: queued|held|skipped, ...}.
 * TICK_ENOTFOUND when owner_id is no active user.
 */
enum tick_err tick_action_notice_queue(struct tick_app *app, long long owner_id,
    const struct tick_action_notice *n, struct tick_outbox_list *l,
    json_t **wa);

#endif
