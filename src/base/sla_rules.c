#include <string.h>

#include "sla_rules.h"

const char *const tick_sla_state_names[TICK_SLA_STATE__MAX + 1] = {
	[TICK_SLA_NONE] = "none",
	[TICK_SLA_OK] = "ok",
	[TICK_SLA_WARNING] = "warning",
	[TICK_SLA_BREACHED] = "breached",
	[TICK_SLA_PAUSED] = "paused",
	[TICK_SLA_STATE__MAX] = NULL,
};

int
tick_sla_matches(const struct tick_sla_criteria *p,
    const struct tick_sla_facts *f)
{
	int tag = p->tag[0] == '\0';

	if (p->severity[0] != '\0' &&
	    (f->severity == NULL || strcmp(p->severity, f->severity) != 0))
		return 0;
	if (p->site_id > 0 && p->site_id != f->site_id)
		return 0;
	if (p->team_id > 0 && p->team_id != f->team_id)
		return 0;
	for (size_t i = 0; !tag && i < f->ntags; i++)
		tag = f->tags[i] != NULL && strcmp(f->tags[i], p->tag) == 0;
	return tag;
}

long
tick_sla_pick(const struct tick_sla_criteria *p, size_t n,
    const struct tick_sla_facts *f)
{
	long best = -1;

	for (size_t i = 0; i < n; i++) {
		if (!tick_sla_matches(&p[i], f))
			continue;
		if (best < 0 || p[i].position < p[best].position ||
		    (p[i].position == p[best].position && p[i].id < p[best].id))
			best = (long)i;
	}
	return best;
}

enum tick_sla_state
tick_sla_state(int64_t due, int64_t now, int64_t warn_s, int64_t *left)
{
	*left = 0;
	if (due <= 0)
		return TICK_SLA_NONE;
	*left = due - now;
	if (*left <= 0)
		return TICK_SLA_BREACHED;
	return *left <= warn_s ? TICK_SLA_WARNING : TICK_SLA_OK;
}
