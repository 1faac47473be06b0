#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "db.h"
#include "wa_template_rules.h"
#include "valid.h"

#include "wa_templates.h"

enum tpl_stmt {
	TPL_UPSERT,
	TPL_NOW,
	TPL_PRUNE,
	TPL_DELETE,
	TPL_GET,
	TPL_STATUS,
	TPL_CATEGORY,
	TPL_QUALITY,
	TPL_COUNT,
	TPL_LIST,
	TPL_STMT__MAX
};

#define ISO(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%fZ')"
/* The row named by Meta's id, or else by name and language. */
#define TPL_WHO                                                             \
	" WHERE (? IS NOT NULL AND meta_id = ?) OR (? IS NULL AND name = ?" \
	" AND language = ?)"
#define TPL_FILTER                                                 \
	" FROM whatsapp_templates WHERE (? IS NULL OR status = ?)" \
	" AND (? IS NULL OR category = ?) AND (? IS NULL OR name LIKE ?)"

/* clang-format off */
static const char *const stmts[TPL_STMT__MAX] = {
	[TPL_UPSERT] =
	    "INSERT INTO whatsapp_templates (name, language, category, status,"
	    " quality, parameter_format, components, meta_id, reason, synced_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3))"
	    " ON DUPLICATE KEY UPDATE category = VALUES(category),"
	    " status = VALUES(status), quality = VALUES(quality),"
	    " parameter_format = VALUES(parameter_format),"
	    " components = VALUES(components),"
	    " meta_id = COALESCE(VALUES(meta_id), meta_id),"
	    " reason = VALUES(reason), synced_at = NOW(3)",
	[TPL_NOW] = "SELECT DATE_FORMAT(NOW(3), '%Y-%m-%d %H:%i:%s.%f')",
	[TPL_PRUNE] =
	    "DELETE FROM whatsapp_templates WHERE synced_at IS NULL"
	    " OR synced_at < ?",
	[TPL_DELETE] = "DELETE FROM whatsapp_templates WHERE name = ?",
	[TPL_GET] =
	    "SELECT name, language, category, status, COALESCE(quality, ''),"
	    " parameter_format, COALESCE(meta_id, ''), components"
	    " FROM whatsapp_templates WHERE name = ? AND language = ?",
	[TPL_STATUS] =
	    "UPDATE whatsapp_templates SET status = ?, reason = ?" TPL_WHO,
	[TPL_CATEGORY] =
	    "UPDATE whatsapp_templates SET category = ?" TPL_WHO,
	[TPL_QUALITY] =
	    "UPDATE whatsapp_templates SET quality = ?" TPL_WHO,
	[TPL_COUNT] = "SELECT COUNT(*)" TPL_FILTER,
	[TPL_LIST] =
	    "SELECT id, name, language, category, status, quality,"
	    " parameter_format, components, meta_id, reason,"
	    " " ISO("synced_at") ", " ISO("updated_at") TPL_FILTER
	    " ORDER BY name, language LIMIT 1000",
};
/* clang-format on */

enum tick_err
tick_template_upsert(struct tick_db *db, const struct tick_wa_tpl *t)
{
	char *comps = json_dumps(t->components, JSON_COMPACT);
	struct tick_q q;
	enum tick_err rc;

	if (comps == NULL)
		return TICK_ENOMEM;
	/* What tick reads back must fit its buffers. */
	if (strlen(comps) > TICK_MAX_OUTBOUND_PAYLOAD) {
		free(comps);
		return TICK_ETOOBIG;
	}
	tick_q_init(&q, db, stmts[TPL_UPSERT]);
	tick_q_str(&q, t->name, (size_t)-1);
	tick_q_str(&q, t->language, (size_t)-1);
	tick_q_str(&q, t->category, (size_t)-1);
	tick_q_str(&q, t->status, (size_t)-1);
	tick_q_opt_str(&q, t->quality);
	tick_q_str(&q, t->parameter_format, (size_t)-1);
	tick_q_str(&q, comps, (size_t)-1);
	tick_q_opt_str(&q, t->meta_id);
	tick_q_opt_str(&q, t->reason);
	rc = tick_q_run(&q);
	free(comps);
	return rc;
}

enum tick_err
tick_template_now(struct tick_db *db, char now[32])
{
	struct tick_q q;

	now[0] = '\0';
	tick_q_init(&q, db, stmts[TPL_NOW]);
	tick_q_out_str(&q, now, 32);
	return tick_q_one(&q);
}

enum tick_err
tick_template_prune(struct tick_db *db, const char *since, long long *n)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TPL_PRUNE]);
	tick_q_str(&q, since, (size_t)-1);
	return tick_q_count(&q, n);
}

enum tick_err
tick_template_delete(struct tick_db *db, const char *name, long long *n)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[TPL_DELETE]);
	tick_q_str(&q, name, (size_t)-1);
	return tick_q_count(&q, n);
}

enum tick_err
tick_template_get(struct tick_db *db, const char *name, const char *lang,
    struct tick_wa_tpl *t, json_t **components)
{
	static char comps[TICK_MAX_OUTBOUND_PAYLOAD * 4];
	struct tick_q q;
	enum tick_err rc;

