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
	int timed_out;    /* no answer within MODERATION_TIMEOUT_MS */
	int unconfigured; /* no key, or not a model name: nothing was sent */
	/* An assistant's answer when TICK_AI_DONE (tick_ai_assist()): a new
	 * string, free() it; NULL otherwise. */
	char *text;
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

/* The same for a customer's photo (data, len bytes of type mime, one
 * tick_ai_image_mime_ok() accepts); TICK_EINVAL for another type. */
enum tick_err
tick_ai_check_image(const struct tick_config *cfg, enum tick_ai_provider p,
    const char *mime, const void *data, size_t len, struct tick_ai_result *r);

/*
 * Asks provider p for assistance of kind over conversation (from
 * tick_ai_conversation(): roles and texts, never the customer's number or
 * name), the answer in language (NULL: the customer's own), within
 * MODERATION_TIMEOUT_MS, and fills r (r->text when done). TICK_OK whenever
 * r says what happened; TICK_ENOMEM, or TICK_EINVAL (p is none, a bad
 * kind or language) otherwise.
 */
enum tick_err tick_ai_assist(const struct tick_config *cfg,
    enum tick_ai_provider p, enum tick_ai_assist_kind kind,
    const json_t *conversation, const char *language, struct tick_ai_result *r);

#endif
