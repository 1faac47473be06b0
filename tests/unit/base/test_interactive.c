#include <string.h>

#include "cu.h"
#include "interactive.h"

/* n copies of the UTF-8 character ch (at most 8 bytes) into a new JSON
 * string. */
static json_t *
chars(const char *ch, size_t n)
{
	size_t w = strlen(ch);
	char *s = malloc(n * w + 1);
	json_t *j;

	for (size_t i = 0; i < n; i++)
		memcpy(s + i * w, ch, w);
	s[n * w] = '\0';
	j = json_string(s);
	free(s);
	return j;
}

/* The last body parse() read: ia borrows its strings until the next. */
static json_t *last;

/* Parses the JSON text js with message text; the field at fault in
 * field. */
static enum tick_err
parse(const char *js, const char *text, struct tick_ia *ia, char *field)
{
	json_error_t e;
	json_t *b = json_loads(js, JSON_ALLOW_NUL, &e);
	char why[200];
	enum tick_err rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	rc = tick_ia_parse(b, text, ia, field, 96, why, sizeof(why));
	if (rc == TICK_OK) {
		CU_ASSERT_STRING_EQUAL(field, "");
	} else {
		CU_ASSERT(why[0] != '\0');
	}
	json_decref(last);
	last = b;
	return rc;
}

