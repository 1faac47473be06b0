/*
 * tick: calendars and SLA policies (issue 13). GET, POST /api/calendars,
 * GET, PUT, DELETE /api/calendars/:id; GET, POST /api/sla-policies, GET,
 * PUT, DELETE /api/sla-policies/:id. Everyone who reads tickets reads
 * them; a super admin writes them, audited.
 */
#ifndef TICK_SLA_API_H
#define TICK_SLA_API_H

struct tick_req;

void tick_calendars_list(struct tick_req *req);
void tick_calendars_get(struct tick_req *req);
void tick_calendars_create(struct tick_req *req);
void tick_calendars_update(struct tick_req *req);
void tick_calendars_delete(struct tick_req *req);

void tick_sla_policies_list(struct tick_req *req);
void tick_sla_policies_get(struct tick_req *req);
void tick_sla_policies_create(struct tick_req *req);
void tick_sla_policies_update(struct tick_req *req);
void tick_sla_policies_delete(struct tick_req *req);

#endif
