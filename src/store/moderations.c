#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "moderations.h"

#define STR_(x) #x
#define STR(x) STR_(x)

enum mod_stmt {
	MD_ADD,
	MD_DUE,
	MD_CLAIM,
	MD_LOAD,
	MD_DONE,
	MD_RETRY,
	MD_FAIL,
	MD_OF,
	MD_FLAGGED,
	MD_REVIEW,
	MD_IDENTITY,
	MD_ADD_IMAGE,
	MD_LOAD_IMAGE,
	MD_SKIP,
	MD_OF_IMAGE,
	MD_SUGGESTION,
	MD_NOTICED,
	MD_NOTICE,
	MD_STMT__MAX
};

/* clang-format off */
static const char *const stmts[MD_STMT__MAX] = {
	[MD_ADD] =
	    "INSERT IGNORE INTO message_moderation (message_id, ticket_id,"
	    " provider, model, next_attempt_at) VALUES (?, ?, ?, ?, NOW(3))",
	[MD_DUE] =
	    "SELECT message_id, kind = 'image' FROM message_moderation"
	    " WHERE state = 'pending'"
	    " AND next_attempt_at <= NOW(3) ORDER BY next_attempt_at LIMIT ?",
	[MD_CLAIM] =
	    "UPDATE message_moderation SET attempts = attempts + 1,"
	    " next_attempt_at = NOW(3) + INTERVAL "
	    STR(TICK_MODERATION_LEASE) " SECOND"
	    " WHERE message_id = ? AND kind = ? AND state = 'pending'"
	    " AND next_attempt_at <= NOW(3)",
	[MD_LOAD] =
	    "SELECT mm.attempts, COALESCE(t.anonymous, 0), COALESCE(w.body, ''),"
	    " COALESCE(mm.ticket_id, 0)"
	    " FROM message_moderation mm"
	    " JOIN whatsapp_messages w ON w.id = mm.message_id"
	    " LEFT JOIN tickets t ON t.id = w.ticket_id"
	    " WHERE mm.message_id = ? AND mm.kind = 'text'",
	[MD_DONE] =
	    "UPDATE message_moderation SET state = 'done', provider = ?,"
	    " model = ?, flagged = ?, categories = ?, suggestion = ?,"
	    " latency_ms = ?, error = ?, next_attempt_at = NULL, image = NULL"
	    " WHERE message_id = ? AND kind = ?",
	[MD_RETRY] =
	    "UPDATE message_moderation SET error = ?, latency_ms = ?,"
	    " next_attempt_at = NOW(3) + INTERVAL ? SECOND"
	    " WHERE message_id = ? AND kind = ? AND state = 'pending'",
	[MD_FAIL] =
	    "UPDATE message_moderation SET state = 'failed', error = ?,"
	    " latency_ms = ?, next_attempt_at = NULL, image = NULL"
	    " WHERE message_id = ? AND kind = ? AND state = 'pending'",
	[MD_OF] =
	    "SELECT state, flagged, COALESCE(categories, 'null'),"
	    " COALESCE(suggestion, 'null'), COALESCE(review, ''),"
	    " COALESCE(error, '') FROM message_moderation WHERE message_id = ?"
	    " AND kind = 'text'",
	[MD_FLAGGED] =
	    "SELECT COUNT(*) FROM message_moderation mm"
	    " WHERE mm.ticket_id = ? AND mm.flagged = 1"
	    " AND (mm.review IS NULL OR mm.review <> 'cleared')",
	[MD_REVIEW] =
	    "UPDATE message_moderation SET review = ?, reviewed_by = ?,"
	    " reviewed_at = NOW(3)"
	    " WHERE message_id = ? AND ticket_id = ? AND flagged = 1",
	/* Who the customer is, so that nothing of it reaches a provider. */
	[MD_IDENTITY] =
	    "SELECT COALESCE(t.name, ''), COALESCE(t.mobile, ''),"
	    " COALESCE(c.profile_name, ''), COALESCE(c.wa_id, ''),"
	    " t.anonymous FROM tickets t"
	    " LEFT JOIN whatsapp_contacts c ON c.id = t.contact_id"
	    " WHERE t.id = ?",
	/* A photo: its bytes kept until the check is over; or skipped at
	 * once, with why. */
	[MD_ADD_IMAGE] =
	    "INSERT IGNORE INTO message_moderation (message_id, kind,"
	    " ticket_id, attachment_id, provider, model, image_mime, image,"
	    " state, error, next_attempt_at) VALUES (?, 'image', ?, ?, ?, ?,"
	    " ?, ?, IF(? IS NULL, 'pending', 'skipped'), ?,"
	    " IF(? IS NULL, NOW(3), NULL))",
	[MD_LOAD_IMAGE] =
	    "SELECT mm.attempts, COALESCE(t.anonymous, 0),"
	    " COALESCE(mm.image_mime, ''),"
	    " IF(LENGTH(mm.image) <= ?, mm.image, NULL),"
	    " COALESCE(LENGTH(mm.image), 0), COALESCE(mm.ticket_id, 0)"
	    " FROM message_moderation mm"
	    " LEFT JOIN tickets t ON t.id = mm.ticket_id"
	    " WHERE mm.message_id = ? AND mm.kind = 'image'",
	[MD_SKIP] =
	    "UPDATE message_moderation SET state = 'skipped', error = ?,"
	    " next_attempt_at = NULL, image = NULL"
	    " WHERE message_id = ? AND kind = ? AND state = 'pending'",
	[MD_OF_IMAGE] =
	    "SELECT state, flagged, COALESCE(categories, 'null'),"
	    " COALESCE(review, ''), COALESCE(error, '')"
	    " FROM message_moderation WHERE message_id = ? AND kind = 'image'",
	/* The newest suggestion the model made for the ticket's texts. */
	[MD_SUGGESTION] =
	    "SELECT suggestion FROM message_moderation"
	    " WHERE ticket_id = ? AND kind = 'text' AND state = 'done'"
	    " AND suggestion IS NOT NULL AND JSON_TYPE(suggestion) = 'OBJECT'"
	    " ORDER BY message_id DESC LIMIT 1",
	/* TEXT_MODERATION_NOTICE: once per ticket. */
	[MD_NOTICED] =
	    "SELECT COUNT(*) FROM message_moderation"
	    " WHERE ticket_id = ? AND notice_sent = 1",
	[MD_NOTICE] =
	    "UPDATE message_moderation SET notice_sent = 1"
	    " WHERE message_id = ? AND kind = ?",
};
/* clang-format on */

