/*
 * tick: the per-agent unread mark (issue 19), the table ticket_reads: when
 * each agent last opened each ticket. SQL only.
 */
#ifndef TICK_READS_H
#define TICK_READS_H

#include "err.h"

struct tick_db;

/*
 * Whether ticket alias t is unread for the user bound to its one `?`: the
 * customer wrote (tickets.last_customer_message_at) after that user last
 * opened it, or at all when they never did. The one rule the list's rows
 * and the "new for me" count both ask.
 */
#define TICK_READS_UNREAD_SQL                                           \
	"(t.last_customer_message_at IS NOT NULL"                       \
	" AND t.last_customer_message_at > COALESCE((SELECT tr.read_at" \
	" FROM ticket_reads tr WHERE tr.user_id = ?"                    \
	" AND tr.ticket_id = t.id), '1000-01-01'))"

/* User user_id opened ticket ticket_id now: what the customer wrote so
 * far is read. TICK_OK, or TICK_EDB. */
enum tick_err
tick_reads_mark(struct tick_db *db, long long user_id, long long ticket_id);

#endif
