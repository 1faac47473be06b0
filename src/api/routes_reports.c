/* Routes of the reports responder (issue 12): figures, the ticket report
 * and its exports, in a pool of their own so a long export never holds a
 * worker the tickets need. */
#include "contacts_api.h"
#include "reports_api.h"
#include "routes.h"
#include "session.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct tick_route reports[] = {
	{ "GET", "/api/stats/dashboard", tick_reports_dashboard, 0,
	    TICK_PERM_STATS },
	{ "GET", "/api/stats/tickets", tick_reports_stats_tickets, 0,
	    TICK_PERM_STATS },
	{ "GET", "/api/analytics/overview", tick_reports_overview, 0,
	    TICK_PERM_STATS },
	{ "GET", "/api/reports/tickets", tick_reports_tickets, 0,
	    TICK_PERM_STATS },
	{ "GET", "/api/reports/export", tick_reports_export, 0,
	    TICK_PERM_STATS },
	{ "GET", "/api/tickets/:id/transcript.pdf", tick_reports_transcript, 0,
	    TICK_PERM_TICKETS_READ },
	/* Issue 13: every contact as CSV, streamed like the reports. */
	{ "GET", "/api/contacts/export", tick_contacts_export_route, 0,
	    TICK_PERM_CONTACTS_ADMIN },
};
const struct tick_routes tick_routes_reports = { "reports", reports, N(reports),
	tick_session_request };
