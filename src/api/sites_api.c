#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit_api.h"
#include "db.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "qr.h"
#include "site_rules.h"
#include "sites.h"
#include "sites_api.h"
#include "texts.h"
#include "valid.h"
#include "wa.h"

/* How long a browser may keep a QR image before it asks again (with its
 * ETag); a changed code or number shows within this. */
#define QR_MAX_AGE "private, max-age=300"
/* Longest ?q= of a list, in characters. */
#define SITE_Q_MAX 100

static struct tick_site_scope
scope_of(const struct tick_req *req)
{
	struct tick_site_scope s = { req->user.id, req->user.sites_only };

	return s;
}

static void
no_such_site(struct tick_req *req)
{
	tick_http_fail(req, 404, TICK_ENOTFOUND, NULL, "no such site", NULL);
}

/* ---- Reading a body */

static const struct tick_field create_fields[] = {
	{ "name", TICK_FIELD_TEXT, 1, 1, TICK_SITE_NAME_MAX, NULL },
	{ "address", TICK_FIELD_TEXT, 0, 0, TICK_SITE_ADDRESS_MAX, NULL },
	{ "active", TICK_FIELD_BOOL, 0, 0, 0, NULL },
	{ "parent_id", TICK_FIELD_ID, 0, 0, 0, NULL },
};

/* parent_id is read by hand on an update: null there means none. */
static const struct tick_field update_fields[] = {
	{ "name", TICK_FIELD_TEXT, 0, 1, TICK_SITE_NAME_MAX, NULL },
	{ "address", TICK_FIELD_TEXT, 0, 0, TICK_SITE_ADDRESS_MAX, NULL },
	{ "active", TICK_FIELD_BOOL, 0, 0, 0, NULL },
};

/* A body's values, with the storage f points into. */
struct form {
	struct tick_site_fields f;
	char code[TICK_SITE_CODE_MAX + 1];
	char lat[16], lon[16];
};

static void
set_error(json_t *errs, const char *field, const char *why)
{
	if (json_object_get(errs, field) == NULL)
		json_object_set_new(errs, field, json_string(why));
}

/* latitude and longitude: both numbers, both null (none), or neither. */
static void
read_position(const json_t *body, struct form *fm, json_t *errs)
{
	const json_t *v[2] = { json_object_get(body, "latitude"),
		json_object_get(body, "longitude") };
	static const char *const names[2] = { "latitude", "longitude" };
	char *text[2] = { fm->lat, fm->lon };
	int numbers = 0, nulls = 0;
	const char *why;
	double d;

	for (int i = 0; i < 2; i++) {
		if (v[i] == NULL)
			continue;
		if (json_is_null(v[i])) {
			nulls++;
			continue;
		}
		if ((why = tick_site_check_coord(v[i], i == 0, &d)) != NULL) {
			set_error(errs, names[i], why);
			return;
		}
		tick_site_coord_text(d, text[i]);
		numbers++;
	}
	if (numbers == 2)
		fm->f.has_position = 1;
	else if (nulls == 2)
		fm->f.has_position = -1;
	else if (numbers + nulls > 0)
		set_error(errs,
		    v[0] == NULL || json_is_null(v[0]) ? "latitude" :
		                                         "longitude",
		    "give latitude and longitude together (both numbers, or both null)");
}

/*
 * Reads body into fm (creating: the fields a new site needs). Returns 0,
 * or 1 after answering 422 with every bad field named.
 */
static int
read_form(struct tick_req *req, const json_t *body, int creating,
    struct form *fm)
{
	json_t *errs = NULL, *v;
	const char *why, *s;
	enum tick_err rc;

