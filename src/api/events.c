#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "db.h"
#include "json.h"
#include "events.h"
#include "http.h"
#include "serve.h"
#include "valid.h"

/*
 * Rows are read once they are this old, so that a transaction that took
 * an earlier id but committed later is never skipped: every transaction
 * here commits within milliseconds of writing its event.
 */
#define SETTLE_MS "700"
/* How often the stream looks for new rows, and how long one lasts before
 * the browser reconnects (freeing the worker). */
#define POLL_US 400000
#define STREAM_SECONDS 55
#define PING_SECONDS 15
/* Every so many polls a stream says it is alive and learns whether a newer
 * stream of its user ended it; a stream not heard of for STALE_SECONDS
 * (its worker died) no longer counts. */
#define BEAT_POLLS 5
#define STALE_SECONDS "30"

enum events_stmt {
	EV_INSERT,
	EV_INSERT_BY_ID,
	EV_INSERT_BY_WAMID,
	EV_START,
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

static const char *const stmts[EV_STMT__MAX] = {
	[EV_INSERT] = "INSERT INTO events (type, ticket_id) VALUES (?, ?)",
	[EV_INSERT_BY_ID] =
	    "INSERT INTO events (type, ticket_id) SELECT ?, ticket_id"
	    " FROM whatsapp_messages WHERE id = ? AND ticket_id IS NOT NULL",
	[EV_INSERT_BY_WAMID] =
	    "INSERT INTO events (type, ticket_id) SELECT ?, ticket_id"
	    " FROM whatsapp_messages WHERE wamid = ? AND ticket_id IS NOT NULL",
	[EV_START] = "SELECT COALESCE(MAX(id), 0) FROM events"
	             " WHERE created_at <= NOW(3) - INTERVAL " SETTLE_MS
	             "000 MICROSECOND",
	[EV_SINCE] =
	    "SELECT e.id, e.type, COALESCE(e.ticket_id, 0), t.reference, t.status,"
	    " DATE_FORMAT(e.created_at, '%Y-%m-%dT%H:%i:%s.%fZ')"
	    " FROM events e LEFT JOIN tickets t ON t.id = e.ticket_id"
	    " WHERE e.id > ? AND e.created_at <= NOW(3) - INTERVAL " SETTLE_MS
	    "000 MICROSECOND ORDER BY e.id LIMIT 200",
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

enum tick_err
tick_events_prune(struct tick_db *db, long long *n)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[EV_PRUNE]);
	rc = tick_q_exec(&q);
	*n = rc == TICK_OK ? (long long)tick_q_affected(&q) : 0;
	tick_q_done(&q);
	if (rc == TICK_OK) {
		/* And the rows of streams whose workers died long ago. */
		tick_q_init(&q, db, stmts[EV_STREAM_PRUNE]);
		rc = tick_q_run(&q);
	}
	return rc;
}

enum tick_err
tick_events_emit(struct tick_db *db, const char *type, long long ticket_id)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[EV_INSERT]);
	tick_q_str(&q, type, (size_t)-1);
	if (ticket_id > 0)
		tick_q_int(&q, ticket_id);
	else
		tick_q_null(&q);
	rc = tick_q_exec(&q);
	tick_q_done(&q);
	return rc;
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

/* Where to start: Last-Event-ID (or ?last_event_id=), else now. */
static long long
start_id(struct tick_req *req)
{
	const char *h = tick_http_param(req, "HTTP_LAST_EVENT_ID");
	char v[24];
	long long id = 0;
	struct tick_q q;

	if (h != NULL &&
	    tick_valid_num(h, strlen(h), 0, 9223372036854775807LL, &id) ==
	        TICK_OK)
		return id;
	if (tick_http_query_get(req->query, "last_event_id", v, sizeof(v)) ==
	        TICK_OK &&
	    tick_valid_num(v, strlen(v), 0, 9223372036854775807LL, &id) ==
	        TICK_OK)
		return id;
	tick_q_init(&q, req->app->db, stmts[EV_START]);
	tick_q_out_int(&q, &id);
	if (tick_q_exec(&q) != TICK_OK || tick_q_fetch(&q) != 1)
		id = -1;
	tick_q_done(&q);
	return id;
}

static enum tick_err
stream_run(struct tick_db *db, int which, long long id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[which]);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

/* Records this stream of the user and ends the user's oldest ones past
 * max (their rows go; each sees that at its next beat). *id is the new
 * stream's row. */
