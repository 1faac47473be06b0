#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <fcgiapp.h>
#include <mysql.h>

#include "app.h"
#include "db.h"
#include "json.h"
#include "bounds.h"
#include "log.h"
#include "metrics.h"
#include "serve.h"
#include "valid.h"

extern char **environ;

static volatile sig_atomic_t stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Where a request's bytes come from and go to: FastCGI or CGI's stdio. */
struct io {
	FCGX_Request *fr; /* NULL for CGI */
};

int
tick_serve_stopping(void)
{
	return stopping != 0;
}

/* Writes and flushes at once: for streamed answers. */
static int
io_stream(void *arg, const char *buf, size_t n)
{
	struct io *io = arg;

	if (io->fr != NULL) {
		if (FCGX_PutStr(buf, (int)n, io->fr->out) < 0 ||
		    FCGX_FFlush(io->fr->out) < 0)
			return -1;
		return 0;
	}
	return fwrite(buf, 1, n, stdout) == n && fflush(stdout) == 0 ? 0 : -1;
}

static size_t
io_read(struct io *io, char *buf, size_t n)
{
	size_t got = 0;

	if (io->fr != NULL) {
		while (got < n) {
			int chunk = n - got > 1 << 20 ? 1 << 20 :
			                                (int)(n - got);
			int r = FCGX_GetStr(buf + got, chunk, io->fr->in);
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		return got;
	}
	while (got < n) {
		size_t r = fread(buf + got, 1, n - got, stdin);
		if (r == 0)
			break;
		got += r;
	}
	return got;
}

/* Plain CGI: reads what is left of the request body, up to
 * TICK_MAX_CGI_DRAIN bytes, once the answer is out, so that a server
 * which writes the whole body first (Apache's mod_cgid) sends the answer
 * (a 405 or 413 given before the body was read) instead of dropping it. */
static void
cgi_drain(void)
{
	const char *cl = getenv("CONTENT_LENGTH");
	long long left = 0;
	char buf[65536];
	size_t r;

	/* Only a stated body: standard input may be a terminal otherwise. */
	if (cl == NULL ||
	    tick_valid_num(cl, strlen(cl), 1, TICK_MAX_CGI_DRAIN, &left) !=
	        TICK_OK)
		left = cl != NULL && *cl != '\0' && *cl != '0' ?
		    (long long)TICK_MAX_CGI_DRAIN :
		    0;
	while (left > 0 &&
	    (r = fread(buf, 1,
	         (size_t)left < sizeof(buf) ? (size_t)left : sizeof(buf),
	         stdin)) > 0)
		left -= (long long)r;
}

static void
io_write(struct io *io, const char *buf, size_t n)
{
	if (io->fr != NULL) {
		while (n > 0) {
			int chunk = n > 1 << 20 ? 1 << 20 : (int)n;
			if (FCGX_PutStr(buf, chunk, io->fr->out) < 0)
				return;
			buf += chunk;
			n -= (size_t)chunk;
		}
	} else
		fwrite(buf, 1, n, stdout);
}

static void
fill_request(struct tick_req *req, char **envp, struct tick_app *app)
{
	const char *s;

	memset(req, 0, sizeof(*req));
	req->app = app;
	req->envp = envp;
	req->json_failures = tick_json_alloc_failures();
	req->method = (s = tick_http_param(req, "REQUEST_METHOD")) ? s : "GET";
	req->query = (s = tick_http_param(req, "QUERY_STRING")) ? s : "";
	req->remote_addr = (s = tick_http_param(req, "REMOTE_ADDR")) ? s : "";
	/* nginx gives DOCUMENT_URI; plain CGI behind a rewrite keeps the
	 * original in REQUEST_URI; otherwise SCRIPT_NAME + PATH_INFO. */
	req->path = tick_http_param(req, "DOCUMENT_URI");
}

/* Reads the body when the route allows its size; answers 411/413 if not. */
static int
read_body(struct tick_req *req, struct io *io, size_t max)
{
	const char *cl = tick_http_param(req, "CONTENT_LENGTH");
	long long len = 0;

	/* Any length a client may state parses; the route's limit then
	 * answers 413 for one too large. */
	if (cl != NULL && *cl != '\0' &&
	    tick_valid_num(cl, strlen(cl), 0, LLONG_MAX, &len) != TICK_OK) {
		tick_http_fail(req, 400, TICK_EINVAL, "bad_request",
		    "bad Content-Length", NULL);
		return -1;
	}
	if ((size_t)len > max) {
		char msg[96];

		snprintf(msg, sizeof(msg), "body larger than %zu bytes", max);
		tick_http_fail(req, 413, TICK_ETOOBIG, NULL, msg, NULL);
		return -1;
	}
	if ((req->body = malloc((size_t)len + 1)) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		return -1;
	}
	req->body_len = io_read(io, req->body, (size_t)len);
	req->body[req->body_len] = '\0';
	if (req->body_len != (size_t)len) {
		tick_http_fail(req, 400, TICK_EINVAL, "bad_request",
		    "body shorter than Content-Length", NULL);
		return -1;
	}
	return 0;
}

/* The responder's way to say who sent a request (its route table's). */
static enum tick_err (*authenticate)(struct tick_req *, enum tick_perm);

static enum tick_err
authenticated(struct tick_req *req, enum tick_perm perm)
{
	if (authenticate == NULL) {
		tick_http_fail(req, 500, TICK_ESYS, "internal_error",
		    "this responder signs nobody in", NULL);
		return TICK_ESYS;
	}
	return authenticate(req, perm);
}

/* Counts an answered request under its route's pattern (a bounded set of
 * labels, never the raw path) with the time since t0. */
static void
count_request(const struct timespec *t0, const struct tick_route *r,
    const struct tick_route *routes, int status)
{
	struct timespec t1;
	long long us;

	if (!tick_metrics_on())
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (long long)(t1.tv_sec - t0->tv_sec) * 1000000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000;
	tick_metrics_request(r != NULL ? (size_t)(r - routes) :
	                                 TICK_METRICS_UNMATCHED,
	    status, us > 0 ? (uint64_t)us : 0);
}

/* Opens this pool's counters when METRICS_DIR is set; without them the
 * responder serves all the same. */
static void
metrics_start(struct tick_app *app, const struct tick_route *routes,
    size_t nroutes)
{
	const char *dir = tick_config_get(&app->cfg, TICK_CFG_METRICS_DIR);
	struct tick_metrics_route *mr;
	enum tick_err rc;

	if (dir == NULL || *dir == '\0')
		return;
	if ((mr = calloc(nroutes ? nroutes : 1, sizeof(*mr))) == NULL) {
		tick_log_err("%s: out of memory", __func__);
		return;
	}
	for (size_t i = 0; i < nroutes; i++) {
		mr[i].method = routes[i].method;
		mr[i].pattern = routes[i].pattern;
	}
	if ((rc = tick_metrics_open(dir, app->name, mr, nroutes)) != TICK_OK)
		tick_log_err("%s: %s: metrics off: %s", __func__, app->name,
		    tick_strerror(rc));
	free(mr);
}

/*
 * Runs the handler, and runs it again (up to TICK_HTTP_DEADLOCK_TRIES
 * times in all, a little later each time) when it answered 503 after a
 * deadlock and committed nothing: the deadlock rolled its transaction
 * back, and nothing it did was sent anywhere (outbound calls follow a
 * commit). On Galera this is how a certification conflict (another node
 * changed the same row first) is retried like a local deadlock.
 */
static void
run_handler(struct tick_app *app, const struct tick_route *r,
    struct tick_req *req)
{
	for (int attempt = 1;; attempt++) {
		unsigned long commits = tick_db_commits(app->db);
		unsigned long deadlocks = tick_db_deadlocks(app->db);

		r->fn(req);
		if (attempt >= TICK_HTTP_DEADLOCK_TRIES || req->streamed ||
		    req->status != 503 || tick_db_in_tx(app->db) ||
		    tick_db_deadlocks(app->db) == deadlocks ||
		    tick_db_commits(app->db) != commits)
			return;
		tick_log_info("%s %s: a deadlock; run again (%d)", req->method,
		    req->path, attempt);
		free(req->out);
		req->out = NULL;
		req->out_len = 0;
		req->status = 0;
		req->ctype[0] = '\0';
		req->headers[0] = '\0';
		usleep(10000u << attempt);
	}
}
static void
handle(struct tick_app *app, char **envp, struct io *io,
    const struct tick_route *routes, size_t nroutes)
{
	char pathbuf[2048], head[sizeof(((struct tick_req *)0)->headers) + 512];
	const struct tick_route *r;
	struct tick_req req;
	struct timespec t0;
	int allowed, n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	fill_request(&req, envp, app);
	req.stream_out = io_stream;
	req.io = io;
	if (req.path == NULL) {
		const char *uri = tick_http_param(&req, "REQUEST_URI");
		const char *sn = tick_http_param(&req, "SCRIPT_NAME");
		const char *pi = tick_http_param(&req, "PATH_INFO");

		if (uri != NULL)
			n = snprintf(pathbuf, sizeof(pathbuf), "%.*s",
			    (int)strcspn(uri, "?"), uri);
		else
			n = snprintf(pathbuf, sizeof(pathbuf), "%s%s",
			    sn ? sn : "", pi ? pi : "");
		req.path = n >= 0 && (size_t)n < sizeof(pathbuf) ? pathbuf :
		                                                   "/";
	}

	r = tick_http_route(routes, nroutes, req.method, req.path, &req,
	    &allowed);
	if (r == NULL && !allowed)
		tick_http_fail(&req, 405, TICK_EINVAL, "method_not_allowed",
		    "method not allowed on this path", NULL);
	else if (r == NULL)
		tick_http_fail(&req, 404, TICK_ENOTFOUND, "not_found",
		    "no such route", NULL);
	else if (read_body(&req, io,
	             r->max_body ? r->max_body : TICK_MAX_API_BODY) == 0 &&
	    (r->perm == TICK_PERM_PUBLIC ||
	        authenticated(&req, r->perm) == TICK_OK)) {
		run_handler(app, r, &req);
		if (req.status == 0)
			tick_http_fail(&req, 500, TICK_ESYS, "internal_error",
			    "the handler gave no answer", NULL);
	}

	/* A handler must end what it began; if one did not, its locks and
	 * its snapshot must not outlive the request. */
	if (tick_db_in_tx(app->db)) {
		tick_log_err(
		    "%s %s: the handler left a transaction open; rolled back",
		    req.method, req.path);
		tick_db_rollback(app->db);
	}
	/* At debug level, one line a request: its pid tells which process
	 * served it (tests/apache/run counts them under plain CGI). */
	tick_log_debug("%s: %s %s %d", app->name, req.method, req.path,
	    req.status);
	if (req.streamed) {
		count_request(&t0, r, routes, req.status);
		tick_http_req_clear(&req);
		return;
	}
	/* head holds the status line, the fixed headers and req.headers.
	 * Nothing is cached unless the handler said how (a QR image). */
	n = snprintf(head, sizeof(head),
	    "Status: %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	    "%s%s\r\n",
	    req.status, tick_http_reason(req.status), req.ctype, req.out_len,
	    strncasecmp(req.headers, "Cache-Control:", 14) == 0 ||
	            strcasestr(req.headers, "\r\nCache-Control:") != NULL ?
	        "" :
	        "Cache-Control: no-store\r\n",
	    req.headers);
	if (n > 0 && (size_t)n < sizeof(head)) {
		io_write(io, head, (size_t)n);
		if (req.out_len > 0)
			io_write(io, req.out, req.out_len);
	} else {
		static const char fail[] =
		    "Status: 500 Internal Server Error\r\nContent-Type: "
		    "application/json\r\n\r\n{\"success\":false,\"error\":{\"code\":"
		    "\"internal_error\",\"message\":\"response headers too large\"}}";

		io_write(io, fail, sizeof(fail) - 1);
		req.status = 500;
	}
	count_request(&t0, r, routes, req.status);
	tick_http_req_clear(&req);
}

/* The FastCGI accept loop of one process over listening socket sock. */
static int
fcgi_loop(struct tick_app *app, int sock, const struct tick_route *routes,
    size_t nroutes)
{
	FCGX_Request fr;
	struct io io = { &fr };

	if (FCGX_InitRequest(&fr, sock, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		return 1;
	while (!stopping && FCGX_Accept_r(&fr) >= 0) {
		handle(app, fr.envp, &io, routes, nroutes);
		FCGX_Finish_r(&fr);
	}
	FCGX_Free(&fr, 1);
	return 0;
}

static int
worker(struct tick_app *app, int sock, const struct tick_route *routes,
    size_t nroutes)
{
	int rc;

	if (tick_app_open(app) != TICK_OK) {
		tick_log_err("%s: out of memory", app->name);
		return 1;
	}
	metrics_start(app, routes, nroutes);
	rc = fcgi_loop(app, sock, routes, nroutes);
	tick_metrics_close();
	tick_app_close(app);
	return rc;
}

static void
usage(const char *name)
{
	fprintf(stderr,
	    "usage: %s [--listen unix:PATH|HOST:PORT] [--socket-group NAME]\n"
	    "       [--workers N] [--backlog N]\n"
	    "  a unix socket is mode 0660, in group NAME when given (nginx's\n"
	    "  workers' group), else in this process's group\n"
	    "  with no --listen: plain CGI, or FastCGI when standard input is a socket\n"
	    "  --routes prints the route table as JSON and exits\n",
	    name);
}

/* The route table as one JSON object on standard output: what the OpenAPI
 * document is checked against (tests/integration/test_openapi.py). */
static int
print_routes(const struct tick_routes *table)
{
	json_t *root = json_object(), *list = json_array();
	char *s = NULL;
	int rc = 1;

	if (root == NULL || list == NULL)
		goto out;
	for (size_t i = 0; i < table->n; i++) {
		const struct tick_route *r = &table->routes[i];
		const char *perm = r->perm == TICK_PERM_PUBLIC ?
		    "public" :
		    tick_perm_name(r->perm);
		size_t max_body = r->max_body ? r->max_body : TICK_MAX_API_BODY;

		if (json_array_append_new(list,
		        json_pack("{s:s, s:s, s:s?, s:I}", "method", r->method,
		            "path", r->pattern, "permission", perm, "max_body",
		            (json_int_t)max_body)) != 0)
			goto out;
	}
	if (json_object_set_new(root, "responder", json_string(table->name)) !=
	        0 ||
	    json_object_set(root, "routes", list) != 0)
		goto out;
	s = json_dumps(root, JSON_INDENT(1));
	if (s != NULL && printf("%s\n", s) > 0 && fflush(stdout) == 0)
		rc = 0;
out:
	free(s);
	json_decref(list);
	json_decref(root);
	return rc;
}

static pid_t
spawn(struct tick_app *app, int sock, const struct tick_route *routes,
    size_t nroutes)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_stop;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		_exit(worker(app, sock, routes, nroutes));
	}
	if (pid < 0)
		tick_log_err("fork: %s", strerror(errno));
	return pid;
}

/* Listens on unix socket path, mode 0660 from its creation on and in group
 * gid ((gid_t)-1: this process's): only the desk and nginx reach it, so no
 * local user can bypass nginx's limits or forge REMOTE_ADDR. */
static int
listen_unix(const char *path, long long backlog, gid_t gid)
{
	mode_t mask;
	int sock;

	/* A socket left by a crash would make bind fail. */
	(void)unlink(path);
	mask = umask(0117);
	sock = FCGX_OpenSocket(path, (int)backlog);
	(void)umask(mask);
	if (sock < 0)
		return -1;
	if (chmod(path, 0660) != 0 ||
	    (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) != 0)) {
		tick_log_err("%s: cannot set the mode or group of %s: %s",
		    __func__, path, strerror(errno));
		close(sock);
		(void)unlink(path);
		return -1;
	}
	return sock;
}

