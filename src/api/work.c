#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "app.h"
#include "assign.h"
#include "audit_api.h"
#include "bounds.h"
#include "csat_flow.h"
#include "db.h"
#include "events.h"
#include "b64.h"
#include "http.h"
#include "interactive.h"
#include "json.h"
#include "texts.h"
#include "log.h"
#include "media.h"
#include "notices.h"
#include "notify.h"
#include "outbox.h"
#include "readmark.h"
#include "replies.h"
#include "richmsgs.h"
#include "ticket_args.h"
#include "status.h"
#include "session.h"
#include "templates.h"
#include "tickets.h"
#include "user.h"
#include "valid.h"
#include "wa.h"
#include "wa_errors.h"
#include "wa_templates.h"
#include "work.h"
#include "sla.h"
#include "clock.h"
#include "consent_flow.h"

static int
is_admin(const struct tick_req *req)
{
	return tick_role_allows(req->user.role, TICK_PERM_TICKETS_ADMIN);
}

/* The holder rule (tick_ticket_may_work): 0, or 1 after answering 403
 * not_holder; the caller rolls back. doing says what was refused. */
static int
not_holder(struct tick_req *req, const struct tick_ticket *tk,
    const char *doing)
{
	char msg[128];

	if (tick_ticket_may_work(tk, req->user.id, is_admin(req)))
		return 0;
	if (tk->assigned_to)
		snprintf(msg, sizeof(msg),
		    "another agent holds this ticket: only they or a "
		    "super_admin may do this (%s)",
		    doing);
	else
		snprintf(msg, sizeof(msg), "take the ticket before %s", doing);
	tick_http_fail(req, 403, TICK_EFORBIDDEN, "not_holder", msg,
	    tk->assigned_to ?
	        json_pack("{s:I}", "assigned_to", (json_int_t)tk->assigned_to) :
	        NULL);
	return 1;
}

int
tick_work_closing_fits(const char *tmpl, const char *ref,
    const char *resolution, size_t *room)
{
	/* More bytes than this are more than TICK_MAX_WA_TEXT characters. */
	static char out[TICK_MAX_WA_TEXT * 4 + 1];
	struct tick_text_vars v = { ref, tick_text_status_label("closed"),
		resolution, NULL };
	size_t uses = 0, base;

	*room = 0;
	if (tick_text_render_tmpl(tmpl, &v, out, sizeof(out)) == TICK_OK &&
	    tick_valid_utf8_chars(out) <= TICK_MAX_WA_TEXT)
		return 1;
	v.resolution = "";
	if (tick_text_render_tmpl(tmpl, &v, out, sizeof(out)) != TICK_OK ||
	    (base = tick_valid_utf8_chars(out)) > TICK_MAX_WA_TEXT)
		return 0;
	for (const char *p = tmpl; (p = strstr(p, "{resolution}")) != NULL; p++)
		uses++;
	*room = uses ? (TICK_MAX_WA_TEXT - base) / uses : 0;
	return 0;
}

/* One notice as the customer would get it, or JSON null when they would
 * not hear of it (notifications off, no WhatsApp, an empty text). */
static json_t *
notice_preview(struct tick_req *req, enum tick_cfg key, int told,
    const struct tick_text_vars *v)
{
	char out[TICK_MAX_WA_TEXT * 4 + 1];
	const char *tmpl = tick_config_get(&req->app->cfg, key);

	if (!told || tmpl == NULL || tmpl[0] == '\0' ||
	    tick_text_render_tmpl(tmpl, v, out, sizeof(out)) != TICK_OK ||
	    out[0] == '\0')
		return json_null();
	return json_string(out);
}

int
tick_work_notices_json(struct tick_req *req, json_t *t)
{
	const char *ref = json_string_value(json_object_get(t, "reference"));
	json_t *mobile = json_object_get(t, "mobile");
	int told = json_is_true(json_object_get(t, "whatsapp_enabled")) &&
	    json_is_true(json_object_get(t, "whatsapp_notifications")) &&
	    !(json_is_string(mobile) && json_string_length(mobile) == 0);
	/* The resolution stays a placeholder: the panel shows the closing
	 * text with what the agent types in its place. */
	struct tick_text_vars take = { ref, tick_text_status_label("assigned"),
		NULL, NULL };
	struct tick_text_vars close = { ref, tick_text_status_label("closed"),
		"{resolution}", NULL };
	json_t *n = json_pack("{s:o, s:o}", "take",
	    notice_preview(req, TICK_CFG_TEXT_STATUS_CHANGED, told, &take),
	    "close",
	    notice_preview(req, TICK_CFG_TEXT_TICKET_CLOSED, told, &close));

	if (n == NULL || json_object_set_new(t, "notices", n) != 0) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

void
tick_work_commit_send(struct tick_req *req, json_t *answer, enum tick_err rc,
    struct tick_outbox_list *l, json_t *wa, int status, const char *message)
{
	int down = 0, sent = 0, failed = 0;

	if (answer == NULL || (rc = tick_db_commit(req->app->db)) != TICK_OK) {
		json_decref(answer);
		tick_db_rollback(req->app->db);
		tick_outbox_list_clear(l);
		json_decref(wa);
		tick_http_fail(req, 0, rc == TICK_OK ? TICK_ENOMEM : rc, NULL,
		    NULL, NULL);
		return;
	}
	tick_outbox_send_list(req->app, l, &down, &sent, &failed);
	if (wa != NULL && failed > 0)
		json_object_set_new(wa, "status", json_string("failed"));
	else if (wa != NULL && sent > 0 &&
	    strcmp(json_string_value(json_object_get(wa, "status")),
	        "queued") == 0)
		json_object_set_new(wa, "status", json_string("sent"));
	json_object_set_new(answer, "whatsapp_notice", wa ? wa : json_null());
	tick_http_ok(req, status, answer, message);
}

/* Commits, sends what was queued, and answers with the ticket. */
static void
finish(struct tick_req *req, long long id, struct tick_outbox_list *l,
    json_t *wa, int status, const char *message)
{
	enum tick_err rc = TICK_OK;
	/* The answer is read inside the transaction: once the change is
	 * committed, nothing can turn its answer into an error. */
	json_t *t = tick_ticket_json(req->app->db, id, 0, &rc);

	tick_work_commit_send(req, t, rc, l, wa, status, message);
}

static void
abort_tx(struct tick_req *req, struct tick_outbox_list *l, json_t *wa)
{
	tick_db_rollback(req->app->db);
	tick_outbox_list_clear(l);
	json_decref(wa);
}

/* A status change the customer may hear about. */
static enum tick_err
notify_status(struct tick_req *req, struct tick_ticket *tk, const char *status,
    struct tick_outbox_list *l, json_t **wa)
{
	struct tick_text_vars v = { tk->reference,
		tick_text_status_label(status), NULL, NULL };

	*wa = NULL;
	if (!tk->whatsapp_notifications)
		return TICK_OK;
	return tick_notice_queue(req->app, tk, TICK_TEXT_STATUS_CHANGED, &v, l,
	    wa);
}

static const struct tick_field assign_fields[] = {
	{ "user_id", TICK_FIELD_ID, 0, 0, 0, NULL },
};

void
tick_work_assign(struct tick_req *req)
{
	struct tick_outbox_list l = { .n = 0 };
	long long id = tick_ticket_route_id(req), to;
	json_t *body = NULL, *errors = NULL, *u, *wa = NULL;
	struct tick_db *db = req->app->db;
	struct tick_ticket tk;
	enum tick_err rc;
	int found = 0;

	if (id == 0)
		return;
	/* An empty body means "take it myself". */
	if (req->body_len > 0 && (body = tick_http_json_body(req)) == NULL)
		return;
	if (body &&
	    tick_valid_fields(body, assign_fields, 1, &errors) != TICK_OK) {
		tick_http_invalid(req, "user_id must be a user id", errors);
		goto out;
	}
	u = body ? json_object_get(body, "user_id") : NULL;
	to = u == NULL ? req->user.id : tick_json_id(body, "user_id");
	if (to != req->user.id) {
		rc = tick_user_can_work(db, to, &found);
		if (rc != TICK_OK) {
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
			goto out;
		}
		if (found == 0) {
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
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 409, TICK_ECONFLICT, "ticket_closed",
		    "the ticket is closed", NULL);
		goto out;
	}
	/* Giving a ticket to someone else: a super_admin, or its holder
	 * passing it to a colleague (issue 19). */
	if (to != req->user.id && !is_admin(req) &&
	    (tk.assigned_to == 0 || tk.assigned_to != req->user.id)) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 403, TICK_EFORBIDDEN, "forbidden",
		    "only the ticket's holder or a super_admin gives it to "
		    "someone else",
		    NULL);
		goto out;
	}
	if (tk.assigned_to == to) {
		abort_tx(req, &l, NULL);
		finish(req, id, &l, NULL, 200, "already assigned");
		goto out;
	}
	if (tk.assigned_to != 0 && !is_admin(req) &&
	    tk.assigned_to != req->user.id) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 409, TICK_ECONFLICT, "already_assigned",
		    "someone else holds this ticket",
		    json_pack("{s:I}", "assigned_to",
		        (json_int_t)tk.assigned_to));
		goto out;
	}
	rc = tick_ticket_assign(db, id, to, tk.assigned_to == 0);
	if (rc == TICK_OK)
		rc = tick_audit_req(req,
		    tk.assigned_to == 0 ? "ticket.assign" : "ticket.reassign",
		    "ticket", id,
		    json_pack("{s:o, s:I}", "from",
		        tk.assigned_to ?
		            json_integer((json_int_t)tk.assigned_to) :
		            json_null(),
		        "to", (json_int_t)to));
	if (rc == TICK_OK)
		rc = tick_events_emit(db, TICK_EV_TICKET_ASSIGNED, id);
	if (rc == TICK_OK && tk.status == TICK_STATUS_NEW)
		rc = notify_status(req, &tk, "assigned", &l, &wa);
	if (rc != TICK_OK) {
		abort_tx(req, &l, wa);
		tick_http_fail(req, 0, rc,
		    rc == TICK_ECONFLICT ? "already_assigned" : NULL,
		    rc == TICK_ECONFLICT ?
		        "someone else took this ticket first" :
		        NULL,
		    NULL);
		goto out;
	}
	finish(req, id, &l, wa, 200, "ticket assigned");
