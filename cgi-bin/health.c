/* The health responder: GET /api/health and GET /api/ping. */
#include "routes.h"
#include "serve.h"

int
main(int argc, char **argv)
{
	return tick_serve_main(argc, argv, "health", tick_routes_health,
	    tick_routes_health_count);
}