static int
standalone(struct tick_app *app, const char *listen, gid_t gid,
    long long workers, long long backlog, const struct tick_route *routes,
    size_t nroutes)
{
	pid_t pids[TICK_MAX_WORKERS];
	time_t born[TICK_MAX_WORKERS];
	const char *path = NULL;
	struct sigaction sa;
	int sock;

	if (strncmp(listen, "unix:", 5) == 0) {
		path = listen + 5;
		sock = listen_unix(path, backlog, gid);
	} else
		sock = FCGX_OpenSocket(listen, (int)backlog);
	if (sock < 0) {
		tick_log_err("%s: cannot listen on %s: %s", app->name, listen,
		    strerror(errno));
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	for (long long i = 0; i < workers; i++) {
		pids[i] = spawn(app, sock, routes, nroutes);
		born[i] = time(NULL);
	}
	tick_log_info("%s: listening on %s with %lld workers", app->name,
	    listen, workers);
	while (!stopping) {
		int status;
		pid_t pid = wait(&status);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			sleep(1);
		}
		for (long long i = 0; i < workers && !stopping; i++) {
			if (pids[i] != pid && pids[i] > 0)
				continue;
			if (pids[i] == pid)
				tick_log_warn(
				    "%s: worker %ld exited (status %d); re-spawning",
				    app->name, (long)pid, status);
			/* A worker that dies at once would spin: slow it down. */
			if (time(NULL) - born[i] < 1)
				sleep(1);
			pids[i] = spawn(app, sock, routes, nroutes);
			born[i] = time(NULL);
		}
	}
	for (long long i = 0; i < workers; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	/* Workers finish the request in hand; then they are made to stop. */
	for (int tries = 0; tries < 50; tries++) {
		int left = 0;

		for (long long i = 0; i < workers; i++) {
			if (pids[i] > 0 &&
			    waitpid(pids[i], NULL, WNOHANG) == pids[i])
				pids[i] = -1;
			left += pids[i] > 0;
		}
		if (left == 0)
			break;
		usleep(100000);
	}
	for (long long i = 0; i < workers; i++)
		if (pids[i] > 0) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
		}
	if (path != NULL)
		(void)unlink(path);
	tick_log_info("%s: stopped", app->name);
	return 0;
}