/* Tables: each body either passes or names its field. */
static void
test_table(void)
{
	static const struct {
		const char *body, *field; /* field NULL: accepted */
	} cases[] = {
		{ "{}", NULL },
		{ "{\"buttons\": null, \"list\": null}", NULL },
		{ "{\"buttons\": [{\"title\": \"Yes\"}]}", NULL },
		{ "{\"buttons\": [{\"id\": \"y\", \"title\": \"Yes\"}, "
		  "{\"id\": \"n\", \"title\": \"No\"}, {\"title\": \"Maybe\"}],"
		  " \"header\": \"Hi\", \"footer\": \"Bye\"}",
		    NULL },
		{ "{\"buttons\": []}", "buttons" },
		{ "{\"buttons\": {}}", "buttons" },
		{ "{\"buttons\": [{\"title\": \"a\"}, {\"title\": \"b\"}, "
		  "{\"title\": \"c\"}, {\"title\": \"d\"}]}",
		    "buttons" },
		{ "{\"buttons\": [{\"title\": \"a\"}, {\"title\": \"\"}]}",
		    "buttons[1].title" },
		{ "{\"buttons\": [{\"title\": \"a\"}, {\"title\": \"   \"}]}",
		    "buttons[1].title" },
		{ "{\"buttons\": [{\"title\": \"a\"}, {\"title\": 5}]}",
		    "buttons[1].title" },
		{ "{\"buttons\": [{\"title\": \"a\\u0000b\"}]}",
		    "buttons[0].title" },
		{ "{\"buttons\": [{\"title\": \"a\", \"id\": \"\"}]}",
		    "buttons[0].id" },
		{ "{\"buttons\": [{\"title\": \"a\", \"url\": \"x\"}]}",
		    "buttons[0].url" },
		{ "{\"buttons\": [{\"id\": \"x\", \"title\": \"a\"}, "
		  "{\"id\": \"x\", \"title\": \"b\"}]}",
		    "buttons[1].id" },
		/* A made-up id yields to the one given. */
		{ "{\"buttons\": [{\"title\": \"a\"}, "
		  "{\"id\": \"opt-1\", \"title\": \"b\"}]}",
		    "buttons[1].id" },
		{ "{\"buttons\": [{\"id\": \"opt-2\", \"title\": \"a\"}, "
		  "{\"title\": \"b\"}]}",
		    "buttons[0].id" },
		{ "{\"buttons\": [{\"title\": \"a\"}], \"list\": {}}", "list" },
		{ "{\"header\": \"h\"}", "header" },
		{ "{\"footer\": \"f\"}", "footer" },
		{ "{\"buttons\": [{\"title\": \"a\"}], \"header\": \"\"}",
		    "header" },
		{ "{\"buttons\": [{\"title\": \"a\"}], \"footer\": 1}",
		    "footer" },
		{ "{\"list\": {\"button\": \"Pick\", \"sections\": "
		  "[{\"rows\": [{\"title\": \"One\", \"description\": \"d\"}]}]}}",
		    NULL },
		{ "{\"list\": {\"button\": \"Pick\", \"sections\": "
		  "[{\"title\": \"A\", \"rows\": [{\"title\": \"One\"}]}, "
		  "{\"title\": \"B\", \"rows\": [{\"id\": \"z\", \"title\": \"Two\"}]}]}}",
		    NULL },
		{ "{\"list\": {\"button\": \"Pick\", \"sections\": "
		  "[{\"title\": \"A\", \"rows\": [{\"title\": \"One\"}]}, "
		  "{\"rows\": [{\"title\": \"Two\"}]}]}}",
		    "list.sections[1].title" },
		{ "{\"list\": {\"sections\": [{\"rows\": [{\"title\": \"a\"}]}]}}",
		    "list.button" },
		{ "{\"list\": {\"button\": \"P\", \"sections\": []}}",
		    "list.sections" },
		{ "{\"list\": {\"button\": \"P\", \"sections\": [{\"rows\": []}]}}",
		    "list.sections[0].rows" },
		{ "{\"list\": {\"button\": \"P\", \"sections\": [{\"rows\": "
		  "[{\"title\": \"a\", \"description\": \"\"}]}]}}",
		    "list.sections[0].rows[0].description" },
		{ "{\"list\": {\"button\": \"P\", \"sections\": [{\"title\": \"A\", "
		  "\"rows\": [{\"id\": \"k\", \"title\": \"a\"}]}, {\"title\": "
		  "\"B\", \"rows\": [{\"id\": \"k\", \"title\": \"b\"}]}]}}",
		    "list.sections[1].rows[0].id" },
		{ "{\"list\": {\"button\": \"P\", \"extra\": 1, \"sections\": []}}",
		    "list.extra" },
		{ "{\"list\": [1]}", "list" },
	};
	struct tick_ia ia;
	char field[96];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum tick_err rc = parse(cases[i].body, "Pick one", &ia, field);

		if (cases[i].field == NULL) {
			CU_ASSERT_EQUAL(rc, TICK_OK);
			if (rc != TICK_OK)
				fprintf(stderr, "case %zu: %s\n", i, field);
		} else {
			CU_ASSERT_EQUAL(rc, TICK_EINVAL);
			CU_ASSERT_STRING_EQUAL(field, cases[i].field);
			if (strcmp(field, cases[i].field) != 0)
				fprintf(stderr, "case %zu: %s\n", i, field);
		}
	}
}

