/*
 * tick: the rating asked when a ticket closes (issue 13, setting CSAT):
 * the question goes with the closing notice, through the outbox; the
 * customer's answer and comment come back through the webhook.
 */
#ifndef TICK_CSAT_FLOW_H
#define TICK_CSAT_FLOW_H

#include <jansson.h>

#include "err.h"

struct tick_app;
struct tick_ticket;
struct tick_outbox_list;
struct tick_wa_msg;

/*
 * Inside the transaction that closes locked ticket tk: with CSAT=on,
 * queues the rating question on l. Inside the 24-hour window it is an
 * interactive message with three reply buttons (Good 3, OK 2, Bad 1);
 * outside it CSAT_TEMPLATE_NAME goes, its three quick replies carrying the
 * same ids; without that template nothing is asked. *wa (a new object, or
 * NULL when CSAT is off) says which.
 */
enum tick_err tick_csat_ask(struct tick_app *app, const struct tick_ticket *tk,
    struct tick_outbox_list *l, json_t **wa);

/* What an inbound message meant to CSAT. */
struct tick_csat_inbound {
	int handled;         /* a rating or a comment: no ticket opens */
	long long ticket_id; /* the ticket the message belongs to (0: none) */
};

/*
 * Inside the ingest transaction, once message msg_id (m) is stored:
 * recognises a reply to the rating question (its button id or quick reply
 * payload) and a comment after it, and applies it: the score (the first
 * one stands), the low-score action, the thanks; or the comment.
 * open_ticket is the customer's open ticket (0: none).
 */
enum tick_err
tick_csat_inbound(struct tick_app *app, const struct tick_wa_msg *m,
    long long contact_id, const char *mobile, long long open_ticket,
    struct tick_outbox_list *l, struct tick_csat_inbound *out);

#endif
