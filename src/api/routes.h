/*
 * tick: every responder's route table, one file each (routes_<name>.c, so
 * that a responder links only its own handlers), where each route names
 * the permission it needs (roles.c says which roles have it).
 */
#ifndef TICK_ROUTES_H
#define TICK_ROUTES_H

#include <stddef.h>

#include "http.h"

/* webhook: GET and POST /api/whatsapp/webhook (also /webhook). */
extern const struct tick_routes tick_routes_webhook;
/* health: GET /api/health; GET /api/ping (no database); GET /metrics. */
extern const struct tick_routes tick_routes_health;
/* auth: /api/auth/..., /api/users..., /api/audit, /api/sites...,
 * /api/whatsapp/qr. */
extern const struct tick_routes tick_routes_auth;

/* tickets: /api/tickets..., /api/replies..., /api/whatsapp/send, status,
 * simulate-message. */
extern const struct tick_routes tick_routes_tickets;

/* events: GET /api/events (server-sent events; its own pool, since each
 * stream holds a worker). */
extern const struct tick_routes tick_routes_events;

/* reports: /api/stats/dashboard, /api/stats/tickets,
 * /api/analytics/overview, /api/reports/tickets, /api/reports/export. */
extern const struct tick_routes tick_routes_reports;

/* Handlers (webhook.c, health.c). */
void tick_webhook_verify(struct tick_req *req);
void tick_webhook_notify(struct tick_req *req);
void tick_health_get(struct tick_req *req);
void tick_health_ping(struct tick_req *req);

#endif
