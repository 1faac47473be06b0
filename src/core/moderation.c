#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ai.h"
#include "app.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "intake_flow.h"
#include "moderation.h"
#include "notices.h"
#include "outbox.h"
#include "tickets.h"
#include "provider.h"
#include "moderations.h"

/* The longest wait between two attempts (seconds). */
#define BACKOFF_MAX 3600
/* The most ids one run takes. */
#define RUN_MAX 500

long long
tick_moderation_backoff(long long attempts, long retry_after)
{
	long long d = 30;

	if (retry_after > 0)
		return retry_after < BACKOFF_MAX ? retry_after : BACKOFF_MAX;
	for (long long i = 1; i < attempts && d < BACKOFF_MAX; i++)
		d *= 2;
	return d < BACKOFF_MAX ? d : BACKOFF_MAX;
}

int
tick_moderation_captioned(const char *text)
{
	const char *end;

	if (text == NULL || text[0] != '[' ||
	    (end = strstr(text, "] ")) == NULL)
		return 0;
	for (end += 2; *end == ' '; end++)
		;
	return *end != '\0';
}

static enum tick_ai_provider
provider(const struct tick_app *app)
{
	return tick_ai_provider_from(
	    tick_config_get(&app->cfg, TICK_CFG_MODERATION_PROVIDER));
}

enum tick_err
tick_moderation_enqueue(struct tick_app *app, long long message_id,
    long long ticket_id, const char *text)
{
	enum tick_ai_provider p = provider(app);

	if (p == TICK_AI_NONE || text == NULL || *text == '\0')
		return TICK_OK;
	return tick_moderation_add(app->db, message_id, ticket_id,
	    tick_ai_provider_name(p), tick_ai_model(&app->cfg, p));
}

enum tick_err
tick_moderation_enqueue_image(struct tick_app *app, long long message_id,
    long long ticket_id, long long attachment_id, const char *mime,
    const void *data, size_t len)
{
	enum tick_ai_provider p = provider(app);
	const char *images = tick_config_get(&app->cfg,
	    TICK_CFG_MODERATION_IMAGES);
	long long max = tick_config_num(&app->cfg,
	    TICK_CFG_MODERATION_MAX_IMAGE_BYTES);
	char why[128];

	/* Only photos, and only when photos may go: MODERATION_IMAGES=0
	 * leaves no trace and sends nothing. */
	if (p == TICK_AI_NONE || (images != NULL && strcmp(images, "0") == 0) ||
	    !tick_ai_image_mime_ok(mime) || data == NULL || len == 0)
		return TICK_OK;
	if ((long long)len > max) {
		snprintf(why, sizeof(why),
		    "skipped: the photo's %zu bytes are more than "
		    "MODERATION_MAX_IMAGE_BYTES (%lld)",
		    len, max);
		return tick_moderation_add_image(app->db, message_id, ticket_id,
		    attachment_id, tick_ai_provider_name(p),
		    tick_ai_model(&app->cfg, p), mime, NULL, 0, why);
	}
	return tick_moderation_add_image(app->db, message_id, ticket_id,
	    attachment_id, tick_ai_provider_name(p),
	    tick_ai_model(&app->cfg, p), mime, data, len, NULL);
}

/* The intake's confirmation of a suggestion, sent at once (the outbox
 * finishes what does not go now). */
static enum tick_err
offer(struct tick_app *app, long long ticket_id)
{
	struct tick_outbox_list l = { .n = 0 };
	int down = 0, sent = 0, failed = 0;
	enum tick_err rc;

	if ((rc = tick_intake_suggested(app, ticket_id, &l)) != TICK_OK) {
		tick_outbox_list_clear(&l);
		return rc;
	}
	tick_outbox_send_list(app, &l, &down, &sent, &failed);
	return TICK_OK;
}

/*
 * A flagged message: TEXT_MODERATION_NOTICE to its customer, once per
 * ticket (the ticket locked, so two runs never both send it), and only
 * inside the 24-hour window: a notice about abuse never re-opens a
 * conversation with a template. Nothing when the text is empty (the
 * default).
 */
