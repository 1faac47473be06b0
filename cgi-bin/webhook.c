/* The WhatsApp webhook responder: GET and POST /api/whatsapp/webhook. */
#include "routes.h"
#include "serve.h"

int
main(int argc, char **argv)
{
	return tick_serve_main(argc, argv, "webhook", tick_routes_webhook,
	    tick_routes_webhook_count);
}
