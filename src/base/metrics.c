#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "metrics.h"

/*
 * The file's layout (fixed, native byte order: it never leaves the host):
 * a header, then nroutes + 1 route slots, the last one for requests no
 * route matched. Every counter is a 64-bit atomic that only goes up.
 */
#define MX_MAGIC "TICKMX1"
#define MX_VERSION 1
#define MX_CODE_MIN 100
#define MX_CODES 500 /* 100..599 */
#define MX_COUNTERS 16
#define MX_NB 14
/* Workers' lock slots live past any file's end: fcntl locks may. */
#define MX_LOCK_BASE ((off_t)1 << 30)

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2,
    "shared counters need lock-free 64-bit atomics");
_Static_assert(TICK_METRIC__MAX <= MX_COUNTERS, "too many counters");

struct mx_route {
	char method[TICK_METRICS_METHOD_MAX + 1];
	char pattern[TICK_METRICS_PATTERN_MAX + 1];
	_Atomic uint64_t code[MX_CODES];
	_Atomic uint64_t bucket[MX_NB + 1]; /* the last: above every bound */
	_Atomic uint64_t sum_us;
};

struct mx_head {
	char magic[8];
	uint32_t version;
	uint32_t nroutes; /* the pool's routes, without the unmatched slot */
	uint64_t size;    /* of the whole file */
	char pool[32];
	uint32_t ncounters, ncodes, nbuckets, route_size;
	_Atomic uint64_t counter[MX_COUNTERS];
};

const double tick_metrics_buckets[MX_NB] = { 0.001, 0.005, 0.01, 0.025, 0.05,
	0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60 };
const size_t tick_metrics_nbuckets = MX_NB;

static const uint64_t bucket_us[MX_NB] = { 1000, 5000, 10000, 25000, 50000,
	100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000, 30000000,
	60000000 };

/* This process's file, when it counts. */
static struct {
	struct mx_head *head;
	struct mx_route *route; /* nroutes + 1 slots */
	size_t nroutes;
	size_t size;
	int fd;
} me = { NULL, NULL, 0, 0, -1 };

static size_t
file_size(size_t nroutes)
{
	return sizeof(struct mx_head) + (nroutes + 1) * sizeof(struct mx_route);
}

static int
pool_name_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > 31)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		        s[i] == '-'))
			return 0;
	return 1;
}

/* True when the mapped file at head (size bytes) is a whole pool file. */
static int
layout_ok(const struct mx_head *h, size_t size)
{
	if (size < sizeof(*h) || memcmp(h->magic, MX_MAGIC, 8) != 0 ||
	    h->version != MX_VERSION || h->ncounters != MX_COUNTERS ||
	    h->ncodes != MX_CODES || h->nbuckets != MX_NB ||
	    h->route_size != sizeof(struct mx_route) ||
	    h->nroutes > TICK_METRICS_MAX_ROUTES ||
	    h->size != file_size(h->nroutes) || h->size != size ||
	    memchr(h->pool, '\0', sizeof(h->pool)) == NULL ||
	    !pool_name_ok(h->pool))
		return 0;
	return 1;
}

/* True when the file at h (a whole one) names exactly these routes. */
static int
routes_match(const struct mx_head *h, const char *pool,
    const struct tick_metrics_route *routes, size_t n)
{
	const struct mx_route *r = (const struct mx_route *)(h + 1);

	if (h->nroutes != n || strcmp(h->pool, pool) != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(r[i].method, routes[i].method,
		        sizeof(r[i].method)) != 0 ||
		    strncmp(r[i].pattern, routes[i].pattern,
		        sizeof(r[i].pattern)) != 0)
			return 0;
	return 1;
}

/* Maps fd shared, read-write; NULL on failure. */
static void *
map_rw(int fd, size_t size)
{
	void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return m == MAP_FAILED ? NULL : m;
}

/* Makes a new file for pool at path through a temporary one renamed over
 * it, so that a reader never sees half a header. Returns its fd. */