out:
	json_decref(body);
}

/*
 * POST /api/tickets/:id/release: the holder (or a super_admin) gives the
 * ticket back: nobody holds it, an assigned one is new again, and a team
 * with automatic assignment gives it to another member at once (never
 * back to who released it). The customer is not told.
 */
void
tick_work_release(struct tick_req *req)
{
	struct tick_outbox_list l = { .n = 0 };
	long long id = tick_ticket_route_id(req), to = 0;
	struct tick_db *db = req->app->db;
	struct tick_ticket tk;
	enum tick_err rc;

	if (id == 0 || tick_ticket_begin_locked(req, id, &tk) != 0)
		return;
	if (tk.status == TICK_STATUS_CLOSED) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 409, TICK_ECONFLICT, "ticket_closed",
		    "the ticket is closed", NULL);
		return;
	}
	if (tk.assigned_to == 0) {
		abort_tx(req, &l, NULL);
		finish(req, id, &l, NULL, 200, "nobody holds the ticket");
		return;
	}
	if (!tick_ticket_may_work(&tk, req->user.id, is_admin(req))) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 403, TICK_EFORBIDDEN, "not_holder",
		    "only the ticket's holder or a super_admin releases it",
		    json_pack("{s:I}", "assigned_to",
		        (json_int_t)tk.assigned_to));
		return;
	}
	rc = tick_ticket_transfer(db, id, -1, 0);
	if (rc == TICK_OK)
		rc = tick_audit_req(req, "ticket.release", "ticket", id,
		    json_pack("{s:I}", "from", (json_int_t)tk.assigned_to));
	if (rc == TICK_OK)
		rc = tick_events_emit(db, TICK_EV_TICKET_UPDATED, id);
	if (rc == TICK_OK && tk.team_id > 0)
		rc = tick_assign_ticket(db, id, tk.team_id, tk.assigned_to,
		    &to);
	if (rc != TICK_OK) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	finish(req, id, &l, NULL, 200,
	    to ? "ticket released and assigned" : "ticket released");
}

static const struct tick_field status_fields[] = {
	{ "status", TICK_FIELD_ENUM, 1, 0, 0, tick_status_names },
	{ "expected_status", TICK_FIELD_ENUM, 0, 0, 0, tick_status_names },
};

void
tick_work_status(struct tick_req *req)
{
	struct tick_outbox_list l = { .n = 0 };
	long long id = tick_ticket_route_id(req);
	json_t *body, *errors = NULL, *wa = NULL;
	const char *to, *expected;
	enum tick_status to_status = TICK_STATUS_NEW;
	struct tick_ticket tk;
	enum tick_err rc;
	int take = 0;

	if (id == 0 || (body = tick_http_json_body(req)) == NULL)
		return;
	if (tick_valid_fields(body, status_fields, 2, &errors) != TICK_OK) {
		tick_http_invalid(req,
		    "status must be new, assigned, in_progress or pending",
		    errors);
		goto out;
	}
	to = json_string_value(json_object_get(body, "status"));
	expected = json_string_value(json_object_get(body, "expected_status"));
	(void)tick_status_parse(to, &to_status); /* valid: one of the names */
	if (to_status == TICK_STATUS_CLOSED) {
		tick_http_fail(req, 422, TICK_EINVAL, "use_close",
		    "close a ticket with POST /api/tickets/:id/close and a resolution",
		    NULL);
		goto out;
	}
	if (tick_ticket_begin_locked(req, id, &tk) != 0)
		goto out;
	if (expected != NULL &&
	    strcmp(expected, tick_status_name(tk.status)) != 0) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 409, TICK_ECONFLICT, "stale_status",
		    "the ticket changed meanwhile; reload it",
		    json_pack("{s:s}", "status", tick_status_name(tk.status)));
		goto out;
	}
	if (!tick_status_transition_ok(tk.status, to_status, is_admin(req))) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 409, TICK_ECONFLICT, "invalid_transition",
		    "tickets move new, assigned, in_progress, then close (pending and back to in_progress between); only a super_admin reopens",
		    json_pack("{s:s, s:s}", "from", tick_status_name(tk.status),
		        "to", to));
		goto out;
	}
	/* Moving an unheld ticket to assigned takes it. */
	if (tk.assigned_to == 0 && strcmp(to, "assigned") == 0)
		take = 1;
	else if (not_holder(req, &tk, "changing its status")) {
		abort_tx(req, &l, NULL);
		goto out;
	}
	if (tk.status == TICK_STATUS_CLOSED)
		rc = tick_ticket_reopen(req->app->db, id, to);
	else
		rc = tick_ticket_set_status(req->app->db, id, to,
		    take ? req->user.id : 0);
	if (rc == TICK_OK)
		rc = tick_audit_req(req,
		    tk.status == TICK_STATUS_CLOSED ? "ticket.reopen" :
		                                      "ticket.status",
		    "ticket", id,
		    json_pack("{s:s, s:s}", "from", tick_status_name(tk.status),
		        "to", to));
	if (rc == TICK_OK)
		rc = tick_events_emit(req->app->db, TICK_EV_TICKET_STATUS, id);
	/* pending stops the SLA clock, leaving it starts it again. */
	if (rc == TICK_OK)
		rc = tick_sla_refresh(req->app->db, id, tick_clock_now());
	if (rc == TICK_OK)
		rc = notify_status(req, &tk, to, &l, &wa);
	if (rc != TICK_OK) {
		abort_tx(req, &l, wa);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	finish(req, id, &l, wa, 200, "status changed");
out:
	json_decref(body);
}

