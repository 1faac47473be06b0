#include <stdio.h>

#include "app.h"
#include "config.h"
#include "hooks.h"
#include "http.h"
#include "media.h"
#include "metrics.h"
#include "metrics_api.h"
#include "outbox.h"
#include "prom.h"

/* The gauges a scrape reads from the database; the database's own state
 * is a gauge too, so a scrape still answers while it is down. */
static void
expose_db(struct tick_req *req, struct tick_prom *p)
{
	long long depth = 0, oldest_us = 0, media = 0, hooks = 0;
	int up;

	up = tick_outbox_depth(req->app->db, &depth, &oldest_us) == TICK_OK &&
	    tick_media_pending(req->app->db, &media) == TICK_OK &&
	    tick_hooks_pending(req->app->db, &hooks) == TICK_OK;

	tick_prom_family(p, "tick_database_up", "gauge",
	    "1 when this scrape could read the database's gauges, else 0.");
	tick_prom_u64(p, "tick_database_up", NULL, 0, up ? 1 : 0);
	if (!up)
		return;
	tick_prom_family(p, "tick_outbox_depth", "gauge",
	    "Outbound WhatsApp messages still to be sent, due now or later.");
	tick_prom_u64(p, "tick_outbox_depth", NULL, 0, (uint64_t)depth);
	tick_prom_family(p, "tick_outbox_oldest_due_age_seconds", "gauge",
	    "How long the oldest due outbound message has waited; 0 when none "
	    "is due.");
	tick_prom_f64(p, "tick_outbox_oldest_due_age_seconds", NULL, 0,
	    (double)oldest_us / 1e6);
	tick_prom_family(p, "tick_media_pending", "gauge",
	    "Files not yet stored on Cloudinary (pending).");
	tick_prom_u64(p, "tick_media_pending", NULL, 0, (uint64_t)media);
	tick_prom_family(p, "tick_webhook_deliveries_pending", "gauge",
	    "Outbound webhook deliveries not yet made (pending, or failed and "
	    "to be tried again).");
	tick_prom_u64(p, "tick_webhook_deliveries_pending", NULL, 0,
	    (uint64_t)hooks);
}

void
tick_metrics_api_get(struct tick_req *req)
{
	const char *dir = tick_config_get(&req->app->cfg, TICK_CFG_METRICS_DIR);
	struct tick_prom p;

	if (dir == NULL || *dir == '\0') {
		tick_http_fail(req, 503, TICK_ESYS, "metrics_disabled",
		    "METRICS_DIR is not set: the responders count nothing",
		    NULL);
		return;
	}
	tick_prom_init(&p);
	if (tick_metrics_expose(dir, &p) != TICK_OK &&
	    tick_prom_status(&p) == TICK_OK) {
		tick_http_fail(req, 500, TICK_ESYS, "internal_error",
		    "the metrics directory cannot be read", NULL);
		goto out;
	}
	expose_db(req, &p);
	if (tick_prom_status(&p) != TICK_OK) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		goto out;
	}
	tick_http_text(req, 200, "text/plain; version=0.0.4; charset=utf-8",
	    p.buf, p.len);
out:
	tick_prom_free(&p);
}
