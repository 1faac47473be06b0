/*
 * tick: GET /metrics (issue 15), the Prometheus text exposition of every
 * pool's counters (base/metrics) and of gauges read from the database at
 * scrape time (core/outbox, core/media). Served by the health responder;
 * nginx lets only loopback and METRICS_ALLOW reach it.
 */
#ifndef TICK_METRICS_API_H
#define TICK_METRICS_API_H

struct tick_req;

void tick_metrics_api_get(struct tick_req *req);

#endif