static const struct tick_field close_fields[] = {
	{ "resolution", TICK_FIELD_LONGTEXT, 1, 1, 5000, NULL },
	/* Close even with corrective actions open (they stay open). */
	{ "force", TICK_FIELD_BOOL, 0, 0, 0, NULL },
};

void
tick_work_close(struct tick_req *req)
{
	struct tick_outbox_list l = { .n = 0 };
	long long id = tick_ticket_route_id(req);
	json_t *body, *errors = NULL, *wa = NULL;
	struct tick_action_counts actions;
	const char *resolution;
	struct tick_ticket tk;
	size_t room = 0;
	enum tick_err rc;
	int force;

	if (id == 0 || (body = tick_http_json_body(req)) == NULL)
		return;
	if (tick_valid_fields(body, close_fields,
	        sizeof(close_fields) / sizeof(close_fields[0]),
	        &errors) != TICK_OK) {
		tick_http_invalid(req,
		    "a resolution (1 to 5000 characters) is required; force is "
		    "true or false",
		    errors);
		goto out;
	}
	resolution = json_string_value(json_object_get(body, "resolution"));
	force = json_is_true(json_object_get(body, "force"));
	if (tick_ticket_begin_locked(req, id, &tk) != 0)
		goto out;
	if (tk.status == TICK_STATUS_CLOSED) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 409, TICK_ECONFLICT, "ticket_closed",
		    "the ticket is already closed", NULL);
		goto out;
	}
	if (not_holder(req, &tk, "closing it")) {
		abort_tx(req, &l, NULL);
		goto out;
	}
	/* Open corrective actions hold the ticket open unless forced (the
	 * ticket is locked: no action is added meanwhile). */
	if ((rc = tick_action_counts(req->app->db, id, &actions)) != TICK_OK) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	if (actions.open > 0 && !force) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 409, TICK_ECONFLICT, "open_actions",
		    "the ticket has open corrective actions: close them, or "
		    "close the ticket with \"force\": true",
		    json_pack("{s:I, s:I}", "open_actions",
		        (json_int_t)actions.open, "overdue_actions",
		        (json_int_t)actions.overdue));
		goto out;
	}
	/* The customer hears of it in one text, resolution included. */
	if (tk.whatsapp_notifications && tk.whatsapp_enabled &&
	    tk.address[0] != '\0' &&
	    !tick_work_closing_fits(tick_config_get(&req->app->cfg,
	                                TICK_CFG_TEXT_TICKET_CLOSED),
	        tk.reference, resolution, &room)) {
		char why[160];

		abort_tx(req, &l, NULL);
		snprintf(why, sizeof(why),
		    "must be at most %zu characters: the customer gets it in "
		    "one WhatsApp text of at most %d",
		    room, TICK_MAX_WA_TEXT);
		tick_http_invalid(req,
		    "the resolution is too long for the closing notice",
		    json_pack("{s:s}", "resolution", why));
		goto out;
	}
	/* Closed after a due time: the SLA records the breach (issue 13). */
	rc = tick_sla_settle(req->app->db, id, tick_clock_now());
	if (rc == TICK_OK)
		rc = tick_ticket_close(req->app->db, id, req->user.id,
		    resolution);
	if (rc == TICK_OK)
		rc = tick_audit_req(req, "ticket.close", "ticket", id,
		    actions.open > 0 ?
		        json_pack("{s:s, s:b, s:I}", "from",
		            tick_status_name(tk.status), "force", 1,
		            "open_actions", (json_int_t)actions.open) :
		        json_pack("{s:s}", "from",
		            tick_status_name(tk.status)));
	if (rc == TICK_OK)
		rc = tick_events_emit(req->app->db, TICK_EV_TICKET_CLOSED, id);
	if (rc == TICK_OK && tk.whatsapp_notifications) {
		struct tick_text_vars v = { tk.reference,
			tick_text_status_label("closed"), resolution, NULL };

		rc = tick_notice_queue(req->app, &tk, TICK_TEXT_TICKET_CLOSED,
		    &v, &l, &wa);
	}
	/* The rating question follows the closing notice (issue 13). */
	if (rc == TICK_OK) {
		json_t *asked = NULL;

		rc = tick_csat_ask(req->app, &tk, &l, &asked);
		if (asked != NULL) {
			/* No closing notice: the answer's status is the
			 * question's. */
			if (wa == NULL)
				wa = json_pack("{s:O}", "status",
				    json_object_get(asked, "status"));
			if (wa != NULL)
				json_object_set_new(wa, "csat", asked);
			else
				json_decref(asked);
		}
	}
	if (rc != TICK_OK) {
		abort_tx(req, &l, wa);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	finish(req, id, &l, wa, 200, "ticket closed");
	/* The holder has room again: their teams' waiting tickets go out
	 * (issue 13); a failure leaves them to `tick outbox`. */
	if (tk.assigned_to != 0) {
		long long given = 0;

		if (tick_assign_drain_user(req->app->db, tk.assigned_to,
		        &given) != TICK_OK)
			tick_log_warn("%s: waiting tickets not assigned",
			    __func__);
	}
out:
	json_decref(body);
}

/* Stores an agent's reply or note inside the transaction. */
static enum tick_err
add_reply(struct tick_req *req, long long id, const char *message, int note,
    long long *reply_id)
{
	return tick_reply_add(req->app->db, id, message, req->user.name,
	    req->user.id, note, reply_id);
}

static json_t *
result_json(long long out_id, const char *status,
    const struct tick_wa_result *r)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:b}", "id",
	    (json_int_t)out_id, "status", status, "wamid",
	    r && r->wamid[0] ? json_string(r->wamid) : json_null(),
	    "error_code",
	    r && r->error_code ? json_integer((json_int_t)r->error_code) :
	                         json_null(),
	    "error_title",
	    r && r->error_title[0] ? json_string(r->error_title) : json_null(),
	    "retryable",
	    strcmp(status, "failed") == 0 &&
	        !tick_wa_error_permanent(r ? r->error_code : 0));
}

/*
 * The text as the customer reads it: WHATSAPP_AGENT_PREFIX, {agent} the
 * signed-in user's name, before message. A new string (free with free()),
 * or NULL when out of memory.
 */
