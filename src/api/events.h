/*
 * tick: live updates. A change writes a row to `events` in its own
 * transaction; GET /api/events streams them to the panel as server-sent
 * events, resuming after Last-Event-ID.
 */
#ifndef TICK_EVENTS_H
#define TICK_EVENTS_H

#include "err.h"

struct tick_db;
struct tick_req;

/* Event types. */
#define TICK_EV_TICKET_CREATED "ticket.created"
#define TICK_EV_TICKET_UPDATED "ticket.updated"
#define TICK_EV_TICKET_ASSIGNED "ticket.assigned"
#define TICK_EV_TICKET_STATUS "ticket.status"
#define TICK_EV_TICKET_CLOSED "ticket.closed"
#define TICK_EV_MESSAGE_RECEIVED "message.received"
#define TICK_EV_MESSAGE_STATUS "message.status"
#define TICK_EV_REPLY_CREATED "reply.created"
#define TICK_EV_NOTE_CREATED "note.created"

/* Records an event about ticket_id (0 for none), inside the caller's
 * transaction when there is one. */
enum tick_err
tick_events_emit(struct tick_db *db, const char *type, long long ticket_id);

/* Records an event about the ticket of WhatsApp message id (by row id) or
 * wamid; nothing when the message has no ticket. */
enum tick_err tick_events_emit_for_message(struct tick_db *db, const char *type,
    long long message_id, const char *wamid);

/* Deletes events older than a week (no reconnecting panel needs them);
 * *n says how many. For `tick outbox`, which cron runs. */
enum tick_err tick_events_prune(struct tick_db *db, long long *n);

/* GET /api/events: the stream. */
void tick_events_stream(struct tick_req *req);

#endif
