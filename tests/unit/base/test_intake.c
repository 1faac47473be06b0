#include <string.h>

#include "cu.h"
#include "intake.h"
#include "valid.h"

static struct tick_config cfg;

/* The defaults (and one key more); 0 when they load. */
static int
setup_cfg(const char *extra_name, const char *extra_value)
{
	char err[256];

	tick_config_free(&cfg);
	tick_config_init(&cfg);
	tick_config_offer(&cfg, "DB_NAME", "tick");
	tick_config_offer(&cfg, "DB_USER", "tick");
	if (extra_name != NULL)
		tick_config_offer(&cfg, extra_name, extra_value);
	return tick_config_finish(&cfg, err, sizeof(err)) == TICK_OK ? 0 : -1;
}

/* The codes found in text, joined by spaces. */
static const char *
codes_of(const char *text)
{
	static char out[256];
	struct tick_intake_codes c;

	out[0] = '\0';
	tick_intake_find_codes(text, &c);
	for (size_t i = 0; i < c.n; i++) {
		if (i > 0)
			strcat(out, " ");
		strcat(out, c.code[i]);
	}
	return out;
}

static void
test_codes(void)
{
	struct tick_intake_codes c;

	/* Bare, marked by # or "Site X:", any case: upper-cased. */
	CU_STR_EQ(codes_of("NRT01"), "NRT01");
	CU_STR_EQ(codes_of("#nrt01"), "NRT01");
	CU_STR_EQ(codes_of("Site NRT01: oil leak at pump 3"),
	    "NRT01 OIL LEAK PUMP");
	CU_STR_EQ(codes_of("site: nrt01 leak"), "NRT01 LEAK");
	CU_STR_EQ(codes_of("SITE#NRT01"), "NRT01");
	/* Marked codes come before bare words, whatever their place. */
	CU_STR_EQ(codes_of("oil leak near #ABC12"), "ABC12 OIL LEAK NEAR");
	CU_STR_EQ(codes_of("leak at site xyz9 and #abc1"),
	    "XYZ9 ABC1 LEAK AND");
	/* Several codes: the first first, no duplicates. */
	CU_STR_EQ(codes_of("NRT01 NRT02 nrt01"), "NRT01 NRT02");
	/* Codes inside longer words never match. */
	CU_STR_EQ(codes_of("XNRT01 NRT01X NRT01_A NRT01\xc3\xa9 \xc3\xa9NRT01"),
	    "XNRT01 NRT01X");
	tick_intake_find_codes("XNRT01 NRT01X a#NRT01b", &c);
	for (size_t i = 0; i < c.n; i++)
		CU_ASSERT(strcmp(c.code[i], "NRT01") != 0);
	/* Punctuation is a boundary. */
	CU_STR_EQ(codes_of("(NRT01), NRT02."), "NRT01 NRT02");
	CU_STR_EQ(codes_of("ABC-NRT01"), "ABC NRT01");
	/* 3 to 10 letters and digits. */
	CU_STR_EQ(codes_of("ab 12 abcdefghijk ABC ABCDEFGHIJ"),
	    "ABC ABCDEFGHIJ");
	CU_STR_EQ(codes_of(""), "");
	CU_ASSERT_EQUAL(tick_intake_find_codes(NULL, &c), 0);
	/* At most TICK_INTAKE_CODES_MAX, the marked ones kept first. */
	CU_ASSERT_EQUAL(tick_intake_find_codes("aaa1 aaa2 aaa3 aaa4 aaa5 aaa6 "
	                                       "aaa7 aaa8 aaa9 ab10 ab11 ab12 "
	                                       "ab13 ab14 ab15 ab16 ab17 ab18 "
	                                       "#zzz1",
	                    &c),
	    TICK_INTAKE_CODES_MAX);
	CU_STR_EQ(c.code[0], "ZZZ1");
	CU_STR_EQ(c.code[TICK_INTAKE_CODES_MAX - 1], "AB15");
}

static struct tick_intake_form
form(enum tick_intake_step step)
{
	struct tick_intake_form f;

	memset(&f, 0, sizeof(f));
	f.step = step;
	f.asked = 1;
	return f;
}

