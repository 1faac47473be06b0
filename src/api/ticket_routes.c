#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions_api.h"
#include "app.h"
#include "audit_api.h"
#include "config.h"
#include "cursor.h"
#include "db.h"
#include "events.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "media.h"
#include "notices.h"
#include "outbox.h"
#include "reads.h"
#include "report.h"
#include "reports.h"
#include "session.h"
#include "texts.h"
#include "ticket_args.h"
#include "ticket_filters.h"
#include "ticket_routes.h"
#include "sla.h"
#include "clock.h"
#include "status.h"
#include "tickets.h"
#include "valid.h"
#include "work.h"

/* ---- GET /api/tickets */

/* ?cursor= into *c (*after NULL when absent or empty): 0, or -1 after answering 422
 * naming the field. A cursor is only good for the sort that made it. */
static int
list_cursor(struct tick_req *req, int sort, struct tick_cursor *c,
    const struct tick_cursor **after)
{
	static const char msg[] =
	    "cursor must be the next_cursor of a page of this list";
	char v[TICK_CURSOR_MAX + 2];
	enum tick_err rc;

	*after = NULL;
	rc = tick_http_query_get(req->query, "cursor", v, sizeof(v));
	if (rc == TICK_ENOTFOUND || (rc == TICK_OK && v[0] == '\0'))
		return 0; /* absent or empty: the first page */
	if (rc != TICK_OK || tick_cursor_parse(v, strlen(v), c) != TICK_OK ||
	    c->sort != sort) {
		tick_http_invalid(req, msg, json_pack("{s:s}", "cursor", msg));
		return -1;
	}
	*after = c;
	return 0;
}

