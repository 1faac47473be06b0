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
	    P(TICK_PERM_REPORTS) | P(TICK_PERM_INTEGRATIONS) |
	    P(TICK_PERM_SITES_READ) | P(TICK_PERM_SITES_ADMIN) |
	    P(TICK_PERM_TEAMS_ADMIN) | P(TICK_PERM_CONTACTS_ADMIN) |
	    P(TICK_PERM_CONTACTS_ERASE) | P(TICK_PERM_TEMPLATES_ADMIN) |
	    P(TICK_PERM_CANNED_ADMIN),
	[TICK_ROLE_SITE_MANAGER] = P(TICK_PERM_SIGNED_IN) |
	    P(TICK_PERM_TICKETS_READ) | P(TICK_PERM_TICKETS_WORK) |
	    P(TICK_PERM_WA_SEND) | P(TICK_PERM_WA_STATUS) | P(TICK_PERM_STATS) |
	    P(TICK_PERM_REPORTS) | P(TICK_PERM_SITES_READ) |
	    P(TICK_PERM_CONTACTS_ADMIN) | P(TICK_PERM_CANNED_ADMIN),
	[TICK_ROLE_AGENT] = P(TICK_PERM_SIGNED_IN) | P(TICK_PERM_TICKETS_READ) |
	    P(TICK_PERM_TICKETS_WORK) | P(TICK_PERM_STATS) |
	    P(TICK_PERM_SITES_READ),
	[TICK_ROLE_REPORTER] = P(TICK_PERM_SIGNED_IN) |
	    P(TICK_PERM_TICKETS_READ) | P(TICK_PERM_STATS) |
	    P(TICK_PERM_REPORTS) | P(TICK_PERM_SITES_READ),
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

static const char *const perm_names[TICK_PERM__MAX] = {
	[TICK_PERM_SIGNED_IN] = "signed_in",
	[TICK_PERM_TICKETS_READ] = "tickets.read",
	[TICK_PERM_TICKETS_WORK] = "tickets.work",
	[TICK_PERM_TICKETS_ADMIN] = "tickets.admin",
	[TICK_PERM_WA_SEND] = "whatsapp.send",
	[TICK_PERM_WA_STATUS] = "whatsapp.status",
	[TICK_PERM_WA_SIMULATE] = "whatsapp.simulate",
	[TICK_PERM_USERS] = "users",
	[TICK_PERM_AUDIT] = "audit",
	[TICK_PERM_STATS] = "stats",
	[TICK_PERM_REPORTS] = "reports",
	[TICK_PERM_INTEGRATIONS] = "integrations",
	[TICK_PERM_SITES_READ] = "sites.read",
	[TICK_PERM_SITES_ADMIN] = "sites.admin",
	[TICK_PERM_TEAMS_ADMIN] = "teams.admin",
	[TICK_PERM_CONTACTS_ADMIN] = "contacts.admin",
	[TICK_PERM_CONTACTS_ERASE] = "contacts.erase",
	[TICK_PERM_TEMPLATES_ADMIN] = "templates.admin",
	[TICK_PERM_CANNED_ADMIN] = "canned.admin",
};

const char *
tick_perm_name(enum tick_perm perm)
{
	return (int)perm >= 0 && perm < TICK_PERM__MAX ? perm_names[perm] :
	                                                 NULL;
}

int
tick_perm_parse(const char *s)
{
	for (int p = 0; s != NULL && p < TICK_PERM__MAX; p++)
		if (perm_names[p] != NULL && strcmp(perm_names[p], s) == 0)
			return p;
	return -1;
}

int
tick_role_sites_only(enum tick_role role, int has_sites)
{
	return role == TICK_ROLE_SITE_MANAGER ||
	    (role == TICK_ROLE_REPORTER && has_sites);
}

int
tick_role_teams_only(enum tick_role role)
{
	return role == TICK_ROLE_AGENT;
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
