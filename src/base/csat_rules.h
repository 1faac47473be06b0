/*
 * tick: the customer satisfaction rating asked when a ticket closes
 * (issue 13), as pure rules. The question offers three reply buttons,
 * Good, OK and Bad, scored 3, 2 and 1; each button's id names the ticket
 * and the score ("csat:42:3"), so the answer finds its ticket whatever
 * else the customer has open. No I/O.
 */
#ifndef TICK_CSAT_RULES_H
#define TICK_CSAT_RULES_H

#include <stddef.h>

#include "err.h"

/* The scores, worst to best. */
#define TICK_CSAT_SCORE_MIN 1
#define TICK_CSAT_SCORE_MAX 3
/* The buttons of the question, best first. */
#define TICK_CSAT_BUTTONS 3
/* The longest comment kept (characters). */
#define TICK_CSAT_COMMENT_MAX 1000
/* The longest rating id (bytes): "csat:" and two numbers. */
#define TICK_CSAT_ID_MAX 48

/* What a low rating does (CSAT_LOW_ACTION). */
enum tick_csat_low {
	TICK_CSAT_LOW_NONE,   /* stored only */
	TICK_CSAT_LOW_REOPEN, /* the ticket opens again (to its holder) */
	TICK_CSAT_LOW_NOTIFY, /* the holder (else the desk) is told live */
	TICK_CSAT_LOW__MAX
};

/*
 * Writes the id of the button that rates ticket with score into out.
 * TICK_EINVAL for a ticket <= 0 or a score out of range, TICK_ETOOBIG when
 * out is too small.
 */
enum tick_err
tick_csat_format_id(long long ticket, int score, char *out, size_t outsz);

/*
 * Reads a button id (or a quick reply's payload; NULL allowed). Returns 1
 * and sets *ticket and *score for a well-formed rating id; 0 when id is no
 * rating id at all; -1 when it starts "csat:" but is malformed (a rating
 * that cannot be applied, yet never a new ticket).
 */
int tick_csat_parse_id(const char *id, long long *ticket, int *score);

/* The score of button i (0: best) of the question. */
int tick_csat_button_score(size_t i);

/* Whether score is low: at or below low (0: no score is low). */
int tick_csat_is_low(int score, long long low);

/* CSAT_LOW_ACTION's value ("reopen", "notify", "none"; NULL: none). */
enum tick_csat_low tick_csat_low_action(const char *value);

/* A text that may be the comment of the customer's last rating. */
struct tick_csat_comment_case {
	int has_rating;         /* the customer's newest rated ticket */
	int has_comment;        /* that rating has its comment already */
	int has_open_ticket;    /* the customer has a ticket not closed */
	long long since_rating; /* seconds from the rating to this text */
	long long minutes;      /* CSAT_COMMENT_MINUTES (0: no comments) */
	int is_text;            /* a text message (not a file, a reply...) */
};

/*
 * Whether the text is the rating's comment: a text, the first after the
 * rating, within CSAT_COMMENT_MINUTES of it, from a customer with no open
 * ticket (an open ticket takes their messages as always).
 */
int tick_csat_takes_comment(const struct tick_csat_comment_case *c);

#endif