static char *
agent_text(struct tick_req *req, const char *message)
{
	const char *tmpl = tick_config_get(&req->app->cfg,
	    TICK_CFG_WA_AGENT_PREFIX);
	struct tick_text_extra agent = { "{agent}", req->user.name };
	size_t sz, used;
	char *out;

	if (tmpl == NULL || *tmpl == '\0')
		return strdup(message);
	/* A rendered prefix is the template and one name per {agent}. */
	sz = strlen(tmpl) * (strlen(req->user.name) + 1) + strlen(message) + 1;
	if ((out = malloc(sz)) == NULL)
		return NULL;
	if (tick_text_render_tmpl_with(tmpl, NULL, &agent, 1, out, sz) !=
	    TICK_OK) {
		free(out);
		return NULL;
	}
	used = strlen(out);
	memcpy(out + used, message, strlen(message) + 1);
	return out;
}

/*
 * A reply's text as sent (the agent prefix included) and its buttons or
 * list (members of body, which may be NULL), checked against WhatsApp's
 * limits before anything is stored. 0 with *sent (a new string) and ia,
 * or -1 answered 422 naming the field.
 */
static int
reply_shape(struct tick_req *req, const json_t *body, const char *message,
    const struct tick_file *f, char **sent, struct tick_ia *ia)
{
	char field[96], why[200];
	int with_file = f != NULL && f->data != NULL;

	memset(ia, 0, sizeof(*ia));
	/* A file's caption goes as it is (the media module sends it). */
	*sent = with_file ? strdup(message) : agent_text(req, message);
	if (*sent == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		return -1;
	}
	if (body != NULL && with_file &&
	    (json_object_get(body, "buttons") != NULL ||
	        json_object_get(body, "list") != NULL)) {
		snprintf(field, sizeof(field), "%s",
		    json_object_get(body, "buttons") != NULL ? "buttons" :
		                                               "list");
		snprintf(why, sizeof(why),
		    "a reply with a file cannot carry buttons or a list");
		goto bad;
	}
	if (body != NULL && !with_file &&
	    tick_ia_parse(body, *sent, ia, field, sizeof(field), why,
	        sizeof(why)) != TICK_OK)
		goto bad;
	/* The prefix counts: a text is never cut, it is refused. */
	if (!with_file && ia->kind == TICK_IA_NONE &&
	    tick_valid_utf8_chars(*sent) > TICK_MAX_WA_TEXT) {
		snprintf(field, sizeof(field), "message");
		snprintf(why, sizeof(why),
		    "with the agent prefix the message is more than %d "
		    "characters",
		    TICK_MAX_WA_TEXT);
		goto bad;
	}
	return 0;
bad:
	free(*sent);
	*sent = NULL;
	tick_http_invalid(req, "the reply does not fit WhatsApp's limits",
	    json_pack("{s:s}", field, why));
	return -1;
}

/* An approved template of the library, checked and filled (issue 16):
 * what a reply outside the window re-opens the conversation with. */
struct reopen_tpl {
	struct tick_wa_tpl tpl;
	json_t *comps; /* owned: the payload's components */
	char *text;    /* owned: the message as the customer reads it */
};

static void send_reply(struct tick_req *req, long long id, const char *message,
    const char *wire, const struct tick_ia *ia, const struct tick_file *f,
    const char *context, const struct reopen_tpl *ro);

/* 422 opted_out: the customer stopped marketing (issue 16). */
static void
opted_out(struct tick_req *req, const char *field)
{
	tick_http_fail(req, 422, TICK_EINVAL, "opted_out",
	    "the customer stopped marketing messages: a MARKETING template "
	    "cannot be sent to them (UTILITY and AUTHENTICATION ones can)",
	    json_pack("{s:s}", field,
	        "a MARKETING template to a customer who opted out"));
}

/* The category of the configured re-opening template in the library
 * ("" when it is not there). */
static void
configured_category(struct tick_req *req, const char *name, char *out,
    size_t outsz)
{
	struct tick_wa_tpl t;
	json_t *tc = NULL;

	out[0] = '\0';
	if (name != NULL &&
	    tick_template_get(req->app->db, name,
	        tick_config_get(&req->app->cfg, TICK_CFG_WA_TEMPLATE_LANG), &t,
	        &tc) == TICK_OK)
		snprintf(out, outsz, "%s", t.category);
	json_decref(tc);
}

void
tick_work_send_reply(struct tick_req *req, long long id, const char *message,
    const struct tick_file *f)
{
	tick_work_send_reply_ctx(req, id, message, f, NULL);
}

void
tick_work_send_reply_ctx(struct tick_req *req, long long id,
    const char *message, const struct tick_file *f, const char *context)
{
	struct tick_ia ia;
	char *sent;

	if (reply_shape(req, NULL, message, f, &sent, &ia) != 0)
		return;
	send_reply(req, id, message, sent, &ia, f, context, NULL);
	free(sent);
}

/* Stores the reply message (wire: as WhatsApp gets it, with its buttons
 * or list ia) on ticket id, then sends it; outside the window ro (may be
 * NULL) is the template that re-opens the conversation. Answers req. */
