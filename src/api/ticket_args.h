/*
 * tick: what the ticket routes read from a request: the ticket a route
 * names, the timeline page its query asks for, a file in its body. Each
 * answers the request itself (400, 404, 413, 415, 422, 503) when it fails.
 */
#ifndef TICK_TICKET_ARGS_H
#define TICK_TICKET_ARGS_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"
#include "tickets.h"

struct tick_req;

/* The id named by route parameter i: a number or a reference. 0 when there
 * is no such ticket (or it is deleted), with *rc saying why. */
long long
tick_ticket_id_param(struct tick_req *req, size_t i, enum tick_err *rc);

/* The ticket the route names (parameter 0), or 0 after answering 404 (no
 * such ticket) or 503. */
long long tick_ticket_route_id(struct tick_req *req);

/* Begins a transaction and locks ticket id within req's scope; 0, or -1
 * after rolling back and answering 404 (no such ticket for this user) or
 * 503. */
int tick_ticket_begin_locked(struct tick_req *req, long long id,
    struct tick_ticket *tk);

/*
 * Reads ?timeline_limit=N and ?timeline_before=<cursor> (r42, m42: the
 * answer's timeline_before) from query into p; defaults when absent.
 * TICK_EINVAL when either is malformed. No I/O.
 */
enum tick_err
tick_ticket_timeline_query(const char *query, struct tick_timeline_page *p);

/* The ticket as JSON for a request, paged by its query string; NULL after
 * answering 400 (a bad paging parameter), 404 or 503. */
json_t *tick_ticket_json_req(struct tick_req *req, long long id);

/* A file given in a JSON body: {"name", "type", "content" (base64)}. */
struct tick_file {
	unsigned char *data; /* owned; NULL when there is no file */
	size_t len;
	const char *name;    /* borrowed from the body; may be NULL */
	const char *type;    /* borrowed from the body */
	const char *wa_type; /* image, audio, video, sticker or document */
};

/*
 * Reads member key of body as a file: base64 decoded through libb64 after
 * its alphabet is checked, type and size within WhatsApp's limits and
 * MAX_FILE_SIZE, all before any upload. Returns 0 (f->data NULL when the
 * member is absent) or -1 after answering 422, 413 or 415.
 */
int tick_ticket_file_arg(struct tick_req *req, json_t *body, const char *key,
    struct tick_file *f);

#endif