static enum tick_err
notice(struct tick_app *app, const struct tick_moderation_job *job)
{
	const char *t = tick_config_get(&app->cfg,
	    TICK_CFG_TEXT_MODERATION_NOTICE);
	struct tick_outbox_list l = { .n = 0 };
	struct tick_text_vars v = { NULL, NULL, NULL, NULL };
	struct tick_ticket tk;
	int sent = 0, down = 0, ok = 0, failed = 0;
	json_t *wa = NULL;
	enum tick_err rc;

	if (t == NULL || *t == '\0' || job->ticket_id <= 0)
		return TICK_OK;
	if ((rc = tick_db_begin(app->db)) != TICK_OK)
		return rc;
	rc = tick_ticket_lock(app->db, NULL, job->ticket_id, &tk);
	if (rc == TICK_OK)
		rc = tick_moderation_noticed(app->db, job->ticket_id, &sent);
	if (rc == TICK_OK && !sent && tk.window_open && tk.whatsapp_enabled &&
	    tk.address[0] != '\0') {
		v.ref = tk.reference;
		rc = tick_notice_queue(app, &tk, TICK_TEXT_MODERATION_NOTICE,
		    &v, &l, &wa);
		if (rc == TICK_OK)
			rc = tick_moderation_notice_sent(app->db,
			    job->message_id, job->image_check);
	}
	json_decref(wa);
	if (rc == TICK_ENOTFOUND)
		rc = TICK_OK; /* the ticket went meanwhile */
	if (rc == TICK_OK && (rc = tick_db_commit(app->db)) == TICK_OK) {
		tick_outbox_send_list(app, &l, &down, &ok, &failed);
		return TICK_OK;
	}
	tick_db_rollback(app->db);
	tick_outbox_list_clear(&l);
	return rc;
}

