/*
 * tick: who may do what. The one table of the route-by-role rules is
 * role_perms in roles.c; each route names the permission it needs.
 */
#ifndef TICK_ROLES_H
#define TICK_ROLES_H

enum tick_role {
	TICK_ROLE_SUPER_ADMIN,  /* everything, including users */
	TICK_ROLE_SITE_MANAGER, /* works and manages tickets */
	TICK_ROLE_AGENT,        /* takes, replies to and closes tickets */
	TICK_ROLE_REPORTER,     /* reads tickets, statistics and reports */
	TICK_ROLE__MAX
};

enum tick_perm {
	TICK_PERM_UNSET,         /* a route that forgot to say: refused */
	TICK_PERM_PUBLIC,        /* no sign-in: webhook, health */
	TICK_PERM_SIGNED_IN,     /* any active user: me, logout, password */
	TICK_PERM_TICKETS_READ,  /* list and read tickets and replies */
	TICK_PERM_TICKETS_WORK,  /* create, take, reply, note, status, close */
	TICK_PERM_TICKETS_ADMIN, /* reassign, reopen, delete */
	TICK_PERM_WA_SEND,       /* message any number */
	TICK_PERM_WA_STATUS,     /* WhatsApp configuration and health */
	TICK_PERM_WA_SIMULATE,   /* inject a customer message */
	TICK_PERM_USERS,         /* manage users */
	TICK_PERM_AUDIT,         /* read the audit log */
	TICK_PERM_STATS,         /* dashboards and statistics */
	TICK_PERM_REPORTS,       /* reports and CSV exports */
	TICK_PERM_INTEGRATIONS,  /* outbound webhooks */
	TICK_PERM_SITES_READ,  /* sites, their QR codes and posters (scoped) */
	TICK_PERM_SITES_ADMIN, /* create, change, deactivate sites; managers */
	TICK_PERM_TEAMS_ADMIN, /* create, change, delete teams; members */
	TICK_PERM_CONTACTS_ADMIN,  /* create, change, import, export, merge */
	TICK_PERM_CONTACTS_ERASE,  /* delete contacts, erase a person's data */
	TICK_PERM_TEMPLATES_ADMIN, /* sync, create, delete WhatsApp templates */
	TICK_PERM_CANNED_ADMIN,    /* create, change, delete canned replies */
	TICK_PERM__MAX
};

/* True when role may use perm. */
int tick_role_allows(enum tick_role role, enum tick_perm perm);

/* Whether role, for a user linked to sites (has_sites) or to none, sees
 * only the tickets of the sites (and their sub-sites) the user manages: a
 * site_manager always (none when linked to none), a reporter when linked
 * to any; the other roles see every ticket. */
int tick_role_sites_only(enum tick_role role, int has_sites);

/* Whether role, for a user in teams, sees only the tickets of its teams,
 * of no team, and its own (issue 13): an agent. The SQL asks whether the
 * user is in any team (tickets.h: TICK_SCOPE_SQL). */
int tick_role_teams_only(enum tick_role role);

/* "tickets.read", ...: a permission's name (the API's "permissions" and
 * a token's scopes); NULL for TICK_PERM_UNSET, PUBLIC or out of range. */
const char *tick_perm_name(enum tick_perm perm);
/* The permission named s (one that has a name), or -1. */
int tick_perm_parse(const char *s);

/* "super_admin", ...; NULL for a value out of range. */
const char *tick_role_name(enum tick_role role);
/* The role named s, or -1. */
int tick_role_parse(const char *s);

#endif
