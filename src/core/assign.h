/*
 * tick: automatic assignment (issue 13). A new WhatsApp ticket joins a
 * team (its site's, else the default team) and, when the team assigns
 * automatically, goes to the member its rule chooses (base/assign_rules);
 * a ticket nobody can take waits in the team and is given out when a
 * member becomes available, gets room under the capacity, or `tick
 * outbox` runs. Race-safe: the team's row and then its members'
 * agent_status rows are locked (SELECT ... FOR UPDATE) before any count
 * is read, so concurrent arrivals never push an agent past capacity or
 * assign a ticket twice.
 */
#ifndef TICK_ASSIGN_H
#define TICK_ASSIGN_H

#include "err.h"

struct tick_db;

/*
 * Inside the transaction that created (or locked) ticket_id, which
 * nobody holds: gives it to the member team team_id's rule chooses, with
 * the audit (ticket.auto_assign) and the live event ticket.assigned meant
 * for that member. *to is the member, 0 when the team is manual or
 * nobody can take it (it waits). exclude (0: none) is never chosen: the
 * holder a transfer took it from.
 */
enum tick_err tick_assign_ticket(struct tick_db *db, long long ticket_id,
    long long team_id, long long exclude, long long *to);

/*
 * Inside the transaction that created ticket_id on site site_id (0: none;
 * parent_id: the site of a sub-site): the ticket joins its site's team,
 * else the default team, and tick_assign_ticket runs. *team_id and *to
 * say what happened (0: none).
 */
enum tick_err tick_assign_route_new(struct tick_db *db, long long ticket_id,
    long long *team_id, long long *to);

/*
 * Inside the transaction that locked ticket_id, once a site was given to
 * it later (the guided intake's site question): a ticket nobody holds
 * moves to the team of that site (not the default team), if there is one
 * and it is not there already, and tick_assign_ticket runs.
 */
enum tick_err tick_assign_route_site(struct tick_db *db, long long ticket_id,
    long long *team_id, long long *to);

/* In transactions of its own: the waiting tickets of team team_id, oldest
 * first, to whoever can take them; *n how many were given out. */
enum tick_err
tick_assign_drain(struct tick_db *db, long long team_id, long long *n);

/* tick_assign_drain for each automatic team of user_id (after they became
 * available or got room); *n in all. */
enum tick_err
tick_assign_drain_user(struct tick_db *db, long long user_id, long long *n);

/* tick_assign_drain for every automatic team with waiting tickets (`tick
 * outbox`); *n in all. */
enum tick_err tick_assign_drain_all(struct tick_db *db, long long *n);

#endif