/* One claimed check: asks, then records what came. */
static enum tick_err
check_one(struct tick_app *app, enum tick_ai_provider p,
    const struct tick_moderation_job *job, struct tick_moderation_stats *st)
{
	const char *anon = tick_config_get(&app->cfg,
	    TICK_CFG_MODERATION_ANONYMOUS);
	long long max = tick_config_num(&app->cfg,
	    TICK_CFG_MODERATION_MAX_ATTEMPTS);
	struct tick_ai_result *r;
	json_t *cats = NULL, *sug = NULL;
	enum tick_err rc;

	int img = job->image_check;

	/* An anonymous report's text stays home when told so, and its photos
	 * unless told to send them (all). */
	if (job->anonymous && anon != NULL && strcmp(anon, "off") == 0) {
		st->failed++;
		return img ? tick_moderation_skip(app->db, job->message_id, 1,
		                 "not sent: a photo of an anonymous report "
		                 "(MODERATION_ANONYMOUS=off)") :
		             tick_moderation_fail(app->db, job->message_id, 0,
		                 "not sent: anonymous report "
		                 "(MODERATION_ANONYMOUS=off)",
		                 0);
	}
	if (img && job->anonymous &&
	    (anon == NULL || strcmp(anon, "all") != 0)) {
		st->failed++;
		return tick_moderation_skip(app->db, job->message_id, 1,
		    "not sent: a photo of an anonymous report "
		    "(MODERATION_ANONYMOUS=text)");
	}
	if (img &&
	    job->image_len > (size_t)tick_config_num(&app->cfg,
	                         TICK_CFG_MODERATION_MAX_IMAGE_BYTES)) {
		st->failed++;
		return tick_moderation_skip(app->db, job->message_id, 1,
		    "skipped: the photo is larger than "
		    "MODERATION_MAX_IMAGE_BYTES");
	}
	if (img && job->image_len == 0) {
		st->failed++;
		return tick_moderation_fail(app->db, job->message_id, 1,
		    "the photo's bytes are gone", 0);
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return TICK_ENOMEM;
	rc = img ? tick_ai_check_image(&app->cfg, p, job->image_mime,
	               job->image, job->image_len, r) :
	           tick_ai_check_text(&app->cfg, p, job->text, r);
	if (rc == TICK_EINVAL && img) {
		st->failed++;
		rc = tick_moderation_skip(app->db, job->message_id, 1,
		    "skipped: not a photo type the provider takes");
		goto out;
	}
	if (rc != TICK_OK)
		goto out;
	switch (r->outcome) {
	case TICK_AI_DONE:
		if ((cats = tick_ai_categories_json(&r->verdict)) == NULL) {
			rc = TICK_ENOMEM;
			goto out;
		}
		/* A report's suggestion comes from its texts only. */
		sug = img ? NULL : tick_ai_suggestion_json(&r->verdict);
		rc = tick_moderation_done(app->db, job->message_id, img,
		    tick_ai_provider_name(p), tick_ai_model(&app->cfg, p),
		    r->verdict.flagged, cats, sug, r->latency_ms,
		    r->verdict.blocked ? r->verdict.block_reason : NULL);
		st->done++;
		if (r->verdict.flagged)
			st->flagged++;
		/* The check is recorded: a notice or an offer that fails now
		 * is logged and stops no other check. */
		if (rc == TICK_OK && r->verdict.flagged &&
		    notice(app, job) != TICK_OK)
			tick_log_warn("%s: message %lld: the moderation notice "
			              "failed",
			    __func__, job->message_id);
		/* A report's suggestion: the guided intake may offer it. */
		if (rc == TICK_OK && !img && r->verdict.has_suggestion &&
		    job->ticket_id > 0 && offer(app, job->ticket_id) != TICK_OK)
			tick_log_warn("%s: ticket %lld: the intake's offer of "
			              "the suggestion failed",
			    __func__, job->ticket_id);
		break;
	case TICK_AI_FAILED:
		tick_log_warn("%s: message %lld: %s", __func__, job->message_id,
		    r->error);
		rc = tick_moderation_fail(app->db, job->message_id, img,
		    r->error, r->latency_ms);
		st->failed++;
		break;
	case TICK_AI_RETRY:
		tick_log_info("%s: message %lld: attempt %lld: %s", __func__,
		    job->message_id, job->attempts, r->error);
		if (job->attempts >= max) {
			rc = tick_moderation_fail(app->db, job->message_id, img,
			    r->error, r->latency_ms);
			st->failed++;
		} else {
			rc = tick_moderation_retry(app->db, job->message_id,
			    img, r->error, r->latency_ms,
			    tick_moderation_backoff(job->attempts,
			        r->retry_after));
			st->retry++;
		}
		break;
	}
out:
	json_decref(cats);
	json_decref(sug);
	free(r);
	return rc;
}

enum tick_err
tick_moderation_run(struct tick_app *app, struct tick_moderation_stats *st)
{
	enum tick_ai_provider p = provider(app);
	long long batch = tick_config_num(&app->cfg, TICK_CFG_OUTBOX_BATCH);
	long long ids[RUN_MAX];
	int images[RUN_MAX];
	size_t max_image = (size_t)tick_config_num(&app->cfg,
	    TICK_CFG_MODERATION_MAX_IMAGE_BYTES);
	size_t n = 0;
	enum tick_err rc;

	memset(st, 0, sizeof(*st));
	if (p == TICK_AI_NONE)
		return TICK_OK;
	if (batch <= 0 || batch > RUN_MAX)
		batch = RUN_MAX;
	if ((rc = tick_moderation_due(app->db, ids, images, (size_t)batch,
	         &n)) != TICK_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct tick_moderation_job job;

		rc = tick_moderation_claim(app->db, ids[i], images[i],
		    max_image, &job);
		if (rc == TICK_ECONFLICT || rc == TICK_ENOTFOUND)
			continue; /* another run has it */
		if (rc != TICK_OK)
			return rc;
		st->picked++;
		rc = check_one(app, p, &job, st);
		tick_moderation_job_clear(&job);
		if (rc != TICK_OK)
			return rc;
	}
	return TICK_OK;
}
