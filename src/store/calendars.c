#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendars.h"
#include "db.h"
#include "log.h"

#define ISO(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%fZ')"

enum cal_stmt {
	CA_CREATE,
	CA_UPDATE,
	CA_UNDEFAULT,
	CA_DELETE,
	CA_DEL_HOURS,
	CA_DEL_HOLIDAYS,
	CA_UNLINK_TEAMS,
	CA_ADD_HOUR,
	CA_ADD_HOLIDAY,
	CA_GET,
	CA_LIST,
	CA_HOURS,
	CA_HOLIDAYS,
	CA_TEAMS,
	CA_LOCK,
	CA_EXISTS,
	CA_SET_TEAM,
	CA_FOR_TEAM,
	CA_OOH,
	CA_STMT__MAX
};

/* clang-format off */
#define CAL_COLUMNS "c.id, c.name, c.timezone, c.is_default, " \
	ISO("c.created_at") ", " ISO("c.updated_at")

static const char *const stmts[CA_STMT__MAX] = {
	[CA_CREATE] = "INSERT INTO calendars (name, timezone, is_default)"
	              " VALUES (?, ?, ?)",
	[CA_UPDATE] = "UPDATE calendars SET name = IF(?, ?, name),"
	              " timezone = IF(?, ?, timezone),"
	              " is_default = IF(?, ?, is_default),"
	              " updated_at = CURRENT_TIMESTAMP(3) WHERE id = ?",
	[CA_UNDEFAULT] = "UPDATE calendars SET is_default = 0"
	                 " WHERE is_default = 1 AND id <> ?",
	[CA_DELETE] = "DELETE FROM calendars WHERE id = ?",
	[CA_DEL_HOURS] = "DELETE FROM calendar_hours WHERE calendar_id = ?",
	[CA_DEL_HOLIDAYS] = "DELETE FROM calendar_holidays WHERE calendar_id = ?",
	[CA_UNLINK_TEAMS] = "UPDATE teams SET calendar_id = NULL"
	                    " WHERE calendar_id = ?",
	[CA_ADD_HOUR] = "INSERT INTO calendar_hours (calendar_id, weekday,"
	                " start_min, end_min) VALUES (?, ?, ?, ?)",
	[CA_ADD_HOLIDAY] = "INSERT INTO calendar_holidays (calendar_id, day,"
	                   " name) VALUES (?, ?, ?)",
	[CA_GET] = "SELECT " CAL_COLUMNS " FROM calendars c WHERE c.id = ?",
	[CA_LIST] = "SELECT c.id FROM calendars c ORDER BY c.name, c.id"
	            " LIMIT ?",
	[CA_HOURS] = "SELECT weekday, start_min, end_min FROM calendar_hours"
	             " WHERE calendar_id = ? ORDER BY weekday, start_min"
	             " LIMIT 70",
	[CA_HOLIDAYS] = "SELECT DATE_FORMAT(day, '%Y-%m-%d'), name"
	                " FROM calendar_holidays WHERE calendar_id = ?"
	                " ORDER BY day LIMIT 366",
	[CA_TEAMS] = "SELECT id FROM teams WHERE calendar_id = ? ORDER BY id"
	             " LIMIT 500",
	[CA_LOCK] = "SELECT id FROM calendars WHERE id = ? FOR UPDATE",
	[CA_EXISTS] = "SELECT id FROM calendars WHERE id = ?",
	[CA_SET_TEAM] = "UPDATE teams SET calendar_id = ? WHERE id = ?",
	/* The team's calendar first, then the desk's default. */
	[CA_FOR_TEAM] =
	    "SELECT c.id, c.timezone FROM calendars c"
	    " LEFT JOIN teams tm ON tm.id = ? AND tm.calendar_id = c.id"
	    " WHERE tm.id IS NOT NULL OR c.is_default = 1"
	    " ORDER BY tm.id IS NULL, c.id LIMIT 1",
	[CA_OOH] = "INSERT IGNORE INTO ooh_replies (ticket_id, local_day)"
	           " VALUES (?, ?)",
};
/* clang-format on */

static enum tick_err
write_parts(struct tick_db *db, long long id, const struct tick_calendar_in *in)
{
	enum tick_err rc = TICK_OK;
	struct tick_q q;
	char day[11];

	if (in->has_hours) {
		tick_q_init(&q, db, stmts[CA_DEL_HOURS]);
		tick_q_int(&q, id);
		rc = tick_q_run(&q);
		for (size_t i = 0; rc == TICK_OK && i < in->nhours; i++) {
			tick_q_init(&q, db, stmts[CA_ADD_HOUR]);
			tick_q_int(&q, id);
			tick_q_int(&q, in->hours[i].wday);
			tick_q_int(&q, in->hours[i].start_min);
			tick_q_int(&q, in->hours[i].end_min);
			rc = tick_q_run(&q);
		}
	}
	if (rc == TICK_OK && in->has_holidays) {
		tick_q_init(&q, db, stmts[CA_DEL_HOLIDAYS]);
		tick_q_int(&q, id);
		rc = tick_q_run(&q);
		for (size_t i = 0; rc == TICK_OK && i < in->nholidays; i++) {
			tick_bizcal_format_date(in->holidays[i], day);
			tick_q_init(&q, db, stmts[CA_ADD_HOLIDAY]);
			tick_q_int(&q, id);
			tick_q_str(&q, day, (size_t)-1);
			tick_q_str(&q,
			    in->holiday_names[i] ? in->holiday_names[i] : "",
			    (size_t)-1);
			rc = tick_q_run(&q);
		}
	}
	if (rc == TICK_OK && in->has_default && in->is_default) {
		tick_q_init(&q, db, stmts[CA_UNDEFAULT]);
		tick_q_int(&q, id);
		rc = tick_q_run(&q);
	}
	return rc;
}