static int
make_file(const char *dir, const char *path, const char *pool,
    const struct tick_metrics_route *routes, size_t n)
{
	size_t size = file_size(n);
	struct mx_head *h = NULL;
	struct mx_route *r;
	char tmp[4096];
	int fd = -1, ok = 0;

	if (snprintf(tmp, sizeof(tmp), "%s/.%s.%ld.tmp", dir, pool,
	        (long)getpid()) >= (int)sizeof(tmp))
		return -1;
	(void)unlink(tmp);
	if ((fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) < 0)
		goto out;
	if (fchmod(fd, 0640) != 0 || ftruncate(fd, (off_t)size) != 0 ||
	    (h = map_rw(fd, size)) == NULL)
		goto out;
	memcpy(h->magic, MX_MAGIC, 8);
	h->version = MX_VERSION;
	h->nroutes = (uint32_t)n;
	h->size = size;
	snprintf(h->pool, sizeof(h->pool), "%s", pool);
	h->ncounters = MX_COUNTERS;
	h->ncodes = MX_CODES;
	h->nbuckets = MX_NB;
	h->route_size = sizeof(struct mx_route);
	r = (struct mx_route *)(h + 1);
	for (size_t i = 0; i < n; i++) {
		snprintf(r[i].method, sizeof(r[i].method), "%s",
		    routes[i].method);
		snprintf(r[i].pattern, sizeof(r[i].pattern), "%s",
		    routes[i].pattern);
	}
	snprintf(r[n].method, sizeof(r[n].method), "any");
	snprintf(r[n].pattern, sizeof(r[n].pattern), "unmatched");
	ok = rename(tmp, path) == 0;
out:
	if (!ok) {
		tick_log_err("%s: cannot make %s: %s", __func__, path,
		    strerror(errno));
		if (fd >= 0) {
			(void)unlink(tmp);
			close(fd);
		}
		fd = -1;
	}
	if (h != NULL)
		munmap(h, size);
	return fd;
}

/* Takes the first free worker slot: a lock on one byte, held until the
 * process ends or closes the file. */
static int
take_slot(int fd)
{
	for (off_t i = 0; i < TICK_METRICS_MAX_ALIVE; i++) {
		struct flock fl;

		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		fl.l_start = MX_LOCK_BASE + i;
		fl.l_len = 1;
		if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
			return 0;
		if (errno != EAGAIN && errno != EACCES)
			return -1;
	}
	return -1;
}

/* Counts the workers holding a slot in [from, to) of fd's file. F_GETLK
 * names one conflicting lock, not the lowest: count it and look on both
 * sides of it, a few calls per worker alive. */
static uint64_t
count_alive(int fd, off_t from, off_t to)
{
	struct flock fl;
	off_t at;

	if (from >= to)
		return 0;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = MX_LOCK_BASE + from;
	fl.l_len = to - from;
	if (fcntl(fd, F_OFD_GETLK, &fl) != 0 || fl.l_type == F_UNLCK)
		return 0;
	at = fl.l_start - MX_LOCK_BASE;
	if (at < from || at >= to) /* not one of ours: stop */
		return 0;
	return 1 + count_alive(fd, from, at) + count_alive(fd, at + 1, to);
}

enum tick_err
tick_metrics_open(const char *dir, const char *pool,
    const struct tick_metrics_route *routes, size_t n)
{
	char path[4096], lockpath[4096];
	struct mx_head *h = NULL;
	size_t size = file_size(n);
	int fd = -1, lockfd = -1;
	enum tick_err rc = TICK_ESYS;
	struct stat st;

	tick_metrics_close();
	if (dir == NULL || *dir == '\0' || !pool_name_ok(pool))
		return TICK_EINVAL;
	if (n > TICK_METRICS_MAX_ROUTES)
		return TICK_ETOOBIG;
	for (size_t i = 0; i < n; i++)
		if (routes[i].method == NULL || routes[i].pattern == NULL ||
		    strlen(routes[i].method) > TICK_METRICS_METHOD_MAX ||
		    strlen(routes[i].pattern) > TICK_METRICS_PATTERN_MAX)
			return TICK_EINVAL;
	if (snprintf(path, sizeof(path), "%s/%s.metrics", dir, pool) >=
	        (int)sizeof(path) ||
	    snprintf(lockpath, sizeof(lockpath), "%s/.lock", dir) >=
	        (int)sizeof(lockpath))
		return TICK_ETOOBIG;
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		tick_log_err("%s: cannot make %s: %s", __func__, dir,
		    strerror(errno));
		return TICK_ESYS;
	}
	/* Workers starting together make the file once. Not on the request
	 * path: only here. */
	if ((lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0640)) < 0 ||
	    flock(lockfd, LOCK_EX) != 0) {
		tick_log_err("%s: %s: %s", __func__, lockpath, strerror(errno));
		goto out;
	}
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) >= 0) {
		if (fstat(fd, &st) != 0 || (size_t)st.st_size != size ||
		    (h = map_rw(fd, size)) == NULL || !layout_ok(h, size) ||
		    !routes_match(h, pool, routes, n)) {
			/* Another layout or other routes (a new release):
			 * start the pool's counters again. */
			tick_log_info("%s: %s has another layout; made anew",
			    __func__, path);
			if (h != NULL)
				munmap(h, size);
			h = NULL;
			close(fd);
			fd = -1;
		}
	} else if (errno != ENOENT) {
		tick_log_err("%s: %s: %s", __func__, path, strerror(errno));
		goto out;
	}
	if (fd < 0 && (fd = make_file(dir, path, pool, routes, n)) < 0)
		goto out;
	if (h == NULL && (h = map_rw(fd, size)) == NULL) {
		tick_log_err("%s: mmap %s: %s", __func__, path,
		    strerror(errno));
		goto out;
	}
	if (take_slot(fd) != 0)
		tick_log_warn("%s: no worker slot free in %s: not counted alive",
		    __func__, path);
	me.head = h;
	me.route = (struct mx_route *)(h + 1);
	me.nroutes = n;
	me.size = size;
	me.fd = fd;
	h = NULL;
	fd = -1;
	rc = TICK_OK;
