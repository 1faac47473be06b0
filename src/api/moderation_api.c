#include <string.h>

#include <jansson.h>

#include "actions.h"
#include "app.h"
#include "audit_api.h"
#include "db.h"
#include "fields.h"
#include "http.h"
#include "moderation_api.h"
#include "moderations.h"
#include "roles.h"
#include "session.h"
#include "ticket_args.h"
#include "tickets.h"

static const char *const review_actions[] = { "clear", "confirm", NULL };

static const struct tick_field review_fields[] = {
	{ "action", TICK_FIELD_ENUM, 1, 0, 0, review_actions },
};

void
tick_moderation_review_route(struct tick_req *req)
{
	struct tick_db *db = req->app->db;
	long long id = tick_ticket_route_id(req), mid;
	json_t *body = NULL, *errors = NULL, *t;
	const char *action;
	enum tick_err rc;
	int clear, manages = 0;

	if (id == 0)
		return;
	if ((mid = tick_http_param_id(req, 1)) == 0) {
		tick_http_fail(req, 404, TICK_ENOTFOUND, NULL,
		    "no such message", NULL);
		return;
	}
	if ((body = tick_http_json_body(req)) == NULL)
		return;
	if (tick_valid_fields(body, review_fields, 1, &errors) != TICK_OK) {
		tick_http_invalid(req, "action is clear or confirm", errors);
		goto out;
	}
	action = json_string_value(json_object_get(body, "action"));
	clear = strcmp(action, "clear") == 0;
	/* A super_admin, or a site manager of the ticket's site. */
	if (req->user.role == TICK_ROLE_SITE_MANAGER &&
	    (rc = tick_action_manages(db, req->user.id, id, &manages)) !=
	        TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	if (req->user.role != TICK_ROLE_SUPER_ADMIN && !manages) {
		tick_http_fail(req, 403, TICK_EFORBIDDEN, "forbidden",
		    "only a super_admin or a site manager of the ticket's site "
		    "may clear or confirm a flagged message",
		    NULL);
		goto out;
	}
	if ((rc = tick_db_begin(db)) != TICK_OK)
		goto fail;
	rc = tick_moderation_review(db, id, mid,
	    clear ? "cleared" : "confirmed", req->user.id);
	if (rc == TICK_ENOTFOUND) {
		tick_db_rollback(db);
		tick_http_fail(req, 404, TICK_ENOTFOUND, NULL,
		    "no flagged message of this ticket has that id", NULL);
		goto out;
	}
	if (rc == TICK_OK)
		rc = tick_audit_req(req,
		    clear ? "moderation.clear" : "moderation.confirm",
		    "message", mid,
		    json_pack("{s:I}", "ticket_id", (json_int_t)id));
	if (rc == TICK_OK)
		rc = tick_db_commit(db);
	if (rc != TICK_OK) {
		tick_db_rollback(db);
		goto fail;
	}
	if ((t = tick_ticket_json(db, id, 1, &rc)) == NULL)
		goto fail;
	tick_http_ok(req, 200, t,
	    clear ? "the message is cleared" : "the message stays flagged");
	goto out;
fail:
	tick_http_fail(req, 0, rc, NULL, NULL, NULL);
out:
	json_decref(body);
}
