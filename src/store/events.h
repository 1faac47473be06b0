/*
 * tick: live updates, the events and event_streams tables. A change writes
 * a row to `events` in its own transaction; each open GET /api/events
 * stream (api/events_api.c) has a row in `event_streams`. SQL only.
 */
#ifndef TICK_EVENTS_H
#define TICK_EVENTS_H

#include <stddef.h>

#include "err.h"
#include "tickets.h"

struct tick_db;

/* Event types. */
#define TICK_EV_TICKET_CREATED "ticket.created"
#define TICK_EV_TICKET_UPDATED "ticket.updated"
#define TICK_EV_TICKET_ASSIGNED "ticket.assigned"
#define TICK_EV_TICKET_STATUS "ticket.status"
#define TICK_EV_TICKET_CLOSED "ticket.closed"
/* The customer rated a closed ticket (issue 13). */
#define TICK_EV_TICKET_CSAT "ticket.csat"
/* A low rating, for the holder (CSAT_LOW_ACTION=notify). */
#define TICK_EV_TICKET_CSAT_LOW "ticket.csat_low"
#define TICK_EV_MESSAGE_RECEIVED "message.received"
#define TICK_EV_MESSAGE_STATUS "message.status"
#define TICK_EV_REPLY_CREATED "reply.created"
#define TICK_EV_NOTE_CREATED "note.created"
/* A ticket's corrective action, each meant for its owner (user_id). */
#define TICK_EV_ACTION_ASSIGNED "action.assigned"
#define TICK_EV_ACTION_UPDATED "action.updated"
#define TICK_EV_ACTION_CLOSED "action.closed"

/* Readers of `events` (the live stream, the outbound webhooks) take only
 * rows older than this many milliseconds: an id taken by a transaction
 * that commits later is not skipped. A string, for SQL. */
#define TICK_EVENTS_SETTLE_MS "700"
#define TICK_EV_WEBHOOK_DISABLED "webhook.disabled"
/* An SLA due time is near, or was missed (issue 13), each meant for one
 * member of staff (the holder, the team, the site's managers). */
#define TICK_EV_SLA_WARNING "sla.warning"
#define TICK_EV_SLA_BREACH "sla.breach"
/* The WhatsApp channel's health changed (issue 16): a token or account
 * failure began or ended, Meta told of the number's quality or the
 * account. About no ticket; for everyone (the panel's banner). */
#define TICK_EV_CHANNEL_CHANGED "channel.changed"

/* Most rows one tick_events_read() returns. */
#define TICK_EVENTS_READ_MAX 200

/* Where a reader of `events` is: after the event created at `at`
 * ("YYYY-MM-DD HH:MM:SS.ffffff", UTC) with id `id`. Events are read in
 * (created_at, id) order: on Galera ids are not in time order across
 * nodes. */
struct tick_events_cursor {
	char at[32];
	long long id;
};

/* One row of `events`, with its ticket's reference and status. */
struct tick_event {
	long long id;
	long long ticket_id; /* 0 when the event is about no ticket */
	long long user_id;   /* the user it is meant for; 0: everyone */
	char type[33];
	char reference[33];               /* "" when has_reference is 0 */
	char status[16];                  /* "" when has_status is 0 */
	char at[40];                      /* created_at, ISO 8601 in UTC */
	struct tick_events_cursor cursor; /* a reader after this event */
	int has_reference;
	int has_status;
};

/* Records an event about ticket_id (0 for none), inside the caller's
 * transaction when there is one. type is borrowed. */
enum tick_err
tick_events_emit(struct tick_db *db, const char *type, long long ticket_id);

/* The same, meant for user_id (0: everyone): an action's owner. */
enum tick_err tick_events_emit_to(struct tick_db *db, const char *type,
    long long ticket_id, long long user_id);

/* Records an event about the ticket of WhatsApp message id (by row id) or
 * wamid (when not NULL); nothing when the message has no ticket. */
enum tick_err tick_events_emit_for_message(struct tick_db *db, const char *type,
    long long message_id, const char *wamid);

/* Deletes events older than a week (no reconnecting panel needs them) and
 * the rows of streams not heard of for an hour; *n says how many events.
 * For `tick outbox`, which cron runs. */
enum tick_err tick_events_prune(struct tick_db *db, long long *n);

/* Where a new stream starts (it sees only newer events): after the
 * settled moment, now. TICK_EDB when the database does not answer. */
enum tick_err
tick_events_start(struct tick_db *db, struct tick_events_cursor *c);

/* Where a stream resuming after event id (Last-Event-ID) starts: after
 * that event; from the first event kept when id is 0; from now when the
 * event is gone (pruned). TICK_EDB when the database does not answer. */
enum tick_err tick_events_cursor_of(struct tick_db *db, long long id,
    struct tick_events_cursor *c);

/*
 * Reads into ev (caller storage for max rows; at most
 * TICK_EVENTS_READ_MAX are read) the settled events after cursor `after`,
 * in (created_at, id) order, and sets *n to their number. An event is
 * settled once it is old enough that no transaction which wrote an
 * earlier one can still commit (on any node, while nodes apply each
 * other's writes within TICK_EVENTS_SETTLE_MS), so a reader resuming
 * after the last event it read (its ev[].cursor) misses nothing. A row
 * that cannot be fetched ends the read early (logged): the rows before it
 * are returned with TICK_OK. TICK_EDB when the query fails.
 */
enum tick_err tick_events_read(struct tick_db *db,
    const struct tick_scope *scope, const struct tick_events_cursor *after,
    struct tick_event *ev, size_t max, size_t *n);

/*
 * Records a new live stream of user and ends that user's oldest streams
 * past max (their rows go; each sees that at its next
 * tick_events_beat_stream). Streams not heard of for 30 seconds (their
 * worker died) no longer count. *id is the new stream's row, 0 when none
 * was made; a caller that got an error with *id > 0 drops it.
 */
enum tick_err tick_events_open_stream(struct tick_db *db, long long user,
    long long max, long long *id);

/* Says that stream id is alive: *alive is 1 when its row is still there,
 * 0 when a newer stream of its user ended it. TICK_EDB (and *alive 0)
 * when the database does not answer. */
enum tick_err
tick_events_beat_stream(struct tick_db *db, long long id, int *alive);

/* Deletes the row of stream id (the stream ended). */
enum tick_err tick_events_drop_stream(struct tick_db *db, long long id);

#endif
