#include <stdio.h>
#include <string.h>

#include "app.h"
#include "bounds.h"
#include "json.h"
#include "log.h"
#include "template_flow.h"
#include "templates.h"
#include "wa_templates.h"

/* Writes the templates of one page; counts into st. */
static enum tick_err
store_page(struct tick_app *app, const json_t *data,
    struct tick_template_sync *st)
{
	struct tick_wa_tpl t;
	enum tick_err rc;
	json_t *item;
	size_t i;

	json_array_foreach (data, i, item) {
		if (tick_wa_tpl_read(item, &t) != TICK_OK) {
			st->skipped++;
			continue;
		}
		rc = tick_template_upsert(app->db, &t);
		if (rc == TICK_ETOOBIG) {
			tick_log_warn("%s: template %s (%s): components larger "
			              "than tick keeps",
			    __func__, t.name, t.language);
			st->skipped++;
			continue;
		}
		if (rc != TICK_OK)
			return rc;
		st->stored++;
	}
	return TICK_OK;
}

enum tick_err
tick_templates_sync(struct tick_app *app, struct tick_template_sync *st,
    struct tick_wa_result *res)
{
	char after[TICK_TPL_CURSOR_MAX + 1] = "", next[TICK_TPL_CURSOR_MAX + 1];
	char started[32];
	enum tick_err rc;
	json_t *data;

	memset(st, 0, sizeof(*st));
	memset(res, 0, sizeof(*res));
	if ((rc = tick_template_now(app->db, started)) != TICK_OK)
		return rc;
	for (;;) {
		if (st->pages == TICK_TPL_PAGES_MAX) {
			snprintf(res->error_title, sizeof(res->error_title),
			    "more than %d pages of templates: stopped",
			    TICK_TPL_PAGES_MAX);
			return TICK_ETOOBIG;
		}
		rc = tick_wa_tpl_list_page(app->wa, after, &data, next,
		    sizeof(next), res);
		if (rc != TICK_OK)
			return rc;
		st->pages++;
		rc = store_page(app, data, st);
		json_decref(data);
		if (rc != TICK_OK)
			return rc;
		if (next[0] == '\0')
			break;
		/* A cursor that does not move would loop forever. */
		if (strcmp(next, after) == 0) {
			snprintf(res->error_title, sizeof(res->error_title),
			    "the Graph API gave the same cursor twice");
			return TICK_EUPSTREAM;
		}
		snprintf(after, sizeof(after), "%s", next);
	}
	st->complete = 1;
	return tick_template_prune(app->db, started, &st->removed);
}

enum tick_err
tick_templates_create(struct tick_app *app, const json_t *req, json_t **row,
    struct tick_wa_result *res)
{
	json_t *answer = NULL, *copy = NULL;
	struct tick_wa_tpl t;
	enum tick_err rc;
	const char *s;

	*row = NULL;
	if ((rc = tick_wa_tpl_create(app->wa, req, &answer, res)) != TICK_OK)
		return rc;
	/* The row as Meta has it now: the request, with Meta's id, status
	 * and (perhaps corrected) category. */
	if ((copy = json_deep_copy(req)) == NULL) {
		rc = TICK_ENOMEM;
		goto out;
	}
	json_object_set(copy, "id", json_object_get(answer, "id"));
	s = tick_json_str(answer, "status");
	json_object_set_new(copy, "status", json_string(s ? s : "PENDING"));
	if ((s = tick_json_str(answer, "category")) != NULL)
		json_object_set_new(copy, "category", json_string(s));
	if ((rc = tick_wa_tpl_read(copy, &t)) != TICK_OK ||
	    (rc = tick_template_upsert(app->db, &t)) != TICK_OK)
		goto out;
	*row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:O}", "name", t.name,
	    "language", t.language, "category", t.category, "status", t.status,
	    "parameter_format", t.parameter_format, "meta_id", t.meta_id,
	    "components", t.components);
	if (*row == NULL)
		rc = TICK_ENOMEM;
out:
	json_decref(answer);
	json_decref(copy);
	return rc;
}

enum tick_err
tick_templates_delete(struct tick_app *app, const char *name, long long *n,
    struct tick_wa_result *res)
{
	enum tick_err rc;

	*n = 0;
	if ((rc = tick_wa_tpl_delete(app->wa, name, res)) != TICK_OK)
		return rc;
	return tick_template_delete(app->db, name, n);
}
