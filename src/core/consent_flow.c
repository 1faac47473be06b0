#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "audit.h"
#include "chan_events.h"
#include "clock.h"
#include "config.h"
#include "consent.h"
#include "consent_flow.h"
#include "contacts.h"
#include "db.h"
#include "log.h"

enum tick_err
tick_consent_apply(struct tick_db *db, long long contact_id, int opted_out,
    const char *source, long long at, const char *detail, int *changed)
{
	enum tick_consent_step step;
	long long cur_at = 0;
	enum tick_err rc;
	char id[24];
	int cur = 0;

	if (changed != NULL)
		*changed = 0;
	if (at <= 0)
		at = (long long)tick_clock_now();
	if ((rc = tick_contact_marketing_lock(db, contact_id, &cur, &cur_at)) !=
	    TICK_OK)
		return rc;
	step = tick_consent_step(cur, cur_at, opted_out, at);
	if (step == TICK_CONSENT_IGNORE)
		return TICK_OK;
	if ((rc = tick_contact_marketing_set(db, contact_id,
	         step == TICK_CONSENT_CHANGE, opted_out, source, at)) !=
	        TICK_OK ||
	    step != TICK_CONSENT_CHANGE)
		return rc;
	if (changed != NULL)
		*changed = 1;
	snprintf(id, sizeof(id), "%lld", contact_id);
	return tick_audit(db, 0, NULL,
	    opted_out ? "contact.marketing_opt_out" :
	                "contact.marketing_opt_in",
	    "contact", id, NULL,
	    json_pack("{s:s, s:b, s:I, s:o}", "source", source,
	        "marketing_opt_out", opted_out, "at", (json_int_t)at, "detail",
	        detail ? json_string(detail) : json_null()));
}

enum tick_err
tick_consent_preference(struct tick_db *db, const struct tick_wa_chan_event *e)
{
	long long id = 0;
	enum tick_err rc;

	if (e->kind != TICK_WA_CHAN_PREFERENCE)
		return TICK_EINVAL;
	if ((rc = tick_db_begin(db)) != TICK_OK)
		return rc;
	if ((rc = tick_contact_for_preference(db, e->wa_id, e->user_id, &id)) ==
	    TICK_OK)
		rc = tick_consent_apply(db, id, e->opt_out,
		    TICK_CONSENT_SRC_META, e->timestamp, e->detail, NULL);
	if (rc == TICK_OK)
		rc = tick_db_commit(db);
	if (rc != TICK_OK)
		tick_db_rollback(db);
	return rc;
}

enum tick_err
tick_consent_keyword_message(struct tick_app *app, long long contact_id,
    const char *text, long long at)
{
	const char *out = tick_config_get(&app->cfg,
	    TICK_CFG_TEXT_OPT_OUT_KEYWORDS);
	const char *in = tick_config_get(&app->cfg,
	    TICK_CFG_TEXT_OPT_IN_KEYWORDS);
	int stop;

	if (contact_id <= 0 || text == NULL)
		return TICK_OK;
	stop = tick_consent_keyword(out, text);
	if (!stop && !tick_consent_keyword(in, text))
		return TICK_OK;
	return tick_consent_apply(app->db, contact_id, stop,
	    TICK_CONSENT_SRC_KEYWORD, at, text, NULL);
}

enum tick_err
tick_consent_template_ok(struct tick_db *db, long long contact_id,
    const char *mobile, const char *category)
{
	enum tick_err rc;
	int out = 0;

	if (category == NULL || strcasecmp(category, "MARKETING") != 0)
		return TICK_OK;
	if ((rc = tick_contact_marketing_opted_out(db, contact_id, mobile,
	         &out)) != TICK_OK)
		return rc;
	return out ? TICK_EFORBIDDEN : TICK_OK;
}