	memset(fm, 0, sizeof(*fm));
	fm->f.active = creating ? 1 : -1;
	rc = creating ?
	    tick_valid_fields(body, create_fields,
	        sizeof(create_fields) / sizeof(create_fields[0]), &errs) :
	    tick_valid_fields(body, update_fields,
	        sizeof(update_fields) / sizeof(update_fields[0]), &errs);
	if (rc != TICK_OK && rc != TICK_EINVAL) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return 1;
	}
	if (errs == NULL && (errs = json_object()) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		return 1;
	}

	v = json_object_get(body, "code");
	if (v == NULL || json_is_null(v) ||
	    (json_is_string(v) && json_string_length(v) == 0)) {
		if (creating)
			set_error(errs, "code", "is required");
	} else if (!json_is_string(v))
		set_error(errs, "code", "must be a string");
	else if ((why = tick_site_check_code(json_string_value(v), fm->code)) !=
	    NULL)
		set_error(errs, "code", why);
	else
		fm->f.code = fm->code;

	if ((s = tick_json_str(body, "name")) != NULL && *s != '\0') {
		if (strspn(s, " ") == strlen(s))
			set_error(errs, "name", "must not be blank");
		fm->f.name = s;
	}
	/* null or "" clears an address on an update. */
	v = json_object_get(body, "address");
	if (v != NULL)
		fm->f.address = json_is_string(v) ? json_string_value(v) : "";
	if ((v = json_object_get(body, "active")) != NULL && json_is_boolean(v))
		fm->f.active = json_is_true(v);
	read_position(body, fm, errs);
	fm->f.latitude = fm->lat;
	fm->f.longitude = fm->lon;

	v = json_object_get(body, "parent_id");
	if (v != NULL && json_is_null(v) && !creating)
		fm->f.parent_id = -1;
	else if (v != NULL && (fm->f.parent_id = tick_json_id_value(v)) == 0)
		set_error(errs, "parent_id",
		    creating ? "must be a site's id" :
		               "must be a site's id, or null for none");

	if (json_object_size(errs) > 0) {
		tick_http_invalid(req, "some fields are missing or invalid",
		    errs);
		return 1;
	}
	json_decref(errs);
	return 0;
}

/* What an audit entry says of a form. */
static json_t *
form_details(const struct form *fm)
{
	json_t *d = json_object();

	if (d == NULL)
		return NULL;
	if (fm->f.code)
		json_object_set_new(d, "code", json_string(fm->f.code));
	if (fm->f.name)
		json_object_set_new(d, "name", json_string(fm->f.name));
	if (fm->f.address)
		json_object_set_new(d, "address",
		    *fm->f.address ? json_string(fm->f.address) : json_null());
	if (fm->f.has_position > 0)
		json_object_set_new(d, "position",
		    json_pack("[s, s]", fm->f.latitude, fm->f.longitude));
	else if (fm->f.has_position < 0)
		json_object_set_new(d, "position", json_null());
	if (fm->f.active >= 0)
		json_object_set_new(d, "active", json_boolean(fm->f.active));
	if (fm->f.parent_id > 0)
		json_object_set_new(d, "parent_id",
		    json_integer((json_int_t)fm->f.parent_id));
	else if (fm->f.parent_id < 0)
		json_object_set_new(d, "parent_id", json_null());
	return d;
}

/*
 * Inside a transaction: whether site parent may take a sub-site. Returns
 * 0, or 1 after answering (422 naming field, or the database's error).
 */
static int
bad_parent(struct tick_req *req, long long parent, const char *field)
{
	struct tick_site_row p;
	enum tick_err rc = tick_site_lock(req->app->db, parent, &p);
	const char *why = NULL;

	if (rc == TICK_ENOTFOUND)
		why = "no such site";
	else if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return 1;
	} else if (p.parent_id != 0)
		why = "is a sub-site: sub-sites are one level deep and have "
		      "none of their own";
	else if (!p.active)
		why = "is inactive: activate it first";
	if (why == NULL)
		return 0;
	tick_http_invalid(req, "the parent site cannot take a sub-site",
	    json_pack("{s:s}", field, why));
	return 1;
}

static void
duplicate(struct tick_req *req, const char *code)
{
	tick_http_fail(req, 409, TICK_ECONFLICT, "duplicate",
	    "another site already has this code",
	    json_pack("{s:s}", "code", code ? code : ""));
}

/* ---- Meta's QR code API */

/*
 * With WHATSAPP_QR_API=1: registers site id's prefilled text with Meta's
 * QR code API (changing the message of its code when it has one) and
 * stores the answer, unless force is 0 and the code it has already says
 * this text. Outside any transaction. Returns NULL when done (or when
 * there is nothing to do), else why not (in why; logged).
 */
