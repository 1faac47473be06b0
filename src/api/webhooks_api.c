#include <stdio.h>
#include <string.h>

#include "app.h"
#include "audit_api.h"
#include "crypto.h"
#include "db.h"
#include "events.h"
#include "hooks.h"
#include "http.h"
#include "valid.h"
#include "webhooks_api.h"

/* The event types a subscription may ask for. */
static const char *const event_types[] = { TICK_EV_TICKET_CREATED,
	TICK_EV_TICKET_UPDATED, TICK_EV_TICKET_ASSIGNED, TICK_EV_TICKET_STATUS,
	TICK_EV_TICKET_CLOSED, TICK_EV_MESSAGE_RECEIVED, TICK_EV_MESSAGE_STATUS,
	TICK_EV_REPLY_CREATED, TICK_EV_NOTE_CREATED, TICK_EV_TICKET_CSAT,
	TICK_EV_TICKET_CSAT_LOW, NULL };

#define URL_MAX 2048
#define SECRET_MIN 16
#define SECRET_MAX 128

/* Where a subscription's texts are kept while it is written. */
struct hook_text {
	char events[401];
	char secret[SECRET_MAX + 1];
};

/* The members of body into f (create: all required but secret and
 * description), adding a sentence per bad member to errors. */
static void
hook_args(json_t *body, int create, struct tick_hook_form *f,
    struct hook_text *t, json_t *errors)
{
	json_t *v;
	const char *s;
	size_t i, n, o = 0;

	memset(f, 0, sizeof(*f));
	f->active = create ? 1 : -1;
	if ((v = json_object_get(body, "url")) != NULL || create) {
		s = json_string_value(v);
		if (s == NULL || strlen(s) > URL_MAX ||
		    tick_valid_outbound_url(s) != TICK_OK)
			json_object_set_new(errors, "url",
			    json_string(
			        "must be an https URL (http only to a "
			        "loopback address), at most 2048 bytes"));
		else
			f->url = s;
	}
	if ((v = json_object_get(body, "events")) != NULL || create) {
		int bad = !json_is_array(v) || json_array_size(v) == 0;
		json_t *e;

		t->events[0] = '\0';
		json_array_foreach (v, i, e) {
			s = json_string_value(e);
			for (n = 0; s && event_types[n] &&
			     strcmp(event_types[n], s) != 0;
			     n++)
				;
			if (s == NULL || event_types[n] == NULL) {
				bad = 1;
				break;
			}
			if (strstr(t->events, s) != NULL)
				continue; /* each once (no type is in another) */
			o += (size_t)snprintf(t->events + o,
			    sizeof(t->events) - o, "%s%s", o ? "," : "", s);
		}
		if (bad)
			json_object_set_new(errors, "events",
			    json_string("must be a list of event types: "
			                "ticket.created, ticket.updated, "
			                "ticket.assigned, ticket.status, "
			                "ticket.closed, message.received, "
			                "message.status, reply.created, "
			                "note.created, ticket.csat, "
			                "ticket.csat_low"));
		else
			f->events = t->events;
	}
	if ((v = json_object_get(body, "secret")) != NULL && !json_is_null(v)) {
		s = json_string_value(v);
		if (s == NULL || strlen(s) < SECRET_MIN ||
		    strlen(s) > SECRET_MAX || !tick_valid_utf8(s, strlen(s)) ||
		    strspn(s,
		        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		        "0123456789_-.~+/=") != strlen(s))
			json_object_set_new(errors, "secret",
			    json_string("must be 16 to 128 printable ASCII "
			                "letters, digits or _-.~+/="));
		else
			f->secret = s;
	}
	if ((v = json_object_get(body, "description")) != NULL) {
		s = json_string_value(v);
		if (!json_is_null(v) &&
		    (s == NULL || !tick_valid_utf8(s, strlen(s)) ||
		        tick_valid_utf8_chars(s) > 200))
			json_object_set_new(errors, "description",
			    json_string("must be text of at most 200 "
			                "characters, or null"));
		else
			f->description = s != NULL ? s : "";
	}
	if ((v = json_object_get(body, "active")) != NULL) {
		if (!json_is_boolean(v))
			json_object_set_new(errors, "active",
			    json_string("must be true or false"));
		else
			f->active = json_is_true(v);
	}
}

