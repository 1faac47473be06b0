#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "csat.h"
#include "csat_rules.h"
#include "valid.h"

/* clang-format off */
#define ISO(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%fZ')"

enum csat_stmt {
	CS_ASKED,
	CS_TARGET,
	CS_RATE,
	CS_LAST,
	CS_COMMENT,
	CS_GET,
	CS_STMT__MAX
};

static const char *const stmts[CS_STMT__MAX] = {
	[CS_ASKED] =
	    "UPDATE tickets SET csat_asked_at = NOW(3) WHERE id = ?",
	[CS_TARGET] =
	    "SELECT id, COALESCE(assigned_to, 0), status = 'closed',"
	    " csat_score IS NOT NULL FROM tickets"
	    " WHERE id = ? AND deleted_at IS NULL AND csat_asked_at IS NOT NULL"
	    " AND (contact_id = ? OR (? IS NOT NULL AND mobile = ?))"
	    " FOR UPDATE",
	[CS_RATE] =
	    "UPDATE tickets SET csat_score = ?, csat_at = NOW(3)"
	    " WHERE id = ? AND csat_score IS NULL",
	[CS_LAST] =
	    "SELECT id, csat_comment IS NOT NULL,"
	    " TIMESTAMPDIFF(SECOND, csat_at, NOW(3)) FROM tickets"
	    " WHERE contact_id = ? AND csat_at IS NOT NULL AND deleted_at IS NULL"
	    " ORDER BY csat_at DESC, id DESC LIMIT 1 FOR UPDATE",
	[CS_COMMENT] =
	    "UPDATE tickets SET csat_comment = ? WHERE id = ?"
	    " AND csat_comment IS NULL",
	[CS_GET] =
	    "SELECT csat_score, csat_comment, " ISO("csat_at")
	    " FROM tickets WHERE id = ? AND csat_score IS NOT NULL",
};
/* clang-format on */

enum tick_err
tick_csat_mark_asked(struct tick_db *db, long long id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[CS_ASKED]);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_csat_target(struct tick_db *db, long long id, long long contact_id,
    const char *mobile, struct tick_csat_target *out)
{
	long long tid = 0, holder = 0, closed = 0, rated = 0;
	struct tick_q q;
	enum tick_err rc;

	memset(out, 0, sizeof(*out));
	tick_q_init(&q, db, stmts[CS_TARGET]);
	tick_q_int(&q, id);
	tick_q_int(&q, contact_id);
	tick_q_opt_str(&q, mobile);
	tick_q_opt_str(&q, mobile);
	tick_q_out_int(&q, &tid);
	tick_q_out_int(&q, &holder);
	tick_q_out_int(&q, &closed);
	tick_q_out_int(&q, &rated);
	rc = tick_q_one(&q);
	if (rc == TICK_OK) {
		out->id = tid;
		out->assigned_to = holder;
		out->closed = closed != 0;
		out->rated = rated != 0;
	}
	return rc;
}

enum tick_err
tick_csat_rate(struct tick_db *db, long long id, int score, int *applied)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[CS_RATE]);
	tick_q_int(&q, score);
	tick_q_int(&q, id);
	rc = tick_q_exec(&q);
	*applied = rc == TICK_OK && tick_q_affected(&q) == 1;
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_csat_last_rated(struct tick_db *db, long long contact_id, long long *id,
    int *has_comment, long long *since)
{
	long long tid = 0, comment = 0, secs = 0;
	struct tick_q q;
	enum tick_err rc;

	*id = 0;
	*has_comment = 0;
	*since = 0;
	tick_q_init(&q, db, stmts[CS_LAST]);
	tick_q_int(&q, contact_id);
	tick_q_out_int(&q, &tid);
	tick_q_out_int(&q, &comment);
	tick_q_out_int(&q, &secs);
	rc = tick_q_one(&q);
	if (rc == TICK_ENOTFOUND)
		return TICK_OK;
	if (rc == TICK_OK) {
		*id = tid;
		*has_comment = comment != 0;
		*since = secs;
	}
	return rc;
}

enum tick_err
tick_csat_comment(struct tick_db *db, long long id, const char *comment)
{
	char cut[TICK_COL_BUF(TICK_CSAT_COMMENT_MAX)];
	struct tick_q q;

	tick_valid_utf8_cut(comment, strlen(comment), TICK_CSAT_COMMENT_MAX,
	    cut, sizeof(cut));
	tick_q_init(&q, db, stmts[CS_COMMENT]);
	tick_q_str(&q, cut, (size_t)-1);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

json_t *
tick_csat_json(struct tick_db *db, long long id)
{
	static char comment[TICK_COL_BUF(TICK_CSAT_COMMENT_MAX)];
	char at[40];
	long long score = 0;
	struct tick_q q;
	enum tick_err rc;
	json_t *o = NULL;

	tick_q_init(&q, db, stmts[CS_GET]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &score);
	tick_q_out_str(&q, comment, sizeof(comment));
	tick_q_out_str(&q, at, sizeof(at));
	rc = tick_q_exec(&q);
	if (rc == TICK_OK) {
		int r = tick_q_fetch(&q);

		if (r == 0)
			o = json_null();
		else if (r > 0)
			o = json_pack("{s:I, s:o, s:s}", "score",
			    (json_int_t)score, "comment",
			    tick_q_isnull(&q, 1) ? json_null() :
			                           json_string(comment),
			    "at", at);
	}
	tick_q_done(&q);
	return o;
}