static const char *
register_qr(struct tick_req *req, long long id, int force, char *why,
    size_t whylen)
{
	struct tick_db *db = req->app->db;
	char prefill[TICK_COL_BUF(TICK_QR_PREFILL_MAX) * 4];
	struct tick_site_scope all = { 0, 0 };
	struct tick_site_row r;
	struct tick_wa_result res;
	struct tick_wa_qr qr;
	enum tick_err rc;

	if (tick_config_num(&req->app->cfg, TICK_CFG_WA_QR_API) != 1)
		return NULL;
	if ((rc = tick_site_read(db, id, &all, &r)) != TICK_OK) {
		snprintf(why, whylen, "could not read the site: %s",
		    tick_strerror(rc));
		goto fail;
	}
	/* Meta takes at most TICK_QR_PREFILL_MAX characters: checked here,
	 * before the call. */
	if (tick_text_render_code(&req->app->cfg, TICK_TEXT_SITE_QR, r.code,
	        prefill, sizeof(prefill)) != TICK_OK ||
	    tick_valid_utf8_chars(prefill) > TICK_QR_PREFILL_MAX) {
		snprintf(why, whylen,
		    "TEXT_SITE_QR_PREFILL gives a text longer than the %d "
		    "characters Meta's QR code API takes",
		    TICK_QR_PREFILL_MAX);
		goto fail;
	}
	if (!force && r.qr_code[0] != '\0' &&
	    strcmp(r.qr_prefill, prefill) == 0)
		return NULL;
	rc = tick_wa_qr_register(req->app->wa, r.qr_code, prefill, &qr, &res);
	if (rc != TICK_OK) {
		snprintf(why, whylen, "Meta's QR code API: %s",
		    res.error_title[0] ? res.error_title : tick_strerror(rc));
		goto fail;
	}
	if ((rc = tick_db_begin(db)) != TICK_OK ||
	    (rc = tick_site_set_qr(db, id, qr.code, qr.deep_link, prefill)) !=
	        TICK_OK ||
	    (rc = tick_audit_req(req, "site.qr", "site", id,
	         json_pack("{s:s, s:s}", "code", qr.code, "deep_link",
	             qr.deep_link))) != TICK_OK ||
	    (rc = tick_db_commit(db)) != TICK_OK) {
		tick_db_rollback(db);
		snprintf(why, whylen, "could not store Meta's QR code: %s",
		    tick_strerror(rc));
		goto fail;
	}
	return NULL;
fail:
	tick_log_warn("%s: site %lld: %s", __func__, id, why);
	return why;
}

/* Answers site id (status, message) with "qr_error" when qr_error is not
 * NULL. */
static void
answer_site(struct tick_req *req, int status, long long id, const char *message,
    const char *qr_error)
{
	enum tick_err rc;
	json_t *site = tick_site_json(req->app->db, id, &rc);

	if (site == NULL) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	if (qr_error != NULL)
		json_object_set_new(site, "qr_error", json_string(qr_error));
	tick_http_ok(req, status, site, message);
}

/* ---- The routes */

/* Reads ?active and ?q into f. Returns 0, or 1 after answering 422. */
static int
read_filter(struct tick_req *req, struct tick_site_filter *f, char *q,
    size_t qsz)
{
	char v[8];
	enum tick_err rc;

	f->active = -1;
	f->q = NULL;
	if ((rc = tick_http_query_get(req->query, "active", v, sizeof(v))) !=
	    TICK_ENOTFOUND) {
		if (rc != TICK_OK ||
		    (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)) {
			tick_http_invalid(req, "bad filter",
			    json_pack("{s:s}", "active", "must be 0 or 1"));
			return 1;
		}
		f->active = v[0] == '1';
	}
	rc = tick_http_query_get(req->query, "q", q, qsz);
	if (rc == TICK_OK &&
	    (!tick_valid_utf8(q, strlen(q)) ||
	        tick_valid_utf8_chars(q) > SITE_Q_MAX))
		rc = TICK_ETOOBIG;
	if (rc != TICK_OK && rc != TICK_ENOTFOUND) {
		tick_http_invalid(req, "bad filter",
		    json_pack("{s:s}", "q",
		        "must be UTF-8 text of at most 100 characters"));
		return 1;
	}
	if (rc == TICK_OK && *q != '\0')
		f->q = q;
	return 0;
}