/* What a good body reads into: kinds, ids made up, sections. */
static void
test_read(void)
{
	struct tick_ia ia;
	char field[96], *r;

	CU_ASSERT_EQUAL(parse("{}", "x", &ia, field), TICK_OK);
	CU_ASSERT_EQUAL(ia.kind, TICK_IA_NONE);
	CU_ASSERT_EQUAL(parse("{\"buttons\": [{\"title\": \"Yes\"}, {\"id\": "
	                      "\"no\", \"title\": \"No\"}], \"footer\": \"f\"}",
	                    "Well?", &ia, field),
	    TICK_OK);
	CU_ASSERT_EQUAL(ia.kind, TICK_IA_BUTTONS);
	CU_ASSERT_EQUAL(ia.nchoices, 2);
	CU_ASSERT_STRING_EQUAL(ia.choices[0].id, "opt-1");
	CU_ASSERT_STRING_EQUAL(ia.choices[1].id, "no");
	CU_ASSERT_PTR_NULL(ia.header);
	CU_ASSERT_STRING_EQUAL(ia.footer, "f");
	r = tick_ia_readable(&ia, "Well?");
	CU_ASSERT_STRING_EQUAL(r, "Well?\n[Yes | No]");
	free(r);
	CU_ASSERT_EQUAL(parse("{\"list\": {\"button\": \"Pick\", \"sections\": "
	                      "[{\"title\": \"A\", \"rows\": [{\"title\": "
	                      "\"One\"}, {\"title\": \"Two\"}]}, {\"title\": "
	                      "\"B\", \"rows\": [{\"title\": \"Three\", "
	                      "\"description\": \"3\"}]}]}}",
	                    "Which?", &ia, field),
	    TICK_OK);
	CU_ASSERT_EQUAL(ia.kind, TICK_IA_LIST);
	CU_ASSERT_EQUAL(ia.nsections, 2);
	CU_ASSERT_EQUAL(ia.nchoices, 3);
	CU_ASSERT_EQUAL(ia.sections[1].first, 2);
	CU_ASSERT_EQUAL(ia.sections[1].n, 1);
	CU_ASSERT_STRING_EQUAL(ia.choices[2].id, "opt-3");
	CU_ASSERT_STRING_EQUAL(ia.choices[2].description, "3");
	CU_ASSERT_STRING_EQUAL(ia.button, "Pick");
	r = tick_ia_readable(&ia, "Which?");
	CU_ASSERT_STRING_EQUAL(r, "Which?\n[One | Two | Three]");
	free(r);
}

/* Limits at their edge, counted in characters (é is 2 bytes, 😀 4). */
static void
test_limits(void)
{
	static const struct {
		const char *path; /* where the text goes */
		size_t max;
	} edges[] = {
		{ "button title", TICK_IA_BUTTON_TITLE_MAX },
		{ "button id", TICK_IA_ID_MAX },
		{ "header", TICK_IA_HEADER_MAX },
		{ "footer", TICK_IA_FOOTER_MAX },
		{ "list button", TICK_IA_LIST_BUTTON_MAX },
		{ "row title", TICK_IA_ROW_TITLE_MAX },
		{ "row description", TICK_IA_ROW_DESC_MAX },
		{ "section title", TICK_IA_SECTION_TITLE_MAX },
	};
	static const char *const want[] = { "buttons[0].title", "buttons[0].id",
		"header", "footer", "list.button",
		"list.sections[0].rows[0].title",
		"list.sections[0].rows[0].description",
		"list.sections[0].title" };
	struct tick_ia ia;
	char field[96], why[200];

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		for (size_t extra = 0; extra < 2; extra++) {
			json_t *t = chars(i % 2 ? "\xf0\x9f\x98\x80" :
			                          "\xc3\xa9",
			    edges[i].max + extra);
			json_t *b;

			if (i < 4)
				b = json_pack("{s:[{s:s}]}", "buttons", "title",
				    "ok");
			else
				b = json_pack("{s:{s:s, s:[{s:[{s:s}]}]}}",
				    "list", "button", "ok", "sections", "rows",
				    "title", "ok");
			switch (i) {
			case 0:
				json_object_set(json_array_get(json_object_get(b,
				                                   "buttons"),
				                    0),
				    "title", t);
				break;
			case 1:
				json_object_set(json_array_get(json_object_get(b,
				                                   "buttons"),
				                    0),
				    "id", t);
				break;
			case 2: json_object_set(b, "header", t); break;
			case 3: json_object_set(b, "footer", t); break;
			case 4:
				json_object_set(json_object_get(b, "list"),
				    "button", t);
				break;
			default: {
				json_t *sec = json_array_get(
				    json_object_get(json_object_get(b, "list"),
				        "sections"),
				    0);
				json_t *row =
				    json_array_get(json_object_get(sec, "rows"),
				        0);

				if (i == 5)
					json_object_set(row, "title", t);
				else if (i == 6)
					json_object_set(row, "description", t);
				else
					json_object_set(sec, "title", t);
			}
			}
			CU_ASSERT_EQUAL(tick_ia_parse(b, "body", &ia, field,
			                    sizeof(field), why, sizeof(why)),
			    extra ? TICK_EINVAL : TICK_OK);
			if (extra) {
				CU_ASSERT_STRING_EQUAL(field, want[i]);
			}
			json_decref(t);
			json_decref(b);
		}
}

