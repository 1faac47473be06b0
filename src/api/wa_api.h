/* tick: WhatsApp routes for signed-in users (wa_api.c). */
#ifndef TICK_WA_API_H
#define TICK_WA_API_H

struct tick_req;

/* POST /api/whatsapp/send {phone | ticket_id, message}. */
void tick_wa_api_send(struct tick_req *req);
/* GET /api/whatsapp/status[?live=1]. */
void tick_wa_api_status(struct tick_req *req);
/* GET /api/whatsapp/health (every signed-in user, for the panel's
 * banner): the channel's health, as in the status's `health`. */
void tick_wa_api_health(struct tick_req *req);
/* POST /api/whatsapp/simulate-message {phone, name, text}. */
void tick_wa_api_simulate(struct tick_req *req);
/* GET /api/whatsapp/identity-conflicts[?status=open|all] (super admin):
 * {items, total}, newest first, at most TICK_IDENTITY_LIST_MAX. */
void tick_wa_api_identity_conflicts(struct tick_req *req);

#endif
