#include <time.h>

#include "app.h"
#include "config.h"
#include "db.h"
#include "routes.h"

void
tick_health_get(struct tick_req *req)
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
void
tick_health_ping(struct tick_req *req)
{
	tick_http_ok(req, 200, NULL, "pong");
}