void
tick_tickets_list(struct tick_req *req)
{
	struct tick_ticket_filters f;
	struct tick_filter_text text;
	struct tick_list_page p = { .page = 1 };
	struct tick_cursor c;
	json_t *items = NULL;
	long long mine = 0;
	enum tick_err rc;

	if (tick_http_page(req, &p.page, &p.limit) != TICK_OK ||
	    tick_ticket_filters_parse(req, 0, &f, &text) != 0 ||
	    list_cursor(req, f.sort, &c, &p.after) != 0)
		return;
	/* Issue 19: "New for me" counts the asker's unread queue whatever
	 * the filters show. */
	if ((rc = tick_ticket_list(req->app->db, &f, &p, &items)) != TICK_OK ||
	    (rc = tick_ticket_new_for_me(req->app->db, &f.scope, &mine)) !=
	        TICK_OK) {
		json_decref(items);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	/* total is exact up to TICK_LIST_TOTAL_MAX; beyond it says so. */
	tick_http_ok(req, 200,
	    json_pack("{s:o, s:I, s:b, s:I, s:I, s:o, s:I}", "items", items,
	        "total", (json_int_t)p.total, "total_estimate",
	        p.total_estimate, "page", (json_int_t)p.page, "limit",
	        (json_int_t)p.limit, "next_cursor",
	        p.next_cursor[0] ? json_string(p.next_cursor) : json_null(),
	        "new_for_me", (json_int_t)mine),
	    NULL);
}

void
tick_tickets_get(struct tick_req *req)
{
	long long id = tick_ticket_route_id(req);
	char before[64];
	json_t *t;

	if (id == 0)
		return;
	if ((t = tick_ticket_json_req(req, id)) == NULL)
		return;
	/* Issue 19: opening the ticket reads what the customer wrote, for
	 * this agent (the inbox's unread mark); a page of older messages is
	 * no opening. A mark not kept costs only a mark. */
	if (tick_http_query_get(req->query, "timeline_before", before,
	        sizeof(before)) == TICK_ENOTFOUND &&
	    req->user.id > 0 &&
	    tick_reads_mark(req->app->db, req->user.id, id) != TICK_OK)
		tick_log_warn("%s: ticket %lld: read mark not kept", __func__,
		    id);
	/* Its corrective actions, and how many are open and overdue. */
	if (tick_actions_ticket_json(req, id, t) != 0) {
		json_decref(t);
		return;
	}
	/* What Take and Close would tell the customer (issue 19). */
	if (tick_work_notices_json(req, t) != 0) {
		json_decref(t);
		return;
	}
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
	return tick_http_fields_ok(req, "some fields are missing or invalid",
	    errors);
}

/* ---- A safety report's fields on PUT /api/tickets/:id (issue 11). */

/* Member key as a report key of kind into *out: absent leaves it (NULL),
 * null or "" clears it (""). Adds to errors when it is not a key. */
static void
report_key_arg(json_t *body, const char *key, enum tick_report_kind kind,
    const char **out, json_t *errors)
{
	json_t *v = json_object_get(body, key);
	size_t n;
	const struct tick_report_choice *c = tick_report_choices(kind, &n);
	char msg[160];

	*out = NULL;
	if (v == NULL)
		return;
	if (json_is_null(v) ||
	    (json_is_string(v) && json_string_value(v)[0] == '\0')) {
		*out = "";
		return;
	}
	if (json_is_string(v) &&
	    tick_report_find(kind, json_string_value(v)) != NULL) {
		*out = json_string_value(v);
		return;
	}
	snprintf(msg, sizeof(msg), "must be one of %s ... %s, or null",
	    c[0].key, c[n - 1].key);
	json_object_set_new(errors, key, json_string(msg));
}

/* Member key as a site id: absent 0, null -1, else the id (> 0). */
static long long
report_site_arg(json_t *body, const char *key, json_t *errors)
{
	json_t *v = json_object_get(body, key);
	long long id;

	if (v == NULL)
		return 0;
	if (json_is_null(v))
		return -1;
	if ((id = tick_json_id_value(v)) <= 0)
		json_object_set_new(errors, key,
		    json_string("must be a site id or null"));
	return id > 0 ? id : 0;
}

/* A coordinate of the location: a number within -lim..lim. */
static int
coordinate(json_t *loc, const char *key, double lim, char *out, size_t outsz)
{
	json_t *v = json_object_get(loc, key);
	double d;

	if (!json_is_number(v))
		return -1;
	d = json_number_value(v);
	if (!(d >= -lim && d <= lim))
		return -1;
	snprintf(out, outsz, "%.6f", d);
	return 0;
}

/* A location's name or address: absent, null, or valid UTF-8 of at most
 * 255 characters. */
static int
place_text(const json_t *v)
{
	const char *s = json_string_value(v);

	return v == NULL || json_is_null(v) ||
	    (s != NULL && tick_valid_utf8(s, strlen(s)) &&
	        tick_valid_utf8_chars(s) <= 255);
}

/* Where the location's texts are kept while the report is written. */
struct report_text {
	char latitude[24], longitude[24];
};

/*
 * Reads the report's members of body into r (site_id, subsite_id,
 * category, observation_type, severity, location, anonymous), adding a
 * sentence per bad member to errors. Whether the sites exist and fit is
 * checked against the database by report_sites. No I/O.
 */
static void
report_args(json_t *body, struct tick_ticket_report *r, struct report_text *t,
    json_t *errors)
{
	json_t *loc = json_object_get(body, "location"), *a;

	memset(r, 0, sizeof(*r));
	r->anonymous = -1;
	r->site_id = report_site_arg(body, "site_id", errors);
	r->subsite_id = report_site_arg(body, "subsite_id", errors);
	report_key_arg(body, "category", TICK_REPORT_CATEGORY, &r->category,
	    errors);
	report_key_arg(body, "observation_type", TICK_REPORT_OBSERVATION,
	    &r->observation_type, errors);
	report_key_arg(body, "severity", TICK_REPORT_SEVERITY, &r->severity,
	    errors);
	if (json_is_null(loc))
		r->has_location = -1;
	else if (loc != NULL) {
		json_t *n = json_object_get(loc, "name"),
		       *ad = json_object_get(loc, "address");

		if (!json_is_object(loc) ||
		    coordinate(loc, "latitude", 90, t->latitude,
		        sizeof(t->latitude)) != 0 ||
		    coordinate(loc, "longitude", 180, t->longitude,
		        sizeof(t->longitude)) != 0 ||
		    !place_text(n) || !place_text(ad))
			json_object_set_new(errors, "location",
			    json_string("must be {\"latitude\" (-90..90), "
			                "\"longitude\" (-180..180), \"name\", "
			                "\"address\" (at most 255 characters "
			                "each)} or null"));
		else {
			r->has_location = 1;
			r->latitude = t->latitude;
			r->longitude = t->longitude;
			r->location_name = json_string_value(n);
			r->location_address = json_string_value(ad);
		}
	}
	if ((a = json_object_get(body, "anonymous")) != NULL &&
	    !json_is_null(a)) {
		if (json_is_boolean(a))
			r->anonymous = json_is_true(a);
		else
			json_object_set_new(errors, "anonymous",
			    json_string("must be true or false"));
	}
}

/*
 * Inside the transaction: the report's sites exist and fit (a sub-site
 * under its site; a sub-site given alone brings its site), and only a
 * super_admin reveals an anonymous report. Adds to errors. 0, or -1 with
 * *rc when the database failed.
 */
static int
report_sites(struct tick_req *req, struct tick_ticket_report *r, json_t *errors,
    enum tick_err *rc)
{
	struct tick_db *db = req->app->db;
	long long parent = 0, sub_parent = 0;

	*rc = TICK_OK;
	if (r->anonymous == 0 && req->user.role != TICK_ROLE_SUPER_ADMIN)
		json_object_set_new(errors, "anonymous",
		    json_string("only a super_admin may reveal an anonymous "
		                "report"));
	if (r->site_id > 0) {
		*rc = tick_ticket_site(db, r->site_id, &parent);
		if (*rc == TICK_ENOTFOUND || (*rc == TICK_OK && parent != 0))
			json_object_set_new(errors, "site_id",
			    json_string(*rc == TICK_OK ?
			            "is a sub-site: give it as subsite_id" :
			            "no such active site"));
		if (*rc != TICK_OK && *rc != TICK_ENOTFOUND)
			return -1;
	}
	if (r->subsite_id > 0) {
		*rc = tick_ticket_site(db, r->subsite_id, &sub_parent);
		if (*rc == TICK_ENOTFOUND ||
		    (*rc == TICK_OK && sub_parent == 0))
			json_object_set_new(errors, "subsite_id",
			    json_string(*rc == TICK_OK ?
			            "is a site, not a sub-site" :
			            "no such active sub-site"));
		else if (*rc == TICK_OK && r->site_id > 0 &&
		    sub_parent != r->site_id)
			json_object_set_new(errors, "subsite_id",
			    json_string("is not a sub-site of site_id"));
		else if (*rc == TICK_OK && r->site_id == 0)
			r->site_id = sub_parent;
		if (*rc != TICK_OK && *rc != TICK_ENOTFOUND)
			return -1;
	}
	/* A ticket moved to another site leaves its old sub-site. */
	if (r->site_id != 0 && r->subsite_id == 0)
		r->subsite_id = -1;
	*rc = TICK_OK;
	return 0;
}

/* Whether body names any of the report's members. */
static int
has_report(json_t *body)
{
	static const char *const keys[] = { "site_id", "subsite_id", "category",
		"observation_type", "severity", "location", "anonymous" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_object_get(body, keys[i]) != NULL)
			return 1;
	return 0;
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

		if ((rc = tick_ticket_lock(db, NULL, id, &tk)) == TICK_OK)
			rc = tick_notice_queue(req->app, &tk,
			    TICK_TEXT_TICKET_CREATED, &v, &l, &wa);
	}
	if (rc == TICK_OK && file.data != NULL)
		rc = tick_media_add_upload(db, id, 0, file.name, file.type,
		    file.data, file.len, &attachment);
	if (rc == TICK_OK)
		rc = tick_events_emit(db, TICK_EV_TICKET_CREATED, id);
	if (rc == TICK_OK)
		rc = tick_sla_start(db, id, tick_clock_now());
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
	struct tick_ticket_report rep;
	struct report_text rtext;
	struct tick_scope scope = tick_session_scope(req);
	enum tick_err rc;
	long long id = tick_ticket_route_id(req), found = 0;

	if (id == 0)
		return;
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	/* The change, its audit entries and its event: one transaction, with
	 * the ticket locked so that the holder checked is the holder. */
	if ((rc = tick_db_begin(db)) != TICK_OK ||
	    (rc = tick_ticket_lock(db, &scope, id, &tk)) != TICK_OK)
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
	        tk.mobile[0] ? tk.mobile : NULL,
	        json_is_true(json_object_get(cur, "whatsapp_enabled"))) != 0) {
		tick_db_rollback(db);
		goto out;
	}
	{
		json_t *errors = json_object();

		if (errors == NULL) {
			rc = TICK_ENOMEM;
			goto rollback;
		}
		report_args(body, &rep, &rtext, errors);
		if (json_object_size(errors) == 0 &&
		    report_sites(req, &rep, errors, &rc) != 0) {
			json_decref(errors);
			goto rollback;
		}
		if (json_object_size(errors) > 0) {
			tick_db_rollback(db);
			tick_http_invalid(req,
			    "some fields are missing or invalid", errors);
			goto out;
		}
		json_decref(errors);
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
	if (has_report(body)) {
		if ((rc = tick_ticket_set_report(db, id, &rep)) != TICK_OK)
			goto rollback;
		/* A site manager keeps the ticket on its own sites. */
		if ((rc = tick_ticket_resolve(db, &scope, id, NULL, &found)) ==
		    TICK_ENOTFOUND) {
			tick_db_rollback(db);
			tick_http_invalid(req,
			    "some fields are missing or invalid",
			    json_pack("{s:s}", "site_id",
			        "is outside the sites you manage"));
			goto out;
		}
		if (rc != TICK_OK)
			goto rollback;
	}
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
		if (has_report(body))
			json_object_set_new(changed, "report",
			    json_pack("{s:I, s:I, s:s?, s:s?, s:s?, s:i, s:i}",
			        "site_id", (json_int_t)rep.site_id,
			        "subsite_id", (json_int_t)rep.subsite_id,
			        "category", rep.category, "observation_type",
			        rep.observation_type, "severity", rep.severity,
			        "location", rep.has_location, "anonymous",
			        rep.anonymous));
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
	tick_http_ok_deleted(req, id,
	    "ticket removed from the lists; its record is kept");
}

