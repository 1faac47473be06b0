#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "config.h"
#include "bounds.h"
#include "log.h"
#include "net.h"
#include "json.h"
#include "qr.h"
#include "templates.h"
#include "valid.h"
#include "wa.h"

struct tick_wa_client {
	const struct tick_config *cfg;
	CURL *curl;
	/* The business number's digits once the Graph API has said them. */
	char display_number[16];
};

struct tick_wa_client *
tick_wa_client_new(const struct tick_config *cfg)
{
	struct tick_wa_client *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->cfg = cfg;
	return c;
}

void
tick_wa_client_free(struct tick_wa_client *c)
{
	if (c == NULL)
		return;
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	free(c);
}

/* One Graph API call: POST payload to path (or GET when payload is NULL).
 * The answer's body and status are left in *body and *status. */
static enum tick_err call(struct tick_wa_client *c, const char *path,
    const char *payload, size_t len, size_t max, struct tick_wa_result *res,
    char **body, size_t *bodylen, long *status);

enum tick_err
tick_wa_send(struct tick_wa_client *c, const char *payload, size_t len,
    struct tick_wa_result *res)
{
	char path[128], *body = NULL;
	enum tick_err rc;
	long status = 0;

	memset(res, 0, sizeof(*res));
	if (!tick_config_wa_ready(c->cfg)) {
		snprintf(res->error_title, sizeof(res->error_title),
		    "WhatsApp sending is not configured (WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_ACCESS_TOKEN)");
		res->retryable = 1;
		return TICK_ECONFIG;
	}
	snprintf(path, sizeof(path), "/%s/messages",
	    tick_config_get(c->cfg, TICK_CFG_WA_PHONE_NUMBER_ID));
	rc = call(c, path, payload, len, TICK_MAX_UPSTREAM_BODY, res, &body,
	    NULL, &status);
	if (rc == TICK_OK) {
		rc = tick_wa_parse_send_response((int)status, body,
		    body ? strlen(body) : 0, res);
		if (rc != TICK_OK)
			tick_log_warn("%s: HTTP %ld code %lld: %s", __func__,
			    status, res->error_code, res->error_title);
	}
	free(body);
	return rc;
}

enum tick_err
tick_wa_check_phone(struct tick_wa_client *c, json_t **info,
    struct tick_wa_result *res)
{
	char path[128], *body = NULL;
	json_error_t je;
	enum tick_err rc;
	long status = 0;
	json_t *root;

	*info = NULL;
	memset(res, 0, sizeof(*res));
	if (!tick_config_wa_ready(c->cfg)) {
		snprintf(res->error_title, sizeof(res->error_title),
		    "WhatsApp sending is not configured");
		return TICK_ECONFIG;
	}
	snprintf(path, sizeof(path), "/%s",
	    tick_config_get(c->cfg, TICK_CFG_WA_PHONE_NUMBER_ID));
	if ((rc = call(c, path, NULL, 0, TICK_MAX_UPSTREAM_BODY, res, &body,
	         NULL, &status)) != TICK_OK) {
		free(body);
		return rc;
	}
	root = body ? json_loads(body, 0, &je) : NULL;
	free(body);
	res->http_status = (int)status;
	if (status == 200 && json_is_object(root)) {
		*info = root;
		return TICK_OK;
	}
	/* The same error body as a send. */
	(void)tick_wa_parse_send_response((int)status, NULL, 0, res);
	if (json_is_object(json_object_get(root, "error"))) {
		json_t *e = json_object_get(root, "error");

		res->error_code = json_integer_value(
		    json_object_get(e, "code"));
		snprintf(res->error_title, sizeof(res->error_title), "%s",
		    json_string_value(json_object_get(e, "message")) ?
		        json_string_value(json_object_get(e, "message")) :
		        "Graph API error");
	}
	json_decref(root);
	return TICK_EUPSTREAM;
}

/* As call(), with method (NULL: POST with a payload, GET without). */
static enum tick_err call_method(struct tick_wa_client *c, const char *method,
    const char *path, const char *payload, size_t len, size_t max,
    struct tick_wa_result *res, char **out, size_t *outlen, long *status_out);

static enum tick_err
call(struct tick_wa_client *c, const char *path, const char *payload,
    size_t len, size_t max, struct tick_wa_result *res, char **out,
    size_t *outlen, long *status_out)
{
	return call_method(c, NULL, path, payload, len, max, res, out, outlen,
	    status_out);
}

