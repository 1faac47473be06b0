/*
 * tick: what read marks and the typing indicator need (issue 16): the
 * customer's last inbound WhatsApp message on a ticket, and the
 * ticket_typing table (when the typing indicator last went). SQL only;
 * core/readmark decides.
 */
#ifndef TICK_STORE_READMARKS_H
#define TICK_STORE_READMARKS_H

#include <stddef.h>

#include "err.h"

struct tick_db;

/*
 * The Meta id of the customer's last inbound message on ticket ticket_id
 * (reactions, edits and deletions aside) into wamid (wamidsz bytes).
 * TICK_ENOTFOUND when it has none.
 */
enum tick_err tick_readmarks_last_inbound(struct tick_db *db,
    long long ticket_id, char *wamid, size_t wamidsz);

/*
 * Inside a transaction that holds ticket ticket_id locked: *ok 1 when
 * the typing indicator did not go for it in the last `seconds` seconds,
 * and then records that it goes now; *ok 0 otherwise (nothing changes).
 */
enum tick_err tick_readmarks_typing_claim(struct tick_db *db,
    long long ticket_id, long long seconds, int *ok);

#endif
