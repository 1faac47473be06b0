#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action_notice.h"
#include "action_rules.h"
#include "actions.h"
#include "actions_api.h"
#include "app.h"
#include "audit_api.h"
#include "db.h"
#include "events.h"
#include "http.h"
#include "json.h"
#include "media.h"
#include "outbox.h"
#include "session.h"
#include "ticket_args.h"
#include "tickets.h"
#include "user.h"
#include "valid.h"
#include "work.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- What every change shares. */

static void
abort_tx(struct tick_req *req, struct tick_outbox_list *l)
{
	tick_db_rollback(req->app->db);
	tick_outbox_list_clear(l);
}

/* Locks action route parameter 1 of locked ticket tk into *a; 0, or -1
 * after rolling back and answering 404 (another ticket's action too) or
 * 503. */
static int
lock_action(struct tick_req *req, const struct tick_ticket *tk,
    struct tick_action *a)
{
	long long id = tick_http_param_id(req, 1);
	enum tick_err rc = TICK_ENOTFOUND;

	if (id > 0 &&
	    (rc = tick_action_lock(req->app->db, tk->id, id, a)) == TICK_OK)
		return 0;
	tick_db_rollback(req->app->db);
	tick_http_fail(req, 0, rc, NULL,
	    rc == TICK_ENOTFOUND ? "no such action on this ticket" : NULL,
	    NULL);
	return -1;
}

/* Whether the signed-in user may do c to the actions of locked ticket tk
 * (owner: the action's owner, 0 for a new one): 0, or -1 after rolling
 * back and answering 403 or 503. */
static int
refused(struct tick_req *req, const struct tick_ticket *tk, long long owner,
    enum tick_action_change c)
{
	struct tick_action_actor a = {
		.admin = tick_role_allows(req->user.role,
		    TICK_PERM_TICKETS_ADMIN),
		.holder = tk->assigned_to != 0 &&
		    tk->assigned_to == req->user.id,
		.owner = owner != 0 && owner == req->user.id,
	};
	enum tick_err rc = TICK_OK;
	int manages = 0;

	if (req->user.role == TICK_ROLE_SITE_MANAGER &&
	    (rc = tick_action_manages(req->app->db, req->user.id, tk->id,
	         &manages)) != TICK_OK) {
		tick_db_rollback(req->app->db);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return -1;
	}
	a.site_manager = manages;
	if (tick_action_may(&a, c))
		return 0;
	tick_db_rollback(req->app->db);
	tick_http_fail(req, 403, TICK_EFORBIDDEN, "forbidden",
	    c == TICK_ACTION_CLOSE ?
	        "only the action's owner, the ticket's holder, a site manager "
	        "of its site or a super_admin may close an action" :
	        "only the ticket's holder, a site manager of its site or a "
	        "super_admin may add or change its actions",
	    NULL);
	return -1;
}

/* Reads the action inside the transaction, commits, sends what was
 * queued and answers status with it (and what the owner was sent). */
static void
finish(struct tick_req *req, long long id, struct tick_outbox_list *l,
    json_t *wa, int status, const char *message)
{
	enum tick_err rc = TICK_OK;
	json_t *o = tick_action_json(req->app->db, id, &rc);

	tick_work_commit_send(req, o, rc, l, wa, status, message);
}

/* The owner hears of an action that became theirs: a live event for the
 * panel and, unless they gave it to themselves, WhatsApp. */
static enum tick_err
tell_owner(struct tick_req *req, const struct tick_ticket *tk, long long owner,
    const char *description, const char *due, struct tick_outbox_list *l,
    json_t **wa)
{
	struct tick_action_notice n = { tk->reference, description, due };
	enum tick_err rc;

	*wa = NULL;
	if ((rc = tick_events_emit_to(req->app->db, TICK_EV_ACTION_ASSIGNED,
	         tk->id, owner)) != TICK_OK)
		return rc;
	if (owner == req->user.id) {
		*wa = json_pack("{s:s, s:s}", "status", "skipped", "reason",
		    "own_action");
		return TICK_OK;
	}
	return tick_action_notice_queue(req->app, owner, &n, l, wa);
}