static enum tick_err
stream_open(struct tick_db *db, long long user, long long max, long long *id)
{
	long long other, n = 0;
	enum tick_err rc;
	struct tick_q q;
	int r;

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
	while (rc == TICK_OK && (r = tick_q_fetch(&q)) == 1)
		if (++n > max)
			(void)stream_run(db, EV_STREAM_DROP, other);
	tick_q_done(&q);
	return rc;
}

/* 1 when the stream's row is still there, 0 when a newer stream of its
 * user ended it, -1 on a database error. */
static int
stream_beat(struct tick_db *db, long long id)
{
	struct tick_q q;
	int alive;

	tick_q_init(&q, db, stmts[EV_STREAM_BEAT]);
	tick_q_int(&q, id);
	if (tick_q_exec(&q) != TICK_OK)
		alive = -1;
	else
		alive = tick_q_affected(&q) > 0;
	tick_q_done(&q);
	return alive;
}

static void events_loop(struct tick_req *req, long long last, long long stream);

void
tick_events_stream(struct tick_req *req)
{
	long long last = start_id(req), stream = 0;
	struct tick_db *db = req->app->db;

	if (last < 0 ||
	    stream_open(db, req->user.id,
	        tick_config_num(&req->app->cfg,
	            TICK_CFG_EVENTS_STREAMS_PER_USER),
	        &stream) != TICK_OK) {
		if (stream > 0)
			(void)stream_run(db, EV_STREAM_DROP, stream);
		tick_http_fail(req, 503, TICK_EDB, NULL,
		    "the database is unreachable", NULL);
		return;
	}
	events_loop(req, last, stream);
	(void)stream_run(db, EV_STREAM_DROP, stream);
}

static void
events_loop(struct tick_req *req, long long last, long long stream)
{
	long long id, tid;
	char type[33], ref[33], status[16], at[40], buf[512];
	time_t end = time(NULL) + STREAM_SECONDS, pinged = time(NULL);
	struct tick_q q;
	int r, n, polls = 0;

	if (tick_http_stream_start(req, "text/event-stream") != 0 ||
	    tick_http_stream_write(req, "retry: 1000\n\n", 13) != 0)
		return;
	while (time(NULL) < end && !tick_serve_stopping()) {
		enum tick_err rc;

		tick_q_init(&q, req->app->db, stmts[EV_SINCE]);
		tick_q_int(&q, last);
		tick_q_out_int(&q, &id);
		tick_q_out_str(&q, type, sizeof(type));
		tick_q_out_int(&q, &tid);
		tick_q_out_str(&q, ref, sizeof(ref));
		tick_q_out_str(&q, status, sizeof(status));
		tick_q_out_str(&q, at, sizeof(at));
		rc = tick_q_exec(&q);
		while (rc == TICK_OK && (r = tick_q_fetch(&q)) == 1) {
			json_t *data =
			    json_pack("{s:I, s:s, s:o, s:o, s:o, s:s}", "id",
			        (json_int_t)id, "type", type, "ticket_id",
			        tid ? json_integer((json_int_t)tid) :
			              json_null(),
			        "reference",
			        tick_q_isnull(&q, 3) ? json_null() :
			                               json_string(ref),
			        "status",
			        tick_q_isnull(&q, 4) ? json_null() :
			                               json_string(status),
			        "at", at);
			char *d = data ? json_dumps(data, JSON_COMPACT) : NULL;

			json_decref(data);
			n = d ? snprintf(buf, sizeof(buf),
			            "id: %lld\nevent: %s\ndata: %s\n\n", id,
			            type, d) :
			        -1;
			free(d);
			last = id;
			if (n < 0 || (size_t)n >= sizeof(buf) ||
			    tick_http_stream_write(req, buf, (size_t)n) != 0) {
				tick_q_done(&q);
				return; /* the browser went away */
			}
			pinged = time(NULL);
		}
		tick_q_done(&q);
		if (rc != TICK_OK)
			return; /* the browser reconnects and resumes */
		if (++polls % BEAT_POLLS == 0 &&
		    (r = stream_beat(req->app->db, stream)) != 1) {
			/* A newer stream of this user ended this one: the
			 * panel polls instead of coming back at once. */
			static const char closed[] =
			    "event: stream.closed\n"
			    "data: {\"type\":\"stream.closed\",\"reason\":"
			    "\"too_many_streams\"}\n\n";

			if (r == 0)
				(void)tick_http_stream_write(req, closed,
				    sizeof(closed) - 1);
			return;
		}
		if (time(NULL) - pinged >= PING_SECONDS) {
			if (tick_http_stream_write(req, ": ping\n\n", 8) != 0)
				return;
			pinged = time(NULL);
		}
		usleep(POLL_US);
	}
}
