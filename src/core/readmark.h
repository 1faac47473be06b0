/*
 * tick: read marks and the typing indicator (issue 16). When an agent
 * starts typing a reply, the customer's last message is marked read with
 * the typing indicator (at most once per TICK_READMARK_TYPING_S seconds
 * per ticket); a reply marks it read. Both go through the outbox, and
 * neither when WHATSAPP_READ_RECEIPTS is 0. Opening a ticket sends
 * nothing.
 */
#ifndef TICK_READMARK_H
#define TICK_READMARK_H

#include "err.h"

struct tick_app;
struct tick_ticket;
struct tick_outbox_list;

/* The typing indicator's pace per ticket (seconds). */
#define TICK_READMARK_TYPING_S 20

/* Why no mark was queued. */
enum tick_readmark_skip {
	TICK_READMARK_QUEUED,    /* one was queued */
	TICK_READMARK_OFF,       /* WHATSAPP_READ_RECEIPTS=0 */
	TICK_READMARK_NO_WA,     /* WhatsApp off, or no recipient */
	TICK_READMARK_WINDOW,    /* the 24-hour window is closed */
	TICK_READMARK_NOTHING,   /* no inbound message on the ticket */
	TICK_READMARK_THROTTLED, /* the typing indicator went recently */
	TICK_READMARK__MAX
};

/* The reason's name for an API answer ("off", "throttled", ...). */
const char *tick_readmark_skip_name(enum tick_readmark_skip why);

/*
 * Inside the caller's transaction, ticket tk locked: queues on l a read
 * mark for tk's last inbound WhatsApp message, with the typing indicator
 * when typing (then only when none went in the last
 * TICK_READMARK_TYPING_S seconds, the time recorded). The row belongs to
 * the customer's contact and to no ticket: it never shows in the
 * timeline. *why says whether it was queued.
 */
enum tick_err
tick_readmark_queue(struct tick_app *app, const struct tick_ticket *tk,
    int typing, struct tick_outbox_list *l, enum tick_readmark_skip *why);

#endif
