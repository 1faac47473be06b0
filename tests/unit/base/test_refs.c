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

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "format", test_format },
		{ "search", test_read },
		{ NULL, NULL },
	};
	return cu_run("refs", tests);
}
