#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ssl.h>

#include "config.h"
#include "log.h"
#include "net.h"
#include "valid.h"

static size_t
collect(char *data, size_t size, size_t nmemb, void *arg)
{
	struct tick_net_buf *b = arg;
	size_t n = size * nmemb;
	char *p;

	if (b->len + n > b->max) {
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

/* The deadline of the running budget (monotonic ms), 0 for none. One per
 * process: a worker serves one request at a time. */
static long long budget_deadline;

static long long
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
tick_net_budget_start(long long ms)
{
	budget_deadline = ms > 0 ? now_ms() + ms : 0;
}

void
tick_net_budget_stop(void)
{
	budget_deadline = 0;
}

long long
tick_net_budget_left(void)
{
	long long left;

	if (budget_deadline == 0)
		return -1;
	left = budget_deadline - now_ms();
	return left > 0 ? left : 0;
}

/* Adds TICK_CA_FILE to the default trust store instead of replacing it. */
static CURLcode
add_ca(CURL *curl, void *ctx, void *arg)
{
	(void)curl;
	if (SSL_CTX_load_verify_locations(ctx, arg, NULL) != 1)
		tick_log_warn("%s: cannot load TICK_CA_FILE %s", __func__,
		    (const char *)arg);
	return CURLE_OK;
}

void
tick_net_setup(CURL *curl, const struct tick_config *cfg, const char *url,
    long connect_ms, long total_ms, struct tick_net_buf *b)
{
	const char *ca = tick_config_get(cfg, TICK_CFG_CA_FILE);
	long long left = tick_net_budget_left();

	/* Never past the request's budget (1 ms when spent: callers ask
	 * first, so this only trims a call already decided on). */
	if (left >= 0) {
		if (left < 1)
			left = 1;
		if (total_ms > left)
			total_ms = (long)left;
		if (connect_ms > left)
			connect_ms = (long)left;
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR,
	    strncmp(url, "https:", 6) == 0 ? "https" : "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca != NULL) {
		curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, add_ca);
		curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, (void *)ca);
	}
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, total_ms);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "tick/" PACKAGE_VERSION);
}

enum tick_err
tick_net_post(const struct tick_config *cfg, const char *url,
    const char *const *hdrs, size_t n, const char *body, size_t len,
    long connect_ms, long total_ms, size_t max, long *status, char **answer,
    char *err, size_t errsz)
{
	return tick_net_post_retry(cfg, url, hdrs, n, body, len, connect_ms,
	    total_ms, max, status, answer, NULL, err, errsz);
}

enum tick_err
tick_net_post_retry(const struct tick_config *cfg, const char *url,
    const char *const *hdrs, size_t n, const char *body, size_t len,
    long connect_ms, long total_ms, size_t max, long *status, char **answer,
    long *retry_after, char *err, size_t errsz)
{
	struct tick_net_buf b = { NULL, 0, max, 0 };
	struct curl_slist *list = NULL, *h;
	enum tick_err rc = TICK_ENOMEM;
	CURL *curl;
	CURLcode cc;

	*status = 0;
	*answer = NULL;
	if (retry_after != NULL)
		*retry_after = 0;
	snprintf(err, errsz, "out of memory");
	if (tick_valid_outbound_url(url) != TICK_OK) {
		snprintf(err, errsz,
		    "the URL is not https (or http to loopback)");
		return TICK_EINVAL;
	}
	if ((curl = curl_easy_init()) == NULL)
		return TICK_ENOMEM;
	for (size_t i = 0; i < n + 2; i++) {
		const char *line = i < n ? hdrs[i] :
		    i == n               ? "Content-Type: application/json" :
		                           "Expect:";

		if ((h = curl_slist_append(list, line)) == NULL)
			goto out;
		list = h;
	}
	tick_net_setup(curl, cfg, url, connect_ms, total_ms, &b);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	if ((cc = curl_easy_perform(curl)) != CURLE_OK) {
		snprintf(err, errsz, "%s%s",
		    b.overflow ? "answer larger than allowed: " : "",
		    curl_easy_strerror(cc));
		rc = cc == CURLE_OPERATION_TIMEDOUT ? TICK_ETIMEOUT :
		                                      TICK_EUPSTREAM;
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
	if (retry_after != NULL) {
		curl_off_t ra = 0;

		/* Seconds, or an HTTP date turned into seconds from now. */
		if (curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &ra) !=
		        CURLE_OK ||
		    ra < 0)
			ra = 0;
		*retry_after = ra > 86400 ? 86400 : (long)ra;
	}
	*answer = b.p;
	b.p = NULL;
	err[0] = '\0';
	rc = TICK_OK;
out:
	curl_easy_cleanup(curl);
	curl_slist_free_all(list);
	free(b.p);
	return rc;
}
