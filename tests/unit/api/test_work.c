#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "cu.h"
#include "work.h"

/* A resolution fits the closing notice by characters, not bytes. */
static void
test_closing_fits(void)
{
	static const char tmpl[] = "Ticket {ref} closed: {resolution}";
	/* "Ticket TKT-000001 closed: " */
	const size_t base = 26, room = TICK_MAX_WA_TEXT - base;
	char *s = malloc(5000 * 4 + 1);
	size_t r = 99;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(tick_work_closing_fits(tmpl, "TKT-000001", "ok", &r));
	/* room characters of a 4-byte emoji fit; one more does not. */
	for (size_t i = 0; i < room + 1; i++)
		memcpy(s + 4 * i, "\xf0\x9f\x98\x80", 4);
	s[4 * room] = '\0';
	CU_ASSERT_TRUE(tick_work_closing_fits(tmpl, "TKT-000001", s, &r));
	s[4 * room] = '\xf0';
	s[4 * (room + 1)] = '\0';
	CU_ASSERT_FALSE(tick_work_closing_fits(tmpl, "TKT-000001", s, &r));
	CU_ASSERT_EQUAL(r, room);
	/* 4,500 emoji: more bytes than any buffer of one text. */
	for (size_t i = 0; i < 4500; i++)
		memcpy(s + 4 * i, "\xf0\x9f\x98\x80", 4);
	s[4 * 4500] = '\0';
	CU_ASSERT_FALSE(tick_work_closing_fits(tmpl, "TKT-000001", s, &r));
	CU_ASSERT_EQUAL(r, room);
	/* Twice in the template: half the room each. */
	CU_ASSERT_FALSE(tick_work_closing_fits("{resolution}{resolution}",
	    "TKT-000001", s, &r));
	CU_ASSERT_EQUAL(r, TICK_MAX_WA_TEXT / 2);
	free(s);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "closing notice fits", test_closing_fits },
		{ NULL, NULL },
	};
	return cu_run("work", tests);
}
