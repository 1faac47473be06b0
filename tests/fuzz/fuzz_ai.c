/* libFuzzer: AI providers' answers (Gemini, OpenRouter) and the model's
 * verdict JSON, and the assistants' answers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ai.h"
#include "report.h"
#include "valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An accepted verdict is one tick asked for: scores in 0..1, a suggestion
 * from the vocabularies, and a block always flagged. */
static void
check(const struct tick_ai_verdict *v)
{
	for (int i = 0; i < TICK_AI_CAT__MAX; i++)
		if (!(v->score[i] >= 0 && v->score[i] <= 1))
			__builtin_trap();
	if (v->blocked && !v->flagged)
		__builtin_trap();
	if (v->has_suggestion &&
	    (tick_report_find(TICK_REPORT_CATEGORY, v->life_saving_rule) ==
	            NULL ||
	        tick_report_find(TICK_REPORT_SEVERITY, v->severity) == NULL ||
	        tick_report_find(TICK_REPORT_OBSERVATION,
	            v->observation_type) == NULL ||
	        !(v->confidence >= 0 && v->confidence <= 1)))
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tick_ai_verdict v;
	char err[256];

	if (tick_ai_parse_verdict((const char *)data, size, &v, err,
	        sizeof(err)) == TICK_OK)
		check(&v);
	else if (v.flagged || v.has_suggestion)
		__builtin_trap(); /* a refused answer leaves nothing behind */
	if (tick_ai_parse_gemini((const char *)data, size, &v, err,
	        sizeof(err)) == TICK_OK)
		check(&v);
	if (tick_ai_parse_openrouter((const char *)data, size, &v, err,
	        sizeof(err)) == TICK_OK)
		check(&v);
	/* An assistant's answer: a non-empty text with no NUL, or nothing. */
	for (int p = TICK_AI_GEMINI; p <= TICK_AI_OPENROUTER; p++)
		for (int k = 0; k < TICK_AI_ASSIST__MAX; k++) {
			char *text = (char *)1;
			enum tick_err rc =
			    tick_ai_parse_assist((enum tick_ai_provider)p,
			        (enum tick_ai_assist_kind)k, (const char *)data,
			        size, &text, err, sizeof(err));

			if (rc == TICK_OK ? text == NULL || text[0] == '\0' ||
			            !tick_valid_utf8(text, strlen(text)) :
			                    text != NULL)
				__builtin_trap();
			free(text);
		}
	return 0;
}
