#include <stdio.h>
#include <string.h>

#include "db.h"
#include "events.h"

/*
 * Rows are read once they are TICK_EVENTS_SETTLE_MS old, in (created_at,
 * id) order, so that a transaction that wrote an earlier event but
 * committed later is never skipped: every transaction here commits within
 * milliseconds of writing its event.
 */
/* A stream not heard of for STALE_SECONDS (its worker died) no longer
 * counts against its user's limit. */
#define STALE_SECONDS "30"

enum events_stmt {
	EV_INSERT,
	EV_INSERT_BY_ID,
	EV_INSERT_BY_WAMID,
	EV_START,
	EV_CURSOR_OF,
	EV_SINCE,
	EV_PRUNE,
	EV_STREAM_ADD,
	EV_STREAM_STALE,
	EV_STREAM_LIST,
	EV_STREAM_DROP,
	EV_STREAM_BEAT,
	EV_STREAM_PRUNE,
	EV_STMT__MAX
};

/* clang-format off */
static const char *const stmts[EV_STMT__MAX] = {
	[EV_INSERT] = "INSERT INTO events (type, ticket_id, user_id)"
	              " VALUES (?, ?, ?)",
	[EV_INSERT_BY_ID] =
	    "INSERT INTO events (type, ticket_id) SELECT ?, ticket_id"
	    " FROM whatsapp_messages WHERE id = ? AND ticket_id IS NOT NULL",
	[EV_INSERT_BY_WAMID] =
	    "INSERT INTO events (type, ticket_id) SELECT ?, ticket_id"
	    " FROM whatsapp_messages WHERE wamid = ? AND ticket_id IS NOT NULL",
	/* Where a new stream starts: the settled moment, now. */
	[EV_START] = "SELECT DATE_FORMAT(NOW(3) - INTERVAL " TICK_EVENTS_SETTLE_MS
	             "000 MICROSECOND, '%Y-%m-%d %H:%i:%s.%f')",
	[EV_CURSOR_OF] =
	    "SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') FROM events"
	    " WHERE id = ?",
	/* In (created_at, id) order, not id order: on Galera a node may take
	 * a lower id after another node took a higher one (each counts by its
	 * own steps), and only the time says which came first. */
	[EV_SINCE] =
	    "SELECT e.id, e.type, COALESCE(e.ticket_id, 0), t.reference, t.status,"
	    " DATE_FORMAT(e.created_at, '%Y-%m-%dT%H:%i:%s.%fZ'),"
	    " COALESCE(e.user_id, 0),"
	    " DATE_FORMAT(e.created_at, '%Y-%m-%d %H:%i:%s.%f')"
	    " FROM events e LEFT JOIN tickets t ON t.id = e.ticket_id"
	    " WHERE e.created_at >= ? AND (e.created_at > ? OR e.id > ?)"
	    " AND e.created_at <= NOW(3) - INTERVAL " TICK_EVENTS_SETTLE_MS
	    "000 MICROSECOND AND (e.ticket_id IS NULL OR " TICK_SCOPE_SQL ")"
	    " ORDER BY e.created_at, e.id LIMIT ?",
	[EV_PRUNE] =
	    "DELETE FROM events WHERE created_at < NOW(3) - INTERVAL 7 DAY"
	    " LIMIT 10000",
	[EV_STREAM_ADD] = "INSERT INTO event_streams (user_id) VALUES (?)",
	[EV_STREAM_STALE] = "DELETE FROM event_streams WHERE user_id = ?"
	                    " AND seen_at < NOW(3) - INTERVAL " STALE_SECONDS
	                    " SECOND",
	[EV_STREAM_LIST] = "SELECT id FROM event_streams WHERE user_id = ?"
	                   " ORDER BY id DESC LIMIT 200",
	[EV_STREAM_DROP] = "DELETE FROM event_streams WHERE id = ?",
	[EV_STREAM_BEAT] =
	    "UPDATE event_streams SET seen_at = NOW(3), beats = beats + 1"
	    " WHERE id = ?",
	[EV_STREAM_PRUNE] =
	    "DELETE FROM event_streams WHERE seen_at < NOW(3) - INTERVAL 1 HOUR"
	    " LIMIT 10000",
};
/* clang-format on */

enum tick_err
tick_events_prune(struct tick_db *db, long long *n)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[EV_PRUNE]);
	rc = tick_q_count(&q, n);
	if (rc == TICK_OK) {
		/* And the rows of streams whose workers died long ago. */
		tick_q_init(&q, db, stmts[EV_STREAM_PRUNE]);
		rc = tick_q_run(&q);
	}
	return rc;
}

enum tick_err
tick_events_emit_to(struct tick_db *db, const char *type, long long ticket_id,
    long long user_id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[EV_INSERT]);
	tick_q_str(&q, type, (size_t)-1);
	tick_q_opt_int(&q, ticket_id);
	tick_q_opt_int(&q, user_id);
	return tick_q_run(&q);
}

