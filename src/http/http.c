#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "crypto.h"
#include "db.h"
#include "http.h"
#include "json.h"
#include "valid.h"
#include "bounds.h"
#include "log.h"

void
tick_http_req_clear(struct tick_req *req)
{
	free(req->body);
	free(req->out);
	req->body = req->out = NULL;
	req->body_len = req->out_len = 0;
}

const char *
tick_http_param(const struct tick_req *req, const char *name)
{
	size_t n = strlen(name);

	if (req->envp == NULL)
		return NULL;
	for (char **e = req->envp; *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

/* Matches one pattern; fills params on success. */
static int
match(const char *pat, const char *path, struct tick_req *req)
{
	size_t np = 0;

	while (*pat != '\0' && *path != '\0') {
		if (*pat == ':') {
			const char *end = strchr(path, '/');
			size_t len = end ? (size_t)(end - path) : strlen(path);

			if (len == 0 || np == TICK_HTTP_MAX_PARAMS)
				return 0;
			if (req != NULL) {
				req->params[np].p = path;
				req->params[np].len = len;
			}
			np++;
			path += len;
			while (*pat != '\0' && *pat != '/')
				pat++;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	/* A trailing slash on the request is tolerated. */
	if (*pat == '\0' && path[0] == '/' && path[1] == '\0')
		path++;
	if (*pat != '\0' || *path != '\0')
		return 0;
	if (req != NULL)
		req->nparams = np;
	return 1;
}

const struct tick_route *
tick_http_route(const struct tick_route *routes, size_t n, const char *method,
    const char *path, struct tick_req *req, int *method_allowed)
{
	*method_allowed = 1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(routes[i].method, method) == 0 &&
		    match(routes[i].pattern, path, req))
			return &routes[i];
	for (size_t i = 0; i < n; i++)
		if (match(routes[i].pattern, path, NULL)) {
			*method_allowed = 0;
			break;
		}
	return NULL;
}

/* Decodes a[0..len) (form-style: + is a space) into out. */
static enum tick_err
decode(const char *a, size_t len, char *out, size_t outsz)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = a[i];

		if (c == '+')
			c = ' ';
		else if (c == '%') {
			int hi, lo;

			if (len - i < 3)
				return TICK_EINVAL;
			hi = tick_crypto_hexdigit(a[i + 1]);
			lo = tick_crypto_hexdigit(a[i + 2]);
			if (hi < 0 || lo < 0)
				return TICK_EINVAL;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (c == '\0')
			return TICK_EINVAL;
		if (o + 1 >= outsz)
			return TICK_ETOOBIG;
		out[o++] = c;
	}
	out[o] = '\0';
	return TICK_OK;
}

enum tick_err
tick_http_query_get(const char *query, const char *name, char *out,
    size_t outsz)
{
	size_t qlen, nlen = strlen(name), count = 0;
	const char *p = query;

	if (outsz == 0)
		return TICK_ETOOBIG;
	out[0] = '\0';
	if (query == NULL)
		return TICK_ENOTFOUND;
	if ((qlen = strlen(query)) > TICK_MAX_QUERY)
		return TICK_ETOOBIG;
	while (*p != '\0') {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t klen = eq ? (size_t)(eq - p) : len;
		char key[128];

		if (++count > TICK_MAX_QUERY_PARAMS)
			return TICK_ETOOBIG;
		if (klen > 0 && klen < sizeof(key) &&
		    decode(p, klen, key, sizeof(key)) == TICK_OK &&
		    strlen(key) == nlen && memcmp(key, name, nlen) == 0)
			return eq ? decode(eq + 1, len - klen - 1, out, outsz) :
			            decode("", 0, out, outsz);
		p += len;
		if (*p == '&')
			p++;
	}
	return TICK_ENOTFOUND;
}

static const struct {
	int status;
	const char *code;
} errmap[TICK_ERR__MAX] = {
	[TICK_OK] = { 200, "ok" },
	[TICK_EINVAL] = { 400, "bad_request" },
	[TICK_ENOTFOUND] = { 404, "not_found" },
	[TICK_ECONFLICT] = { 409, "conflict" },
	[TICK_EFORBIDDEN] = { 403, "forbidden" },
	[TICK_EUNAUTH] = { 401, "unauthorized" },
	[TICK_ETOOBIG] = { 413, "payload_too_large" },
	[TICK_EDB] = { 503, "database_unavailable" },
	[TICK_EUPSTREAM] = { 502, "upstream_failed" },
	[TICK_ETIMEOUT] = { 504, "upstream_timeout" },
	[TICK_ENOMEM] = { 500, "internal_error" },
	[TICK_ECONFIG] = { 500, "misconfigured" },
	[TICK_ESYS] = { 500, "internal_error" },
	[TICK_EBUSY] = { 503, "busy" },
};

int
tick_http_status_of(enum tick_err e)
{
	return (unsigned)e < TICK_ERR__MAX ? errmap[e].status : 500;
}

const char *
tick_http_code_of(enum tick_err e)
{
	return (unsigned)e < TICK_ERR__MAX ? errmap[e].code : "internal_error";
}

const char *
tick_http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Unknown";
	}
}