static enum tick_err
call_method(struct tick_wa_client *c, const char *method, const char *path,
    const char *payload, size_t len, size_t max, struct tick_wa_result *res,
    char **out, size_t *outlen, long *status_out)
{
	const struct tick_config *cfg = c->cfg;
	const char *base = tick_config_get(cfg, TICK_CFG_WA_API_URL);
	struct curl_slist *hdrs = NULL, *h;
	struct tick_net_buf b = { NULL, 0, max, 0 };
	char url[1024], auth[TICK_MAX_CONFIG_VALUE + 32];
	enum tick_err rc = TICK_EUPSTREAM;
	long status = 0;
	CURLcode cc;
	int n;

	*out = NULL;
	*status_out = 0;
	/* A path under the API, or (media downloads) a whole URL. */
	n = path[0] == '/' ? snprintf(url, sizeof(url), "%s%s", base, path) :
	                     snprintf(url, sizeof(url), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(url))
		return TICK_ECONFIG;
	n = snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
	    tick_config_get(cfg, TICK_CFG_WA_ACCESS_TOKEN));
	if (n < 0 || (size_t)n >= sizeof(auth))
		return TICK_ECONFIG;
	if (c->curl == NULL && (c->curl = curl_easy_init()) == NULL)
		return TICK_ENOMEM;
	curl_easy_reset(c->curl);
	if ((h = curl_slist_append(hdrs, auth)) == NULL)
		goto out;
	hdrs = h;
	if ((h = curl_slist_append(hdrs, "Content-Type: application/json")) ==
	    NULL)
		goto out;
	hdrs = h;
	/* No "Expect: 100-continue" round trip. */
	if ((h = curl_slist_append(hdrs, "Expect:")) == NULL)
		goto out;
	hdrs = h;

	/* Media downloads (whole URLs) get the media timeout. */
	tick_net_setup(c->curl, cfg, url,
	    (long)tick_config_num(cfg, TICK_CFG_WA_CONNECT_TIMEOUT_MS),
	    (long)tick_config_num(cfg,
	        path[0] == '/' ? TICK_CFG_WA_TIMEOUT_MS :
	                         TICK_CFG_MEDIA_TIMEOUT_MS),
	    &b);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hdrs);
	if (payload != NULL) {
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, payload);
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
	} else
		curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
	if (method != NULL)
		curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);

	cc = curl_easy_perform(c->curl);
	if (cc != CURLE_OK) {
		res->http_status = 0;
		res->retryable = 1;
		snprintf(res->error_title, sizeof(res->error_title), "%s%s",
		    b.overflow ? "answer larger than allowed: " : "",
		    curl_easy_strerror(cc));
		rc = cc == CURLE_OPERATION_TIMEDOUT ? TICK_ETIMEOUT :
		                                      TICK_EUPSTREAM;
		tick_log_warn("%s: %s", __func__, res->error_title);
		goto out;
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
	*status_out = status;
	if (outlen != NULL)
		*outlen = b.len;
	*out = b.p;
	b.p = NULL;
	rc = TICK_OK;
out:
	/* The handle must not keep pointers to this call's locals. */
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, NULL);
	curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, NULL);
	curl_slist_free_all(hdrs);
	free(b.p);
	return rc;
}

enum tick_err
tick_wa_media_info(struct tick_wa_client *c, const char *media_id,
    struct tick_wa_media *m, struct tick_wa_result *res)
{
	char path[256], *body = NULL;
	enum tick_err rc;
	json_t *root;
	long status = 0;
	const char *v;
	long long size = 0;

	memset(m, 0, sizeof(*m));
	memset(res, 0, sizeof(*res));
	if (!tick_config_wa_ready(c->cfg)) {
		snprintf(res->error_title, sizeof(res->error_title),
		    "WhatsApp is not configured");
		res->retryable = 1;
		return TICK_ECONFIG;
	}
	if (!tick_valid_digits(media_id, strlen(media_id), 32)) {
		snprintf(res->error_title, sizeof(res->error_title),
		    "not a media id");
		return TICK_EINVAL;
	}
	snprintf(path, sizeof(path), "/%s", media_id);
	if ((rc = call(c, path, NULL, 0, TICK_MAX_UPSTREAM_BODY, res, &body,
	         NULL, &status)) != TICK_OK) {
		free(body);
		return rc;
	}
	root = body ? json_loads(body, 0, NULL) : NULL;
	if (status != 200) {
		rc = tick_wa_parse_send_response((int)status, body,
		    body ? strlen(body) : 0, res);
		free(body);
		json_decref(root);
		return rc == TICK_OK ? TICK_EUPSTREAM : rc;
	}
	free(body);
	v = tick_json_str(root, "url");
	/* Only where the Graph API may send us: https, or loopback in tests. */
	if (v == NULL || strlen(v) >= sizeof(m->url) ||
	    tick_valid_outbound_url(v) != TICK_OK) {
		snprintf(res->error_title, sizeof(res->error_title),
		    "Graph API gave no usable media URL");
		res->retryable = 1;
		json_decref(root);
		return TICK_EUPSTREAM;
	}
	snprintf(m->url, sizeof(m->url), "%s", v);
	snprintf(m->mime_type, sizeof(m->mime_type), "%s",
	    (v = tick_json_str(root, "mime_type")) ? v : "");
	snprintf(m->sha256, sizeof(m->sha256), "%s",
	    (v = tick_json_str(root, "sha256")) ? v : "");
	if ((v = tick_json_str(root, "file_size")) != NULL)
		(void)tick_valid_num(v, strlen(v), 0, 1LL << 40, &size);
	else if (json_is_integer(json_object_get(root, "file_size")))
		size = json_integer_value(json_object_get(root, "file_size"));
	m->file_size = size;
	json_decref(root);
	return TICK_OK;
}

