#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ai.h"
#include "cu.h"

#define CATS                                                                  \
	"\"categories\":{\"harassment\":0.9,\"hate\":0,\"sexual\":0,"         \
	"\"violence\":0.1,\"self_harm\":0,\"dangerous\":0,\"personal_data\":" \
	"1}"

static void
test_verdict_ok(void)
{
	static const char clean[] = "{\"flagged\":false," CATS
	                            ",\"suggestion\":null}";
	static const char sug[] =
	    "{\"flagged\":true," CATS ",\"suggestion\":{\"life_saving_rule\":"
	    "\"line_of_fire\",\"observation_type\":\"near_miss\",\"severity\":"
	    "\"high\",\"confidence\":0.8}}";
	struct tick_ai_verdict v;
	char err[256];

	CU_ASSERT_EQUAL(tick_ai_parse_verdict(clean, strlen(clean), &v, err,
	                    sizeof(err)),
	    TICK_OK);
	CU_ASSERT_FALSE(v.flagged);
	CU_ASSERT_TRUE(v.has_scores);
	CU_ASSERT_FALSE(v.has_suggestion);
	CU_ASSERT_DOUBLE_EQUAL(v.score[TICK_AI_HARASSMENT], 0.9, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(v.score[TICK_AI_PERSONAL_DATA], 1, 1e-9);
	CU_ASSERT_EQUAL(tick_ai_parse_verdict(sug, strlen(sug), &v, err,
	                    sizeof(err)),
	    TICK_OK);
	CU_ASSERT_TRUE(v.flagged);
	CU_ASSERT_TRUE(v.has_suggestion);
	CU_STR_EQ(v.life_saving_rule, "line_of_fire");
	CU_STR_EQ(v.observation_type, "near_miss");
	CU_STR_EQ(v.severity, "high");
	CU_ASSERT_DOUBLE_EQUAL(v.confidence, 0.8, 1e-9);
}

/* Each malformed or partial answer is refused, never guessed at. */
static void
test_verdict_bad(void)
{
	static const char *const bad[] = {
		"",
		"{",
		"[]",
		"null",
		"{\"flagged\":true}",
		"{\"flagged\":\"yes\"," CATS "}",
		"{\"flagged\":true,\"categories\":{\"harassment\":0.5}}",
		"{\"flagged\":true,\"categories\":{\"harassment\":1.5,\"hate\":0,"
		"\"sexual\":0,\"violence\":0,\"self_harm\":0,\"dangerous\":0,"
		"\"personal_data\":0}}",
		"{\"flagged\":true,\"categories\":{\"harassment\":-0.1,\"hate\":"
		"0,\"sexual\":0,\"violence\":0,\"self_harm\":0,\"dangerous\":0,"
		"\"personal_data\":0}}",
		"{\"flagged\":false," CATS ",\"suggestion\":\"line_of_fire\"}",
		"{\"flagged\":false," CATS
		",\"suggestion\":{\"life_saving_rule\":"
		"\"fire\",\"observation_type\":\"near_miss\",\"severity\":\"high\","
		"\"confidence\":0.8}}",
		"{\"flagged\":false," CATS
		",\"suggestion\":{\"life_saving_rule\":"
		"\"line_of_fire\",\"observation_type\":\"near_miss\",\"severity\":"
		"\"urgent\",\"confidence\":0.8}}",
		"{\"flagged\":false," CATS
		",\"suggestion\":{\"life_saving_rule\":"
		"\"line_of_fire\",\"observation_type\":\"near_miss\",\"severity\":"
		"\"high\"}}",
		"{\"flagged\":false,\"flagged\":true," CATS "}",
		"{\"flagged\":false," CATS "",
	};
	struct tick_ai_verdict v;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (tick_ai_parse_verdict(bad[i], strlen(bad[i]), &v, err,
		        sizeof(err)) != TICK_EINVAL)
			fprintf(stderr, "case %zu accepted\n", i);
		CU_ASSERT_EQUAL(tick_ai_parse_verdict(bad[i], strlen(bad[i]),
		                    &v, err, sizeof(err)),
		    TICK_EINVAL);
		CU_ASSERT_TRUE(err[0] != '\0');
		CU_ASSERT_FALSE(v.flagged);
	}
}