void
tick_http_text(struct tick_req *req, int status, const char *ctype,
    const char *body, size_t len)
{
	char *copy = malloc(len + 1);

	free(req->out);
	req->out = NULL;
	req->out_len = 0;
	if (copy == NULL) {
		/* Nothing to send but the status; serve.c writes an empty body. */
		req->status = 500;
		snprintf(req->ctype, sizeof(req->ctype), "text/plain");
		return;
	}
	memcpy(copy, body, len);
	copy[len] = '\0';
	req->out = copy;
	req->out_len = len;
	req->status = status;
	snprintf(req->ctype, sizeof(req->ctype), "%s", ctype);
}

static void
send_json(struct tick_req *req, int status, json_t *root)
{
	char *s = NULL;

	/* jansson drops a member it cannot allocate and says nothing: an
	 * answer built after an allocation failed may have lost any part,
	 * "success" included, so it is never sent. */
	if (root != NULL && tick_json_alloc_failures() == req->json_failures)
		s = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (s != NULL && tick_json_alloc_failures() != req->json_failures) {
		free(s);
		s = NULL;
	}
	json_decref(root);
	if (s == NULL) {
		static const char fallback[] =
		    "{\"success\":false,\"error\":"
		    "{\"code\":\"internal_error\",\"message\":\"out of memory\"}}";
		tick_http_text(req, 500, "application/json", fallback,
		    sizeof(fallback) - 1);
		return;
	}
	free(req->out);
	req->out = s;
	req->out_len = strlen(s);
	req->status = status;
	snprintf(req->ctype, sizeof(req->ctype), "application/json");
}

void
tick_http_ok(struct tick_req *req, int status, json_t *data,
    const char *message)
{
	json_t *root = json_object();

	if (root != NULL) {
		json_object_set_new(root, "success", json_true());
		json_object_set_new(root, "data", data ? data : json_null());
		if (message != NULL)
			json_object_set_new(root, "message",
			    json_string(message));
	} else
		json_decref(data);
	send_json(req, status, root);
}

void
tick_http_fail(struct tick_req *req, int status, enum tick_err e,
    const char *code, const char *message, json_t *details)
{
	json_t *root = json_object(), *err = json_object();

	if (status == 0)
		status = tick_http_status_of(e);
	if (code == NULL)
		code = tick_http_code_of(e);
	if (message == NULL)
		message = tick_strerror(e);
	if (root == NULL || err == NULL) {
		json_decref(root);
		json_decref(err);
		json_decref(details);
		send_json(req, 500, NULL);
		return;
	}
	json_object_set_new(err, "code", json_string(code));
	json_object_set_new(err, "message", json_string(message));
	if (details != NULL)
		json_object_set_new(err, "details", details);
	json_object_set_new(root, "success", json_false());
	json_object_set_new(root, "error", err);
	if (status >= 500)
		tick_log_warn("%s %s -> %d %s: %s", req->method, req->path,
		    status, code, message);
	send_json(req, status, root);
}

void
tick_http_invalid(struct tick_req *req, const char *message, json_t *details)
{
	tick_http_fail(req, 422, TICK_EINVAL, "validation_failed", message,
	    details);
}

void
tick_http_header(struct tick_req *req, const char *name, const char *value)
{
	size_t used = strlen(req->headers);
	int n;

	/* Header injection: values never carry line breaks. */
	if (strpbrk(value, "\r\n") != NULL || strpbrk(name, "\r\n:") != NULL)
		return;
	n = snprintf(req->headers + used, sizeof(req->headers) - used,
	    "%s: %s\r\n", name, value);
	if (n < 0 || (size_t)n >= sizeof(req->headers) - used)
		req->headers[used] = '\0';
}

enum tick_err
tick_http_cookie_get(const char *header, const char *name, char *out,
    size_t outsz)
{
	size_t nlen = strlen(name);
	const char *p = header;

	if (outsz == 0)
		return TICK_ETOOBIG;
	out[0] = '\0';
	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		if (len > nlen && memcmp(p, name, nlen) == 0 &&
		    p[nlen] == '=') {
			size_t vlen = len - nlen - 1;

			while (vlen > 0 &&
			    (p[nlen + vlen] == ' ' || p[nlen + vlen] == '\t'))
				vlen--;
			if (vlen >= outsz)
				return TICK_ETOOBIG;
			memcpy(out, p + nlen + 1, vlen);
			out[vlen] = '\0';
			return TICK_OK;
		}
		p = end ? end + 1 : NULL;
	}
	return TICK_ENOTFOUND;
}

