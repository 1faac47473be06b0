#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "app.h"
#include "b64.h"
#include "bounds.h"
#include "cld.h"
#include "crypto.h"
#include "db.h"
#include "events.h"
#include "log.h"
#include "media.h"
#include "moderation.h"
#include "net.h"
#include "notify.h"
#include "outbox.h"
#include "texts.h"
#include "tickets.h"
#include "wa.h"

enum media_stmt {
	MD_ADD,
	MD_ADD_UPLOAD,
	MD_REPLY_TEXT,
	MD_LINK_REPLY,
	MD_LOAD,
	MD_DEFER,
	MD_STORED,
	MD_TICKET_ATTACHMENT,
	MD_FAILED,
	MD_DUE,
	MD_CLAIM,
	MD_RETRY_NOW,
	MD_PENDING,
	MD_STMT__MAX
};

static const char *const stmts[MD_STMT__MAX] = {
	[MD_ADD] =
	    "INSERT INTO attachments (ticket_id, message_id, direction, media_id,"
	    " mime_type, file_name, sha256, state, next_attempt_at)"
	    " VALUES (?, ?, 'in', ?, ?, ?, ?, 'pending', " TICK_OUTBOX_LEASE_SQL
	    ")",
	[MD_ADD_UPLOAD] =
	    "INSERT INTO attachments (ticket_id, reply_id, direction, mime_type,"
	    " file_name, bytes, content, state, next_attempt_at)"
	    " VALUES (?, ?, IF(? > 0, 'out', 'in'), ?, ?, ?, ?, 'pending', " TICK_OUTBOX_LEASE_SQL
	    ")",
	[MD_REPLY_TEXT] = "SELECT message FROM replies WHERE id = ?",
	[MD_LINK_REPLY] = "UPDATE replies SET message_id = ? WHERE id = ?",
	[MD_LOAD] =
	    "SELECT COALESCE(a.media_id, ''), a.mime_type, a.sha256, a.file_name,"
	    " a.attempts, COALESCE(a.ticket_id, 0), COALESCE(t.reference, ''),"
	    " COALESCE(t.mobile, ''), COALESCE(t.contact_id, 0), a.direction,"
	    " COALESCE(a.reply_id, 0), a.content, COALESCE(a.message_id, 0)"
	    " FROM attachments a LEFT JOIN tickets t ON t.id = a.ticket_id"
	    " WHERE a.id = ? AND a.state = 'pending'",
	[MD_DEFER] = "UPDATE attachments SET next_attempt_at = NOW(3),"
	             " error = ? WHERE id = ?",
	[MD_STORED] =
	    "UPDATE attachments SET state = 'stored', public_id = ?, secure_url = ?,"
	    " bytes = ?, mime_type = COALESCE(mime_type, ?), error = NULL,"
	    " content = NULL, attempts = attempts + 1, next_attempt_at = NULL"
	    " WHERE id = ?",
	/* The tick system's columns show a ticket's first attachment. */
	[MD_TICKET_ATTACHMENT] =
	    "UPDATE tickets SET attachment_name = COALESCE(attachment_name, ?),"
	    " attachment_type = COALESCE(attachment_type, ?) WHERE id = ?",
	[MD_FAILED] =
	    "UPDATE attachments SET state = IF(?, 'pending', 'failed'), error = ?,"
	    " attempts = attempts + 1,"
	    " next_attempt_at = IF(?, NOW(3) + INTERVAL ? SECOND, NULL) WHERE id = ?",
	[MD_DUE] =
	    "SELECT id FROM attachments WHERE state = 'pending'"
	    " AND next_attempt_at <= NOW(3) ORDER BY next_attempt_at LIMIT ?",
	[MD_CLAIM] =
	    "UPDATE attachments SET next_attempt_at = " TICK_OUTBOX_LEASE_SQL
	    " WHERE id = ? AND state = 'pending' AND next_attempt_at <= NOW(3)",
	[MD_RETRY_NOW] =
	    "UPDATE attachments SET state = 'pending',"
	    " next_attempt_at = NOW(3) - INTERVAL 1 SECOND"
	    " WHERE id = ? AND ticket_id = ? AND state IN ('failed', 'pending')",
	/* The metrics: files not yet on Cloudinary (due or waiting). */
	[MD_PENDING] =
	    "SELECT COUNT(*) FROM attachments WHERE state = 'pending'",
};

