/*
 * tick: a customer's consent to marketing (issue 16). The opt-out and
 * opt-in keyword lists (TEXT_OPT_OUT_KEYWORDS, TEXT_OPT_IN_KEYWORDS) and
 * the rule that applies Meta's user_preferences (or a keyword) to a
 * contact's stored preference. No I/O.
 */
#ifndef TICK_CONSENT_H
#define TICK_CONSENT_H

#include <stddef.h>

/* The longest text compared with a keyword list (bytes): a longer message
 * is never a keyword. */
#define TICK_CONSENT_KEYWORD_MAX 256

/*
 * Whether text (valid UTF-8, may be NULL) is, trimmed of white space and
 * case-folded, exactly one of the comma-separated words of list (each
 * trimmed and folded too; empty items are ignored). A NULL or empty list
 * matches nothing (off).
 */
int tick_consent_keyword(const char *list, const char *text);

/* What a preference does to a contact. */
enum tick_consent_step {
	TICK_CONSENT_IGNORE, /* older than the stored one: nothing changes */
	TICK_CONSENT_KEEP,   /* the same state: only its time moves on */
	TICK_CONSENT_CHANGE  /* the state changes (audited) */
};

/*
 * Decides a preference: the contact is opted out (cur_out) as of cur_at
 * (Unix seconds, 0 when no preference was ever applied); the new one says
 * opted out (new_out) as of new_at (0 when Meta gave no time: then it is
 * taken as the newest). One older than the stored one is ignored, so a
 * late or redelivered webhook changes nothing.
 */
enum tick_consent_step
tick_consent_step(int cur_out, long long cur_at, int new_out, long long new_at);

#endif