/* The body: required, at most 1024 characters with buttons or a list. */
static void
test_body(void)
{
	json_t *b = json_pack("{s:[{s:s}]}", "buttons", "title", "ok");
	json_t *t1024 = chars("\xc3\xa9", TICK_IA_BODY_MAX),
	       *t1025 = chars("a", TICK_IA_BODY_MAX + 1);
	struct tick_ia ia;
	char field[96], why[200];

	CU_ASSERT_EQUAL(tick_ia_parse(b, json_string_value(t1024), &ia, field,
	                    sizeof(field), why, sizeof(why)),
	    TICK_OK);
	CU_ASSERT_EQUAL(tick_ia_parse(b, json_string_value(t1025), &ia, field,
	                    sizeof(field), why, sizeof(why)),
	    TICK_EINVAL);
	CU_ASSERT_STRING_EQUAL(field, "message");
	CU_ASSERT_EQUAL(tick_ia_parse(b, "", &ia, field, sizeof(field), why,
	                    sizeof(why)),
	    TICK_EINVAL);
	CU_ASSERT_STRING_EQUAL(field, "message");
	CU_ASSERT_EQUAL(tick_ia_parse(b, NULL, &ia, field, sizeof(field), why,
	                    sizeof(why)),
	    TICK_EINVAL);
	/* A plain text reply is not held to 1024 here. */
	json_decref(b);
	b = json_object();
	CU_ASSERT_EQUAL(tick_ia_parse(b, json_string_value(t1025), &ia, field,
	                    sizeof(field), why, sizeof(why)),
	    TICK_OK);
	json_decref(b);
	json_decref(t1024);
	json_decref(t1025);
}

/* Ten rows in all sections together, never eleven. */
static void
test_rows(void)
{
	json_t *b = json_pack("{s:{s:s, s:[]}}", "list", "button", "Pick",
	    "sections");
	json_t *secs = json_object_get(json_object_get(b, "list"), "sections");
	struct tick_ia ia;
	char field[96], why[200];

	for (int s = 0; s < 2; s++) {
		json_t *rows = json_array();

		for (int r = 0; r < 5; r++)
			json_array_append_new(rows,
			    json_pack("{s:s}", "title", "row"));
		json_array_append_new(secs,
		    json_pack("{s:s, s:o}", "title", s ? "B" : "A", "rows",
		        rows));
	}
	CU_ASSERT_EQUAL(tick_ia_parse(b, "b", &ia, field, sizeof(field), why,
	                    sizeof(why)),
	    TICK_OK);
	CU_ASSERT_EQUAL(ia.nchoices, 10);
	json_array_append_new(json_object_get(json_array_get(secs, 1), "rows"),
	    json_pack("{s:s}", "title", "eleven"));
	CU_ASSERT_EQUAL(tick_ia_parse(b, "b", &ia, field, sizeof(field), why,
	                    sizeof(why)),
	    TICK_EINVAL);
	CU_ASSERT_STRING_EQUAL(field, "list.sections[1].rows[5]");
	json_decref(b);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "bodies accepted and refused", test_table },
		{ "what a body reads into", test_read },
		{ "limits in characters", test_limits },
		{ "the message above", test_body },
		{ "ten rows in all", test_rows },
		{ NULL, NULL },
	};
	int fails = cu_run("interactive", tests);

	json_decref(last);
	return fails;
}