/* ---- The body of a create or an update. */

static const struct tick_field create_fields[] = {
	{ "description", TICK_FIELD_LONGTEXT, 1, 1, TICK_ACTION_DESCRIPTION_MAX,
	    NULL },
	{ "owner_id", TICK_FIELD_ID, 1, 0, 0, NULL },
};

static const struct tick_field update_fields[] = {
	{ "description", TICK_FIELD_LONGTEXT, 0, 1, TICK_ACTION_DESCRIPTION_MAX,
	    NULL },
	{ "owner_id", TICK_FIELD_ID, 0, 0, 0, NULL },
	{ "status", TICK_FIELD_ENUM, 0, 0, 0, tick_action_status_names },
};

/* What a valid body asks for. */
struct action_body {
	const char *description; /* NULL: not given */
	long long owner_id;      /* 0: not given */
	const char *due;         /* YYYY-MM-DD; NULL: not given */
	const char *status;      /* NULL: not given */
};

static void
add_error(json_t **errors, const char *field, const char *why)
{
	if (*errors == NULL)
		*errors = json_object();
	if (*errors != NULL)
		json_object_set_new(*errors, field, json_string(why));
}

/*
 * Checks body against the fields of a create (create set: description,
 * owner_id and due_date required) or an update, then the due date's
 * calendar and that the owner is an active user who works tickets. Fills
 * *b; 0, or -1 after answering 422 naming every bad field (or 503).
 */
static int
read_body(struct tick_req *req, json_t *body, int create, struct action_body *b)
{
	json_t *errors = NULL, *v;
	struct tick_date d;
	enum tick_err rc;
	int can = 0;

	memset(b, 0, sizeof(*b));
	rc = create ?
	    tick_valid_fields(body, create_fields, N(create_fields), &errors) :
	    tick_valid_fields(body, update_fields, N(update_fields), &errors);
	if (rc != TICK_OK && rc != TICK_EINVAL) {
		tick_http_fail(req, 0, rc, NULL, NULL, errors);
		return -1;
	}
	/* A description cannot be cleared (fields reads "" as absent). */
	if ((v = json_object_get(body, "description")) != NULL &&
	    (json_is_null(v) ||
	        (json_is_string(v) && json_string_length(v) == 0)))
		add_error(&errors, "description",
		    create ? "is required" : "cannot be empty");
	v = json_object_get(body, "due_date");
	if (v == NULL && create)
		add_error(&errors, "due_date", "is required");
	else if (v != NULL &&
	    (!json_is_string(v) ||
	        tick_action_parse_due(json_string_value(v),
	            json_string_length(v), &d) != TICK_OK))
		add_error(&errors, "due_date",
		    "must be a real date written YYYY-MM-DD (years "
		    "2000 to 2199)");
	else if (v != NULL)
		b->due = json_string_value(v);
	if (errors == NULL || json_object_get(errors, "owner_id") == NULL)
		b->owner_id = tick_json_id(body, "owner_id");
	if (b->owner_id > 0) {
		if ((rc = tick_user_can_work(req->app->db, b->owner_id,
		         &can)) != TICK_OK) {
			json_decref(errors);
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
			return -1;
		}
		if (!can)
			add_error(&errors, "owner_id",
			    "is not an active user who works tickets");
	}
	if (errors != NULL) {
		tick_http_invalid(req, "some fields are missing or invalid",
		    errors);
		return -1;
	}
	b->description = json_string_value(
	    json_object_get(body, "description"));
	b->status = json_string_value(json_object_get(body, "status"));
	return 0;
}

/* ---- GET /api/tickets/:id/actions */