/* The subscription's id from the route, or 0 after answering 404. */
static long long
hook_id(struct tick_req *req)
{
	long long id = tick_http_param_id(req, 0);
	enum tick_err rc;
	json_t *h;

	if (id > 0 && (h = tick_hooks_json(req->app->db, id, &rc)) != NULL) {
		json_decref(h);
		return id;
	}
	if (id > 0 && rc != TICK_ENOTFOUND) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return 0;
	}
	tick_http_fail(req, 404, TICK_ENOTFOUND, NULL, "no such webhook", NULL);
	return 0;
}

void
tick_webhooks_list(struct tick_req *req)
{
	json_t *items = NULL, *types = json_array();
	enum tick_err rc = types != NULL ?
	    tick_hooks_list(req->app->db, &items) :
	    TICK_ENOMEM;

	/* The event types a subscription may ask for, so a form offers
	 * exactly these. */
	for (size_t i = 0; rc == TICK_OK && event_types[i] != NULL; i++)
		if (json_array_append_new(types, json_string(event_types[i])) !=
		    0)
			rc = TICK_ENOMEM;
	if (rc != TICK_OK) {
		json_decref(items);
		json_decref(types);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, 200,
	    json_pack("{s:o, s:I, s:o}", "items", items, "total",
	        (json_int_t)json_array_size(items), "event_types", types),
	    NULL);
}

