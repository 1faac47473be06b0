/* The events responder: GET /api/events, the panel's live stream; routes
 * in src/routes.c. */
#include "routes.h"
#include "serve.h"

int
main(int argc, char **argv)
{
	return tick_serve_main(argc, argv, &tick_routes_events);
}