static struct tick_intake_input
text(const char *t)
{
	struct tick_intake_input in;

	memset(&in, 0, sizeof(in));
	in.kind = TICK_INTAKE_IN_TEXT;
	in.text = t;
	in.sites_exist = 1;
	return in;
}

static struct tick_intake_input
reply(const char *id)
{
	struct tick_intake_input in = text("a title");

	in.kind = TICK_INTAKE_IN_REPLY;
	in.reply_id = id;
	return in;
}

static struct tick_intake_input
of_kind(enum tick_intake_input_kind k)
{
	struct tick_intake_input in = text("[image]");

	in.kind = k;
	return in;
}

static void
test_start(void)
{
	struct tick_intake_form f = form(TICK_INTAKE_START);
	struct tick_intake_input in = text("oil leak at pump 3");
	struct tick_intake_outcome o;

	/* No site known: which site. */
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_SITE);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_SITE);
	CU_ASSERT_EQUAL(o.next.page, 0);
	CU_ASSERT_EQUAL(o.next.asked, 1);
	CU_ASSERT(o.changed);
	/* The first message named it: what happened. */
	f.site_id = 7;
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_CATEGORY);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_CATEGORY);
	CU_ASSERT_EQUAL(o.next.site_id, 7);
	/* No active site at all: the site step is skipped. */
	f.site_id = 0;
	in.sites_exist = 0;
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_CATEGORY);
}

static void
test_site_step(void)
{
	struct tick_intake_form f = form(TICK_INTAKE_SITE);
	struct tick_intake_input in = text("NRT01 please");
	struct tick_intake_outcome o;

	/* A site the caller found for the text. */
	in.site_id = 5;
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.site_id, 5);
	CU_ASSERT_EQUAL(o.subsite_id, -1);
	CU_ASSERT_EQUAL(o.next.site_id, 5);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_CATEGORY);
	/* A sub-site: the ticket's site is its parent. */
	in = reply("site:9");
	in.site_id = 9;
	in.parent_id = 5;
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.site_id, 5);
	CU_ASSERT_EQUAL(o.subsite_id, 9);
	CU_ASSERT_EQUAL(o.next.subsite_id, 9);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_CATEGORY);
	/* More sites: the next page, not counted as a wrong answer. */
	in = reply("more:2");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_SITE);
	CU_ASSERT_EQUAL(o.next.page, 2);
	CU_ASSERT_EQUAL(o.next.asked, 1);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_SITE);
	CU_ASSERT_EQUAL(o.site_id, 0);
	/* A bad page is no page. */
	in = reply("more:0");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.page, 0);
	/* An unknown code: asked again once, then skipped. */
	in = text("XYZ99");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_SITE);
	CU_ASSERT_EQUAL(o.next.asked, 2);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_SITE);
	f = o.next;
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_CATEGORY);
	CU_ASSERT_EQUAL(o.next.asked, 1);
	CU_ASSERT_EQUAL(o.site_id, 0);
	CU_ASSERT_EQUAL(tick_intake_reply_site("site:42"), 42);
	CU_ASSERT_EQUAL(tick_intake_reply_site("site:-1"), 0);
	CU_ASSERT_EQUAL(tick_intake_reply_site("site:"), 0);
	CU_ASSERT_EQUAL(tick_intake_reply_site("site:99999999999"), 0);
	CU_ASSERT_EQUAL(tick_intake_reply_site("rule:driving"), 0);
	CU_ASSERT_EQUAL(tick_intake_reply_site(NULL), 0);
}

