/* The reports responder: figures, the ticket report and its exports;
 * routes in src/api/routes_reports.c. */
#include "routes.h"
#include "serve.h"

int
main(int argc, char **argv)
{
	return tick_serve_main(argc, argv, &tick_routes_reports);
}
