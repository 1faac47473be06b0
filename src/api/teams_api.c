#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "assign.h"
#include "assign_rules.h"
#include "audit_api.h"
#include "db.h"
#include "events.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "replies.h"
#include "session.h"
#include "tags.h"
#include "teams.h"
#include "teams_api.h"
#include "sla.h"
#include "clock.h"
#include "ticket_args.h"
#include "tickets.h"
#include "user.h"
#include "valid.h"

static int
is_admin(const struct tick_req *req)
{
	return tick_role_allows(req->user.role, TICK_PERM_TICKETS_ADMIN);
}

static void
no_such_team(struct tick_req *req)
{
	tick_http_fail(req, 404, TICK_ENOTFOUND, "not_found", "no such team",
	    NULL);
}

/* Answers status with team id as it is now. */
static void
answer_team(struct tick_req *req, int status, long long id, const char *msg)
{
	enum tick_err rc;
	json_t *t = tick_team_json(req->app->db, id, &rc);

	tick_http_ok_found(req, status, t, rc, "no such team", msg);
}

/* Waiting tickets of team id go out (after a change that may give
 * room); a failure is logged, never the request's. */
static void
drain(struct tick_req *req, long long team_id, long long user_id)
{
	long long n = 0;
	enum tick_err rc = team_id > 0 ?
	    tick_assign_drain(req->app->db, team_id, &n) :
	    tick_assign_drain_user(req->app->db, user_id, &n);

	if (rc != TICK_OK)
		tick_log_warn("%s: waiting tickets not assigned: %s", __func__,
		    tick_strerror(rc));
}

/* ---- /api/teams */

static const struct tick_field team_fields[] = {
	{ "name", TICK_FIELD_TEXT, 0, 1, TICK_TEAM_NAME_MAX, NULL },
	{ "assignment", TICK_FIELD_ENUM, 0, 0, 0, tick_assign_mode_names },
	{ "is_default", TICK_FIELD_BOOL, 0, 0, 0, NULL },
};

/*
 * Reads a team's body into in (create: name required). site_id and
 * agent_capacity are null (none) or a value. Returns 0, or -1 after
 * answering 422 naming each bad field.
 */
static int
read_team(struct tick_req *req, json_t *body, int create,
    struct tick_team_in *in)
{
	json_t *errors = NULL, *v;
	long long parent = 0;
	enum tick_err rc;

	memset(in, 0, sizeof(*in));
	if (tick_valid_fields(body, team_fields,
	        sizeof(team_fields) / sizeof(team_fields[0]),
	        &errors) != TICK_OK)
		errors = errors ? errors : json_object();
	else if ((errors = json_object()) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		return -1;
	}
	in->name = json_string_value(json_object_get(body, "name"));
	in->has_name = in->name != NULL && in->name[0] != '\0';
	if ((create || json_object_get(body, "name") != NULL) &&
	    !in->has_name && json_object_get(errors, "name") == NULL)
		json_object_set_new(errors, "name",
		    json_string("is required: 1 to 100 characters"));
	if ((v = json_object_get(body, "assignment")) != NULL &&
	    json_is_string(v))
		in->has_assignment = tick_assign_mode_parse(json_string_value(
		                                                v),
		                         &in->assignment) == TICK_OK;
	if ((v = json_object_get(body, "is_default")) != NULL &&
	    json_is_boolean(v)) {
		in->has_default = 1;
		in->is_default = json_is_true(v);
	}
	if ((v = json_object_get(body, "site_id")) != NULL) {
		in->has_site = 1;
		if (!json_is_null(v) &&
		    (in->site_id = tick_json_id_value(v)) == 0)
			json_object_set_new(errors, "site_id",
			    json_string("must be a site id, or null for none"));
		else if (in->site_id > 0 &&
		    (rc = tick_ticket_site(req->app->db, in->site_id,
		         &parent)) != TICK_OK) {
			if (rc != TICK_ENOTFOUND) {
				json_decref(errors);
				tick_http_fail(req, 0, rc, NULL, NULL, NULL);
				return -1;
			}
			json_object_set_new(errors, "site_id",
			    json_string("is not an active site"));
		}
	}
	if ((v = json_object_get(body, "agent_capacity")) != NULL) {
		in->has_capacity = 1;
		if (!json_is_null(v) &&
		    (!json_is_integer(v) || json_integer_value(v) < 1 ||
		        json_integer_value(v) > TICK_TEAM_CAPACITY_MAX))
			json_object_set_new(errors, "agent_capacity",
			    json_string(
			        "must be a whole number from 1 to 1000, "
			        "or null for no limit"));
		else if (!json_is_null(v))
			in->agent_capacity = (long long)json_integer_value(v);
	}
	return tick_http_fields_ok(req, "the team has invalid fields", errors);
}