static void
list(struct tick_req *req, long long parent)
{
	struct tick_site_scope scope = scope_of(req);
	struct tick_site_filter f;
	char q[TICK_COL_BUF(SITE_Q_MAX)];
	long long page, limit, total = 0;
	json_t *items = NULL;
	enum tick_err rc;

	if (read_filter(req, &f, q, sizeof(q)) ||
	    tick_http_page(req, &page, &limit) != TICK_OK)
		return;
	f.parent_id = parent;
	rc = tick_site_list(req->app->db, &scope, &f, limit, (page - 1) * limit,
	    &items, &total);
	if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok_page(req, items, total, page, limit);
}

void
tick_sites_list(struct tick_req *req)
{
	list(req, 0);
}

void
tick_sites_subsites(struct tick_req *req)
{
	struct tick_site_scope scope = scope_of(req);
	long long id = tick_http_param_id(req, 0);
	struct tick_site_row r;
	enum tick_err rc = id ? tick_site_read(req->app->db, id, &scope, &r) :
	                        TICK_ENOTFOUND;

	if (rc == TICK_ENOTFOUND)
		no_such_site(req);
	else if (rc != TICK_OK)
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
	else
		list(req, id);
}

void
tick_sites_get(struct tick_req *req)
{
	struct tick_site_scope scope = scope_of(req);
	long long id = tick_http_param_id(req, 0);
	struct tick_site_row r;
	enum tick_err rc = id ? tick_site_read(req->app->db, id, &scope, &r) :
	                        TICK_ENOTFOUND;

	if (rc == TICK_ENOTFOUND)
		no_such_site(req);
	else if (rc != TICK_OK)
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
	else
		answer_site(req, 200, id, NULL, NULL);
}

/* A new site; parent is the route's site (0 on POST /api/sites). */
static void
create(struct tick_req *req, long long parent)
{
	struct tick_db *db = req->app->db;
	json_t *body = NULL;
	char why[320];
	const char *qr_error;
	struct form fm;
	long long id = 0;
	enum tick_err rc;

	if (parent != 0) {
		struct tick_site_scope all = { 0, 0 };
		struct tick_site_row r;

		if ((rc = tick_site_read(db, parent, &all, &r)) != TICK_OK) {
			if (rc == TICK_ENOTFOUND)
				no_such_site(req);
			else
				tick_http_fail(req, 0, rc, NULL, NULL, NULL);
			return;
		}
	}
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if (read_form(req, body, 1, &fm))
		goto out;
	if (parent != 0 && fm.f.parent_id != 0 && fm.f.parent_id != parent) {
		tick_http_invalid(req, "some fields are missing or invalid",
		    json_pack("{s:s}", "parent_id",
		        "must be this site's id, or left out"));
		goto out;
	}
	if (parent != 0)
		fm.f.parent_id = parent;
	if ((rc = tick_db_begin(db)) != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	if (fm.f.parent_id > 0 && bad_parent(req, fm.f.parent_id, "parent_id"))
		goto rollback;
	rc = tick_site_create(db, &fm.f, &id);
	if (rc == TICK_ECONFLICT) {
		duplicate(req, fm.f.code);
		goto rollback;
	}
	if (rc == TICK_OK)
		rc = tick_audit_req(req, "site.create", "site", id,
		    form_details(&fm));
	if (rc == TICK_OK)
		rc = tick_db_commit(db);
	if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto rollback;
	}
	/* The site exists whatever Meta says. */
	qr_error = register_qr(req, id, 1, why, sizeof(why));
	answer_site(req, 201, id, "site created", qr_error);
	goto out;
rollback:
	tick_db_rollback(db);
out:
	json_decref(body);
}

void
tick_sites_create(struct tick_req *req)
{
	create(req, 0);
}

void
tick_sites_subsite_create(struct tick_req *req)
{
	long long id = tick_http_param_id(req, 0);

	if (id == 0)
		no_such_site(req);
	else
		create(req, id);
}