enum tick_err
tick_wa_media_download(struct tick_wa_client *c, const char *url, size_t max,
    char **data, size_t *len, struct tick_wa_result *res)
{
	enum tick_err rc;
	long status = 0;

	*data = NULL;
	*len = 0;
	memset(res, 0, sizeof(*res));
	if (tick_valid_outbound_url(url) != TICK_OK) {
		snprintf(res->error_title, sizeof(res->error_title),
		    "media URL is not https");
		return TICK_EINVAL;
	}
	rc = call(c, url, NULL, 0, max, res, data, len, &status);
	if (rc != TICK_OK) {
		free(*data);
		*data = NULL;
		return rc;
	}
	res->http_status = (int)status;
	if (status != 200) {
		snprintf(res->error_title, sizeof(res->error_title),
		    "media download answered HTTP %ld", status);
		/* 404: the URL lasts five minutes; a new one is fetched. */
		res->retryable = status == 404 || status >= 500 ||
		    status == 429;
		free(*data);
		*data = NULL;
		*len = 0;
		return TICK_EUPSTREAM;
	}
	return TICK_OK;
}

enum tick_err
tick_wa_parse_display_number(int http_status, const char *body, size_t len,
    char out[16], struct tick_wa_result *res)
{
	json_t *root;
	const char *v;
	enum tick_err rc = TICK_EUPSTREAM;

	out[0] = '\0';
	if (http_status != 200) {
		rc = tick_wa_parse_send_response(http_status, body, len, res);
		return rc == TICK_OK ? TICK_EUPSTREAM : rc;
	}
	memset(res, 0, sizeof(*res));
	res->http_status = http_status;
	root = body ? json_loadb(body, len, 0, NULL) : NULL;
	v = tick_json_str(root, "display_phone_number");
	/* Meta writes it as people dial it: "+1 555-000-1111". */
	if (v != NULL && tick_valid_phone(v, out) == TICK_OK)
		rc = TICK_OK;
	else
		snprintf(res->error_title, sizeof(res->error_title),
		    "Graph API gave no usable display_phone_number");
	json_decref(root);
	return rc;
}

enum tick_err
tick_wa_display_number(struct tick_wa_client *c, char out[16],
    struct tick_wa_result *res)
{
	char path[128], *body = NULL;
	size_t len = 0;
	enum tick_err rc;
	long status = 0;

	memset(res, 0, sizeof(*res));
	out[0] = '\0';
	if (c->display_number[0] != '\0') {
		memcpy(out, c->display_number, sizeof(c->display_number));
		return TICK_OK;
	}
	if (!tick_config_wa_ready(c->cfg)) {
		snprintf(res->error_title, sizeof(res->error_title),
		    "WhatsApp is not configured (WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_ACCESS_TOKEN)");
		return TICK_ECONFIG;
	}
	snprintf(path, sizeof(path), "/%s?fields=display_phone_number",
	    tick_config_get(c->cfg, TICK_CFG_WA_PHONE_NUMBER_ID));
	if ((rc = call(c, path, NULL, 0, TICK_MAX_UPSTREAM_BODY, res, &body,
	         &len, &status)) == TICK_OK) {
		rc = tick_wa_parse_display_number((int)status, body, len, out,
		    res);
		if (rc == TICK_OK)
			memcpy(c->display_number, out,
			    sizeof(c->display_number));
		else
			tick_log_warn("%s: HTTP %ld code %lld: %s", __func__,
			    status, res->error_code, res->error_title);
	}
	free(body);
	return rc;
}

