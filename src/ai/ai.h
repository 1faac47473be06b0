/*
 * tick: AI safety checks (issue 17), the wire formats. Builds the request
 * bodies tick sends to Google's Gemini API and to OpenRouter, and reads
 * their answers into a verdict checked against the schema tick asked for.
 * No I/O, no globals: unit tests and fuzzers drive these directly. The
 * calls themselves are in provider.c.
 */
#ifndef TICK_AI_H
#define TICK_AI_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

enum tick_ai_provider {
	TICK_AI_NONE,
	TICK_AI_GEMINI,
	TICK_AI_OPENROUTER,
	TICK_AI__MAX
};

/* What a message is checked for, in the order of the schema. */
enum tick_ai_category {
	TICK_AI_HARASSMENT,
	TICK_AI_HATE,
	TICK_AI_SEXUAL,
	TICK_AI_VIOLENCE,
	TICK_AI_SELF_HARM,
	TICK_AI_DANGEROUS,
	TICK_AI_PERSONAL_DATA,
	TICK_AI_CAT__MAX
};

/* The longest text sent to a provider, in characters (cut on a character
 * boundary), and the largest answer read, in bytes. */
#define TICK_AI_MAX_TEXT 4096
#define TICK_AI_MAX_ANSWER (256 * 1024)
/* The longest block or error reason kept (bytes, NUL included). */
#define TICK_AI_MAX_REASON 256

/* A checked answer. */
struct tick_ai_verdict {
	int flagged;
	/* Set when the provider itself refused the text for safety (Gemini's
	 * promptFeedback.blockReason or finishReason SAFETY, OpenRouter's
	 * finish_reason content_filter): flagged, with no scores. */
	int blocked;
	char block_reason[TICK_AI_MAX_REASON];
	int has_scores;
	double score[TICK_AI_CAT__MAX]; /* 0..1 */
	/* The suggested classification of a safety report, keys of
	 * base/report's vocabularies; has_suggestion 0 when the model gave
	 * none (null or absent). */
	int has_suggestion;
	char life_saving_rule[64];
	char observation_type[64];
	char severity[16];
	double confidence; /* 0..1 */
};

/* The provider named by MODERATION_PROVIDER's value; TICK_AI_NONE for
 * "none", NULL or anything else. */
enum tick_ai_provider tick_ai_provider_from(const char *name);
/* "gemini", "openrouter" or "none". */
const char *tick_ai_provider_name(enum tick_ai_provider p);
/* The key of a category ("harassment", ..., "personal_data"). */
const char *tick_ai_category_name(enum tick_ai_category c);

/*
 * The instruction and the JSON schema of the answer. The text to check is
 * sent as a separate part, never inside the instruction. Each returns a new
 * string (free() it) or NULL when out of memory. text is UTF-8, cut to
 * TICK_AI_MAX_TEXT characters.
 */
char *tick_ai_gemini_request(const char *text);
char *tick_ai_openrouter_request(const char *model, const char *text);

/*
 * The same for a customer's photo (data, len bytes of type mime): Gemini's
 * inline_data with the base64 bytes and the mime type, OpenRouter's
 * image_url part with a data: URL. NULL when out of memory or mime is not
 * a photo a provider takes (tick_ai_image_mime_ok()).
 */
int tick_ai_image_mime_ok(const char *mime);
char *
tick_ai_gemini_image_request(const char *mime, const void *data, size_t len);
char *tick_ai_openrouter_image_request(const char *model, const char *mime,
    const void *data, size_t len);

/*
 * Reads the model's own answer text (the JSON object tick asked for) into
 * v. TICK_EINVAL, with err saying what was wrong, when it is not exactly
 * that object: not JSON, a missing or mistyped field, a score out of 0..1,
 * a suggestion outside base/report's vocabularies. Never guesses.
 */
enum tick_err tick_ai_parse_verdict(const char *text, size_t len,
    struct tick_ai_verdict *v, char *err, size_t errsz);

/*
 * Reads a provider's HTTP 200 body (len bytes, need not be NUL-terminated)
 * into v: a safety block is a flagged verdict; otherwise the model's text
 * through tick_ai_parse_verdict(). TICK_EINVAL with err when the body or
 * the model's text is malformed or carries no answer.
 */
