#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "net.h"
#include "provider.h"

/* A connection is set up within this share of the whole time. */
#define CONNECT_MAX_MS 3000L

static long long
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *
tick_ai_model(const struct tick_config *cfg, enum tick_ai_provider p)
{
	const char *m = NULL;

	if (p == TICK_AI_GEMINI)
		m = tick_config_get(cfg, TICK_CFG_GEMINI_MODEL);
	else if (p == TICK_AI_OPENROUTER)
		m = tick_config_get(cfg, TICK_CFG_OPENROUTER_MODEL);
	return m != NULL ? m : "";
}

/* A model name goes in Gemini's URL path: letters, digits, - . _ only. */
static int
model_ok(const char *m)
{
	if (*m == '\0' || strlen(m) > 100)
		return 0;
	for (; *m != '\0'; m++)
		if (!((*m >= 'a' && *m <= 'z') || (*m >= 'A' && *m <= 'Z') ||
		        (*m >= '0' && *m <= '9') || *m == '-' || *m == '.' ||
		        *m == '_' || *m == '/'))
			return 0;
	return 1;
}

/*
 * The URL and the key's header for provider p into url and auth. 0, or -1
 * with r->error saying why (no key, a bad model, too long).
 */
static int
endpoint(const struct tick_config *cfg, enum tick_ai_provider p, char *url,
    size_t urlsz, char *auth, size_t authsz, struct tick_ai_result *r)
{
	const char *model = tick_ai_model(cfg, p), *key, *base;
	int n;

	if (p == TICK_AI_GEMINI) {
		key = tick_config_get(cfg, TICK_CFG_GEMINI_API_KEY);
		base = tick_config_get(cfg, TICK_CFG_GEMINI_API_URL);
	} else {
		key = tick_config_get(cfg, TICK_CFG_OPENROUTER_API_KEY);
		base = tick_config_get(cfg, TICK_CFG_OPENROUTER_API_URL);
	}
	if (key == NULL || *key == '\0' || base == NULL) {
		snprintf(r->error, sizeof(r->error), "%s is not set",
		    p == TICK_AI_GEMINI ? "GEMINI_API_KEY" :
		                          "OPENROUTER_API_KEY");
		return -1;
	}
	if (!model_ok(model) || (p == TICK_AI_GEMINI && strchr(model, '/'))) {
		snprintf(r->error, sizeof(r->error), "%s is not a model name",
		    p == TICK_AI_GEMINI ? "GEMINI_MODEL" : "OPENROUTER_MODEL");
		return -1;
	}
	if (p == TICK_AI_GEMINI) {
		n = snprintf(url, urlsz, "%s/models/%s:generateContent", base,
		    model);
		if (n >= 0 && (size_t)n < urlsz)
			n = snprintf(auth, authsz, "x-goog-api-key: %s", key);
	} else {
		n = snprintf(url, urlsz, "%s/chat/completions", base);
		if (n >= 0 && (size_t)n < urlsz)
			n = snprintf(auth, authsz, "Authorization: Bearer %s",
			    key);
	}
	if (n < 0 || (size_t)n >= authsz || (size_t)n >= urlsz) {
		snprintf(r->error, sizeof(r->error),
		    "the provider URL or key is too long");
		return -1;
	}
	return 0;
}

/*
 * POSTs body to provider p and fills r's status, latency, Retry-After and
 * error; *answer the 200 body (a new string) for the caller to parse, else
 * NULL. r->outcome stays TICK_AI_RETRY unless the request itself was
 * refused (400: TICK_AI_FAILED). TICK_OK or TICK_ENOMEM.
 */
static enum tick_err
exchange(const struct tick_config *cfg, enum tick_ai_provider p,
    const char *body, struct tick_ai_result *r, char **answer)
{
	char url[1024], auth[1100];
	const char *hdrs[1];
	long total = (long)tick_config_num(cfg, TICK_CFG_MODERATION_TIMEOUT_MS);
	long connect = total < CONNECT_MAX_MS ? total : CONNECT_MAX_MS;
	long long t0;
	enum tick_err rc = TICK_OK;

	*answer = NULL;
	if (endpoint(cfg, p, url, sizeof(url), auth, sizeof(auth), r) != 0) {
		r->unconfigured = 1;
		goto out;
	}
	hdrs[0] = auth;
	t0 = now_ms();
	rc = tick_net_post_retry(cfg, url, hdrs, 1, body, strlen(body), connect,
	    total, TICK_AI_MAX_ANSWER, &r->http_status, answer, &r->retry_after,
	    r->error, sizeof(r->error));
	r->latency_ms = now_ms() - t0;
	if (rc == TICK_ENOMEM)
		goto out;
	if (rc != TICK_OK) {
		/* Down, slow or not an acceptable URL: the error says. */
		r->timed_out = rc == TICK_ETIMEOUT;
		rc = TICK_OK;
		goto out;
	}
	if (r->http_status == 200)
		goto out;
	free(*answer);
	*answer = NULL;
	if (r->http_status == 402)
		snprintf(r->error, sizeof(r->error),
		    "HTTP 402: no credits left with the provider");
	else if (r->http_status == 429)
		snprintf(r->error, sizeof(r->error), "HTTP 429: rate-limited");
	else if (r->http_status == 400) {
		/* The request tick built was refused: trying again would
		 * send the same. */
		snprintf(r->error, sizeof(r->error),
		    "HTTP 400: the provider refused the request");
		r->outcome = TICK_AI_FAILED;
	} else
		snprintf(r->error, sizeof(r->error), "HTTP %ld",
		    r->http_status);
out:
	/* The key was in auth: wipe it before the stack is reused. */
	memset(auth, 0, sizeof(auth));
	return rc;
}

