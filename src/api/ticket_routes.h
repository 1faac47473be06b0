/* tick: the tickets API: GET and POST /api/tickets, GET, PUT and DELETE
 * /api/tickets/:id, GET /api/tickets/stats. Handlers only. */
#ifndef TICK_TICKET_ROUTES_H
#define TICK_TICKET_ROUTES_H

struct tick_req;

void tick_tickets_list(struct tick_req *req);
void tick_tickets_get(struct tick_req *req);
void tick_tickets_create(struct tick_req *req);
void tick_tickets_update(struct tick_req *req);
void tick_tickets_delete(struct tick_req *req);
void tick_tickets_stats(struct tick_req *req);

/* POST /api/tickets/:id/reveal: who wrote an anonymous report (name,
 * e-mail, mobile), for a super_admin, audited. */
void tick_tickets_reveal(struct tick_req *req);

#endif
