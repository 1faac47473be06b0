#include <string.h>

#include "action_rules.h"

const char *const tick_action_status_names[] = { "open", "done", "cancelled",
	NULL };
const char *const tick_action_close_names[] = { "done", "cancelled", NULL };

const char *
tick_action_status_name(enum tick_action_status s)
{
	return (unsigned)s < TICK_ACTION__MAX ? tick_action_status_names[s] :
	                                        "?";
}

enum tick_err
tick_action_status_parse(const char *s, enum tick_action_status *out)
{
	for (int i = 0; s != NULL && i < TICK_ACTION__MAX; i++)
		if (strcmp(s, tick_action_status_names[i]) == 0) {
			*out = (enum tick_action_status)i;
			return TICK_OK;
		}
	return TICK_EINVAL;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

enum tick_err
tick_action_parse_due(const char *s, size_t len, struct tick_date *d)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	int v[3] = { 0, 0, 0 }, k = 0;

	if (s == NULL || len != 10 || s[4] != '-' || s[7] != '-')
		return TICK_EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (i == 4 || i == 7) {
			k++;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return TICK_EINVAL;
		v[k] = v[k] * 10 + (s[i] - '0');
	}
	if (v[0] < TICK_ACTION_YEAR_MIN || v[0] > TICK_ACTION_YEAR_MAX ||
	    v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    v[2] > days[v[1] - 1] + (v[1] == 2 && leap(v[0])))
		return TICK_EINVAL;
	d->year = v[0];
	d->month = v[1];
	d->day = v[2];
	return TICK_OK;
}

int
tick_date_cmp(const struct tick_date *a, const struct tick_date *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->month != b->month)
		return a->month < b->month ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return 0;
}

int
tick_action_overdue(enum tick_action_status s, const struct tick_date *due,
    const struct tick_date *today)
{
	return s == TICK_ACTION_OPEN && tick_date_cmp(due, today) < 0;
}

int
tick_action_may(const struct tick_action_actor *a, enum tick_action_change c)
{
	if (a->admin || a->holder || a->site_manager)
		return c == TICK_ACTION_EDIT || c == TICK_ACTION_CLOSE;
	return c == TICK_ACTION_CLOSE && a->owner;
}
