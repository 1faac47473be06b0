/* Routes of the health responder: GET /api/health, GET /api/ping, GET
 * /metrics. Each responder links only its own table and the handlers it
 * names. */
#include <stddef.h>

#include "metrics_api.h"
#include "routes.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct tick_route health[] = {
	{ "GET", "/api/health", tick_health_get, 0, TICK_PERM_PUBLIC },
	{ "GET", "/api/ping", tick_health_ping, 0, TICK_PERM_PUBLIC },
	/* Public to the responder: nginx lets only loopback and
	 * METRICS_ALLOW through. */
	{ "GET", "/metrics", tick_metrics_api_get, 0, TICK_PERM_PUBLIC },
};
const struct tick_routes tick_routes_health = { "health", health, N(health),
	NULL };
