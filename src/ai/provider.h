/*
 * tick: the calls to the AI providers (issue 17), on the outbound
 * conventions of wa/net (https only, http only to loopback, hard connect
 * and total timeouts, answers capped). Keys go in headers and are never
 * logged or put in an error.
 */
#ifndef TICK_AI_PROVIDER_H
#define TICK_AI_PROVIDER_H

#include "ai.h"
#include "err.h"

struct tick_config;

enum tick_ai_outcome {
	TICK_AI_DONE,   /* a verdict came */
	TICK_AI_RETRY,  /* down, slow, rate-limited, no credits: try later */
	TICK_AI_FAILED, /* the answer was malformed: recorded, not retried */
};

struct tick_ai_result {
	enum tick_ai_outcome outcome;
	struct tick_ai_verdict verdict; /* when TICK_AI_DONE */
	long long latency_ms;
	long http_status; /* 0 when no answer came */
	long retry_after; /* seconds the provider asked to wait, or 0 */
	char error[TICK_AI_MAX_REASON]; /* why, when not done */
};

/* The model the configuration names for provider p ("" for none).
 * Borrowed from cfg. */
const char *
tick_ai_model(const struct tick_config *cfg, enum tick_ai_provider p);

/*
 * Asks provider p about text (UTF-8, never the customer's number or name)
 * within MODERATION_TIMEOUT_MS, and fills r. TICK_OK whenever r says what
 * happened (r->outcome); TICK_ENOMEM or TICK_EINVAL (p is none) otherwise.
 */
enum tick_err tick_ai_check_text(const struct tick_config *cfg,
    enum tick_ai_provider p, const char *text, struct tick_ai_result *r);

#endif
