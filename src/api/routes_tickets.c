/* Routes of the tickets responder: tickets, their corrective actions,
 * replies and the agents' WhatsApp routes. Each responder links only its own table and the handlers it names. */
#include "actions_api.h"
#include "bounds.h"
#include "routes.h"
#include "session.h"
#include "teams_api.h"
#include "ticket_routes.h"
#include "wa_api.h"
#include "work.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct tick_route tickets[] = {
	{ "GET", "/api/tickets", tick_tickets_list, 0, TICK_PERM_TICKETS_READ },
	{ "POST", "/api/tickets", tick_tickets_create, TICK_MAX_UPLOAD_BODY,
	    TICK_PERM_TICKETS_WORK },
	{ "GET", "/api/tickets/stats", tick_tickets_stats, 0, TICK_PERM_STATS },
	{ "GET", "/api/tickets/:id", tick_tickets_get, 0,
	    TICK_PERM_TICKETS_READ },
	{ "PUT", "/api/tickets/:id", tick_tickets_update, 0,
	    TICK_PERM_TICKETS_WORK },
	{ "DELETE", "/api/tickets/:id", tick_tickets_delete, 0,
	    TICK_PERM_TICKETS_ADMIN },
	{ "POST", "/api/tickets/:id/reveal", tick_tickets_reveal, 0,
	    TICK_PERM_TICKETS_ADMIN },
	{ "PUT", "/api/tickets/:id/status", tick_work_status, 0,
	    TICK_PERM_TICKETS_WORK },
	{ "POST", "/api/tickets/:id/assign", tick_work_assign, 0,
	    TICK_PERM_TICKETS_WORK },
	{ "POST", "/api/tickets/:id/release", tick_work_release, 0,
	    TICK_PERM_TICKETS_WORK },
	{ "POST", "/api/tickets/:id/reply", tick_work_reply,
	    TICK_MAX_UPLOAD_BODY, TICK_PERM_TICKETS_WORK },
	{ "POST", "/api/tickets/:id/close", tick_work_close, 0,
	    TICK_PERM_TICKETS_WORK },
	{ "POST", "/api/tickets/:id/notes", tick_work_note, 0,
	    TICK_PERM_TICKETS_WORK },
	{ "POST", "/api/tickets/:id/messages/:messageId/retry",
	    tick_work_retry_message, 0, TICK_PERM_TICKETS_WORK },
	{ "POST", "/api/tickets/:id/attachments/:attachmentId/retry",
	    tick_work_retry_attachment, 0, TICK_PERM_TICKETS_WORK },
	{ "GET", "/api/tickets/:id/actions", tick_actions_ticket_list, 0,
	    TICK_PERM_TICKETS_READ },
	{ "POST", "/api/tickets/:id/actions", tick_actions_create, 0,
	    TICK_PERM_TICKETS_WORK },
	{ "PUT", "/api/tickets/:id/actions/:actionId", tick_actions_update, 0,
	    TICK_PERM_TICKETS_WORK },
	{ "POST", "/api/tickets/:id/actions/:actionId/close",
	    tick_actions_close, TICK_MAX_UPLOAD_BODY, TICK_PERM_TICKETS_WORK },
	{ "GET", "/api/actions", tick_actions_list, 0, TICK_PERM_TICKETS_READ },
	/* Issue 13: teams, availability, transfer, tags. */
	{ "POST", "/api/tickets/:id/transfer", tick_teams_transfer, 0,
	    TICK_PERM_TICKETS_WORK },
	{ "PUT", "/api/tickets/:id/tags", tick_teams_tags, 0,
	    TICK_PERM_TICKETS_WORK },
	{ "GET", "/api/teams", tick_teams_list, 0, TICK_PERM_TICKETS_READ },
	{ "POST", "/api/teams", tick_teams_create, 0, TICK_PERM_TEAMS_ADMIN },
	{ "GET", "/api/teams/:id", tick_teams_get, 0, TICK_PERM_TICKETS_READ },
	{ "PUT", "/api/teams/:id", tick_teams_update, 0,
	    TICK_PERM_TEAMS_ADMIN },
	{ "DELETE", "/api/teams/:id", tick_teams_delete, 0,
	    TICK_PERM_TEAMS_ADMIN },
	{ "PUT", "/api/teams/:id/members", tick_teams_members, 0,
	    TICK_PERM_TEAMS_ADMIN },
	{ "GET", "/api/me/availability", tick_teams_availability_get, 0,
	    TICK_PERM_TICKETS_WORK },
	{ "PUT", "/api/me/availability", tick_teams_availability_set, 0,
	    TICK_PERM_TICKETS_WORK },
	{ "GET", "/api/replies/:ticketId", tick_work_replies_list, 0,
	    TICK_PERM_TICKETS_READ },
	{ "POST", "/api/replies", tick_work_replies_create, 0,
	    TICK_PERM_TICKETS_WORK },
	{ "POST", "/api/whatsapp/send", tick_wa_api_send, 0,
	    TICK_PERM_WA_SEND },
	{ "GET", "/api/whatsapp/status", tick_wa_api_status, 0,
	    TICK_PERM_WA_STATUS },
	{ "POST", "/api/whatsapp/simulate-message", tick_wa_api_simulate, 0,
	    TICK_PERM_WA_SIMULATE },
};
const struct tick_routes tick_routes_tickets = { "tickets", tickets, N(tickets),
	tick_session_request };
