/*
 * tick: SLA storage (issue 13): the tables sla_policies and sla_alerts and
 * the SLA columns of tickets (sla_policy_id, the three due times, the
 * pending pause). SQL only; which policy applies is base/sla_rules'.
 */
#ifndef TICK_STORE_SLA_POLICIES_H
#define TICK_STORE_SLA_POLICIES_H

#include <stdint.h>

#include <jansson.h>

#include "assign_rules.h"
#include "err.h"
#include "sla_rules.h"

struct tick_db;

#define TICK_SLA_NAME_MAX 100 /* characters */

/* The nearest running due time of ticket t (SQL over tickets t): NULL
 * when none runs (closed, pending, or no target). */
/* clang-format off */
#define TICK_SLA_NEXT_DUE_SQL \
	"IF(t.status IN ('closed', 'pending'), NULL, NULLIF(LEAST(" \
	"COALESCE(IF(t.first_response_at IS NULL, t.first_response_due_at," \
	" NULL), '9999-12-31'), COALESCE(t.next_response_due_at," \
	" '9999-12-31'), COALESCE(t.resolution_due_at, '9999-12-31'))," \
	" '9999-12-31'))"
/*
 * Whether ticket t (SQL over tickets t, with a policy) missed a due time
 * (0 or 1) at the SLA clock's now, bound once (Unix seconds): recorded
 * (by the sweep, or when it was answered or closed late: core/sla's
 * settle), or a running due time already past.
 */
#define TICK_SLA_BREACHED_SQL \
	"(t.sla_breached = 1 OR COALESCE(" TICK_SLA_NEXT_DUE_SQL \
	" <= FROM_UNIXTIME(?), 0))"
/* clang-format on */

/* A policy as written (create: name, position; update: each has_*). */
struct tick_sla_policy_in {
	const char *name, *severity, *tag; /* borrowed; NULL: none */
	long long position, site_id, team_id;
	long long first_min, next_min, resolution_min; /* 0: none */
	int reassign;
	int has_name, has_position, has_severity, has_site, has_team, has_tag;
	int has_first, has_next, has_resolution, has_reassign;
	char tag_buf[TICK_TAG_BUF]; /* tag, normalised as a ticket's tags */
};

enum tick_err tick_sla_policy_create(struct tick_db *db,
    const struct tick_sla_policy_in *in, long long *id);
enum tick_err tick_sla_policy_update(struct tick_db *db, long long id,
    const struct tick_sla_policy_in *in);
/* Deletes; tickets keep their due times. */
enum tick_err tick_sla_policy_delete(struct tick_db *db, long long id);
/* {id, name, position, severity, site_id, team_id, tag,
 * first_response_minutes, next_response_minutes, resolution_minutes,
 * reassign_on_breach, created_at, updated_at}: new, or NULL with *rc
 * (TICK_ENOTFOUND). */
json_t *
tick_sla_policy_json(struct tick_db *db, long long id, enum tick_err *rc);
/* In matching order (position, id). */
enum tick_err tick_sla_policy_list(struct tick_db *db, json_t **items);

/* A policy's targets, for the arithmetic. */
struct tick_sla_targets {
	long long id;
	long long first_min, next_min, resolution_min; /* 0: none */
	int reassign;
};

/* Every policy's criteria, in matching order: up to max into p, *n. */
enum tick_err tick_sla_policy_criteria(struct tick_db *db,
    struct tick_sla_criteria *p, size_t max, size_t *n);
enum tick_err tick_sla_policy_targets(struct tick_db *db, long long id,
    struct tick_sla_targets *out);

/* A ticket's SLA state; times in Unix seconds, 0: none. */
struct tick_sla_ticket {
	long long id, team_id, site_id, assigned_to, policy_id;
	char status[16], severity[16], reference[33];
	/* When its SLA clock started (else its creation), its first
	 * response. */
	int64_t started_at, first_response_at;
	int64_t first_due, next_due, resolution_due, pending_since;
	long long first_left, next_left, resolution_left; /* -1: none */
	char tags[TICK_SLA_TAGS_MAX][33 * 4];
	size_t ntags;
};

/* Reads (and, in a transaction, locks) ticket id's SLA state. */
enum tick_err tick_sla_ticket_get(struct tick_db *db, long long id,
    struct tick_sla_ticket *t);
/* tick_sla_ticket_get without the tags (t->ntags 0): one statement. */
enum tick_err tick_sla_ticket_row(struct tick_db *db, long long id,
    struct tick_sla_ticket *t);
/* Reads the tags of ticket t->id into t (replacing any). */
enum tick_err
tick_sla_ticket_tags(struct tick_db *db, struct tick_sla_ticket *t);
/* Writes policy_id, started_at, the due times, pending_since and the
 * *_left values of t. */
enum tick_err
tick_sla_ticket_put(struct tick_db *db, const struct tick_sla_ticket *t);
/* Marks the ticket's SLA as breached (for the reports). */
enum tick_err tick_sla_ticket_breached(struct tick_db *db, long long id);

/* Open, not pending tickets whose nearest due time is before `before`
 * (Unix seconds), or whose SLA was never computed: up to max ids, new
 * array (free()). */
enum tick_err tick_sla_due_tickets(struct tick_db *db, int64_t before,
    long long max, long long **ids, long long *n);

/* Records one alert (target "first_response" ..., level "warning" or
 * "breach") for the due time: *first 1 the first time. */
enum tick_err tick_sla_alert_mark(struct tick_db *db, long long ticket_id,
    const char *target, const char *level, int64_t due, int *first);

#endif