static void
test_lists(void)
{
	struct tick_intake_form f = form(TICK_INTAKE_CATEGORY);
	struct tick_intake_input in = reply("rule:line_of_fire");
	struct tick_intake_outcome o;

	tick_intake_step(&cfg, &f, &in, &o);
	CU_STR_EQ(o.category, "line_of_fire");
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_OBSERVATION);
	/* Free text: the key or the title, any case, loose spacing. */
	in = text("  line-of-FIRE! ");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_STR_EQ(o.category, "line_of_fire");
	in = text("bypassing safety controls");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_STR_EQ(o.category, "bypassing_safety_controls");
	in = text("Other");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_STR_EQ(o.category, "other");
	/* A title inside a sentence is not a choice. */
	in = text("I saw a line of fire hazard");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_PTR_NULL(o.category);
	CU_ASSERT_EQUAL(o.next.asked, 2);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_CATEGORY);
	/* A row of another list is not this one's. */
	in = reply("obs:near_miss");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_PTR_NULL(o.category);
	CU_ASSERT_PTR_NULL(o.observation_type);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_NONE);
	CU_ASSERT(!o.changed);

	f = form(TICK_INTAKE_OBSERVATION);
	in = reply("obs:near_miss");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_STR_EQ(o.observation_type, "near_miss");
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_SEVERITY);
	in = text("positive observation");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_STR_EQ(o.observation_type, "positive_observation");
	in = reply("obs:nonsense");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_PTR_NULL(o.observation_type);
	CU_ASSERT_EQUAL(o.next.asked, 2);

	f = form(TICK_INTAKE_SEVERITY);
	in = reply("sev:high");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_STR_EQ(o.severity, "high");
	CU_ASSERT(!o.critical);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_ANONYMOUS);
	in = text("CRITICAL");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_STR_EQ(o.severity, "critical");
	CU_ASSERT(o.critical);
}

static void
test_anonymous_and_location(void)
{
	struct tick_intake_form f = form(TICK_INTAKE_ANONYMOUS);
	struct tick_intake_input in = reply("anon:yes");
	struct tick_intake_outcome o;

	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.anonymous, 1);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_LOCATION);
	in = reply("anon:no");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.anonymous, 0);
	in = text("Stay anonymous");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.anonymous, 1);
	in = text("yes");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.anonymous, 1);
	in = text("maybe");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.anonymous, -1);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_ANONYMOUS);
	/* "anonymous" at another step: so be it, and the question stands. */
	f = form(TICK_INTAKE_SEVERITY);
	in = text("anonymous");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.anonymous, 1);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_SEVERITY);
	CU_ASSERT_EQUAL(o.next.asked, 1);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_SEVERITY);

	/* A location answers the last step; a photo waits for it. */
	f = form(TICK_INTAKE_LOCATION);
	in = of_kind(TICK_INTAKE_IN_MEDIA);
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_LOCATION);
	CU_ASSERT(o.next.has_photo);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_NONE);
	f = o.next;
	in = of_kind(TICK_INTAKE_IN_LOCATION);
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT(o.location);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_DONE);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_DONE);
	/* A location earlier fills the report and asks nothing. */
	f = form(TICK_INTAKE_CATEGORY);
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT(o.location);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_CATEGORY);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_NONE);
	/* Text at the last step: asked once more, then done. */
	f = form(TICK_INTAKE_LOCATION);
	in = text("near the gate");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_LOCATION);
	f = o.next;
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_DONE);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_DONE);
	CU_ASSERT_EQUAL(o.location, 0);
}