json_t *
tick_http_json_body(struct tick_req *req)
{
	const char *ct = tick_http_param(req, "CONTENT_TYPE");
	char err[256];
	json_t *root;
	enum tick_err rc;

	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ')) {
		tick_http_fail(req, 415, TICK_EINVAL, "unsupported_media_type",
		    "send the body as application/json", NULL);
		return NULL;
	}
	if ((rc = tick_json_parse(req->body ? req->body : "", req->body_len,
	         &root, err, sizeof(err))) != TICK_OK) {
		if (rc == TICK_EINVAL)
			tick_http_fail(req, 400, rc, "invalid_json", err, NULL);
		else
			tick_http_fail(req, 0, rc, NULL, err, NULL);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		tick_http_fail(req, 400, TICK_EINVAL, "invalid_json",
		    "the body must be a JSON object", NULL);
		return NULL;
	}
	return root;
}

long long
tick_http_param_id(const struct tick_req *req, size_t i)
{
	long long id = 0;

	if (i >= req->nparams ||
	    tick_valid_num(req->params[i].p, req->params[i].len, 1,
	        4294967295LL, &id) != TICK_OK)
		return 0;
	return id;
}

enum tick_err
tick_http_page(struct tick_req *req, long long *page, long long *limit)
{
	char v[24];

	*page = 1;
	*limit = 50;
	if ((tick_http_query_get(req->query, "page", v, sizeof(v)) == TICK_OK &&
	        tick_valid_num(v, strlen(v), 1, 1000000, page) != TICK_OK) ||
	    (tick_http_query_get(req->query, "limit", v, sizeof(v)) ==
	            TICK_OK &&
	        tick_valid_num(v, strlen(v), 1, 100, limit) != TICK_OK)) {
		tick_http_fail(req, 400, TICK_EINVAL, "bad_request",
		    "page must be 1 or more and limit 1 to 100", NULL);
		return TICK_EINVAL;
	}
	return TICK_OK;
}

int
tick_http_stream_start(struct tick_req *req, const char *ctype)
{
	char head[sizeof(req->headers) + 256];
	int n;

	if (req->stream_out == NULL)
		return -1;
	/* With the handler's own headers (an export's Content-Disposition). */
	n = snprintf(head, sizeof(head),
	    "Status: 200 OK\r\nContent-Type: %s\r\nCache-Control: no-cache\r\n"
	    "X-Accel-Buffering: no\r\n%s\r\n",
	    ctype, req->headers);
	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	req->streamed = 1;
	req->status = 200;
	return req->stream_out(req->io, head, (size_t)n);
}

int
tick_http_stream_write(struct tick_req *req, const char *buf, size_t len)
{
	if (!req->streamed)
		return -1;
	return req->stream_out(req->io, buf, len);
}

void
tick_http_ok_list(struct tick_req *req, enum tick_err rc, json_t *items)
{
	if (rc != TICK_OK) {
		json_decref(items);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, 200,
	    json_pack("{s:o, s:I}", "items", items, "total",
	        (json_int_t)json_array_size(items)),
	    NULL);
}

void
tick_http_ok_found(struct tick_req *req, int status, json_t *obj,
    enum tick_err rc, const char *what, const char *message)
{
	if (obj != NULL)
		tick_http_ok(req, status, obj, message);
	else if (rc == TICK_ENOTFOUND)
		tick_http_fail(req, 404, TICK_ENOTFOUND, "not_found", what,
		    NULL);
	else
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
}

int
tick_http_fields_ok(struct tick_req *req, const char *message, json_t *errors)
{
	if (json_object_size(errors) == 0) {
		json_decref(errors);
		return 0;
	}
	tick_http_invalid(req, message, errors);
	return -1;
}

void
tick_http_ok_deleted(struct tick_req *req, long long id, const char *message)
{
	tick_http_ok(req, 200,
	    json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1),
	    message);
}

int
tick_http_end_write(struct tick_req *req, enum tick_err rc, const char *field,
    const char *dup, const char *what)
{
	struct tick_db *db = req->app->db;

	if (rc == TICK_OK)
		rc = tick_db_commit(db);
	if (rc == TICK_OK)
		return 0;
	tick_db_rollback(db);
	if (rc == TICK_ECONFLICT && field != NULL)
		tick_http_fail(req, 409, TICK_ECONFLICT, "duplicate", dup,
		    json_pack("{s:s}", field, "is taken"));
	else if (rc == TICK_ENOTFOUND && what != NULL)
		tick_http_fail(req, 404, TICK_ENOTFOUND, "not_found", what,
		    NULL);
	else
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
	return -1;
}

void
tick_http_ok_page(struct tick_req *req, json_t *items, long long total,
    long long page, long long limit)
{
	tick_http_ok(req, 200,
	    json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total",
	        (json_int_t)total, "page", (json_int_t)page, "limit",
	        (json_int_t)limit),
	    NULL);
}
