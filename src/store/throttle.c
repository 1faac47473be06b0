#include <stddef.h>

#include "db.h"
#include "throttle.h"

enum throttle_stmt {
	TH_ENSURE,
	TH_LOCK,
	TH_CLEAR,
	TH_FAILED,
	TH_PRUNE,
	TH_STMT__MAX
};

/* clang-format off */
static const char *const stmts[TH_STMT__MAX] = {
	[TH_ENSURE] =
	    "INSERT INTO login_throttle (email, addr) VALUES (?, ?)"
	    " ON DUPLICATE KEY UPDATE failures = failures",
	[TH_LOCK] =
	    "SELECT COALESCE(locked_until > NOW(3), 0) FROM login_throttle"
	    " WHERE email = ? AND addr = ? FOR UPDATE",
	[TH_CLEAR] =
	    "DELETE FROM login_throttle WHERE email = ? AND addr = ?",
	/* Left to right: the count grows, then decides the lock. */
	[TH_FAILED] =
	    "UPDATE login_throttle SET failures = failures + 1,"
	    " locked_until = IF(failures >= ?, NOW(3) + INTERVAL"
	    "   LEAST(? * 60, 60 * POW(2, LEAST(failures - ?, 20))) SECOND,"
	    "   locked_until)"
	    " WHERE email = ? AND addr = ?",
	[TH_PRUNE] =
	    "DELETE FROM login_throttle WHERE updated_at < NOW(3) - INTERVAL 1 DAY"
	    " AND (locked_until IS NULL OR locked_until < NOW(3)) LIMIT 10000",
};
/* clang-format on */

static void
bind_pair(struct tick_q *q, const char *email, const char *addr)
{
	tick_q_str(q, email, (size_t)-1);
	tick_q_str(q, addr, (size_t)-1);
}

enum tick_err
tick_throttle_begin(struct tick_db *db, const char *email, const char *addr,
    int *locked)
{
	struct tick_q q;
	long long v = 0;
	enum tick_err rc;

	*locked = 0;
	if ((rc = tick_db_begin(db)) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[TH_ENSURE]);
	bind_pair(&q, email, addr);
	if ((rc = tick_q_run(&q)) != TICK_OK)
		goto out;
	tick_q_init(&q, db, stmts[TH_LOCK]);
	bind_pair(&q, email, addr);
	tick_q_out_int(&q, &v);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	*locked = v != 0;
out:
	if (rc != TICK_OK)
		tick_db_rollback(db);
	return rc;
}

enum tick_err
tick_throttle_end(struct tick_db *db, const char *email, const char *addr,
    int ok, int counted, long long max_failures, long long lock_minutes,
    int *locked_now)
{
	struct tick_q q;
	long long now = 0;
	enum tick_err rc = TICK_OK;

	*locked_now = 0;
	if (ok) {
		tick_q_init(&q, db, stmts[TH_CLEAR]);
		bind_pair(&q, email, addr);
		rc = tick_q_run(&q);
	} else if (counted) {
		tick_q_init(&q, db, stmts[TH_FAILED]);
		tick_q_int(&q, max_failures);
		tick_q_int(&q, lock_minutes);
		tick_q_int(&q, max_failures);
		bind_pair(&q, email, addr);
		if ((rc = tick_q_run(&q)) == TICK_OK) {
			tick_q_init(&q, db, stmts[TH_LOCK]);
			bind_pair(&q, email, addr);
			tick_q_out_int(&q, &now);
			if ((rc = tick_q_exec(&q)) == TICK_OK &&
			    tick_q_fetch(&q) != 1)
				rc = TICK_EDB;
			tick_q_done(&q);
			*locked_now = now != 0;
		}
	}
	if (rc == TICK_OK)
		return tick_db_commit(db);
	tick_db_rollback(db);
	return rc;
}

enum tick_err
tick_throttle_prune(struct tick_db *db, long long *n)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TH_PRUNE]);
	return tick_q_count(&q, n);
}