enum tick_err
tick_events_emit(struct tick_db *db, const char *type, long long ticket_id)
{
	return tick_events_emit_to(db, type, ticket_id, 0);
}

enum tick_err
tick_events_emit_for_message(struct tick_db *db, const char *type,
    long long message_id, const char *wamid)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db,
	    stmts[wamid ? EV_INSERT_BY_WAMID : EV_INSERT_BY_ID]);
	tick_q_str(&q, type, (size_t)-1);
	if (wamid)
		tick_q_str(&q, wamid, (size_t)-1);
	else
		tick_q_int(&q, message_id);
	rc = tick_q_exec(&q);
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_events_start(struct tick_db *db, struct tick_events_cursor *c)
{
	struct tick_q q;
	enum tick_err rc;

	memset(c, 0, sizeof(*c));
	tick_q_init(&q, db, stmts[EV_START]);
	tick_q_out_str(&q, c->at, sizeof(c->at));
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_events_cursor_of(struct tick_db *db, long long id,
    struct tick_events_cursor *c)
{
	struct tick_q q;
	enum tick_err rc;
	int got = 0;

	/* From the beginning: every event kept. */
	if (id <= 0) {
		memset(c, 0, sizeof(*c));
		snprintf(c->at, sizeof(c->at), "%s",
		    "1000-01-01 00:00:00.000000");
		return TICK_OK;
	}
	tick_q_init(&q, db, stmts[EV_CURSOR_OF]);
	tick_q_int(&q, id);
	tick_q_out_str(&q, c->at, sizeof(c->at));
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		got = tick_q_fetch(&q) == 1;
	tick_q_done(&q);
	if (rc != TICK_OK)
		return rc;
	/* An event pruned (a week old): start from now. */
	if (!got)
		return tick_events_start(db, c);
	c->id = id;
	return TICK_OK;
}

enum tick_err
tick_events_read(struct tick_db *db, const struct tick_scope *scope,
    const struct tick_events_cursor *after, struct tick_event *ev, size_t max,
    size_t *n)
{
	struct tick_event row;
	struct tick_q q;
	enum tick_err rc;

	*n = 0;
	if (max > TICK_EVENTS_READ_MAX)
		max = TICK_EVENTS_READ_MAX;
	if (max == 0)
		return TICK_OK;
	tick_q_init(&q, db, stmts[EV_SINCE]);
	tick_q_str(&q, after->at, (size_t)-1);
	tick_q_str(&q, after->at, (size_t)-1);
	tick_q_int(&q, after->id);
	tick_scope_bind(&q, scope);
	tick_q_int(&q, (long long)max);
	tick_q_out_int(&q, &row.id);
	tick_q_out_str(&q, row.type, sizeof(row.type));
	tick_q_out_int(&q, &row.ticket_id);
	tick_q_out_str(&q, row.reference, sizeof(row.reference));
	tick_q_out_str(&q, row.status, sizeof(row.status));
	tick_q_out_str(&q, row.at, sizeof(row.at));
	tick_q_out_int(&q, &row.user_id);
	tick_q_out_str(&q, row.cursor.at, sizeof(row.cursor.at));
	rc = tick_q_exec(&q);
	/* A fetch error (already logged) ends the batch: the stream resumes
	 * after the last row it got. */
	while (rc == TICK_OK && *n < max && tick_q_fetch(&q) == 1) {
		row.has_reference = !tick_q_isnull(&q, 3);
		row.has_status = !tick_q_isnull(&q, 4);
		row.cursor.id = row.id;
		ev[(*n)++] = row;
	}
	tick_q_done(&q);
	return rc;
}

static enum tick_err
stream_run(struct tick_db *db, int which, long long id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[which]);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_events_open_stream(struct tick_db *db, long long user, long long max,
    long long *id)
{
	long long other, n = 0;
	enum tick_err rc;
	struct tick_q q;

	*id = 0;
	if ((rc = stream_run(db, EV_STREAM_STALE, user)) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[EV_STREAM_ADD]);
	tick_q_int(&q, user);
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	if (rc != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[EV_STREAM_LIST]);
	tick_q_int(&q, user);
	tick_q_out_int(&q, &other);
	rc = tick_q_exec(&q);
	/* Newest first: the ones after the first max are the oldest. */
	while (rc == TICK_OK && tick_q_fetch(&q) == 1)
		if (++n > max)
			(void)stream_run(db, EV_STREAM_DROP, other);
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_events_beat_stream(struct tick_db *db, long long id, int *alive)
{
	struct tick_q q;
	enum tick_err rc;

	*alive = 0;
	tick_q_init(&q, db, stmts[EV_STREAM_BEAT]);
	tick_q_int(&q, id);
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		*alive = tick_q_affected(&q) > 0;
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_events_drop_stream(struct tick_db *db, long long id)
{
	return stream_run(db, EV_STREAM_DROP, id);
}
