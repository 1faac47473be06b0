#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app.h"
#include "assist.h"
#include "config.h"
#include "moderations.h"
#include "tickets.h"

/* What is masked in the texts sent. */
static const char *const masks[] = { "[name]", "[phone]", "[name]", "[phone]" };

/* The turns of timeline tl that carry text, after the form's description
 * (form; NULL for none), redacted (texts owned by the caller, n of them).
 * A customer's message and an agent's reply are turns; tick's own
 * messages and internal notes are not. When message_id is not 0, *at is
 * the index of that message's turn (or -1). */
static enum tick_err
turns_of(const json_t *tl, const char *form,
    const struct tick_moderation_identity *who, long long message_id,
    struct tick_ai_turn **turns, size_t *n, long long *at)
{
	const char *needles[4] = { who->name, who->mobile, who->profile_name,
		who->wa_id };
	size_t i, cap = json_array_size(tl);
	const json_t *it;

	*n = 0;
	*at = -1;
	if ((*turns = calloc(cap + 2, sizeof(**turns))) == NULL)
		return TICK_ENOMEM;
	/* A ticket from the form: its description is the customer's first
	 * word (the timeline holds only what came after). */
	if (form != NULL && *form != '\0') {
		char *t = tick_ai_redact(form, needles, masks, 4);

		if (t == NULL)
			return TICK_ENOMEM;
		(*turns)[*n].role = TICK_AI_CUSTOMER;
		(*turns)[(*n)++].text = t;
	}
	json_array_foreach (tl, i, it) {
		const char *kind = json_string_value(
		    json_object_get(it, "kind"));
		const char *author = json_string_value(
		    json_object_get(it, "author"));
		const char *text = json_string_value(
		    json_object_get(it, "text"));
		json_t *wa = json_object_get(it, "whatsapp");
		enum tick_ai_role role;
		char *t;

		if (kind == NULL || author == NULL || text == NULL ||
		    *text == '\0')
			continue;
		if (strcmp(author, "customer") == 0)
			role = TICK_AI_CUSTOMER;
		else if (strcmp(kind, "reply") == 0)
			role = TICK_AI_AGENT;
		else
			continue; /* notes and tick's own messages */
		if ((t = tick_ai_redact(text, needles, masks, 4)) == NULL)
			return TICK_ENOMEM;
		if (message_id != 0 &&
		    json_integer_value(json_object_get(wa, "id")) ==
		        (json_int_t)message_id)
			*at = (long long)*n;
		(*turns)[*n].role = role;
		(*turns)[(*n)++].text = t;
	}
	return TICK_OK;
}

static void
turns_free(struct tick_ai_turn *turns, size_t n)
{
	for (size_t i = 0; turns != NULL && i < n; i++)
		free((char *)turns[i].text);
	free(turns);
}

enum tick_err
tick_assist(struct tick_app *app, long long ticket_id,
    const struct tick_assist_ask *ask, struct tick_assist_answer *out)
{
	enum tick_ai_provider p = tick_ai_provider_from(
	    tick_config_get(&app->cfg, TICK_CFG_MODERATION_PROVIDER));
	const char *anon = tick_config_get(&app->cfg,
	    TICK_CFG_MODERATION_ANONYMOUS);
	const char *desk = tick_config_get(&app->cfg, TICK_CFG_ASSIST_LANGUAGE);
	size_t budget = (size_t)tick_config_num(&app->cfg,
	    TICK_CFG_ASSIST_MAX_CHARS);
	struct tick_timeline_page page = { TICK_TIMELINE_MAX, 0, 0 };
	struct tick_moderation_identity *who = NULL;
	struct tick_ai_turn *turns = NULL, *sel = NULL;
	const char *language = ask->language, *source;
	json_t *t = NULL, *conv = NULL;
	size_t n = 0, k = 0;
	long long at = -1;
	enum tick_err rc;

	memset(out, 0, sizeof(*out));
	out->provider = p;
	out->model = tick_ai_model(&app->cfg, p);
	if (p == TICK_AI_NONE)
		return TICK_ECONFLICT;
	if (desk == NULL || !tick_ai_language_ok(desk))
		return TICK_ECONFIG;
	if ((who = calloc(1, sizeof(*who))) == NULL)
		return TICK_ENOMEM;
	if ((rc = tick_moderation_identity(app->db, ticket_id, who)) != TICK_OK)
		goto out;
	/* An anonymous report stays home when told so, as for its checks. */
	if (who->anonymous && anon != NULL && strcmp(anon, "off") == 0) {
		rc = TICK_ECONFLICT;
		goto out;
	}
	if ((t = tick_ticket_json_page(app->db, ticket_id, &page, &rc)) == NULL)
		goto out;
	source = json_string_value(json_object_get(t, "source"));
	if ((rc = turns_of(json_object_get(t, "timeline"),
	         source != NULL && strcmp(source, "whatsapp") != 0 ?
	             json_string_value(json_object_get(t, "description")) :
	             NULL,
	         who, ask->kind == TICK_AI_TRANSLATE ? ask->message_id : 0,
	         &turns, &n, &at)) != TICK_OK)
		goto out;
	/* The turns sent (borrowed from turns). */
	if ((sel = calloc(n + 1, sizeof(*sel))) == NULL) {
		rc = TICK_ENOMEM;
		goto out;
	}
	if (ask->kind == TICK_AI_TRANSLATE) {
		if (at < 0) {
			rc = TICK_ENOTFOUND;
			goto out;
		}
		if (language == NULL && turns[at].role == TICK_AI_CUSTOMER)
			language = desk;
		/* A message into a named language goes alone; an agent's
		 * into the customer's own goes after the customer's turns
		 * before it, which say what that language is. */
		if (language == NULL)
			for (long long i = 0; i < at; i++)
				if (turns[i].role == TICK_AI_CUSTOMER)
					sel[k++] = turns[i];
		sel[k++] = turns[at];
	} else {
		if (language == NULL && ask->kind == TICK_AI_SUMMARY)
			language = desk;
		for (size_t i = 0; i < n; i++)
			sel[k++] = turns[i];
	}
	if ((conv = tick_ai_conversation(sel, k, budget)) == NULL) {
		rc = TICK_ENOMEM;
		goto out;
	}
	if (json_array_size(conv) == 0) {
		rc = TICK_ENOTFOUND;
		goto out;
	}
	if (language != NULL)
		snprintf(out->language, sizeof(out->language), "%s", language);
	rc = tick_ai_assist(&app->cfg, p, ask->kind, conv, language,
	    &out->result);
out:
	json_decref(conv);
	json_decref(t);
	free(sel);
	turns_free(turns, n);
	free(who);
	return rc;
}

void
tick_assist_answer_clear(struct tick_assist_answer *out)
{
	free(out->result.text);
	out->result.text = NULL;
}