void
tick_teams_list(struct tick_req *req)
{
	json_t *items = NULL;
	enum tick_err rc = tick_team_list(req->app->db, &items);

	tick_http_ok_list(req, rc, items);
}

void
tick_teams_get(struct tick_req *req)
{
	long long id = tick_http_param_id(req, 0);

	if (id == 0) {
		no_such_team(req);
		return;
	}
	answer_team(req, 200, id, NULL);
}

void
tick_teams_create(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	struct tick_team_in in;
	long long id = 0;
	enum tick_err rc;
	json_t *body;

	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if (read_team(req, body, 1, &in) != 0)
		goto out;
	if (!in.has_assignment)
		in.assignment = TICK_ASSIGN_MANUAL;
	if ((rc = tick_db_begin(db)) == TICK_OK &&
	    (rc = tick_team_create(db, &in, &id)) == TICK_OK)
		rc = tick_audit_req(req, "team.create", "team", id,
		    json_pack("{s:s, s:s, s:O?, s:O?, s:b}", "name", in.name,
		        "assignment", tick_assign_mode_names[in.assignment],
		        "site_id", json_object_get(body, "site_id"),
		        "agent_capacity",
		        json_object_get(body, "agent_capacity"), "is_default",
		        in.is_default));
	if (tick_http_end_write(req, rc, "name", "another team has this name",
	        NULL) != 0)
		goto out;
	answer_team(req, 201, id, "team created");
out:
	json_decref(body);
}

void
tick_teams_update(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0);
	json_t *body = NULL, *before = NULL;
	struct tick_team_in in;
	struct tick_team t;
	enum tick_err rc;

	if (id == 0) {
		no_such_team(req);
		return;
	}
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if (read_team(req, body, 0, &in) != 0)
		goto out;
	if ((rc = tick_db_begin(db)) != TICK_OK ||
	    (rc = tick_team_lock(db, id, &t)) != TICK_OK) {
		tick_http_end_write(req, rc, NULL, NULL, "no such team");
		goto out;
	}
	before = tick_team_json(db, id, &rc);
	if (rc == TICK_OK)
		json_object_del(before, "members");
	if (rc == TICK_OK && (rc = tick_team_update(db, id, &in)) == TICK_OK)
		rc = tick_audit_req(req, "team.update", "team", id,
		    json_pack("{s:O, s:O}", "before", before, "changes", body));
	if (tick_http_end_write(req, rc, "name", "another team has this name",
	        NULL) != 0)
		goto out;
	/* A team that now assigns, or gives more room, takes its waiting
	 * tickets. */
	drain(req, id, 0);
	answer_team(req, 200, id, "team updated");
out:
	json_decref(before);
	json_decref(body);
}

void
tick_teams_delete(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0);
	json_t *before = NULL;
	struct tick_team t;
	enum tick_err rc;

	if (id == 0) {
		no_such_team(req);
		return;
	}
	if ((rc = tick_db_begin(db)) != TICK_OK ||
	    (rc = tick_team_lock(db, id, &t)) != TICK_OK) {
		tick_http_end_write(req, rc, NULL, NULL, "no such team");
		return;
	}
	before = tick_team_json(db, id, &rc);
	if (rc == TICK_OK && (rc = tick_team_delete(db, id)) == TICK_OK)
		rc = tick_audit_req(req, "team.delete", "team", id,
		    json_pack("{s:O}", "team", before));
	if (tick_http_end_write(req, rc, NULL, NULL, NULL) == 0)
		tick_http_ok_deleted(req, id, "team deleted");
	json_decref(before);
}