void
tick_sites_update(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0), subsites = 0;
	struct tick_site_row r;
	const char *qr_error = NULL;
	json_t *body = NULL, *details;
	char why[320];
	struct form fm;
	enum tick_err rc;

	if (id == 0) {
		no_such_site(req);
		return;
	}
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if (read_form(req, body, 0, &fm))
		goto out;
	if ((rc = tick_db_begin(db)) != TICK_OK ||
	    (rc = tick_site_lock(db, id, &r)) != TICK_OK) {
		if (rc == TICK_ENOTFOUND)
			no_such_site(req);
		else
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto rollback;
	}
	if (fm.f.parent_id > 0) {
		const char *bad = NULL;

		if (fm.f.parent_id == id)
			bad = "a site cannot be its own sub-site";
		else if (r.subsites > 0)
			bad = "this site has sub-sites: it cannot become one";
		if (bad != NULL) {
			tick_http_invalid(req, "this site cannot move there",
			    json_pack("{s:s}", "parent_id", bad));
			goto rollback;
		}
		if (bad_parent(req, fm.f.parent_id, "parent_id"))
			goto rollback;
	} else if (fm.f.active == 1 && !r.active && r.parent_id != 0 &&
	    fm.f.parent_id == 0 && bad_parent(req, r.parent_id, "active"))
		/* A sub-site comes back only under an active site. */
		goto rollback;
	rc = tick_site_update(db, id, &fm.f);
	if (rc == TICK_ECONFLICT) {
		duplicate(req, fm.f.code);
		goto rollback;
	}
	/* A site that closes closes its sub-sites. */
	if (rc == TICK_OK && fm.f.active == 0)
		rc = tick_site_deactivate(db, id, &subsites);
	if (rc == TICK_OK) {
		details = form_details(&fm);
		if (details != NULL && subsites > 0)
			json_object_set_new(details, "subsites_deactivated",
			    json_integer((json_int_t)subsites));
		rc = tick_audit_req(req, "site.update", "site", id, details);
	}
	if (rc == TICK_OK)
		rc = tick_db_commit(db);
	if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto rollback;
	}
	/* A new code means a new prefilled text for Meta's code. */
	if (fm.f.code != NULL && strcmp(fm.f.code, r.code) != 0)
		qr_error = register_qr(req, id, 0, why, sizeof(why));
	answer_site(req, 200, id, "site updated", qr_error);
	goto out;
rollback:
	tick_db_rollback(db);
out:
	json_decref(body);
}

void
tick_sites_delete(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0), subsites = 0;
	enum tick_err rc;

	if (id == 0) {
		no_such_site(req);
		return;
	}
	/* Deleting deactivates: the rows and their history stay. */
	if ((rc = tick_db_begin(db)) == TICK_OK &&
	    (rc = tick_site_deactivate(db, id, &subsites)) == TICK_OK &&
	    (rc = tick_audit_req(req, "site.deactivate", "site", id,
	         json_pack("{s:I}", "subsites_deactivated",
	             (json_int_t)subsites))) == TICK_OK)
		rc = tick_db_commit(db);
	if (rc != TICK_OK) {
		tick_db_rollback(db);
		if (rc == TICK_ENOTFOUND)
			no_such_site(req);
		else
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, 200,
	    json_pack("{s:I, s:b, s:I}", "id", (json_int_t)id, "active", 0,
	        "subsites_deactivated", (json_int_t)subsites),
	    "site deactivated");
}

/* Reads body's user_ids into ids (distinct, in the order given). Returns
 * their number, or -1 after answering 422. */
static long
read_user_ids(struct tick_req *req, const json_t *body,
    long long ids[TICK_SITE_MANAGERS_MAX])
{
	const json_t *arr = json_object_get(body, "user_ids"), *v;
	const char *why = NULL;
	char buf[64];
	size_t i;
	long n = 0;

	if (!json_is_array(arr))
		why = arr == NULL ? "is required: an array of user ids" :
		                    "must be an array of user ids";
	else if (json_array_size(arr) > TICK_SITE_MANAGERS_MAX) {
		snprintf(buf, sizeof(buf), "must hold at most %d user ids",
		    TICK_SITE_MANAGERS_MAX);
		why = buf;
	} else
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
tick_sites_managers(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_http_param_id(req, 0);
	long long ids[TICK_SITE_MANAGERS_MAX];
	json_t *body = NULL, *before = NULL, *after = NULL;
	char bad[TICK_SITE_MANAGERS_MAX * 12 + 64];
	size_t used = 0;
	struct tick_site_row r;
	enum tick_err rc;
	long n;

	if (id == 0) {
		no_such_site(req);
		return;
	}
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if ((n = read_user_ids(req, body, ids)) < 0)
		goto out;
	if ((rc = tick_db_begin(db)) != TICK_OK ||
	    (rc = tick_site_lock(db, id, &r)) != TICK_OK) {
		if (rc == TICK_ENOTFOUND)
			no_such_site(req);
		else
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto rollback;
	}
	bad[0] = '\0';
	for (long i = 0; i < n; i++) {
		int active = 0;

		if ((rc = tick_site_user_active(db, ids[i], &active)) !=
		    TICK_OK) {
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
			goto rollback;
		}
		if (!active)
			used += (size_t)snprintf(bad + used, sizeof(bad) - used,
			    "%s%lld",
			    used ? ", " : "unknown or inactive users: ",
			    ids[i]);
	}
	if (used > 0) {
		tick_http_invalid(req, "user_ids names users who cannot manage",
		    json_pack("{s:s}", "user_ids", bad));
		goto rollback;
	}
	if ((after = json_array()) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		goto rollback;
	}
	for (long i = 0; i < n; i++)
		json_array_append_new(after, json_integer((json_int_t)ids[i]));
	if ((rc = tick_site_set_managers(db, id, ids, (size_t)n, &before)) ==
	        TICK_OK &&
	    (rc = tick_audit_req(req, "site.managers", "site", id,
	         json_pack("{s:O, s:O}", "before", before, "after", after))) ==
	        TICK_OK)
		rc = tick_db_commit(db);
	if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto rollback;
	}
	answer_site(req, 200, id, "managers set", NULL);
	goto out;
rollback:
	tick_db_rollback(db);
out:
	json_decref(before);
	json_decref(after);
	json_decref(body);
}

