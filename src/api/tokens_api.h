/*
 * tick: API tokens for integrations (issue 15): GET, POST /api/tokens and
 * DELETE /api/tokens/:id. A super admin manages everyone's; a user their
 * own. A token is made only from a signed-in session, shown once, and
 * carries scopes within its owner's role.
 */
#ifndef TICK_TOKENS_API_H
#define TICK_TOKENS_API_H

struct tick_req;

void tick_tokens_api_list(struct tick_req *req);
void tick_tokens_api_create(struct tick_req *req);
void tick_tokens_api_revoke(struct tick_req *req);

#endif