/* Reads body's user_ids into ids (distinct, in the order given). Returns
 * their number, or -1 after answering 422. */
static long
read_user_ids(struct tick_req *req, const json_t *body,
    long long ids[TICK_TEAM_MEMBERS_MAX])
{
	const json_t *arr = json_object_get(body, "user_ids"), *v;
	const char *why = NULL;
	size_t i;
	long n = 0;

	if (!json_is_array(arr))
		why = arr == NULL ? "is required: an array of user ids" :
		                    "must be an array of user ids";
	else if (json_array_size(arr) > TICK_TEAM_MEMBERS_MAX)
		why = "must hold at most 200 user ids";
	else
		json_array_foreach (arr, i, v) {
			long long id = tick_json_id_value(v);
			long k;

			if (id == 0) {
				why = "must hold only user ids (whole numbers "
				      "from 1)";
				break;
			}
			for (k = 0; k < n && ids[k] != id; k++)
				;
			if (k == n)
				ids[n++] = id;
		}
	if (why == NULL)
		return n;
	tick_http_invalid(req, "user_ids is invalid",
	    json_pack("{s:s}", "user_ids", why));
	return -1;
}

void
tick_teams_members(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0);
	long long ids[TICK_TEAM_MEMBERS_MAX];
	json_t *body = NULL, *before = NULL, *after = NULL;
	char bad[TICK_TEAM_MEMBERS_MAX * 12 + 64];
	struct tick_team t;
	size_t used = 0;
	enum tick_err rc;
	long n;

	if (id == 0) {
		no_such_team(req);
		return;
	}
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if ((n = read_user_ids(req, body, ids)) < 0)
		goto out;
	if ((rc = tick_db_begin(db)) != TICK_OK ||
	    (rc = tick_team_lock(db, id, &t)) != TICK_OK) {
		if (rc == TICK_ENOTFOUND)
			no_such_team(req);
		else
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto rollback;
	}
	bad[0] = '\0';
	for (long i = 0; i < n; i++) {
		int can = 0;

		if ((rc = tick_user_can_work(db, ids[i], &can)) != TICK_OK) {
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
			goto rollback;
		}
		if (!can)
			used += (size_t)snprintf(bad + used, sizeof(bad) - used,
			    "%s%lld",
			    used ? ", " : "not active users who work tickets: ",
			    ids[i]);
	}
	if (used > 0) {
		tick_http_invalid(req,
		    "user_ids names users who cannot work tickets",
		    json_pack("{s:s}", "user_ids", bad));
		goto rollback;
	}
	if ((after = json_array()) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		goto rollback;
	}
	for (long i = 0; i < n; i++)
		json_array_append_new(after, json_integer((json_int_t)ids[i]));
	if ((rc = tick_team_set_members(db, id, ids, (size_t)n, &before)) ==
	        TICK_OK &&
	    (rc = tick_audit_req(req, "team.members", "team", id,
	         json_pack("{s:O, s:O}", "before", before, "after", after))) ==
	        TICK_OK)
		rc = tick_db_commit(db);
	if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto rollback;
	}
	drain(req, id, 0);
	answer_team(req, 200, id, "members set");
	goto out;
rollback:
	tick_db_rollback(db);
out:
	json_decref(before);
	json_decref(after);
	json_decref(body);
}

/* ---- /api/me/availability */

static void
answer_availability(struct tick_req *req, const char *msg)
{
	enum tick_availability a;
	enum tick_err rc = tick_agent_availability(req->app->db, req->user.id,
	    &a);

	if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, 200,
	    json_pack("{s:I, s:s}", "user_id", (json_int_t)req->user.id,
	        "availability", tick_availability_names[a]),
	    msg);
}