/* ---- QR images */

/*
 * The business number's digits: WHATSAPP_DISPLAY_PHONE_NUMBER, else the
 * Graph API's (asked once a worker). Returns 0, or -1 after answering
 * 503 business_number_unknown.
 */
static int
business_number(struct tick_req *req, char digits[16])
{
	const char *n = tick_config_get(&req->app->cfg,
	    TICK_CFG_WA_DISPLAY_PHONE_NUMBER);
	struct tick_wa_result res;
	enum tick_err rc;

	if (n != NULL) {
		snprintf(digits, 16, "%s", n);
		return 0;
	}
	if ((rc = tick_wa_display_number(req->app->wa, digits, &res)) ==
	    TICK_OK)
		return 0;
	tick_http_fail(req, 503, rc, "business_number_unknown",
	    "the desk's WhatsApp number is unknown: set "
	    "WHATSAPP_DISPLAY_PHONE_NUMBER, or WHATSAPP_PHONE_NUMBER_ID and "
	    "WHATSAPP_ACCESS_TOKEN so that the Graph API can say it",
	    json_pack("{s:s}", "reason",
	        res.error_title[0] ? res.error_title : tick_strerror(rc)));
	return -1;
}

/* ?format and ?size. Returns 0, or 1 after answering 422. */
static int
read_image_args(struct tick_req *req, enum tick_qr_format *f, unsigned *size)
{
	char v[16];
	enum tick_err rc;
	long long n;
	int k;

	*f = TICK_QR_PNG;
	*size = TICK_QR_SIZE_DEFAULT;
	if ((rc = tick_http_query_get(req->query, "format", v, sizeof(v))) !=
	    TICK_ENOTFOUND) {
		if (rc != TICK_OK || (k = tick_qr_format_parse(v)) < 0) {
			tick_http_invalid(req, "bad image format",
			    json_pack("{s:s}", "format", "must be png or svg"));
			return 1;
		}
		*f = (enum tick_qr_format)k;
	}
	if ((rc = tick_http_query_get(req->query, "size", v, sizeof(v))) !=
	    TICK_ENOTFOUND) {
		if (rc != TICK_OK ||
		    tick_valid_num(v, strlen(v), TICK_QR_SIZE_MIN,
		        TICK_QR_SIZE_MAX, &n) != TICK_OK) {
			tick_http_invalid(req, "bad image size",
			    json_pack("{s:s}", "size",
			        "must be a whole number of pixels from 128 to 2048"));
			return 1;
		}
		*size = (unsigned)n;
	}
	return 0;
}

/*
 * Answers the QR code of the business number's link with text (NULL for
 * none) as format f, size pixels wide; name names the file.
 */
