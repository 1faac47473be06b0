#include <stdio.h>
#include <string.h>

#include "db.h"
#include "readmarks.h"

enum readmarks_stmt {
	RD_LAST_IN,
	RD_TYPING_RECENT,
	RD_TYPING_SET,
	RD_STMT__MAX
};

/* clang-format off */
static const char *const stmts[RD_STMT__MAX] = {
	[RD_LAST_IN] =
	    "SELECT wamid FROM whatsapp_messages WHERE ticket_id = ?"
	    " AND direction = 'in' AND wamid IS NOT NULL"
	    " AND type NOT IN ('reaction', 'edit', 'revoke')"
	    " ORDER BY id DESC LIMIT 1",
	[RD_TYPING_RECENT] =
	    "SELECT COUNT(*) FROM ticket_typing WHERE ticket_id = ?"
	    " AND sent_at > NOW(3) - INTERVAL ? SECOND",
	[RD_TYPING_SET] =
	    "INSERT INTO ticket_typing (ticket_id, sent_at) VALUES (?, NOW(3))"
	    " ON DUPLICATE KEY UPDATE sent_at = VALUES(sent_at)",
};
/* clang-format on */

enum tick_err
tick_readmarks_last_inbound(struct tick_db *db, long long ticket_id,
    char *wamid, size_t wamidsz)
{
	struct tick_q q;

	wamid[0] = '\0';
	tick_q_init(&q, db, stmts[RD_LAST_IN]);
	tick_q_int(&q, ticket_id);
	tick_q_out_str(&q, wamid, wamidsz);
	return tick_q_one(&q);
}

enum tick_err
tick_readmarks_typing_claim(struct tick_db *db, long long ticket_id,
    long long seconds, int *ok)
{
	long long n = 0;
	struct tick_q q;
	enum tick_err rc;

	*ok = 0;
	tick_q_init(&q, db, stmts[RD_TYPING_RECENT]);
	tick_q_int(&q, ticket_id);
	tick_q_int(&q, seconds);
	tick_q_out_int(&q, &n);
	if ((rc = tick_q_one(&q)) != TICK_OK || n > 0)
		return rc;
	tick_q_init(&q, db, stmts[RD_TYPING_SET]);
	tick_q_int(&q, ticket_id);
	if ((rc = tick_q_run(&q)) == TICK_OK)
		*ok = 1;
	return rc;
}
