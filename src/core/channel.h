/*
 * tick: the WhatsApp channel's health (issue 16). What the outbox learns
 * from its sends (a token rejected, 190; an account locked, 131031; a
 * later success clears them) and what Meta's webhooks tell
 * (phone_number_quality_update, account_update) is stored, one row per
 * kind (store/channel); each change of state is told once: an event on
 * the live stream (channel.changed) and an audit row.
 */
#ifndef TICK_CORE_CHANNEL_H
#define TICK_CORE_CHANNEL_H

#include <jansson.h>

#include "err.h"

struct tick_db;
struct tick_wa_result;
struct tick_wa_chan_event;

/*
 * After a send to the Graph API: sent is its result, res Meta's answer. A
 * 190 or 131031 is recorded (once per change); a success clears them.
 * Works inside or outside a transaction; never fails the send (a database
 * failure is logged).
 */
void tick_channel_after_send(struct tick_db *db, enum tick_err sent,
    const struct tick_wa_result *res);

/*
 * Applies a phone_number_quality_update or account_update event, inside
 * the webhook's own handling (its own transaction when none is open).
 */
enum tick_err tick_channel_apply_event(struct tick_db *db,
    const struct tick_wa_chan_event *e);

/*
 * The health of GET /api/whatsapp/status, a new object: {state, token,
 * account, quality, problems}.
 */
enum tick_err tick_channel_health(struct tick_db *db, json_t **health);

#endif
