#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "events.h"
#include "events_api.h"
#include "http.h"
#include "session.h"
#include "json.h"
#include "serve.h"
#include "valid.h"

/* How often the stream looks for new rows, and how long one lasts before
 * the browser reconnects (freeing the worker). */
#define POLL_US 400000
#define STREAM_SECONDS 55
#define PING_SECONDS 15
/* Every so many polls a stream says it is alive and learns whether a newer
 * stream of its user ended it. */
#define BEAT_POLLS 5

/* Where to start: after Last-Event-ID (or ?last_event_id=), else now;
 * TICK_EDB when the database does not answer. */
static enum tick_err
start_at(struct tick_req *req, struct tick_events_cursor *c)
{
	const char *h = tick_http_param(req, "HTTP_LAST_EVENT_ID");
	char v[24];
	long long id = 0;

	if (h != NULL &&
	    tick_valid_num(h, strlen(h), 0, 9223372036854775807LL, &id) ==
	        TICK_OK)
		return tick_events_cursor_of(req->app->db, id, c);
	if (tick_http_query_get(req->query, "last_event_id", v, sizeof(v)) ==
	        TICK_OK &&
	    tick_valid_num(v, strlen(v), 0, 9223372036854775807LL, &id) ==
	        TICK_OK)
		return tick_events_cursor_of(req->app->db, id, c);
	return tick_events_start(req->app->db, c);
}

static void events_loop(struct tick_req *req, struct tick_events_cursor last,
    long long stream);

void
tick_events_stream(struct tick_req *req)
{
	struct tick_events_cursor last;
	long long stream = 0;
	struct tick_db *db = req->app->db;

	if (start_at(req, &last) != TICK_OK ||
	    tick_events_open_stream(db, req->user.id,
	        tick_config_num(&req->app->cfg,
	            TICK_CFG_EVENTS_STREAMS_PER_USER),
	        &stream) != TICK_OK) {
		if (stream > 0)
			(void)tick_events_drop_stream(db, stream);
		tick_http_fail(req, 503, TICK_EDB, NULL,
		    "the database is unreachable", NULL);
		return;
	}
	events_loop(req, last, stream);
	(void)tick_events_drop_stream(db, stream);
}

/* Writes one event as a server-sent event: 0, or -1 when it could not be
 * made or the browser went away. */
static int
send_event(struct tick_req *req, const struct tick_event *e)
{
	char buf[512];
	json_t *data = json_pack("{s:I, s:s, s:o, s:o, s:o, s:s, s:o}", "id",
	    (json_int_t)e->id, "type", e->type, "ticket_id",
	    e->ticket_id ? json_integer((json_int_t)e->ticket_id) : json_null(),
	    "reference",
	    e->has_reference ? json_string(e->reference) : json_null(),
	    "status", e->has_status ? json_string(e->status) : json_null(),
	    "at", e->at, "user_id",
	    e->user_id ? json_integer((json_int_t)e->user_id) : json_null());
	char *d = data ? json_dumps(data, JSON_COMPACT) : NULL;
	int n;

	json_decref(data);
	n = d ? snprintf(buf, sizeof(buf), "id: %lld\nevent: %s\ndata: %s\n\n",
	            e->id, e->type, d) :
	        -1;
	free(d);
	if (n < 0 || (size_t)n >= sizeof(buf) ||
	    tick_http_stream_write(req, buf, (size_t)n) != 0)
		return -1;
	return 0;
}

static void
events_loop(struct tick_req *req, struct tick_events_cursor last,
    long long stream)
{
	/* Static: a worker serves one stream at a time. */
	static struct tick_event ev[TICK_EVENTS_READ_MAX];
	time_t end = time(NULL) + STREAM_SECONDS, pinged = time(NULL);
	/* A site manager hears only of its sites' tickets. */
	struct tick_scope scope = tick_session_scope(req);
	int polls = 0;

	if (tick_http_stream_start(req, "text/event-stream") != 0 ||
	    tick_http_stream_write(req, "retry: 1000\n\n", 13) != 0)
		return;
	while (time(NULL) < end && !tick_serve_stopping()) {
		size_t n, i;
		int alive;
		enum tick_err rc;

		rc = tick_events_read(req->app->db, &scope, &last, ev,
		    TICK_EVENTS_READ_MAX, &n);
		for (i = 0; i < n; i++) {
			last = ev[i].cursor;
			if (send_event(req, &ev[i]) != 0)
				return; /* the browser went away */
			pinged = time(NULL);
		}
		if (rc != TICK_OK)
			return; /* the browser reconnects and resumes */
		if (++polls % BEAT_POLLS == 0) {
			/* A newer stream of this user may have ended this one:
			 * then the panel polls instead of coming back at once. */
			static const char closed[] =
			    "event: stream.closed\n"
			    "data: {\"type\":\"stream.closed\",\"reason\":"
			    "\"too_many_streams\"}\n\n";

			if (tick_events_beat_stream(req->app->db, stream,
			        &alive) != TICK_OK)
				return;
			if (!alive) {
				(void)tick_http_stream_write(req, closed,
				    sizeof(closed) - 1);
				return;
			}
		}
		if (time(NULL) - pinged >= PING_SECONDS) {
			if (tick_http_stream_write(req, ": ping\n\n", 8) != 0)
				return;
			pinged = time(NULL);
		}
		usleep(POLL_US);
	}
}