static void
serve_qr(struct tick_req *req, const char *text, enum tick_qr_format f,
    unsigned size, const char *name)
{
	char digits[16], link[TICK_QR_MAX_TEXT + 1], etag[TICK_QR_ETAG_BUF],
	    disp[96], why[96];
	char *img = NULL;
	size_t len = 0;
	unsigned need = 0;
	enum tick_err rc;

	if (business_number(req, digits) != 0)
		return;
	if ((rc = tick_qr_wa_link(digits, text, link, sizeof(link))) !=
	    TICK_OK) {
		tick_http_fail(req, 500, TICK_ECONFIG, NULL,
		    "TEXT_SITE_QR_PREFILL makes a link longer than a QR code "
		    "holds",
		    NULL);
		return;
	}
	rc = tick_qr_render(f, link, size, &img, &len, &need);
	if (rc == TICK_EINVAL && need > 0) {
		snprintf(why, sizeof(why),
		    "must be at least %u pixels for this code", need);
		tick_http_invalid(req, "bad image size",
		    json_pack("{s:s}", "size", why));
		return;
	}
	if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc == TICK_ETOOBIG ? TICK_ECONFIG : rc,
		    NULL, "the QR code could not be drawn", NULL);
		return;
	}
	tick_qr_etag(img, len, etag);
	tick_http_header(req, "Cache-Control", QR_MAX_AGE);
	tick_http_header(req, "ETag", etag);
	if (tick_qr_etag_matches(tick_http_param(req, "HTTP_IF_NONE_MATCH"),
	        etag)) {
		tick_http_text(req, 304, tick_qr_format_type(f), "", 0);
		free(img);
		return;
	}
	snprintf(disp, sizeof(disp), "inline; filename=\"%s.%s\"", name,
	    f == TICK_QR_PNG ? "png" : "svg");
	tick_http_header(req, "Content-Disposition", disp);
	/* An image, never a document that could run anything. */
	tick_http_header(req, "Content-Security-Policy",
	    "default-src 'none'; style-src 'unsafe-inline'");
	tick_http_text(req, 200, tick_qr_format_type(f), img, len);
	free(img);
}

void
tick_sites_qr(struct tick_req *req)
{
	struct tick_site_scope scope = scope_of(req);
	long long id = tick_http_param_id(req, 0);
	char prefill[TICK_MAX_CONFIG_VALUE * 2], name[32];
	struct tick_site_row r;
	enum tick_qr_format f;
	unsigned size;
	enum tick_err rc = id ? tick_site_read(req->app->db, id, &scope, &r) :
	                        TICK_ENOTFOUND;

	if (rc != TICK_OK) {
		if (rc == TICK_ENOTFOUND)
			no_such_site(req);
		else
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	if (read_image_args(req, &f, &size))
		return;
	if (tick_text_render_code(&req->app->cfg, TICK_TEXT_SITE_QR, r.code,
	        prefill, sizeof(prefill)) != TICK_OK) {
		tick_http_fail(req, 500, TICK_ECONFIG, NULL,
		    "TEXT_SITE_QR_PREFILL is too long", NULL);
		return;
	}
	snprintf(name, sizeof(name), "site-%s-qr", r.code);
	serve_qr(req, prefill, f, size, name);
}

void
tick_sites_desk_qr(struct tick_req *req)
{
	enum tick_qr_format f;
	unsigned size;

	if (read_image_args(req, &f, &size))
		return;
	serve_qr(req, NULL, f, size, "whatsapp-qr");
}

void
tick_sites_qr_refresh(struct tick_req *req)
{
	long long id = tick_http_param_id(req, 0);
	struct tick_site_scope all = { 0, 0 };
	struct tick_site_row r;
	const char *qr_error;
	char why[320];
	enum tick_err rc = id ? tick_site_read(req->app->db, id, &all, &r) :
	                        TICK_ENOTFOUND;

	if (rc != TICK_OK) {
		if (rc == TICK_ENOTFOUND)
			no_such_site(req);
		else
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	if (tick_config_num(&req->app->cfg, TICK_CFG_WA_QR_API) != 1) {
		tick_http_fail(req, 503, TICK_ECONFIG, "qr_api_off",
		    "Meta's QR code API is not in use: set WHATSAPP_QR_API=1",
		    NULL);
		return;
	}
	if ((qr_error = register_qr(req, id, 1, why, sizeof(why))) != NULL) {
		tick_http_fail(req, 502, TICK_EUPSTREAM, NULL, qr_error, NULL);
		return;
	}
	answer_site(req, 200, id, "QR code registered", NULL);
}
