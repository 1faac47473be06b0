/* Routes of the tickets responder: tickets, replies and the agents' WhatsApp
 * routes. Each responder links only its own table and the handlers it names. */
#include "bounds.h"
#include "routes.h"
#include "session.h"
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
	{ "PUT", "/api/tickets/:id/status", tick_work_status, 0,
	    TICK_PERM_TICKETS_WORK },
	{ "POST", "/api/tickets/:id/assign", tick_work_assign, 0,
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
