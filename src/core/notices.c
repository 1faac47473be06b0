#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db.h"
#include "log.h"
#include "valid.h"
#include "bounds.h"
#include "config.h"
#include "notices.h"
#include "notify.h"
#include "outbox.h"
#include "texts.h"
#include "tickets.h"
#include "wa.h"

enum tick_err
tick_notice_queue(struct tick_app *app, const struct tick_ticket *tk,
    enum tick_text t, const struct tick_text_vars *v,
    struct tick_outbox_list *l, json_t **wa)
{
	const char *tmpl = tick_config_get(&app->cfg,
	    TICK_CFG_WA_TEMPLATE_NAME);
	char text[TICK_MAX_WA_TEXT * 4 + 1], *payload;
	long long id = 0, tid = 0;
	struct tick_notify_case c = { .kind = TICK_NOTIFY_NOTICE,
		.whatsapp_enabled = tk->whatsapp_enabled,
		.has_recipient = tk->address[0] != '\0',
		.window_open = tk->window_open,
		.template_set = tmpl != NULL,
		.has_text = 1 };
	struct tick_notify_plan plan = tick_notify_plan(&c);
	enum tick_err rc;

	*wa = NULL;
	if (plan.action == TICK_NOTIFY_SKIP) {
		*wa = json_pack("{s:s, s:s}", "status", "skipped", "reason",
		    plan.skip_reason);
		return TICK_OK;
	}
	if ((rc = tick_text_render(&app->cfg, t, v, text, sizeof(text))) !=
	    TICK_OK)
		return rc;
	/* A notice is never refused: without a template it is tried and
	 * Meta decides. */
	if (plan.action != TICK_NOTIFY_HOLD) {
		rc = tick_outbox_add_text(app->db, tk->id, tk->contact_id, 0,
		    tk->address, text, &id, l);
		*wa = json_pack("{s:s, s:I, s:b}", "status", "queued", "id",
		    (json_int_t)id, "window_open", tk->window_open);
		return rc;
	}
	/* Outside the window: the text waits, the template re-opens it. */
	if ((payload = tick_wa_text_payload(tk->address, text)) == NULL)
		return TICK_ENOMEM;
	rc = tick_outbox_add(app->db, tk->id, tk->contact_id, 0, "text", text,
	    payload, 1, &id, NULL);
	free(payload);
	if (rc == TICK_OK)
		rc = tick_outbox_add_template(app, tk->id, tk->contact_id,
		    tk->address, &tid, l);
	*wa = json_pack("{s:s, s:I, s:I, s:s}", "status", "held", "id",
	    (json_int_t)id, "template_id", (json_int_t)tid, "template", tmpl);
	return rc;
}

/* Most tickets one run reminds. */
#define REMINDERS_MAX 200

/* Claims ticket id's reminder and queues it, in one transaction; sends it
 * after the commit. */
static enum tick_err
remind_one(struct tick_app *app, long long id, int64_t from, int64_t to,
    const char *text, long long *n)
{
	struct tick_outbox_list l = { .n = 0 };
	struct tick_ticket tk;
	long long out_id = 0;
	int claimed = 0, down = 0, sent = 0, failed = 0;
	enum tick_err rc;

	if ((rc = tick_db_begin(app->db)) != TICK_OK)
		return rc;
	if ((rc = tick_ticket_lock(app->db, NULL, id, &tk)) == TICK_OK &&
	    (rc = tick_ticket_reminder_claim(app->db, id, from, to,
	         &claimed)) == TICK_OK &&
	    claimed && tk.address[0] != '\0' && tk.whatsapp_enabled)
		rc = tick_outbox_add_text(app->db, id, tk.contact_id, 0,
		    tk.address, text, &out_id, &l);
	if (rc == TICK_OK)
		rc = tick_db_commit(app->db);
	if (rc != TICK_OK) {
		tick_db_rollback(app->db);
		tick_outbox_list_clear(&l);
		return rc == TICK_ENOTFOUND ? TICK_OK : rc;
	}
	if (out_id != 0)
		(*n)++;
	tick_outbox_send_list(app, &l, &down, &sent, &failed);
	return TICK_OK;
}

enum tick_err
tick_notices_window_reminders(struct tick_app *app, int64_t now, long long *n)
{
	const char *tmpl = tick_config_get(&app->cfg,
	    TICK_CFG_WINDOW_REMINDER_TEXT);
	char text[TICK_MAX_WA_TEXT * 4 + 1];
	long long ids[REMINDERS_MAX];
	/* 23 hours after the customer's message, and while the window is
	 * still open: after 24 hours it could not go as text anyway. */
	int64_t to = now - 23 * 3600, from = now - 24 * 3600;
	enum tick_err rc;
	size_t k = 0;

	*n = 0;
	if (tmpl == NULL || tmpl[0] == '\0')
		return TICK_OK;
	/* The text is sent as it is (no placeholders), cut to WhatsApp's. */
	tick_valid_utf8_cut(tmpl, strlen(tmpl), TICK_MAX_WA_TEXT, text,
	    sizeof(text));
	if ((rc = tick_ticket_reminders_due(app->db, from, to, ids,
	         REMINDERS_MAX, &k)) != TICK_OK)
		return rc;
	for (size_t i = 0; i < k; i++) {
		enum tick_err r = remind_one(app, ids[i], from, to, text, n);

		if (r == TICK_EDB)
			return r;
		if (r != TICK_OK)
			tick_log_warn("%s: ticket %lld: %s", __func__, ids[i],
			    tick_strerror(r));
	}
	return TICK_OK;
}