/* Meta's codes are short runs of letters and digits. */
static int
qr_code_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		        (s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

enum tick_err
tick_wa_parse_qr_response(int http_status, const char *body, size_t len,
    struct tick_wa_qr *qr, struct tick_wa_result *res)
{
	const char *code, *link, *prefill;
	enum tick_err rc = TICK_EUPSTREAM;
	json_t *root;

	memset(qr, 0, sizeof(*qr));
	if (http_status < 200 || http_status >= 300) {
		rc = tick_wa_parse_send_response(http_status, body, len, res);
		return rc == TICK_OK ? TICK_EUPSTREAM : rc;
	}
	memset(res, 0, sizeof(*res));
	res->http_status = http_status;
	root = body ? json_loadb(body, len, 0, NULL) : NULL;
	code = tick_json_str(root, "code");
	link = tick_json_str(root, "deep_link_url");
	prefill = tick_json_str(root, "prefilled_message");
	if (code == NULL || !qr_code_ok(code, sizeof(qr->code) - 1))
		snprintf(res->error_title, sizeof(res->error_title),
		    "QR code API gave no usable code");
	else if (link == NULL || strlen(link) >= sizeof(qr->deep_link) ||
	    strncmp(link, "https://", 8) != 0 ||
	    strpbrk(link, " \t\r\n\"<>") != NULL)
		snprintf(res->error_title, sizeof(res->error_title),
		    "QR code API gave no usable deep_link_url");
	else {
		snprintf(qr->code, sizeof(qr->code), "%s", code);
		snprintf(qr->deep_link, sizeof(qr->deep_link), "%s", link);
		if (prefill != NULL)
			tick_valid_utf8_cut(prefill, strlen(prefill),
			    TICK_QR_PREFILL_MAX, qr->prefill,
			    sizeof(qr->prefill));
		rc = TICK_OK;
	}
	json_decref(root);
	return rc;
}

enum tick_err
tick_wa_qr_register(struct tick_wa_client *c, const char *code,
    const char *prefill, struct tick_wa_qr *qr, struct tick_wa_result *res)
{
	char path[128], *payload = NULL, *body = NULL;
	size_t len = 0;
	enum tick_err rc;
	long status = 0;
	json_t *req;

	memset(qr, 0, sizeof(*qr));
	memset(res, 0, sizeof(*res));
	if (prefill == NULL || *prefill == '\0' ||
	    !tick_valid_utf8(prefill, strlen(prefill)) ||
	    tick_valid_utf8_chars(prefill) > TICK_QR_PREFILL_MAX) {
		snprintf(res->error_title, sizeof(res->error_title),
		    "the prefilled message must be 1 to %d characters",
		    TICK_QR_PREFILL_MAX);
		return TICK_EINVAL;
	}
	if (!tick_config_wa_ready(c->cfg)) {
		snprintf(res->error_title, sizeof(res->error_title),
		    "WhatsApp is not configured (WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_ACCESS_TOKEN)");
		return TICK_ECONFIG;
	}
	req = json_pack("{s:s, s:s}", "prefilled_message", prefill,
	    "generate_qr_image", "SVG");
	if (req != NULL && code != NULL && *code != '\0' &&
	    json_object_set_new(req, "code", json_string(code)) != 0) {
		json_decref(req);
		req = NULL;
	}
	payload = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (payload == NULL)
		return TICK_ENOMEM;
	snprintf(path, sizeof(path), "/%s/message_qrdls",
	    tick_config_get(c->cfg, TICK_CFG_WA_PHONE_NUMBER_ID));
	if ((rc = call(c, path, payload, strlen(payload),
	         TICK_MAX_UPSTREAM_BODY, res, &body, &len, &status)) ==
	    TICK_OK) {
		rc = tick_wa_parse_qr_response((int)status, body, len, qr, res);
		if (rc != TICK_OK)
			tick_log_warn("%s: HTTP %ld code %lld: %s", __func__,
			    status, res->error_code, res->error_title);
	}
	free(payload);
	free(body);
	return rc;
}

/* ---- Message templates (issue 16). */

/* The path of the account's templates, or TICK_ECONFIG (res says why). */
static enum tick_err
templates_path(struct tick_wa_client *c, char *path, size_t sz,
    struct tick_wa_result *res)
{
	const char *waba = tick_config_get(c->cfg,
	    TICK_CFG_WA_BUSINESS_ACCOUNT_ID);
	const char *token = tick_config_get(c->cfg, TICK_CFG_WA_ACCESS_TOKEN);
	int n;

	memset(res, 0, sizeof(*res));
	if (waba == NULL || token == NULL || token[0] == '\0') {
		snprintf(res->error_title, sizeof(res->error_title),
		    "templates need WHATSAPP_BUSINESS_ACCOUNT_ID and "
		    "WHATSAPP_ACCESS_TOKEN");
		return TICK_ECONFIG;
	}
	n = snprintf(path, sz, "/%s/message_templates", waba);
	return n < 0 || (size_t)n >= sz ? TICK_ECONFIG : TICK_OK;
}

/* Meta's error body (or the status) into res; TICK_EUPSTREAM. */
static enum tick_err
graph_error(long status, const char *body, struct tick_wa_result *res)
{
	(void)tick_wa_parse_send_response((int)status, body,
	    body ? strlen(body) : 0, res);
	if (res->error_title[0] == '\0')
		snprintf(res->error_title, sizeof(res->error_title),
		    "Graph API answered HTTP %ld", status);
	return TICK_EUPSTREAM;
}

enum tick_err
tick_wa_tpl_list_page(struct tick_wa_client *c, const char *after,
    json_t **data, char *next, size_t nextsz, struct tick_wa_result *res)
{
	char path[TICK_TPL_CURSOR_MAX + 256], *body = NULL;
	enum tick_err rc;
	long status = 0;
	size_t n;

	*data = NULL;
	next[0] = '\0';
	if ((rc = templates_path(c, path, sizeof(path), res)) != TICK_OK)
		return rc;
	n = strlen(path);
	/* The cursor came from tick_wa_tpl_parse_page: only URL-safe
	 * characters, so it goes into the query as it is. */
	if (snprintf(path + n, sizeof(path) - n, "?limit=%d%s%s",
	        TICK_TPL_PAGE_LIMIT, after && after[0] ? "&after=" : "",
	        after && after[0] ? after : "") >= (int)(sizeof(path) - n))
		return TICK_EINVAL;
	rc = call(c, path, NULL, 0, TICK_MAX_UPSTREAM_BODY * 8, res, &body,
	    NULL, &status);
	if (rc == TICK_OK)
		rc = tick_wa_tpl_parse_page((int)status, body,
		    body ? strlen(body) : 0, data, next, nextsz, res);
	free(body);
	return rc;
}

enum tick_err
tick_wa_tpl_create(struct tick_wa_client *c, const json_t *req, json_t **answer,
    struct tick_wa_result *res)
{
	char path[128], *payload = NULL, *body = NULL;
	json_t *root = NULL;
	enum tick_err rc;
	long status = 0;

	*answer = NULL;
	if ((rc = templates_path(c, path, sizeof(path), res)) != TICK_OK)
		return rc;
	if ((payload = json_dumps(req, JSON_COMPACT)) == NULL)
		return TICK_ENOMEM;
	rc = call(c, path, payload, strlen(payload), TICK_MAX_UPSTREAM_BODY,
	    res, &body, NULL, &status);
	if (rc == TICK_OK) {
		root = body ? json_loads(body, 0, NULL) : NULL;
		res->http_status = (int)status;
		if (status >= 200 && status < 300 && json_is_object(root) &&
		    tick_json_str(root, "id") != NULL) {
			*answer = root;
			root = NULL;
		} else
			rc = graph_error(status, body, res);
	}
	json_decref(root);
	free(payload);
	free(body);
	return rc;
}

enum tick_err
tick_wa_tpl_delete(struct tick_wa_client *c, const char *name,
    struct tick_wa_result *res)
{
	char path[TICK_TPL_NAME_MAX + 192], *body = NULL;
	json_t *root = NULL;
	enum tick_err rc;
	long status = 0;
	size_t n;

	if ((rc = templates_path(c, path, sizeof(path), res)) != TICK_OK)
		return rc;
	if (!tick_wa_tpl_name_ok(name))
		return TICK_EINVAL;
	n = strlen(path);
	/* Meta's naming rule leaves nothing to escape. */
	snprintf(path + n, sizeof(path) - n, "?name=%s", name);
	rc = call_method(c, "DELETE", path, NULL, 0, TICK_MAX_UPSTREAM_BODY,
	    res, &body, NULL, &status);
	if (rc == TICK_OK) {
		root = body ? json_loads(body, 0, NULL) : NULL;
		res->http_status = (int)status;
		if (!(status >= 200 && status < 300 &&
		        json_is_true(json_object_get(root, "success"))))
			rc = graph_error(status, body, res);
	}
	json_decref(root);
	free(body);
	return rc;
}