int
tick_media_sha256_matches(const char *expected, const void *data, size_t len)
{
	unsigned char want[TICK_SHA256_LEN], got[TICK_SHA256_LEN];
	unsigned char *dec = NULL;
	unsigned int n = 0;
	size_t dlen = 0;

	if (expected == NULL)
		return -1;
	if (tick_crypto_unhex(expected, strlen(expected), want, sizeof(want)) !=
	    0) {
		/* Not hex: base64 of the 32 bytes, then. */
		if (tick_b64_decode(expected, strlen(expected), &dec, &dlen) !=
		        TICK_OK ||
		    dlen != sizeof(want)) {
			free(dec);
			return -1;
		}
		memcpy(want, dec, sizeof(want));
		free(dec);
	}
	if (!EVP_Digest(data, len, got, &n, EVP_sha256(), NULL))
		return -1;
	return tick_crypto_equal(want, sizeof(want), got, sizeof(got));
}

enum tick_err
tick_media_outbound_type(const char *mime, size_t size, long long max,
    const char **wa_type)
{
	static const struct {
		const char *mime, *type;
		size_t limit;
	} kinds[] = {
		{ "image/jpeg", "image", 5u << 20 },
		{ "image/png", "image", 5u << 20 },
		{ "image/webp", "sticker", 100u << 10 },
		{ "audio/aac", "audio", 16u << 20 },
		{ "audio/amr", "audio", 16u << 20 },
		{ "audio/mpeg", "audio", 16u << 20 },
		{ "audio/mp4", "audio", 16u << 20 },
		{ "audio/ogg", "audio", 16u << 20 },
		{ "video/mp4", "video", 16u << 20 },
		{ "video/3gpp", "video", 16u << 20 },
		{ "application/pdf", "document", 100u << 20 },
		{ "application/msword", "document", 100u << 20 },
		{ "application/vnd.ms-excel", "document", 100u << 20 },
		{ "application/vnd.ms-powerpoint", "document", 100u << 20 },
		{ "application/vnd.openxmlformats-officedocument.", "document",
		    100u << 20 },
		{ "text/plain", "document", 100u << 20 },
		{ "text/csv", "document", 100u << 20 },
	};
	size_t n;

	*wa_type = NULL;
	if (mime == NULL)
		return TICK_EINVAL;
	/* Parameters such as "; codecs=opus" do not change the type. */
	n = strcspn(mime, ";");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t k = strlen(kinds[i].mime);
		int prefix = kinds[i].mime[k - 1] == '.';

		if ((prefix && n > k && strncmp(mime, kinds[i].mime, k) == 0) ||
		    (!prefix && n == k &&
		        strncmp(mime, kinds[i].mime, k) == 0)) {
			*wa_type = kinds[i].type;
			if (size > kinds[i].limit || (long long)size > max)
				return TICK_ETOOBIG;
			return TICK_OK;
		}
	}
	return TICK_EINVAL;
}

