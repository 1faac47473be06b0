/* The opt-out keywords and the consent rule (base/consent), and the
 * channel's health rule (base/channel_rules). */
#include <string.h>

#include "channel_rules.h"
#include "consent.h"
#include "cu.h"

static void
test_keywords(void)
{
	static const struct {
		const char *list, *text;
		int match;
	} cases[] = {
		{ "STOP,UNSUBSCRIBE", "stop", 1 },
		{ "STOP,UNSUBSCRIBE", "  Stop \n", 1 },
		{ "stop, unsubscribe ", "UNSUBSCRIBE", 1 },
		{ " Baja ,ALTO", "alto", 1 },
		{ "STOP", "stop please", 0 },
		{ "STOP", "stopp", 0 },
		{ "STOP", "sto", 0 },
		{ "STOP", "", 0 },
		{ "STOP", "   ", 0 },
		{ "", "stop", 0 },
		{ NULL, "stop", 0 },
		{ "STOP", NULL, 0 },
		{ ",,", "", 0 },
		{ "STOP,,", "stop", 1 },
		/* Beyond ASCII: the simple lower case of Unicode. */
		{ "ÉCHEC,ОТПИСКА", "échec", 1 },
		{ "ÉCHEC,ОТПИСКА", "отписка", 1 },
		{ "PARAR", "pára", 0 },
		/* White space of other scripts trims too. */
		{ "STOP", "\xc2\xa0stop\xe3\x80\x80", 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = tick_consent_keyword(cases[i].list, cases[i].text);

		if (got != cases[i].match)
			printf("\ncase %zu: %s / %s: %d\n", i,
			    cu_nz(cases[i].list), cu_nz(cases[i].text), got);
		CU_ASSERT_EQUAL(got, cases[i].match);
	}
}

static void
test_keyword_too_long(void)
{
	char text[TICK_CONSENT_KEYWORD_MAX + 2];

	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	CU_ASSERT_FALSE(tick_consent_keyword("stop", text));
	text[4] = '\0';
	CU_ASSERT_TRUE(tick_consent_keyword("AAAA", text));
}

static void
test_step(void)
{
	/* Nothing stored: the first preference changes or keeps. */
	CU_ASSERT_EQUAL(tick_consent_step(0, 0, 1, 100), TICK_CONSENT_CHANGE);
	CU_ASSERT_EQUAL(tick_consent_step(0, 0, 0, 100), TICK_CONSENT_KEEP);
	/* A redelivery keeps. */
	CU_ASSERT_EQUAL(tick_consent_step(1, 100, 1, 100), TICK_CONSENT_KEEP);
	/* A newer resume changes; an older one arriving late is ignored. */
	CU_ASSERT_EQUAL(tick_consent_step(1, 100, 0, 200), TICK_CONSENT_CHANGE);
	CU_ASSERT_EQUAL(tick_consent_step(0, 200, 1, 100), TICK_CONSENT_IGNORE);
	/* No time from Meta: taken as the newest. */
	CU_ASSERT_EQUAL(tick_consent_step(1, 100, 0, 0), TICK_CONSENT_CHANGE);
}

static void
test_channel_rules(void)
{
	enum tick_chan_severity none[1],
	    mixed[] = { TICK_CHAN_OK, TICK_CHAN_WARNING, TICK_CHAN_ERROR },
	    warn[] = { TICK_CHAN_WARNING, TICK_CHAN_OK };

	CU_ASSERT_STRING_EQUAL(tick_chan_kind_of_code(190), "token");
	CU_ASSERT_STRING_EQUAL(tick_chan_kind_of_code(131031), "account");
	CU_ASSERT_PTR_NULL(tick_chan_kind_of_code(131047));
	CU_ASSERT_PTR_NULL(tick_chan_kind_of_code(0));
	CU_ASSERT_PTR_NOT_NULL(strstr(tick_chan_code_title(190), "(190)"));

	CU_ASSERT_EQUAL(tick_chan_quality_severity("FLAGGED", NULL),
	    TICK_CHAN_WARNING);
	CU_ASSERT_EQUAL(tick_chan_quality_severity("DOWNGRADE", "GREEN"),
	    TICK_CHAN_WARNING);
	CU_ASSERT_EQUAL(tick_chan_quality_severity("UNFLAGGED", "GREEN"),
	    TICK_CHAN_OK);
	CU_ASSERT_EQUAL(tick_chan_quality_severity("UPGRADE", NULL),
	    TICK_CHAN_OK);
	CU_ASSERT_EQUAL(tick_chan_quality_severity("UPGRADE", "YELLOW"),
	    TICK_CHAN_WARNING);
	CU_ASSERT_STRING_EQUAL(tick_chan_quality_rating("FLAGGED"), "RED");
	CU_ASSERT_STRING_EQUAL(tick_chan_quality_rating("UNFLAGGED"), "GREEN");
	CU_ASSERT_PTR_NULL(tick_chan_quality_rating("UPGRADE"));

	CU_ASSERT_EQUAL(tick_chan_account_severity("DISABLED_UPDATE",
	                    "DISABLE"),
	    TICK_CHAN_ERROR);
	CU_ASSERT_EQUAL(tick_chan_account_severity("DISABLED_UPDATE",
	                    "SCHEDULE_FOR_DISABLE"),
	    TICK_CHAN_WARNING);
	CU_ASSERT_EQUAL(tick_chan_account_severity("DISABLED_UPDATE",
	                    "REINSTATE"),
	    TICK_CHAN_OK);
	CU_ASSERT_EQUAL(tick_chan_account_severity("ACCOUNT_VIOLATION", NULL),
	    TICK_CHAN_WARNING);
	CU_ASSERT_EQUAL(tick_chan_account_severity("ACCOUNT_DELETED", NULL),
	    TICK_CHAN_ERROR);
	CU_ASSERT_EQUAL(tick_chan_account_severity("VERIFIED_ACCOUNT", NULL),
	    TICK_CHAN_OK);
	CU_ASSERT_EQUAL(tick_chan_account_severity(NULL, NULL), TICK_CHAN_OK);

	CU_ASSERT_EQUAL(tick_chan_state(none, 0), TICK_CHAN_OK);
	CU_ASSERT_EQUAL(tick_chan_state(mixed, 3), TICK_CHAN_ERROR);
	CU_ASSERT_EQUAL(tick_chan_state(warn, 2), TICK_CHAN_WARNING);
	CU_ASSERT_STRING_EQUAL(tick_chan_state_names[TICK_CHAN_ERROR], "error");
}

/* Told once per change, never again while the state stays. */
static void
test_news(void)
{
	CU_ASSERT_TRUE(
	    tick_chan_is_news(0, TICK_CHAN_OK, NULL, TICK_CHAN_ERROR, "190"));
	CU_ASSERT_FALSE(
	    tick_chan_is_news(0, TICK_CHAN_OK, NULL, TICK_CHAN_OK, "UPGRADE"));
	/* A repeated 190, a redelivered FLAGGED: nothing. */
	CU_ASSERT_FALSE(tick_chan_is_news(1, TICK_CHAN_ERROR, "190",
	    TICK_CHAN_ERROR, "190"));
	CU_ASSERT_FALSE(tick_chan_is_news(1, TICK_CHAN_WARNING, "FLAGGED",
	    TICK_CHAN_WARNING, "FLAGGED"));
	/* Another problem of the same weight is news. */
	CU_ASSERT_TRUE(tick_chan_is_news(1, TICK_CHAN_WARNING, "FLAGGED",
	    TICK_CHAN_WARNING, "DOWNGRADE"));
	/* Cleared, and back. */
	CU_ASSERT_TRUE(
	    tick_chan_is_news(1, TICK_CHAN_ERROR, "190", TICK_CHAN_OK, ""));
	CU_ASSERT_TRUE(tick_chan_is_news(1, TICK_CHAN_OK, "UNFLAGGED",
	    TICK_CHAN_WARNING, "FLAGGED"));
	/* Ok to another ok is no news. */
	CU_ASSERT_FALSE(tick_chan_is_news(1, TICK_CHAN_OK, "UPGRADE",
	    TICK_CHAN_OK, "UNFLAGGED"));
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "keywords", test_keywords },
		{ "keyword too long", test_keyword_too_long },
		{ "consent step", test_step },
		{ "channel rules", test_channel_rules },
		{ "told once per change", test_news },
		{ NULL, NULL },
	};
	return cu_run("consent", tests);
}
