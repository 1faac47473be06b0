#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/ssl.h>

#include "config.h"
#include "bounds.h"
#include "log.h"
#include "wa.h"

struct tick_wa_client {
	const struct tick_config *cfg;
	CURL *curl;
};

struct buf {
	char *p;
	size_t len;
	int overflow;
};

static size_t
on_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;
	size_t n = size * nmemb;
	char *p;

	if (b->len + n > TICK_MAX_UPSTREAM_BODY) {
		b->overflow = 1;
		return 0;
	}
	if ((p = realloc(b->p, b->len + n + 1)) == NULL)
		return 0;
	memcpy(p + b->len, data, n);
	b->p = p;
	b->len += n;
	b->p[b->len] = '\0';
	return n;
}

/* Adds TICK_CA_FILE to the default trust store instead of replacing it. */
static CURLcode
on_ssl_ctx(CURL *curl, void *ctx, void *arg)
{
	(void)curl;
	if (SSL_CTX_load_verify_locations(ctx, arg, NULL) != 1)
		tick_log_warn("%s: cannot load TICK_CA_FILE %s", __func__,
		    (const char *)arg);
	return CURLE_OK;
}

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

enum tick_err
tick_wa_send(struct tick_wa_client *c, const char *payload, size_t len,
    struct tick_wa_result *res)
{
	const struct tick_config *cfg = c->cfg;
	const char *base = tick_config_get(cfg, TICK_CFG_WA_API_URL);
	const char *ca = tick_config_get(cfg, TICK_CFG_CA_FILE);
	struct curl_slist *hdrs = NULL, *h;
	struct buf b = { NULL, 0, 0 };
	char url[1024], auth[TICK_MAX_CONFIG_VALUE + 32];
	enum tick_err rc = TICK_EUPSTREAM;
	long status = 0;
	CURLcode cc;
	int n;

	memset(res, 0, sizeof(*res));
	if (!tick_config_wa_ready(cfg)) {
		snprintf(res->error_title, sizeof(res->error_title),
		    "WhatsApp sending is not configured (WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_ACCESS_TOKEN)");
		res->retryable = 1;
		return TICK_ECONFIG;
	}
	n = snprintf(url, sizeof(url), "%s/%s/messages", base,
	    tick_config_get(cfg, TICK_CFG_WA_PHONE_NUMBER_ID));
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

	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR,
	    strncmp(base, "https:", 6) == 0 ? "https" : "http,https");
	curl_easy_setopt(c->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca != NULL) {
		curl_easy_setopt(c->curl, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
		curl_easy_setopt(c->curl, CURLOPT_SSL_CTX_DATA, (void *)ca);
	}
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)tick_config_num(cfg, TICK_CFG_WA_CONNECT_TIMEOUT_MS));
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS,
	    (long)tick_config_num(cfg, TICK_CFG_WA_TIMEOUT_MS));
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, payload);
	curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "tick/" PACKAGE_VERSION);

	cc = curl_easy_perform(c->curl);
	if (cc != CURLE_OK) {
		res->http_status = 0;
		res->retryable = 1;
		snprintf(res->error_title, sizeof(res->error_title), "%s%s",
		    b.overflow ? "Graph API answer too large: " : "",
		    curl_easy_strerror(cc));
		rc = cc == CURLE_OPERATION_TIMEDOUT ? TICK_ETIMEOUT :
		                                      TICK_EUPSTREAM;
		tick_log_warn("%s: %s", __func__, res->error_title);
		goto out;
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
	rc = tick_wa_parse_send_response((int)status, b.p, b.len, res);
	if (rc != TICK_OK)
		tick_log_warn("%s: HTTP %ld code %lld: %s", __func__, status,
		    res->error_code, res->error_title);
out:
	/* The handle must not keep pointers to this call's locals. */
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, NULL);
	curl_slist_free_all(hdrs);
	free(b.p);
	return rc;
}
