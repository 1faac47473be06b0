/*
 * tick: counters shared by every worker of a pool, summed at scrape time.
 *
 * Each pool (a responder: webhook, health, auth, ...) keeps one file,
 * METRICS_DIR/<pool>.metrics, mapped shared by all its workers: a fixed
 * layout of 64-bit counters that a worker moves with relaxed atomic adds
 * and no lock, so a request costs three adds and counters outlive the
 * worker that moved them (a dead worker's counts stay in the file; the
 * counters never go down while the file lives). Each worker also holds an
 * open-file-description lock on one byte of the file for its life: the
 * number of locked bytes is the number of workers alive, whatever pids the
 * kernel reuses. The file is made (or replaced, when its layout or the
 * pool's routes changed) under a lock on METRICS_DIR/.lock, mode 0640.
 *
 * Nothing here touches the network or the database; the exposition is
 * written through prom.h.
 */
#ifndef TICK_METRICS_H
#define TICK_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "prom.h"

/* Counters that are not per route, summed over every pool. */
enum tick_metric {
	TICK_METRIC_WEBHOOK_STORED,    /* new inbound messages stored */
	TICK_METRIC_WEBHOOK_DUPLICATE, /* messages seen before (same wamid) */
	TICK_METRIC_WEBHOOK_IGNORED,   /* for another number, or none */
	TICK_METRIC_WEBHOOK_FAILED,    /* could not be stored: on the event */
	TICK_METRIC_WEBHOOK_DEFERRED,  /* left for Meta's redelivery (503) */
	TICK_METRIC_WEBHOOK_STATUSES,  /* new delivery statuses stored */
	TICK_METRIC_DB_RECONNECTS,     /* connections made again after one */
	TICK_METRIC__MAX
};

/* Most routes a pool's file holds (one more slot counts the requests no
 * route matched). */
#define TICK_METRICS_MAX_ROUTES 96
/* Longest route pattern and method a file keeps. */
#define TICK_METRICS_PATTERN_MAX 119
#define TICK_METRICS_METHOD_MAX 7
/* Most pools one scrape reads. */
#define TICK_METRICS_MAX_POOLS 32
/* Most workers of one pool counted alive (lock slots). */
#define TICK_METRICS_MAX_ALIVE 4096
/* The route index of a request no route matched. */
#define TICK_METRICS_UNMATCHED ((size_t)-1)

/* One route as the file names it. */
struct tick_metrics_route {
	const char *method;
	const char *pattern;
};

/*
 * Opens (making it when missing, replacing it when its layout or routes
 * differ) dir/<pool>.metrics for this process, and takes a worker's slot.
 * dir is made (0750) when missing. pool is [a-z0-9_-]{1,31}. From now on
 * tick_metrics_request() and tick_metrics_add() count into it. Returns
 * TICK_EINVAL for a bad pool name or route, TICK_ETOOBIG for too many
 * routes, TICK_ESYS when the file cannot be made; counting stays off then.
 */
enum tick_err tick_metrics_open(const char *dir, const char *pool,
    const struct tick_metrics_route *routes, size_t nroutes);

/* Unmaps this process's file and gives its slot back; counting stops. */
void tick_metrics_close(void);

/* True while this process counts into a file. */
int tick_metrics_on(void);

/*
 * Counts one answered request: route is the index in the routes given to
 * tick_metrics_open() (TICK_METRICS_UNMATCHED when none matched), status
 * the HTTP status, usec the time it took. A no-op when counting is off.
 * Lock-free: three relaxed atomic adds.
 */
void tick_metrics_request(size_t route, int status, uint64_t usec);

/* Adds n to counter m. A no-op when counting is off. */
void tick_metrics_add(enum tick_metric m, uint64_t n);

/* The latency histogram's upper bounds, in seconds (fixed). */
extern const double tick_metrics_buckets[];
extern const size_t tick_metrics_nbuckets;

/*
 * Writes every pool's counters found in dir to p: requests by pool,
 * method, route and status; latency histograms by pool, method and route;
 * webhook messages by outcome; database reconnects and workers alive by
 * pool. Files that are not a pool's, or not whole, are skipped with a
 * warning. TICK_ESYS when dir cannot be read, TICK_ENOMEM.
 */
enum tick_err tick_metrics_expose(const char *dir, struct tick_prom *p);

#endif
