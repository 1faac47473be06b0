/*
 * tick: a customer's consent to marketing (issue 16). Meta's
 * user_preferences webhook and the opt-out and opt-in keywords
 * (TEXT_OPT_OUT_KEYWORDS, TEXT_OPT_IN_KEYWORDS) mark or clear a contact's
 * marketing_opt_out (base/consent decides), audited once per change; a
 * MARKETING template to an opted-out contact is refused before anything
 * is stored.
 */
#ifndef TICK_CONSENT_FLOW_H
#define TICK_CONSENT_FLOW_H

#include "err.h"

struct tick_app;
struct tick_db;
struct tick_wa_chan_event;

/* The sources of a preference (whatsapp_contacts.marketing_opt_out_source). */
#define TICK_CONSENT_SRC_META "user_preferences"
#define TICK_CONSENT_SRC_KEYWORD "keyword"

/*
 * Inside the caller's transaction: applies to contact id the preference
 * opted_out as of at (Unix seconds; 0: now) from source; an older one
 * than the stored one changes nothing, and only a change is audited.
 * *changed (may be NULL) says whether the state moved.
 */
enum tick_err
tick_consent_apply(struct tick_db *db, long long contact_id, int opted_out,
    const char *source, long long at, const char *detail, int *changed);

/*
 * An item of the user_preferences webhook field: its contact (made when
 * nobody has its keys) takes it, in a transaction of its own.
 */
enum tick_err
tick_consent_preference(struct tick_db *db, const struct tick_wa_chan_event *e);

/*
 * A customer's text (in the transaction that stores it): when it is one
 * of the configured keywords, contact id stops (or resumes) marketing as
 * of at. Nothing when the lists are empty.
 */
enum tick_err tick_consent_keyword_message(struct tick_app *app,
    long long contact_id, const char *text, long long at);

/*
 * Whether a template of category (MARKETING, UTILITY, AUTHENTICATION;
 * any case) may go to contact id (0: the contact of mobile, a form
 * ticket's): TICK_OK, or TICK_EFORBIDDEN when it is a marketing one and
 * the contact stopped marketing.
 */
enum tick_err tick_consent_template_ok(struct tick_db *db, long long contact_id,
    const char *mobile, const char *category);

#endif
