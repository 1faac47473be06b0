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

/* A Gemini envelope around the model's text t (already JSON-escaped). */
#define GEM(t)                                                                \
	"{\"candidates\":[{\"finishReason\":\"STOP\",\"content\":{\"parts\":" \
	"[{\"text\":\"" t "\"}]}}]}"
#define ORT(t) "{\"choices\":[{\"message\":{\"content\":\"" t "\"}}]}"

/* An assistant's answer is exactly the one member asked for. */
static void
test_assist_answers(void)
{
	static const struct {
		enum tick_ai_provider p;
		enum tick_ai_assist_kind k;
		const char *body;
		const char *want; /* NULL: refused */
	} cases[] = {
		{ TICK_AI_GEMINI, TICK_AI_SUMMARY,
		    GEM("{\\\"summary\\\":\\\" The printer is broken.\\\"}"),
		    "The printer is broken." },
		{ TICK_AI_OPENROUTER, TICK_AI_REPLY,
		    ORT("{\\\"reply\\\":\\\"Gracias\\\"}"), "Gracias" },
		{ TICK_AI_OPENROUTER, TICK_AI_TRANSLATE,
		    ORT("{\\\"translation\\\":\\\"Second floor\\\"}"),
		    "Second floor" },
		/* The wrong member, more members, an empty text, not a
		 * string, broken or partial JSON, a duplicate key, an
		 * embedded NUL, a safety block, nothing. */
		{ TICK_AI_GEMINI, TICK_AI_SUMMARY,
		    GEM("{\\\"reply\\\":\\\"x\\\"}"), NULL },
		{ TICK_AI_GEMINI, TICK_AI_SUMMARY,
		    GEM("{\\\"summary\\\":\\\"x\\\",\\\"more\\\":1}"), NULL },
		{ TICK_AI_GEMINI, TICK_AI_SUMMARY,
		    GEM("{\\\"summary\\\":\\\" \\\\n \\\"}"), NULL },
		{ TICK_AI_GEMINI, TICK_AI_SUMMARY, GEM("{\\\"summary\\\":3}"),
		    NULL },
		{ TICK_AI_GEMINI, TICK_AI_SUMMARY,
		    GEM("{\\\"summary\\\":\\\"x"), NULL },
		{ TICK_AI_GEMINI, TICK_AI_SUMMARY,
		    GEM("{\\\"summary\\\":\\\"x\\\",\\\"summary\\\":\\\"y\\\"}"),
		    NULL },
		{ TICK_AI_GEMINI, TICK_AI_SUMMARY,
		    GEM("{\\\"summary\\\":\\\"a\\\\u0000b\\\"}"), NULL },
		{ TICK_AI_GEMINI, TICK_AI_REPLY,
		    "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}", NULL },
		{ TICK_AI_OPENROUTER, TICK_AI_REPLY,
		    "{\"choices\":[{\"finish_reason\":\"content_filter\","
		    "\"message\":{\"content\":null}}]}",
		    NULL },
		{ TICK_AI_OPENROUTER, TICK_AI_REPLY, "", NULL },
		{ TICK_AI_OPENROUTER, TICK_AI_REPLY, "[]", NULL },
	};
	char err[256], *text;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum tick_err rc = tick_ai_parse_assist(cases[i].p, cases[i].k,
		    cases[i].body, strlen(cases[i].body), &text, err,
		    sizeof(err));

		if (cases[i].want == NULL) {
			CU_ASSERT_EQUAL(rc, TICK_EINVAL);
			CU_ASSERT_PTR_NULL(text);
			CU_ASSERT_NOT_EQUAL(err[0], '\0');
		} else {
			CU_ASSERT_EQUAL_FATAL(rc, TICK_OK);
			CU_STR_EQ(text, cases[i].want);
			free(text);
		}
	}
}

/* The conversation keeps the newest turns within the budget, cut on
 * character boundaries; masks hide the customer's name and number. */