/* The longest stored answer JSON read back (bytes). */
#define JSON_MAX 4096

enum tick_err
tick_moderation_add(struct tick_db *db, long long message_id,
    long long ticket_id, const char *provider, const char *model)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[MD_ADD]);
	tick_q_int(&q, message_id);
	tick_q_opt_int(&q, ticket_id);
	tick_q_str(&q, provider, (size_t)-1);
	tick_q_str(&q, model, (size_t)-1);
	return tick_q_run(&q);
}

enum tick_err
tick_moderation_add_image(struct tick_db *db, long long message_id,
    long long ticket_id, long long attachment_id, const char *provider,
    const char *model, const char *mime, const void *data, size_t len,
    const char *skip)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[MD_ADD_IMAGE]);
	tick_q_int(&q, message_id);
	tick_q_opt_int(&q, ticket_id);
	tick_q_opt_int(&q, attachment_id);
	tick_q_str(&q, provider, (size_t)-1);
	tick_q_str(&q, model, (size_t)-1);
	tick_q_opt_str(&q, mime);
	if (skip == NULL && data != NULL)
		tick_q_blob(&q, data, len);
	else
		tick_q_opt_str(&q, NULL);
	tick_q_opt_str(&q, skip);
	tick_q_opt_str(&q, skip);
	tick_q_opt_str(&q, skip);
	return tick_q_run(&q);
}

