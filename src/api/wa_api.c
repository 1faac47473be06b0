/* tick: the WhatsApp routes agents and admins use: send to any number,
 * the channel's status, and a simulated customer message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "audit.h"
#include "audit_api.h"
#include "bounds.h"
#include "channel.h"
#include "crypto.h"
#include "db.h"
#include "http.h"
#include "ingest.h"
#include "json.h"
#include "outbox.h"
#include "tickets.h"
#include "valid.h"
#include "wa.h"
#include "identities.h"
#include "wa_api.h"
#include "work.h"

static const struct tick_field send_fields[] = {
	{ "phone", TICK_FIELD_PHONE, 0, 0, 0, NULL },
	{ "ticket_id", TICK_FIELD_ID, 0, 0, 0, NULL },
	{ "message", TICK_FIELD_LONGTEXT, 1, 1, TICK_MAX_WA_TEXT, NULL },
};

void
tick_wa_api_send(struct tick_req *req)
{
	json_t *body = tick_http_json_body(req), *errors = NULL, *v;
	const char *message, *phone;
	long long ticket = 0, out_id = 0;
	struct tick_outbox_list l = { .n = 0 };
	struct tick_wa_result res;
	char digits[16];
	enum tick_err rc;

	if (body == NULL)
		return;
	if (tick_valid_fields(body, send_fields, 3, &errors) != TICK_OK) {
		tick_http_invalid(req,
		    "a message and a phone or ticket_id are required", errors);
		goto out;
	}
	message = json_string_value(json_object_get(body, "message"));
	phone = json_string_value(json_object_get(body, "phone"));
	v = json_object_get(body, "ticket_id");
	if (v != NULL)
		ticket = tick_json_id(body, "ticket_id");
	if ((phone == NULL || *phone == '\0') == (v == NULL)) {
		tick_http_invalid(req, "give either phone or ticket_id",
		    json_pack("{s:s}", "phone",
		        "give either phone or ticket_id"));
		goto out;
	}
	if (ticket == 0) {
		tick_valid_phone(phone, digits);
		/* A number with an open ticket gets the message on that ticket. */
		if ((rc = tick_ticket_open_by_mobile(req->app->db, digits,
		         &ticket)) != TICK_OK) {
			tick_http_fail(req, 0, rc, NULL, NULL, NULL);
			goto out;
		}
	}
	if (ticket != 0) {
		/* The ticket's holder rule applies here too. */
		tick_work_send_reply(req, ticket, message, NULL);
		if (req->status == 201)
			(void)tick_audit_req(req, "whatsapp.send", "ticket",
			    ticket, NULL);
		goto out;
	}
	/* No ticket: a message of its own, stored like any other. */
	if ((rc = tick_db_begin(req->app->db)) != TICK_OK ||
	    (rc = tick_outbox_add_text(req->app->db, 0, 0, 0, digits, message,
	         &out_id, &l)) != TICK_OK ||
	    (rc = tick_audit(req->app->db, req->user.id, req->user.email,
	         "whatsapp.send", "phone", digits, req->remote_addr, NULL)) !=
	        TICK_OK ||
	    (rc = tick_db_commit(req->app->db)) != TICK_OK) {
		tick_db_rollback(req->app->db);
		tick_outbox_list_clear(&l);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	rc = tick_outbox_deliver(req->app, l.items[0].id, 0, l.items[0].marked,
	    l.items[0].payload, 0, &res);
	tick_outbox_list_clear(&l);
	tick_http_ok(req, 201,
	    json_pack("{s:{s:I, s:s, s:s, s:o, s:o, s:o}}", "whatsapp", "id",
	        (json_int_t)out_id, "to", digits, "status",
	        rc == TICK_OK ? "sent" : "failed", "wamid",
	        res.wamid[0] ? json_string(res.wamid) : json_null(),
	        "error_code",
	        res.error_code ? json_integer((json_int_t)res.error_code) :
	                         json_null(),
	        "error_title",
	        res.error_title[0] ? json_string(res.error_title) :
	                             json_null()),
	    rc == TICK_OK ? "message sent" : "message stored; sending failed");
out:
	json_decref(body);
}