enum tick_err
tick_media_add_upload(struct tick_db *db, long long ticket_id,
    long long reply_id, const char *name, const char *mime, const void *data,
    size_t len, long long *id)
{
	struct tick_q q;
	enum tick_err rc;

	*id = 0;
	tick_q_init(&q, db, stmts[MD_ADD_UPLOAD]);
	tick_q_opt_int(&q, ticket_id);
	tick_q_opt_int(&q, reply_id);
	tick_q_int(&q, reply_id);
	tick_q_str(&q, mime, strnlen(mime, 128));
	tick_q_str(&q, name, name ? strnlen(name, 255) : 0);
	tick_q_int(&q, (long long)len);
	tick_q_blob(&q, data, len);
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_media_add_inbound(struct tick_db *db, long long ticket_id,
    long long message_id, const struct tick_wa_msg *m, long long *id)
{
	struct tick_q q;
	enum tick_err rc;

	*id = 0;
	tick_q_init(&q, db, stmts[MD_ADD]);
	tick_q_opt_int(&q, ticket_id);
	tick_q_int(&q, message_id);
	tick_q_str(&q, m->media_id, strnlen(m->media_id, 64));
	tick_q_str(&q, m->mime_type,
	    m->mime_type ? strnlen(m->mime_type, 128) : 0);
	tick_q_str(&q, m->filename,
	    m->filename ? strnlen(m->filename, 255) : 0);
	tick_q_str(&q, m->sha256, m->sha256 ? strnlen(m->sha256, 128) : 0);
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	return rc;
}

/* The row being worked on. */
struct pending {
	char media_id[65], mime[129], sha256[129], name[256], ref[33],
	    mobile[16], direction[4];
	long long attempts, ticket_id, contact_id, reply_id, message_id;
	char *content; /* owned; the bytes when they were given to tick */
	size_t content_len;
};

static enum tick_err
load(struct tick_db *db, long long id, long long max, struct pending *p)
{
	struct tick_q q;
	enum tick_err rc;
	int r;

	memset(p, 0, sizeof(*p));
	if ((p->content = malloc((size_t)max + 1)) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[MD_LOAD]);
	tick_q_int(&q, id);
	tick_q_out_str(&q, p->media_id, sizeof(p->media_id));
	tick_q_out_str(&q, p->mime, sizeof(p->mime));
	tick_q_out_str(&q, p->sha256, sizeof(p->sha256));
	tick_q_out_str(&q, p->name, sizeof(p->name));
	tick_q_out_int(&q, &p->attempts);
	tick_q_out_int(&q, &p->ticket_id);
	tick_q_out_str(&q, p->ref, sizeof(p->ref));
	tick_q_out_str(&q, p->mobile, sizeof(p->mobile));
	tick_q_out_int(&q, &p->contact_id);
	tick_q_out_str(&q, p->direction, sizeof(p->direction));
	tick_q_out_int(&q, &p->reply_id);
	tick_q_out_str(&q, p->content, (size_t)max + 1);
	tick_q_out_int(&q, &p->message_id);
	if ((rc = tick_q_exec(&q)) == TICK_OK) {
		r = tick_q_fetch(&q);
		rc = r == 1 ? TICK_OK : r == 0 ? TICK_ENOTFOUND : TICK_EDB;
		if (r == 1 && tick_q_isnull(&q, 11)) {
			free(p->content);
			p->content = NULL;
		} else if (r == 1)
			p->content_len = tick_q_outlen(&q, 11);
	}
	tick_q_done(&q);
	return rc;
}

static enum tick_err
run2(struct tick_db *db, enum media_stmt s, const char *a, long long id)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[s]);
	tick_q_str(&q, a, (size_t)-1);
	tick_q_int(&q, id);
	rc = tick_q_exec(&q);
	tick_q_done(&q);
	return rc;
}

/* Records a failure; a permanent one caused by the file itself is told
 * to the customer. */
static void
fail(struct tick_app *app, long long id, const struct pending *p,
    const char *why, int retry, int tell)
{
	long long max = tick_config_num(&app->cfg,
	    TICK_CFG_OUTBOX_MAX_ATTEMPTS);
	struct tick_outbox_list l = { .n = 0 };
	struct tick_db *db = app->db;
	int again = retry && p->attempts + 1 < max;
	long long out_id;
	struct tick_q q;
	enum tick_err rc;

	tick_log_warn("media %lld: %s", id, why);
	if ((rc = tick_db_begin(db)) != TICK_OK)
		return;
	tick_q_init(&q, db, stmts[MD_FAILED]);
	tick_q_int(&q, again);
	tick_q_str(&q, why, strnlen(why, 255));
	tick_q_int(&q, again);
	tick_q_int(&q, tick_wa_backoff(p->attempts + 1));
	tick_q_int(&q, id);
	rc = tick_q_exec(&q);
	tick_q_done(&q);
	if (rc == TICK_OK && p->ticket_id)
		rc = tick_events_emit(db, TICK_EV_MESSAGE_STATUS, p->ticket_id);
	if (rc == TICK_OK && tell && !again && p->mobile[0] != '\0') {
		struct tick_text_vars v = { p->ref, NULL, NULL,
			p->name[0]     ? p->name :
			    p->mime[0] ? p->mime :
			                 "file" };
		char text[TICK_MAX_WA_TEXT + 1];

		if (tick_text_render(&app->cfg, TICK_TEXT_MEDIA_FAILED, &v,
		        text, sizeof(text)) == TICK_OK)
			rc = tick_outbox_add_text(db, p->ticket_id,
			    p->contact_id, 0, p->mobile, text, &out_id, &l);
	}
	if (rc == TICK_OK && (rc = tick_db_commit(db)) == TICK_OK) {
		int down = 0, sent = 0, failed = 0;

		tick_outbox_send_list(app, &l, &down, &sent, &failed);
		return;
	}
	tick_db_rollback(db);
	tick_outbox_list_clear(&l);
}

