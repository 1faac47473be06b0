/* tick: the audit log. Who did what, to which record, from where, when. */
#ifndef TICK_AUDIT_H
#define TICK_AUDIT_H

#include <jansson.h>

#include "err.h"

struct tick_db;
struct tick_req;

/*
 * Records an action. actor_id 0 means nobody signed in (actor_email may
 * then say whom it was about); entity and entity_id may be NULL. Takes
 * ownership of details (may be NULL). Inside or outside a transaction.
 */
enum tick_err tick_audit(struct tick_db *db, long long actor_id,
    const char *actor_email, const char *action, const char *entity,
    const char *entity_id, const char *remote_addr, json_t *details);

/* The same, with the actor and address taken from a signed-in request. */
enum tick_err tick_audit_req(struct tick_req *req, const char *action,
    const char *entity, long long entity_id, json_t *details);

/* GET /api/audit?page&limit&action&actor_id: newest first. */
void tick_audit_list(struct tick_req *req);

#endif
