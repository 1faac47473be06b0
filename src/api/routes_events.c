/* Routes of the events responder: the panel's live stream. Each responder
 * links only its own table and the handlers it names. */
#include "events_api.h"
#include "routes.h"
#include "session.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct tick_route events[] = {
	{ "GET", "/api/events", tick_events_stream, 0, TICK_PERM_TICKETS_READ },
};
const struct tick_routes tick_routes_events = { "events", events, N(events),
	tick_session_request };
