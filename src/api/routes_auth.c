/* Routes of the auth responder: sign-in, users and the audit log. Each
 * responder links only its own table and the handlers it names. */
#include "audit_api.h"
#include "auth.h"
#include "routes.h"
#include "session.h"
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
};
const struct tick_routes tick_routes_auth = { "auth", auth, N(auth),
	tick_session_request };
