/*
 * tick: the WhatsApp channel's health (issue 16), the table
 * whatsapp_channel_health: one row per kind (token, account, quality).
 * SQL only; core/channel decides what is written.
 */
#ifndef TICK_CHANNEL_HEALTH_H
#define TICK_CHANNEL_HEALTH_H

#include <jansson.h>

#include "bounds.h"
#include "err.h"

struct tick_db;

/* The most JSON text kept of Meta's own words on a row (bytes). */
#define TICK_CHANNEL_DETAIL_MAX 4096

/* One row as written or read. */
struct tick_channel_row {
	char kind[17];
	int severity;   /* base/channel_rules: 0 ok, 1 warning, 2 error */
	long long code; /* a Graph error code, 0 when none */
	char event[65]; /* Meta's event, "" when none */
	char title[TICK_COL_BUF(255)];
	char rating[17];    /* quality rating, "" when none */
	char limit[65];     /* messaging limit tier, "" when none */
	const char *detail; /* JSON text (borrowed; NULL for none) on writes */
};

/*
 * Inside a transaction: locks row kind and reads it into r (detail is not
 * read). *found 0 when there is none.
 */
enum tick_err tick_channel_lock(struct tick_db *db, const char *kind,
    struct tick_channel_row *r, int *found);

/*
 * Writes row r->kind: every column from r, except that an empty rating or
 * limit keeps the stored one; since moves to now when the severity, the
 * event or the code changed (else it stays); seen_at is now.
 */
enum tick_err
tick_channel_put(struct tick_db *db, const struct tick_channel_row *r);

/* Deletes row kind when its code is code (a failure a send cleared);
 * *n rows. */
enum tick_err tick_channel_drop(struct tick_db *db, const char *kind,
    long long code, long long *n);

/* How many rows carry a failing Graph code (190, 131031) now. */
enum tick_err tick_channel_failing(struct tick_db *db, long long *n);

/*
 * Every row as a new object keyed by kind: {severity, code, event, title,
 * rating, messaging_limit, detail (parsed, or null), since, at}.
 */
enum tick_err tick_channel_rows(struct tick_db *db, json_t **rows);

#endif