static void
send_reply(struct tick_req *req, long long id, const char *message,
    const char *wire, const struct tick_ia *ia, const struct tick_file *f,
    const char *context, const struct reopen_tpl *ro)
{
	long long attachment = 0;
	const char *tmpl = tick_config_get(&req->app->cfg,
	    TICK_CFG_WA_TEMPLATE_NAME);
	struct tick_outbox_list l = { .n = 0 };
	struct tick_db *db = req->app->db;
	long long reply_id = 0, out_id = 0, tpl_id = 0;
	struct tick_wa_result res;
	json_t *wa = NULL, *t;
	struct tick_ticket tk;
	struct tick_notify_plan plan;
	enum tick_err rc;
	int use_wa, held = 0;

	if (tick_ticket_begin_locked(req, id, &tk) != 0)
		return;
	if (tk.status == TICK_STATUS_CLOSED) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 409, TICK_ECONFLICT, "ticket_closed",
		    "the ticket is closed; a super_admin may reopen it", NULL);
		return;
	}
	if (not_holder(req, &tk, "replying")) {
		abort_tx(req, &l, NULL);
		return;
	}
	if (context != NULL) {
		int ok = 0;

		/* A quote names one of this ticket's messages, and goes
		 * with a text (a file is sent by the media module). */
		rc = f != NULL && f->data != NULL ?
		    TICK_OK :
		    tick_richmsg_on_ticket(db, id, context, &ok);
		if (rc != TICK_OK || !ok) {
			abort_tx(req, &l, NULL);
			if (rc != TICK_OK)
				tick_http_fail(req, 0, rc, NULL, NULL, NULL);
			else
				tick_http_invalid(req,
				    "context_message_id must be the WhatsApp id "
				    "of a message of this ticket",
				    json_pack("{s:s}", "context_message_id",
				        f != NULL && f->data != NULL ?
				            "a file reply cannot quote a message" :
				            "not a message of this ticket"));
			return;
		}
	}
	{
		struct tick_notify_case c = { .kind = f != NULL &&
			        f->data != NULL ?
			    TICK_NOTIFY_FILE :
			    TICK_NOTIFY_REPLY,
			.whatsapp_enabled = tk.whatsapp_enabled,
			.has_recipient = tk.address[0] != '\0',
			.window_open = tk.window_open,
			.template_set = tmpl != NULL || ro != NULL,
			.wa_type = f != NULL ? f->wa_type : NULL,
			.has_text = message != NULL && message[0] != '\0' };

		plan = tick_notify_plan(&c);
	}
	use_wa = plan.action != TICK_NOTIFY_SKIP;
	if (plan.action == TICK_NOTIFY_REFUSE) {
		/* No placeholders: the text is at most the configured value. */
		char notice[TICK_MAX_CONFIG_VALUE + 1];

		abort_tx(req, &l, NULL);
		if (tick_text_render(&req->app->cfg, TICK_TEXT_OUTSIDE_WINDOW,
		        NULL, notice, sizeof(notice)) != TICK_OK)
			snprintf(notice, sizeof(notice),
			    "outside the 24-hour window");
		tick_http_fail(req, 422, TICK_EINVAL, "outside_window", notice,
		    json_pack("{s:s}", "hint",
		        "give a template, or set WHATSAPP_TEMPLATE_NAME, to "
		        "re-open conversations"));
		return;
	}
	/* The template that re-opens must not be marketing to a customer
	 * who stopped it. */
	if (plan.action == TICK_NOTIFY_HOLD && (f == NULL || f->data == NULL)) {
		char cat[33];

		if (ro != NULL)
			snprintf(cat, sizeof(cat), "%s", ro->tpl.category);
		else
			configured_category(req, tmpl, cat, sizeof(cat));
		rc = tick_consent_template_ok(db, tk.contact_id, tk.mobile,
		    cat);
		if (rc != TICK_OK) {
			abort_tx(req, &l, NULL);
			if (rc == TICK_EFORBIDDEN)
				opted_out(req,
				    ro != NULL ? "template.name" : "template");
			else
				tick_http_fail(req, 0, rc, NULL, NULL, NULL);
			return;
		}
	}
	rc = add_reply(req, id, message, 0, &reply_id);
	if (rc == TICK_OK)
		rc = tick_events_emit(db, TICK_EV_REPLY_CREATED, id);
	/* The customer was answered: a due time already past is a breach,
	 * the next response is met (before the first response is marked). */
	if (rc == TICK_OK)
		rc = tick_sla_staff_answered(db, id, tick_clock_now());
	if (rc == TICK_OK)
		rc = tick_ticket_responded(db, id);
	if (rc == TICK_OK && f != NULL && f->data != NULL) {
		/* The file goes to Cloudinary once this commits, then by link
		 * with the text as its caption. */
		rc = tick_media_add_upload(db, id, reply_id, f->name, f->type,
		    f->data, f->len, &attachment);
		use_wa = 0;
	} else if (rc == TICK_OK && use_wa) {
		int ia_on = ia->kind != TICK_IA_NONE;
		char *payload = ia_on ?
		    tick_wa_interactive_payload(tk.address, wire, ia) :
		    tick_wa_text_payload(tk.address, wire);
		/* The timeline's text keeps the choices readable; the reply
		 * keeps the agent's own words. */
		char *readable = ia_on ? tick_ia_readable(ia, message) : NULL;

		/* A quoted reply carries context.message_id. */
		if (payload != NULL && context != NULL) {
			char *quoted = tick_wa_with_context(payload, context);

			free(payload);
			payload = quoted;
		}
		held = plan.action == TICK_NOTIFY_HOLD;
		rc = payload == NULL || (ia_on && readable == NULL) ?
		    TICK_ENOMEM :
		    tick_outbox_add(db, id, tk.contact_id, reply_id,
		        ia_on ? "interactive" : "text",
		        ia_on ? readable : message, payload, held, &out_id,
		        held ? NULL : &l);
		free(payload);
		free(readable);
		if (rc == TICK_OK && held && ro != NULL) {
			/* The agent's own template re-opens (issue 16). */
			char *tp = tick_wa_tpl_payload(tk.address, ro->tpl.name,
			    ro->tpl.language, ro->comps);

			rc = tp == NULL ?
			    TICK_ENOMEM :
			    tick_outbox_add(db, id, tk.contact_id, 0,
			        "template", ro->text, tp, 0, &tpl_id, &l);
			free(tp);
		} else if (rc == TICK_OK && held)
			rc = tick_outbox_add_template(req->app, id,
			    tk.contact_id, tk.address, &tpl_id, &l);
		if (rc == TICK_OK)
			rc = tick_reply_link(db, reply_id, out_id);
		if (rc == TICK_OK && context != NULL)
			rc = tick_richmsg_set_context(db, out_id, context);
		/* The customer's messages are read now: one mark, after
		 * the reply. */
		if (rc == TICK_OK && !held) {
			enum tick_readmark_skip skip;

			rc = tick_readmark_queue(req->app, &tk, 0, &l, &skip);
		}
	}
	if (rc != TICK_OK || (rc = tick_db_commit(db)) != TICK_OK) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	memset(&res, 0, sizeof(res));
	if (attachment != 0) {
		json_t *fr, *t0;

		(void)tick_media_fetch(req->app, attachment, 0);
		if ((fr = tick_media_reply_file_json(db, attachment,
		         reply_id)) == NULL ||
		    (t0 = tick_ticket_json(db, id, 0, &rc)) == NULL) {
			json_decref(fr);
			tick_http_fail(req, 0, TICK_EDB, NULL, NULL, NULL);
			return;
		}
		json_object_set_new(fr, "reply",
		    json_pack("{s:I, s:s}", "id", (json_int_t)reply_id, "text",
		        message));
		json_object_set_new(fr, "ticket", t0);
		tick_http_ok(req, 201, fr, "reply stored");
		return;
	}
	if (!use_wa)
		wa = json_pack("{s:s, s:s}", "status", "skipped", "reason",
		    tk.address[0] == '\0' ? "no_mobile" : "whatsapp_disabled");
	else if (held) {
		int down = 0, sent = 0, failed = 0;

		tick_outbox_send_list(req->app, &l, &down, &sent, &failed);
		wa = result_json(out_id, "held", NULL);
		json_object_set_new(wa, "template",
		    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)tpl_id,
		        "name", ro != NULL ? ro->tpl.name : tmpl, "status",
		        failed ? "failed" : "sent"));
	} else {
		rc = tick_outbox_deliver(req->app, l.items[0].id, 0,
		    l.items[0].marked, l.items[0].payload, 0, &res);
		/* Then the read mark, unless the Graph API is failing. */
		for (size_t i = 1; i < l.n; i++)
			(void)tick_outbox_deliver(req->app, l.items[i].id, 0,
			    l.items[i].marked, l.items[i].payload,
			    rc != TICK_OK, NULL);
		tick_outbox_list_clear(&l);
		if (rc == TICK_OK)
			wa = result_json(out_id, "sent", &res);
		else if (res.error_code == 131047 && tmpl != NULL) {
			/* Meta says the window closed after all: hold the text,
			 * send the template. */
			int failed = 0;

			if (tick_outbox_reopen(req->app, id, tk.contact_id,
			        tk.address, &out_id, 1, &tpl_id,
			        &failed) == TICK_OK) {
				wa = result_json(out_id, "held", &res);
				json_object_set_new(wa, "template",
				    json_pack("{s:I, s:s, s:s}", "id",
				        (json_int_t)tpl_id, "name", tmpl,
				        "status", failed ? "failed" : "sent"));
			} else
				wa = result_json(out_id, "failed", &res);
		} else
			wa = result_json(out_id, "failed", &res);
	}
	if ((t = tick_ticket_json(db, id, 0, &rc)) == NULL) {
		json_decref(wa);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, 201,
	    json_pack("{s:{s:I, s:s}, s:o, s:o}", "reply", "id",
	        (json_int_t)reply_id, "text", message, "whatsapp", wa, "ticket",
	        t),
	    "reply stored");
}

