/*
 * tick: SLA rules (issue 13), pure: which policy applies to a ticket (the
 * first match in ascending position, a criterion left empty matching
 * anything) and what state a due time is in.
 */
#ifndef TICK_SLA_RULES_H
#define TICK_SLA_RULES_H

#include <stddef.h>
#include <stdint.h>

#define TICK_SLA_POLICIES_MAX 200
#define TICK_SLA_TAGS_MAX 32
#define TICK_SLA_TARGET_MAX_MINUTES 525600 /* a year of business minutes */

/* A policy's criteria; 0 or "" matches anything. */
struct tick_sla_criteria {
	long long id;
	long long position;
	char severity[12];
	long long site_id, team_id;
	char tag[33 * 4];
};

/* What a ticket offers to match. tags borrowed. */
struct tick_sla_facts {
	const char *severity; /* NULL: none */
	long long site_id, team_id;
	const char *const *tags;
	size_t ntags;
};

/* Whether policy p applies to a ticket with facts f. */
int tick_sla_matches(const struct tick_sla_criteria *p,
    const struct tick_sla_facts *f);

/* The index of the policy that applies (lowest position, then lowest id,
 * among those that match), or -1 when none. */
long tick_sla_pick(const struct tick_sla_criteria *p, size_t n,
    const struct tick_sla_facts *f);

enum tick_sla_state {
	TICK_SLA_NONE, /* no target running */
	TICK_SLA_OK,
	TICK_SLA_WARNING, /* warn_s or less left */
	TICK_SLA_BREACHED,
	TICK_SLA_PAUSED, /* the ticket is pending */
	TICK_SLA_STATE__MAX
};
extern const char *const tick_sla_state_names[TICK_SLA_STATE__MAX + 1];

/* The state of a running due time (Unix seconds, 0: none) at now, and the
 * seconds left in *left (negative once breached). */
enum tick_sla_state
tick_sla_state(int64_t due, int64_t now, int64_t warn_s, int64_t *left);

#endif
