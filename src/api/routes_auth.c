/* Routes of the auth responder: sign-in, users, the audit log, and sites
 * with their QR codes. Each responder links only its own table and the
 * handlers it names. */
#include "audit_api.h"
#include "auth.h"
#include "routes.h"
#include "session.h"
#include "tokens_api.h"
#include "webhooks_api.h"
#include "sites_api.h"
#include "users.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

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
	{ "GET", "/api/tokens", tick_tokens_api_list, 0, TICK_PERM_SIGNED_IN },
	{ "POST", "/api/tokens", tick_tokens_api_create, 0,
	    TICK_PERM_SIGNED_IN },
	{ "DELETE", "/api/tokens/:id", tick_tokens_api_revoke, 0,
	    TICK_PERM_SIGNED_IN },
	{ "GET", "/api/webhooks", tick_webhooks_list, 0,
	    TICK_PERM_INTEGRATIONS },
	{ "POST", "/api/webhooks", tick_webhooks_create, 0,
	    TICK_PERM_INTEGRATIONS },
	{ "GET", "/api/webhooks/:id", tick_webhooks_get, 0,
	    TICK_PERM_INTEGRATIONS },
	{ "PUT", "/api/webhooks/:id", tick_webhooks_update, 0,
	    TICK_PERM_INTEGRATIONS },
	{ "DELETE", "/api/webhooks/:id", tick_webhooks_delete, 0,
	    TICK_PERM_INTEGRATIONS },
	{ "GET", "/api/webhooks/:id/deliveries", tick_webhooks_deliveries, 0,
	    TICK_PERM_INTEGRATIONS },
	{ "POST", "/api/webhooks/:id/deliveries/:deliveryId/resend",
	    tick_webhooks_resend, 0, TICK_PERM_INTEGRATIONS },
	{ "GET", "/api/sites", tick_sites_list, 0, TICK_PERM_SITES_READ },
	{ "POST", "/api/sites", tick_sites_create, 0, TICK_PERM_SITES_ADMIN },
	{ "GET", "/api/sites/:id", tick_sites_get, 0, TICK_PERM_SITES_READ },
	{ "PUT", "/api/sites/:id", tick_sites_update, 0,
	    TICK_PERM_SITES_ADMIN },
	{ "DELETE", "/api/sites/:id", tick_sites_delete, 0,
	    TICK_PERM_SITES_ADMIN },
	{ "GET", "/api/sites/:id/subsites", tick_sites_subsites, 0,
	    TICK_PERM_SITES_READ },
	{ "POST", "/api/sites/:id/subsites", tick_sites_subsite_create, 0,
	    TICK_PERM_SITES_ADMIN },
	{ "PUT", "/api/sites/:id/managers", tick_sites_managers, 0,
	    TICK_PERM_SITES_ADMIN },
	{ "GET", "/api/sites/:id/qr", tick_sites_qr, 0, TICK_PERM_SITES_READ },
	{ "POST", "/api/sites/:id/qr/refresh", tick_sites_qr_refresh, 0,
	    TICK_PERM_SITES_ADMIN },
	{ "GET", "/api/whatsapp/qr", tick_sites_desk_qr, 0,
	    TICK_PERM_SITES_READ },
};
const struct tick_routes tick_routes_auth = { "auth", auth, N(auth),
	tick_session_request };
