#include "audit_api.h"
#include "auth.h"
#include "bounds.h"
#include "events_api.h"
#include "routes.h"
#include "tickets.h"
#include "wa_api.h"
#include "work.h"
#include "users.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct tick_route webhook[] = {
	{ "GET", "/api/whatsapp/webhook", tick_webhook_verify, 0,
	    TICK_PERM_PUBLIC },
	{ "POST", "/api/whatsapp/webhook", tick_webhook_notify, TICK_MAX_BODY,
	    TICK_PERM_PUBLIC },
	{ "GET", "/webhook", tick_webhook_verify, 0, TICK_PERM_PUBLIC },
	{ "POST", "/webhook", tick_webhook_notify, TICK_MAX_BODY,
	    TICK_PERM_PUBLIC },
};
const struct tick_routes tick_routes_webhook = { "webhook", webhook,
	N(webhook) };

static const struct tick_route health[] = {
	{ "GET", "/api/health", tick_health_get, 0, TICK_PERM_PUBLIC },
	{ "GET", "/api/ping", tick_health_ping, 0, TICK_PERM_PUBLIC },
};
const struct tick_routes tick_routes_health = { "health", health, N(health) };

static const struct tick_route auth[] = {
	{ "POST", "/api/auth/login", tick_auth_login, 0, TICK_PERM_PUBLIC },
	{ "POST", "/api/auth/logout", tick_auth_logout, 0,
	    TICK_PERM_SIGNED_IN },
	{ "GET", "/api/auth/me", tick_auth_me, 0, TICK_PERM_SIGNED_IN },
	{ "GET", "/api/auth/profile", tick_auth_me, 0, TICK_PERM_SIGNED_IN },
	{ "POST", "/api/auth/password", tick_auth_password, 0,
	    TICK_PERM_SIGNED_IN },
	{ "POST", "/api/auth/register", tick_users_create, 0, TICK_PERM_USERS },
	{ "GET", "/api/users", tick_users_list, 0, TICK_PERM_USERS },
	{ "POST", "/api/users", tick_users_create, 0, TICK_PERM_USERS },
	{ "GET", "/api/users/:id", tick_users_get, 0, TICK_PERM_USERS },
	{ "PUT", "/api/users/:id", tick_users_update, 0, TICK_PERM_USERS },
	{ "DELETE", "/api/users/:id", tick_users_delete, 0, TICK_PERM_USERS },
	{ "GET", "/api/audit", tick_audit_list, 0, TICK_PERM_AUDIT },
};
const struct tick_routes tick_routes_auth = { "auth", auth, N(auth) };

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
const struct tick_routes tick_routes_tickets = { "tickets", tickets,
	N(tickets) };

static const struct tick_route events[] = {
	{ "GET", "/api/events", tick_events_stream, 0, TICK_PERM_TICKETS_READ },
};
const struct tick_routes tick_routes_events = { "events", events, N(events) };