static const struct tick_field reply_fields[] = {
	{ "message", TICK_FIELD_LONGTEXT, 1, 1, TICK_MAX_WA_TEXT, NULL },
};

/* With a file the text is its caption: WhatsApp allows 1024 characters. */
static const struct tick_field caption_fields[] = {
	{ "message", TICK_FIELD_LONGTEXT, 0, 0, 1024, NULL },
};

/* A reply's body: a message, and an optional file. 0, or -1 answered. */
static int
reply_body(struct tick_req *req, json_t *body, struct tick_file *f)
{
	json_t *errors = NULL;
	int with_file;

	if (tick_ticket_file_arg(req, body, "file", f) != 0)
		return -1;
	with_file = f->data != NULL;
	if (tick_valid_fields(body, with_file ? caption_fields : reply_fields,
	        1, &errors) != TICK_OK) {
		free(f->data);
		f->data = NULL;
		tick_http_invalid(req,
		    with_file ? "a caption is at most 1024 characters" :
		                "a message of 1 to 4096 characters is required",
		    errors);
		return -1;
	}
	return 0;
}

/* An optional context_message_id: 0 with *ctx the id or NULL, or -1
 * answered 422. */
static int
context_arg(struct tick_req *req, const json_t *body, const char **ctx)
{
	json_t *v = json_object_get(body, "context_message_id");
	const char *s;

	*ctx = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	s = json_is_string(v) ? json_string_value(v) : NULL;
	if (s == NULL || *s == '\0' || strlen(s) > TICK_MAX_WAMID ||
	    !tick_valid_utf8(s, strlen(s))) {
		tick_http_invalid(req,
		    "context_message_id is the WhatsApp id of a message",
		    json_pack("{s:s}", "context_message_id",
		        "a WhatsApp message id (wamid...) of this ticket"));
		return -1;
	}
	*ctx = s;
	return 0;
}

static int template_arg(struct tick_req *req, const json_t *body,
    const char *prefix, struct tick_wa_tpl *t, json_t **comps, char **text);

/* An optional template {name, language, parameters} that re-opens the
 * window (issue 16): 0 with *got set when given and checked, or -1
 * answered. */
static int
reopen_arg(struct tick_req *req, const json_t *body, struct reopen_tpl *ro,
    int *got)
{
	const json_t *v = json_object_get(body, "template");

	*got = 0;
	memset(ro, 0, sizeof(*ro));
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_object(v)) {
		tick_http_invalid(req, "template is an object",
		    json_pack("{s:s}", "template",
		        "{name, language, parameters} of an approved template"));
		return -1;
	}
	if (template_arg(req, v, "template.", &ro->tpl, &ro->comps,
	        &ro->text) != 0)
		return -1;
	*got = 1;
	return 0;
}

void
tick_work_reply(struct tick_req *req)
{
	long long id = tick_ticket_route_id(req);
	const char *msg, *ctx;
	struct reopen_tpl ro;
	struct tick_file f;
	json_t *body;
	int got = 0;

	memset(&ro, 0, sizeof(ro));
	if (id == 0 || (body = tick_http_json_body(req)) == NULL)
		return;
	if (context_arg(req, body, &ctx) == 0 &&
	    reopen_arg(req, body, &ro, &got) == 0 &&
	    reply_body(req, body, &f) == 0) {
		struct tick_ia ia;
		char *sent;

		msg = json_string_value(json_object_get(body, "message"));
		if (reply_shape(req, body, msg ? msg : "", &f, &sent, &ia) ==
		    0) {
			send_reply(req, id, msg ? msg : "", sent, &ia, &f, ctx,
			    got ? &ro : NULL);
			free(sent);
		}
		free(f.data);
	}
	json_decref(ro.comps);
	free(ro.text);
	json_decref(body);
}

void
tick_work_react(struct tick_req *req)
{
	struct tick_outbox_list l = { .n = 0 };
	struct tick_db *db = req->app->db;
	long long id = tick_ticket_route_id(req), mid, out_id = 0;
	struct tick_richmsg_target tg;
	char wamid[TICK_COL_BUF(TICK_MAX_WAMID)];
	const char *emoji;
	char *payload = NULL, text[TICK_MAX_EMOJI + 32];
	struct tick_ticket tk;
	json_t *body, *v, *answer, *wa;
	enum tick_err rc;

	if (id == 0)
		return;
	if ((mid = tick_http_param_id(req, 1)) == 0) {
		tick_http_fail(req, 404, TICK_ENOTFOUND, NULL,
		    "no such message", NULL);
		return;
	}
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	v = json_object_get(body, "emoji");
	emoji = json_is_string(v) ? json_string_value(v) : NULL;
	if (emoji == NULL || !tick_wa_emoji_ok(emoji)) {
		tick_http_invalid(req, "emoji is one emoji, or \"\" to remove",
		    json_pack("{s:s}", "emoji",
		        "one emoji (at most 16 characters), or \"\""));
		goto out;
	}
	if (tick_ticket_begin_locked(req, id, &tk) != 0)
		goto out;
	if (tk.status == TICK_STATUS_CLOSED) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 409, TICK_ECONFLICT, "ticket_closed",
		    "the ticket is closed; a super_admin may reopen it", NULL);
		goto out;
	}
	if (not_holder(req, &tk, "reacting")) {
		abort_tx(req, &l, NULL);
		goto out;
	}
	rc = tick_richmsg_message(db, mid, id, &tg, wamid, sizeof(wamid));
	if (rc != TICK_OK) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, rc == TICK_ENOTFOUND ? 404 : 0, rc, NULL,
		    rc == TICK_ENOTFOUND ? "no such message on this ticket" :
		                           NULL,
		    NULL);
		goto out;
	}
	if (strcmp(tg.direction, "in") != 0 || wamid[0] == '\0' || tg.revoked ||
	    tk.address[0] == '\0' || !tk.whatsapp_enabled) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 409, TICK_ECONFLICT, "not_reactable",
		    "only a customer's WhatsApp message that is still there "
		    "can take a reaction",
		    NULL);
		goto out;
	}
	/* A reaction is a message like any other: only inside the window. */
	if (!tk.window_open) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 422, TICK_EINVAL, "outside_window",
		    "the customer last wrote more than 24 hours ago: a "
		    "reaction cannot be sent",
		    NULL);
		goto out;
	}
	snprintf(text, sizeof(text), "%s%s",
	    *emoji ? "[reaction] " : "[reaction removed]", emoji);
	rc = (payload = tick_wa_reaction_payload(tk.address, wamid, emoji)) ==
	        NULL ?
	    TICK_ENOMEM :
	    tick_outbox_add(db, id, tk.contact_id, 0, "reaction", text, payload,
	        0, &out_id, &l);
	if (rc == TICK_OK)
		rc = tick_richmsg_react(db, mid, "agent", emoji, req->user.id,
		    out_id);
	if (rc == TICK_OK)
		rc = tick_ticket_touch(db, id);
	if (rc == TICK_OK)
		rc = tick_events_emit(db, TICK_EV_TICKET_UPDATED, id);
	if (rc != TICK_OK) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	answer = json_pack("{s:I, s:I, s:o}", "ticket_id", (json_int_t)id,
	    "message_id", (json_int_t)mid, "emoji",
	    *emoji ? json_string(emoji) : json_null());
	wa = json_pack("{s:I, s:s}", "id", (json_int_t)out_id, "status",
	    "queued");
	tick_work_commit_send(req, answer, TICK_OK, &l, wa, 200,
	    *emoji ? "reaction sent" : "reaction removed");