void
tick_teams_availability_get(struct tick_req *req)
{
	answer_availability(req, NULL);
}

static const struct tick_field availability_fields[] = {
	{ "availability", TICK_FIELD_ENUM, 1, 0, 0, tick_availability_names },
};

void
tick_teams_availability_set(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	enum tick_availability before, to = TICK_AVAIL_OFFLINE;
	json_t *body, *errors = NULL;
	enum tick_err rc;
	const char *v;

	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if (tick_valid_fields(body, availability_fields, 1, &errors) !=
	    TICK_OK) {
		tick_http_invalid(req,
		    "availability must be available, away or offline", errors);
		goto out;
	}
	v = json_string_value(json_object_get(body, "availability"));
	for (int i = 0; i < TICK_AVAIL__MAX; i++)
		if (strcmp(v, tick_availability_names[i]) == 0)
			to = (enum tick_availability)i;
	/* Its own transaction: the agent's row is locked only briefly, and
	 * the waiting tickets go out after, team by team, in the order
	 * automatic assignment always locks (team, then agents). */
	if ((rc = tick_db_begin(db)) == TICK_OK &&
	    (rc = tick_agent_availability(db, req->user.id, &before)) ==
	        TICK_OK &&
	    (rc = tick_agent_set_availability(db, req->user.id, to)) ==
	        TICK_OK &&
	    (before == to ||
	        (rc = tick_audit_req(req, "agent.availability", "user",
	             req->user.id,
	             json_pack("{s:s, s:s}", "from",
	                 tick_availability_names[before], "to",
	                 tick_availability_names[to]))) == TICK_OK))
		rc = tick_db_commit(db);
	if (rc != TICK_OK) {
		tick_db_rollback(db);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	if (to == TICK_AVAIL_AVAILABLE)
		drain(req, 0, req->user.id);
	answer_availability(req, "availability set");
out:
	json_decref(body);
}

/* ---- POST /api/tickets/:id/transfer */

static const struct tick_field transfer_fields[] = {
	{ "note", TICK_FIELD_LONGTEXT, 1, 1, 5000, NULL },
};

void
tick_teams_transfer(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_ticket_route_id(req), team = -1, to = 0,
	          note_id = 0, holder = 0;
	json_t *body = NULL, *errors = NULL, *v, *t = NULL;
	struct tick_ticket tk;
	enum tick_err rc;
	int has_team, has_user, yes = 0;

	if (id == 0 || (body = tick_http_json_body(req)) == NULL)
		return;
	if (tick_valid_fields(body, transfer_fields, 1, &errors) != TICK_OK)
		;
	else if ((errors = json_object()) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		goto out;
	}
	/* A member given is an id: null, 0, 1.5, "3" are refused. */
	has_team = (v = json_object_get(body, "team_id")) != NULL;
	if (has_team && (team = tick_json_id_value(v)) == 0)
		json_object_set_new(errors, "team_id",
		    json_string("must be a team id"));
	has_user = (v = json_object_get(body, "user_id")) != NULL;
	if (has_user && (to = tick_json_id_value(v)) == 0)
		json_object_set_new(errors, "user_id",
		    json_string("must be a user id"));
	if (!has_team && !has_user &&
	    json_object_get(errors, "team_id") == NULL)
		json_object_set_new(errors, "team_id",
		    json_string("give a team_id, a user_id or both"));
	if (json_object_size(errors) > 0) {
		tick_http_invalid(req,
		    "a transfer names a team or a user, and a note", errors);
		errors = NULL;
		goto out;
	}
	if (has_user) {
		int can = 0;

		if ((rc = tick_user_can_work(db, to, &can)) != TICK_OK) {
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
			goto out;
		}
		if (!can) {
			tick_http_invalid(req,
			    "user_id is not an active user who works tickets",
			    json_pack("{s:s}", "user_id",
			        "is not an active user who works tickets"));
			goto out;
		}
	}
	if (tick_ticket_begin_locked(req, id, &tk) != 0)
		goto out;
	if (tk.status == TICK_STATUS_CLOSED) {
		tick_db_rollback(db);
		tick_http_fail(req, 409, TICK_ECONFLICT, "ticket_closed",
		    "the ticket is closed", NULL);
		goto out;
	}
	/* Only the holder hands a ticket on (or a super admin). */
	if (!tick_ticket_may_work(&tk, req->user.id, is_admin(req))) {
		tick_db_rollback(db);
		tick_http_fail(req, 403, TICK_EFORBIDDEN, "not_holder",
		    tk.assigned_to ?
		        "another agent holds this ticket: only they or a "
		        "super_admin may transfer it" :
		        "take the ticket before transferring it",
		    tk.assigned_to ? json_pack("{s:I}", "assigned_to",
		                         (json_int_t)tk.assigned_to) :
		                     NULL);
		goto out;
	}
	if (has_team) {
		struct tick_team tm;

		if ((rc = tick_team_lock(db, team, &tm)) != TICK_OK) {
			tick_db_rollback(db);
			if (rc == TICK_ENOTFOUND)
				tick_http_invalid(req, "team_id names no team",
				    json_pack("{s:s}", "team_id",
				        "no such team"));
			else
				tick_http_fail(req, 0, rc, NULL, NULL, NULL);
			goto out;
		}
		if (has_user &&
		    ((rc = tick_team_is_member(db, team, to, &yes)) !=
		            TICK_OK ||
		        !yes)) {
			tick_db_rollback(db);
			if (rc != TICK_OK)
				tick_http_fail(req, 0, rc, NULL, NULL, NULL);
			else
				tick_http_invalid(req,
				    "user_id is not a member of team_id",
				    json_pack("{s:s}", "user_id",
				        "is not a member of the team"));
			goto out;
		}
	}
	if ((!has_team || team == tk.team_id) &&
	    (!has_user || to == tk.assigned_to) &&
	    (has_user || tk.assigned_to == 0)) {
		tick_db_rollback(db);
		tick_http_fail(req, 409, TICK_ECONFLICT, "no_change",
		    "the ticket is already there", NULL);
		goto out;
	}
	/* A ticket sent to a team alone leaves its holder and waits there
	 * (or goes to the member the team's rule chooses). */
	rc = tick_ticket_transfer(db, id, has_team ? team : -1,
	    has_user ? to : 0);
	if (rc == TICK_OK)
		rc = tick_reply_add(db, id,
		    json_string_value(json_object_get(body, "note")),
		    req->user.name, req->user.id, 1, &note_id);
	if (rc == TICK_OK)
		rc = tick_audit_req(req, "ticket.transfer", "ticket", id,
		    json_pack("{s:o, s:o, s:o, s:o, s:I}", "from_team",
		        tk.team_id ? json_integer((json_int_t)tk.team_id) :
		                     json_null(),
		        "to_team",
		        has_team       ? json_integer((json_int_t)team) :
		            tk.team_id ? json_integer((json_int_t)tk.team_id) :
		                         json_null(),
		        "from_user",
		        tk.assigned_to ?
		            json_integer((json_int_t)tk.assigned_to) :
		            json_null(),
		        "to_user",
		        has_user ? json_integer((json_int_t)to) : json_null(),
		        "note_id", (json_int_t)note_id));
	if (rc == TICK_OK)
		rc = tick_events_emit(db, TICK_EV_NOTE_CREATED, id);
	if (rc == TICK_OK && has_user)
		rc = tick_events_emit_to(db, TICK_EV_TICKET_ASSIGNED, id, to);
	else if (rc == TICK_OK) {
		rc = tick_events_emit(db, TICK_EV_TICKET_UPDATED, id);
		if (rc == TICK_OK)
			rc = tick_assign_ticket(db, id, team, tk.assigned_to,
			    &holder);
	}
	if (rc == TICK_OK)
		t = tick_ticket_json(db, id, 0, &rc);
	if (rc != TICK_OK || (rc = tick_db_commit(db)) != TICK_OK) {
		tick_db_rollback(db);
		json_decref(t);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	/* The previous holder has room again. */
	if (tk.assigned_to != 0 && tk.assigned_to != to)
		drain(req, 0, tk.assigned_to);
	json_object_set_new(t, "note_id", json_integer((json_int_t)note_id));
	tick_http_ok(req, 200, t, "ticket transferred");
out:
	json_decref(errors);
	json_decref(body);
}

/* ---- PUT /api/tickets/:id/tags */

void
tick_teams_tags(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_ticket_route_id(req);
	char norm[TICK_TAGS_MAX][TICK_TAG_BUF], msg[96];
	const char *tags[TICK_TAGS_MAX], *why = NULL;
	json_t *body, *arr, *v, *before = NULL, *after = NULL, *t = NULL;
	struct tick_ticket tk;
	size_t i, n = 0, k;
	enum tick_err rc;

	if (id == 0 || (body = tick_http_json_body(req)) == NULL)
		return;
	arr = json_object_get(body, "tags");
	if (!json_is_array(arr))
		why = "is required: an array of tags";
	else if (json_array_size(arr) > TICK_TAGS_MAX)
		why = "must hold at most 20 tags";
	else
		json_array_foreach (arr, i, v) {
			if (!json_is_string(v)) {
				why = "must hold only strings";
				break;
			}
			if (tick_tag_normalize(json_string_value(v),
			        json_string_length(v), norm[n], TICK_TAG_BUF,
			        &why) != TICK_OK) {
				snprintf(msg, sizeof(msg), "tag %zu %s", i + 1,
				    why);
				why = msg;
				break;
			}
			for (k = 0; k < n && strcmp(norm[k], norm[n]) != 0; k++)
				;
			if (k == n) {
				tags[n] = norm[n];
				n++;
			}
		}
	if (why != NULL) {
		tick_http_invalid(req,
		    "tags are 1 to 32 characters each, at most 20",
		    json_pack("{s:s}", "tags", why));
		goto out;
	}
	if (tick_ticket_begin_locked(req, id, &tk) != 0)
		goto out;
	/* Anyone who works tickets tags an unheld one (triage); a held one
	 * is its holder's, or a super admin's. */
	if (tk.assigned_to != 0 &&
	    !tick_ticket_may_work(&tk, req->user.id, is_admin(req))) {
		tick_db_rollback(db);
		tick_http_fail(req, 403, TICK_EFORBIDDEN, "not_holder",
		    "another agent holds this ticket: only they or a "
		    "super_admin may tag it",
		    json_pack("{s:I}", "assigned_to",
		        (json_int_t)tk.assigned_to));
		goto out;
	}
	if ((after = json_array()) == NULL) {
		tick_db_rollback(db);
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		goto out;
	}
	for (i = 0; i < n; i++)
		json_array_append_new(after, json_string(tags[i]));
	rc = tick_tags_set(db, id, tags, n, &before);
	if (rc == TICK_OK)
		rc = tick_audit_req(req, "ticket.tags", "ticket", id,
		    json_pack("{s:O, s:O}", "before", before, "after", after));
	if (rc == TICK_OK)
		rc = tick_ticket_touch(db, id);
	if (rc == TICK_OK)
		rc = tick_events_emit(db, TICK_EV_TICKET_UPDATED, id);
	/* Tags choose the SLA policy too. */
	if (rc == TICK_OK)
		rc = tick_sla_refresh(db, id, tick_clock_now());
	if (rc == TICK_OK)
		t = tick_ticket_json(db, id, 0, &rc);
	if (rc != TICK_OK || (rc = tick_db_commit(db)) != TICK_OK) {
		tick_db_rollback(db);
		json_decref(t);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	tick_http_ok(req, 200, t, "tags set");
out:
	json_decref(before);
	json_decref(after);
	json_decref(body);
}
