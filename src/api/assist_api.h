/* tick: agent assistance on a ticket (issue 17). */
#ifndef TICK_ASSIST_API_H
#define TICK_ASSIST_API_H

struct tick_req;

/*
 * POST /api/tickets/:id/assist {kind: summary | reply | translate,
 * message_id (translate: timeline[].whatsapp.id), language?}: asks the
 * moderation provider synchronously (core/assist) and answers 200 {kind,
 * text, provider, model, latency_ms, language, message_id}; nothing is sent
 * to the customer. 409 assist_disabled (provider none, or an anonymous
 * report kept home), 409 no_conversation, 422 naming a bad field, 502/503/
 * 504 assist_unavailable with the provider's reason (Retry-After kept from
 * a 429). Every call that reaches the provider is audited
 * (ticket.assist: kind, outcome; never the text). Anyone who sees the
 * ticket may ask.
 */
void tick_assist_route(struct tick_req *req);

/*
 * GET /api/tickets/:id/assist: whether assistance is on for the ticket
 * ({enabled, provider, model, language (ASSIST_LANGUAGE), kinds}), so that
 * the panel offers it only then. Asks no provider. 404 as the ticket.
 */
void tick_assist_info_route(struct tick_req *req);

#endif