out:
	free(payload);
	json_decref(body);
}

/* 422 validation_failed naming prefix+field. */
static void
tpl_invalid(struct tick_req *req, const char *msg, const char *prefix,
    const char *field, const char *why)
{
	char key[128];

	snprintf(key, sizeof(key), "%s%s", prefix, field);
	tick_http_invalid(req, msg, json_pack("{s:s}", key, why));
}

/* The template a send names, checked and filled: 0, or -1 answered. Its
 * fields are named in a 422 after prefix ("" or "template."). */
static int
template_arg(struct tick_req *req, const json_t *body, const char *prefix,
    struct tick_wa_tpl *t, json_t **comps, char **text)
{
	const char *name = tick_json_str(body, "name");
	const char *lang = tick_json_str(body, "language");
	const json_t *params = json_object_get(body, "parameters");
	char field[96], why[200];
	json_t *tc = NULL;
	enum tick_err rc;
	const char *key;
	json_t *v;

	json_object_foreach ((json_t *)body, key, v) {
		if (strcmp(key, "name") != 0 && strcmp(key, "language") != 0 &&
		    strcmp(key, "parameters") != 0) {
			tpl_invalid(req, "unknown field", prefix, key,
			    "only name, language and parameters");
			return -1;
		}
	}
	if (lang == NULL && json_object_get(body, "language") == NULL)
		lang = tick_config_get(&req->app->cfg,
		    TICK_CFG_WA_TEMPLATE_LANG);
	if (!tick_wa_tpl_name_ok(name)) {
		tpl_invalid(req, "the template is invalid", prefix, "name",
		    "a template's name: a-z, 0-9 and _");
		return -1;
	}
	if (!tick_wa_tpl_lang_ok(lang)) {
		tpl_invalid(req, "the template is invalid", prefix, "language",
		    "a language code such as en_US");
		return -1;
	}
	rc = tick_template_get(req->app->db, name, lang, t, &tc);
	if (rc == TICK_ENOTFOUND) {
		tpl_invalid(req, "no such template", prefix, "name",
		    "not in the template library in this language: sync "
		    "the templates or pick another");
		return -1;
	}
	if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return -1;
	}
	if (strcmp(t->status, "APPROVED") != 0) {
		snprintf(why, sizeof(why),
		    "the template is %s: only APPROVED templates are sent",
		    t->status);
		tpl_invalid(req, "the template cannot be sent", prefix, "name",
		    why);
		json_decref(tc);
		return -1;
	}
	rc = tick_wa_tpl_fill(tc, t->parameter_format, params, comps, text,
	    field, sizeof(field), why, sizeof(why));
	json_decref(tc);
	t->components = NULL;
	if (rc == TICK_EINVAL) {
		tpl_invalid(req, "the parameters do not match the template",
		    prefix, field[0] ? field : "parameters", why);
		return -1;
	}
	if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