void
tick_actions_ticket_list(struct tick_req *req)
{
	long long id = tick_ticket_route_id(req);
	struct tick_action_counts c;
	json_t *items = NULL;
	enum tick_err rc;

	if (id == 0)
		return;
	if ((rc = tick_action_ticket_list(req->app->db, id, &items, &c)) !=
	    TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, 200,
	    json_pack("{s:I, s:o, s:I, s:I, s:I}", "ticket_id", (json_int_t)id,
	        "items", items, "total", (json_int_t)c.total, "open_actions",
	        (json_int_t)c.open, "overdue_actions", (json_int_t)c.overdue),
	    NULL);
}

int
tick_actions_ticket_json(struct tick_req *req, long long id, json_t *ticket)
{
	enum tick_err rc = tick_action_ticket_json_add(req->app->db, id,
	    ticket);

	if (rc == TICK_OK)
		return 0;
	tick_http_fail(req, 0, rc, NULL, NULL, NULL);
	return -1;
}

/* ---- POST /api/tickets/:id/actions */

void
tick_actions_create(struct tick_req *req)
{
	struct tick_outbox_list l = { .n = 0 };
	long long id = tick_ticket_route_id(req), action = 0;
	struct tick_action_counts c;
	struct action_body b;
	json_t *body, *wa = NULL;
	struct tick_ticket tk;
	enum tick_err rc;

	if (id == 0 || (body = tick_http_json_body(req)) == NULL)
		return;
	if (read_body(req, body, 1, &b) != 0 ||
	    tick_ticket_begin_locked(req, id, &tk) != 0)
		goto out;
	if (tk.status == TICK_STATUS_CLOSED) {
		abort_tx(req, &l);
		tick_http_fail(req, 409, TICK_ECONFLICT, "ticket_closed",
		    "the ticket is closed; a super_admin may reopen it", NULL);
		goto out;
	}
	if (refused(req, &tk, 0, TICK_ACTION_EDIT) != 0)
		goto out;
	if ((rc = tick_action_counts(req->app->db, id, &c)) == TICK_OK &&
	    c.total >= TICK_ACTION_PER_TICKET_MAX) {
		abort_tx(req, &l);
		tick_http_fail(req, 409, TICK_ECONFLICT, "too_many_actions",
		    "a ticket has at most " TICK_STR(
		        TICK_ACTION_PER_TICKET_MAX) " actions",
		    NULL);
		goto out;
	}
	if (rc == TICK_OK)
		rc = tick_action_create(req->app->db, id, b.description,
		    b.owner_id, b.due, req->user.id, &action);
	if (rc == TICK_OK)
		rc = tick_audit_req(req, "action.create", "action", action,
		    json_pack("{s:I, s:I, s:s}", "ticket_id", (json_int_t)id,
		        "owner_id", (json_int_t)b.owner_id, "due_date", b.due));
	if (rc == TICK_OK)
		rc = tick_ticket_touch(req->app->db, id);
	if (rc == TICK_OK)
		rc = tell_owner(req, &tk, b.owner_id, b.description, b.due, &l,
		    &wa);
	if (rc != TICK_OK) {
		json_decref(wa);
		abort_tx(req, &l);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	finish(req, action, &l, wa, 201, "action created");
out:
	json_decref(body);
}

/* ---- PUT /api/tickets/:id/actions/:actionId */

/* The changes body asks of action a, as {field: {from, to}}; a NULL when
 * nothing changes. */
static json_t *
changes_of(const struct action_body *b, const struct tick_action *a, int reopen)
{
	json_t *ch = json_object();

	if (ch == NULL)
		return NULL;
	if (b->description != NULL)
		json_object_set_new(ch, "description",
		    json_pack("{s:s}", "to", b->description));
	if (b->owner_id > 0 && b->owner_id != a->owner_id)
		json_object_set_new(ch, "owner_id",
		    json_pack("{s:I, s:I}", "from", (json_int_t)a->owner_id,
		        "to", (json_int_t)b->owner_id));
	if (b->due != NULL && strcmp(b->due, a->due) != 0)
		json_object_set_new(ch, "due_date",
		    json_pack("{s:s, s:s}", "from", a->due, "to", b->due));
	if (reopen)
		json_object_set_new(ch, "status",
		    json_pack("{s:s, s:s}", "from",
		        tick_action_status_name(a->status), "to", "open"));
	if (json_object_size(ch) == 0) {
		json_decref(ch);
		return NULL;
	}
	return ch;
}

void
tick_actions_update(struct tick_req *req)
{
	struct tick_outbox_list l = { .n = 0 };
	long long id = tick_ticket_route_id(req), owner;
	json_t *body, *wa = NULL, *ch = NULL;
	struct tick_db *db = req->app->db;
	struct action_body b;
	struct tick_ticket tk;
	struct tick_action a;
	enum tick_err rc = TICK_OK;
	int reopen, edits;

	if (id == 0 || (body = tick_http_json_body(req)) == NULL)
		return;
	if (read_body(req, body, 0, &b) != 0)
		goto out;
	edits = b.description != NULL || b.owner_id > 0 || b.due != NULL;
	if (!edits && b.status == NULL) {
		tick_http_invalid(req,
		    "nothing to change: give description, owner_id, due_date "
		    "or status",
		    NULL);
		goto out;
	}
	if (b.status != NULL && strcmp(b.status, "open") != 0) {
		tick_http_fail(req, 422, TICK_EINVAL, "use_close",
		    "close an action with POST "
		    "/api/tickets/:id/actions/:actionId/close and a note",
		    json_pack("{s:s}", "status",
		        "only open (to reopen) is set here"));
		goto out;
	}
	if (tick_ticket_begin_locked(req, id, &tk) != 0)
		goto out;
	if (tk.status == TICK_STATUS_CLOSED) {
		abort_tx(req, &l);
		tick_http_fail(req, 409, TICK_ECONFLICT, "ticket_closed",
		    "the ticket is closed; a super_admin may reopen it", NULL);
		goto out;
	}
	if (lock_action(req, &tk, &a) != 0 ||
	    refused(req, &tk, a.owner_id, TICK_ACTION_EDIT) != 0)
		goto out;
	reopen = b.status != NULL && a.status != TICK_ACTION_OPEN;
	if (a.status != TICK_ACTION_OPEN && !reopen) {
		abort_tx(req, &l);
		tick_http_fail(req, 409, TICK_ECONFLICT, "action_closed",
		    "the action is closed; reopen it first (status open)",
		    json_pack("{s:s}", "status",
		        tick_action_status_name(a.status)));
		goto out;
	}
	if ((ch = changes_of(&b, &a, reopen)) == NULL) {
		abort_tx(req, &l);
		if ((ch = tick_action_json(db, a.id, &rc)) == NULL)
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		else
			tick_http_ok(req, 200, ch, "nothing changed");
		goto out;
	}
	owner = b.owner_id > 0 ? b.owner_id : a.owner_id;
	if (reopen)
		rc = tick_action_reopen(db, a.id);
	if (rc == TICK_OK && edits)
		rc = tick_action_update(db, a.id, b.description, b.owner_id,
		    b.due);
	if (rc == TICK_OK)
		rc = tick_audit_req(req,
		    reopen ? "action.reopen" : "action.update", "action", a.id,
		    json_pack("{s:I, s:O}", "ticket_id", (json_int_t)id,
		        "changes", ch));
	if (rc == TICK_OK)
		rc = tick_ticket_touch(db, id);
	/* A new owner is told as of a new action; the one before sees it go. */
	if (rc == TICK_OK && owner != a.owner_id)
		rc = tick_events_emit_to(db, TICK_EV_ACTION_UPDATED, id,
		    a.owner_id);
	if (rc == TICK_OK && owner != a.owner_id) {
		json_t *cur = tick_action_json(db, a.id, &rc);

		if (cur != NULL)
			rc = tell_owner(req, &tk, owner,
			    json_string_value(
			        json_object_get(cur, "description")),
			    json_string_value(json_object_get(cur, "due_date")),
			    &l, &wa);
		json_decref(cur);
	} else if (rc == TICK_OK)
		rc = tick_events_emit_to(db, TICK_EV_ACTION_UPDATED, id, owner);
	json_decref(ch);
	if (rc != TICK_OK) {
		json_decref(wa);
		abort_tx(req, &l);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	finish(req, a.id, &l, wa, 200,
	    reopen ? "action reopened" : "action updated");
out:
	json_decref(body);
}

/* ---- POST /api/tickets/:id/actions/:actionId/close */

static const struct tick_field close_fields[] = {
	{ "note", TICK_FIELD_LONGTEXT, 1, 1, TICK_ACTION_NOTE_MAX, NULL },
	{ "status", TICK_FIELD_ENUM, 0, 0, 0, tick_action_close_names },
};

void
tick_actions_close(struct tick_req *req)
{
	long long id = tick_ticket_route_id(req), file = 0;
	enum tick_action_status st = TICK_ACTION_DONE;
	json_t *body, *errors = NULL, *o;
	struct tick_db *db = req->app->db;
	const char *note, *status;
	struct tick_ticket tk;
	struct tick_action a;
	struct tick_file f = { .data = NULL };
	enum tick_err rc;

	if (id == 0 || (body = tick_http_json_body(req)) == NULL)
		return;
	if ((rc = tick_valid_fields(body, close_fields, N(close_fields),
	         &errors)) != TICK_OK) {
		if (rc == TICK_EINVAL)
			tick_http_invalid(req,
			    "a note (1 to " TICK_STR(
			        TICK_ACTION_NOTE_MAX) " characters) is required; status is done or cancelled",
			    errors);
		else
			tick_http_fail(req, 0, rc, NULL, NULL, errors);
		goto out;
	}
	if (tick_ticket_file_arg(req, body, "file", &f) != 0)
		goto out;
	note = json_string_value(json_object_get(body, "note"));
	status = json_string_value(json_object_get(body, "status"));
	if (status != NULL)
		(void)tick_action_status_parse(status, &st);
	/* A closed ticket's actions may still be closed: a forced close
	 * leaves them open. */
	if (tick_ticket_begin_locked(req, id, &tk) != 0 ||
	    lock_action(req, &tk, &a) != 0 ||
	    refused(req, &tk, a.owner_id, TICK_ACTION_CLOSE) != 0)
		goto out;
	if (a.status != TICK_ACTION_OPEN) {
		tick_db_rollback(db);
		tick_http_fail(req, 409, TICK_ECONFLICT, "action_closed",
		    "the action is already closed",
		    json_pack("{s:s}", "status",
		        tick_action_status_name(a.status)));
		goto out;
	}
	rc = tick_action_close(db, a.id, st, note, req->user.id);
	/* The evidence goes to Cloudinary once this commits. */
	if (rc == TICK_OK && f.data != NULL)
		rc = tick_media_add_upload(db, id, 0, f.name, f.type, f.data,
		    f.len, &file);
	if (rc == TICK_OK && file != 0)
		rc = tick_action_link_file(db, a.id, file);
	if (rc == TICK_OK)
		rc = tick_audit_req(req, "action.close", "action", a.id,
		    json_pack("{s:I, s:s, s:o}", "ticket_id", (json_int_t)id,
		        "status", tick_action_status_name(st), "file",
		        file ? json_integer((json_int_t)file) : json_null()));
	if (rc == TICK_OK)
		rc = tick_ticket_touch(db, id);
	if (rc == TICK_OK)
		rc = tick_events_emit_to(db, TICK_EV_ACTION_CLOSED, id,
		    a.owner_id);
	if (rc != TICK_OK || (rc = tick_db_commit(db)) != TICK_OK) {
		tick_db_rollback(db);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	if (file != 0)
		(void)tick_media_fetch(req->app, file, 0);
	if ((o = tick_action_json(db, a.id, &rc)) == NULL)
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
	else
		tick_http_ok(req, 200, o,
		    st == TICK_ACTION_DONE ? "action done" :
		                             "action cancelled");
out:
	free(f.data);
	json_decref(body);
}

/* ---- GET /api/actions */

/* Reads the list's filters; 0, or -1 after answering 400. */
static int
list_filters(struct tick_req *req, struct tick_action_filters *f, char *code,
    size_t codesz)
{
	char v[32];
	enum tick_err rc;

	memset(f, 0, sizeof(*f));
	f->status = -1;
	if ((rc = tick_http_query_get(req->query, "owner", v, sizeof(v))) ==
	        TICK_OK &&
	    v[0] != '\0') {
		if (strcmp(v, "me") == 0)
			f->owner_id = req->user.id;
		else if (tick_valid_num(v, strlen(v), 1, TICK_JSON_ID_MAX,
		             &f->owner_id) != TICK_OK)
			goto bad;
	} else if (rc != TICK_OK && rc != TICK_ENOTFOUND)
		goto bad;
	if ((rc = tick_http_query_get(req->query, "site", code, codesz)) ==
	        TICK_OK &&
	    code[0] != '\0') {
		size_t n = strlen(code);
		int is_code = n >= 3 && n <= 10;

		/* An id, or a code (3 to 10 of A-Z and 0-9, any case); digits
		 * may be either. */
		for (size_t i = 0; i < n && is_code; i++) {
			if (code[i] >= 'a' && code[i] <= 'z')
				code[i] = (char)(code[i] - 'a' + 'A');
			is_code = (code[i] >= 'A' && code[i] <= 'Z') ||
			    (code[i] >= '0' && code[i] <= '9');
		}
		if (tick_valid_digits(code, n, 10))
			(void)tick_valid_num(code, n, 1, TICK_JSON_ID_MAX,
			    &f->site_id);
		if (is_code)
			f->site_code = code;
		if (f->site_id == 0 && f->site_code == NULL)
			goto bad;
	} else if (rc != TICK_OK && rc != TICK_ENOTFOUND)
		goto bad;
	if ((rc = tick_http_query_get(req->query, "overdue", v, sizeof(v))) ==
	    TICK_OK) {
		if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
			f->overdue = 1;
		else if (strcmp(v, "0") != 0 && strcmp(v, "false") != 0 &&
		    v[0] != '\0')
			goto bad;
	} else if (rc != TICK_ENOTFOUND)
		goto bad;
	if ((rc = tick_http_query_get(req->query, "status", v, sizeof(v))) ==
	        TICK_OK &&
	    v[0] != '\0') {
		enum tick_action_status s;

		if (tick_action_status_parse(v, &s) != TICK_OK)
			goto bad;
		f->status = (int)s;
	} else if (rc != TICK_OK && rc != TICK_ENOTFOUND)
		goto bad;
	return 0;
bad:
	tick_http_fail(req, 400, TICK_EINVAL, "bad_request",
	    "owner is a user id or me; site a site id or code; overdue 1 or 0; "
	    "status open, done or cancelled",
	    NULL);
	return -1;
}

void
tick_actions_list(struct tick_req *req)
{
	struct tick_scope scope = tick_session_scope(req);
	struct tick_action_filters f;
	long long page, limit, total = 0;
	json_t *items = NULL;
	enum tick_err rc;
	char code[16];

	if (tick_http_page(req, &page, &limit) != TICK_OK ||
	    list_filters(req, &f, code, sizeof(code)) != 0)
		return;
	if ((rc = tick_action_list(req->app->db, &f, &scope, page, limit,
	         &items, &total)) != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok_page(req, items, total, page, limit);
}
