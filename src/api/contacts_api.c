#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "assign_rules.h"
#include "audit_api.h"
#include "contact_rules.h"
#include "contacts.h"
#include "contacts_api.h"
#include "contacts_io.h"
#include "db.h"
#include "erase.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "reports_api.h"
#include "tickets.h"
#include "valid.h"

/* The most tickets a person's data export holds. */
#define DATA_TICKETS_MAX 1000

static void
no_such_contact(struct tick_req *req)
{
	tick_http_fail(req, 404, TICK_ENOTFOUND, "not_found", "no such contact",
	    NULL);
}

static void
answer_contact(struct tick_req *req, int status, long long id, const char *msg)
{
	enum tick_err rc;
	json_t *c = tick_contact_json(req->app->db, id, 1, &rc);

	if (c == NULL) {
		if (rc == TICK_ENOTFOUND)
			no_such_contact(req);
		else
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, status, c, msg);
}

/* A text member: absent (0), null or "" (1, cleared), a string of at most
 * max characters (1, *out set), else an error in errors. */
static int
text_member(const json_t *body, const char *name, size_t max, int multiline,
    const char **out, json_t *errors)
{
	const json_t *v = json_object_get(body, name);
	const char *s;
	char why[96];

	*out = NULL;
	if (v == NULL)
		return 0;
	if (json_is_null(v))
		return 1;
	if (!json_is_string(v) ||
	    strlen(s = json_string_value(v)) != json_string_length(v) ||
	    tick_valid_utf8_chars(s) > max ||
	    (!multiline && strpbrk(s, "\r\n") != NULL)) {
		snprintf(why, sizeof(why),
		    "must be %stext of at most %zu "
		    "characters, or null",
		    multiline ? "" : "one line of ", max);
		json_object_set_new(errors, name, json_string(why));
		return 0;
	}
	*out = s[0] ? s : NULL;
	return 1;
}

/*
 * Reads a contact's body into in (create: phone required); *fields_text
 * a new string (free()) when custom_fields is given. 0, or -1 after
 * answering 422 naming each bad field.
 */
static int
read_contact(struct tick_req *req, const json_t *body, int create,
    struct tick_contact_in *in, char phone[16], char **fields_text)
{
	json_t *errors = json_object(), *v, *t;
	const char *why = NULL, *s;
	size_t i;

	memset(in, 0, sizeof(*in));
	*fields_text = NULL;
	if (errors == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		return -1;
	}
	in->has_name = text_member(body, "name", TICK_CONTACT_NAME_MAX, 0,
	    &in->name, errors);
	in->has_notes = text_member(body, "notes", TICK_CONTACT_NOTES_MAX, 1,
	    &in->notes, errors);
	if ((in->has_email = text_member(body, "email", TICK_CONTACT_EMAIL_MAX,
	         0, &in->email, errors)) &&
	    in->email != NULL &&
	    !tick_valid_email(in->email, TICK_CONTACT_EMAIL_MAX))
		json_object_set_new(errors, "email",
		    json_string("is not an e-mail address"));
	v = json_object_get(body, "phone");
	if (v != NULL || create) {
		if (!json_is_string(v) || json_string_length(v) > 40 ||
		    tick_valid_phone(json_string_value(v), phone) != TICK_OK)
			json_object_set_new(errors, "phone",
			    json_string(v == NULL || json_is_null(v) ?
			            "is required: the number in international "
			            "form" :
			            "must be a phone number in international "
			            "form (country code and 8 to 15 digits)"));
		else {
			in->phone = phone;
			in->has_phone = 1;
		}
	}
	if ((v = json_object_get(body, "opted_out")) != NULL) {
		if (!json_is_boolean(v))
			json_object_set_new(errors, "opted_out",
			    json_string("must be true or false"));
		else {
			in->has_opted_out = 1;
			in->opted_out = json_is_true(v);
		}
	}
	if ((v = json_object_get(body, "tags")) != NULL) {
		in->has_tags = 1;
		if (!json_is_array(v) || json_array_size(v) > TICK_TAGS_MAX)
			why = "must be an array of at most 20 tags";
		else
			json_array_foreach (v, i, t) {
				if (!json_is_string(t) ||
				    tick_tag_normalize(json_string_value(t),
				        json_string_length(t),
				        in->tags[in->ntags], TICK_TAG_BUF,
				        &why) != TICK_OK) {
					why = why ? why : "must hold only text";
					break;
				}
				in->ntags++;
			}
		if (why != NULL)
			json_object_set_new(errors, "tags", json_string(why));
	}
	if ((v = json_object_get(body, "custom_fields")) != NULL) {
		in->has_fields = 1;
		if (!json_is_null(v) &&
		    tick_contact_fields_check(v, &s) != TICK_OK)
			json_object_set_new(errors, "custom_fields",
			    json_string(s));
		else if (!json_is_null(v) && json_object_size(v) > 0 &&
		    (*fields_text = json_dumps(v, JSON_COMPACT)) == NULL) {
			json_decref(errors);
			tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
			return -1;
		}
		in->custom_fields = *fields_text;
	}
	if (json_object_size(errors) == 0) {
		json_decref(errors);
		return 0;
	}
	free(*fields_text);
	*fields_text = NULL;
	tick_http_invalid(req, "the contact has invalid fields", errors);
	return -1;
}

