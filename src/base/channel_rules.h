/*
 * tick: the WhatsApp channel's health (issue 16): how bad each thing Meta
 * tells is (a rejected token, a locked account, the number's quality and
 * messaging limit, an account update), the channel's state over them,
 * and when a change is worth telling a super admin. No I/O.
 */
#ifndef TICK_CHANNEL_RULES_H
#define TICK_CHANNEL_RULES_H

#include <stddef.h>

enum tick_chan_severity {
	TICK_CHAN_OK,
	TICK_CHAN_WARNING,
	TICK_CHAN_ERROR,
	TICK_CHAN__MAX
};

/* "ok", "warning", "error". */
extern const char *const tick_chan_state_names[TICK_CHAN__MAX];

/* The kinds of row (whatsapp_channel_health.kind). */
#define TICK_CHAN_TOKEN "token"
#define TICK_CHAN_ACCOUNT "account"
#define TICK_CHAN_QUALITY "quality"

/* Graph error codes that say the channel itself is broken. */
#define TICK_CHAN_CODE_TOKEN 190
#define TICK_CHAN_CODE_LOCKED 131031

/*
 * The kind a Graph error code belongs to: TICK_CHAN_TOKEN for 190,
 * TICK_CHAN_ACCOUNT for 131031, NULL for the others (a message's own
 * failure, not the channel's).
 */
const char *tick_chan_kind_of_code(long long code);

/* An agent's sentence for a channel failure of that code (static). */
const char *tick_chan_code_title(long long code);

/*
 * How bad a phone_number_quality_update is: event (FLAGGED, UNFLAGGED,
 * DOWNGRADE, UPGRADE, ...; may be NULL) and the rating when Meta gave one
 * (GREEN, YELLOW, RED, UNKNOWN; may be NULL). FLAGGED, DOWNGRADE and a
 * YELLOW or RED rating warn; nothing here is an error (messages still go).
 */
enum tick_chan_severity
tick_chan_quality_severity(const char *event, const char *rating);

/*
 * The rating a quality event implies when Meta gave none: FLAGGED RED,
 * UNFLAGGED GREEN, else NULL (the stored one stays).
 */
const char *tick_chan_quality_rating(const char *event);

/*
 * How bad an account_update is: event (DISABLED_UPDATE, ACCOUNT_VIOLATION,
 * ACCOUNT_RESTRICTION, ACCOUNT_DELETED, ACCOUNT_OFFBOARDED, ...) and, for
 * DISABLED_UPDATE, ban_state (ban_info.waba_ban_state: DISABLE,
 * SCHEDULE_FOR_DISABLE, REINSTATE). A disabled, deleted or offboarded
 * account is an error; a violation, a restriction or a scheduled ban warns;
 * the rest (verification, partner, pricing, reinstated) is ok.
 */
enum tick_chan_severity
tick_chan_account_severity(const char *event, const char *ban_state);

/* A short title for an account_update event (static, never NULL). */
const char *tick_chan_account_title(const char *event, const char *ban_state);

/* The channel's state: the worst of severities[0..n) (ok when n is 0). */
enum tick_chan_severity
tick_chan_state(const enum tick_chan_severity *sev, size_t n);

/*
 * Whether a row moving from (old_sev, old_key) to (new_sev, new_key) is a
 * change to announce: the severity moved, or, while not ok, what is wrong
 * moved (its key: Meta's event or error code; NULL as ""). Had is 0 when
 * the row did not exist: then only a severity above ok is news. The same
 * thing seen again is never news.
 */
int tick_chan_is_news(int had, enum tick_chan_severity old_sev,
    const char *old_key, enum tick_chan_severity new_sev, const char *new_key);

#endif
