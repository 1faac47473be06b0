#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "contact_rules.h"
#include "csv.h"
#include "cu.h"

/* What the reader handed over, one line per record: "L<line>:" then the
 * fields joined by "|", or "L<line>!" and the error. */
struct seen {
	char text[4096];
	size_t len;
	int stop_after; /* stop after this many records; 0 never */
	int records;
};

static int
collect(void *arg, const struct tick_csv_record *r)
{
	struct seen *s = arg;
	size_t room = sizeof(s->text) - s->len;
	int n = snprintf(s->text + s->len, room, "L%ld%s", r->line,
	    r->error ? "!" : ":");

	s->len += (size_t)n;
	for (size_t i = 0; i < r->n; i++) {
		room = sizeof(s->text) - s->len;
		n = snprintf(s->text + s->len, room, "%s%s", i ? "|" : "",
		    r->f[i]);
		s->len += (size_t)n;
	}
	s->text[s->len++] = '\n';
	s->text[s->len] = '\0';
	s->records++;
	return s->stop_after && s->records >= s->stop_after;
}

/* Reads text fed in pieces of step bytes. */
static void
read_all(const char *text, size_t step, struct seen *s)
{
	struct tick_csv_reader *r = tick_csv_reader_new(collect, s);
	size_t len = strlen(text);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (size_t o = 0; o < len; o += step)
		if (tick_csv_reader_feed(r, text + o,
		        len - o < step ? len - o : step) != 0)
			break;
	(void)tick_csv_reader_end(r);
	tick_csv_reader_free(r);
}

static void
test_reader(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "", "" },
		{ "a,b\r\n1,2\r\n", "L1:a|b\nL2:1|2\n" },
		{ "a,b\n1,2", "L1:a|b\nL2:1|2\n" },
		/* Quoted commas, doubled quotes, a line break inside. */
		{ "n,x\n\"a, b\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\nlast,1\n",
		    "L1:n|x\nL2:a, b|say \"hi\"\nL3:two\nlines|z\nL5:last|1\n" },
		/* Blank lines are skipped, and lines still counted. */
		{ "a\n\n\nb\n", "L1:a\nL4:b\n" },
		/* Spaces around an unquoted field go, a quoted one keeps
		 * them; UTF-8 passes through. */
		{ " a , Zoë 🚀 ,\" b \"\n", "L1:a|Zoë 🚀| b \n" },
		/* A quote inside an unquoted field: that line is in error,
		 * the next ones are read. */
		{ "a,b\nbro\"ken,1\nok,2\n", "L1:a|b\nL2!\nL3:ok|2\n" },
		/* Text after a closing quote. */
		{ "\"a\"b,1\nc,2\n", "L1!\nL2:c|2\n" },
		/* An open quote at the end. */
		{ "a,b\n\"open,1\n", "L1:a|b\nL2!\n" },
		/* CRLF inside quotes and out. */
		{ "\"x\r\ny\",1\r\nz,2\r\n", "L1:x\r\ny|1\nL3:z|2\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		/* Whole, and byte by byte: the split never matters. */
		for (size_t step = 1; step <= 4096; step *= 4096) {
			struct seen s;

			memset(&s, 0, sizeof(s));
			read_all(cases[i].in, step, &s);
			CU_ASSERT_STRING_EQUAL(s.text, cases[i].want);
			if (strcmp(s.text, cases[i].want) != 0)
				fprintf(stderr, "case %zu step %zu: got [%s]\n",
				    i, step, s.text);
		}
}

static void
test_reader_limits(void)
{
	struct seen s;
	char *big = malloc(TICK_CSV_CELL_MAX + 64), *wide = malloc(1024);
	size_t o = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	CU_ASSERT_PTR_NOT_NULL_FATAL(wide);
	/* A field over the limit puts its record in error, not the next. */
	memset(big, 'x', TICK_CSV_CELL_MAX + 1);
	memcpy(big + TICK_CSV_CELL_MAX + 1, ",1\nok\n", 7);
	memset(&s, 0, sizeof(s));
	read_all(big, 65536, &s);
	CU_ASSERT_STRING_EQUAL(s.text, "L1!\nL2:ok\n");
	/* More than 64 fields. */
	for (int i = 0; i < 65; i++)
		o += (size_t)snprintf(wide + o, 1024 - o, "%s%d", i ? "," : "",
		    i);
	snprintf(wide + o, 1024 - o, "\nok\n");
	memset(&s, 0, sizeof(s));
	read_all(wide, 7, &s);
	CU_ASSERT_STRING_EQUAL(s.text, "L1!\nL2:ok\n");
	/* The callback stops the reader. */
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	read_all("a\nb\nc\n", 1, &s);
	CU_ASSERT_STRING_EQUAL(s.text, "L1:a\n");
	free(big);
	free(wide);
}