out:
	if (h != NULL)
		munmap(h, size);
	if (fd >= 0)
		close(fd);
	if (lockfd >= 0)
		close(lockfd);
	return rc;
}

void
tick_metrics_close(void)
{
	if (me.head != NULL)
		munmap(me.head, me.size);
	if (me.fd >= 0)
		close(me.fd);
	me.head = NULL;
	me.route = NULL;
	me.nroutes = 0;
	me.size = 0;
	me.fd = -1;
}

int
tick_metrics_on(void)
{
	return me.head != NULL;
}

void
tick_metrics_request(size_t route, int status, uint64_t usec)
{
	struct mx_route *r;
	size_t b = 0;

	if (me.head == NULL)
		return;
	r = &me.route[route < me.nroutes ? route : me.nroutes];
	if (status < MX_CODE_MIN || status >= MX_CODE_MIN + MX_CODES)
		status = 500;
	while (b < MX_NB && usec > bucket_us[b])
		b++;
	atomic_fetch_add_explicit(&r->code[status - MX_CODE_MIN], 1,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&r->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&r->sum_us, usec, memory_order_relaxed);
}

void
tick_metrics_add(enum tick_metric m, uint64_t n)
{
	if (me.head == NULL || (unsigned)m >= TICK_METRIC__MAX || n == 0)
		return;
	atomic_fetch_add_explicit(&me.head->counter[m], n,
	    memory_order_relaxed);
}

/* One pool's file, mapped read-only for a scrape. */
struct pool_view {
	const struct mx_head *head;
	const struct mx_route *route;
	size_t size;
	uint64_t alive;
};

static int
by_pool(const void *a, const void *b)
{
	return strcmp(((const struct pool_view *)a)->head->pool,
	    ((const struct pool_view *)b)->head->pool);
}

static uint64_t
ld(const _Atomic uint64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

/* Maps dir/name when it is a whole pool file; 0 when it is. */
static int
view_open(const char *dir, const char *name, struct pool_view *v)
{
	char path[4096];
	struct stat st;
	void *m;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size < sizeof(struct mx_head) ||
	    (size_t)st.st_size > file_size(TICK_METRICS_MAX_ROUTES)) {
		close(fd);
		return -1;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		close(fd);
		return -1;
	}
	v->head = m;
	v->size = (size_t)st.st_size;
	/* The name must be the pool's own: <pool>.metrics. */
	if (!layout_ok(v->head, v->size) ||
	    strlen(name) != strlen(v->head->pool) + 8 ||
	    strncmp(name, v->head->pool, strlen(v->head->pool)) != 0) {
		tick_log_warn("%s: %s is not a pool's metrics file; skipped",
		    __func__, path);
		munmap(m, v->size);
		close(fd);
		return -1;
	}
	v->route = (const struct mx_route *)(v->head + 1);
	v->alive = count_alive(fd, 0, TICK_METRICS_MAX_ALIVE);
	close(fd);
	return 0;
}

static const char *const outcome[] = {
	[TICK_METRIC_WEBHOOK_STORED] = "stored",
	[TICK_METRIC_WEBHOOK_DUPLICATE] = "duplicate",
	[TICK_METRIC_WEBHOOK_IGNORED] = "ignored",
	[TICK_METRIC_WEBHOOK_FAILED] = "failed",
	[TICK_METRIC_WEBHOOK_DEFERRED] = "deferred",
};

static void
expose_requests(struct tick_prom *p, const struct pool_view *v, size_t nv)
{
	int started = 0;

	for (size_t i = 0; i < nv; i++)
		for (size_t j = 0; j <= v[i].head->nroutes; j++) {
			const struct mx_route *r = &v[i].route[j];

			for (int c = 0; c < MX_CODES; c++) {
				uint64_t n = ld(&r->code[c]);
				char code[12]; /* an int: -Wformat-truncation */
				struct tick_prom_label l[4] = {
					{ "pool", v[i].head->pool },
					{ "method", r->method },
					{ "route", r->pattern },
					{ "code", code },
				};

				if (n == 0)
					continue;
				if (!started++)
					tick_prom_family(p,
					    "tick_http_requests_total",
					    "counter",
					    "Requests answered, by pool, method, "
					    "route pattern and status.");
				snprintf(code, sizeof(code), "%d",
				    c + MX_CODE_MIN);
				tick_prom_u64(p, "tick_http_requests_total", l,
				    4, n);
			}
		}
}

