#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit_api.h"
#include "bizcal.h"
#include "calendars.h"
#include "db.h"
#include "http.h"
#include "json.h"
#include "sla_api.h"
#include "sla_policies.h"
#include "teams.h"
#include "tickets.h"
#include "valid.h"

static const char *const severities[] = { "low", "medium", "high", "critical",
	NULL };

static void
not_found(struct tick_req *req, const char *what)
{
	tick_http_fail(req, 404, TICK_ENOTFOUND, "not_found", what, NULL);
}

/* Ends a write: commit, or roll back and answer the failure. 0 when
 * committed. */
static int
finish_tx(struct tick_req *req, enum tick_err rc, const char *dup)
{
	return tick_http_end_write(req, rc, "name", dup, "no such item");
}

/* ---- /api/calendars */

static const struct tick_field calendar_fields[] = {
	{ "name", TICK_FIELD_TEXT, 0, 1, TICK_CALENDAR_NAME_MAX, NULL },
	{ "timezone", TICK_FIELD_TEXT, 0, 1, TICK_BIZCAL_TZ_MAX - 1, NULL },
	{ "is_default", TICK_FIELD_BOOL, 0, 0, 0, NULL },
};

/* hours: [{weekday 0-6, start "HH:MM", end "HH:MM"}] */
static const char *
read_hours(const json_t *arr, struct tick_calendar_in *in)
{
	struct tick_bizcal cal = { NULL, in->hours, 0, NULL, 0 };
	const json_t *h;
	size_t i, bad = 0;

	if (!json_is_array(arr))
		return "must be an array of {weekday, start, end}";
	if (json_array_size(arr) > TICK_BIZCAL_MAX_HOURS)
		return "must hold at most 70 intervals";
	json_array_foreach (arr, i, h) {
		const json_t *wd = json_object_get(h, "weekday");
		const char *s = tick_json_str(h, "start"),
		           *e = tick_json_str(h, "end");

		if (!json_is_integer(wd) || json_integer_value(wd) < 0 ||
		    json_integer_value(wd) > 6 || s == NULL || e == NULL ||
		    tick_bizcal_parse_hm(s, strlen(s),
		        &in->hours[i].start_min) != 0 ||
		    tick_bizcal_parse_hm(e, strlen(e), &in->hours[i].end_min) !=
		        0)
			return "each interval is {weekday: 0 (Sunday) to 6, "
			       "start: \"HH:MM\", end: \"HH:MM\"}";
		in->hours[i].wday = (int)json_integer_value(wd);
	}
	in->nhours = json_array_size(arr);
	cal.nhours = in->nhours;
	if (tick_bizcal_check(&cal, &bad) != 0)
		return "intervals must end after they start and not overlap "
		       "on one weekday";
	return NULL;
}

/* holidays: [{date "YYYY-MM-DD", name?}] */
static const char *
read_holidays(const json_t *arr, struct tick_calendar_in *in)
{
	const json_t *h;
	size_t i;

	if (!json_is_array(arr))
		return "must be an array of {date, name}";
	if (json_array_size(arr) > TICK_BIZCAL_MAX_HOLIDAYS)
		return "must hold at most 366 dates";
	json_array_foreach (arr, i, h) {
		const char *d = tick_json_str(h, "date"),
		           *n = tick_json_str(h, "name");

		if (d == NULL ||
		    tick_bizcal_parse_date(d, strlen(d), &in->holidays[i]) != 0)
			return "each holiday is {date: \"YYYY-MM-DD\", name}";
		if (json_object_get(h, "name") != NULL &&
		    (n == NULL ||
		        tick_valid_utf8_chars(n) > TICK_HOLIDAY_NAME_MAX))
			return "a holiday's name is text of at most 100 "
			       "characters";
		for (size_t j = 0; j < i; j++)
			if (in->holidays[j] == in->holidays[i])
				return "each date once";
		in->holiday_names[i] = n;
	}
	in->nholidays = json_array_size(arr);
	return NULL;
}

static int
read_calendar(struct tick_req *req, json_t *body, int create,
    struct tick_calendar_in *in)
{
	json_t *errors = NULL, *v;
	const char *why;

