#include <string.h>

#include "roles.h"

#define P(x) (1u << (x))

/* The route-by-role rules, in one place. */
static const unsigned role_perms[TICK_ROLE__MAX] = {
	[TICK_ROLE_SUPER_ADMIN] = P(TICK_PERM_SIGNED_IN) |
	    P(TICK_PERM_TICKETS_READ) | P(TICK_PERM_TICKETS_WORK) |
	    P(TICK_PERM_TICKETS_ADMIN) | P(TICK_PERM_WA_SEND) |
	    P(TICK_PERM_WA_STATUS) | P(TICK_PERM_WA_SIMULATE) |
	    P(TICK_PERM_USERS) | P(TICK_PERM_AUDIT) | P(TICK_PERM_STATS) |
	    P(TICK_PERM_REPORTS),
	[TICK_ROLE_SITE_MANAGER] = P(TICK_PERM_SIGNED_IN) |
	    P(TICK_PERM_TICKETS_READ) | P(TICK_PERM_TICKETS_WORK) |
	    P(TICK_PERM_WA_SEND) | P(TICK_PERM_WA_STATUS) | P(TICK_PERM_STATS) |
	    P(TICK_PERM_REPORTS),
	[TICK_ROLE_AGENT] = P(TICK_PERM_SIGNED_IN) | P(TICK_PERM_TICKETS_READ) |
	    P(TICK_PERM_TICKETS_WORK) | P(TICK_PERM_STATS),
	[TICK_ROLE_REPORTER] = P(TICK_PERM_SIGNED_IN) |
	    P(TICK_PERM_TICKETS_READ) | P(TICK_PERM_STATS) |
	    P(TICK_PERM_REPORTS),
};

static const char *const names[TICK_ROLE__MAX] = {
	[TICK_ROLE_SUPER_ADMIN] = "super_admin",
	[TICK_ROLE_SITE_MANAGER] = "site_manager",
	[TICK_ROLE_AGENT] = "agent",
	[TICK_ROLE_REPORTER] = "reporter",
};

int
tick_role_allows(enum tick_role role, enum tick_perm perm)
{
	if ((unsigned)perm >= TICK_PERM__MAX || perm == TICK_PERM_UNSET)
		return 0;
	if (perm == TICK_PERM_PUBLIC)
		return 1;
	if ((unsigned)role >= TICK_ROLE__MAX)
		return 0;
	return (role_perms[role] & P(perm)) != 0;
}

const char *
tick_role_name(enum tick_role role)
{
	return (unsigned)role < TICK_ROLE__MAX ? names[role] : NULL;
}

int
tick_role_parse(const char *s)
{
	if (s != NULL)
		for (int i = 0; i < TICK_ROLE__MAX; i++)
			if (strcmp(s, names[i]) == 0)
				return i;
	return -1;
}
