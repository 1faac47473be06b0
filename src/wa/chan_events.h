/*
 * tick: the webhook fields about consent and the channel's health (issue
 * 16), as Meta documents them for Graph v25: user_preferences (a user
 * stopped or resumed marketing messages), phone_number_quality_update
 * (the number's quality and messaging limit) and account_update (bans,
 * violations, restrictions, ...). The reader does no I/O.
 */
#ifndef TICK_WA_CHAN_EVENTS_H
#define TICK_WA_CHAN_EVENTS_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

enum tick_wa_chan_kind {
	TICK_WA_CHAN_PREFERENCE, /* an item of value.user_preferences[] */
	TICK_WA_CHAN_QUALITY,    /* phone_number_quality_update */
	TICK_WA_CHAN_ACCOUNT     /* account_update */
};

/* One event; strings are borrowed from the batch's JSON. */
struct tick_wa_chan_event {
	enum tick_wa_chan_kind kind;
	/* Preference: the user (wa_id digits, and/or user_id), whether it
	 * stops marketing (value "stop": 1; "resume": 0), Meta's timestamp
	 * (Unix seconds, 0 when absent) and its detail (may be NULL). */
	const char *wa_id, *user_id, *detail;
	int opt_out;
	long long timestamp;
	/* Quality: display_phone_number, event (FLAGGED, UNFLAGGED,
	 * DOWNGRADE, UPGRADE, ...), current_limit (the messaging limit
	 * tier), quality_rating when given. Account: event and
	 * ban_info.waba_ban_state. Each A-Z, 0-9 and _ (at most 64), else
	 * NULL. */
	const char *phone, *event, *limit, *rating, *ban_state;
	/* Account: Meta's own words (ban_info, violation_info,
	 * restriction_info, lock_info, ...), a new object (owned by the
	 * batch's event; NULL when none). */
	json_t *info;
};

/* Whether field is one of the three fields read here. */
int tick_wa_chan_field(const char *field);

/* How many events value of field may give (for the batch's array). */
size_t tick_wa_chan_count(const char *field, const json_t *value);

/*
 * Reads the value of field into ev[0..max), setting *n; an item that is
 * not usable is counted in *skipped. Free each event's info with
 * json_decref().
 */
void tick_wa_chan_read(const char *field, const json_t *value,
    struct tick_wa_chan_event *ev, size_t max, size_t *n, size_t *skipped);

#endif
