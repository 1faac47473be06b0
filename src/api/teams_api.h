/*
 * tick: the routes of teams (issue 13): /api/teams CRUD and members, an
 * agent's own availability (/api/me/availability), a ticket's transfer
 * and its tags. Handlers only: the rules are base/assign_rules, the SQL
 * store/teams and store/tags, automatic assignment core/assign.
 */
#ifndef TICK_TEAMS_API_H
#define TICK_TEAMS_API_H

struct tick_req;

/* GET /api/teams; POST /api/teams {name, site_id?, assignment?,
 * agent_capacity?, is_default?}. */
void tick_teams_list(struct tick_req *req);
void tick_teams_create(struct tick_req *req);
/* GET, PUT, DELETE /api/teams/:id. */
void tick_teams_get(struct tick_req *req);
void tick_teams_update(struct tick_req *req);
void tick_teams_delete(struct tick_req *req);
/* PUT /api/teams/:id/members {user_ids}. */
void tick_teams_members(struct tick_req *req);
/* GET, PUT /api/me/availability {availability}. */
void tick_teams_availability_get(struct tick_req *req);
void tick_teams_availability_set(struct tick_req *req);
/* POST /api/tickets/:id/transfer {team_id?, user_id?, note}. */
void tick_teams_transfer(struct tick_req *req);
/* PUT /api/tickets/:id/tags {tags}. */
void tick_teams_tags(struct tick_req *req);

#endif
