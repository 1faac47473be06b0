#include <stdlib.h>

#include "app.h"
#include "bounds.h"
#include "config.h"
#include "outbox.h"
#include "readmark.h"
#include "readmarks.h"
#include "tickets.h"
#include "wa.h"

const char *
tick_readmark_skip_name(enum tick_readmark_skip why)
{
	static const char *const names[TICK_READMARK__MAX] = {
		[TICK_READMARK_QUEUED] = "queued",
		[TICK_READMARK_OFF] = "off",
		[TICK_READMARK_NO_WA] = "no_whatsapp",
		[TICK_READMARK_WINDOW] = "outside_window",
		[TICK_READMARK_NOTHING] = "no_inbound_message",
		[TICK_READMARK_THROTTLED] = "throttled",
	};

	return (unsigned)why < TICK_READMARK__MAX ? names[why] : "unknown";
}

enum tick_err
tick_readmark_queue(struct tick_app *app, const struct tick_ticket *tk,
    int typing, struct tick_outbox_list *l, enum tick_readmark_skip *why)
{
	char wamid[TICK_COL_BUF(TICK_MAX_WAMID)], *payload;
	long long id = 0;
	enum tick_err rc;
	int ok = 0;

	*why = TICK_READMARK_OFF;
	if (tick_config_num(&app->cfg, TICK_CFG_WA_READ_RECEIPTS) == 0)
		return TICK_OK;
	*why = TICK_READMARK_NO_WA;
	if (!tk->whatsapp_enabled || tk->address[0] == '\0')
		return TICK_OK;
	/* Meta takes marks only while the conversation is open. */
	*why = TICK_READMARK_WINDOW;
	if (!tk->window_open)
		return TICK_OK;
	*why = TICK_READMARK_NOTHING;
	rc = tick_readmarks_last_inbound(app->db, tk->id, wamid, sizeof(wamid));
	if (rc == TICK_ENOTFOUND || (rc == TICK_OK && wamid[0] == '\0'))
		return TICK_OK;
	if (rc != TICK_OK)
		return rc;
	if (typing) {
		*why = TICK_READMARK_THROTTLED;
		if ((rc = tick_readmarks_typing_claim(app->db, tk->id,
		         TICK_READMARK_TYPING_S, &ok)) != TICK_OK ||
		    !ok)
			return rc;
	}
	if ((payload = tick_wa_read_payload(wamid, typing)) == NULL)
		return TICK_ENOMEM;
	rc = tick_outbox_add(app->db, 0, tk->contact_id, 0, "read",
	    typing ? "[read, typing]" : "[read]", payload, 0, &id, l);
	free(payload);
	if (rc == TICK_OK)
		*why = TICK_READMARK_QUEUED;
	return rc;
}
