#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cu.h"
#include "metrics.h"

static const struct tick_metrics_route routes[] = {
	{ "GET", "/api/tickets" },
	{ "GET", "/api/tickets/:id" },
	{ "POST", "/api/tickets/:id/reply" },
};

static char dir[64];

static void
make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/tick-mx-unit.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
}

static void
remove_dir(void)
{
	struct dirent *e;
	char path[512];
	DIR *d;

	tick_metrics_close();
	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* The exposition of dir as a new string (free with free()). */
static char *
expose(void)
{
	struct tick_prom p;
	char *s;

	tick_prom_init(&p);
	CU_ASSERT_EQUAL(tick_metrics_expose(dir, &p), TICK_OK);
	s = strdup(p.buf ? p.buf : "");
	tick_prom_free(&p);
	return s;
}

/* True when text has line as a whole line. */
static int
has(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *s = text; (s = strstr(s, line)) != NULL; s++)
		if ((s == text || s[-1] == '\n') && s[n] == '\n')
			return 1;
	return 0;
}

static void
test_off_is_a_noop(void)
{
	tick_metrics_close();
	CU_ASSERT_FALSE(tick_metrics_on());
	tick_metrics_request(0, 200, 10);
	tick_metrics_add(TICK_METRIC_WEBHOOK_STORED, 1);
}

static void
test_refused(void)
{
	struct tick_metrics_route many[TICK_METRICS_MAX_ROUTES + 1];
	struct tick_metrics_route bad[1] = { { "GET", NULL } };
	char longpat[TICK_METRICS_PATTERN_MAX + 2];

	make_dir();
	CU_ASSERT_EQUAL(tick_metrics_open(dir, "", routes, 3), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_metrics_open(dir, "../x", routes, 3), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_metrics_open(dir, "Upper", routes, 3),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_metrics_open(dir,
	                    "a-pool-name-longer-than-31-chars", routes, 3),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_metrics_open(NULL, "web", routes, 3), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_metrics_open(dir, "web", bad, 1), TICK_EINVAL);
	memset(longpat, 'a', sizeof(longpat) - 1);
	longpat[sizeof(longpat) - 1] = '\0';
	bad[0].pattern = longpat;
	CU_ASSERT_EQUAL(tick_metrics_open(dir, "web", bad, 1), TICK_EINVAL);
	for (size_t i = 0; i < TICK_METRICS_MAX_ROUTES + 1; i++)
		many[i] = routes[0];
	CU_ASSERT_EQUAL(tick_metrics_open(dir, "web", many,
	                    TICK_METRICS_MAX_ROUTES + 1),
	    TICK_ETOOBIG);
	CU_ASSERT_FALSE(tick_metrics_on());
	remove_dir();
}

/* Requests land under their route's pattern and status, latencies in
 * their bucket; the unmatched slot and out-of-range statuses too. */