void
tick_wa_api_status(struct tick_req *req)
{
	const struct tick_config *cfg = &req->app->cfg;
	char live[8];
	json_t *data, *last_ok = NULL, *last_error = NULL, *health = NULL;
	json_t *last_webhook = NULL;
	enum tick_err rc;

	if ((rc = tick_outbox_last(req->app->db, &last_ok, &last_error)) !=
	    TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	/* Whether Meta reaches the desk: the setup checklist (issue 19). */
	if ((rc = tick_ingest_last_event(req->app->db, &last_webhook)) !=
	    TICK_OK) {
		json_decref(last_ok);
		json_decref(last_error);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	data = json_pack("{s:b, s:o, s:s, s:b, s:b, s:o, s:o, s:o}",
	    "configured", tick_config_wa_ready(cfg), "phone_number_id",
	    tick_config_get(cfg, TICK_CFG_WA_PHONE_NUMBER_ID) ?
	        json_string(tick_config_get(cfg, TICK_CFG_WA_PHONE_NUMBER_ID)) :
	        json_null(),
	    "api_url", tick_config_get(cfg, TICK_CFG_WA_API_URL),
	    "signature_check",
	    tick_config_get(cfg, TICK_CFG_WA_APP_SECRET) != NULL,
	    "verify_token_set",
	    tick_config_get(cfg, TICK_CFG_WA_VERIFY_TOKEN) != NULL, "template",
	    tick_config_get(cfg, TICK_CFG_WA_TEMPLATE_NAME) ?
	        json_string(tick_config_get(cfg, TICK_CFG_WA_TEMPLATE_NAME)) :
	        json_null(),
	    "last_success_at", last_ok, "last_error", last_error);
	if (data != NULL)
		json_object_set_new(data, "last_webhook_at", last_webhook);
	else
		json_decref(last_webhook);
	if (tick_http_query_get(req->query, "live", live, sizeof(live)) ==
	        TICK_OK &&
	    strcmp(live, "1") == 0) {
		struct tick_wa_result res;
		json_t *info = NULL;

		rc = tick_wa_check_phone(req->app->wa, &info, &res);
		/* The check is a Graph call like a send: a 190 is the token's,
		 * and an answer clears it. */
		if (rc == TICK_OK || res.error_code != 0)
			tick_channel_after_send(req->app->db, rc, &res);
		json_object_set_new(data, "live",
		    rc == TICK_OK ?
		        json_pack("{s:b, s:o}", "ok", 1, "phone", info) :
		        json_pack("{s:b, s:o, s:o, s:s}", "ok", 0,
		            "http_status",
		            res.http_status ? json_integer(res.http_status) :
		                              json_null(),
		            "error_code",
		            res.error_code ?
		                json_integer((json_int_t)res.error_code) :
		                json_null(),
		            "error_title", res.error_title));
	}
	/* Issue 16: the channel's health (base/channel_rules). */
	if ((rc = tick_channel_health(req->app->db, &health)) != TICK_OK) {
		json_decref(data);
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	json_object_set_new(data, "health", health);
	tick_http_ok(req, 200, data, NULL);
}

void
tick_wa_api_health(struct tick_req *req)
{
	json_t *health = NULL;
	enum tick_err rc;

	if ((rc = tick_channel_health(req->app->db, &health)) != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, 200, health, NULL);
}

static const struct tick_field simulate_fields[] = {
	{ "phone", TICK_FIELD_PHONE, 1, 0, 0, NULL },
	{ "name", TICK_FIELD_TEXT, 0, 1, 100, NULL },
	{ "text", TICK_FIELD_LONGTEXT, 1, 1, TICK_MAX_WA_TEXT, NULL },
};

void
tick_wa_api_simulate(struct tick_req *req)
{
	const struct tick_config *cfg = &req->app->cfg;
	json_t *body = tick_http_json_body(req), *errors = NULL,
	       *payload = NULL;
	struct tick_ingest_summary sum;
	struct tick_wa_batch batch;
	unsigned char rnd[12];
	char digits[16], wamid[64], ts[24], err[256], *raw = NULL;
	const char *name;
	enum tick_err rc;

	memset(&batch, 0, sizeof(batch));
	if (body == NULL)
		return;
	if (tick_valid_fields(body, simulate_fields, 3, &errors) != TICK_OK) {
		tick_http_invalid(req, "phone and text are required", errors);
		goto out;
	}
	tick_valid_phone(json_string_value(json_object_get(body, "phone")),
	    digits);
	name = json_string_value(json_object_get(body, "name"));
	if (tick_crypto_random(rnd, sizeof(rnd)) != 0) {
		tick_http_fail(req, 500, TICK_ESYS, NULL, NULL, NULL);
		goto out;
	}
	memcpy(wamid, "wamid.SIM", 9);
	tick_crypto_hex(rnd, sizeof(rnd), wamid + 9);
	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	/* Exactly what Meta would post, through exactly the webhook's path. */
	payload =
	    json_pack("{s:s, s:[{s:s, s:[{s:s, s:{s:s, s:{s:s, s:s}, s:[{s:{s:s}, s:s}],"
	              " s:[{s:s, s:s, s:s, s:s, s:{s:s}}]}}]}]}",
	        "object", "whatsapp_business_account", "entry", "id",
	        "simulated", "changes", "field", "messages", "value",
	        "messaging_product", "whatsapp", "metadata",
	        "display_phone_number", "simulated", "phone_number_id",
	        tick_config_get(cfg, TICK_CFG_WA_PHONE_NUMBER_ID) ?
	            tick_config_get(cfg, TICK_CFG_WA_PHONE_NUMBER_ID) :
	            "0",
	        "contacts", "profile", "name", name ? name : "", "wa_id",
	        digits, "messages", "from", digits, "id", wamid, "timestamp",
	        ts, "type", "text", "text", "body",
	        json_string_value(json_object_get(body, "text")));
	if (payload == NULL ||
	    (raw = json_dumps(payload, JSON_COMPACT)) == NULL) {
		tick_http_fail(req, 500, TICK_ENOMEM, NULL, NULL, NULL);
		goto out;
	}
	if ((rc = tick_wa_parse_webhook(raw, strlen(raw), &batch, err,
	         sizeof(err))) != TICK_OK ||
	    (rc = tick_ingest_webhook(req->app, &batch, raw, strlen(raw),
	         req->remote_addr, 0, &sum)) != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	(void)tick_audit_req(req, "whatsapp.simulate", "phone", 0,
	    json_pack("{s:s, s:s}", "phone", digits, "wamid", wamid));
	{
		struct tick_ticket_ref t;

		if (tick_ticket_find_open(req->app->db, digits, 0, &t) !=
		    TICK_OK)
			memset(&t, 0, sizeof(t));
		tick_http_ok(req, 201,
		    json_pack("{s:s, s:I, s:i, s:i, s:i, s:i, s:o, s:o}",
		        "wamid", wamid, "event_id", (json_int_t)sum.event_id,
		        "tickets_created", sum.tickets_created, "replies",
		        sum.replies, "notices_sent", sum.notices_sent,
		        "status_queries", sum.status_queries, "ticket_id",
		        t.id ? json_integer((json_int_t)t.id) : json_null(),
		        "reference",
		        t.id ? json_string(t.reference) : json_null()),
		    "simulated message received");
	}
out:
	tick_wa_batch_free(&batch);
	free(raw);
	json_decref(payload);
	json_decref(body);
}

void
tick_wa_api_identity_conflicts(struct tick_req *req)
{
	char status[8] = "open";
	json_t *items = NULL;
	long long total = 0;
	enum tick_err rc;

	rc = tick_http_query_get(req->query, "status", status, sizeof(status));
	if (rc == TICK_ENOTFOUND)
		strcpy(status, "open");
	if ((rc != TICK_OK && rc != TICK_ENOTFOUND) ||
	    (strcmp(status, "open") != 0 && strcmp(status, "all") != 0)) {
		tick_http_invalid(req, "status is invalid",
		    json_pack("{s:s}", "status", "must be open or all"));
		return;
	}
	if ((rc = tick_identity_conflicts_list(req->app->db,
	         strcmp(status, "all") == 0, &items, &total)) != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, 200,
	    json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total),
	    NULL);
}