	memset(in, 0, sizeof(*in));
	if (tick_valid_fields(body, calendar_fields,
	        sizeof(calendar_fields) / sizeof(calendar_fields[0]),
	        &errors) != TICK_OK)
		errors = errors ? errors : json_object();
	else if ((errors = json_object()) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		return -1;
	}
	in->name = tick_json_str(body, "name");
	in->has_name = in->name != NULL && in->name[0] != '\0';
	if ((create || json_object_get(body, "name") != NULL) &&
	    !in->has_name && json_object_get(errors, "name") == NULL)
		json_object_set_new(errors, "name",
		    json_string("is required: 1 to 100 characters"));
	if ((in->timezone = tick_json_str(body, "timezone")) != NULL) {
		in->has_timezone = 1;
		if (json_object_get(errors, "timezone") == NULL &&
		    !tick_bizcal_tz_ok(in->timezone))
			json_object_set_new(errors, "timezone",
			    json_string("must be an IANA time zone name, such "
			                "as Europe/Paris"));
	}
	if ((v = json_object_get(body, "is_default")) != NULL &&
	    json_is_boolean(v)) {
		in->has_default = 1;
		in->is_default = json_is_true(v);
	}
	if ((v = json_object_get(body, "hours")) != NULL) {
		in->has_hours = 1;
		if ((why = read_hours(v, in)) != NULL)
			json_object_set_new(errors, "hours", json_string(why));
	}
	if ((v = json_object_get(body, "holidays")) != NULL) {
		in->has_holidays = 1;
		if ((why = read_holidays(v, in)) != NULL)
			json_object_set_new(errors, "holidays",
			    json_string(why));
	}
	if ((v = json_object_get(body, "team_ids")) != NULL) {
		size_t i;
		json_t *t;

		if (!json_is_array(v) ||
		    json_array_size(v) > TICK_TEAM_MEMBERS_MAX)
			json_object_set_new(errors, "team_ids",
			    json_string("must be an array of team ids"));
		else
			json_array_foreach (v, i, t)
				if (tick_json_id_value(t) == 0) {
					json_object_set_new(errors, "team_ids",
					    json_string(
					        "must be an array of team ids"));
					break;
				}
	}
	return tick_http_fields_ok(req, "the calendar has invalid fields",
	    errors);
}

/* The teams named by team_ids use calendar id (those that named it and
 * are not listed fall back to the desk's). */
static enum tick_err
link_teams(struct tick_db *db, long long id, const json_t *body)
{
	const json_t *arr = json_object_get(body, "team_ids"), *t;
	enum tick_err rc = TICK_OK;
	json_t *cur = NULL;
	size_t i;

	if (arr == NULL)
		return TICK_OK;
	/* Unlink the calendar's teams first. */
	if ((cur = tick_calendar_json(db, id, &rc)) == NULL)
		return rc;
	json_array_foreach (json_object_get(cur, "team_ids"), i, t)
		if (rc == TICK_OK)
			rc = tick_calendar_set_team(db, json_integer_value(t),
			    0);
	json_decref(cur);
	json_array_foreach (arr, i, t)
		if (rc == TICK_OK)
			rc = tick_calendar_set_team(db, tick_json_id_value(t),
			    id);
	return rc;
}

static void
answer_calendar(struct tick_req *req, int status, long long id, const char *msg)
{
	enum tick_err rc;
	json_t *c = tick_calendar_json(req->app->db, id, &rc);

	tick_http_ok_found(req, status, c, rc, "no such calendar", msg);
}

void
tick_calendars_list(struct tick_req *req)
{
	json_t *items = NULL;
	enum tick_err rc = tick_calendar_list(req->app->db, &items);

	tick_http_ok_list(req, rc, items);
}

void
tick_calendars_get(struct tick_req *req)
{
	long long id = tick_http_param_id(req, 0);

	if (id == 0)
		not_found(req, "no such calendar");
	else
		answer_calendar(req, 200, id, NULL);
}

void
tick_calendars_create(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	struct tick_calendar_in *in = NULL;
	long long id = 0;
	enum tick_err rc;
	json_t *body;

	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if ((in = malloc(sizeof(*in))) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		goto out;
	}
	if (read_calendar(req, body, 1, in) != 0)
		goto out;
	if ((rc = tick_db_begin(db)) == TICK_OK &&
	    (rc = tick_calendar_create(db, in, &id)) == TICK_OK &&
	    (rc = link_teams(db, id, body)) == TICK_OK)
		rc = tick_audit_req(req, "calendar.create", "calendar", id,
		    json_deep_copy(body));
	if (finish_tx(req, rc, "another calendar has this name") == 0)
		answer_calendar(req, 201, id, "calendar created");
out:
	free(in);
	json_decref(body);
}