static void
test_skip_timeout_done(void)
{
	static const enum tick_intake_step order[] = { TICK_INTAKE_SITE,
		TICK_INTAKE_CATEGORY, TICK_INTAKE_OBSERVATION,
		TICK_INTAKE_SEVERITY, TICK_INTAKE_ANONYMOUS,
		TICK_INTAKE_LOCATION, TICK_INTAKE_DONE };
	struct tick_intake_form f = form(TICK_INTAKE_SITE);
	struct tick_intake_outcome o;
	struct tick_intake_input in;

	/* "skip" (typed or the button) moves every step on, setting nothing. */
	for (size_t i = 0; i + 1 < sizeof(order) / sizeof(order[0]); i++) {
		in = i % 2 ? text(" Skip. ") : reply("skip");
		f.asked = 2;
		tick_intake_step(&cfg, &f, &in, &o);
		CU_ASSERT_EQUAL(o.next.step, order[i + 1]);
		CU_ASSERT_EQUAL(o.next.asked, 1);
		CU_ASSERT_PTR_NULL(o.category);
		CU_ASSERT_PTR_NULL(o.severity);
		CU_ASSERT_EQUAL(o.anonymous, -1);
		CU_ASSERT_EQUAL(o.site_id, 0);
		f = o.next;
	}
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_DONE);
	/* Done: nothing changes, nothing is asked. */
	in = reply("sev:critical");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_NONE);
	CU_ASSERT(!o.changed);
	CU_ASSERT(!o.critical);
	/* A timeout expires any asking form, silently. */
	for (size_t i = 0; i + 1 < sizeof(order) / sizeof(order[0]); i++) {
		f = form(order[i]);
		in = of_kind(TICK_INTAKE_IN_TIMEOUT);
		tick_intake_step(&cfg, &f, &in, &o);
		CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_EXPIRED);
		CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_NONE);
	}
	f = o.next;
	in = text("skip");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_EXPIRED);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_NONE);
	/* Redelivery: the same answer to the state it produced asks nothing
	 * new of a step already left (the form's message id guards it in
	 * MariaDB; the machine never goes back). */
	f = form(TICK_INTAKE_SEVERITY);
	in = reply("sev:low");
	tick_intake_step(&cfg, &f, &in, &o);
	f = o.next;
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_ANONYMOUS);
	CU_ASSERT_PTR_NULL(o.severity);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_NONE);
	/* Other messages and a reply without an id change nothing. */
	f = form(TICK_INTAKE_CATEGORY);
	in = of_kind(TICK_INTAKE_IN_OTHER);
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT(!o.changed);
	in = reply(NULL);
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT(!o.changed);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_NONE);
	/* Step names round-trip. */
	for (int s = 0; s < TICK_INTAKE_STEP__MAX; s++) {
		enum tick_intake_step back;

		CU_ASSERT_EQUAL(tick_intake_step_parse(tick_intake_step_name((
		                                           enum tick_intake_step)
		                                               s),
		                    &back),
		    0);
		CU_ASSERT_EQUAL(back, (enum tick_intake_step)s);
	}
	CU_ASSERT_EQUAL(tick_intake_step_parse("nope", &f.step), -1);
}

/* Every title and body within WhatsApp's limits. */
static void
assert_fits(const struct tick_intake_question *q)
{
	size_t title_max = q->kind == TICK_INTAKE_Q_BUTTONS ?
	    TICK_INTAKE_REPLY_TITLE_MAX :
	    TICK_INTAKE_ROW_TITLE_MAX;

	CU_ASSERT(tick_valid_utf8(q->body, strlen(q->body)));
	CU_ASSERT(q->body[0] != '\0');
	if (q->kind != TICK_INTAKE_Q_TEXT)
		CU_ASSERT(
		    tick_valid_utf8_chars(q->body) <= TICK_INTAKE_BODY_MAX);
	CU_ASSERT(
	    tick_valid_utf8_chars(q->button) <= TICK_INTAKE_LIST_BUTTON_MAX);
	CU_ASSERT(q->nrows <= (q->kind == TICK_INTAKE_Q_BUTTONS ?
	                              TICK_INTAKE_BUTTONS_MAX :
	                              TICK_INTAKE_ROWS_MAX));
	for (size_t i = 0; i < q->nrows; i++) {
		CU_ASSERT(tick_valid_utf8(q->rows[i].title,
		    strlen(q->rows[i].title)));
		CU_ASSERT(q->rows[i].title[0] != '\0');
		CU_ASSERT(tick_valid_utf8_chars(q->rows[i].title) <= title_max);
		CU_ASSERT(tick_valid_utf8_chars(q->rows[i].description) <=
		    TICK_INTAKE_ROW_DESC_MAX);
		CU_ASSERT(q->rows[i].id[0] != '\0');
		for (size_t j = 0; j < i; j++)
			CU_ASSERT(strcmp(q->rows[i].id, q->rows[j].id) != 0);
	}
}