static void
test_counts_and_exposition(void)
{
	struct stat st;
	char path[512], *t;

	make_dir();
	CU_ASSERT_EQUAL_FATAL(tick_metrics_open(dir, "tickets", routes, 3),
	    TICK_OK);
	CU_ASSERT_TRUE(tick_metrics_on());
	snprintf(path, sizeof(path), "%s/tickets.metrics", dir);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0640);

	tick_metrics_request(0, 200, 500);      /* <= 0.001 */
	tick_metrics_request(0, 200, 1000);     /* <= 0.001, on the bound */
	tick_metrics_request(0, 200, 1001);     /* <= 0.005 */
	tick_metrics_request(1, 404, 2000000);  /* <= 2.5 */
	tick_metrics_request(2, 422, 90000000); /* above 60: +Inf only */
	tick_metrics_request(TICK_METRICS_UNMATCHED, 405, 100);
	tick_metrics_request(99, 404, 100); /* unknown index: unmatched */
	tick_metrics_request(0, 42, 100);   /* out of range: 500 */
	tick_metrics_add(TICK_METRIC_WEBHOOK_STORED, 3);
	tick_metrics_add(TICK_METRIC_WEBHOOK_DUPLICATE, 1);
	tick_metrics_add(TICK_METRIC_DB_RECONNECTS, 2);
	tick_metrics_add(TICK_METRIC__MAX, 5); /* ignored */

	t = expose();
	CU_ASSERT_TRUE(has(t, "# TYPE tick_http_requests_total counter"));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_requests_total{pool=\"tickets\",method=\"GET\","
	    "route=\"/api/tickets\",code=\"200\"} 3"));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_requests_total{pool=\"tickets\",method=\"GET\","
	    "route=\"/api/tickets\",code=\"500\"} 1"));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_requests_total{pool=\"tickets\",method=\"GET\","
	    "route=\"/api/tickets/:id\",code=\"404\"} 1"));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_requests_total{pool=\"tickets\",method=\"any\","
	    "route=\"unmatched\",code=\"405\"} 1"));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_requests_total{pool=\"tickets\",method=\"any\","
	    "route=\"unmatched\",code=\"404\"} 1"));
	CU_ASSERT_TRUE(
	    has(t, "# TYPE tick_http_request_duration_seconds histogram"));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_request_duration_seconds_bucket{pool=\"tickets\","
	    "method=\"GET\",route=\"/api/tickets\",le=\"0.001\"} 3"));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_request_duration_seconds_bucket{pool=\"tickets\","
	    "method=\"GET\",route=\"/api/tickets\",le=\"0.005\"} 4"));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_request_duration_seconds_bucket{pool=\"tickets\","
	    "method=\"GET\",route=\"/api/tickets\",le=\"+Inf\"} 4"));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_request_duration_seconds_count{pool=\"tickets\","
	    "method=\"GET\",route=\"/api/tickets\"} 4"));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_request_duration_seconds_sum{pool=\"tickets\","
	    "method=\"GET\",route=\"/api/tickets\"} 0.002601"));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_request_duration_seconds_bucket{pool=\"tickets\","
	    "method=\"GET\",route=\"/api/tickets/:id\",le=\"1\"} 0"));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_request_duration_seconds_bucket{pool=\"tickets\","
	    "method=\"GET\",route=\"/api/tickets/:id\",le=\"2.5\"} 1"));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_request_duration_seconds_bucket{pool=\"tickets\","
	    "method=\"POST\",route=\"/api/tickets/:id/reply\",le=\"60\"} 0"));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_request_duration_seconds_bucket{pool=\"tickets\","
	    "method=\"POST\",route=\"/api/tickets/:id/reply\",le=\"+Inf\"} "
	    "1"));
	CU_ASSERT_TRUE(
	    has(t, "tick_webhook_messages_total{outcome=\"stored\"} 3"));
	CU_ASSERT_TRUE(
	    has(t, "tick_webhook_messages_total{outcome=\"duplicate\"} 1"));
	CU_ASSERT_TRUE(
	    has(t, "tick_webhook_messages_total{outcome=\"failed\"} 0"));
	CU_ASSERT_TRUE(has(t, "tick_webhook_statuses_total 0"));
	CU_ASSERT_TRUE(has(t, "tick_db_reconnects_total{pool=\"tickets\"} 2"));
	CU_ASSERT_TRUE(has(t, "tick_workers_alive{pool=\"tickets\"} 1"));
	free(t);

	/* Closed: the worker is gone, its counts stay. */
	tick_metrics_close();
	t = expose();
	CU_ASSERT_TRUE(has(t, "tick_workers_alive{pool=\"tickets\"} 0"));
	CU_ASSERT_TRUE(
	    has(t, "tick_webhook_messages_total{outcome=\"stored\"} 3"));
	free(t);

	/* The same routes again (a restart): the counters go on. */
	CU_ASSERT_EQUAL(tick_metrics_open(dir, "tickets", routes, 3), TICK_OK);
	tick_metrics_add(TICK_METRIC_WEBHOOK_STORED, 1);
	t = expose();
	CU_ASSERT_TRUE(
	    has(t, "tick_webhook_messages_total{outcome=\"stored\"} 4"));
	free(t);

	/* Other routes (a new release): the file is made anew. */
	CU_ASSERT_EQUAL(tick_metrics_open(dir, "tickets", routes, 2), TICK_OK);
	t = expose();
	CU_ASSERT_TRUE(
	    has(t, "tick_webhook_messages_total{outcome=\"stored\"} 0"));
	CU_ASSERT_PTR_NULL(strstr(t, "tick_http_requests_total"));
	CU_ASSERT_TRUE(has(t, "tick_workers_alive{pool=\"tickets\"} 1"));
	free(t);
	remove_dir();
}

