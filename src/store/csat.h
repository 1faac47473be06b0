/*
 * tick: the CSAT columns of tickets (csat_asked_at, csat_score,
 * csat_comment, csat_at; sql/018_csat.sql). SQL only; the rules are
 * base/csat, the flow core/csat.
 */
#ifndef TICK_STORE_CSAT_H
#define TICK_STORE_CSAT_H

#include <jansson.h>

#include "db.h"
#include "err.h"

/* Inside a transaction: the question about ticket id was queued. */
enum tick_err tick_csat_mark_asked(struct tick_db *db, long long id);

/* A ticket whose question a reply answers, locked. */
struct tick_csat_target {
	long long id;
	long long assigned_to; /* 0: nobody */
	int closed;            /* its status is closed */
	int rated;             /* it has a score already */
};

/*
 * Inside a transaction: ticket id, locked, when its question was asked and
 * it is this customer's (contact_id, or mobile when not NULL).
 * TICK_ENOTFOUND otherwise.
 */
enum tick_err tick_csat_target(struct tick_db *db, long long id,
    long long contact_id, const char *mobile, struct tick_csat_target *out);

/* Stores score on ticket id unless it has one; *applied says whether. */
enum tick_err
tick_csat_rate(struct tick_db *db, long long id, int score, int *applied);

/*
 * Inside a transaction: the customer's newest rated ticket, locked: its id
 * (0: none), whether it has a comment and the seconds since its rating.
 */
enum tick_err tick_csat_last_rated(struct tick_db *db, long long contact_id,
    long long *id, int *has_comment, long long *since);

/* Stores comment (cut to TICK_CSAT_COMMENT_MAX characters) on ticket id
 * unless it has one. */
enum tick_err
tick_csat_comment(struct tick_db *db, long long id, const char *comment);

/* {score, comment, at} of ticket id, or JSON null when it is not rated; a
 * new reference, NULL on a database error. */
json_t *tick_csat_json(struct tick_db *db, long long id);

#endif