static void
expose_latency(struct tick_prom *p, const struct pool_view *v, size_t nv)
{
	int started = 0;

	for (size_t i = 0; i < nv; i++)
		for (size_t j = 0; j <= v[i].head->nroutes; j++) {
			const struct mx_route *r = &v[i].route[j];
			uint64_t counts[MX_NB + 1], total = 0;
			struct tick_prom_label l[3] = {
				{ "pool", v[i].head->pool },
				{ "method", r->method },
				{ "route", r->pattern },
			};

			for (size_t b = 0; b <= MX_NB; b++)
				total += counts[b] = ld(&r->bucket[b]);
			if (total == 0)
				continue;
			if (!started++)
				tick_prom_family(p,
				    "tick_http_request_duration_seconds",
				    "histogram",
				    "Time from a request's start in the responder "
				    "to its answer, by pool, method and route "
				    "pattern.");
			tick_prom_histogram(p,
			    "tick_http_request_duration_seconds", l, 3,
			    tick_metrics_buckets, MX_NB, counts,
			    (double)ld(&r->sum_us) / 1e6);
		}
}

static void
expose_counters(struct tick_prom *p, const struct pool_view *v, size_t nv)
{
	uint64_t sum[TICK_METRIC__MAX] = { 0 };

	for (size_t i = 0; i < nv; i++)
		for (int m = 0; m < TICK_METRIC__MAX; m++)
			sum[m] += ld(&v[i].head->counter[m]);

	tick_prom_family(p, "tick_webhook_messages_total", "counter",
	    "WhatsApp messages the webhook received, by outcome: stored, "
	    "duplicate (seen before), ignored (another number), failed (kept "
	    "on the raw event), deferred (left for Meta's redelivery).");
	for (int m = 0; m <= TICK_METRIC_WEBHOOK_DEFERRED; m++) {
		struct tick_prom_label l = { "outcome", outcome[m] };

		tick_prom_u64(p, "tick_webhook_messages_total", &l, 1, sum[m]);
	}
	tick_prom_family(p, "tick_webhook_statuses_total", "counter",
	    "Delivery statuses of sent messages the webhook stored.");
	tick_prom_u64(p, "tick_webhook_statuses_total", NULL, 0,
	    sum[TICK_METRIC_WEBHOOK_STATUSES]);

	tick_prom_family(p, "tick_db_reconnects_total", "counter",
	    "Database connections made again after one was lost, by pool.");
	for (size_t i = 0; i < nv; i++) {
		struct tick_prom_label l = { "pool", v[i].head->pool };

		tick_prom_u64(p, "tick_db_reconnects_total", &l, 1,
		    ld(&v[i].head->counter[TICK_METRIC_DB_RECONNECTS]));
	}
	tick_prom_family(p, "tick_workers_alive", "gauge",
	    "Workers of each pool running now.");
	for (size_t i = 0; i < nv; i++) {
		struct tick_prom_label l = { "pool", v[i].head->pool };

		tick_prom_u64(p, "tick_workers_alive", &l, 1, v[i].alive);
	}
}

enum tick_err
tick_metrics_expose(const char *dir, struct tick_prom *p)
{
	struct pool_view v[TICK_METRICS_MAX_POOLS];
	size_t nv = 0;
	struct dirent *e;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		tick_log_err("%s: %s: %s", __func__, dir, strerror(errno));
		return TICK_ESYS;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.' || len <= 8 ||
		    strcmp(e->d_name + len - 8, ".metrics") != 0)
			continue;
		if (nv == TICK_METRICS_MAX_POOLS) {
			tick_log_warn("%s: more than %d pools in %s; the rest "
			              "skipped",
			    __func__, TICK_METRICS_MAX_POOLS, dir);
			break;
		}
		if (view_open(dir, e->d_name, &v[nv]) == 0)
			nv++;
	}
	closedir(d);
	qsort(v, nv, sizeof(v[0]), by_pool);

	expose_requests(p, v, nv);
	expose_latency(p, v, nv);
	expose_counters(p, v, nv);

	for (size_t i = 0; i < nv; i++)
		munmap((void *)v[i].head, v[i].size);
	return tick_prom_status(p);
}