/* Workers of a pool are processes: each one's counts add up in the one
 * file, alive counts those running, and a dead one's counts stay. Pools
 * are summed for the outcomes and listed by name. */
static void
test_processes_add_up(void)
{
	int ready[2], done[2];
	char c, *t;
	pid_t pid;

	make_dir();
	CU_ASSERT_EQUAL_FATAL(tick_metrics_open(dir, "webhook", routes, 1),
	    TICK_OK);
	tick_metrics_request(0, 200, 10);
	tick_metrics_add(TICK_METRIC_WEBHOOK_STORED, 2);
	CU_ASSERT_EQUAL_FATAL(pipe(ready), 0);
	CU_ASSERT_EQUAL_FATAL(pipe(done), 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		/* A second worker of the same pool. */
		close(ready[0]);
		close(done[1]);
		if (tick_metrics_open(dir, "webhook", routes, 1) != TICK_OK)
			_exit(1);
		tick_metrics_request(0, 200, 10);
		tick_metrics_request(0, 503, 10);
		tick_metrics_add(TICK_METRIC_WEBHOOK_STORED, 5);
		(void)write(ready[1], "x", 1);
		(void)read(done[0], &c, 1); /* until the parent closes it */
		_exit(0);
	}
	close(ready[1]);
	close(done[0]);
	CU_ASSERT_EQUAL(read(ready[0], &c, 1), 1);

	/* Another pool, in this process's place for a moment. */
	t = expose();
	CU_ASSERT_TRUE(has(t, "tick_workers_alive{pool=\"webhook\"} 2"));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_requests_total{pool=\"webhook\",method=\"GET\","
	    "route=\"/api/tickets\",code=\"200\"} 2"));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_requests_total{pool=\"webhook\",method=\"GET\","
	    "route=\"/api/tickets\",code=\"503\"} 1"));
	CU_ASSERT_TRUE(
	    has(t, "tick_webhook_messages_total{outcome=\"stored\"} 7"));
	free(t);

	close(done[1]);
	CU_ASSERT_EQUAL(waitpid(pid, NULL, 0), pid);
	close(ready[0]);
	t = expose();
	CU_ASSERT_TRUE(has(t, "tick_workers_alive{pool=\"webhook\"} 1"));
	CU_ASSERT_TRUE(
	    has(t, "tick_webhook_messages_total{outcome=\"stored\"} 7"));
	free(t);

	/* A second pool: outcomes summed over both, pools in name order. */
	CU_ASSERT_EQUAL(tick_metrics_open(dir, "auth", routes, 1), TICK_OK);
	tick_metrics_add(TICK_METRIC_WEBHOOK_STORED, 1);
	t = expose();
	CU_ASSERT_TRUE(
	    has(t, "tick_webhook_messages_total{outcome=\"stored\"} 8"));
	CU_ASSERT_TRUE(has(t, "tick_workers_alive{pool=\"auth\"} 1"));
	CU_ASSERT_TRUE(has(t, "tick_workers_alive{pool=\"webhook\"} 0"));
	CU_ASSERT_TRUE(strstr(t, "tick_workers_alive{pool=\"auth\"}") <
	    strstr(t, "tick_workers_alive{pool=\"webhook\"}"));
	free(t);
	remove_dir();
}

/* A worker of pool "events" in a child process, alive until *done is
 * closed by the parent. */
