/* tick: what every outbound HTTP call shares (libcurl): https only, http
 * only to loopback, peers verified (TICK_CA_FILE added to the system's
 * trust), no redirects, no signals, hard timeouts, answers capped. */
#ifndef TICK_NET_H
#define TICK_NET_H

#include <stddef.h>

#include <curl/curl.h>

#include "err.h"

struct tick_config;

/* An answer being read, at most max bytes (then overflow is set and the
 * transfer fails). p is a new buffer, NUL-terminated; free with free(). */
struct tick_net_buf {
	char *p;
	size_t len;
	size_t max;
	int overflow;
};

/*
 * Sets the common options on curl for a call to url (which the caller has
 * checked with tick_valid_outbound_url()), with the given connect and total
 * timeouts, its answer into b.
 */
void tick_net_setup(CURL *curl, const struct tick_config *cfg, const char *url,
    long connect_ms, long total_ms, struct tick_net_buf *b);

/*
 * POSTs body (len bytes) to url with the extra header lines hdrs (each
 * "Name: value"; n of them) and Content-Type: application/json, on the
 * common options. TICK_OK with *status (the HTTP status) and *answer (a new
 * buffer, NUL-terminated, at most max bytes; free() it) when an answer
 * came; else TICK_ETIMEOUT or TICK_EUPSTREAM with err saying why, or
 * TICK_EINVAL when url is not an acceptable outbound URL.
 */
enum tick_err tick_net_post(const struct tick_config *cfg, const char *url,
    const char *const *hdrs, size_t n, const char *body, size_t len,
    long connect_ms, long total_ms, size_t max, long *status, char **answer,
    char *err, size_t errsz);

/* As tick_net_post(), and *retry_after (when not NULL) the seconds the
 * answer's Retry-After header asks for (0 when none; at most a day). */
enum tick_err tick_net_post_retry(const struct tick_config *cfg,
    const char *url, const char *const *hdrs, size_t n, const char *body,
    size_t len, long connect_ms, long total_ms, size_t max, long *status,
    char **answer, long *retry_after, char *err, size_t errsz);

/*
 * The outbound budget of the request being served (a worker serves one at
 * a time): from tick_net_budget_start(ms) until tick_net_budget_stop(),
 * every call's timeouts are capped to what is left of ms, so that all the
 * calls of one request together never take longer.
 */
void tick_net_budget_start(long long ms);
void tick_net_budget_stop(void);
/* Milliseconds left of the budget (0 when spent), or -1 when none runs. */
long long tick_net_budget_left(void);

#endif