/* Sends body (owned, freed here) and reads a verdict into r. */
static enum tick_err
check(const struct tick_config *cfg, enum tick_ai_provider p, char *body,
    struct tick_ai_result *r)
{
	char *answer = NULL;
	enum tick_err rc;

	if (body == NULL)
		return TICK_ENOMEM;
	if ((rc = exchange(cfg, p, body, r, &answer)) != TICK_OK ||
	    answer == NULL)
		goto out;
	rc = p == TICK_AI_GEMINI ?
	    tick_ai_parse_gemini(answer, strlen(answer), &r->verdict, r->error,
	        sizeof(r->error)) :
	    tick_ai_parse_openrouter(answer, strlen(answer), &r->verdict,
	        r->error, sizeof(r->error));
	r->outcome = rc == TICK_OK ? TICK_AI_DONE : TICK_AI_FAILED;
	if (rc == TICK_OK)
		r->error[0] = '\0';
	rc = TICK_OK;
out:
	free(body);
	free(answer);
	return rc;
}

enum tick_err
tick_ai_check_text(const struct tick_config *cfg, enum tick_ai_provider p,
    const char *text, struct tick_ai_result *r)
{
	memset(r, 0, sizeof(*r));
	r->outcome = TICK_AI_RETRY;
	if (p != TICK_AI_GEMINI && p != TICK_AI_OPENROUTER)
		return TICK_EINVAL;
	return check(cfg, p,
	    p == TICK_AI_GEMINI ?
	        tick_ai_gemini_request(text) :
	        tick_ai_openrouter_request(tick_ai_model(cfg, p), text),
	    r);
}

enum tick_err
tick_ai_check_image(const struct tick_config *cfg, enum tick_ai_provider p,
    const char *mime, const void *data, size_t len, struct tick_ai_result *r)
{
	memset(r, 0, sizeof(*r));
	r->outcome = TICK_AI_RETRY;
	if ((p != TICK_AI_GEMINI && p != TICK_AI_OPENROUTER) ||
	    !tick_ai_image_mime_ok(mime) || len == 0)
		return TICK_EINVAL;
	return check(cfg, p,
	    p == TICK_AI_GEMINI ?
	        tick_ai_gemini_image_request(mime, data, len) :
	        tick_ai_openrouter_image_request(tick_ai_model(cfg, p), mime,
	            data, len),
	    r);
}

enum tick_err
tick_ai_assist(const struct tick_config *cfg, enum tick_ai_provider p,
    enum tick_ai_assist_kind kind, const json_t *conversation,
    const char *language, struct tick_ai_result *r)
{
	char *body = NULL, *answer = NULL;
	enum tick_err rc;

	memset(r, 0, sizeof(*r));
	r->outcome = TICK_AI_RETRY;
	if ((p != TICK_AI_GEMINI && p != TICK_AI_OPENROUTER) || kind < 0 ||
	    kind >= TICK_AI_ASSIST__MAX ||
	    (language != NULL && !tick_ai_language_ok(language)))
		return TICK_EINVAL;
	body = tick_ai_assist_request(p, tick_ai_model(cfg, p), kind,
	    conversation, language);
	if (body == NULL)
		return TICK_ENOMEM;
	if ((rc = exchange(cfg, p, body, r, &answer)) != TICK_OK ||
	    answer == NULL)
		goto out;
	rc = tick_ai_parse_assist(p, kind, answer, strlen(answer), &r->text,
	    r->error, sizeof(r->error));
	if (rc == TICK_ENOMEM)
		goto out;
	r->outcome = rc == TICK_OK ? TICK_AI_DONE : TICK_AI_FAILED;
	if (rc == TICK_OK)
		r->error[0] = '\0';
	rc = TICK_OK;
out:
	free(body);
	free(answer);
	return rc;
}