/* Kept: recorded, and a customer's photo (data, len) goes to its safety
 * check in the same transaction. */
static enum tick_err
stored(struct tick_app *app, long long id, const struct pending *p,
    const struct tick_cld_result *res, const char *mime, const void *data,
    size_t len)
{
	struct tick_db *db = app->db;
	enum tick_err rc;
	struct tick_q q;

	if ((rc = tick_db_begin(db)) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[MD_STORED]);
	tick_q_str(&q, res->public_id, (size_t)-1);
	tick_q_str(&q, res->secure_url, (size_t)-1);
	tick_q_int(&q, res->bytes);
	tick_q_str(&q, mime[0] ? mime : NULL, strnlen(mime, 128));
	tick_q_int(&q, id);
	rc = tick_q_exec(&q);
	tick_q_done(&q);
	if (rc == TICK_OK && p->ticket_id) {
		tick_q_init(&q, db, stmts[MD_TICKET_ATTACHMENT]);
		tick_q_str(&q, p->name[0] ? p->name : res->public_id,
		    (size_t)-1);
		tick_q_str(&q, mime[0] ? mime : NULL, strnlen(mime, 100));
		tick_q_int(&q, p->ticket_id);
		rc = tick_q_exec(&q);
		tick_q_done(&q);
	}
	if (rc == TICK_OK && strcmp(p->direction, "in") == 0 &&
	    p->message_id > 0)
		rc = tick_moderation_enqueue_image(app, p->message_id,
		    p->ticket_id, id, mime, data, len);
	if (rc == TICK_OK && p->ticket_id)
		rc = tick_events_emit(db, TICK_EV_MESSAGE_STATUS, p->ticket_id);
	if (rc == TICK_OK)
		return tick_db_commit(db);
	tick_db_rollback(db);
	return rc;
}

/* Meta answered 131047 to the file (and its text apart): the 24 hours ran
 * out after all, so both wait for the customer and the template goes, as
 * for a text reply. */
static void
reopen_if_closed(struct tick_app *app, const struct tick_ticket *tk,
    long long file_id, long long text_id)
{
	long long ids[2] = { file_id, text_id }, code = 0, tpl_id = 0;
	int failed = 0, closed = 0, tpl_failed = 0;

	for (size_t i = 0; i < 2; i++) {
		if (ids[i] > 0 &&
		    tick_outbox_failure(app->db, ids[i], tk->id, &failed,
		        &code) == TICK_OK &&
		    failed && code == 131047)
			closed = 1;
		else
			ids[i] = 0;
	}
	if (closed &&
	    tick_outbox_reopen(app, tk->id, tk->contact_id, tk->address, ids, 2,
	        &tpl_id, &tpl_failed) != TICK_OK)
		tick_log_warn("%s: ticket %lld: could not hold the file for the "
		              "template",
		    __func__, tk->id);
}

/*
 * An agent's file is on Cloudinary: send it to the customer by link, with
 * the reply's text as caption (or after it, for audio and stickers), by
 * the 24-hour window's rules.
 */
