/*
 * tick: agent assistance (issue 17): a summary of a ticket's conversation,
 * a draft of the agent's next reply, a translation of one of its messages,
 * asked of the moderation provider (ai/provider) on an agent's request and
 * answered synchronously within MODERATION_TIMEOUT_MS. Nothing is sent to
 * the customer and nothing is stored but the audit entry the caller makes.
 * The customer's number and name never reach the provider: the
 * conversation goes as roles and texts, those masked in the texts.
 */
#ifndef TICK_CORE_ASSIST_H
#define TICK_CORE_ASSIST_H

#include "ai.h"
#include "err.h"
#include "provider.h"

struct tick_app;

/* What an agent asked. */
struct tick_assist_ask {
	enum tick_ai_assist_kind kind;
	/* TICK_AI_TRANSLATE: the WhatsApp message (timeline[].whatsapp.id)
	 * to translate; 0 otherwise. */
	long long message_id;
	/* The target language, or NULL: ASSIST_LANGUAGE for a summary and
	 * for a customer's message, the customer's own for a draft reply and
	 * for an agent's message. */
	const char *language;
};

/* What came back. */
struct tick_assist_answer {
	enum tick_ai_provider provider;
	const char *model; /* borrowed from the configuration */
	/* The language the answer was asked in, or "" for the customer's. */
	char language[TICK_AI_MAX_LANGUAGE * 4 + 1];
	struct tick_ai_result result; /* result.text when done: free() it */
};

/*
 * Asks for ask on ticket_id (its visibility already checked by the
 * caller) and fills out (out->result says how the provider answered).
 * TICK_OK whenever out->result says what happened; TICK_ECONFLICT when
 * MODERATION_PROVIDER is none or the ticket is an anonymous report that
 * MODERATION_ANONYMOUS=off keeps home; TICK_ENOTFOUND when ask->message_id
 * is not a message of the ticket with text, or the conversation has no
 * text; TICK_ECONFIG when ASSIST_LANGUAGE is no language name; TICK_EDB,
 * TICK_ENOMEM.
 */
enum tick_err tick_assist(struct tick_app *app, long long ticket_id,
    const struct tick_assist_ask *ask, struct tick_assist_answer *out);

/* Frees what out holds (not out itself). */
void tick_assist_answer_clear(struct tick_assist_answer *out);

#endif
