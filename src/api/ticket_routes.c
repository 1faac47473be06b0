#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit_api.h"
#include "config.h"
#include "db.h"
#include "events.h"
#include "http.h"
#include "media.h"
#include "notices.h"
#include "outbox.h"
#include "texts.h"
#include "ticket_args.h"
#include "ticket_routes.h"
#include "status.h"
#include "tickets.h"
#include "valid.h"
#include "work.h"

/* ---- GET /api/tickets */

/* YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS (UTC). */
static int
valid_date(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t n = strlen(s);

	if (n != 10 && n != 19)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') :
		                      s[i] != shape[i])
			return 0;
	return 1;
}

static int
parse_filters(struct tick_req *req, struct tick_ticket_filters *f)
{
	char v[128], *p, *save = NULL;
	int one = 0;

	memset(f, 0, sizeof(*f));
	if (tick_http_query_get(req->query, "status", v, sizeof(v)) ==
	        TICK_OK &&
	    v[0] != '\0') {
		for (p = strtok_r(v, ",", &save); p;
		     p = strtok_r(NULL, ",", &save)) {
			size_t k;

			for (k = 0; tick_status_names[k] &&
			     strcmp(tick_status_names[k], p) != 0;
			     k++)
				;
			if (tick_status_names[k] == NULL || f->nstatus == 4) {
				tick_http_fail(req, 400, TICK_EINVAL,
				    "bad_request",
				    "status must be new, assigned, in_progress or closed (comma-separated)",
				    NULL);
				return -1;
			}
			f->status[f->nstatus++] = tick_status_names[k];
		}
	}
	if (tick_http_query_get(req->query, "assigned_to", v, sizeof(v)) ==
	        TICK_OK &&
	    tick_valid_num(v, strlen(v), 1, 4294967295LL, &f->assigned_to) !=
	        TICK_OK) {
		tick_http_fail(req, 400, TICK_EINVAL, "bad_request",
		    "assigned_to must be a user id", NULL);
		return -1;
	}
	if (tick_http_query_get(req->query, "mine", v, sizeof(v)) == TICK_OK &&
	    (strcmp(v, "1") == 0 || strcmp(v, "true") == 0))
		f->assigned_to = req->user.id, one++;
	if (tick_http_query_get(req->query, "unassigned", v, sizeof(v)) ==
	        TICK_OK &&
	    (strcmp(v, "1") == 0 || strcmp(v, "true") == 0))
		f->unassigned = 1, one++;
	if (one > 1 || (f->unassigned && f->assigned_to)) {
		tick_http_fail(req, 400, TICK_EINVAL, "bad_request",
		    "unassigned cannot go with mine or assigned_to", NULL);
		return -1;
	}
	switch (tick_http_query_get(req->query, "q", f->q, sizeof(f->q))) {
	case TICK_OK:
	case TICK_ENOTFOUND: break;
	default:
		tick_http_fail(req, 400, TICK_EINVAL, "bad_request",
		    "q must be at most 200 bytes", NULL);
		return -1;
	}
	if (f->q[0] != '\0') {
		/* LIKE's own characters are searched for literally. */
		size_t o = 0;

		for (p = f->q; *p && o + 3 < sizeof(f->qlike); p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				f->qlike[o++] = '\\';
			f->qlike[o++] = *p;
		}
		f->qlike[o] = '\0';
	}
	if ((tick_http_query_get(req->query, "from", f->from,
	         sizeof(f->from)) == TICK_OK &&
	        f->from[0] && !valid_date(f->from)) ||
	    (tick_http_query_get(req->query, "to", f->to, sizeof(f->to)) ==
	            TICK_OK &&
	        f->to[0] && !valid_date(f->to))) {
		tick_http_fail(req, 400, TICK_EINVAL, "bad_request",
		    "from and to are dates: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (UTC)",
		    NULL);
		return -1;
	}
	if (tick_http_query_get(req->query, "sort", v, sizeof(v)) == TICK_OK) {
		if (strcmp(v, "newest") == 0)
			f->sort = 0;
		else if (strcmp(v, "oldest") == 0)
			f->sort = 1;
		else if (strcmp(v, "activity") == 0 ||
		    strcmp(v, "last_activity") == 0)
			f->sort = 2;
		else {
			tick_http_fail(req, 400, TICK_EINVAL, "bad_request",
			    "sort must be newest, oldest or activity", NULL);
			return -1;
		}
	}
	return 0;
}
void
tick_tickets_list(struct tick_req *req)
{
	struct tick_ticket_filters f;
	long long page, limit, total = 0;
	json_t *items = NULL;
	enum tick_err rc;

	if (tick_http_page(req, &page, &limit) != TICK_OK ||
	    parse_filters(req, &f) != 0)
		return;
	if ((rc = tick_ticket_list(req->app->db, &f, page, limit, &items,
	         &total)) != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok_page(req, items, total, page, limit);
}

void
tick_tickets_get(struct tick_req *req)
{
	long long id = tick_ticket_route_id(req);
	json_t *t;

	if (id == 0)
		return;
	if ((t = tick_ticket_json_req(req, id)) != NULL)
		tick_http_ok(req, 200, t, NULL);
}

/* ---- POST and PUT /api/tickets: the tick system's form. */

static const struct tick_field create_fields[] = {
	{ "name", TICK_FIELD_TEXT, 1, 1, 30, NULL },
	{ "email", TICK_FIELD_EMAIL, 0, 3, 100, NULL },
	{ "mobile", TICK_FIELD_PHONE, 0, 0, 0, NULL },
	{ "description", TICK_FIELD_LONGTEXT, 1, 1, 10000, NULL },
	{ "issue_type", TICK_FIELD_TEXT, 1, 1, 50, NULL },
	{ "issue_type_other", TICK_FIELD_TEXT, 0, 1, 100, NULL },
	{ "issue_title", TICK_FIELD_TEXT, 0, 1, 150, NULL },
	{ "whatsapp_enabled", TICK_FIELD_BOOL, 0, 0, 0, NULL },
	{ "whatsapp_notifications", TICK_FIELD_BOOL, 0, 0, 0, NULL },
};

static const struct tick_field update_fields[] = {
	{ "name", TICK_FIELD_TEXT, 0, 1, 30, NULL },
	{ "email", TICK_FIELD_EMAIL, 0, 3, 100, NULL },
	{ "mobile", TICK_FIELD_PHONE, 0, 0, 0, NULL },
	{ "description", TICK_FIELD_LONGTEXT, 0, 1, 10000, NULL },
	{ "issue_type", TICK_FIELD_TEXT, 0, 1, 50, NULL },
	{ "issue_type_other", TICK_FIELD_TEXT, 0, 1, 100, NULL },
	{ "issue_title", TICK_FIELD_TEXT, 0, 1, 150, NULL },
	{ "whatsapp_enabled", TICK_FIELD_BOOL, 0, 0, 0, NULL },
	{ "whatsapp_notifications", TICK_FIELD_BOOL, 0, 0, 0, NULL },
};

static const char *
str(json_t *body, const char *key)
{
	return json_string_value(json_object_get(body, key));
}

/*
 * Rules across fields: issue_type_other when issue_type is "other"; a
 * mobile for WhatsApp. cur_* are the stored values on an update (NULL on a
 * create). Adds to errors; returns the number added.
 */
static int
cross_check(json_t *body, json_t *errors, const char *cur_type,
    const char *cur_other, const char *cur_mobile, int cur_wa)
{
	const char *type = str(body, "issue_type") ? str(body, "issue_type") :
	                                             cur_type;
	json_t *o = json_object_get(body, "issue_type_other");
	const char *other = json_is_string(o) ? json_string_value(o) :
	    o != NULL                         ? NULL :
	                                        cur_other;
	json_t *m = json_object_get(body, "mobile");
	const char *mobile = json_is_string(m) ? json_string_value(m) :
	    m != NULL                          ? NULL :
	                                         cur_mobile;
	json_t *wa = json_object_get(body, "whatsapp_enabled");
	int n = 0;

	if (type != NULL && strcmp(type, "other") == 0 &&
	    (other == NULL || *other == '\0')) {
		json_object_set_new(errors, "issue_type_other",
		    json_string("is required when issue_type is other"));
		n++;
	}
	if ((json_is_boolean(wa) ? json_is_true(wa) : cur_wa) &&
	    (mobile == NULL || *mobile == '\0')) {
		json_object_set_new(errors, "mobile",
		    json_string("is required when whatsapp_enabled is true"));
		n++;
	}
	return n;
}

static int
check_body(struct tick_req *req, json_t *body, const struct tick_field *f,
    size_t n, const char *cur_type, const char *cur_other,
    const char *cur_mobile, int cur_wa)
{
	json_t *errors = NULL;

	(void)tick_valid_fields(body, f, n, &errors);
	if (errors == NULL && (errors = json_object()) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		return -1;
	}
	cross_check(body, errors, cur_type, cur_other, cur_mobile, cur_wa);
	if (json_object_size(errors) == 0) {
		json_decref(errors);
		return 0;
	}
	tick_http_invalid(req, "some fields are missing or invalid", errors);
	return -1;
}

/* A boolean member, def when it is absent or null (validated first). */
static int
flag(json_t *body, const char *key, int def)
{
	json_t *v = json_object_get(body, key);

	return json_is_boolean(v) ? json_is_true(v) : def;
}

void
tick_tickets_create(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	json_t *body = tick_http_json_body(req), *t = NULL, *wa = NULL;
	struct tick_outbox_list l = { .n = 0 };
	char mobile[16] = "", ref[33];
	long long id = 0, attachment = 0;
	struct tick_file file = { .data = NULL };
	struct tick_ticket_form form = { .name = NULL };
	enum tick_err rc;
	int wa_on, down = 0, sent = 0, failed = 0;

	if (body == NULL)
		return;
	if (check_body(req, body, create_fields,
	        sizeof(create_fields) / sizeof(create_fields[0]), NULL, NULL,
	        NULL, 0) != 0 ||
	    tick_ticket_file_arg(req, body, "attachment", &file) != 0)
		goto out;
	if (str(body, "mobile") && *str(body, "mobile"))
		tick_valid_phone(str(body, "mobile"), mobile);
	wa_on = flag(body, "whatsapp_enabled", mobile[0] != '\0');
	form.name = str(body, "name");
	form.email = str(body, "email");
	form.mobile = mobile;
	form.description = str(body, "description");
	form.issue_type = str(body, "issue_type");
	form.issue_type_other = str(body, "issue_type_other");
	form.issue_title = str(body, "issue_title");
	form.whatsapp_enabled = wa_on;
	form.whatsapp_notifications = flag(body, "whatsapp_notifications",
	    wa_on);
	if ((rc = tick_db_begin(db)) != TICK_OK)
		goto fail;
	rc = tick_ticket_create_form(db,
	    tick_config_get(&req->app->cfg, TICK_CFG_TICKET_ID_PREFIX), &form,
	    req->user.id, &id, ref, sizeof(ref));
	if (rc == TICK_OK && wa_on && mobile[0] != '\0') {
		struct tick_ticket tk;
		struct tick_text_vars v = { ref, NULL, NULL, NULL };

		if ((rc = tick_ticket_lock(db, id, &tk)) == TICK_OK)
			rc = tick_notice_queue(req->app, &tk,
			    TICK_TEXT_TICKET_CREATED, &v, &l, &wa);
	}
	if (rc == TICK_OK && file.data != NULL)
		rc = tick_media_add_upload(db, id, 0, file.name, file.type,
		    file.data, file.len, &attachment);
	if (rc == TICK_OK)
		rc = tick_events_emit(db, TICK_EV_TICKET_CREATED, id);
	if (rc == TICK_OK)
		rc = tick_audit_req(req, "ticket.create", "ticket", id, NULL);
	if (rc != TICK_OK || (rc = tick_db_commit(db)) != TICK_OK) {
		tick_db_rollback(db);
		tick_outbox_list_clear(&l);
		json_decref(wa);
		goto fail;
	}
	tick_outbox_send_list(req->app, &l, &down, &sent, &failed);
	if (attachment != 0)
		(void)tick_media_fetch(req->app, attachment, 0);
	if ((t = tick_ticket_json(db, id, 1, &rc)) == NULL) {
		json_decref(wa);
		goto fail;
	}
	if (wa != NULL)
		json_object_set_new(wa, "status",
		    json_string(failed ? "failed" :
		            sent       ? "sent" :
		                         json_string_value(
		                             json_object_get(wa, "status"))));
	json_object_set_new(t, "whatsapp_notice", wa ? wa : json_null());
	tick_http_ok(req, 201, t, "ticket created");
	goto out;
fail:
	tick_http_fail(req, 0, rc, NULL, NULL, NULL);
out:
	free(file.data);
	json_decref(body);
}

/* Adds {from, to} under key to changes when a setting moved. */
static void
changed_flag(json_t *changes, const char *key, int from, json_t *body)
{
	json_t *v = json_object_get(body, key);

	if (json_is_boolean(v) && json_is_true(v) != from)
		json_object_set_new(changes, key,
		    json_pack("{s:b, s:b}", "from", from, "to",
		        json_is_true(v)));
}

void
tick_tickets_update(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	json_t *body = NULL, *cur = NULL, *t, *contact = NULL;
	char mobile[16] = "";
	struct tick_ticket tk;
	struct tick_ticket_form form = { .name = NULL };
	enum tick_err rc;
	long long id = tick_ticket_route_id(req);

	if (id == 0)
		return;
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	/* The change, its audit entries and its event: one transaction, with
	 * the ticket locked so that the holder checked is the holder. */
	if ((rc = tick_db_begin(db)) != TICK_OK ||
	    (rc = tick_ticket_lock(db, id, &tk)) != TICK_OK)
		goto rollback;
	if (!tick_ticket_may_work(&tk, req->user.id,
	        tick_role_allows(req->user.role, TICK_PERM_TICKETS_ADMIN))) {
		tick_db_rollback(db);
		tick_http_fail(req, 403, TICK_EFORBIDDEN, "not_holder",
		    tk.assigned_to ? "another agent holds this ticket: only "
		                     "they or a super_admin edit it" :
		                     "take the ticket before editing it",
		    tk.assigned_to ? json_pack("{s:I}", "assigned_to",
		                         (json_int_t)tk.assigned_to) :
		                     NULL);
		goto out;
	}
	if (tk.status == TICK_STATUS_CLOSED) {
		tick_db_rollback(db);
		tick_http_fail(req, 409, TICK_ECONFLICT, "ticket_closed",
		    "a closed ticket is read-only; a super_admin may reopen it",
		    NULL);
		goto out;
	}
	if ((cur = tick_ticket_json(db, id, 0, &rc)) == NULL)
		goto rollback;
	if (check_body(req, body, update_fields,
	        sizeof(update_fields) / sizeof(update_fields[0]),
	        str(cur, "issue_type"), str(cur, "issue_type_other"),
	        str(cur, "mobile"),
	        json_is_true(json_object_get(cur, "whatsapp_enabled"))) != 0) {
		tick_db_rollback(db);
		goto out;
	}
	if (str(body, "mobile") && *str(body, "mobile"))
		tick_valid_phone(str(body, "mobile"), mobile);
	form.name = str(body, "name");
	/* email, mobile, issue_type_other and issue_title may be cleared with
	 * null or "". */
	form.has_email = json_object_get(body, "email") != NULL;
	form.email = str(body, "email");
	form.has_mobile = json_object_get(body, "mobile") != NULL;
	form.mobile = mobile;
	form.description = str(body, "description");
	form.issue_type = str(body, "issue_type");
	form.has_issue_type_other = json_object_get(body, "issue_type_other") !=
	    NULL;
	form.issue_type_other = str(body, "issue_type_other");
	form.has_issue_title = json_object_get(body, "issue_title") != NULL;
	form.issue_title = str(body, "issue_title");
	/* A setting given as null is left as it is. */
	form.whatsapp_enabled = flag(body, "whatsapp_enabled", -1);
	form.whatsapp_notifications = flag(body, "whatsapp_notifications", -1);
	if ((rc = tick_ticket_update_form(db, id, &form)) != TICK_OK)
		goto rollback;
	{
		json_t *changed = json_object();
		const char *k;
		json_t *v;

		json_object_foreach (body, k, v)
			for (size_t i = 0; i <
			     sizeof(update_fields) / sizeof(update_fields[0]);
			     i++)
				if (strcmp(k, update_fields[i].name) == 0)
					json_object_set(changed, k, v);
		rc = tick_audit_req(req, "ticket.update", "ticket", id,
		    changed);
	}
	/* Where the customer's WhatsApp goes: its own entry, old and new. */
	if (rc == TICK_OK && (contact = json_object()) == NULL)
		rc = TICK_ENOMEM;
	if (rc == TICK_OK) {
		if (json_object_get(body, "mobile") != NULL &&
		    strcmp(mobile, tk.mobile) != 0)
			json_object_set_new(contact, "mobile",
			    json_pack("{s:o, s:o}", "from",
			        tk.mobile[0] ? json_string(tk.mobile) :
			                       json_null(),
			        "to",
			        mobile[0] ? json_string(mobile) : json_null()));
		changed_flag(contact, "whatsapp_enabled", tk.whatsapp_enabled,
		    body);
		changed_flag(contact, "whatsapp_notifications",
		    tk.whatsapp_notifications, body);
		if (json_object_size(contact) > 0) {
			rc = tick_audit_req(req, "ticket.contact_change",
			    "ticket", id, contact);
			contact = NULL;
		}
	}
	if (rc != TICK_OK ||
	    (rc = tick_events_emit(db, TICK_EV_TICKET_UPDATED, id)) !=
	        TICK_OK ||
	    (rc = tick_db_commit(db)) != TICK_OK)
		goto rollback;
	if ((t = tick_ticket_json(db, id, 1, &rc)) == NULL)
		goto fail;
	tick_http_ok(req, 200, t, "ticket updated");
	goto out;
rollback:
	tick_db_rollback(db);
fail:
	tick_http_fail(req, 0, rc, NULL,
	    rc == TICK_ENOTFOUND ? "no such ticket" : NULL, NULL);
out:
	json_decref(contact);
	json_decref(cur);
	json_decref(body);
}

void
tick_tickets_delete(struct tick_req *req)
{
	enum tick_err rc;
	long long id = tick_ticket_route_id(req);

	if (id == 0)
		return;
	if ((rc = tick_db_begin(req->app->db)) == TICK_OK) {
		if ((rc = tick_ticket_delete(req->app->db, id)) == TICK_OK)
			rc = tick_audit_req(req, "ticket.delete", "ticket", id,
			    NULL);
		if (rc == TICK_OK)
			rc = tick_events_emit(req->app->db,
			    TICK_EV_TICKET_UPDATED, id);
		if (rc == TICK_OK)
			rc = tick_db_commit(req->app->db);
		if (rc != TICK_OK)
			tick_db_rollback(req->app->db);
	}
	if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, 200,
	    json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1),
	    "ticket removed from the lists; its record is kept");
}

void
tick_tickets_stats(struct tick_req *req)
{
	struct tick_ticket_stats s;
	enum tick_err rc;

	if ((rc = tick_ticket_stats(req->app->db, req->user.id, &s)) !=
	    TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, 200,
	    json_pack("{s:I, s:{s:I, s:I, s:I, s:I}, s:I, s:I, s:I, s:I}",
	        "total", (json_int_t)s.total, "by_status", "new",
	        (json_int_t)s.new_, "assigned", (json_int_t)s.assigned,
	        "in_progress", (json_int_t)s.in_progress, "closed",
	        (json_int_t)s.closed, "unassigned_open",
	        (json_int_t)s.unassigned_open, "mine_open",
	        (json_int_t)s.mine_open, "avg_first_response_seconds",
	        (json_int_t)s.avg_first_response_seconds, "created_today",
	        (json_int_t)s.created_today),
	    NULL);
}
