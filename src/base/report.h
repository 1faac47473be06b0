/*
 * tick: the vocabulary of a safety report (issue 11): what happened (the
 * nine IOGP life-saving rules, or other), the kind of observation and the
 * severity. One table of each, with the keys the API and the database
 * keep and the English titles the intake and the panel show. No I/O.
 */
#ifndef TICK_REPORT_H
#define TICK_REPORT_H

#include <stddef.h>

/* A key and its title. */
struct tick_report_choice {
	const char *key;
	const char *title;
};

enum tick_report_kind {
	TICK_REPORT_CATEGORY,    /* bypassing_safety_controls, ..., other */
	TICK_REPORT_OBSERVATION, /* unsafe_act, ..., positive_observation */
	TICK_REPORT_SEVERITY,    /* low, medium, high, critical */
	TICK_REPORT__MAX
};

/* The choices of kind, in the order they are offered; *n their count. */
const struct tick_report_choice *
tick_report_choices(enum tick_report_kind kind, size_t *n);

/* The choice of kind whose key is key (exact), or NULL. */
const struct tick_report_choice *
tick_report_find(enum tick_report_kind kind, const char *key);

/* Whether severity key is the one that alerts the site's managers. */
int tick_report_is_critical(const char *severity);

#endif
