/* tick: an agent's review of the AI safety check of a message (issue 17). */
#ifndef TICK_MODERATION_API_H
#define TICK_MODERATION_API_H

struct tick_req;

/*
 * POST /api/tickets/:id/messages/:messageId/moderation {action: clear |
 * confirm}: a super_admin, or a site manager of the ticket's site, clears
 * a flagged message (shown again, the ticket no longer flagged by it) or
 * confirms it. Audited (moderation.clear, moderation.confirm). Answers the
 * ticket with its timeline; 404 when the message is not a flagged message
 * of the ticket, 403 for anyone else.
 */
void tick_moderation_review_route(struct tick_req *req);

#endif
