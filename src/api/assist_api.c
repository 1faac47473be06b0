#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "app.h"
#include "assist.h"
#include "assist_api.h"
#include "audit_api.h"
#include "config.h"
#include "fields.h"
#include "http.h"
#include "json.h"
#include "ticket_args.h"

static const char *const kinds[] = { "summary", "reply", "translate", NULL };

static const struct tick_field assist_fields[] = {
	{ "kind", TICK_FIELD_ENUM, 1, 0, 0, kinds },
	{ "message_id", TICK_FIELD_ID, 0, 0, 0, NULL },
	{ "language", TICK_FIELD_TEXT, 0, 1, TICK_AI_MAX_LANGUAGE, NULL },
};

/* The outcome's word in the audit log. */
static const char *
outcome_name(const struct tick_ai_result *r)
{
	return r->outcome == TICK_AI_DONE ? "done" :
	    r->outcome == TICK_AI_FAILED  ? "failed" :
	                                    "unavailable";
}

/* Answers a provider that did not give an answer: 504 when it was too
 * slow, 503 when it is not usable now (rate-limited, out of credits, no
 * key), else 502. */
static void
unavailable(struct tick_req *req, const struct tick_assist_answer *a)
{
	const struct tick_ai_result *r = &a->result;
	int status = 502;
	char msg[TICK_AI_MAX_REASON + 64], ra[24];

	if (r->outcome == TICK_AI_RETRY && r->timed_out)
		status = 504;
	else if (r->outcome == TICK_AI_RETRY &&
	    (r->http_status == 429 || r->http_status == 402 || r->unconfigured))
		status = 503;
	if (r->retry_after > 0) {
		snprintf(ra, sizeof(ra), "%ld", r->retry_after);
		tick_http_header(req, "Retry-After", ra);
	}
	snprintf(msg, sizeof(msg), "the assistant is unavailable: %s",
	    r->error[0] != '\0' ? r->error : "no answer");
	tick_http_fail(req, status, TICK_EUPSTREAM, "assist_unavailable", msg,
	    json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "provider",
	        tick_ai_provider_name(a->provider), "model", a->model, "reason",
	        r->error, "http_status", (json_int_t)r->http_status,
	        "retry_after", (json_int_t)r->retry_after, "latency_ms",
	        (json_int_t)r->latency_ms));
}

void
tick_assist_route(struct tick_req *req)
{
	long long id = tick_ticket_route_id(req);
	struct tick_assist_answer a;
	struct tick_assist_ask ask;
	json_t *body = NULL, *errors = NULL;
	const char *kind;
	enum tick_err rc;

	memset(&a, 0, sizeof(a));
	if (id == 0)
		return;
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if (tick_valid_fields(body, assist_fields,
	        sizeof(assist_fields) / sizeof(assist_fields[0]),
	        &errors) != TICK_OK) {
		tick_http_invalid(req, "the request's fields are not valid",
		    errors);
		goto out;
	}
	memset(&ask, 0, sizeof(ask));
	kind = json_string_value(json_object_get(body, "kind"));
	ask.kind = (enum tick_ai_assist_kind)tick_ai_assist_kind_from(kind);
	ask.language = json_string_value(json_object_get(body, "language"));
	if (ask.language != NULL && *ask.language == '\0')
		ask.language = NULL;
	if (ask.language != NULL && !tick_ai_language_ok(ask.language)) {
		tick_http_invalid(req, "language is not a language name",
		    json_pack("{s:s}", "language",
		        "a language's name or code: letters, spaces and "
		        "hyphens, at most 40 characters"));
		goto out;
	}
	if (ask.kind == TICK_AI_TRANSLATE) {
		json_t *m = json_object_get(body, "message_id");

		if ((ask.message_id = tick_json_id_value(m)) <= 0) {
			tick_http_invalid(req, "translate needs a message_id",
			    json_pack("{s:s}", "message_id",
			        "the id of the ticket's message to translate "
			        "(timeline[].whatsapp.id)"));
			goto out;
		}
	}
	rc = tick_assist(req->app, id, &ask, &a);
	if (rc == TICK_ECONFLICT) {
		tick_http_fail(req, 409, rc, "assist_disabled",
		    a.provider == TICK_AI_NONE ?
		        "assistance is off: MODERATION_PROVIDER is none" :
		        "this anonymous report is not sent to the provider "
		        "(MODERATION_ANONYMOUS=off)",
		    NULL);
		goto out;
	}
	if (rc == TICK_ENOTFOUND && ask.kind == TICK_AI_TRANSLATE) {
		tick_http_invalid(req,
		    "no such message with text on the ticket",
		    json_pack("{s:s}", "message_id",
		        "not a message with text of this ticket"));
		goto out;
	}
	if (rc == TICK_ENOTFOUND) {
		tick_http_fail(req, 409, rc, "no_conversation",
		    "the ticket has no message with text yet", NULL);
		goto out;
	}
	if (rc == TICK_ECONFIG) {
		tick_http_fail(req, 503, rc, "misconfigured",
		    "ASSIST_LANGUAGE is not a language name", NULL);
		goto out;
	}
	if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	/* Who asked what of which ticket, and how it went: never the text. */
	rc = tick_audit_req(req, "ticket.assist", "ticket", id,
	    json_pack("{s:s, s:o, s:s, s:s, s:s, s:I}", "kind", kind,
	        "message_id",
	        ask.message_id ? json_integer((json_int_t)ask.message_id) :
	                         json_null(),
	        "provider", tick_ai_provider_name(a.provider), "model", a.model,
	        "outcome", outcome_name(&a.result), "latency_ms",
	        (json_int_t)a.result.latency_ms));
	if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	if (a.result.outcome != TICK_AI_DONE) {
		unavailable(req, &a);
		goto out;
	}
	tick_http_ok(req, 200,
	    json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:o}", "kind", kind,
	        "text", a.result.text, "provider",
	        tick_ai_provider_name(a.provider), "model", a.model,
	        "latency_ms", (json_int_t)a.result.latency_ms, "language",
	        a.language[0] != '\0' ? json_string(a.language) : json_null(),
	        "message_id",
	        ask.message_id ? json_integer((json_int_t)ask.message_id) :
	                         json_null()),
	    NULL);
out:
	tick_assist_answer_clear(&a);
	json_decref(body);
}

void
tick_assist_info_route(struct tick_req *req)
{
	struct tick_config *cfg = &req->app->cfg;
	enum tick_ai_provider p = tick_ai_provider_from(
	    tick_config_get(cfg, TICK_CFG_MODERATION_PROVIDER));
	const char *lang = tick_config_get(cfg, TICK_CFG_ASSIST_LANGUAGE);

	if (tick_ticket_route_id(req) == 0)
		return;
	tick_http_ok(req, 200,
	    json_pack("{s:b, s:s, s:s, s:s, s:[s,s,s]}", "enabled",
	        p != TICK_AI_NONE, "provider", tick_ai_provider_name(p),
	        "model", tick_ai_model(cfg, p), "language",
	        lang != NULL ? lang : "", "kinds", "summary", "reply",
	        "translate"),
	    NULL);
}