enum tick_err
tick_calendar_create(struct tick_db *db, const struct tick_calendar_in *in,
    long long *id)
{
	enum tick_err rc;
	struct tick_q q;

	tick_q_init(&q, db, stmts[CA_CREATE]);
	tick_q_str(&q, in->name, (size_t)-1);
	tick_q_str(&q, in->has_timezone ? in->timezone : "UTC", (size_t)-1);
	tick_q_int(&q, in->has_default && in->is_default);
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	if (rc == TICK_OK)
		rc = write_parts(db, *id, in);
	return rc;
}

enum tick_err
tick_calendar_update(struct tick_db *db, long long id,
    const struct tick_calendar_in *in)
{
	enum tick_err rc;
	struct tick_q q;

	tick_q_init(&q, db, stmts[CA_UPDATE]);
	tick_q_int(&q, in->has_name);
	tick_q_str(&q, in->has_name ? in->name : "", (size_t)-1);
	tick_q_int(&q, in->has_timezone);
	tick_q_str(&q, in->has_timezone ? in->timezone : "", (size_t)-1);
	tick_q_int(&q, in->has_default);
	tick_q_int(&q, in->is_default);
	tick_q_int(&q, id);
	if ((rc = tick_q_run(&q)) == TICK_OK)
		rc = write_parts(db, id, in);
	return rc;
}

enum tick_err
tick_calendar_delete(struct tick_db *db, long long id)
{
	static const int order[] = { CA_DEL_HOURS, CA_DEL_HOLIDAYS,
		CA_UNLINK_TEAMS, CA_DELETE };
	enum tick_err rc = TICK_OK;
	struct tick_q q;

	for (size_t i = 0; rc == TICK_OK && i < 4; i++) {
		tick_q_init(&q, db, stmts[order[i]]);
		tick_q_int(&q, id);
		rc = tick_q_run(&q);
	}
	return rc;
}

static enum tick_err
one_id(struct tick_db *db, int stmt, long long id)
{
	long long got = 0;
	struct tick_q q;

	tick_q_init(&q, db, stmts[stmt]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &got);
	return tick_q_one(&q);
}

enum tick_err
tick_calendar_lock(struct tick_db *db, long long id)
{
	return one_id(db, CA_LOCK, id);
}

enum tick_err
tick_calendar_exists(struct tick_db *db, long long id)
{
	return one_id(db, CA_EXISTS, id);
}

/* Adds hours, holidays and team_ids to calendar object o. */
static enum tick_err
add_parts(struct tick_db *db, json_t *o, long long id)
{
	json_t *hours = json_array(), *hols = json_array(),
	       *teams = json_array();
	long long wd = 0, s = 0, e = 0, team = 0;
	char day[16], name[TICK_HOLIDAY_NAME_MAX * 4 + 1], a[8], b[8];
	enum tick_err rc = TICK_ENOMEM;
	struct tick_q q;
	int f;

	if (hours == NULL || hols == NULL || teams == NULL)
		goto out;
	tick_q_init(&q, db, stmts[CA_HOURS]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &wd);
	tick_q_out_int(&q, &s);
	tick_q_out_int(&q, &e);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		snprintf(a, sizeof(a), "%02lld:%02lld", s / 60 % 100, s % 60);
		snprintf(b, sizeof(b), "%02lld:%02lld", e / 60 % 100, e % 60);
		json_array_append_new(hours,
		    json_pack("{s:I, s:s, s:s}", "weekday", (json_int_t)wd,
		        "start", a, "end", b));
	}
	tick_q_done(&q);
	if (rc != TICK_OK)
		goto out;
	tick_q_init(&q, db, stmts[CA_HOLIDAYS]);
	tick_q_int(&q, id);
	tick_q_out_str(&q, day, sizeof(day));
	tick_q_out_str(&q, name, sizeof(name));
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		json_array_append_new(hols,
		    json_pack("{s:s, s:s}", "date", day, "name", name));
	}
	tick_q_done(&q);
	if (rc != TICK_OK)
		goto out;
	tick_q_init(&q, db, stmts[CA_TEAMS]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &team);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		json_array_append_new(teams, json_integer(team));
	}
	tick_q_done(&q);
	if (rc != TICK_OK)
		goto out;
	json_object_set_new(o, "hours", hours);
	json_object_set_new(o, "holidays", hols);
	json_object_set_new(o, "team_ids", teams);
	return TICK_OK;