static void
send_outgoing(struct tick_app *app, const struct pending *p, const char *link,
    const char *mime)
{
	const char *tmpl = tick_config_get(&app->cfg,
	    TICK_CFG_WA_TEMPLATE_NAME);
	struct tick_outbox_list l = { .n = 0 };
	struct tick_db *db = app->db;
	char text[TICK_MAX_WA_TEXT * 4 + 1], *payload = NULL;
	const char *type = "document";
	long long out_id = 0, tpl_id = 0, text_id = 0;
	struct tick_ticket tk;
	struct tick_notify_plan plan;
	enum tick_err rc;
	struct tick_q q;
	int held, r;

	(void)tick_media_outbound_type(mime, 0, 1LL << 40, &type);
	if ((rc = tick_db_begin(db)) != TICK_OK)
		return;
	if ((rc = tick_ticket_lock(db, NULL, p->ticket_id, &tk)) != TICK_OK)
		goto out;
	text[0] = '\0';
	tick_q_init(&q, db, stmts[MD_REPLY_TEXT]);
	tick_q_int(&q, p->reply_id);
	tick_q_out_str(&q, text, sizeof(text));
	if ((rc = tick_q_exec(&q)) == TICK_OK && (r = tick_q_fetch(&q)) != 1)
		text[0] = '\0';
	tick_q_done(&q);
	{
		struct tick_notify_case c = { .kind = TICK_NOTIFY_FILE,
			.whatsapp_enabled = tk.whatsapp_enabled,
			.has_recipient = tk.address[0] != '\0',
			.window_open = tk.window_open,
			.template_set = tmpl != NULL,
			.wa_type = type,
			.has_text = text[0] != '\0' };

		plan = tick_notify_plan(&c);
	}
	if (plan.action == TICK_NOTIFY_SKIP)
		goto out;
	/* The reply route refused a file outside the window without a
	 * template; one that closed since is tried, and Meta decides. */
	held = plan.action == TICK_NOTIFY_HOLD;
	payload = tick_wa_media_payload(tk.address, type, link, text,
	    p->name[0] ? p->name : NULL);
	rc = payload == NULL ? TICK_ENOMEM :
	                       tick_outbox_add(db, tk.id, tk.contact_id,
	                           p->reply_id, type, text[0] ? text : type,
	                           payload, held, &out_id, held ? NULL : &l);
	/* No caption on audio and stickers: the text follows on its own. */
	if (rc == TICK_OK && plan.text_apart) {
		char *t = tick_wa_text_payload(tk.address, text);

		rc = t == NULL ?
		    TICK_ENOMEM :
		    tick_outbox_add(db, tk.id, tk.contact_id, 0, "text", text,
		        t, held, &text_id, held ? NULL : &l);
		free(t);
	}
	if (rc == TICK_OK && held)
		rc = tick_outbox_add_template(app, tk.id, tk.contact_id,
		    tk.address, &tpl_id, &l);
	if (rc == TICK_OK) {
		tick_q_init(&q, db, stmts[MD_LINK_REPLY]);
		tick_q_int(&q, out_id);
		tick_q_int(&q, p->reply_id);
		rc = tick_q_exec(&q);
		tick_q_done(&q);
	}
	if (rc == TICK_OK && (rc = tick_db_commit(db)) == TICK_OK) {
		int down = 0, sent = 0, failed = 0;

		free(payload);
		tick_outbox_send_list(app, &l, &down, &sent, &failed);
		if (failed > 0 && !held && tmpl != NULL)
			reopen_if_closed(app, &tk, out_id, text_id);
		return;
	}
out:
	free(payload);
	tick_db_rollback(db);
	tick_outbox_list_clear(&l);
}

/* The request's budget is spent or host's breaker is open: the
 * attachment stays pending, due at once for the outbox. */
static enum tick_err
held_back(struct tick_app *app, long long id, const char *host)
{
	char why[160];

	snprintf(why, sizeof(why), "left to the outbox: %s %s", host,
	    tick_net_budget_left() == 0 ?
	        "not tried, the request's time ran out" :
	        "failing (breaker open)");
	run2(app->db, MD_DEFER, why, id);
	return TICK_EUPSTREAM;
}