int
tick_serve_main(int argc, char **argv, const struct tick_routes *table)
{
	const struct tick_route *routes = table->routes;
	size_t nroutes = table->n;
	const char *name = table->name;

	authenticate = table->authenticate;
	const char *listen = NULL;
	long long workers = 2, backlog = 128;
	gid_t gid = (gid_t)-1;
	struct tick_app app;
	char err[512];
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--listen") == 0 && v) {
			listen = v;
			i++;
		} else if (strcmp(a, "--socket-group") == 0 && v) {
			const struct group *g = getgrnam(v);

			if (g == NULL) {
				fprintf(stderr,
				    "%s: --socket-group: no group %s\n", name,
				    v);
				return 2;
			}
			gid = g->gr_gid;
			i++;
		} else if (strcmp(a, "--workers") == 0 && v) {
			if (tick_valid_num(v, strlen(v), 1, TICK_MAX_WORKERS,
			        &workers) != TICK_OK) {
				fprintf(stderr,
				    "%s: --workers: expected 1 to %d\n", name,
				    TICK_MAX_WORKERS);
				return 2;
			}
			i++;
		} else if (strcmp(a, "--backlog") == 0 && v) {
			if (tick_valid_num(v, strlen(v), 1, 65535, &backlog) !=
			    TICK_OK) {
				fprintf(stderr,
				    "%s: --backlog: expected 1 to 65535\n",
				    name);
				return 2;
			}
			i++;
		} else if (strcmp(a, "--routes") == 0) {
			return print_routes(table);
		} else {
			usage(name);
			return strcmp(a, "--help") == 0 ? 0 : 2;
		}
	}

	memset(&app, 0, sizeof(app));
	app.name = name;
	app.started = time(NULL);
	if (tick_app_config(&app, err, sizeof(err)) != TICK_OK) {
		fprintf(stderr, "%s: configuration: %s\n", name, err);
		tick_config_free(&app.cfg);
		return 1;
	}
	/* A responder with signed-in routes cannot run without its key. */
	for (size_t i = 0; i < nroutes; i++)
		if (routes[i].perm != TICK_PERM_PUBLIC &&
		    tick_config_get(&app.cfg, TICK_CFG_JWT_SECRET) == NULL) {
			fprintf(stderr,
			    "%s: configuration: JWT_SECRET: required but not set\n",
			    name);
			goto out;
		}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    mysql_library_init(0, NULL, NULL) != 0 || FCGX_Init() != 0) {
		fprintf(stderr, "%s: library initialisation failed\n", name);
		goto out;
	}

	if (listen != NULL)
		rc = standalone(&app, listen, gid, workers, backlog, routes,
		    nroutes);
	else if (!FCGX_IsCGI()) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_stop;
		sigaction(SIGTERM, &sa, NULL);
		rc = worker(&app, 0, routes, nroutes);
	} else {
		struct io io = { NULL };

		if (tick_app_open(&app) != TICK_OK)
			goto out;
		metrics_start(&app, routes, nroutes);
		handle(&app, environ, &io, routes, nroutes);
		tick_metrics_close();
		fflush(stdout);
		cgi_drain();
		rc = 0;
	}
out:
	tick_app_close(&app);
	mysql_library_end();
	curl_global_cleanup();
	return rc;
}
