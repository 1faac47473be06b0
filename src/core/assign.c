#include <stdio.h>
#include <string.h>

#include "assign.h"
#include "assign_rules.h"
#include "audit.h"
#include "db.h"
#include "events.h"
#include "log.h"
#include "teams.h"
#include "tickets.h"

/* Most waiting tickets one drain gives out in one transaction. */
#define DRAIN_BATCH 50

/* Ticket ticket_id goes to a[k]: the row (only while nobody holds it),
 * the team's turn, the audit and the live event. */
static enum tick_err
give(struct tick_db *db, const struct tick_team *t, long long ticket_id,
    struct tick_assign_agent *a)
{
	char id[24];
	enum tick_err rc;

	snprintf(id, sizeof(id), "%lld", ticket_id);
	if ((rc = tick_ticket_assign(db, ticket_id, a->user_id, 1)) !=
	        TICK_OK ||
	    (rc = tick_team_set_last(db, t->id, a->user_id)) != TICK_OK ||
	    (rc = tick_audit(db, 0, NULL, "ticket.auto_assign", "ticket", id,
	         NULL,
	         json_pack("{s:I, s:I, s:s, s:I}", "team_id", (json_int_t)t->id,
	             "to", (json_int_t)a->user_id, "rule",
	             tick_assign_mode_names[t->mode], "open_before",
	             (json_int_t)a->open))) != TICK_OK ||
	    (rc = tick_events_emit_to(db, TICK_EV_TICKET_ASSIGNED, ticket_id,
	         a->user_id)) != TICK_OK)
		return rc;
	a->open++;
	return TICK_OK;
}

enum tick_err
tick_assign_ticket(struct tick_db *db, long long ticket_id, long long team_id,
    long long exclude, long long *to)
{
	struct tick_assign_agent a[TICK_TEAM_MEMBERS_MAX];
	struct tick_team t;
	enum tick_err rc;
	size_t n = 0;
	int k;

	*to = 0;
	if ((rc = tick_team_lock(db, team_id, &t)) != TICK_OK)
		return rc == TICK_ENOTFOUND ? TICK_OK : rc;
	if (t.mode == TICK_ASSIGN_MANUAL)
		return TICK_OK;
	if ((rc = tick_team_agents(db, team_id, a, &n)) != TICK_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (a[i].user_id == exclude)
			a[i].available = 0;
	k = tick_assign_choose(t.mode, a, n, t.rr_last, t.capacity);
	if (k < 0)
		return TICK_OK; /* it waits in the team */
	rc = give(db, &t, ticket_id, &a[k]);
	if (rc == TICK_OK)
		*to = a[k].user_id;
	return rc;
}

enum tick_err
tick_assign_route_new(struct tick_db *db, long long ticket_id,
    long long *team_id, long long *to)
{
	struct tick_ticket tk;
	long long site = 0, parent = 0;
	enum tick_err rc;

	*team_id = 0;
	*to = 0;
	if ((rc = tick_ticket_lock(db, NULL, ticket_id, &tk)) != TICK_OK)
		return rc;
	if (tk.team_id > 0 || tk.assigned_to > 0)
		return TICK_OK;
	if ((rc = tick_ticket_sites(db, ticket_id, &site, &parent)) !=
	        TICK_OK ||
	    (rc = tick_team_for_site(db, site, parent, 1, team_id)) !=
	        TICK_OK ||
	    *team_id == 0)
		return rc;
	if ((rc = tick_ticket_set_team(db, ticket_id, *team_id)) != TICK_OK)
		return rc;
	return tick_assign_ticket(db, ticket_id, *team_id, 0, to);
}

enum tick_err
tick_assign_route_site(struct tick_db *db, long long ticket_id,
    long long *team_id, long long *to)
{
	struct tick_ticket tk;
	long long site = 0, parent = 0;
	enum tick_err rc;

	*team_id = 0;
	*to = 0;
	if ((rc = tick_ticket_lock(db, NULL, ticket_id, &tk)) != TICK_OK)
		return rc;
	if (tk.assigned_to > 0)
		return TICK_OK;
	if ((rc = tick_ticket_sites(db, ticket_id, &site, &parent)) !=
	        TICK_OK ||
	    (rc = tick_team_for_site(db, site, parent, 0, team_id)) !=
	        TICK_OK ||
	    *team_id == 0 || *team_id == tk.team_id)
		return rc;
	if ((rc = tick_ticket_set_team(db, ticket_id, *team_id)) != TICK_OK)
		return rc;
	return tick_assign_ticket(db, ticket_id, *team_id, 0, to);
}

enum tick_err
tick_assign_drain(struct tick_db *db, long long team_id, long long *n)
{
	struct tick_assign_agent a[TICK_TEAM_MEMBERS_MAX];
	long long ids[DRAIN_BATCH];
	size_t na = 0, nw = 0, i;
	struct tick_team t;
	enum tick_err rc;
	int k = 0;

	*n = 0;
	for (;;) {
		if ((rc = tick_db_begin(db)) != TICK_OK)
			return rc;
		/* The team, then its agents, then the tickets (skipping any
		 * another transaction holds): the order every path takes. */
		if ((rc = tick_team_lock(db, team_id, &t)) != TICK_OK ||
		    t.mode == TICK_ASSIGN_MANUAL ||
		    (rc = tick_team_agents(db, team_id, a, &na)) != TICK_OK ||
		    (rc = tick_team_waiting(db, team_id, ids, DRAIN_BATCH,
		         &nw)) != TICK_OK)
			goto done;
		for (i = 0; i < nw; i++) {
			k = tick_assign_choose(t.mode, a, na, t.rr_last,
			    t.capacity);
			if (k < 0)
				break;
			if ((rc = give(db, &t, ids[i], &a[k])) != TICK_OK)
				goto done;
			t.rr_last = a[k].user_id;
			(*n)++;
		}
		if ((rc = tick_db_commit(db)) != TICK_OK)
			goto done;
		/* A full batch given out: there may be more. */
		if (nw < DRAIN_BATCH || i < nw)
			return TICK_OK;
	}
done:
	tick_db_rollback(db);
	return rc == TICK_ENOTFOUND ? TICK_OK : rc;
}

enum tick_err
tick_assign_drain_user(struct tick_db *db, long long user_id, long long *n)
{
	long long ids[TICK_TEAMS_LIST_MAX], got;
	enum tick_err rc;
	size_t nt = 0;

	*n = 0;
	if ((rc = tick_team_auto_of_user(db, user_id, ids, TICK_TEAMS_LIST_MAX,
	         &nt)) != TICK_OK)
		return rc;
	for (size_t i = 0; i < nt && rc == TICK_OK; i++)
		if ((rc = tick_assign_drain(db, ids[i], &got)) == TICK_OK)
			*n += got;
	return rc;
}

enum tick_err
tick_assign_drain_all(struct tick_db *db, long long *n)
{
	long long ids[TICK_TEAMS_LIST_MAX], got;
	enum tick_err rc;
	size_t nt = 0;

	*n = 0;
	if ((rc = tick_team_auto_waiting(db, ids, TICK_TEAMS_LIST_MAX, &nt)) !=
	    TICK_OK)
		return rc;
	for (size_t i = 0; i < nt && rc == TICK_OK; i++)
		if ((rc = tick_assign_drain(db, ids[i], &got)) == TICK_OK)
			*n += got;
	return rc;
}