static void
test_questions(void)
{
	static struct tick_intake_question q;
	struct tick_text_vars v = { "TKT-000042", NULL, NULL, NULL };
	struct tick_intake_site sites[11];
	char names[11][160], codes[11][12];

	for (int a = TICK_INTAKE_ASK_CATEGORY; a < TICK_INTAKE_ASK__MAX; a++) {
		CU_ASSERT_EQUAL(tick_intake_question(&cfg,
		                    (enum tick_intake_ask)a, &v, NULL, 0, 0,
		                    &q),
		    TICK_OK);
		assert_fits(&q);
	}
	/* What happened: the nine rules and Other, ten rows; a title too
	 * long for a row is cut and kept whole in the description. */
	tick_intake_question(&cfg, TICK_INTAKE_ASK_CATEGORY, &v, NULL, 0, 0,
	    &q);
	CU_ASSERT_EQUAL(q.kind, TICK_INTAKE_Q_LIST);
	CU_ASSERT_EQUAL(q.nrows, 10);
	CU_STR_EQ(q.rows[0].id, "rule:bypassing_safety_controls");
	CU_STR_EQ(q.rows[0].title, "Bypassing safety control");
	CU_STR_EQ(q.rows[0].description, "Bypassing safety controls");
	CU_STR_EQ(q.rows[5].id, "rule:line_of_fire");
	CU_STR_EQ(q.rows[5].description, "");
	CU_STR_EQ(q.rows[9].id, "rule:other");
	CU_STR_EQ(q.button, "Choose");
	/* Severity: four choices, a list (three reply buttons at most). */
	tick_intake_question(&cfg, TICK_INTAKE_ASK_SEVERITY, &v, NULL, 0, 0,
	    &q);
	CU_ASSERT_EQUAL(q.kind, TICK_INTAKE_Q_LIST);
	CU_ASSERT_EQUAL(q.nrows, 4);
	CU_STR_EQ(q.rows[3].id, "sev:critical");
	tick_intake_question(&cfg, TICK_INTAKE_ASK_ANONYMOUS, &v, NULL, 0, 0,
	    &q);
	CU_ASSERT_EQUAL(q.kind, TICK_INTAKE_Q_BUTTONS);
	CU_STR_EQ(q.rows[0].id, "anon:yes");
	CU_STR_EQ(q.rows[0].title, "Stay anonymous");
	tick_intake_question(&cfg, TICK_INTAKE_ASK_LOCATION, &v, NULL, 0, 0,
	    &q);
	CU_ASSERT_EQUAL(q.nrows, 1);
	CU_STR_EQ(q.rows[0].id, "skip");
	tick_intake_question(&cfg, TICK_INTAKE_ASK_DONE, &v, NULL, 0, 0, &q);
	CU_ASSERT_EQUAL(q.kind, TICK_INTAKE_Q_TEXT);
	CU_ASSERT(strstr(q.body, "TKT-000042") != NULL);
	CU_ASSERT_EQUAL(tick_intake_question(&cfg, TICK_INTAKE_ASK_NONE, &v,
	                    NULL, 0, 0, &q),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_intake_question(&cfg, TICK_INTAKE_ASK_SITE, &v,
	                    NULL, 0, 0, &q),
	    TICK_EINVAL);

	/* The site list: long names cut on a character boundary (é is two
	 * bytes), the code in the description. */
	for (int i = 0; i < 11; i++) {
		snprintf(codes[i], sizeof(codes[i]), "S%02u",
		    (unsigned)i % 100);
		snprintf(names[i], sizeof(names[i]),
		    "R\xc3\xa9sidence des ouvri\xc3\xa8res num\xc3\xa9ro %d",
		    i);
		sites[i].id = 100 + i;
		sites[i].code = codes[i];
		sites[i].name = names[i];
	}
	/* Ten fit one list. */
	CU_ASSERT_EQUAL(tick_intake_question(&cfg, TICK_INTAKE_ASK_SITE, &v,
	                    sites, 10, 0, &q),
	    TICK_OK);
	assert_fits(&q);
	CU_ASSERT_EQUAL(q.nrows, 10);
	CU_STR_EQ(q.rows[9].id, "site:109");
	CU_STR_EQ(q.rows[0].title, "R\xc3\xa9sidence des ouvri\xc3\xa8res");
	CU_STR_EQ(q.rows[0].description, "S00");
	/* Eleven do not: nine and More, which asks for the next page. */
	CU_ASSERT_EQUAL(tick_intake_question(&cfg, TICK_INTAKE_ASK_SITE, &v,
	                    sites, 11, 3, &q),
	    TICK_OK);
	assert_fits(&q);
	CU_ASSERT_EQUAL(q.nrows, 10);
	CU_STR_EQ(q.rows[8].id, "site:108");
	CU_STR_EQ(q.rows[9].id, "more:4");
	CU_STR_EQ(q.rows[9].title, "More sites");
	/* Nine exactly: no More. */
	tick_intake_question(&cfg, TICK_INTAKE_ASK_SITE, &v, sites, 9, 0, &q);
	CU_ASSERT_EQUAL(q.nrows, 9);
	CU_ASSERT(strncmp(q.rows[8].id, "more:", 5) != 0);
	/* A site with no name shows its code. */
	sites[0].name = "";
	tick_intake_question(&cfg, TICK_INTAKE_ASK_SITE, &v, sites, 1, 0, &q);
	CU_STR_EQ(q.rows[0].title, "S00");
}

