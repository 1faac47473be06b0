/*
 * tick: teams (issue 13), the tables teams, team_members and agent_status:
 * a team's settings and members, an agent's availability, and what
 * automatic assignment reads under its locks. SQL only.
 */
#ifndef TICK_TEAMS_H
#define TICK_TEAMS_H

#include <stddef.h>

#include <jansson.h>

#include "assign_rules.h"
#include "err.h"

struct tick_db;

/* Most members one team has; most teams one list shows. */
#define TICK_TEAM_MEMBERS_MAX 200
#define TICK_TEAMS_LIST_MAX 500
/* A team's name: 1 to 100 characters; agent_capacity 1 to 1000. */
#define TICK_TEAM_NAME_MAX 100
#define TICK_TEAM_CAPACITY_MAX 1000

/* A team as written: on an update, each has_* says the member was given. */
struct tick_team_in {
	const char *name; /* borrowed */
	int has_name;
	long long site_id; /* 0: none */
	int has_site;
	enum tick_assign_mode assignment;
	int has_assignment;
	long long agent_capacity; /* 0: no limit */
	int has_capacity;
	int is_default;
	int has_default;
};

/* A new team; *id its row. TICK_ECONFLICT when the name is taken. When
 * is_default, the other teams stop being the default. */
enum tick_err tick_team_create(struct tick_db *db,
    const struct tick_team_in *in, long long *id);
/* Changes team id (inside the caller's transaction, the team locked).
 * TICK_ECONFLICT when the new name is taken. */
enum tick_err tick_team_update(struct tick_db *db, long long id,
    const struct tick_team_in *in);
/* Deletes team id and its members; its tickets keep no team. */
enum tick_err tick_team_delete(struct tick_db *db, long long id);

/* Team id as JSON (a new object): {id, name, site {id, code, name} | null,
 * assignment, agent_capacity, is_default, members [{id, name, email, role,
 * availability, open_tickets}], created_at, updated_at}.
 * *rc TICK_ENOTFOUND when there is none. */
json_t *tick_team_json(struct tick_db *db, long long id, enum tick_err *rc);
/* Every team (at most TICK_TEAMS_LIST_MAX), by name, as a new array. */
enum tick_err tick_team_list(struct tick_db *db, json_t **items);

/* The locked view of a team, for assignment and changes. */
struct tick_team {
	long long id;
	enum tick_assign_mode mode;
	long long capacity; /* 0: no limit */
	long long rr_last;  /* 0: none yet */
	long long site_id;  /* 0: none */
};
/* Inside a transaction: locks team id (SELECT ... FOR UPDATE).
 * TICK_ENOTFOUND when there is none. */
enum tick_err
tick_team_lock(struct tick_db *db, long long id, struct tick_team *t);

/* Up to TICK_TEAM_MEMBERS_MAX member ids of team id, ascending. */
enum tick_err tick_team_member_ids(struct tick_db *db, long long id,
    long long *ids, size_t *n);

/* Replaces the members of team id (locked) with ids; *before a new array
 * of the previous members' ids. */
enum tick_err tick_team_set_members(struct tick_db *db, long long id,
    const long long *ids, size_t n, json_t **before);
/* Whether user_id is a member of team team_id. */
enum tick_err tick_team_is_member(struct tick_db *db, long long team_id,
    long long user_id, int *yes);

/*
 * Inside the transaction that locked team team_id: locks the
 * availability rows of its members (in user id order, so two teams
 * sharing agents never deadlock), then reads each member into a (room for
 * TICK_TEAM_MEMBERS_MAX), sorted by user id: available when the member is
 * available, active and works tickets; open the tickets they hold that
 * are not closed. While the rows stay locked nobody else's automatic
 * assignment can change these counts.
 */
enum tick_err tick_team_agents(struct tick_db *db, long long team_id,
    struct tick_assign_agent *a, size_t *n);
/* Records that user_id got team id's latest ticket (round robin). */
enum tick_err
tick_team_set_last(struct tick_db *db, long long id, long long user_id);
/* Inside a transaction: up to max waiting tickets of team id (open, held
 * by nobody), oldest first, locked; rows another transaction holds are
 * skipped (SKIP LOCKED), never waited for. */
enum tick_err tick_team_waiting(struct tick_db *db, long long id,
    long long *ids, size_t max, size_t *n);
/* The team a new ticket of site site_id (0: none; a sub-site's parent
 * is given as parent_id) joins: the team of the sub-site, else of the
 * site, else (with_default) the default team; *team_id 0 when none. */
enum tick_err tick_team_for_site(struct tick_db *db, long long site_id,
    long long parent_id, int with_default, long long *team_id);
/* The teams of user_id whose assignment is automatic (at most max). */
enum tick_err tick_team_auto_of_user(struct tick_db *db, long long user_id,
    long long *ids, size_t max, size_t *n);
/* Every team whose assignment is automatic and which has waiting tickets
 * (at most max). */
enum tick_err tick_team_auto_waiting(struct tick_db *db, long long *ids,
    size_t max, size_t *n);

/* An agent's availability: no row is offline. */
enum tick_err tick_agent_availability(struct tick_db *db, long long user_id,
    enum tick_availability *a);
enum tick_err tick_agent_set_availability(struct tick_db *db, long long user_id,
    enum tick_availability a);

#endif
