#include "db.h"
#include "reads.h"

enum reads_stmt { RD_MARK, RD_STMT__MAX };

/* clang-format off */
static const char *const stmts[RD_STMT__MAX] = {
	/* Never moves back: two tabs opening the ticket keep the later. */
	[RD_MARK] =
	    "INSERT INTO ticket_reads (user_id, ticket_id, read_at)"
	    " VALUES (?, ?, NOW(3)) ON DUPLICATE KEY UPDATE"
	    " read_at = GREATEST(read_at, VALUES(read_at))",
};
/* clang-format on */

enum tick_err
tick_reads_mark(struct tick_db *db, long long user_id, long long ticket_id)
{
	struct tick_q q;

	if (user_id <= 0 || ticket_id <= 0)
		return TICK_EINVAL;
	tick_q_init(&q, db, stmts[RD_MARK]);
	tick_q_int(&q, user_id);
	tick_q_int(&q, ticket_id);
	return tick_q_run(&q);
}