enum tick_err
tick_moderation_due(struct tick_db *db, long long *ids, int *images, size_t max,
    size_t *n)
{
	struct tick_q q;
	enum tick_err rc;
	long long id, image;
	int f;

	*n = 0;
	tick_q_init(&q, db, stmts[MD_DUE]);
	tick_q_int(&q, (long long)max);
	tick_q_out_int(&q, &id);
	tick_q_out_int(&q, &image);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && *n < max && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		images[*n] = image != 0;
		ids[(*n)++] = id;
	}
	tick_q_done(&q);
	return rc;
}

static const char *
kind_of(int image)
{
	return image ? "image" : "text";
}

/* Loads a claimed photo check: its bytes (at most max). */
static enum tick_err
load_image(struct tick_db *db, long long message_id, size_t max,
    struct tick_moderation_job *job)
{
	long long anon = 0, total = 0;
	struct tick_q q;
	enum tick_err rc;
	int r;

	if ((job->image = malloc(max + 1)) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[MD_LOAD_IMAGE]);
	/* Bytes over max (the cap lowered since) are not read: a skip. */
	tick_q_int(&q, (long long)max);
	tick_q_int(&q, message_id);
	tick_q_out_int(&q, &job->attempts);
	tick_q_out_int(&q, &anon);
	tick_q_out_str(&q, job->image_mime, sizeof(job->image_mime));
	tick_q_out_str(&q, job->image, max + 1);
	tick_q_out_int(&q, &total);
	tick_q_out_int(&q, &job->ticket_id);
	if ((rc = tick_q_exec(&q)) == TICK_OK) {
		r = tick_q_fetch(&q);
		rc = r == 1 ? TICK_OK : r == 0 ? TICK_ENOTFOUND : TICK_EDB;
		if (r == 1) {
			job->anonymous = anon != 0;
			/* NULL: none left, or over max (then its length). */
			if (tick_q_isnull(&q, 3))
				job->image_len = total > (long long)max ?
				    (size_t)total :
				    0;
			else
				job->image_len = tick_q_outlen(&q, 3);
		}
	}
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_moderation_claim(struct tick_db *db, long long message_id, int image,
    size_t max_image, struct tick_moderation_job *job)
{
	/* A message body is TEXT: at most 65535 bytes. */
	char *body = NULL;
	long long anon = 0;
	struct tick_q q;
	enum tick_err rc;

	memset(job, 0, sizeof(*job));
	tick_q_init(&q, db, stmts[MD_CLAIM]);
	tick_q_int(&q, message_id);
	tick_q_str(&q, kind_of(image), (size_t)-1);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_affected(&q) == 0)
		rc = TICK_ECONFLICT;
	tick_q_done(&q);
	if (rc != TICK_OK)
		return rc;
	job->message_id = message_id;
	job->image_check = image;
	if (image)
		return load_image(db, message_id, max_image, job);
	if ((body = malloc(65536)) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[MD_LOAD]);
	tick_q_int(&q, message_id);
	tick_q_out_int(&q, &job->attempts);
	tick_q_out_int(&q, &anon);
	tick_q_out_str(&q, body, 65536);
	tick_q_out_int(&q, &job->ticket_id);
	if ((rc = tick_q_one(&q)) == TICK_OK) {
		job->anonymous = anon != 0;
		if ((job->text = strdup(body)) == NULL)
			rc = TICK_ENOMEM;
	}
	free(body);
	return rc;
}

void
tick_moderation_job_clear(struct tick_moderation_job *job)
{
	free(job->text);
	free(job->image);
	job->text = NULL;
	job->image = NULL;
}

/* A JSON value as text (a new string) or NULL for none. */
static char *
dump(const json_t *j)
{
	return j != NULL ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
}

