/*
 * tick: the routes of the WhatsApp template library (issue 16). Handlers
 * only: the rules are wa/templates, the SQL store/wa_templates, the calls
 * to Meta core/template_flow. Sending one from a ticket is work.c's
 * (POST /api/tickets/:id/template).
 */
#ifndef TICK_TEMPLATES_API_H
#define TICK_TEMPLATES_API_H

struct tick_req;

/* GET /api/templates?status=&category=&q=: {items, total}. */
void tick_templates_list_route(struct tick_req *req);
/* POST /api/templates/sync: every template of the account from Meta. */
void tick_templates_sync_route(struct tick_req *req);
/* POST /api/templates {name, language, category, components,
 * parameter_format?}: checked, then created at Meta and stored. */
void tick_templates_create_route(struct tick_req *req);
/* DELETE /api/templates/:name: deleted at Meta (every language), then
 * here. */
void tick_templates_delete_route(struct tick_req *req);

#endif
