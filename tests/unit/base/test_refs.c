#include <stdio.h>
#include <string.h>

#include "cu.h"
#include "refs.h"

static void
test_format(void)
{
	char out[33];

	CU_ASSERT_EQUAL(tick_ref_format("TKT", 42, out, sizeof(out)), TICK_OK);
	CU_STR_EQ(out, "TKT-000042");
	CU_ASSERT_EQUAL(tick_ref_format("HD", 1234567, out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "HD-1234567");
	CU_ASSERT_EQUAL(tick_ref_format("TKT", 42, out, 5), TICK_ETOOBIG);
}

/* What an agent types, and what the inbox searches for besides words. */
static void
test_read(void)
{
	static const struct {
		const char *q, *ref, *digits;
	} cases[] = {
		{ "TKT-000001", "TKT-000001", "" },
		{ "tkt-1", "TKT-000001", "" },
		{ "000001", "TKT-000001",
		    "000001" }, /* both: no country code */
		{ "1", "TKT-000001", "" },
		{ "42", "TKT-000042", "" },
		{ "1234567", "TKT-1234567", "1234567" },
		{ "0", "", "" },
		{ "TKT-", "", "" },
		{ "TKT-12a", "", "" },
		{ "XYZ-12", "", "" },
		{ "1234567890", "",
		    "1234567890" }, /* ten digits: no reference */
		{ "+34612345678", "", "34612345678" },
		{ "+34 612 34 56 78", "", "34612345678" },
		{ "0034612345678", "", "34612345678" },
		{ "612345678", "TKT-612345678", "612345678" },
		{ "(0)612-34.56/78", "", "0612345678" },
		{ " +44 20 7946 0958", "", "442079460958" },
		{ "5678", "TKT-005678", "5678" },
		{ "567", "TKT-000567", "" },     /* too few for a mobile */
		{ "+1234567890123456", "", "" }, /* sixteen digits */
		{ "34 612 abc", "", "" },
		{ "Ana", "", "" },
		{ "", "", "" },
		{ "+", "", "" },
		{ "++34612345678", "", "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tick_search s;

		memset(&s, 'x', sizeof(s));
		tick_search_read(cases[i].q, "TKT", &s);
		if (strcmp(s.ref, cases[i].ref) != 0 ||
		    strcmp(s.digits, cases[i].digits) != 0)
			fprintf(stderr, "case %zu: %s\n", i, cases[i].q);
		CU_STR_EQ(s.ref, cases[i].ref);
		CU_STR_EQ(s.digits, cases[i].digits);
	}
}

/* FULLTEXT's words: "*" never reaches InnoDB's parser. */
static void
test_words(void)
{
	struct tick_search s;
	char big[300];

	tick_search_read("boiler*", "TKT", &s);
	CU_STR_EQ(s.words, "boiler ");
	tick_search_read("\"*\" *", "TKT", &s);
	CU_STR_EQ(s.words, "\" \"  ");
	tick_search_read("Ana Ruiz", "TKT", &s);
	CU_STR_EQ(s.words, "Ana Ruiz");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tick_search_read(big, "TKT", &s);
	CU_STR_EQ(s.words, "");
}

/* The mobile's digits reversed: a prefix of the stored mobile reversed. */
static void
test_reversed(void)
{
	struct tick_search s;

	tick_search_read("+34 612 345 678", "TKT", &s);
	CU_STR_EQ(s.rdigits, "87654321643");
	tick_search_read("5678", "TKT", &s);
	CU_STR_EQ(s.rdigits, "8765");
	tick_search_read("Ana", "TKT", &s);
	CU_STR_EQ(s.rdigits, "");
	CU_STR_EQ(s.cjk, "");
}

/* Chinese and Japanese runs as the bigram columns hold them. */
static void
test_cjk(void)
{
	static const struct {
		const char *q, *want;
	} cases[] = {
		{ "", "" },
		{ "Ana Ruiz", "" },
		{ "한국어", "" }, /* Hangul: words split by spaces */
		/* 中文 */
		{ "\xe4\xb8\xad\xe6\x96\x87", "+\"00004E2D00006587\"" },
		/* 漏水了: three characters, two bigrams in one phrase */
		{ "\xe6\xbc\x8f\xe6\xb0\xb4\xe4\xba\x86",
		    "+\"00006F0F00006C34 00006C3400004E86\"" },
		/* 水 alone: a prefix */
		{ "\xe6\xb0\xb4", "+00006C34*" },
		/* "TKT 中文, 水": Latin and punctuation split runs */
		{ "TKT \xe4\xb8\xad\xe6\x96\x87, \xe6\xb0\xb4",
		    "+\"00004E2D00006587\" +00006C34*" },
		/* ひらがな and カタカナ (with the long mark ー) */
		{ "\xe3\x81\xb2\xe3\x82\x89", "+\"0000307200003089\"" },
		{ "\xe3\x83\x87\xe3\x83\xbc\xe3\x82\xbf",
		    "+\"000030C7000030FC 000030FC000030BF\"" },
		/* 。 (CJK punctuation) splits; 𠀀 (beyond the BMP) is Han */
		{ "\xe4\xb8\xad\xe3\x80\x82\xf0\xa0\x80\x80",
		    "+00004E2D* +00020000*" },
		/* malformed UTF-8 ends a run, never reads past the end */
		{ "\xe4\xb8\xad\xe6\x96", "+00004E2D*" },
		{ "\xe4\xb8", "" },
		{ "\xff\xe4\xb8\xad", "+00004E2D*" },
	};
	char out[TICK_SEARCH_CJK_MAX], small[12], q[400];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tick_search_cjk(cases[i].q, out, sizeof(out));
		if (strcmp(out, cases[i].want) != 0)
			fprintf(stderr, "case %zu: %s\n", i, out);
		CU_STR_EQ(out, cases[i].want);
	}
	/* Too small for the answer: nothing, never a cut query. */
	tick_search_cjk("\xe4\xb8\xad\xe6\x96\x87", small, sizeof(small));
	CU_STR_EQ(small, "");
	/* The longest q (200 bytes: 66 characters) fits. */
	for (i = 0; i + 3 <= 198; i += 3)
		memcpy(q + i, "\xe4\xb8\xad", 3);
	q[i] = '\0';
	tick_search_cjk(q, out, sizeof(out));
	CU_ASSERT_EQUAL(strlen(out), 2 + 65 * 16 + 64 + 1);
	/* Longer than a q can be: nothing. */
	for (i = 0; i + 3 <= 390; i += 3)
		memcpy(q + i, "\xe4\xb8\xad", 3);
	q[i] = '\0';
	tick_search_cjk(q, out, sizeof(out));
	CU_STR_EQ(out, "");
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "format", test_format },
		{ "search", test_read },
		{ "words", test_words },
		{ "reversed", test_reversed },
		{ "cjk", test_cjk },
		{ NULL, NULL },
	};
	return cu_run("refs", tests);
}
