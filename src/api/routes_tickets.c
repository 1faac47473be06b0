/* Routes of the tickets responder: tickets, their corrective actions,
 * replies and the agents' WhatsApp routes. Each responder links only its own table and the handlers it names. */
#include "actions_api.h"
#include "bounds.h"
#include "moderation_api.h"
#include "routes.h"
#include "session.h"
#include "contacts_api.h"
#include "teams_api.h"
#include "templates_api.h"
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
	/* Issue 16: an approved template, its variables filled. */
	{ "POST", "/api/tickets/:id/template", tick_work_template, 0,
	    TICK_PERM_TICKETS_WORK },
	{ "POST", "/api/tickets/:id/notes", tick_work_note, 0,
	    TICK_PERM_TICKETS_WORK },
	{ "POST", "/api/tickets/:id/messages/:messageId/retry",
	    tick_work_retry_message, 0, TICK_PERM_TICKETS_WORK },
	/* Issue 17: a reviewer clears or confirms a flagged message. */
	{ "POST", "/api/tickets/:id/messages/:messageId/moderation",
	    tick_moderation_review_route, 0, TICK_PERM_TICKETS_WORK },
	/* Issue 16: an agent's reaction to a customer's message. */
	{ "POST", "/api/tickets/:id/messages/:messageId/reaction",
	    tick_work_react, 0, TICK_PERM_TICKETS_WORK },
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
	/* Issue 13: contacts (their CSV export is the reports'). */
	{ "GET", "/api/contacts", tick_contacts_list_route, 0,
	    TICK_PERM_TICKETS_READ },
	{ "POST", "/api/contacts", tick_contacts_create_route, 0,
	    TICK_PERM_CONTACTS_ADMIN },
	{ "POST", "/api/contacts/import/csv", tick_contacts_import_route,
	    TICK_CONTACTS_IMPORT_MAX_BODY, TICK_PERM_CONTACTS_ADMIN },
	{ "GET", "/api/contacts/:id", tick_contacts_get_route, 0,
	    TICK_PERM_TICKETS_READ },
	{ "PUT", "/api/contacts/:id", tick_contacts_update_route, 0,
	    TICK_PERM_CONTACTS_ADMIN },
	{ "DELETE", "/api/contacts/:id", tick_contacts_delete_route, 0,
	    TICK_PERM_CONTACTS_ERASE },
	{ "POST", "/api/contacts/:id/merge", tick_contacts_merge_route, 0,
	    TICK_PERM_CONTACTS_ADMIN },
	{ "POST", "/api/contacts/:id/erase", tick_contacts_erase_route, 0,
	    TICK_PERM_CONTACTS_ERASE },
	{ "GET", "/api/contacts/:id/export", tick_contacts_data_route, 0,
	    TICK_PERM_CONTACTS_ERASE },
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
	/* Issue 16: the WhatsApp template library. */
	{ "GET", "/api/templates", tick_templates_list_route, 0,
	    TICK_PERM_TICKETS_READ },
	{ "POST", "/api/templates", tick_templates_create_route, 0,
	    TICK_PERM_TEMPLATES_ADMIN },
	{ "POST", "/api/templates/sync", tick_templates_sync_route, 0,
	    TICK_PERM_TEMPLATES_ADMIN },
	{ "DELETE", "/api/templates/:name", tick_templates_delete_route, 0,
	    TICK_PERM_TEMPLATES_ADMIN },
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
	{ "GET", "/api/whatsapp/identity-conflicts",
	    tick_wa_api_identity_conflicts, 0, TICK_PERM_USERS },
};
const struct tick_routes tick_routes_tickets = { "tickets", tickets, N(tickets),
	tick_session_request };
