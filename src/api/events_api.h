/*
 * tick: GET /api/events, the panel's live stream. Streams the rows of
 * `events` (store/events.h) as server-sent events, resuming after
 * Last-Event-ID.
 */
#ifndef TICK_EVENTS_API_H
#define TICK_EVENTS_API_H

struct tick_req;

/* GET /api/events[?last_event_id=]: the stream, for 55 seconds at
 * most, then the browser reconnects; 503 when the database is
 * unreachable. */
void tick_events_stream(struct tick_req *req);

#endif
