/* tick: business time. See bizcal.h for the contract. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bizcal.h"

/* The seven whole days of a calendar without hours. */
static const struct tick_bizcal_hours always[7] = {
	{ 0, 0, 1440 },
	{ 1, 0, 1440 },
	{ 2, 0, 1440 },
	{ 3, 0, 1440 },
	{ 4, 0, 1440 },
	{ 5, 0, 1440 },
	{ 6, 0, 1440 },
};

/* The TZ a call found, put back when it ends. */
struct tz_saved {
	char value[256];
	int had;
};

static void
tz_enter(const char *tz, struct tz_saved *sv)
{
	const char *old = getenv("TZ");

	sv->had = old != NULL && strlen(old) < sizeof(sv->value);
	if (sv->had)
		memcpy(sv->value, old, strlen(old) + 1);
	setenv("TZ", tz != NULL && tz[0] != '\0' ? tz : "UTC", 1);
	tzset();
}

static void
tz_leave(const struct tz_saved *sv)
{
	if (sv->had)
		setenv("TZ", sv->value, 1);
	else
		unsetenv("TZ");
	tzset();
}

int32_t
tick_bizcal_day(int y, int m, int d)
{
	/* Howard Hinnant's days_from_civil. */
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

static void
civil(int32_t z, int *y, int *m, int *d)
{
	/* civil_from_days, the inverse of tick_bizcal_day. */
	long zz = (long)z + 719468;
	long era = (zz >= 0 ? zz : zz - 146096) / 146097;
	long doe = zz - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

void
tick_bizcal_format_date(int32_t z, char buf[11])
{
	int y, m, d;

	civil(z, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 0;
	snprintf(buf, 11, "%04d-%02d-%02d", y, m, d);
}

static int
digits(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
tick_bizcal_parse_date(const char *s, size_t len, int32_t *out)
{
	int y, m, d, yy, mm, dd;
	int32_t z;

	if (s == NULL || len != 10 || s[4] != '-' || s[7] != '-' ||
	    digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
		return -1;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	z = tick_bizcal_day(y, m, d);
	/* 2025-02-30 comes back as another date: refused. */
	civil(z, &yy, &mm, &dd);
	if (yy != y || mm != m || dd != d)
		return -1;
	*out = z;
	return 0;
}

int
tick_bizcal_parse_hm(const char *s, size_t len, int *out)
{
	int h, m;

	if (s == NULL || len != 5 || s[2] != ':' || digits(s, 2, &h) ||
	    digits(s + 3, 2, &m) || m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*out = h * 60 + m;
	return 0;
}

int
tick_bizcal_tz_ok(const char *tz)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	size_t n;
	int r;

	if (tz == NULL)
		return 0;
	n = strlen(tz);
	if (n == 0 || strcmp(tz, "UTC") == 0)
		return 1;
	if (n >= TICK_BIZCAL_TZ_MAX || tz[0] == '/' || strstr(tz, "..") ||
	    strchr(tz, ',') != NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(tz[i] == '/' || tz[i] == '_' || tz[i] == '-' ||
		        tz[i] == '+' || (tz[i] >= '0' && tz[i] <= '9') ||
		        (tz[i] >= 'a' && tz[i] <= 'z') ||
		        (tz[i] >= 'A' && tz[i] <= 'Z')))
			return 0;
	r = snprintf(path, sizeof(path), "%s/%s",
	    dir != NULL && dir[0] != '\0' ? dir : "/usr/share/zoneinfo", tz);
	if (r < 0 || (size_t)r >= sizeof(path))
		return 0;
	return access(path, R_OK) == 0;
}

int
tick_bizcal_check(const struct tick_bizcal *cal, size_t *bad)
{
	const struct tick_bizcal_hours *h = cal->hours;

	if (cal->nhours > TICK_BIZCAL_MAX_HOURS) {
		*bad = TICK_BIZCAL_MAX_HOURS;
		return -1;
	}
	for (size_t i = 0; i < cal->nhours; i++) {
		if (h[i].wday < 0 || h[i].wday > 6 || h[i].start_min < 0 ||
		    h[i].end_min > 1440 || h[i].start_min >= h[i].end_min) {
			*bad = i;
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (h[j].wday == h[i].wday &&
			    h[j].start_min < h[i].end_min &&
			    h[i].start_min < h[j].end_min) {
				*bad = i;
				return -1;
			}
	}
	return 0;
}

/* TZ is set: the local day of t. */
static int32_t
local_day(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return 0;
	return tick_bizcal_day(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* TZ is set: the instant of local minute `min` of day z. A minute in a
 * spring-forward gap comes out as mktime normalises it (an hour on). */
static int64_t
local_instant(int32_t z, int min)
{
	struct tm tm;
	int y, m, d;

	civil(z, &y, &m, &d);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = min / 60;
	tm.tm_min = min % 60;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static int
holiday(const struct tick_bizcal *cal, int32_t z)
{
	for (size_t i = 0; i < cal->nholidays; i++)
		if (cal->holidays[i] == z)
			return 1;
	return 0;
}

/* TZ is set: as tick_bizcal_next_open. */
static int
next_open(const struct tick_bizcal *cal, int64_t t, int64_t *s, int64_t *e)
{
	const struct tick_bizcal_hours *hours = cal->hours;
	size_t nhours = cal->nhours;
	int32_t first = local_day(t) - 1;

	if (nhours == 0) {
		hours = always;
		nhours = 7;
	}
	for (int32_t z = first; z <= first + TICK_BIZCAL_HORIZON_DAYS; z++) {
		int wday = (int)(((z + 4) % 7 + 7) % 7);
		int found = 0;
		int64_t bs = 0, be = 0;

		if (holiday(cal, z))
			continue;
		for (size_t i = 0; i < nhours; i++) {
			int64_t a, b;

			if (hours[i].wday != wday)
				continue;
			a = local_instant(z, hours[i].start_min);
			b = local_instant(z, hours[i].end_min);
			if (b <= t || b <= a)
				continue;
			if (!found || a < bs) {
				bs = a;
				be = b;
				found = 1;
			}
		}
		if (found) {
			*s = bs > t ? bs : t;
			*e = be;
			return 0;
		}
	}
	return -1;
}

/* The first instant at or after x outside every pause. */
static int64_t
past_pauses(int64_t x, const struct tick_bizcal_pause *p, size_t n)
{
	int moved = 1;

	while (moved) {
		moved = 0;
		for (size_t i = 0; i < n; i++)
			if (p[i].start <= x && x < p[i].end) {
				x = p[i].end;
				moved = 1;
			}
	}
	return x;
}

/* The first pause start after x, or limit. */
static int64_t
next_pause(int64_t x, int64_t limit, const struct tick_bizcal_pause *p,
    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].start > x && p[i].start < limit)
			limit = p[i].start;
	return limit;
}

int
tick_bizcal_next_open(const struct tick_bizcal *cal, int64_t t, int64_t *s,
    int64_t *e)
{
	struct tz_saved sv;
	int r;

	tz_enter(cal->tz, &sv);
	r = next_open(cal, t, s, e);
	tz_leave(&sv);
	return r;
}

int
tick_bizcal_is_open(const struct tick_bizcal *cal, int64_t t)
{
	int64_t s, e;

	return tick_bizcal_next_open(cal, t, &s, &e) == 0 && s == t;
}

int
tick_bizcal_add(const struct tick_bizcal *cal, int64_t from, int64_t seconds,
    const struct tick_bizcal_pause *pauses, size_t npauses, int64_t *out)
{
	/* Past this the search gives up (and time_t stays in range). */
	int64_t limit = from + (int64_t)TICK_BIZCAL_HORIZON_DAYS * 86400;
	int64_t cur = from, left = seconds < 0 ? 0 : seconds;
	struct tz_saved sv;
	int r = -1;

	tz_enter(cal->tz, &sv);
	while (cur < limit) {
		int64_t s, e;

		if (next_open(cal, cur, &s, &e) != 0)
			break;
		s = past_pauses(s, pauses, npauses);
		if (s >= e) {
			cur = s > e ? s : e;
			continue;
		}
		e = next_pause(s, e, pauses, npauses);
		if (left <= e - s) {
			*out = s + left;
			r = 0;
			break;
		}
		left -= e - s;
		cur = e;
	}
	tz_leave(&sv);
	return r;
}

int64_t
tick_bizcal_between(const struct tick_bizcal *cal, int64_t a, int64_t b,
    const struct tick_bizcal_pause *pauses, size_t npauses)
{
	int64_t cur = a, total = 0;
	struct tz_saved sv;

	if (b <= a)
		return 0;
	tz_enter(cal->tz, &sv);
	while (cur < b) {
		int64_t s, e, x;

		if (next_open(cal, cur, &s, &e) != 0 || s >= b)
			break;
		if (e > b)
			e = b;
		for (x = s; x < e;) {
			int64_t y;

			x = past_pauses(x, pauses, npauses);
			if (x >= e)
				break;
			y = next_pause(x, e, pauses, npauses);
			total += y - x;
			x = y;
		}
		cur = e;
	}
	tz_leave(&sv);
	return total;
}

int32_t
tick_bizcal_local_day(const char *tz, int64_t t)
{
	struct tz_saved sv;
	int32_t z;

	tz_enter(tz, &sv);
	z = local_day(t);
	tz_leave(&sv);
	return z;
}
