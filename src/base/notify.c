#include <stddef.h>
#include <string.h>

#include "notify.h"

/* WhatsApp takes no caption on these: the text follows on its own. */
static int
no_caption(const char *wa_type)
{
	return wa_type != NULL &&
	    (strcmp(wa_type, "audio") == 0 || strcmp(wa_type, "sticker") == 0);
}

struct tick_notify_plan
tick_notify_plan(const struct tick_notify_case *c)
{
	struct tick_notify_plan p = { TICK_NOTIFY_SEND, NULL, 0 };

	if (!c->whatsapp_enabled || !c->has_recipient) {
		p.action = TICK_NOTIFY_SKIP;
		p.skip_reason = !c->has_recipient ? "no_mobile" :
		                                    "whatsapp_disabled";
		return p;
	}
	p.text_apart = c->kind == TICK_NOTIFY_FILE && c->has_text &&
	    no_caption(c->wa_type);
	if (c->window_open && !c->meta_closed)
		return p;
	/* Outside the window (or Meta says so): the template re-opens it and
	 * what we wanted to say waits for the customer's answer. */
	if (c->template_set) {
		p.action = TICK_NOTIFY_HOLD;
		return p;
	}
	if (c->meta_closed)
		p.action = TICK_NOTIFY_FAIL;
	else if (c->kind != TICK_NOTIFY_NOTICE)
		p.action = TICK_NOTIFY_REFUSE;
	/* A notice without a template is tried: Meta decides. */
	return p;
}

const char *
tick_notify_action_name(enum tick_notify_action a)
{
	static const char *const names[TICK_NOTIFY_ACTION__MAX] = {
		[TICK_NOTIFY_SKIP] = "skipped",
		[TICK_NOTIFY_SEND] = "send",
		[TICK_NOTIFY_HOLD] = "held",
		[TICK_NOTIFY_REFUSE] = "outside_window",
		[TICK_NOTIFY_FAIL] = "failed",
	};

	return (unsigned)a < TICK_NOTIFY_ACTION__MAX ? names[a] : "?";
}
