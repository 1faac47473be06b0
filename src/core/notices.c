#include <stdlib.h>

#include "app.h"
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