static void
test_gemini(void)
{
	static const char ok[] =
	    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"{\\\"flagged"
	    "\\\":true,\\\"categories\\\":{\\\"harassment\\\":0.9,\\\"hate\\\":0,"
	    "\\\"sexual\\\":0,\\\"violence\\\":0,\\\"self_harm\\\":0,\\\"dangerous"
	    "\\\":0,\\\"personal_data\\\":0}}\"}],\"role\":\"model\"},"
	    "\"finishReason\":\"STOP\"}]}";
	static const char prompt_block[] =
	    "{\"promptFeedback\":{\"blockReason\":\"SAFETY\",\"safetyRatings\":"
	    "[]}}";
	static const char finish_safety[] =
	    "{\"candidates\":[{\"finishReason\":\"SAFETY\",\"safetyRatings\":"
	    "[{\"category\":\"HARM_CATEGORY_HARASSMENT\",\"probability\":"
	    "\"HIGH\"}]}]}";
	static const char *const bad[] = {
		"{}",
		"{\"candidates\":[]}",
		"{\"candidates\":[{\"content\":{\"parts\":[]},\"finishReason\":"
		"\"STOP\"}]}",
		"{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"{\\\"flag"
		"\"}]},\"finishReason\":\"MAX_TOKENS\"}]}",
		"{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"not json\"}"
		"]},\"finishReason\":\"STOP\"}]}",
		"{\"candidates\":[{\"finishReason\":\"RECITATION\"}]}",
		"<html>",
	};
	struct tick_ai_verdict v;
	char err[256];

	CU_ASSERT_EQUAL(tick_ai_parse_gemini(ok, strlen(ok), &v, err,
	                    sizeof(err)),
	    TICK_OK);
	CU_ASSERT_TRUE(v.flagged);
	CU_ASSERT_FALSE(v.blocked);
	CU_ASSERT_EQUAL(tick_ai_parse_gemini(prompt_block, strlen(prompt_block),
	                    &v, err, sizeof(err)),
	    TICK_OK);
	CU_ASSERT_TRUE(v.flagged);
	CU_ASSERT_TRUE(v.blocked);
	CU_ASSERT_PTR_NOT_NULL(strstr(v.block_reason, "SAFETY"));
	CU_ASSERT_EQUAL(tick_ai_parse_gemini(finish_safety,
	                    strlen(finish_safety), &v, err, sizeof(err)),
	    TICK_OK);
	CU_ASSERT_TRUE(v.flagged && v.blocked);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(tick_ai_parse_gemini(bad[i], strlen(bad[i]), &v,
		                    err, sizeof(err)),
		    TICK_EINVAL);
}

static void
test_openrouter(void)
{
	static const char ok[] =
	    "{\"id\":\"gen-1\",\"choices\":[{\"finish_reason\":\"stop\","
	    "\"message\":{\"role\":\"assistant\",\"content\":\"{\\\"flagged\\\":"
	    "false,\\\"categories\\\":{\\\"harassment\\\":0,\\\"hate\\\":0,"
	    "\\\"sexual\\\":0,\\\"violence\\\":0,\\\"self_harm\\\":0,\\\"dangerous"
	    "\\\":0,\\\"personal_data\\\":0},\\\"suggestion\\\":null}\"}}]}";
	static const char filtered[] =
	    "{\"choices\":[{\"finish_reason\":\"content_filter\",\"message\":"
	    "{\"content\":null}}]}";
	static const char *const bad[] = {
		"{\"error\":{\"code\":402,\"message\":\"Insufficient credits\"}}",
		"{\"choices\":[]}",
		"{\"choices\":[{\"message\":{\"content\":\"{\\\"flagged\\\":\"}}]}",
		"{\"choices\":[{\"message\":{}}]}",
		"",
	};
	struct tick_ai_verdict v;
	char err[256];

	CU_ASSERT_EQUAL(tick_ai_parse_openrouter(ok, strlen(ok), &v, err,
	                    sizeof(err)),
	    TICK_OK);
	CU_ASSERT_FALSE(v.flagged);
	CU_ASSERT_EQUAL(tick_ai_parse_openrouter(filtered, strlen(filtered), &v,
	                    err, sizeof(err)),
	    TICK_OK);
	CU_ASSERT_TRUE(v.flagged && v.blocked);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(tick_ai_parse_openrouter(bad[i], strlen(bad[i]),
		                    &v, err, sizeof(err)),
		    TICK_EINVAL);
}

/* The requests carry the text as its own part, cut to the limit, and the
 * schema with the report vocabularies. */
static void
test_requests(void)
{
	char *long_text = malloc(3 * TICK_AI_MAX_TEXT + 2), *g, *o;
	json_t *j;
	const char *t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(long_text);
	/* "é" (2 bytes) repeated: a cut must fall between characters. */
	for (size_t i = 0; i < TICK_AI_MAX_TEXT + 1; i++)
		memcpy(long_text + 2 * i, "\xc3\xa9", 2);
	long_text[2 * (TICK_AI_MAX_TEXT + 1)] = '\0';
	g = tick_ai_gemini_request(long_text);
	o = tick_ai_openrouter_request("m/x", "hola");
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	j = json_loads(g, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	t = json_string_value(json_object_get(
	    json_array_get(json_object_get(json_array_get(json_object_get(j,
	                                                      "contents"),
	                                       0),
	                       "parts"),
	        0),
	    "text"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(strlen(t), 2 * TICK_AI_MAX_TEXT);
	CU_STR_EQ(json_string_value(
	              json_object_get(json_object_get(j, "generationConfig"),
	                  "responseMimeType")),
	    "application/json");
	CU_ASSERT_PTR_NOT_NULL(strstr(g, "line_of_fire"));
	json_decref(j);
	j = json_loads(o, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_STR_EQ(json_string_value(json_object_get(j, "model")), "m/x");
	CU_STR_EQ(json_string_value(
	              json_object_get(json_object_get(j, "response_format"),
	                  "type")),
	    "json_schema");
	json_decref(j);
	free(g);
	free(o);
	free(long_text);
	CU_ASSERT_EQUAL(tick_ai_provider_from("gemini"), TICK_AI_GEMINI);
	CU_ASSERT_EQUAL(tick_ai_provider_from("openrouter"),
	    TICK_AI_OPENROUTER);
	CU_ASSERT_EQUAL(tick_ai_provider_from("x"), TICK_AI_NONE);
	CU_ASSERT_EQUAL(tick_ai_provider_from(NULL), TICK_AI_NONE);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "verdict", test_verdict_ok },
		{ "verdict_bad", test_verdict_bad },
		{ "gemini", test_gemini },
		{ "openrouter", test_openrouter },
		{ "requests", test_requests },
		{ NULL, NULL },
	};
	return cu_run("ai", tests);
}
