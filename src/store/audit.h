/* tick: the audit log, the audit_log table. Who did what, to which record,
 * from where, when. SQL only. */
#ifndef TICK_AUDIT_H
#define TICK_AUDIT_H

#include <jansson.h>

#include "err.h"

struct tick_db;

/*
 * Records an action. actor_id 0 means nobody signed in (actor_email may
 * then say whom it was about); entity and entity_id may be NULL. Takes
 * ownership of details (may be NULL); the strings are borrowed. Inside or
 * outside a transaction.
 */
enum tick_err tick_audit(struct tick_db *db, long long actor_id,
    const char *actor_email, const char *action, const char *entity,
    const char *entity_id, const char *remote_addr, json_t *details);

/* One audit_log row as read back. The strings are NULL where the column
 * is NULL, borrowed and valid only during the callback that gets them. */
struct tick_audit_entry {
	long long id;
	long long actor_id;      /* 0 when nobody signed in */
	const char *actor_email; /* the user's current e-mail, else as recorded */
	const char *action;
	const char *entity;
	const char *entity_id;
	const char *remote_addr;
	const char *details;    /* JSON text */
	const char *created_at; /* ISO 8601 in UTC */
};

/* Counts the entries with action (NULL for any) by actor (0 for any) into
 * *total. */
enum tick_err tick_audit_count(struct tick_db *db, const char *action,
    long long actor, long long *total);

/*
 * Calls each(entry, arg) for the entries with action (NULL for any) by
 * actor (0 for any), newest first, at most limit of them after skipping
 * offset. The query's error when it fails; TICK_EDB when a row cannot be
 * read (each has then seen the rows before it).
 */
enum tick_err tick_audit_read(struct tick_db *db, const char *action,
    long long actor, long long limit, long long offset,
    void (*each)(const struct tick_audit_entry *entry, void *arg), void *arg);

#endif
