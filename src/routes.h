/* tick: the route handlers and the tables each responder serves. */
#ifndef TICK_ROUTES_H
#define TICK_ROUTES_H

#include <stddef.h>

#include "http.h"

/* GET and POST /api/whatsapp/webhook (also /webhook). */
extern const struct tick_route tick_routes_webhook[];
extern const size_t tick_routes_webhook_count;

/* GET /api/health, and GET /api/ping (no database: the benchmark's floor). */
extern const struct tick_route tick_routes_health[];
extern const size_t tick_routes_health_count;

#endif