static void
test_unneutralise(void)
{
	char out[64];
	size_t n;

	/* What the export writes, the import reads back. */
	n = tick_csv_field("=cmd", 4, out, sizeof(out));
	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT_NSTRING_EQUAL(out, "\"'=cmd\"", 7);
	CU_ASSERT_EQUAL(tick_csv_unneutralise("'=cmd", 5), 1);
	CU_ASSERT_EQUAL(tick_csv_unneutralise("'+1", 3), 1);
	CU_ASSERT_EQUAL(tick_csv_unneutralise("'quoted'", 8), 0);
	CU_ASSERT_EQUAL(tick_csv_unneutralise("'", 1), 0);
	CU_ASSERT_EQUAL(tick_csv_unneutralise("=cmd", 4), 0);
	CU_ASSERT_EQUAL(tick_csv_unneutralise("", 0), 0);
}

static void
test_custom_fields(void)
{
	static const struct {
		const char *json;
		int ok;
	} cases[] = {
		{ "{}", 1 },
		{ "{\"plan\": \"gold\", \"seats\": 3, \"vip\": true, \"x\": null}",
		    1 },
		{ "[]", 0 },
		{ "\"text\"", 0 },
		{ "{\"\": \"empty name\"}", 0 },
		{ "{\"a\": [1]}", 0 },
		{ "{\"a\": {\"b\": 1}}", 0 },
	};
	char name[80];
	const char *why;
	json_t *o;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		o = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(o);
		CU_ASSERT_EQUAL(tick_contact_fields_check(o, &why) == TICK_OK,
		    cases[i].ok);
		CU_ASSERT(cases[i].ok ? why == NULL : why != NULL);
		json_decref(o);
	}
	/* 50 fields pass, 51 do not. */
	o = json_object();
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		json_object_set_new(o, name, json_integer(i));
	}
	CU_ASSERT_EQUAL(tick_contact_fields_check(o, &why), TICK_OK);
	json_object_set_new(o, "one more", json_integer(1));
	CU_ASSERT_EQUAL(tick_contact_fields_check(o, &why), TICK_EINVAL);
	json_decref(o);
	/* A name of 64 characters (multibyte) passes, 65 do not; a value
	 * of 1000 characters passes, 1001 do not. */
	{
		char n64[64 * 2 + 3], v[1002 * 2];

		o = json_object();
		for (int i = 0; i < 64; i++)
			memcpy(n64 + 2 * i, "é", 2);
		n64[128] = '\0';
		json_object_set_new(o, n64, json_string("x"));
		CU_ASSERT_EQUAL(tick_contact_fields_check(o, &why), TICK_OK);
		memcpy(n64 + 128, "é", 3);
		json_object_set_new(o, n64, json_string("x"));
		CU_ASSERT_EQUAL(tick_contact_fields_check(o, &why),
		    TICK_EINVAL);
		json_decref(o);
		o = json_object();
		memset(v, 'v', 1000);
		v[1000] = '\0';
		json_object_set_new(o, "k", json_string(v));
		CU_ASSERT_EQUAL(tick_contact_fields_check(o, &why), TICK_OK);
		v[1000] = 'v', v[1001] = '\0';
		json_object_set_new(o, "k", json_string(v));
		CU_ASSERT_EQUAL(tick_contact_fields_check(o, &why),
		    TICK_EINVAL);
		json_decref(o);
	}
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "reader: quotes, line breaks, lines, errors", test_reader },
		{ "reader: limits and stopping", test_reader_limits },
		{ "export cells read back", test_unneutralise },
		{ "contact custom fields", test_custom_fields },
		{ NULL, NULL },
	};
	return cu_run("csv", tests);
}