static void
test_limits(void)
{
	static struct tick_intake_question q;
	char out[TICK_COL_BUF(24)], body[2100];

	/* Cuts count characters, never split one. */
	CU_ASSERT_EQUAL(tick_intake_cut("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac",
	                    2, out, sizeof(out)),
	    6);
	CU_STR_EQ(out, "\xe2\x82\xac\xe2\x82\xac");
	CU_ASSERT_EQUAL(tick_intake_cut("abc", 24, out, 3), 2);
	CU_STR_EQ(out, "ab");
	CU_ASSERT_EQUAL(tick_intake_cut(NULL, 24, out, sizeof(out)), 0);
	CU_STR_EQ(out, "");
	/* A configured body longer than 1024 characters is cut to it. */
	memset(body, 'x', 1500);
	memcpy(body + 1020, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 10);
	body[1500] = '\0';
	CU_ASSERT_EQUAL_FATAL(setup_cfg("TEXT_INTAKE_SEVERITY", body), 0);
	tick_intake_question(&cfg, TICK_INTAKE_ASK_SEVERITY, NULL, NULL, 0, 0,
	    &q);
	CU_ASSERT_EQUAL(tick_valid_utf8_chars(q.body), TICK_INTAKE_BODY_MAX);
	CU_ASSERT(tick_valid_utf8(q.body, strlen(q.body)));
	CU_ASSERT_EQUAL(strlen(q.body), 1020 + 8);
	/* Button titles over WhatsApp's limits stop the program at start. */
	{
		struct tick_config c;
		char err[256] = "";

		tick_config_init(&c);
		tick_config_offer(&c, "DB_NAME", "tick");
		tick_config_offer(&c, "DB_USER", "tick");
		tick_config_offer(&c, "TEXT_INTAKE_SKIP",
		    "Skip this question now");
		CU_ASSERT_EQUAL(tick_config_finish(&c, err, sizeof(err)),
		    TICK_ECONFIG);
		CU_ASSERT(strstr(err, "TEXT_INTAKE_SKIP") != NULL);
		tick_config_free(&c);
		tick_config_init(&c);
		tick_config_offer(&c, "DB_NAME", "tick");
		tick_config_offer(&c, "DB_USER", "tick");
		tick_config_offer(&c, "INTAKE", "sometimes");
		CU_ASSERT_EQUAL(tick_config_finish(&c, err, sizeof(err)),
		    TICK_ECONFIG);
		tick_config_free(&c);
		tick_config_init(&c);
		tick_config_offer(&c, "DB_NAME", "tick");
		tick_config_offer(&c, "DB_USER", "tick");
		tick_config_offer(&c, "TEXT_INTAKE_SKIP",
		    "\xc3\x89vitez \xc3\xa7"
		    "a, merci !");
		CU_ASSERT_EQUAL(tick_config_finish(&c, err, sizeof(err)),
		    TICK_OK);
		CU_ASSERT_PTR_NULL(tick_config_get(&c, TICK_CFG_INTAKE));
		CU_ASSERT_EQUAL(tick_config_num(&c,
		                    TICK_CFG_INTAKE_TIMEOUT_MINUTES),
		    30);
		tick_config_free(&c);
	}
	CU_ASSERT_EQUAL(setup_cfg(NULL, NULL), 0);
}

/* Issue 17: the model's suggestion, offered for the worker to confirm. */
static void
with_suggestion(struct tick_intake_input *in)
{
	in->sug_category = "line_of_fire";
	in->sug_observation = "near_miss";
	in->sug_severity = "critical";
}