enum tick_err tick_ai_parse_gemini(const char *body, size_t len,
    struct tick_ai_verdict *v, char *err, size_t errsz);
enum tick_err tick_ai_parse_openrouter(const char *body, size_t len,
    struct tick_ai_verdict *v, char *err, size_t errsz);

/* The verdict's categories as {"harassment": score, ...} ({} when it has
 * no scores), and its suggestion as {life_saving_rule, observation_type,
 * severity, confidence} or NULL when none. New references (or NULL when out
 * of memory, or for no suggestion). */
json_t *tick_ai_categories_json(const struct tick_ai_verdict *v);
json_t *tick_ai_suggestion_json(const struct tick_ai_verdict *v);

/*
 * Agent assistance (issue 17): on an agent's request, never sent by
 * itself. What the model sees is a conversation of roles and texts, never
 * who the customer is.
 */
enum tick_ai_assist_kind {
	TICK_AI_SUMMARY,   /* a summary of the conversation */
	TICK_AI_REPLY,     /* a draft of the agent's next reply */
	TICK_AI_TRANSLATE, /* a translation of the conversation's last turn */
	TICK_AI_ASSIST__MAX
};

/* Who wrote a turn. */
enum tick_ai_role { TICK_AI_CUSTOMER, TICK_AI_AGENT };

/* One turn: borrowed text (UTF-8). */
struct tick_ai_turn {
	enum tick_ai_role role;
	const char *text;
};

/* The longest assistant's answer accepted, in characters. */
#define TICK_AI_MAX_ASSIST_TEXT 8000
/* The longest target language named ("Spanish", "pt-BR"), in characters. */
#define TICK_AI_MAX_LANGUAGE 40

/* "summary", "reply", "translate"; the kind of a name, or -1. */
const char *tick_ai_assist_kind_name(enum tick_ai_assist_kind k);
int tick_ai_assist_kind_from(const char *name);

/* True when s is a language name the instruction may carry: 1..
 * TICK_AI_MAX_LANGUAGE characters of letters (any script), spaces, '-'
 * and '_', starting with a letter. Nothing else reaches the prompt. */
int tick_ai_language_ok(const char *s);

/*
 * The conversation sent: [{"role": "customer"|"agent", "text"}], the
 * newest turns whose texts fit budget characters in all (the oldest are
 * dropped first; a newest turn alone over the budget keeps its first
 * budget characters, cut on a character boundary). Empty texts are
 * skipped. A new reference, or NULL when out of memory.
 */
json_t *
tick_ai_conversation(const struct tick_ai_turn *turns, size_t n, size_t budget);

/*
 * A copy of text with every occurrence of each of the n needles (at least
 * 3 bytes long; shorter ones are ignored) replaced by its mask ("[name]",
 * "[phone]"), ASCII letters compared without case. A new string (free()
 * it) or NULL when out of memory.
 */
char *tick_ai_redact(const char *text, const char *const *needles,
    const char *const *masks, size_t n);

/*
 * The request body for kind over conversation (from
 * tick_ai_conversation()), the answer asked in language, or in the
 * customer's own language when language is NULL. For TICK_AI_TRANSLATE
 * the last turn is the one translated. A new string (free() it) or NULL
 * when out of memory.
 */
char *tick_ai_assist_request(enum tick_ai_provider p, const char *model,
    enum tick_ai_assist_kind kind, const json_t *conversation,
    const char *language);

/*
 * Reads provider p's HTTP 200 body (len bytes) for kind into *text (a new
 * string, free() it): the model's JSON must be exactly the object asked
 * for, its one member a non-empty valid UTF-8 string of at most
 * TICK_AI_MAX_ASSIST_TEXT characters. A safety block, a malformed or
 * partial answer is TICK_EINVAL with err saying what; *text is then NULL.
 */
enum tick_err
tick_ai_parse_assist(enum tick_ai_provider p, enum tick_ai_assist_kind kind,
    const char *body, size_t len, char **text, char *err, size_t errsz);

#endif