void
tick_work_template(struct tick_req *req)
{
	long long id = tick_ticket_route_id(req), reply_id = 0, out_id = 0;
	struct tick_outbox_list l = { .n = 0 };
	json_t *body = NULL, *comps = NULL, *wa, *t;
	struct tick_wa_result res;
	struct tick_wa_tpl tpl;
	struct tick_ticket tk;
	struct tick_db *db = req->app->db;
	char *text = NULL, *payload = NULL;
	enum tick_err rc;

	if (id == 0 || (body = tick_http_json_body(req)) == NULL)
		return;
	if (template_arg(req, body, "", &tpl, &comps, &text) != 0)
		goto out;
	if (tick_ticket_begin_locked(req, id, &tk) != 0)
		goto out;
	if (tk.status == TICK_STATUS_CLOSED) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 409, TICK_ECONFLICT, "ticket_closed",
		    "the ticket is closed; a super_admin may reopen it", NULL);
		goto out;
	}
	if (not_holder(req, &tk, "sending a template")) {
		abort_tx(req, &l, NULL);
		goto out;
	}
	if (tk.address[0] == '\0' || !tk.whatsapp_enabled) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 422, TICK_EINVAL, "no_recipient",
		    tk.address[0] == '\0' ?
		        "the ticket has no WhatsApp number or user id" :
		        "WhatsApp is off for this ticket",
		    NULL);
		goto out;
	}
	/* A customer who stopped marketing gets no MARKETING template
	 * (issue 16): refused before anything is stored. */
	if ((rc = tick_consent_template_ok(db, tk.contact_id, tk.mobile,
	         tpl.category)) != TICK_OK) {
		abort_tx(req, &l, NULL);
		if (rc == TICK_EFORBIDDEN)
			opted_out(req, "name");
		else
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	/* Stored first, as the customer will read it; sent after the
	 * commit (the outbox tries again if this send fails). */
	if ((payload = tick_wa_tpl_payload(tk.address, tpl.name, tpl.language,
	         comps)) == NULL)
		rc = TICK_ENOMEM;
	else
		rc = add_reply(req, id, text, 0, &reply_id);
	if (rc == TICK_OK)
		rc = tick_events_emit(db, TICK_EV_REPLY_CREATED, id);
	if (rc == TICK_OK)
		rc = tick_ticket_responded(db, id);
	if (rc == TICK_OK)
		rc = tick_outbox_add(db, id, tk.contact_id, reply_id,
		    "template", text, payload, 0, &out_id, &l);
	if (rc == TICK_OK)
		rc = tick_reply_link(db, reply_id, out_id);
	if (rc != TICK_OK || (rc = tick_db_commit(db)) != TICK_OK) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	memset(&res, 0, sizeof(res));
	rc = tick_outbox_deliver(req->app, l.items[0].id, 0, l.items[0].marked,
	    l.items[0].payload, 0, &res);
	tick_outbox_list_clear(&l);
	wa = result_json(out_id, rc == TICK_OK ? "sent" : "failed", &res);
	if ((t = tick_ticket_json(db, id, 0, &rc)) == NULL) {
		json_decref(wa);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	tick_http_ok(req, 201,
	    json_pack("{s:{s:I, s:s}, s:{s:s, s:s}, s:o, s:o}", "reply", "id",
	        (json_int_t)reply_id, "text", text, "template", "name",
	        tpl.name, "language", tpl.language, "whatsapp", wa, "ticket",
	        t),
	    "template stored");
out:
	free(payload);
	free(text);
	json_decref(comps);
	json_decref(body);
}

static const struct tick_field note_fields[] = {
	{ "message", TICK_FIELD_LONGTEXT, 1, 1, 10000, NULL },
};

void
tick_work_note(struct tick_req *req)
{
	long long id = tick_ticket_route_id(req), note_id = 0;
	json_t *body, *errors = NULL;
	struct tick_ticket tk;
	enum tick_err rc;

	if (id == 0 || (body = tick_http_json_body(req)) == NULL)
		return;
	if (tick_valid_fields(body, note_fields, 1, &errors) != TICK_OK) {
		tick_http_invalid(req,
		    "a message of 1 to 10000 characters is required", errors);
		goto out;
	}
	if (tick_ticket_begin_locked(req, id, &tk) != 0)
		goto out;
	/* A note is never sent: no outbox here. */
	rc = add_reply(req, id,
	    json_string_value(json_object_get(body, "message")), 1, &note_id);
	if (rc == TICK_OK)
		rc = tick_events_emit(req->app->db, TICK_EV_NOTE_CREATED, id);
	if (rc == TICK_OK)
		rc = tick_ticket_touch(req->app->db, id);
	if (rc != TICK_OK || (rc = tick_db_commit(req->app->db)) != TICK_OK) {
		tick_db_rollback(req->app->db);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	tick_http_ok(req, 201,
	    json_pack("{s:I, s:I, s:b}", "id", (json_int_t)note_id, "ticket_id",
	        (json_int_t)id, "internal", 1),
	    "note stored");
out:
	json_decref(body);
}

void
tick_work_replies_list(struct tick_req *req)
{
	long long id = tick_ticket_route_id(req);
	json_t *t;

	if (id == 0 || (t = tick_ticket_json_req(req, id)) == NULL)
		return;
	tick_http_ok(req, 200,
	    json_pack("{s:I, s:O, s:O, s:O, s:O}", "ticket_id", (json_int_t)id,
	        "replies", json_object_get(t, "timeline"), "timeline_total",
	        json_object_get(t, "timeline_total"), "timeline_has_older",
	        json_object_get(t, "timeline_has_older"), "timeline_before",
	        json_object_get(t, "timeline_before")),
	    NULL);
	json_decref(t);
}

static const struct tick_field replies_fields[] = {
	{ "ticket_id", TICK_FIELD_ID, 1, 0, 0, NULL },
	{ "message", TICK_FIELD_LONGTEXT, 1, 1, TICK_MAX_WA_TEXT, NULL },
};

void
tick_work_replies_create(struct tick_req *req)
{
	json_t *body = tick_http_json_body(req), *errors = NULL;
	long long id;

	if (body == NULL)
		return;
	if (tick_valid_fields(body, replies_fields, 2, &errors) != TICK_OK) {
		tick_http_invalid(req, "ticket_id and a message are required",
		    errors);
		goto out;
	}
	id = tick_json_id(body, "ticket_id");
	tick_work_send_reply(req, id,
	    json_string_value(json_object_get(body, "message")), NULL);
out:
	json_decref(body);
}

/* A failed item of the route's ticket (row: route parameter 1) made due
 * now, in one transaction with the ticket locked: the holder rule, then
 * whether it may be retried at all. 0, or -1 answered. */
static int
make_due(struct tick_req *req, int message, long long *ticket, long long *row)
{
	struct tick_db *db = req->app->db;
	long long code = 0;
	struct tick_ticket tk;
	enum tick_err rc;
	int ok;

	if ((*ticket = tick_ticket_route_id(req)) == 0)
		return -1;
	if ((*row = tick_http_param_id(req, 1)) == 0) {
		tick_http_fail(req, 404, TICK_ENOTFOUND, NULL, "no such item",
		    NULL);
		return -1;
	}
	if (tick_ticket_begin_locked(req, *ticket, &tk) != 0)
		return -1;
	if (not_holder(req, &tk, "retrying a send")) {
		tick_db_rollback(db);
		return -1;
	}
	if (message) {
		int failed = 0;

		/* What Meta said: a permanent refusal is not sent again. */
		rc = tick_outbox_failure(db, *row, *ticket, &failed, &code);
		if (rc == TICK_OK && failed && tick_wa_error_permanent(code)) {
			tick_db_rollback(db);
			tick_http_fail(req, 409, TICK_ECONFLICT,
			    "failed_permanently",
			    "WhatsApp refused this message for good; sending it "
			    "again would fail the same way",
			    json_pack("{s:I}", "error_code", (json_int_t)code));
			return -1;
		}
	}
	rc = message ? tick_outbox_retry_now(db, *row, *ticket, &ok) :
	               tick_media_retry_now(db, *row, *ticket, &ok);
	if (rc == TICK_OK && ok)
		rc = tick_audit_req(req,
		    message ? "whatsapp.retry" : "media.retry",
		    message ? "message" : "attachment", *row,
		    json_pack("{s:I}", "ticket_id", (json_int_t)*ticket));
	if (rc != TICK_OK || !ok || (rc = tick_db_commit(db)) != TICK_OK) {
		tick_db_rollback(db);
		if (rc != TICK_OK)
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		else
			tick_http_fail(req, 409, TICK_ECONFLICT,
			    "not_retryable",
			    "only a failed item of this ticket can be retried",
			    NULL);
		return -1;
	}
	return 0;
}

void
tick_work_retry_message(struct tick_req *req)
{
	long long ticket, id;
	enum tick_err rc, sent;
	json_t *t;

	if (make_due(req, 1, &ticket, &id) != 0)
		return;
	/* The outbox's own path: claim, send, record. */
	sent = tick_outbox_send_one(req->app, id);
	if ((t = tick_ticket_json(req->app->db, ticket, 1, &rc)) == NULL) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, 200, t,
	    sent == TICK_OK ? "sent" :
	                      "tried again; it failed again (see why)");
}

void
tick_work_retry_attachment(struct tick_req *req)
{
	long long ticket, id;
	enum tick_err rc;
	json_t *t;

	if (make_due(req, 0, &ticket, &id) != 0)
		return;
	(void)tick_media_fetch(req->app, id, 0);
	if ((t = tick_ticket_json(req->app->db, ticket, 1, &rc)) == NULL) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, 200, t, "tried again; see its state");
}

void
tick_work_typing(struct tick_req *req)
{
	struct tick_outbox_list l = { .n = 0 };
	long long id = tick_ticket_route_id(req);
	enum tick_readmark_skip why = TICK_READMARK_OFF;
	struct tick_ticket tk;
	enum tick_err rc = TICK_OK;
	int down = 0, sent = 0, failed = 0;

	if (id == 0 || tick_ticket_begin_locked(req, id, &tk) != 0)
		return;
	/* Only whoever may reply makes the customer see someone typing. */
	if (tk.status == TICK_STATUS_CLOSED ||
	    !tick_ticket_may_work(&tk, req->user.id, is_admin(req))) {
		tick_db_rollback(req->app->db);
		tick_http_ok(req, 202,
		    json_pack("{s:b, s:s}", "sent", 0, "reason",
		        tk.status == TICK_STATUS_CLOSED ? "ticket_closed" :
		                                          "not_holder"),
		    NULL);
		return;
	}
	rc = tick_readmark_queue(req->app, &tk, 1, &l, &why);
	if (rc != TICK_OK || (rc = tick_db_commit(req->app->db)) != TICK_OK) {
		abort_tx(req, &l, NULL);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_outbox_send_list(req->app, &l, &down, &sent, &failed);
	tick_http_ok(req, 202,
	    why == TICK_READMARK_QUEUED ?
	        json_pack("{s:b}", "sent", 1) :
	        json_pack("{s:b, s:s}", "sent", 0, "reason",
	            tick_readmark_skip_name(why)),
	    NULL);
}