static void
phone_taken(struct tick_req *req)
{
	tick_http_fail(req, 409, TICK_ECONFLICT, "duplicate",
	    "another contact has this phone: merge the two instead",
	    json_pack("{s:s}", "phone", "is taken"));
}

void
tick_contacts_list_route(struct tick_req *req)
{
	struct tick_contact_filter f;
	char q[201] = "", tag[TICK_TAG_BUF] = "", norm[TICK_TAG_BUF] = "";
	long long page, limit, total = 0;
	json_t *items = NULL;
	const char *why = NULL;
	enum tick_err rc;

	if (tick_http_page(req, &page, &limit) != TICK_OK)
		return;
	if ((rc = tick_http_query_get(req->query, "q", q, sizeof(q))) !=
	        TICK_OK &&
	    rc != TICK_ENOTFOUND) {
		tick_http_invalid(req, "q is invalid",
		    json_pack("{s:s}", "q", "at most 200 bytes of text"));
		return;
	}
	if ((rc = tick_http_query_get(req->query, "tag", tag, sizeof(tag))) !=
	        TICK_OK &&
	    rc != TICK_ENOTFOUND) {
		tick_http_invalid(req, "tag is invalid",
		    json_pack("{s:s}", "tag", "one tag"));
		return;
	}
	if (!tick_valid_utf8(q, strlen(q))) {
		tick_http_invalid(req, "q is invalid",
		    json_pack("{s:s}", "q", "must be UTF-8 text"));
		return;
	}
	if (tag[0] != '\0' &&
	    tick_tag_normalize(tag, strlen(tag), norm, sizeof(norm), &why) !=
	        TICK_OK) {
		tick_http_invalid(req, "tag is invalid",
		    json_pack("{s:s}", "tag", why ? why : "is not a tag"));
		return;
	}
	f.q = q;
	f.tag = norm;
	if ((rc = tick_contacts_list(req->app->db, &f, page, limit, &items,
	         &total)) != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok_page(req, items, total, page, limit);
}

void
tick_contacts_get_route(struct tick_req *req)
{
	long long id = tick_http_param_id(req, 0);

	if (id == 0) {
		no_such_contact(req);
		return;
	}
	answer_contact(req, 200, id, NULL);
}

void
tick_contacts_create_route(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	struct tick_contact_in in;
	char phone[16], *fields = NULL;
	long long id = 0;
	enum tick_err rc;
	json_t *body;

	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if (read_contact(req, body, 1, &in, phone, &fields) != 0)
		goto out;
	if ((rc = tick_db_begin(db)) == TICK_OK &&
	    (rc = tick_contact_create(db, &in, &id)) == TICK_OK &&
	    (rc = tick_audit_req(req, "contact.create", "contact", id,
	         json_pack("{s:s}", "phone", in.phone))) == TICK_OK)
		rc = tick_db_commit(db);
	if (rc != TICK_OK) {
		tick_db_rollback(db);
		if (rc == TICK_ECONFLICT)
			phone_taken(req);
		else
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	answer_contact(req, 201, id, "contact created");
out:
	free(fields);
	json_decref(body);
}

/* Begins a transaction with contact id locked; answers 404 or the error
 * itself (rolled back) and returns -1. */
static int
begin_locked(struct tick_req *req, long long id)
{
	enum tick_err rc;

	if ((rc = tick_db_begin(req->app->db)) == TICK_OK &&
	    (rc = tick_contact_lock(req->app->db, id)) == TICK_OK)
		return 0;
	tick_db_rollback(req->app->db);
	if (rc == TICK_ENOTFOUND)
		no_such_contact(req);
	else
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
	return -1;
}

void
tick_contacts_update_route(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0);
	struct tick_contact_in in;
	char phone[16], *fields = NULL;
	json_t *body = NULL;
	enum tick_err rc;

	if (id == 0) {
		no_such_contact(req);
		return;
	}
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if (read_contact(req, body, 0, &in, phone, &fields) != 0 ||
	    begin_locked(req, id) != 0)
		goto out;
	/* The audit keeps which members changed, not their values. */
	if ((rc = tick_contact_update(db, id, &in)) == TICK_OK) {
		json_t *keys = json_array();
		const char *k;
		json_t *v;

		json_object_foreach (body, k, v)
			json_array_append_new(keys, json_string(k));
		rc = tick_audit_req(req, "contact.update", "contact", id,
		    json_pack("{s:o}", "changed", keys));
	}
	if (rc == TICK_OK)
		rc = tick_db_commit(db);
	if (rc != TICK_OK) {
		tick_db_rollback(db);
		if (rc == TICK_ECONFLICT)
			phone_taken(req);
		else
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	answer_contact(req, 200, id, "contact updated");
out:
	free(fields);
	json_decref(body);
}

void
tick_contacts_delete_route(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0);
	enum tick_err rc;

	if (id == 0) {
		no_such_contact(req);
		return;
	}
	if (begin_locked(req, id) != 0)
		return;
	if ((rc = tick_contact_delete(db, id)) == TICK_OK &&
	    (rc = tick_audit_req(req, "contact.delete", "contact", id, NULL)) ==
	        TICK_OK)
		rc = tick_db_commit(db);
	if (rc != TICK_OK) {
		tick_db_rollback(db);
		if (rc == TICK_ECONFLICT)
			tick_http_fail(req, 409, TICK_ECONFLICT,
			    "contact_in_use",
			    "the contact has tickets or messages: merge it "
			    "into another contact, or erase the person's data",
			    NULL);
		else
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok_deleted(req, id, "contact deleted");
}

void
tick_contacts_merge_route(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0), gone, moved = 0;
	json_t *body;
	enum tick_err rc;

	if (id == 0) {
		no_such_contact(req);
		return;
	}
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	gone = tick_json_id_value(json_object_get(body, "contact_id"));
	json_decref(body);
	if (gone == 0 || gone == id) {
		tick_http_invalid(req, "contact_id is invalid",
		    json_pack("{s:s}", "contact_id",
		        gone == 0 ? "is required: the id of the contact to "
		                    "merge into this one" :
		                    "must be another contact than this one"));
		return;
	}
	if ((rc = tick_db_begin(db)) == TICK_OK &&
	    (rc = tick_contacts_merge(db, id, gone, &moved)) == TICK_OK &&
	    (rc = tick_audit_req(req, "contact.merge", "contact", id,
	         json_pack("{s:I, s:I}", "merged_contact_id", (json_int_t)gone,
	             "tickets_moved", (json_int_t)moved))) == TICK_OK)
		rc = tick_db_commit(db);
	if (rc != TICK_OK) {
		tick_db_rollback(db);
		if (rc == TICK_ENOTFOUND)
			no_such_contact(req);
		else
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	answer_contact(req, 200, id, "contacts merged");
}

void
tick_contacts_erase_route(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0);
	struct tick_erase_counts c;
	struct tick_retention_stats st;
	json_t *counts;
	enum tick_err rc;

	if (id == 0) {
		no_such_contact(req);
		return;
	}
	memset(&c, 0, sizeof(c));
	if (begin_locked(req, id) != 0)
		return;
	if ((rc = tick_erase_contact(db, id, &c)) == TICK_OK) {
		counts = json_pack("{s:I, s:I, s:I, s:I, s:I}", "tickets",
		    (json_int_t)c.tickets, "messages", (json_int_t)c.messages,
		    "replies", (json_int_t)c.replies, "events",
		    (json_int_t)c.events, "files", (json_int_t)c.files);
		rc = tick_audit_req(req, "contact.erase", "contact", id,
		    json_incref(counts));
		if (rc == TICK_OK)
			rc = tick_db_commit(db);
	} else
		counts = NULL;
	if (rc != TICK_OK) {
		tick_db_rollback(db);
		json_decref(counts);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	/* The files now, as far as Cloudinary answers; what fails is
	 * tried again by `tick outbox`. */
	memset(&st, 0, sizeof(st));
	if (c.files > 0 && tick_erase_destroy_due(req->app, &st) != TICK_OK)
		tick_log_warn("%s: destroys left to tick outbox", __func__);
	json_object_set_new(counts, "files_destroyed",
	    json_integer((json_int_t)st.destroyed));
	tick_http_ok(req, 200,
	    json_pack("{s:I, s:b, s:o}", "id", (json_int_t)id, "erased", 1,
	        "counts", counts),
	    "the person's data is erased");
}

void
tick_contacts_data_route(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0), *ids = NULL;
	json_t *contact, *tickets = NULL, *t;
	enum tick_err rc;
	size_t n = 0;

	if (id == 0) {
		no_such_contact(req);
		return;
	}
	if ((contact = tick_contact_json(db, id, 0, &rc)) == NULL) {
		if (rc == TICK_ENOTFOUND)
			no_such_contact(req);
		else
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	if ((ids = calloc(DATA_TICKETS_MAX, sizeof(*ids))) == NULL ||
	    (tickets = json_array()) == NULL) {
		rc = TICK_ENOMEM;
		goto fail;
	}
	if ((rc = tick_contact_ticket_ids(db, id, ids, DATA_TICKETS_MAX, &n)) !=
	    TICK_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if ((t = tick_ticket_json(db, ids[i], 1, &rc)) == NULL) {
			if (rc == TICK_ENOTFOUND)
				continue;
			goto fail;
		}
		json_array_append_new(tickets, t);
	}
	free(ids);
	tick_http_header(req, "Content-Disposition",
	    "attachment; filename=\"contact-data.json\"");
	tick_http_ok(req, 200,
	    json_pack("{s:o, s:o}", "contact", contact, "tickets", tickets),
	    NULL);
	return;
fail:
	free(ids);
	json_decref(tickets);
	json_decref(contact);
	tick_http_fail(req, 0, rc, NULL, NULL, NULL);
}

void
tick_contacts_import_route(struct tick_req *req)
{
	const char *ct = tick_http_param(req, "CONTENT_TYPE");
	struct tick_import_result res;
	char dry[4] = "0";
	enum tick_err rc;
	json_t *data;

	if (ct == NULL || strncasecmp(ct, "text/csv", 8) != 0 ||
	    (ct[8] != '\0' && ct[8] != ';' && ct[8] != ' ')) {
		tick_http_fail(req, 415, TICK_EINVAL, "unsupported_media_type",
		    "send the CSV file itself as the body, as text/csv", NULL);
		return;
	}
	if ((rc = tick_http_query_get(req->query, "dry_run", dry,
	         sizeof(dry))) == TICK_ENOTFOUND)
		snprintf(dry, sizeof(dry), "0");
	if ((rc != TICK_OK && rc != TICK_ENOTFOUND) ||
	    (strcmp(dry, "0") != 0 && strcmp(dry, "1") != 0)) {
		tick_http_invalid(req, "dry_run must be 0 or 1",
		    json_pack("{s:s}", "dry_run", "0 or 1"));
		return;
	}
	rc = tick_contacts_import(req->app->db, req->body ? req->body : "",
	    req->body_len, dry[0] == '1', &res);
	if (rc == TICK_EINVAL) {
		tick_http_fail(req, 422, TICK_EINVAL, "invalid_csv",
		    "the file cannot be imported: see details.errors",
		    json_pack("{s:o}", "errors", res.errors));
		return;
	}
	if (rc != TICK_OK) {
		json_decref(res.errors);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	/* The audit keeps the counts; a dry run writes nothing. */
	if (dry[0] != '1' &&
	    tick_audit_req(req, "contact.import", "contact", 0,
	        json_pack("{s:I, s:I, s:I, s:I}", "rows", (json_int_t)res.rows,
	            "created", (json_int_t)res.created, "updated",
	            (json_int_t)res.updated, "failed",
	            (json_int_t)res.failed)) != TICK_OK)
		tick_log_warn("%s: the import's audit entry failed", __func__);
	data = json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:o}", "dry_run",
	    dry[0] == '1', "rows", (json_int_t)res.rows, "valid",
	    (json_int_t)res.valid, "created", (json_int_t)res.created,
	    "updated", (json_int_t)res.updated, "failed",
	    (json_int_t)res.failed, "errors", res.errors);
	tick_http_ok(req, 200, data,
	    dry[0] == '1' ? "dry run: nothing was written" :
	                    "contacts imported");
}

static enum tick_err
produce_export(void *arg, const struct tick_export_sink *sink, int *stopped)
{
	struct tick_req *req = arg;
	char bom[4] = "0";

	(void)tick_http_query_get(req->query, "bom", bom, sizeof(bom));
	return tick_contacts_export(tick_app_read_db(req->app), bom[0] == '1',
	    sink, stopped);
}

void
tick_contacts_export_route(struct tick_req *req)
{
	char bom[4] = "0";
	enum tick_err rc;

	if ((rc = tick_http_query_get(req->query, "bom", bom, sizeof(bom))) ==
	    TICK_ENOTFOUND)
		snprintf(bom, sizeof(bom), "0");
	if ((rc != TICK_OK && rc != TICK_ENOTFOUND) ||
	    (strcmp(bom, "0") != 0 && strcmp(bom, "1") != 0)) {
		tick_http_invalid(req, "bom must be 0 or 1",
		    json_pack("{s:s}", "bom", "0 or 1"));
		return;
	}
	tick_http_header(req, "Content-Disposition",
	    "attachment; filename=\"contacts.csv\"");
	tick_reports_stream(req, "text/csv; charset=utf-8", produce_export,
	    req);
}