void
tick_calendars_update(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0);
	struct tick_calendar_in *in = NULL;
	json_t *body = NULL, *before = NULL;
	enum tick_err rc;

	if (id == 0) {
		not_found(req, "no such calendar");
		return;
	}
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if ((in = malloc(sizeof(*in))) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		goto out;
	}
	if (read_calendar(req, body, 0, in) != 0)
		goto out;
	if ((rc = tick_db_begin(db)) == TICK_OK &&
	    (rc = tick_calendar_lock(db, id)) == TICK_OK &&
	    (before = tick_calendar_json(db, id, &rc)) != NULL &&
	    (rc = tick_calendar_update(db, id, in)) == TICK_OK &&
	    (rc = link_teams(db, id, body)) == TICK_OK)
		rc = tick_audit_req(req, "calendar.update", "calendar", id,
		    json_pack("{s:O, s:O}", "before", before, "changes", body));
	if (finish_tx(req, rc, "another calendar has this name") == 0)
		answer_calendar(req, 200, id, "calendar updated");
out:
	free(in);
	json_decref(before);
	json_decref(body);
}

void
tick_calendars_delete(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0);
	json_t *before = NULL;
	enum tick_err rc;

	if (id == 0) {
		not_found(req, "no such calendar");
		return;
	}
	if ((rc = tick_db_begin(db)) == TICK_OK &&
	    (rc = tick_calendar_lock(db, id)) == TICK_OK &&
	    (before = tick_calendar_json(db, id, &rc)) != NULL &&
	    (rc = tick_calendar_delete(db, id)) == TICK_OK)
		rc = tick_audit_req(req, "calendar.delete", "calendar", id,
		    json_pack("{s:O}", "calendar", before));
	if (finish_tx(req, rc, "") == 0)
		tick_http_ok_deleted(req, id, "calendar deleted");
	json_decref(before);
}

/* ---- /api/sla-policies */

static const struct tick_field policy_fields[] = {
	{ "name", TICK_FIELD_TEXT, 0, 1, TICK_SLA_NAME_MAX, NULL },
	{ "reassign_on_breach", TICK_FIELD_BOOL, 0, 0, 0, NULL },
};

/* A whole number field from 1 to max, or null (none). */
static void
read_opt_num(json_t *body, const char *key, long long max, int *has,
    long long *out, json_t *errors, const char *why)
{
	json_t *v = json_object_get(body, key);

	if (v == NULL)
		return;
	*has = 1;
	*out = 0;
	if (json_is_null(v))
		return;
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > max)
		json_object_set_new(errors, key, json_string(why));
	else
		*out = (long long)json_integer_value(v);
}

static int
read_policy(struct tick_req *req, json_t *body, int create,
    struct tick_sla_policy_in *in)
{
	static const char *const mins =
	    "must be a whole number of business minutes from 1 to 525600, "
	    "or null for none";
	json_t *errors = NULL, *v;
	int has = 0;

	memset(in, 0, sizeof(*in));
	if (tick_valid_fields(body, policy_fields,
	        sizeof(policy_fields) / sizeof(policy_fields[0]),
	        &errors) != TICK_OK)
		errors = errors ? errors : json_object();
	else if ((errors = json_object()) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		return -1;
	}
	in->name = tick_json_str(body, "name");
	in->has_name = in->name != NULL && in->name[0] != '\0';
	if ((create || json_object_get(body, "name") != NULL) &&
	    !in->has_name && json_object_get(errors, "name") == NULL)
		json_object_set_new(errors, "name",
		    json_string("is required: 1 to 100 characters"));
	if ((v = json_object_get(body, "position")) != NULL || create) {
		in->has_position = 1;
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 1000000)
			json_object_set_new(errors, "position",
			    json_string("is required: a whole number from 0 to "
			                "1000000 (lowest matches first)"));
		else
			in->position = (long long)json_integer_value(v);
	}
	if ((v = json_object_get(body, "severity")) != NULL) {
		in->has_severity = 1;
		if (!json_is_null(v)) {
			const char *s = json_string_value(v);
			int ok = 0;

			for (size_t i = 0; s != NULL && severities[i]; i++)
				ok |= strcmp(s, severities[i]) == 0;
			if (!ok)
				json_object_set_new(errors, "severity",
				    json_string("must be low, medium, high, "
				                "critical or null (any)"));
			else
				in->severity = s;
		}
	}
	if ((v = json_object_get(body, "site_id")) != NULL) {
		in->has_site = 1;
		if (!json_is_null(v) &&
		    (in->site_id = tick_json_id_value(v)) == 0)
			json_object_set_new(errors, "site_id",
			    json_string("must be a site id, or null (any)"));
	}
	if ((v = json_object_get(body, "team_id")) != NULL) {
		in->has_team = 1;
		if (!json_is_null(v) &&
		    (in->team_id = tick_json_id_value(v)) == 0)
			json_object_set_new(errors, "team_id",
			    json_string("must be a team id, or null (any)"));
	}
	if ((v = json_object_get(body, "tag")) != NULL) {
		in->has_tag = 1;
		if (!json_is_null(v)) {
			/* The rules of a ticket's tags (PUT .../tags), so
			 * that "VIP" here matches the tag "vip" there. */
			const char *why = NULL;

			if (!json_is_string(v) ||
			    tick_tag_normalize(json_string_value(v),
			        json_string_length(v), in->tag_buf,
			        sizeof(in->tag_buf), &why) != TICK_OK)
				json_object_set_new(errors, "tag",
				    json_string(why != NULL ?
				            why :
				            "must be a tag (1 to 32 characters, "
				            "no comma), or null (any)"));
			else
				in->tag = in->tag_buf;
		}
	}
	read_opt_num(body, "first_response_minutes",
	    TICK_SLA_TARGET_MAX_MINUTES, &in->has_first, &in->first_min, errors,
	    mins);
	read_opt_num(body, "next_response_minutes", TICK_SLA_TARGET_MAX_MINUTES,
	    &in->has_next, &in->next_min, errors, mins);
	read_opt_num(body, "resolution_minutes", TICK_SLA_TARGET_MAX_MINUTES,
	    &in->has_resolution, &in->resolution_min, errors, mins);
	if ((v = json_object_get(body, "reassign_on_breach")) != NULL &&
	    json_is_boolean(v)) {
		in->has_reassign = 1;
		in->reassign = json_is_true(v);
	}
	(void)has;
	return tick_http_fields_ok(req, "the SLA policy has invalid fields",
	    errors);
}

