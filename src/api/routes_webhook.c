/* Routes of the webhook responder: GET and POST /api/whatsapp/webhook (also
 * /webhook). Each responder links only its own table and the handlers it
 * names. */
#include "bounds.h"
#include <stddef.h>

#include "routes.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct tick_route webhook[] = {
	{ "GET", "/api/whatsapp/webhook", tick_webhook_verify, 0,
	    TICK_PERM_PUBLIC },
	{ "POST", "/api/whatsapp/webhook", tick_webhook_notify, TICK_MAX_BODY,
	    TICK_PERM_PUBLIC },
	{ "GET", "/webhook", tick_webhook_verify, 0, TICK_PERM_PUBLIC },
	{ "POST", "/webhook", tick_webhook_notify, TICK_MAX_BODY,
	    TICK_PERM_PUBLIC },
};
const struct tick_routes tick_routes_webhook = { "webhook", webhook, N(webhook),
	NULL };