static pid_t
spawn_worker(int *done)
{
	int ready[2], d[2];
	pid_t pid;
	char c;

	if (pipe(ready) != 0 || pipe(d) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		/* Nothing of the parent's but the two pipe ends: another
		 * worker's pipe held here would keep it from ending. */
		for (int fd = 3; fd < 1024; fd++)
			if (fd != ready[1] && fd != d[0])
				close(fd);
		if (tick_metrics_open(dir, "events", routes, 1) != TICK_OK)
			_exit(1);
		(void)write(ready[1], "x", 1);
		(void)read(d[0], &c, 1);
		_exit(0);
	}
	close(ready[1]);
	close(d[0]);
	if (pid < 0 || read(ready[0], &c, 1) != 1)
		pid = -1;
	close(ready[0]);
	*done = d[1];
	return pid;
}

static void
stop_worker(pid_t pid, int done)
{
	close(done);
	CU_ASSERT_EQUAL(waitpid(pid, NULL, 0), pid);
}

/* A worker re-spawned into a freed slot below a later one is counted:
 * the kernel names conflicting locks in no particular order. */
static void
test_alive_whatever_the_slot_order(void)
{
	int da, db, dc;
	pid_t a, b, c;
	char *t;

	make_dir();
	CU_ASSERT_EQUAL_FATAL(tick_metrics_open(dir, "events", routes, 1),
	    TICK_OK);
	a = spawn_worker(&da);
	b = spawn_worker(&db);
	CU_ASSERT_FATAL(a > 0 && b > 0);
	t = expose();
	CU_ASSERT_TRUE(has(t, "tick_workers_alive{pool=\"events\"} 3"));
	free(t);
	stop_worker(a, da);
	t = expose();
	CU_ASSERT_TRUE(has(t, "tick_workers_alive{pool=\"events\"} 2"));
	free(t);
	c = spawn_worker(&dc); /* takes a's slot, below b's */
	CU_ASSERT_FATAL(c > 0);
	t = expose();
	CU_ASSERT_TRUE(has(t, "tick_workers_alive{pool=\"events\"} 3"));
	free(t);
	stop_worker(b, db);
	stop_worker(c, dc);
	t = expose();
	CU_ASSERT_TRUE(has(t, "tick_workers_alive{pool=\"events\"} 1"));
	free(t);
	remove_dir();
}

/* Files that are not a whole pool's are skipped, never trusted. */
static void
test_strangers_skipped(void)
{
	char path[512], *t;
	int fd;

	make_dir();
	CU_ASSERT_EQUAL_FATAL(tick_metrics_open(dir, "health", routes, 1),
	    TICK_OK);
	tick_metrics_request(0, 200, 10);
	snprintf(path, sizeof(path), "%s/junk.metrics", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, "TICKMX1\0garbage", 15), 15);
	close(fd);
	/* A copy of a real file under another pool's name. */
	snprintf(path, sizeof(path),
	    "cp %s/health.metrics %s/other.metrics && cp %s/health.metrics "
	    "%s/notes.txt",
	    dir, dir, dir, dir);
	CU_ASSERT_EQUAL(system(path), 0);
	t = expose();
	CU_ASSERT_PTR_NULL(strstr(t, "pool=\"junk\""));
	CU_ASSERT_PTR_NULL(strstr(t, "pool=\"other\""));
	CU_ASSERT_TRUE(has(t,
	    "tick_http_requests_total{pool=\"health\",method=\"GET\","
	    "route=\"/api/tickets\",code=\"200\"} 1"));
	free(t);
	remove_dir();

	/* A directory that is not there. */
	{
		struct tick_prom p;

		tick_prom_init(&p);
		CU_ASSERT_EQUAL(tick_metrics_expose("/nonexistent/tick-mx", &p),
		    TICK_ESYS);
		tick_prom_free(&p);
	}
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "off is a no-op", test_off_is_a_noop },
		{ "refused", test_refused },
		{ "counts and exposition", test_counts_and_exposition },
		{ "processes add up", test_processes_add_up },
		{ "alive whatever the slot order",
		    test_alive_whatever_the_slot_order },
		{ "strangers skipped", test_strangers_skipped },
		{ NULL, NULL },
	};

	return cu_run("metrics", tests);
}