enum tick_err
tick_moderation_done(struct tick_db *db, long long message_id, int image,
    const char *provider, const char *model, int flagged,
    const json_t *categories, const json_t *suggestion, long long latency_ms,
    const char *note)
{
	char *c = dump(categories), *s = dump(suggestion);
	struct tick_q q;
	enum tick_err rc = TICK_ENOMEM;

	if ((categories != NULL && c == NULL) ||
	    (suggestion != NULL && s == NULL))
		goto out;
	tick_q_init(&q, db, stmts[MD_DONE]);
	tick_q_str(&q, provider, (size_t)-1);
	tick_q_str(&q, model, (size_t)-1);
	tick_q_int(&q, flagged ? 1 : 0);
	tick_q_opt_str(&q, c);
	tick_q_opt_str(&q, s);
	tick_q_int(&q, latency_ms);
	tick_q_opt_str(&q, note);
	tick_q_int(&q, message_id);
	tick_q_str(&q, kind_of(image), (size_t)-1);
	rc = tick_q_run(&q);
out:
	free(c);
	free(s);
	return rc;
}

enum tick_err
tick_moderation_retry(struct tick_db *db, long long message_id, int image,
    const char *error, long long latency_ms, long long delay_s)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[MD_RETRY]);
	tick_q_str(&q, error, (size_t)-1);
	tick_q_int(&q, latency_ms);
	tick_q_int(&q, delay_s);
	tick_q_int(&q, message_id);
	tick_q_str(&q, kind_of(image), (size_t)-1);
	return tick_q_run(&q);
}

enum tick_err
tick_moderation_fail(struct tick_db *db, long long message_id, int image,
    const char *error, long long latency_ms)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[MD_FAIL]);
	tick_q_str(&q, error, (size_t)-1);
	tick_q_int(&q, latency_ms);
	tick_q_int(&q, message_id);
	tick_q_str(&q, kind_of(image), (size_t)-1);
	return tick_q_run(&q);
}

enum tick_err
tick_moderation_skip(struct tick_db *db, long long message_id, int image,
    const char *why)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[MD_SKIP]);
	tick_q_str(&q, why, (size_t)-1);
	tick_q_int(&q, message_id);
	tick_q_str(&q, kind_of(image), (size_t)-1);
	return tick_q_run(&q);
}

enum tick_err
tick_moderation_of_image(struct tick_db *db, long long message_id, json_t **out)
{
	char state[16], cats[JSON_MAX], review[16], err[256];
	long long flagged = 0;
	struct tick_q q;
	enum tick_err rc;

	*out = NULL;
	tick_q_init(&q, db, stmts[MD_OF_IMAGE]);
	tick_q_int(&q, message_id);
	tick_q_out_str(&q, state, sizeof(state));
	tick_q_out_int(&q, &flagged);
	tick_q_out_str(&q, cats, sizeof(cats));
	tick_q_out_str(&q, review, sizeof(review));
	tick_q_out_str(&q, err, sizeof(err));
	rc = tick_q_one(&q);
	if (rc == TICK_ENOTFOUND)
		return TICK_OK;
	if (rc != TICK_OK)
		return rc;
	*out = json_pack("{s:s, s:b, s:o, s:s?, s:s?}", "state", state,
	    "flagged", flagged && strcmp(review, "cleared") != 0, "categories",
	    json_loads(cats, JSON_DECODE_ANY, NULL), "review",
	    review[0] ? review : NULL, "error", err[0] ? err : NULL);
	return *out != NULL ? TICK_OK : TICK_ENOMEM;
}

