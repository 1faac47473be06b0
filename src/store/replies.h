/*
 * tick: the agents' replies and notes (the replies table, the tick
 * system's own). SQL only. A customer's message is added with the ticket
 * it lands on (tick_ticket_add_customer_reply).
 */
#ifndef TICK_REPLIES_H
#define TICK_REPLIES_H

#include "err.h"

struct tick_db;

/* Most characters of replied_by, the author's name as the tick system
 * shows it (VARCHAR(100)). */
#define TICK_REPLY_AUTHOR_MAX 100

/*
 * Inside a transaction: a reply (internal 0) or an internal note
 * (internal 1) by user user_id, named author (cut on a character boundary
 * to TICK_REPLY_AUTHOR_MAX), on ticket ticket_id. *id is the new row. A
 * reply also becomes the ticket's list snippet (tick_ticket_set_snippet)
 * and ends the customer's wait (tick_ticket_answered).
 * message and author are borrowed.
 */
enum tick_err
tick_reply_add(struct tick_db *db, long long ticket_id, const char *message,
    const char *author, long long user_id, int internal, long long *id);

/* Links reply reply_id to the WhatsApp message that carries it. */
enum tick_err
tick_reply_link(struct tick_db *db, long long reply_id, long long message_id);

#endif
