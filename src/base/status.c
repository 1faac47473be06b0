#include <stddef.h>
#include <string.h>

#include "status.h"

const char *const tick_status_names[TICK_STATUS__MAX + 1] = {
	[TICK_STATUS_NEW] = "new",
	[TICK_STATUS_ASSIGNED] = "assigned",
	[TICK_STATUS_IN_PROGRESS] = "in_progress",
	[TICK_STATUS_PENDING] = "pending",
	[TICK_STATUS_CLOSED] = "closed",
	[TICK_STATUS__MAX] = NULL,
};

const char *
tick_status_name(enum tick_status s)
{
	return (unsigned)s < TICK_STATUS__MAX ? tick_status_names[s] : "new";
}

int
tick_status_parse(const char *s, enum tick_status *out)
{
	for (int i = 0; s != NULL && i < TICK_STATUS__MAX; i++)
		if (strcmp(s, tick_status_names[i]) == 0) {
			*out = (enum tick_status)i;
			return 0;
		}
	return -1;
}

int
tick_status_transition_ok(enum tick_status from, enum tick_status to, int admin)
{
	if (to == TICK_STATUS_CLOSED || (unsigned)to >= TICK_STATUS__MAX)
		return 0; /* closed only through close; unknown never */
	if (from == TICK_STATUS_CLOSED)
		return admin; /* reopening */
	if (to == TICK_STATUS_PENDING)
		return from != TICK_STATUS_PENDING;
	if (from == TICK_STATUS_PENDING)
		return to == TICK_STATUS_IN_PROGRESS;
	return to > from;
}
