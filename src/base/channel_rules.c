#include <string.h>

#include "channel_rules.h"

const char *const tick_chan_state_names[TICK_CHAN__MAX] = {
	[TICK_CHAN_OK] = "ok",
	[TICK_CHAN_WARNING] = "warning",
	[TICK_CHAN_ERROR] = "error",
};

static int
is(const char *s, const char *want)
{
	return s != NULL && strcmp(s, want) == 0;
}

const char *
tick_chan_kind_of_code(long long code)
{
	if (code == TICK_CHAN_CODE_TOKEN)
		return TICK_CHAN_TOKEN;
	if (code == TICK_CHAN_CODE_LOCKED)
		return TICK_CHAN_ACCOUNT;
	return NULL;
}

const char *
tick_chan_code_title(long long code)
{
	if (code == TICK_CHAN_CODE_TOKEN)
		return "WhatsApp token rejected (190): replies are not reaching "
		       "customers";
	if (code == TICK_CHAN_CODE_LOCKED)
		return "WhatsApp account locked (131031): replies are not "
		       "reaching customers";
	return "WhatsApp channel failure";
}

enum tick_chan_severity
tick_chan_quality_severity(const char *event, const char *rating)
{
	if (is(event, "FLAGGED") || is(event, "DOWNGRADE") ||
	    is(rating, "YELLOW") || is(rating, "RED"))
		return TICK_CHAN_WARNING;
	return TICK_CHAN_OK;
}

const char *
tick_chan_quality_rating(const char *event)
{
	if (is(event, "FLAGGED"))
		return "RED";
	if (is(event, "UNFLAGGED"))
		return "GREEN";
	return NULL;
}

enum tick_chan_severity
tick_chan_account_severity(const char *event, const char *ban_state)
{
	if (is(event, "DISABLED_UPDATE")) {
		if (is(ban_state, "DISABLE"))
			return TICK_CHAN_ERROR;
		if (is(ban_state, "SCHEDULE_FOR_DISABLE"))
			return TICK_CHAN_WARNING;
		return TICK_CHAN_OK;
	}
	if (is(event, "ACCOUNT_DELETED") || is(event, "ACCOUNT_OFFBOARDED"))
		return TICK_CHAN_ERROR;
	if (is(event, "ACCOUNT_VIOLATION") || is(event, "ACCOUNT_RESTRICTION"))
		return TICK_CHAN_WARNING;
	return TICK_CHAN_OK;
}

const char *
tick_chan_account_title(const char *event, const char *ban_state)
{
	if (is(event, "DISABLED_UPDATE"))
		return is(ban_state, "DISABLE") ?
		    "WhatsApp business account disabled by Meta" :
		    is(ban_state, "SCHEDULE_FOR_DISABLE") ?
		    "WhatsApp business account scheduled to be disabled" :
		    "WhatsApp business account reinstated";
	if (is(event, "ACCOUNT_DELETED"))
		return "WhatsApp business account deleted";
	if (is(event, "ACCOUNT_OFFBOARDED"))
		return "WhatsApp business account disconnected";
	if (is(event, "ACCOUNT_VIOLATION"))
		return "WhatsApp policy violation on the business account";
	if (is(event, "ACCOUNT_RESTRICTION"))
		return "WhatsApp business account restricted";
	return "WhatsApp business account updated";
}

enum tick_chan_severity
tick_chan_state(const enum tick_chan_severity *sev, size_t n)
{
	enum tick_chan_severity worst = TICK_CHAN_OK;

	for (size_t i = 0; i < n; i++)
		if (sev[i] > worst && sev[i] < TICK_CHAN__MAX)
			worst = sev[i];
	return worst;
}

int
tick_chan_is_news(int had, enum tick_chan_severity old_sev, const char *old_key,
    enum tick_chan_severity new_sev, const char *new_key)
{
	if (!had)
		return new_sev != TICK_CHAN_OK;
	if (old_sev != new_sev)
		return 1;
	if (new_sev == TICK_CHAN_OK)
		return 0;
	return strcmp(old_key ? old_key : "", new_key ? new_key : "") != 0;
}