	*components = NULL;
	memset(t, 0, sizeof(*t));
	tick_q_init(&q, db, stmts[TPL_GET]);
	tick_q_str(&q, name, (size_t)-1);
	tick_q_str(&q, lang, (size_t)-1);
	tick_q_out_str(&q, t->name, sizeof(t->name));
	tick_q_out_str(&q, t->language, sizeof(t->language));
	tick_q_out_str(&q, t->category, sizeof(t->category));
	tick_q_out_str(&q, t->status, sizeof(t->status));
	tick_q_out_str(&q, t->quality, sizeof(t->quality));
	tick_q_out_str(&q, t->parameter_format, sizeof(t->parameter_format));
	tick_q_out_str(&q, t->meta_id, sizeof(t->meta_id));
	tick_q_out_str(&q, comps, sizeof(comps));
	if ((rc = tick_q_one(&q)) != TICK_OK)
		return rc;
	if ((*components = json_loads(comps, 0, NULL)) == NULL ||
	    !json_is_array(*components)) {
		json_decref(*components);
		*components = NULL;
		return TICK_EDB;
	}
	t->components = *components;
	return TICK_OK;
}

enum tick_err
tick_template_apply_event(struct tick_db *db,
    const struct tick_wa_tpl_event *ev, long long *n)
{
	char reason[TICK_TPL_REASON_BUF] = "";
	struct tick_q q;

	*n = 0;
	if (ev->status != NULL) {
		tick_q_init(&q, db, stmts[TPL_STATUS]);
		tick_q_str(&q, ev->status, (size_t)-1);
		if (ev->reason != NULL)
			(void)tick_valid_utf8_cut(ev->reason,
			    strlen(ev->reason), 255, reason, sizeof(reason));
		tick_q_opt_str(&q, reason);
	} else if (ev->category != NULL) {
		tick_q_init(&q, db, stmts[TPL_CATEGORY]);
		tick_q_str(&q, ev->category, (size_t)-1);
	} else if (ev->quality != NULL) {
		tick_q_init(&q, db, stmts[TPL_QUALITY]);
		tick_q_str(&q, ev->quality, (size_t)-1);
	} else
		return TICK_EINVAL;
	tick_q_str(&q, ev->meta_id, (size_t)-1);
	tick_q_str(&q, ev->meta_id, (size_t)-1);
	tick_q_str(&q, ev->meta_id, (size_t)-1);
	tick_q_str(&q, ev->name, (size_t)-1);
	tick_q_str(&q, ev->language, (size_t)-1);
	return tick_q_count(&q, n);
}

/* Binds the list's filters (TPL_FILTER). */
static void
bind_filter(struct tick_q *q, const char *status, const char *category,
    const char *like)
{
	tick_q_str(q, status, (size_t)-1);
	tick_q_str(q, status, (size_t)-1);
	tick_q_str(q, category, (size_t)-1);
	tick_q_str(q, category, (size_t)-1);
	tick_q_str(q, like, (size_t)-1);
	tick_q_str(q, like, (size_t)-1);
}

static json_t *
opt(const struct tick_q *q, int col, const char *s)
{
	return tick_q_isnull(q, col) ? json_null() : json_string(s);
}

enum tick_err
tick_template_list(struct tick_db *db, const char *status, const char *category,
    const char *q, json_t **items, long long *total)
{
	static char comps[TICK_MAX_OUTBOUND_PAYLOAD * 4];
	char name[TICK_TPL_NAME_MAX + 1], lang[TICK_TPL_LANG_MAX + 1];
	char cat[33], st[33], quality[17], fmt[17], meta[65];
	char reason[TICK_TPL_REASON_BUF], synced[32], updated[32];
	char like[2 * TICK_TPL_NAME_MAX + 3];
	long long id = 0;
	struct tick_q sq;
	enum tick_err rc;
	json_t *arr;
	int r;

	*items = NULL;
	*total = 0;
	if (q != NULL &&
	    tick_like_pattern(q, 1, 1, like, sizeof(like)) != TICK_OK)
		return TICK_EINVAL;
	tick_q_init(&sq, db, stmts[TPL_COUNT]);
	bind_filter(&sq, status, category, q ? like : NULL);
	tick_q_out_int(&sq, total);
	if ((rc = tick_q_one(&sq)) != TICK_OK)
		return rc;
	if ((arr = json_array()) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&sq, db, stmts[TPL_LIST]);
	bind_filter(&sq, status, category, q ? like : NULL);
	tick_q_out_int(&sq, &id);
	tick_q_out_str(&sq, name, sizeof(name));
	tick_q_out_str(&sq, lang, sizeof(lang));
	tick_q_out_str(&sq, cat, sizeof(cat));
	tick_q_out_str(&sq, st, sizeof(st));
	tick_q_out_str(&sq, quality, sizeof(quality));
	tick_q_out_str(&sq, fmt, sizeof(fmt));
	tick_q_out_str(&sq, comps, sizeof(comps));
	tick_q_out_str(&sq, meta, sizeof(meta));
	tick_q_out_str(&sq, reason, sizeof(reason));
	tick_q_out_str(&sq, synced, sizeof(synced));
	tick_q_out_str(&sq, updated, sizeof(updated));
	rc = tick_q_exec(&sq);
	while (rc == TICK_OK && (r = tick_q_fetch(&sq)) != 0) {
		json_t *c, *o;

		if (r < 0) {
			rc = TICK_EDB;
			break;
		}
		if ((c = json_loads(comps, 0, NULL)) == NULL)
			c = json_array();
		o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:o,"
		              " s:o, s:o, s:s}",
		    "id", (json_int_t)id, "name", name, "language", lang,
		    "category", cat, "status", st, "quality",
		    opt(&sq, 5, quality), "parameter_format", fmt, "components",
		    c, "meta_id", opt(&sq, 8, meta), "reason",
		    opt(&sq, 9, reason), "synced_at", opt(&sq, 10, synced),
		    "updated_at", updated);
		if (o == NULL || json_array_append_new(arr, o) != 0)
			rc = TICK_ENOMEM;
	}
	tick_q_done(&sq);
	if (rc != TICK_OK) {
		json_decref(arr);
		return rc;
	}
	*items = arr;
	return TICK_OK;
}