static void
answer_policy(struct tick_req *req, int status, long long id, const char *msg)
{
	enum tick_err rc;
	json_t *p = tick_sla_policy_json(req->app->db, id, &rc);

	tick_http_ok_found(req, status, p, rc, "no such SLA policy", msg);
}

void
tick_sla_policies_list(struct tick_req *req)
{
	json_t *items = NULL;
	enum tick_err rc = tick_sla_policy_list(req->app->db, &items);

	tick_http_ok_list(req, rc, items);
}

void
tick_sla_policies_get(struct tick_req *req)
{
	long long id = tick_http_param_id(req, 0);

	if (id == 0)
		not_found(req, "no such SLA policy");
	else
		answer_policy(req, 200, id, NULL);
}

void
tick_sla_policies_create(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	struct tick_sla_policy_in in;
	long long id = 0;
	enum tick_err rc;
	json_t *body;

	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if (read_policy(req, body, 1, &in) != 0)
		goto out;
	if ((rc = tick_db_begin(db)) == TICK_OK &&
	    (rc = tick_sla_policy_create(db, &in, &id)) == TICK_OK)
		rc = tick_audit_req(req, "sla_policy.create", "sla_policy", id,
		    json_deep_copy(body));
	if (finish_tx(req, rc, "another SLA policy has this name") == 0)
		answer_policy(req, 201, id, "SLA policy created");
out:
	json_decref(body);
}

void
tick_sla_policies_update(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0);
	json_t *body = NULL, *before = NULL;
	struct tick_sla_policy_in in;
	enum tick_err rc;

	if (id == 0) {
		not_found(req, "no such SLA policy");
		return;
	}
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if (read_policy(req, body, 0, &in) != 0)
		goto out;
	if ((rc = tick_db_begin(db)) == TICK_OK &&
	    (before = tick_sla_policy_json(db, id, &rc)) != NULL &&
	    (rc = tick_sla_policy_update(db, id, &in)) == TICK_OK)
		rc = tick_audit_req(req, "sla_policy.update", "sla_policy", id,
		    json_pack("{s:O, s:O}", "before", before, "changes", body));
	if (finish_tx(req, rc, "another SLA policy has this name") == 0)
		answer_policy(req, 200, id, "SLA policy updated");
out:
	json_decref(before);
	json_decref(body);
}

void
tick_sla_policies_delete(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0);
	json_t *before = NULL;
	enum tick_err rc;

	if (id == 0) {
		not_found(req, "no such SLA policy");
		return;
	}
	if ((rc = tick_db_begin(db)) == TICK_OK &&
	    (before = tick_sla_policy_json(db, id, &rc)) != NULL &&
	    (rc = tick_sla_policy_delete(db, id)) == TICK_OK)
		rc = tick_audit_req(req, "sla_policy.delete", "sla_policy", id,
		    json_pack("{s:O}", "policy", before));
	if (finish_tx(req, rc, "") == 0)
		tick_http_ok_deleted(req, id, "SLA policy deleted");
	json_decref(before);
}
