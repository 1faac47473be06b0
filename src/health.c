#include <time.h>

#include "app.h"
#include "config.h"
#include "db.h"
#include "routes.h"

static void
health(struct tick_req *req)
{
	struct tick_app *app = req->app;
	long long version = 0;
	enum tick_err rc;
	json_t *data;

	rc = tick_db_schema_version(app->db, &version);
	data = json_pack("{s:s, s:s, s:I, s:{s:b, s:I}, s:{s:b, s:b, s:b}}",
	    "status", rc == TICK_OK ? "ok" : "degraded", "version",
	    PACKAGE_VERSION, "uptime_seconds",
	    (json_int_t)(time(NULL) - app->started), "database", "reachable",
	    rc == TICK_OK, "schema_version", (json_int_t)version, "whatsapp",
	    "sending_configured", tick_config_wa_ready(&app->cfg),
	    "signature_check",
	    tick_config_get(&app->cfg, TICK_CFG_WA_APP_SECRET) != NULL,
	    "verify_token_set",
	    tick_config_get(&app->cfg, TICK_CFG_WA_VERIFY_TOKEN) != NULL);
	if (rc != TICK_OK)
		tick_http_fail(req, 503, rc, NULL,
		    "the database is unreachable", data);
	else
		tick_http_ok(req, 200, data, NULL);
}

/* No database, no upstream: what the FastCGI path itself costs. */
static void
ping(struct tick_req *req)
{
	tick_http_ok(req, 200, NULL, "pong");
}

const struct tick_route tick_routes_health[] = {
	{ "GET", "/api/health", health, 0 },
	{ "GET", "/api/ping", ping, 0 },
};
const size_t tick_routes_health_count = sizeof(tick_routes_health) /
    sizeof(tick_routes_health[0]);