out:
	json_decref(hours);
	json_decref(hols);
	json_decref(teams);
	return rc;
}

json_t *
tick_calendar_json(struct tick_db *db, long long id, enum tick_err *rc)
{
	char name[TICK_CALENDAR_NAME_MAX * 4 + 1], tz[TICK_BIZCAL_TZ_MAX],
	    created[40], updated[40];
	long long got = 0, def = 0;
	struct tick_q q;
	json_t *o = NULL;

	tick_q_init(&q, db, stmts[CA_GET]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &got);
	tick_q_out_str(&q, name, sizeof(name));
	tick_q_out_str(&q, tz, sizeof(tz));
	tick_q_out_int(&q, &def);
	tick_q_out_str(&q, created, sizeof(created));
	tick_q_out_str(&q, updated, sizeof(updated));
	if ((*rc = tick_q_one(&q)) != TICK_OK)
		return NULL;
	o = json_pack("{s:I, s:s, s:s, s:b, s:s, s:s}", "id", (json_int_t)got,
	    "name", name, "timezone", tz, "is_default", (int)def, "created_at",
	    created, "updated_at", updated);
	if (o == NULL) {
		*rc = TICK_ENOMEM;
		return NULL;
	}
	if ((*rc = add_parts(db, o, id)) != TICK_OK) {
		json_decref(o);
		return NULL;
	}
	return o;
}

enum tick_err
tick_calendar_list(struct tick_db *db, json_t **items)
{
	long long *ids = NULL, n = 0;
	enum tick_err rc;
	json_t *o;

	if ((*items = json_array()) == NULL)
		return TICK_ENOMEM;
	rc = tick_db_ids(db, stmts[CA_LIST], 200, &ids, &n);
	for (long long i = 0; rc == TICK_OK && i < n; i++)
		if ((o = tick_calendar_json(db, ids[i], &rc)) != NULL)
			json_array_append_new(*items, o);
	free(ids);
	if (rc != TICK_OK) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

enum tick_err
tick_calendar_set_team(struct tick_db *db, long long team_id,
    long long calendar_id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[CA_SET_TEAM]);
	tick_q_opt_int(&q, calendar_id);
	tick_q_int(&q, team_id);
	return tick_q_run(&q);
}

enum tick_err
tick_calendar_for_team(struct tick_db *db, long long team_id,
    struct tick_calendar *out)
{
	long long wd = 0, s = 0, e = 0;
	enum tick_err rc;
	struct tick_q q;
	char day[16], hname[TICK_HOLIDAY_NAME_MAX * 4 + 1];
	int f;

	memset(out, 0, sizeof(*out));
	memcpy(out->timezone, "UTC", 4);
	out->cal.tz = out->timezone;
	out->cal.hours = out->hours;
	out->cal.holidays = out->holidays;
	tick_q_init(&q, db, stmts[CA_FOR_TEAM]);
	tick_q_int(&q, team_id);
	tick_q_out_int(&q, &out->id);
	tick_q_out_str(&q, out->timezone, sizeof(out->timezone));
	rc = tick_q_one(&q);
	if (rc == TICK_ENOTFOUND) {
		out->id = 0;
		memcpy(out->timezone, "UTC", 4);
		return TICK_OK;
	}
	if (rc != TICK_OK)
		return rc;
	if (!tick_bizcal_tz_ok(out->timezone)) {
		tick_log_warn("%s: calendar %lld: unknown zone, UTC used",
		    __func__, out->id);
		memcpy(out->timezone, "UTC", 4);
	}
	tick_q_init(&q, db, stmts[CA_HOURS]);
	tick_q_int(&q, out->id);
	tick_q_out_int(&q, &wd);
	tick_q_out_int(&q, &s);
	tick_q_out_int(&q, &e);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0 || out->cal.nhours >= TICK_BIZCAL_MAX_HOURS) {
			rc = f < 0 ? TICK_EDB : TICK_OK;
			break;
		}
		out->hours[out->cal.nhours].wday = (int)wd;
		out->hours[out->cal.nhours].start_min = (int)s;
		out->hours[out->cal.nhours].end_min = (int)e;
		out->cal.nhours++;
	}
	tick_q_done(&q);
	if (rc != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[CA_HOLIDAYS]);
	tick_q_int(&q, out->id);
	tick_q_out_str(&q, day, sizeof(day));
	tick_q_out_str(&q, hname, sizeof(hname));
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		int32_t z;

		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		if (out->cal.nholidays < TICK_BIZCAL_MAX_HOLIDAYS &&
		    tick_bizcal_parse_date(day, strlen(day), &z) == 0)
			out->holidays[out->cal.nholidays++] = z;
	}
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_calendar_ooh_mark(struct tick_db *db, long long ticket_id, int32_t day,
    int *first)
{
	char d[11];
	long long n = 0;
	struct tick_q q;
	enum tick_err rc;

	tick_bizcal_format_date(day, d);
	tick_q_init(&q, db, stmts[CA_OOH]);
	tick_q_int(&q, ticket_id);
	tick_q_str(&q, d, (size_t)-1);
	rc = tick_q_count(&q, &n);
	*first = n > 0;
	return rc;
}
