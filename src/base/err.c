#include <stddef.h>

#include "err.h"

static const char *const msgs[TICK_ERR__MAX] = {
	[TICK_OK] = "success",
	[TICK_EINVAL] = "invalid input",
	[TICK_ENOTFOUND] = "not found",
	[TICK_ECONFLICT] = "conflict",
	[TICK_EFORBIDDEN] = "forbidden",
	[TICK_EUNAUTH] = "unauthorized",
	[TICK_ETOOBIG] = "input too large",
	[TICK_EDB] = "database error",
	[TICK_EUPSTREAM] = "upstream service failed",
	[TICK_ETIMEOUT] = "upstream service timed out",
	[TICK_ENOMEM] = "out of memory",
	[TICK_ECONFIG] = "configuration error",
	[TICK_ESYS] = "system error",
	[TICK_EBUSY] = "database busy; try again",
};

const char *
tick_strerror(enum tick_err e)
{
	if ((unsigned)e >= TICK_ERR__MAX || msgs[e] == NULL)
		return "unknown error";
	return msgs[e];
}
