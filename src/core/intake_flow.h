/*
 * tick: the guided intake over WhatsApp (issue 11), driving a ticket's
 * form. The rules are base/intake's; this module looks sites up, applies
 * answers to the ticket (tick_ticket_set_report, the one writer of its
 * report), keeps the form in MariaDB (store/forms) and queues the next
 * question on the outbox.
 *
 * The order of things for a customer's message: ingest stores it (and a
 * first message's ticket, its confirmation and its form) and commits;
 * then tick_intake_answer() applies it to the form in a transaction of its
 * own and queues the next question; then both are sent. Whatever the
 * customer wrote is kept whatever the intake does with it.
 *
 * INTAKE=guided asks; INTAKE=off never does; unset, it asks when at least
 * one active site exists. A site code in a first message puts the ticket
 * on that site in every mode.
 */
#ifndef TICK_INTAKE_FLOW_H
#define TICK_INTAKE_FLOW_H

#include "err.h"

struct tick_app;
struct tick_outbox_list;
struct tick_wa_msg;

/*
 * Inside the transaction that opened ticket_id with its first message
 * (text, borrowed): a site code in text puts the ticket on that site (or
 * sub-site); when the intake is guided and can_ask (the customer has a
 * number to ask on), the ticket's form is opened. *opened says whether it
 * was.
 */
enum tick_err tick_intake_open(struct tick_app *app, long long ticket_id,
    const char *text, int can_ask, int *opened);

/* Inside a transaction: whether ticket_id has a form still asking. */
enum tick_err
tick_intake_active(struct tick_app *app, long long ticket_id, int *active);

/*
 * After the transaction that stored inbound message m (row message_id) on
 * ticket_id committed, with no transaction open: applies it to the
 * ticket's form in a transaction of its own and queues the next question
 * (and, for a critical report, the site managers' notices) on l, to send
 * after it. Nothing when the ticket has no form asking, or the form has
 * applied this message (or a newer one) already. On a failure nothing of
 * it stays, l included.
 */
enum tick_err tick_intake_answer(struct tick_app *app, long long ticket_id,
    const struct tick_wa_msg *m, long long message_id,
    struct tick_outbox_list *l);

/*
 * Meta delivered m again: when the intake never applied it (its
 * transaction failed after the message was stored), it does now, as
 * tick_intake_answer(). Else nothing.
 */
enum tick_err tick_intake_redelivered(struct tick_app *app,
    const struct tick_wa_msg *m, struct tick_outbox_list *l);

/*
 * The AI check of a text of ticket_id made a suggestion (issue 17), with
 * no transaction open: when the ticket's form waits at the question of
 * what happened and the suggestion is confident enough
 * (MODERATION_SUGGEST_MIN_CONFIDENCE), the form moves to its confirm step
 * and the question "We understood: ... Correct?" (Yes, "No, choose") is
 * queued on l, in a transaction of its own. Else nothing.
 */
enum tick_err tick_intake_suggested(struct tick_app *app, long long ticket_id,
    struct tick_outbox_list *l);

#endif