static void
test_confirm(void)
{
	struct tick_intake_form f = form(TICK_INTAKE_SITE);
	struct tick_intake_input in = reply("site:5");
	struct tick_intake_outcome o;
	struct tick_intake_question q;
	struct tick_text_vars v = { "TKT-000042", NULL, NULL, NULL };
	char words[100];

	/* The site answered, a suggestion at hand: offered in place of the
	 * question of what happened. */
	in.site_id = 5;
	with_suggestion(&in);
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_CONFIRM);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_CONFIRM);
	CU_STR_EQ(o.next.sug_category, "line_of_fire");
	CU_ASSERT_PTR_NULL(o.category); /* never applied alone */
	tick_intake_suggestion_words(&o.next, words, sizeof(words));
	CU_STR_EQ(words, "Line of fire, Critical");
	v.name = words;
	CU_ASSERT_EQUAL(tick_intake_question(&cfg, TICK_INTAKE_ASK_CONFIRM, &v,
	                    NULL, 0, 0, &q),
	    TICK_OK);
	CU_ASSERT_EQUAL(q.kind, TICK_INTAKE_Q_BUTTONS);
	CU_STR_EQ(q.body, "We understood: Line of fire, Critical. Correct?");
	CU_ASSERT_EQUAL(q.nrows, 2);
	CU_STR_EQ(q.rows[0].id, "confirm:yes");
	CU_STR_EQ(q.rows[1].title, "No, choose");
	/* Yes: the three are the report's, the next question is anonymity. */
	f = o.next;
	in = reply("confirm:yes");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_STR_EQ(o.category, "line_of_fire");
	CU_STR_EQ(o.observation_type, "near_miss");
	CU_STR_EQ(o.severity, "critical");
	CU_ASSERT_TRUE(o.critical);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_ANONYMOUS);
	CU_STR_EQ(o.next.sug_category, "");
	/* No (button, typed, or skip): the lists, and never offered again. */
	in = reply("confirm:no");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_PTR_NULL(o.category);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_CATEGORY);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_CATEGORY);
	CU_ASSERT_TRUE(o.next.declined);
	in = text("No");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_CATEGORY);
	in = text("skip");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_CATEGORY);
	/* The category list tapped instead: that is the answer. */
	in = reply("rule:hot_work");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_STR_EQ(o.category, "hot_work");
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_OBSERVATION);
	/* Anything else: asked once more, then the lists. */
	in = text("maybe");
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_CONFIRM);
	CU_ASSERT_EQUAL(o.next.asked, 2);
	f = o.next;
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_CATEGORY);
	/* The suggestion arriving later: offered at the question of what
	 * happened only, and not once declined. */
	f = form(TICK_INTAKE_CATEGORY);
	memset(&in, 0, sizeof(in));
	in.kind = TICK_INTAKE_IN_SUGGESTION;
	with_suggestion(&in);
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.next.step, TICK_INTAKE_CONFIRM);
	f.declined = 1;
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_EQUAL(o.ask, TICK_INTAKE_ASK_NONE);
	CU_ASSERT_FALSE(o.changed);
	f = form(TICK_INTAKE_SEVERITY);
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_FALSE(o.changed);
	/* A suggestion outside the vocabularies is never offered. */
	f = form(TICK_INTAKE_CATEGORY);
	in.sug_severity = "apocalyptic";
	tick_intake_step(&cfg, &f, &in, &o);
	CU_ASSERT_FALSE(o.changed);
	CU_ASSERT_EQUAL(tick_intake_step_parse("confirm", &f.step), 0);
	CU_ASSERT_EQUAL(f.step, TICK_INTAKE_CONFIRM);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "site codes", test_codes },
		{ "start", test_start },
		{ "site step", test_site_step },
		{ "lists", test_lists },
		{ "anonymous and location", test_anonymous_and_location },
		{ "skip, timeout, done, redelivery", test_skip_timeout_done },
		{ "questions", test_questions },
		{ "limits and cuts", test_limits },
		{ "confirm a suggestion", test_confirm },
		{ NULL, NULL },
	};
	int rc;

	tick_config_init(&cfg);
	if (setup_cfg(NULL, NULL) != 0)
		return 99;
	rc = cu_run("intake", tests);
	tick_config_free(&cfg);
	return rc;
}
