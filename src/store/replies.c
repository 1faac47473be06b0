#include <string.h>

#include "bounds.h"
#include "db.h"
#include "replies.h"
#include "tickets.h"
#include "valid.h"

enum replies_stmt { RP_ADD, RP_LINK, RP_STMT__MAX };

/* clang-format off */
static const char *const stmts[RP_STMT__MAX] = {
	[RP_ADD] =
	    "INSERT INTO replies (ticket_id, message, replied_by, author, user_id,"
	    " internal) VALUES (?, ?, ?, 'agent', ?, ?)",
	[RP_LINK] = "UPDATE replies SET message_id = ? WHERE id = ?",
};
/* clang-format on */

enum tick_err
tick_reply_add(struct tick_db *db, long long ticket_id, const char *message,
    const char *author, long long user_id, int internal, long long *id)
{
	char name[TICK_COL_BUF(TICK_REPLY_AUTHOR_MAX)];
	struct tick_q q;
	enum tick_err rc;

	tick_valid_utf8_cut(author, strlen(author), TICK_REPLY_AUTHOR_MAX, name,
	    sizeof(name));
	tick_q_init(&q, db, stmts[RP_ADD]);
	tick_q_int(&q, ticket_id);
	tick_q_str(&q, message, (size_t)-1);
	tick_q_str(&q, name, (size_t)-1);
	tick_q_int(&q, user_id);
	tick_q_int(&q, internal ? 1 : 0);
	rc = tick_q_exec(&q);
	*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	/* The inbox shows the newest reply; a note stays inside. */
	if (rc == TICK_OK && !internal)
		rc = tick_ticket_set_snippet(db, ticket_id, *id, message);
	/* The customer was answered: nobody waits (issue 19). */
	if (rc == TICK_OK && !internal)
		rc = tick_ticket_answered(db, ticket_id);
	return rc;
}

enum tick_err
tick_reply_link(struct tick_db *db, long long reply_id, long long message_id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[RP_LINK]);
	tick_q_int(&q, message_id);
	tick_q_int(&q, reply_id);
	return tick_q_run(&q);
}
