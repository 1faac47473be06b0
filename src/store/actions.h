/*
 * tick: a ticket's corrective actions (issue 11), the ticket_actions table,
 * and the reads around them: an action's files (attachments.action_id),
 * its owner's WhatsApp contact, whether a user manages a ticket's site.
 * SQL only: no request in sight. The rules (states, due dates, overdue,
 * who may) are base/action_rules.h's.
 */
#ifndef TICK_ACTIONS_H
#define TICK_ACTIONS_H

#include <jansson.h>

#include "action_rules.h"
#include "bounds.h"
#include "err.h"

struct tick_db;
struct tick_scope;

/* An action as an agent's change needs it, locked (FOR UPDATE). */
struct tick_action {
	long long id, ticket_id, owner_id;
	enum tick_action_status status;
	char due[11]; /* YYYY-MM-DD */
};

/* Inside a transaction: a new open action on ticket_id (texts borrowed,
 * due as YYYY-MM-DD, checked first); *id its id. */
enum tick_err tick_action_create(struct tick_db *db, long long ticket_id,
    const char *description, long long owner_id, const char *due,
    long long created_by, long long *id);

/* Inside a transaction: locks action id of ticket ticket_id into *a.
 * TICK_ENOTFOUND when there is no such action on that ticket. */
enum tick_err tick_action_lock(struct tick_db *db, long long ticket_id,
    long long id, struct tick_action *a);

/* Changes action id: description (NULL: leave), owner_id (0: leave), due
 * (NULL: leave). */
enum tick_err tick_action_update(struct tick_db *db, long long id,
    const char *description, long long owner_id, const char *due);

/* Closes open action id as status (done or cancelled) with note, by
 * closed_by. TICK_ECONFLICT when it is not open. */
enum tick_err tick_action_close(struct tick_db *db, long long id,
    enum tick_action_status status, const char *note, long long closed_by);

/* Opens closed action id again: its closing (note, who, when) is cleared;
 * the audit log keeps it. TICK_ECONFLICT when it is open. */
enum tick_err tick_action_reopen(struct tick_db *db, long long id);

/* Attachment attachment_id is evidence of closing action id. */
enum tick_err tick_action_link_file(struct tick_db *db, long long id,
    long long attachment_id);

/* The actions of ticket_id: in all, open, and overdue (open, due before
 * today's UTC date). */
struct tick_action_counts {
	long long total, open, overdue;
};
enum tick_err tick_action_counts(struct tick_db *db, long long ticket_id,
    struct tick_action_counts *c);

/*
 * Action id as the API shows it (a new object): {id, ticket_id,
 * ticket_reference, description, owner {id, name}, due_date, status,
 * overdue, closing_note, files [...], created_by {id, name}, closed_by
 * {id, name} or null, closed_at, created_at, updated_at}. NULL with *rc
 * TICK_ENOTFOUND, TICK_EDB or TICK_ENOMEM.
 */
json_t *tick_action_json(struct tick_db *db, long long id, enum tick_err *rc);

/* The actions of ticket_id (at most TICK_ACTION_PER_TICKET_MAX; open ones
 * first, then by due date) as a new array in *items, and their counts. */
enum tick_err tick_action_ticket_list(struct tick_db *db, long long ticket_id,
    json_t **items, struct tick_action_counts *c);

/* Adds "actions", "open_actions" and "overdue_actions" to ticket, the JSON
 * of ticket_id. */
enum tick_err tick_action_ticket_json_add(struct tick_db *db,
    long long ticket_id, json_t *ticket);

/* GET /api/actions' filters, as the api layer parsed them. */
struct tick_action_filters {
	long long owner_id; /* 0: anyone */
	/* The ticket's site or sub-site, by id or by code (either matches;
	 * 0 and NULL: any site). site_code is borrowed, upper case. */
	long long site_id;
	const char *site_code;
	int overdue; /* only the overdue ones */
	int status;  /* an enum tick_action_status; -1: any */
};

/*
 * A page (1-based) of limit actions across the tickets scope s sees
 * (deleted tickets never), by due date: *items a new array of action JSON,
 * *total the matches in all. On an error *items is NULL.
 */
enum tick_err tick_action_list(struct tick_db *db,
    const struct tick_action_filters *f, const struct tick_scope *s,
    long long page, long long limit, json_t **items, long long *total);

/* How an action's owner is reached on WhatsApp. */
struct tick_action_contact {
	char mobile[TICK_COL_BUF(15)]; /* users.mobile; "" when none */
	long long contact_id;          /* their whatsapp_contacts row; 0 */
	int window_open; /* they wrote to the desk in the last 24 hours */
};

/* The WhatsApp contact of active user user_id. TICK_ENOTFOUND when there
 * is no such active user. */
enum tick_err tick_action_owner_contact(struct tick_db *db, long long user_id,
    struct tick_action_contact *c);

/* Whether user_id is linked (site_users) to the site or sub-site of ticket
 * ticket_id. */
enum tick_err tick_action_manages(struct tick_db *db, long long user_id,
    long long ticket_id, int *yes);

/* An action of alias a is overdue: open, and due before today (UTC). The
 * one SQL of base/action_rules.h's tick_action_overdue. */
#define TICK_ACTION_OVERDUE_SQL \
	"(a.status = 'open' AND a.due_date < UTC_DATE())"

#endif
