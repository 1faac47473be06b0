/*
 * tick: business time (issue 13). A calendar is a time zone (IANA), weekly
 * opening hours (several intervals per weekday, in local minutes) and
 * holidays (local dates). These functions add business seconds to an
 * instant and count the business seconds between two instants, skipping
 * nights, weekends, holidays and pauses (a ticket pending on the
 * customer), across daylight-saving changes.
 *
 * Local time is turned into instants by the C library's tz database
 * (localtime_r and mktime under TZ), never by hand-written offsets: the
 * same Debian tzdata MariaDB's time zone tables are loaded from. TZ is
 * set for the call and put back after, so the functions touch the process
 * environment (the responders are single-threaded) but do no other I/O.
 */
#ifndef TICK_BIZCAL_H
#define TICK_BIZCAL_H

#include <stddef.h>
#include <stdint.h>

/* Limits of one calendar. */
#define TICK_BIZCAL_MAX_HOURS 70     /* 10 intervals a weekday */
#define TICK_BIZCAL_MAX_HOLIDAYS 366 /* a year of holidays */
#define TICK_BIZCAL_TZ_MAX 64        /* bytes of an IANA name */
/* How far ahead a search looks for open time before giving up (a
 * calendar whose every day is a holiday). */
#define TICK_BIZCAL_HORIZON_DAYS 1100

/* One opening interval: weekday 0 (Sunday) to 6, local minutes of the day
 * [start_min, end_min), 0 <= start_min < end_min <= 1440. */
struct tick_bizcal_hours {
	int wday;
	int start_min, end_min;
};

/* A calendar; borrowed arrays. No hours at all: open every minute (the
 * desk without a calendar) except holidays. holidays are local dates as
 * days since 1970-01-01 (tick_bizcal_day). tz NULL or "": UTC. */
struct tick_bizcal {
	const char *tz;
	const struct tick_bizcal_hours *hours;
	size_t nhours;
	const int32_t *holidays;
	size_t nholidays;
};

/* A pause [start, end) in Unix seconds; end INT64_MAX: still paused. */
struct tick_bizcal_pause {
	int64_t start, end;
};

/* Days since 1970-01-01 of the civil date y-m-d (proleptic Gregorian). */
int32_t tick_bizcal_day(int y, int m, int d);

/* Writes day z as "YYYY-MM-DD" into buf (11 bytes at least). */
void tick_bizcal_format_date(int32_t z, char buf[11]);

/* Parses "YYYY-MM-DD" (exactly 10 bytes of s) into a day: 0, or -1. */
int tick_bizcal_parse_date(const char *s, size_t len, int32_t *out);

/* Parses "HH:MM" (00:00 to 24:00) into minutes of the day: 0, or -1. */
int tick_bizcal_parse_hm(const char *s, size_t len, int *out);

/* Whether tz names a zone the tz database knows ("UTC" and "" too). */
int tick_bizcal_tz_ok(const char *tz);

/* Whether the calendar's hours are well formed (weekday, bounds, no
 * overlap on one weekday): 0, or -1 with *bad the index of the first bad
 * interval. */
int tick_bizcal_check(const struct tick_bizcal *cal, size_t *bad);

/*
 * The first open stretch [*s, *e) of the calendar that ends after t, cut
 * to start no earlier than t (pauses are not applied). 0, or -1 when none
 * within TICK_BIZCAL_HORIZON_DAYS.
 */
int tick_bizcal_next_open(const struct tick_bizcal *cal, int64_t t, int64_t *s,
    int64_t *e);

/* Whether t is inside the calendar's open time. */
int tick_bizcal_is_open(const struct tick_bizcal *cal, int64_t t);

/*
 * The instant at which `seconds` of business time after `from` have
 * passed, skipping closed time and the npauses pauses (any order, may
 * overlap). 0 with *out, or -1 when the horizon ends first. seconds 0
 * gives from itself when it is open, else the next opening.
 */
int
tick_bizcal_add(const struct tick_bizcal *cal, int64_t from, int64_t seconds,
    const struct tick_bizcal_pause *pauses, size_t npauses, int64_t *out);

/* Business seconds in [a, b) less the pauses; 0 when b <= a. */
int64_t tick_bizcal_between(const struct tick_bizcal *cal, int64_t a, int64_t b,
    const struct tick_bizcal_pause *pauses, size_t npauses);

/* The local date (days since 1970-01-01) of instant t in zone tz. */
int32_t tick_bizcal_local_day(const char *tz, int64_t t);

#endif
