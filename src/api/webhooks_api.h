/*
 * tick: outbound webhook subscriptions for a super admin (issue 15):
 * GET, POST /api/webhooks; GET, PUT, DELETE /api/webhooks/:id;
 * GET /api/webhooks/:id/deliveries; POST
 * /api/webhooks/:id/deliveries/:deliveryId/resend. The secret is shown
 * once, when it is made; core/hooks_out.h says what a delivery carries.
 */
#ifndef TICK_WEBHOOKS_API_H
#define TICK_WEBHOOKS_API_H

struct tick_req;

void tick_webhooks_list(struct tick_req *req);
void tick_webhooks_create(struct tick_req *req);
void tick_webhooks_get(struct tick_req *req);
void tick_webhooks_update(struct tick_req *req);
void tick_webhooks_delete(struct tick_req *req);
void tick_webhooks_deliveries(struct tick_req *req);
void tick_webhooks_resend(struct tick_req *req);

#endif
