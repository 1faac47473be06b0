#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "cu.h"
#include "wa_errors.h"
#include "texts.h"
#include "tickets.h"
#include "work.h"

static void
test_ref(void)
{
	char out[33];

	CU_ASSERT_EQUAL(tick_ticket_format_ref("TKT", 42, out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "TKT-000042");
	CU_ASSERT_EQUAL(tick_ticket_format_ref("HD", 1234567, out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "HD-1234567");
	CU_ASSERT_EQUAL(tick_ticket_format_ref("TKT", 42, out, 5),
	    TICK_ETOOBIG);
}

static void
test_render(void)
{
	struct tick_text_vars v = { "TKT-000001", "in progress", "fixed",
		NULL };
	char out[64];

	CU_ASSERT_EQUAL(tick_text_render_tmpl("Ref {ref}, again {ref}.", &v,
	                    out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "Ref TKT-000001, again TKT-000001.");
	CU_ASSERT_EQUAL(
	    tick_text_render_tmpl("{ref} is {status}: {resolution}{name}", &v,
	        out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "TKT-000001 is in progress: fixed");
	CU_ASSERT_EQUAL(tick_text_render_tmpl("no placeholder {re", &v, out,
	                    sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "no placeholder {re");
	CU_ASSERT_EQUAL(tick_text_render_tmpl("{ref}", &v, out, 10),
	    TICK_ETOOBIG);
	CU_ASSERT_EQUAL(tick_text_render_tmpl("0123456789", &v, out, 10),
	    TICK_ETOOBIG);
	CU_ASSERT_EQUAL(tick_text_render_tmpl("{ref}", NULL, out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "");
	CU_STR_EQ(tick_text_status_label("in_progress"), "in progress");
	CU_STR_EQ(tick_text_status_label("new"), "received");
	CU_STR_EQ(tick_text_status_label("weird"), "weird");
}

/* The holder rule: who may work a ticket, by who holds it. */
static void
test_may_work(void)
{
	static const struct {
		long long holder, user;
		int admin, ok;
	} cases[] = {
		{ 7, 7, 0, 1 }, /* the holder */
		{ 7, 8, 0, 0 }, /* another agent */
		{ 0, 8, 0, 0 }, /* nobody holds it: take it first */
		{ 0, 0, 0, 0 }, /* no user */
		{ 7, 8, 1, 1 }, /* a super_admin */
		{ 0, 8, 1, 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tick_ticket tk;

		memset(&tk, 0, sizeof(tk));
		tk.assigned_to = cases[i].holder;
		CU_ASSERT_EQUAL(tick_ticket_may_work(&tk, cases[i].user,
		                    cases[i].admin),
		    cases[i].ok);
	}
}

/* Permanent refusals are the outbox's: never sent again by hand. */
static void
test_failure_permanent(void)
{
	static const struct {
		long long code;
		int permanent;
	} cases[] = {
		{ 0, 0 },      /* no Graph error: transport, timeout, 5xx */
		{ 131026, 1 }, /* undeliverable */
		{ 131047, 1 }, /* outside the window */
		{ 131048, 1 }, /* spam rate limit (policy) */
		{ 190, 1 },    /* token */
		{ 100, 1 },    /* bad request */
		{ 131000, 0 }, /* Meta's transient errors */
		{ 131016, 0 },
		{ 130429, 0 }, /* throughput */
		{ 4, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(tick_wa_error_permanent(cases[i].code),
		    cases[i].permanent);
}

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
		{ "references", test_ref },
		{ "customer texts", test_render },
		{ "holder rule", test_may_work },
		{ "permanent failures", test_failure_permanent },
		{ "closing notice fits", test_closing_fits },
		{ NULL, NULL },
	};
	return cu_run("tickets", tests);
}