enum tick_err
tick_moderation_of(struct tick_db *db, long long message_id, json_t **out)
{
	char state[16], cats[JSON_MAX], sug[JSON_MAX], review[16], err[256];
	long long flagged = 0;
	struct tick_q q;
	enum tick_err rc;

	*out = NULL;
	tick_q_init(&q, db, stmts[MD_OF]);
	tick_q_int(&q, message_id);
	tick_q_out_str(&q, state, sizeof(state));
	tick_q_out_int(&q, &flagged);
	tick_q_out_str(&q, cats, sizeof(cats));
	tick_q_out_str(&q, sug, sizeof(sug));
	tick_q_out_str(&q, review, sizeof(review));
	tick_q_out_str(&q, err, sizeof(err));
	rc = tick_q_one(&q);
	if (rc == TICK_ENOTFOUND)
		return TICK_OK;
	if (rc != TICK_OK)
		return rc;
	/* A flagged message an agent cleared is no longer flagged. */
	*out = json_pack("{s:s, s:b, s:o, s:o, s:s?, s:s?}", "state", state,
	    "flagged", flagged && strcmp(review, "cleared") != 0, "categories",
	    json_loads(cats, JSON_DECODE_ANY, NULL), "suggestion",
	    json_loads(sug, JSON_DECODE_ANY, NULL), "review",
	    review[0] ? review : NULL, "error", err[0] ? err : NULL);
	return *out != NULL ? TICK_OK : TICK_ENOMEM;
}

enum tick_err
tick_moderation_ticket_flagged(struct tick_db *db, long long ticket_id,
    int *flagged)
{
	struct tick_q q;
	long long n = 0;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[MD_FLAGGED]);
	tick_q_int(&q, ticket_id);
	tick_q_out_int(&q, &n);
	rc = tick_q_one(&q);
	*flagged = rc == TICK_OK && n > 0;
	return rc;
}

enum tick_err
tick_moderation_review(struct tick_db *db, long long ticket_id,
    long long message_id, const char *review, long long user_id)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[MD_REVIEW]);
	tick_q_str(&q, review, (size_t)-1);
	tick_q_int(&q, user_id);
	tick_q_int(&q, message_id);
	tick_q_int(&q, ticket_id);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_affected(&q) == 0)
		rc = TICK_ENOTFOUND;
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_moderation_identity(struct tick_db *db, long long ticket_id,
    struct tick_moderation_identity *who)
{
	struct tick_q q;
	long long anon = 0;
	enum tick_err rc;

	memset(who, 0, sizeof(*who));
	tick_q_init(&q, db, stmts[MD_IDENTITY]);
	tick_q_int(&q, ticket_id);
	tick_q_out_str(&q, who->name, sizeof(who->name));
	tick_q_out_str(&q, who->mobile, sizeof(who->mobile));
	tick_q_out_str(&q, who->profile_name, sizeof(who->profile_name));
	tick_q_out_str(&q, who->wa_id, sizeof(who->wa_id));
	tick_q_out_int(&q, &anon);
	rc = tick_q_one(&q);
	who->anonymous = anon != 0;
	return rc;
}

enum tick_err
tick_moderation_suggestion(struct tick_db *db, long long ticket_id,
    json_t **out)
{
	char sug[JSON_MAX];
	struct tick_q q;
	enum tick_err rc;

	*out = NULL;
	tick_q_init(&q, db, stmts[MD_SUGGESTION]);
	tick_q_int(&q, ticket_id);
	tick_q_out_str(&q, sug, sizeof(sug));
	rc = tick_q_one(&q);
	if (rc == TICK_ENOTFOUND)
		return TICK_OK;
	if (rc != TICK_OK)
		return rc;
	*out = json_loads(sug, 0, NULL);
	return TICK_OK;
}

enum tick_err
tick_moderation_noticed(struct tick_db *db, long long ticket_id, int *sent)
{
	struct tick_q q;
	long long n = 0;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[MD_NOTICED]);
	tick_q_int(&q, ticket_id);
	tick_q_out_int(&q, &n);
	rc = tick_q_one(&q);
	*sent = rc == TICK_OK && n > 0;
	return rc;
}

enum tick_err
tick_moderation_notice_sent(struct tick_db *db, long long message_id, int image)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[MD_NOTICE]);
	tick_q_int(&q, message_id);
	tick_q_str(&q, kind_of(image), (size_t)-1);
	return tick_q_run(&q);
}
