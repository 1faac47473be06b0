#include <string.h>

#include "app.h"
#include "config.h"
#include "crypto.h"
#include "ingest.h"
#include "bounds.h"
#include "log.h"
#include "routes.h"
#include "wa.h"

/* Meta's subscription handshake: echo hub.challenge when the token matches. */
void
tick_webhook_verify(struct tick_req *req)
{
	const char *want = tick_config_get(&req->app->cfg,
	    TICK_CFG_WA_VERIFY_TOKEN);
	char mode[32], token[512], challenge[256];

	if (want == NULL ||
	    tick_http_query_get(req->query, "hub.mode", mode, sizeof(mode)) !=
	        TICK_OK ||
	    tick_http_query_get(req->query, "hub.verify_token", token,
	        sizeof(token)) != TICK_OK ||
	    tick_http_query_get(req->query, "hub.challenge", challenge,
	        sizeof(challenge)) != TICK_OK ||
	    strcmp(mode, "subscribe") != 0 || challenge[0] == '\0' ||
	    !tick_crypto_equal(token, strlen(token), want, strlen(want))) {
		tick_http_fail(req, 403, TICK_EFORBIDDEN, "verification_failed",
		    "hub.mode, hub.verify_token or hub.challenge is wrong",
		    NULL);
		return;
	}
	for (const char *c = challenge; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			tick_http_fail(req, 403, TICK_EFORBIDDEN,
			    "verification_failed",
			    "hub.challenge has control characters", NULL);
			return;
		}
	tick_http_text(req, 200, "text/plain; charset=utf-8", challenge,
	    strlen(challenge));
}

/* What the webhook did with a notification, for Meta's logs and ours. */
static json_t *
summary(const struct tick_ingest_summary *sum, size_t skipped)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "event_id",
	    json_integer((json_int_t)sum->event_id));
	json_object_set_new(o, "messages", json_integer(sum->messages));
	json_object_set_new(o, "duplicates", json_integer(sum->duplicates));
	json_object_set_new(o, "ignored", json_integer(sum->ignored));
	json_object_set_new(o, "failed", json_integer(sum->failed));
	json_object_set_new(o, "tickets_created",
	    json_integer(sum->tickets_created));
	json_object_set_new(o, "replies", json_integer(sum->replies));
	json_object_set_new(o, "statuses", json_integer(sum->statuses));
	json_object_set_new(o, "notices_sent", json_integer(sum->notices_sent));
	json_object_set_new(o, "notices_failed",
	    json_integer(sum->notices_failed));
	json_object_set_new(o, "status_queries",
	    json_integer(sum->status_queries));
	json_object_set_new(o, "media_stored", json_integer(sum->media_stored));
	json_object_set_new(o, "media_pending",
	    json_integer(sum->media_pending));
	json_object_set_new(o, "skipped", json_integer((json_int_t)skipped));
	return o;
}

void
tick_webhook_notify(struct tick_req *req)
{
	const char *secret = tick_config_get(&req->app->cfg,
	    TICK_CFG_WA_APP_SECRET);
	struct tick_ingest_summary sum;
	struct tick_wa_batch batch;
	enum tick_err rc;
	char err[256];
	json_t *data;

	memset(&batch, 0, sizeof(batch));
	/* Without the app secret anyone could post as Meta: refused, unless
	 * unsigned posts were asked for (local trials only). */
	if (secret == NULL &&
	    tick_config_num(&req->app->cfg, TICK_CFG_WEBHOOK_UNSIGNED) != 1) {
		tick_http_fail(req, 503, TICK_ECONFIG,
		    "signature_not_configured",
		    "WHATSAPP_APP_SECRET is not set, so webhook posts cannot be "
		    "verified and are refused; set it (or TICK_WEBHOOK_UNSIGNED=1 "
		    "for local trials only)",
		    NULL);
		return;
	}
	/* The signature covers the exact bytes: check it before parsing. */
	if (secret != NULL &&
	    tick_wa_check_signature(secret,
	        tick_http_param(req, "HTTP_X_HUB_SIGNATURE_256"), req->body,
	        req->body_len) != TICK_OK) {
		tick_http_fail(req, 401, TICK_EUNAUTH, "invalid_signature",
		    "X-Hub-Signature-256 is missing or does not match the body",
		    NULL);
		return;
	}
	rc = tick_wa_parse_webhook(req->body, req->body_len, &batch, err,
	    sizeof(err));
	if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc,
		    rc == TICK_EINVAL ? "invalid_json" : NULL, err, NULL);
		goto out;
	}
	rc = tick_ingest_webhook(req->app, &batch, req->body, req->body_len,
	    req->remote_addr, secret != NULL, &sum);
	if (rc != TICK_OK) {
		/* Anything but 200 makes Meta deliver again later. */
		tick_http_fail(req, 503, rc, NULL,
		    "could not store the notification; deliver it again", NULL);
		goto out;
	}
	data = summary(&sum, batch.skipped);
	tick_http_ok(req, 200, data,
	    batch.foreign_object ?
	        "not a WhatsApp notification; stored and ignored" :
	        NULL);
out:
	tick_wa_batch_free(&batch);
}
