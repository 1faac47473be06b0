/*
 * tick: the rules of a ticket's corrective actions (issue 11): their
 * states, the due date's shape, when one is overdue and who may change or
 * close one. Pure: no I/O.
 */
#ifndef TICK_ACTION_RULES_H
#define TICK_ACTION_RULES_H

#include <stddef.h>

#include "err.h"

/* Limits of an action's texts (characters) and of a ticket's actions. */
#define TICK_ACTION_DESCRIPTION_MAX 1000
#define TICK_ACTION_NOTE_MAX 5000
#define TICK_ACTION_PER_TICKET_MAX 200
/* A due date's year: anything outside is a typing mistake. */
#define TICK_ACTION_YEAR_MIN 2000
#define TICK_ACTION_YEAR_MAX 2199

enum tick_action_status {
	TICK_ACTION_OPEN,      /* to be done */
	TICK_ACTION_DONE,      /* done, with the evidence of closing */
	TICK_ACTION_CANCELLED, /* dropped, with the reason why */
	TICK_ACTION__MAX
};

/* "open", "done", "cancelled", NULL: the names the API and the database
 * use, in enum order (for TICK_FIELD_ENUM). */
extern const char *const tick_action_status_names[];
/* "done", "cancelled", NULL: how an action may be closed. */
extern const char *const tick_action_close_names[];

/* The name of s; "?" out of range. */
const char *tick_action_status_name(enum tick_action_status s);
/* The status named s into *out: TICK_OK or TICK_EINVAL. */
enum tick_err
tick_action_status_parse(const char *s, enum tick_action_status *out);

/* A calendar date. */
struct tick_date {
	int year, month, day;
};

/*
 * Parses s[0..len) as a real date written YYYY-MM-DD (exactly ten bytes,
 * leap years counted, the year within TICK_ACTION_YEAR_MIN..MAX).
 * TICK_OK with *d set, or TICK_EINVAL.
 */
enum tick_err
tick_action_parse_due(const char *s, size_t len, struct tick_date *d);

/* <0, 0 or >0 as a is before, on or after b. */
int tick_date_cmp(const struct tick_date *a, const struct tick_date *b);

/* An action is overdue while it is open and its due date is before today
 * (the database's UTC date). A date due today is not overdue yet. */
int tick_action_overdue(enum tick_action_status s, const struct tick_date *due,
    const struct tick_date *today);

/* What a user wants to do to an action. */
enum tick_action_change {
	TICK_ACTION_EDIT,  /* add one, change it, reopen it */
	TICK_ACTION_CLOSE, /* close it as done or cancelled */
	TICK_ACTION_CHANGE__MAX
};

/* Who the user is to the action's ticket. */
struct tick_action_actor {
	int admin;        /* a super_admin */
	int holder;       /* holds (is assigned) the ticket */
	int site_manager; /* a site_manager of the ticket's site or sub-site */
	int owner;        /* owns the action */
};

/* Whether the actor may do c: a super_admin, the ticket's holder or a site
 * manager of its site may do anything; the action's owner may close it. */
int
tick_action_may(const struct tick_action_actor *a, enum tick_action_change c);

#endif
