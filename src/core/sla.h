/*
 * tick: service levels (issue 13). A ticket's due times come from the
 * first SLA policy that matches it (base/sla_rules) and its team's
 * calendar (store/calendars, base/bizcal); they stop while the ticket is
 * pending. The outbox's sweep (tick outbox) warns before a due time and
 * escalates at it, each once, through events and the outbox.
 */
#ifndef TICK_CORE_SLA_H
#define TICK_CORE_SLA_H

#include <stdint.h>

#include <jansson.h>

#include "err.h"

struct tick_app;
struct tick_db;
struct tick_outbox_list;
struct tick_sla_ticket;

/*
 * Inside the transaction that created or changed ticket id (locks it):
 * matches the policy again and sets the due times, from the ticket's
 * creation for first response and resolution; a ticket that became
 * pending keeps what was left of each due time, and one that came back
 * gets due times that far from now. Nothing for a closed ticket.
 */
enum tick_err tick_sla_refresh(struct tick_db *db, long long id, int64_t now);

/* tick_sla_refresh for a ticket just created: its due times run from now
 * (the SLA clock's, which a test may move). */
enum tick_err tick_sla_start(struct tick_db *db, long long id, int64_t now);
/* tick_sla_start that leaves the ticket's SLA state as written in *t (for
 * tick_sla_out_of_hours in the same transaction: no second read). */
enum tick_err tick_sla_start_ticket(struct tick_db *db, long long id,
    int64_t now, struct tick_sla_ticket *t);

/*
 * Inside the transaction that stored a customer's message on ticket id:
 * outside the business hours of the ticket's calendar, TEXT_OUT_OF_HOURS
 * to `to` (digits) once per ticket per local day, queued on l. Nothing
 * without a calendar, or with TEXT_OUT_OF_HOURS empty. *sent says so.
 * known (borrowed, may be NULL): ticket id as read in this transaction,
 * else it is read here.
 */
enum tick_err tick_sla_out_of_hours(struct tick_app *app, long long id,
    long long contact_id, const char *to, int64_t now,
    const struct tick_sla_ticket *known, struct tick_outbox_list *l, int *sent);

/*
 * Inside the transaction that stored a customer's message on ticket id
 * (contact contact_id): on the contact's first message ever, TEXT_WELCOME
 * to `to` (digits or a user id), queued on l. The first message is marked
 * even while TEXT_WELCOME is empty (off), so turning it on later welcomes
 * only new customers. *sent says whether it was queued.
 */
enum tick_err
tick_sla_welcome(struct tick_app *app, long long id, long long contact_id,
    const char *to, int64_t now, struct tick_outbox_list *l, int *sent);

/* Inside a transaction: the customer wrote on ticket id: after a first
 * response, the next response is due (when the policy has that target).
 * *t is left as the ticket's SLA state (refreshed, as written). */
enum tick_err tick_sla_customer_wrote(struct tick_db *db, long long id,
    int64_t now, struct tick_sla_ticket *t);

/* Inside a transaction, before the reply marks the first response: staff
 * answered the customer on ticket id: a due time already past at now is
 * recorded as breached (tick_sla_settle), and the next-response due time
 * is met. */
enum tick_err
tick_sla_staff_answered(struct tick_db *db, long long id, int64_t now);

/* Inside a transaction: before ticket id is answered or closed, records
 * as breached (tickets.sla_breached) a running due time already past at
 * now, so the reports need not wait for the sweep. */
enum tick_err tick_sla_settle(struct tick_db *db, long long id, int64_t now);

/*
 * The sweep: every open ticket whose due time is within
 * SLA_WARNING_MINUTES of now, or passed: a warning, then an escalation at
 * breach, each once per due time, to the holder, the team's members and
 * the site's managers (a live event each, and a WhatsApp text through
 * the outbox for those with a mobile); the policy may reassign at breach.
 * Each ticket in its own transaction; *n counts the alerts.
 */
enum tick_err tick_sla_sweep(struct tick_app *app, int64_t now, long long *n);

#endif
