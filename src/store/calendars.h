/*
 * tick: calendars (issue 13): the tables calendars, calendar_hours,
 * calendar_holidays and ooh_replies, and teams.calendar_id. SQL only; the
 * arithmetic is base/bizcal's.
 */
#ifndef TICK_STORE_CALENDARS_H
#define TICK_STORE_CALENDARS_H

#include <stdint.h>

#include <jansson.h>

#include "bizcal.h"
#include "err.h"

struct tick_db;

#define TICK_CALENDAR_NAME_MAX 100 /* characters */
#define TICK_HOLIDAY_NAME_MAX 100  /* characters */

/* A calendar's values as written (create: all; update: each has_*). */
struct tick_calendar_in {
	const char *name; /* borrowed */
	const char *timezone;
	int has_name, has_timezone, has_default, is_default;
	int has_hours, has_holidays;
	struct tick_bizcal_hours hours[TICK_BIZCAL_MAX_HOURS];
	size_t nhours;
	int32_t holidays[TICK_BIZCAL_MAX_HOLIDAYS];
	const char *holiday_names[TICK_BIZCAL_MAX_HOLIDAYS]; /* borrowed */
	size_t nholidays;
};

/* A calendar loaded for arithmetic; cal points into the struct. */
struct tick_calendar {
	long long id; /* 0: none (open all the time, UTC) */
	char timezone[TICK_BIZCAL_TZ_MAX];
	struct tick_bizcal_hours hours[TICK_BIZCAL_MAX_HOURS];
	int32_t holidays[TICK_BIZCAL_MAX_HOLIDAYS];
	struct tick_bizcal cal;
};

/* In a transaction: creates (setting is_default clears the others'). */
enum tick_err tick_calendar_create(struct tick_db *db,
    const struct tick_calendar_in *in, long long *id);
enum tick_err tick_calendar_update(struct tick_db *db, long long id,
    const struct tick_calendar_in *in);
/* Deletes the calendar; teams that named it fall back to the desk's. */
enum tick_err tick_calendar_delete(struct tick_db *db, long long id);
/* Locks the row: TICK_OK, TICK_ENOTFOUND. */
enum tick_err tick_calendar_lock(struct tick_db *db, long long id);
/* Whether calendar id exists: TICK_OK or TICK_ENOTFOUND. */
enum tick_err tick_calendar_exists(struct tick_db *db, long long id);

/* {id, name, timezone, is_default, hours[{weekday, start, end}],
 * holidays[{date, name}], team_ids[], created_at, updated_at}: new, or
 * NULL with *rc. */
json_t *tick_calendar_json(struct tick_db *db, long long id, enum tick_err *rc);
enum tick_err tick_calendar_list(struct tick_db *db, json_t **items);

/* Sets (calendar_id 0: clears) the calendar of team team_id. */
enum tick_err tick_calendar_set_team(struct tick_db *db, long long team_id,
    long long calendar_id);

/* The calendar that applies to a ticket of team team_id (0: none): the
 * team's, else the desk's default, else none (id 0: open all the time). */
enum tick_err tick_calendar_for_team(struct tick_db *db, long long team_id,
    struct tick_calendar *out);

/* Records the out-of-hours text for ticket_id on local day (a DATE as
 * days since 1970-01-01): *first 1 when this is the day's first. */
enum tick_err tick_calendar_ooh_mark(struct tick_db *db, long long ticket_id,
    int32_t day, int *first);

#endif
