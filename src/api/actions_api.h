/*
 * tick: a ticket's corrective actions over HTTP (issue 11). Reading needs
 * TICK_PERM_TICKETS_READ, changes TICK_PERM_TICKETS_WORK; beyond that a
 * super_admin, the ticket's holder or a site manager of the ticket's site
 * (or sub-site) may add, change and reopen actions, and they and the
 * action's owner may close one (tick_action_may). Every per-ticket route
 * finds its ticket with tick_ticket_route_id (and its site scope).
 */
#ifndef TICK_ACTIONS_API_H
#define TICK_ACTIONS_API_H

#include <jansson.h>

struct tick_req;

/* GET /api/tickets/:id/actions: {items, total, open_actions,
 * overdue_actions}. */
void tick_actions_ticket_list(struct tick_req *req);

/* POST /api/tickets/:id/actions {description, owner_id, due_date}: 201
 * with the action and "whatsapp_notice" (what the owner was sent). */
void tick_actions_create(struct tick_req *req);

/* PUT /api/tickets/:id/actions/:actionId {description?, owner_id?,
 * due_date?, status?}: status "open" reopens a closed action; closing is
 * the close route's (422 use_close). */
void tick_actions_update(struct tick_req *req);

/* POST /api/tickets/:id/actions/:actionId/close {note, status: done |
 * cancelled (default done), file?}: 409 action_closed when it is not
 * open. */
void tick_actions_close(struct tick_req *req);

/* GET /api/actions?owner=<id|me>&site=<id|code>&overdue=1&status=&page=
 * &limit=: actions across the tickets the user sees, by due date. */
void tick_actions_list(struct tick_req *req);

/* Adds "actions", "open_actions" and "overdue_actions" to the JSON of
 * ticket id for GET /api/tickets/:id; 0, or -1 after answering 503. */
int
tick_actions_ticket_json(struct tick_req *req, long long id, json_t *ticket);

#endif
