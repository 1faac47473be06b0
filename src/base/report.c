#include <string.h>

#include "report.h"

/* IOGP Report 459, Life-Saving Rules (2018 edition), in its order. */
static const struct tick_report_choice categories[] = {
	{ "bypassing_safety_controls", "Bypassing safety controls" },
	{ "confined_space", "Confined space" },
	{ "driving", "Driving" },
	{ "energy_isolation", "Energy isolation" },
	{ "hot_work", "Hot work" },
	{ "line_of_fire", "Line of fire" },
	{ "safe_mechanical_lifting", "Safe mechanical lifting" },
	{ "work_authorisation", "Work authorisation" },
	{ "working_at_height", "Working at height" },
	{ "other", "Other" },
};

static const struct tick_report_choice observations[] = {
	{ "unsafe_act", "Unsafe act" },
	{ "unsafe_condition", "Unsafe condition" },
	{ "near_miss", "Near miss" },
	{ "incident", "Incident" },
	{ "positive_observation", "Positive observation" },
};

static const struct tick_report_choice severities[] = {
	{ "low", "Low" },
	{ "medium", "Medium" },
	{ "high", "High" },
	{ "critical", "Critical" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const struct tick_report_choice *
tick_report_choices(enum tick_report_kind kind, size_t *n)
{
	switch (kind) {
	case TICK_REPORT_CATEGORY: *n = N(categories); return categories;
	case TICK_REPORT_OBSERVATION: *n = N(observations); return observations;
	case TICK_REPORT_SEVERITY: *n = N(severities); return severities;
	default: *n = 0; return NULL;
	}
}

const struct tick_report_choice *
tick_report_find(enum tick_report_kind kind, const char *key)
{
	size_t n;
	const struct tick_report_choice *c = tick_report_choices(kind, &n);

	for (size_t i = 0; key != NULL && i < n; i++)
		if (strcmp(c[i].key, key) == 0)
			return &c[i];
	return NULL;
}

int
tick_report_is_critical(const char *severity)
{
	return severity != NULL && strcmp(severity, "critical") == 0;
}
