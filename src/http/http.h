/*
 * tick: requests, responses and the router. The serve loop (serve.c) fills a
 * struct tick_req from CGI or FastCGI, the router picks a handler, the
 * handler answers through tick_http_ok(), tick_http_fail() or
 * tick_http_text(). Only this layer maps enum tick_err to HTTP statuses.
 */
#ifndef TICK_HTTP_H
#define TICK_HTTP_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "bounds.h"
#include "err.h"
#include "roles.h"

struct tick_app;

#define TICK_HTTP_MAX_PARAMS 4

/* A (pointer, length) view into request data; not NUL-terminated. */
struct tick_span {
	const char *p;
	size_t len;
};

/* Who sent a request, once tick_session_request() has said yes. */
struct tick_principal {
	long long id;        /* 0 when nobody is signed in */
	enum tick_role role; /* as the database says now, not the token */
	char email[256];
	char name[TICK_COL_BUF(TICK_USER_NAME_MAX)];
	char jti[33];   /* the token's id, for sign-out */
	long long exp;  /* the token's expiry */
	int via_cookie; /* authenticated by the panel's cookie */
	int sites_only; /* sees only its sites' tickets (tick_role_sites_only) */
	long long token_id; /* an API token's row, 0 for a session */
	unsigned scopes;    /* an API token's permissions (1 << perm) */
};

struct tick_req {
	struct tick_app *app;    /* borrowed: the worker's state */
	char **envp;             /* borrowed: CGI/FastCGI parameters */
	const char *method;      /* borrowed from envp, never NULL */
	const char *path;        /* borrowed from envp, no query, never NULL */
	const char *query;       /* borrowed from envp, never NULL */
	const char *remote_addr; /* borrowed from envp, never NULL */
	char *body;              /* owned, NUL-terminated copy of the body */
	size_t body_len;
	struct tick_span params[TICK_HTTP_MAX_PARAMS]; /* ":name" route parts */
	size_t nparams;
	struct tick_principal user;

	/* Where a streaming answer goes (set by serve.c). */
	int (*stream_out)(void *io, const char *buf, size_t len);
	void *io;
	int streamed; /* the answer was streamed: nothing to send */

	/* The answer, filled by the handler. */
	int status; /* 0 until a handler answers */
	char ctype[64];
	char headers[2048]; /* extra header lines, each ending \r\n */
	char *out;          /* owned response body */
	size_t out_len;
	/* tick_json_alloc_failures() when the request began: an answer built
	 * after an allocation failed is not trusted (see send_json). */
	unsigned long long json_failures;
};

typedef void (*tick_handler)(struct tick_req *req);

struct tick_route {
	/* "GET", "POST", ... */
	const char *method;
	/* "/api/tickets/:id": a ":x" part matches one path segment */
	const char *pattern;
	tick_handler fn;
	/* 0 means TICK_MAX_API_BODY */
	size_t max_body;
	/* what the caller needs; TICK_PERM_UNSET is refused */
	enum tick_perm perm;
};

/* A responder's route table (the api layer defines one per responder). */
struct tick_routes {
	const char *name;
	const struct tick_route *routes;
	size_t n;
	/* Says who sent a request for a route that is not public
	 * (tick_session_request): TICK_OK with req->user filled, or the
	 * answer is in req. NULL for a responder with public routes only,
	 * which then links no session code. */
	enum tick_err (
	    *authenticate)(struct tick_req *req, enum tick_perm perm);
};

/* Frees what the request owns; the struct itself is the caller's. */
void tick_http_req_clear(struct tick_req *req);

/* A CGI/FastCGI parameter of the request, or NULL. Borrowed. */
const char *tick_http_param(const struct tick_req *req, const char *name);

/*
 * Finds the route for method and path. Returns it and fills req->params, or
 * NULL with *method_allowed set when only the method did not match.
 */
const struct tick_route *
tick_http_route(const struct tick_route *routes, size_t n, const char *method,
    const char *path, struct tick_req *req, int *method_allowed);

/*
 * Copies the percent-decoded value of query parameter name into out (size
 * outsz, NUL-terminated). Returns TICK_OK, TICK_ENOTFOUND, TICK_ETOOBIG, or
 * TICK_EINVAL for a bad escape or an embedded NUL. No I/O.
 */
enum tick_err tick_http_query_get(const char *query, const char *name,
    char *out, size_t outsz);

