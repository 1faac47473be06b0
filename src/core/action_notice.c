#include <stdlib.h>
#include <string.h>

#include "action_notice.h"
#include "actions.h"
#include "app.h"
#include "bounds.h"
#include "config.h"
#include "notify.h"
#include "outbox.h"
#include "texts.h"
#include "valid.h"

enum tick_err
tick_action_notice_queue(struct tick_app *app, long long owner_id,
    const struct tick_action_notice *n, struct tick_outbox_list *l, json_t **wa)
{
	const char *tmpl = tick_config_get(&app->cfg,
	    TICK_CFG_WA_TEMPLATE_NAME);
	/* Rendered in bytes, then cut to WhatsApp's limit in characters. */
	static char text[TICK_MAX_WA_TEXT * 4 + 1],
	    cut[TICK_MAX_WA_TEXT * 4 + 1];
	struct tick_text_vars v = { n->reference, NULL, NULL, NULL };
	struct tick_text_extra x[] = { { "{description}", n->description },
		{ "{due}", n->due } };
	struct tick_action_contact c;
	struct tick_notify_case nc = { .kind = TICK_NOTIFY_NOTICE,
		.whatsapp_enabled = 1,
		.has_text = 1 };
	struct tick_notify_plan plan;
	long long id = 0, tid = 0;
	enum tick_err rc;

	*wa = NULL;
	if ((rc = tick_action_owner_contact(app->db, owner_id, &c)) != TICK_OK)
		return rc;
	nc.has_recipient = c.mobile[0] != '\0';
	nc.window_open = c.window_open;
	nc.template_set = tmpl != NULL;
	plan = tick_notify_plan(&nc);
	if (plan.action == TICK_NOTIFY_SKIP) {
		*wa = json_pack("{s:s, s:s}", "status", "skipped", "reason",
		    plan.skip_reason);
		return TICK_OK;
	}
	if ((rc = tick_text_render_with(&app->cfg, TICK_TEXT_ACTION_ASSIGNED,
	         &v, x, sizeof(x) / sizeof(x[0]), text, sizeof(text))) !=
	    TICK_OK)
		return rc;
	tick_valid_utf8_cut(text, strlen(text), TICK_MAX_WA_TEXT, cut,
	    sizeof(cut));
	/* A notice is never refused: without a template it is tried and
	 * Meta decides. */
	if (plan.action != TICK_NOTIFY_HOLD) {
		rc = tick_outbox_add_text(app->db, 0, c.contact_id, 0, c.mobile,
		    cut, &id, l);
		*wa = json_pack("{s:s, s:I, s:b}", "status", "queued", "id",
		    (json_int_t)id, "window_open", c.window_open);
		return rc;
	}
	/* Outside the window: the template re-opens it; the text is kept,
	 * held, until the owner writes to the desk. */
	rc = tick_outbox_hold_for_contact(app, c.contact_id, c.mobile, cut, &id,
	    &tid, l);
	*wa = json_pack("{s:s, s:I, s:I, s:s}", "status", "held", "id",
	    (json_int_t)id, "template_id", (json_int_t)tid, "template", tmpl);
	return rc;
}
