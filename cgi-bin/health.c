/* The health responder; its routes are in src/routes.c. */
#include "routes.h"
#include "serve.h"

int
main(int argc, char **argv)
{
	return tick_serve_main(argc, argv, &tick_routes_health);
}
