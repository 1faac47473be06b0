#include "app.h"
#include "db.h"
#include "routes.h"

/* Public: up or down and nothing else. Versions, uptime and what is
 * configured (the signature check first) would tell an attacker where to
 * push; super_admins read them at GET /api/whatsapp/status. */
void
tick_health_get(struct tick_req *req)
{
	long long version = 0;
	enum tick_err rc;
	json_t *data;

	rc = tick_db_schema_version(req->app->db, &version);
	data = json_pack("{s:s}", "status", rc == TICK_OK ? "up" : "down");
	if (rc != TICK_OK)
		tick_http_fail(req, 503, rc, NULL, "the service is unavailable",
		    data);
	else
		tick_http_ok(req, 200, data, NULL);
}

/* No database, no upstream: what the FastCGI path itself costs. */
void
tick_health_ping(struct tick_req *req)
{
	tick_http_ok(req, 200, NULL, "pong");
}