enum tick_err
tick_media_fetch(struct tick_app *app, long long id, int defer)
{
	long long max = tick_config_num(&app->cfg, TICK_CFG_MAX_FILE_SIZE);
	struct tick_cld_result up;
	struct tick_wa_result res;
	struct tick_wa_media info;
	char folder[300], public_id[64], why[400];
	const char *mime;
	char *data = NULL;
	size_t len = 0;
	struct pending p;
	enum tick_err rc;
	int ok;

	if ((rc = load(app->db, id, max, &p)) != TICK_OK) {
		free(p.content);
		return rc;
	}
	if (p.content != NULL) {
		/* Given to tick: no Graph API to ask. */
		data = p.content;
		len = p.content_len;
		p.content = NULL;
		mime = p.mime;
		goto upload;
	}
	if (defer) {
		run2(app->db, MD_DEFER,
		    "left to the outbox after an earlier failure", id);
		return TICK_EUPSTREAM;
	}
	if (!tick_config_cld_ready(&app->cfg)) {
		fail(app, id, &p,
		    "Cloudinary is not configured (CLOUDINARY_URL): kept pending",
		    1, 0);
		return TICK_ECONFIG;
	}
	if (!tick_outbox_gate(app, TICK_OUTBOX_HOST_GRAPH))
		return held_back(app, id, "Graph API");
	rc = tick_wa_media_info(app->wa, p.media_id, &info, &res);
	tick_outbox_gate_record(app, TICK_OUTBOX_HOST_GRAPH,
	    tick_outbox_host_failed(rc, res.http_status));
	if (rc != TICK_OK) {
		/* A media id Meta no longer knows will never come back. */
		int gone = res.http_status == 404 || res.error_code == 100;

		snprintf(why, sizeof(why), "Graph API media lookup: %s",
		    res.error_title);
		fail(app, id, &p, why, !gone, 0);
		return rc;
	}
	if (info.file_size > max) {
		snprintf(why, sizeof(why),
		    "file of %lld bytes is larger than %lld", info.file_size,
		    max);
		fail(app, id, &p, why, 0, 1);
		return TICK_ETOOBIG;
	}
	if (!tick_outbox_gate(app, TICK_OUTBOX_HOST_MEDIA))
		return held_back(app, id, "media download");
	rc = tick_wa_media_download(app->wa, info.url, (size_t)max, &data, &len,
	    &res);
	tick_outbox_gate_record(app, TICK_OUTBOX_HOST_MEDIA,
	    tick_outbox_host_failed(rc, res.http_status));
	if (rc != TICK_OK) {
		int big = strstr(res.error_title, "larger than allowed") !=
		    NULL;

		snprintf(why, sizeof(why), "%s%s",
		    big ? "file larger than MAX_FILE_SIZE: " :
		          "media download: ",
		    res.error_title);
		fail(app, id, &p, why, !big && res.retryable, big);
		return rc;
	}
	ok = tick_media_sha256_matches(p.sha256[0] ? p.sha256 : info.sha256,
	    data, len);
	if (ok == 0) {
		fail(app, id, &p,
		    "checksum mismatch: the file is not what was sent", 0, 1);
		free(data);
		return TICK_EINVAL;
	}
	mime = p.mime[0] ? p.mime : info.mime_type;
upload:
	if (defer) {
		free(data);
		run2(app->db, MD_DEFER,
		    "left to the outbox after an earlier failure", id);
		return TICK_EUPSTREAM;
	}
	if (!tick_config_cld_ready(&app->cfg)) {
		free(data);
		fail(app, id, &p,
		    "Cloudinary is not configured (CLOUDINARY_URL): kept pending",
		    1, 0);
		return TICK_ECONFIG;
	}
	snprintf(folder, sizeof(folder), "%s/%s",
	    tick_config_get(&app->cfg, TICK_CFG_CLOUDINARY_FOLDER),
	    p.ref[0] ? p.ref : "unassigned");
	snprintf(public_id, sizeof(public_id), "%s_%lld",
	    strcmp(p.direction, "out") == 0 ? "out" : "wa", id);
	if (!tick_outbox_gate(app, TICK_OUTBOX_HOST_CLOUDINARY)) {
		free(data);
		return held_back(app, id, "Cloudinary");
	}
	rc = tick_cld_upload(&app->cfg, data, len,
	    p.name[0] ? p.name : public_id, mime, folder, public_id, &up);
	tick_outbox_gate_record(app, TICK_OUTBOX_HOST_CLOUDINARY,
	    tick_outbox_host_failed(rc, up.http_status));
	if (rc != TICK_OK) {
		free(data);
		/* Rate limits, 5xx and bad credentials (fixed later) retry. */
		fail(app, id, &p, up.error,
		    up.retryable || up.http_status == 401 ||
		        up.http_status == 403,
		    0);
		return rc;
	}
	rc = stored(app, id, &p, &up, mime, data, len);
	free(data);
	if (rc == TICK_OK && strcmp(p.direction, "out") == 0 && p.reply_id > 0)
		send_outgoing(app, &p, up.secure_url, mime);
	return rc;
}