void
tick_tickets_stats(struct tick_req *req)
{
	struct tick_ticket_stats s;
	struct tick_scope scope = tick_session_scope(req);
	enum tick_err rc;

	if ((rc = tick_reports_ticket_stats(req->app->db, &scope, &s)) !=
	    TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, 200,
	    json_pack("{s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:I, s:I, s:I, s:I, "
	              "s:I}",
	        "total", (json_int_t)s.total, "by_status", "new",
	        (json_int_t)s.new_, "assigned", (json_int_t)s.assigned,
	        "in_progress", (json_int_t)s.in_progress, "closed",
	        (json_int_t)s.closed, "pending", (json_int_t)s.pending,
	        "unassigned_open", (json_int_t)s.unassigned_open, "mine_open",
	        (json_int_t)s.mine_open, "avg_first_response_seconds",
	        (json_int_t)s.avg_first_response_seconds, "created_today",
	        (json_int_t)s.created_today, "critical_open",
	        (json_int_t)s.critical_open),
	    NULL);
}

void
tick_tickets_reveal(struct tick_req *req)
{
	long long id = tick_ticket_route_id(req);
	json_t *who = NULL;
	enum tick_err rc;

	if (id == 0)
		return;
	/* Who saw the reporter is on record before they see it. */
	if ((rc = tick_ticket_identity(req->app->db, id, &who)) != TICK_OK ||
	    (rc = tick_audit_req(req, "ticket.reveal", "ticket", id, NULL)) !=
	        TICK_OK) {
		json_decref(who);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, 200, who, "the reveal is in the audit log");
}