static void
test_assist_conversation(void)
{
	static const char *const names[] = { "Ana Ruiz", "34612345678", "ab" };
	static const char *const masks[] = { "[name]", "[phone]", "[x]" };
	const struct tick_ai_turn turns[] = {
		{ TICK_AI_CUSTOMER, "old old old" },
		{ TICK_AI_AGENT, "" },
		{ TICK_AI_AGENT, "hello" },
		{ TICK_AI_CUSTOMER, "\xc3\xa9\xc3\xa9\xc3\xa9" },
	};
	json_t *c;
	char *r;

	c = tick_ai_conversation(turns, 4, 8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(json_array_size(c), 2);
	CU_STR_EQ(json_string_value(
	              json_object_get(json_array_get(c, 0), "role")),
	    "agent");
	CU_STR_EQ(json_string_value(
	              json_object_get(json_array_get(c, 1), "text")),
	    "\xc3\xa9\xc3\xa9\xc3\xa9");
	json_decref(c);
	/* One turn over the budget keeps its first characters, whole. */
	c = tick_ai_conversation(turns + 3, 1, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_STR_EQ(json_string_value(
	              json_object_get(json_array_get(c, 0), "text")),
	    "\xc3\xa9\xc3\xa9");
	json_decref(c);
	c = tick_ai_conversation(turns, 0, 10);
	CU_ASSERT_EQUAL(json_array_size(c), 0);
	json_decref(c);
	r = tick_ai_redact("I am ANA RUIZ, +34612345678; ab", names, masks, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_STR_EQ(r, "I am [name], +[phone]; ab");
	free(r);
	r = tick_ai_redact("", names, masks, 3);
	CU_STR_EQ(r, "");
	free(r);
	/* Masks longer than what they hide. */
	{
		static const char *const n1[] = { "abc" };
		static const char *const m1[] = { "[a long mask]" };

		r = tick_ai_redact("abcabcabcabc", n1, m1, 1);
		CU_STR_EQ(r,
		    "[a long mask][a long mask][a long mask][a long mask]");
		free(r);
	}
}

static void
test_assist_language_and_request(void)
{
	const struct tick_ai_turn t[] = { { TICK_AI_CUSTOMER, "hola" } };
	json_t *c = tick_ai_conversation(t, 1, 100), *j;
	char *g, *o;

	CU_ASSERT_TRUE(tick_ai_language_ok("Spanish"));
	CU_ASSERT_TRUE(tick_ai_language_ok("pt-BR"));
	CU_ASSERT_TRUE(tick_ai_language_ok("Espa\xc3\xb1ol"));
	CU_ASSERT_FALSE(tick_ai_language_ok(""));
	CU_ASSERT_FALSE(tick_ai_language_ok(NULL));
	CU_ASSERT_FALSE(tick_ai_language_ok("-en"));
	CU_ASSERT_FALSE(tick_ai_language_ok("English. Ignore that"));
	CU_ASSERT_FALSE(tick_ai_language_ok("en\n"));
	CU_ASSERT_FALSE(tick_ai_language_ok("\xff"));
	CU_ASSERT_FALSE(
	    tick_ai_language_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	CU_ASSERT_EQUAL(tick_ai_assist_kind_from("summary"), TICK_AI_SUMMARY);
	CU_ASSERT_EQUAL(tick_ai_assist_kind_from("translate"),
	    TICK_AI_TRANSLATE);
	CU_ASSERT_EQUAL(tick_ai_assist_kind_from("Summary"), -1);
	CU_ASSERT_PTR_NULL(tick_ai_assist_request(TICK_AI_GEMINI, "m",
	    TICK_AI_SUMMARY, c, "English. Ignore"));
	CU_ASSERT_PTR_NULL(tick_ai_assist_request(TICK_AI_NONE, "m",
	    TICK_AI_SUMMARY, c, NULL));
	g = tick_ai_assist_request(TICK_AI_GEMINI, "m", TICK_AI_SUMMARY, c,
	    "English");
	o = tick_ai_assist_request(TICK_AI_OPENROUTER, "m/x", TICK_AI_REPLY, c,
	    NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	j = json_loads(g, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_STR_EQ(
	    json_string_value(json_object_get(
	        json_array_get(json_object_get(json_array_get(json_object_get(j,
	                                                          "contents"),
	                                           0),
	                           "parts"),
	            0),
	        "text")),
	    "[{\"role\":\"customer\",\"text\":\"hola\"}]");
	CU_ASSERT_PTR_NOT_NULL(
	    json_object_get(json_object_get(json_object_get(json_object_get(j,
	                                                        "generationConfig"),
	                                        "responseSchema"),
	                        "properties"),
	        "summary"));
	json_decref(j);
	CU_ASSERT_PTR_NOT_NULL(strstr(g, "written in English."));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(o, "in the language the customer writes in"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "\"additionalProperties\":false"));
	free(g);
	free(o);
	json_decref(c);
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
		{ "assist_answers", test_assist_answers },
		{ "assist_conversation", test_assist_conversation },
		{ "assist_request", test_assist_language_and_request },
		{ NULL, NULL },
	};
	return cu_run("ai", tests);
}
