/*
 * tick: the rules of teams (issue 13): who automatic assignment chooses
 * (round robin, or balanced by open tickets, each within the team's
 * per-agent capacity), the names of the modes and of an agent's
 * availability, and what a ticket's tag may be. Pure: no I/O.
 */
#ifndef TICK_ASSIGN_RULES_H
#define TICK_ASSIGN_RULES_H

#include <stddef.h>

#include "err.h"

enum tick_assign_mode {
	TICK_ASSIGN_MANUAL,      /* nobody is chosen: agents take tickets */
	TICK_ASSIGN_ROUND_ROBIN, /* the next available member in turn */
	TICK_ASSIGN_BALANCED,    /* the available member with fewest open */
	TICK_ASSIGN__MAX
};
/* "manual", "round_robin", "balanced", NULL-terminated. */
extern const char *const tick_assign_mode_names[TICK_ASSIGN__MAX + 1];
/* The mode named s: TICK_OK, or TICK_EINVAL. */
enum tick_err tick_assign_mode_parse(const char *s, enum tick_assign_mode *m);

enum tick_availability {
	TICK_AVAIL_AVAILABLE, /* gets tickets */
	TICK_AVAIL_AWAY,      /* keeps its tickets, gets no new ones */
	TICK_AVAIL_OFFLINE,   /* gets nothing (also: never said) */
	TICK_AVAIL__MAX
};
/* "available", "away", "offline", NULL-terminated. */
extern const char *const tick_availability_names[TICK_AVAIL__MAX + 1];

/* One member of a team, as automatic assignment sees it. */
struct tick_assign_agent {
	long long user_id;
	long long open; /* tickets the agent holds that are not closed */
	int available;  /* availability is available and the user works */
};

/*
 * Which of the n agents (sorted by user_id, ascending) gets the next
 * ticket, or -1 when none can: only an available agent with fewer than
 * capacity open tickets (capacity 0: no limit) is chosen.
 * Round robin: the first such agent after last_user_id (the one who got
 * the team's previous ticket; 0 for none), wrapping around.
 * Balanced: the one with the fewest open tickets; of equals, the one
 * round robin would choose, so that ties take turns.
 */
int tick_assign_round_robin(const struct tick_assign_agent *a, size_t n,
    long long last_user_id, long long capacity);
int tick_assign_balanced(const struct tick_assign_agent *a, size_t n,
    long long last_user_id, long long capacity);
/* The choice of mode (manual: always -1). */
int tick_assign_choose(enum tick_assign_mode mode,
    const struct tick_assign_agent *a, size_t n, long long last_user_id,
    long long capacity);

/* Tags: at most TICK_TAGS_MAX on a ticket, each 1 to TICK_TAG_MAX_CHARS
 * characters. */
#define TICK_TAGS_MAX 20
#define TICK_TAG_MAX_CHARS 32
#define TICK_TAG_CHARS_TEXT "32"
/* The bytes a normalised tag may take, with its NUL. */
#define TICK_TAG_BUF (TICK_TAG_MAX_CHARS * 4 + 1)

/*
 * Normalises tag s (len bytes) into out (outsz >= TICK_TAG_BUF): spaces
 * around it dropped, ASCII letters lower-cased. A tag is valid UTF-8 of 1
 * to TICK_TAG_MAX_CHARS characters with no control character, no comma
 * (the inbox's filters split at commas) and no NUL. TICK_OK, or
 * TICK_EINVAL with *why a sentence saying what is wrong.
 */
enum tick_err tick_tag_normalize(const char *s, size_t len, char *out,
    size_t outsz, const char **why);

#endif
