/* tick: the audit log seen from requests: who did it, and GET /api/audit
 * (the entries themselves are store/audit.h's). */
#ifndef TICK_AUDIT_API_H
#define TICK_AUDIT_API_H

#include <jansson.h>

#include "err.h"

struct tick_req;

/* tick_audit() with the actor and address taken from a signed-in request;
 * entity_id 0 records none. Takes ownership of details (may be NULL). */
enum tick_err tick_audit_req(struct tick_req *req, const char *action,
    const char *entity, long long entity_id, json_t *details);

/* GET /api/audit?page&limit&action&actor_id: newest first. */
void tick_audit_list(struct tick_req *req);

#endif