/* Writes a change, its audit entry and answers with the subscription. */
static void
finish(struct tick_req *req, long long id, const char *action, enum tick_err rc,
    int status, const char *secret)
{
	json_t *h = NULL;

	if (rc == TICK_OK)
		rc = tick_audit_req(req, action, "webhook", id, NULL);
	if (rc == TICK_OK &&
	    (h = tick_hooks_json(req->app->db, id, &rc)) != NULL)
		rc = tick_db_commit(req->app->db);
	if (rc != TICK_OK) {
		tick_db_rollback(req->app->db);
		json_decref(h);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	/* The secret, the one time it is shown. */
	if (secret != NULL)
		json_object_set_new(h, "secret", json_string(secret));
	tick_http_ok(req, status, h,
	    secret != NULL ? "keep the secret: it signs every delivery and is "
	                     "not shown again" :
	                     NULL);
}

void
tick_webhooks_create(struct tick_req *req)
{
	json_t *body = tick_http_json_body(req), *errors = json_object();
	struct tick_hook_form f;
	struct hook_text t;
	long long id = 0;
	enum tick_err rc;

	if (body == NULL || errors == NULL)
		goto out;
	hook_args(body, 1, &f, &t, errors);
	if (json_object_size(errors) > 0) {
		tick_http_invalid(req, "some fields are missing or invalid",
		    errors);
		errors = NULL;
		goto out;
	}
	if (f.secret == NULL) {
		unsigned char rnd[24];
		char hex[49];

		if (tick_crypto_random(rnd, sizeof(rnd)) != 0) {
			tick_http_fail(req, 500, TICK_ESYS, NULL, NULL, NULL);
			goto out;
		}
		tick_crypto_hex(rnd, sizeof(rnd), hex);
		snprintf(t.secret, sizeof(t.secret), "whsec_%s", hex);
		f.secret = t.secret;
	}
	if ((rc = tick_db_begin(req->app->db)) == TICK_OK)
		rc = tick_hooks_create(req->app->db, &f, req->user.id, &id);
	finish(req, id, "webhook.create", rc, 201, f.secret);
out:
	json_decref(errors);
	json_decref(body);
}

void
tick_webhooks_get(struct tick_req *req)
{
	long long id = tick_http_param_id(req, 0);
	enum tick_err rc = TICK_ENOTFOUND;
	json_t *h = id > 0 ? tick_hooks_json(req->app->db, id, &rc) : NULL;

	if (h == NULL) {
		tick_http_fail(req, 0, rc, NULL,
		    rc == TICK_ENOTFOUND ? "no such webhook" : NULL, NULL);
		return;
	}
	tick_http_ok(req, 200, h, NULL);
}

void
tick_webhooks_update(struct tick_req *req)
{
	json_t *body = NULL, *errors = NULL;
	struct tick_hook_form f;
	struct hook_text t;
	long long id;
	enum tick_err rc;

	if ((id = hook_id(req)) == 0 ||
	    (body = tick_http_json_body(req)) == NULL)
		return;
	if ((errors = json_object()) == NULL)
		goto out;
	hook_args(body, 0, &f, &t, errors);
	if (json_object_size(errors) > 0) {
		tick_http_invalid(req, "some fields are missing or invalid",
		    errors);
		errors = NULL;
		goto out;
	}
	if ((rc = tick_db_begin(req->app->db)) == TICK_OK)
		rc = tick_hooks_update(req->app->db, id, &f);
	finish(req, id, "webhook.update", rc, 200, NULL);
out:
	json_decref(errors);
	json_decref(body);
}

void
tick_webhooks_delete(struct tick_req *req)
{
	long long id = tick_http_param_id(req, 0);
	enum tick_err rc = TICK_ENOTFOUND;

	if (id > 0 && (rc = tick_db_begin(req->app->db)) == TICK_OK &&
	    (rc = tick_hooks_delete(req->app->db, id)) == TICK_OK &&
	    (rc = tick_audit_req(req, "webhook.delete", "webhook", id, NULL)) ==
	        TICK_OK)
		rc = tick_db_commit(req->app->db);
	if (rc != TICK_OK) {
		tick_db_rollback(req->app->db);
		tick_http_fail(req, 0, rc, NULL,
		    rc == TICK_ENOTFOUND ? "no such webhook" : NULL, NULL);
		return;
	}
	tick_http_ok_deleted(req, id,
	    "the webhook receives nothing more; its deliveries are kept");
}

void
tick_webhooks_deliveries(struct tick_req *req)
{
	static const char *const states[] = { "pending", "failed", "delivered",
		"dead", NULL };
	long long id, page, limit, total = 0;
	json_t *items = NULL;
	char state[16] = "";
	enum tick_err rc;
	size_t i;

	if ((id = hook_id(req)) == 0 ||
	    tick_http_page(req, &page, &limit) != TICK_OK)
		return;
	if (tick_http_query_get(req->query, "state", state, sizeof(state)) ==
	        TICK_OK &&
	    state[0] != '\0') {
		for (i = 0; states[i] && strcmp(states[i], state) != 0; i++)
			;
		if (states[i] == NULL) {
			tick_http_fail(req, 400, TICK_EINVAL, "bad_request",
			    "state must be pending, failed, delivered or dead",
			    NULL);
			return;
		}
	}
	if ((rc = tick_hooks_deliveries(req->app->db, id,
	         state[0] ? state : NULL, limit, (page - 1) * limit, &items,
	         &total)) != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok_page(req, items, total, page, limit);
}

void
tick_webhooks_resend(struct tick_req *req)
{
	long long id, did = tick_http_param_id(req, 1);
	enum tick_err rc;

	if ((id = hook_id(req)) == 0)
		return;
	rc = did > 0 ? tick_db_begin(req->app->db) : TICK_ENOTFOUND;
	if (rc == TICK_OK &&
	    (rc = tick_hooks_resend(req->app->db, id, did)) == TICK_OK &&
	    (rc = tick_audit_req(req, "webhook.resend", "webhook", id,
	         json_pack("{s:I}", "delivery_id", (json_int_t)did))) ==
	        TICK_OK)
		rc = tick_db_commit(req->app->db);
	if (rc != TICK_OK) {
		tick_db_rollback(req->app->db);
		tick_http_fail(req, 0, rc, NULL,
		    rc == TICK_ENOTFOUND ? "no such delivery" : NULL, NULL);
		return;
	}
	tick_http_ok(req, 200,
	    json_pack("{s:I, s:s}", "id", (json_int_t)did, "state", "pending"),
	    "the delivery is sent again at the outbox's next run");
}