/*
 * Copies the value of cookie name from a Cookie header into out.
 * TICK_OK, TICK_ENOTFOUND, or TICK_ETOOBIG. No I/O.
 */
enum tick_err tick_http_cookie_get(const char *header, const char *name,
    char *out, size_t outsz);

/*
 * The request body as a JSON object (a new reference; free with
 * json_decref()). On failure it answers 415 or 400 itself and returns NULL.
 */
json_t *tick_http_json_body(struct tick_req *req);

/*
 * Reads ?page (from 1) and ?limit (1..100, default 50). On a bad value it
 * answers 400 itself and returns TICK_EINVAL.
 */
enum tick_err
tick_http_page(struct tick_req *req, long long *page, long long *limit);

/* Answers one page of a list: {items, total, page, limit}. Takes
 * ownership of items. */
void tick_http_ok_page(struct tick_req *req, json_t *items, long long total,
    long long page, long long limit);

/* Answers a whole list: {items, total} with total the array's size, or
 * the error rc when rc is not TICK_OK. Takes ownership of items. */
void tick_http_ok_list(struct tick_req *req, enum tick_err rc, json_t *items);

/*
 * Answers status with obj (taken) and message (may be NULL); when obj is
 * NULL, 404 not_found saying what if rc is TICK_ENOTFOUND, else the error
 * rc. The one answer of a handler that fetched one thing by its id.
 */
void tick_http_ok_found(struct tick_req *req, int status, json_t *obj,
    enum tick_err rc, const char *what, const char *message);

/*
 * The end of a body's field checks: 0 when errors (taken) is empty, else
 * answers 422 validation_failed with message and errors and returns -1.
 */
int
tick_http_fields_ok(struct tick_req *req, const char *message, json_t *errors);

/* Answers 200 {id, deleted: true} with message. */
void
tick_http_ok_deleted(struct tick_req *req, long long id, const char *message);

/*
 * Ends a write on the worker's connection: when rc is TICK_OK commits and
 * returns 0; otherwise (or when the commit fails) rolls back, answers and
 * returns -1: 409 duplicate saying dup with details {field: "is taken"}
 * on TICK_ECONFLICT when field is not NULL, 404 not_found saying what on
 * TICK_ENOTFOUND when what is not NULL, else rc's own error.
 */
int tick_http_end_write(struct tick_req *req, enum tick_err rc,
    const char *field, const char *dup, const char *what);

/* The route parameter i as a positive id, or 0 when it is not one. */
long long tick_http_param_id(const struct tick_req *req, size_t i);

/* The status and the error code string used for e. */
int tick_http_status_of(enum tick_err e);
const char *tick_http_code_of(enum tick_err e);

/*
 * Answers {"success":true,"data":data,"message":message}. Takes ownership
 * of data (may be NULL); message may be NULL.
 */
void tick_http_ok(struct tick_req *req, int status, json_t *data,
    const char *message);

/*
 * Answers 422 validation_failed: message says what is wrong as a whole,
 * details (taken; may be NULL) maps each bad field's name to a sentence.
 * The one way to refuse a body's fields.
 */
void
tick_http_invalid(struct tick_req *req, const char *message, json_t *details);

/*
 * Answers {"success":false,"error":{"code","message","details"}}. The one
 * JSON error path: status 0 derives the status from e, code NULL derives
 * the code from e. Takes ownership of details (may be NULL).
 */
void tick_http_fail(struct tick_req *req, int status, enum tick_err e,
    const char *code, const char *message, json_t *details);

/* Answers a raw body of content type ctype (copied). */
void tick_http_text(struct tick_req *req, int status, const char *ctype,
    const char *body, size_t len);

/* Adds one response header ("Name: value"); silently drops it if full. */
void
tick_http_header(struct tick_req *req, const char *name, const char *value);

/*
 * Starts a streamed 200 answer of content type ctype with the headers
 * tick_http_header() added (sent at once, no buffering in nginx). Returns
 * 0, or -1 when the client is gone.
 */
int tick_http_stream_start(struct tick_req *req, const char *ctype);
/* Sends and flushes one piece of a streamed answer; -1 when the client is
 * gone. */
int tick_http_stream_write(struct tick_req *req, const char *buf, size_t len);

/* The reason phrase for status. */
const char *tick_http_reason(int status);

#endif