enum tick_err
tick_media_run(struct tick_app *app, struct tick_media_stats *st)
{
	long long batch = tick_config_num(&app->cfg, TICK_CFG_OUTBOX_BATCH);
	long long *ids, n = 0;
	enum tick_err rc;
	struct tick_q q;
	int r;

	memset(st, 0, sizeof(*st));
	if ((rc = tick_db_ids(app->db, stmts[MD_DUE], batch, &ids, &n)) !=
	    TICK_OK)
		return rc;
	for (long long i = 0; rc == TICK_OK && i < n; i++) {
		tick_q_init(&q, app->db, stmts[MD_CLAIM]);
		tick_q_int(&q, ids[i]);
		rc = tick_q_exec(&q);
		r = rc == TICK_OK && tick_q_affected(&q) == 1;
		tick_q_done(&q);
		if (!r)
			continue;
		st->picked++;
		if (tick_media_fetch(app, ids[i], 0) == TICK_OK)
			st->stored++;
		else
			st->failed++;
	}
	free(ids);
	return rc;
}

enum tick_err
tick_media_retry_now(struct tick_db *db, long long id, long long ticket_id,
    int *due)
{
	struct tick_q q;
	enum tick_err rc;
	long long n;

	tick_q_init(&q, db, stmts[MD_RETRY_NOW]);
	tick_q_int(&q, id);
	tick_q_int(&q, ticket_id);
	rc = tick_q_count(&q, &n);
	*due = n == 1;
	return rc;
}

/* Where an agent's file stands after its upload, and the message that
 * carries it. */
json_t *
tick_media_reply_file_json(struct tick_db *db, long long attachment,
    long long reply_id)
{
	static const char *const sql =
	    "SELECT a.state, a.secure_url, a.error, m.status, m.wamid,"
	    " m.error_code, m.error_title FROM attachments a LEFT JOIN replies r"
	    " ON r.id = ? LEFT JOIN whatsapp_messages m ON m.id = r.message_id"
	    " WHERE a.id = ?";
	char state[10] = "", url[TICK_COL_BUF(1024)] = "",
	     err[TICK_COL_BUF(255)] = "", st[16] = "",
	     wamid[TICK_COL_BUF(TICK_MAX_WAMID)] = "",
	     title[TICK_COL_BUF(255)] = "";
	long long code = 0;
	json_t *out = NULL;
	struct tick_q q;

	tick_q_init(&q, db, sql);
	tick_q_int(&q, reply_id);
	tick_q_int(&q, attachment);
	tick_q_out_str(&q, state, sizeof(state));
	tick_q_out_str(&q, url, sizeof(url));
	tick_q_out_str(&q, err, sizeof(err));
	tick_q_out_str(&q, st, sizeof(st));
	tick_q_out_str(&q, wamid, sizeof(wamid));
	tick_q_out_int(&q, &code);
	tick_q_out_str(&q, title, sizeof(title));
	if (tick_q_exec(&q) == TICK_OK && tick_q_fetch(&q) == 1)
		out =
		    json_pack("{s:{s:I, s:s, s:o, s:o}, s:{s:s, s:o, s:o, s:o}}",
		        "attachment", "id", (json_int_t)attachment, "state",
		        state, "secure_url",
		        url[0] ? json_string(url) : json_null(), "error",
		        err[0] ? json_string(err) : json_null(), "whatsapp",
		        "status", st[0] ? st : "pending", "wamid",
		        wamid[0] ? json_string(wamid) : json_null(),
		        "error_code",
		        code ? json_integer((json_int_t)code) : json_null(),
		        "error_title",
		        title[0] ? json_string(title) : json_null());
	tick_q_done(&q);
	return out;
}

enum tick_err
tick_media_pending(struct tick_db *db, long long *n)
{
	struct tick_q q;

	*n = 0;
	tick_q_init(&q, db, stmts[MD_PENDING]);
	tick_q_out_int(&q, n);
	return tick_q_one(&q);
}
