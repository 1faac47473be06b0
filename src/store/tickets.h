/* tick: the tickets table and the replies customers add to it; the JSON
 * the API shows of a ticket. SQL only: no request in sight. */
#ifndef TICK_TICKETS_H
#define TICK_TICKETS_H

#include <stddef.h>

#include <jansson.h>

#include "bounds.h"
#include "err.h"
#include "status.h"

struct tick_db;

struct tick_ticket_ref {
	long long id;
	char reference[TICK_COL_BUF(32)]; /* VARCHAR(32) */
	long long has_held; /* texts wait for the customer (find_open only) */
};

/* A ticket locked (SELECT ... FOR UPDATE) for an agent's action. */
struct tick_ticket {
	long long id;
	char reference[TICK_COL_BUF(32)]; /* VARCHAR(32) */
	enum tick_status status;
	long long assigned_to;         /* 0 when nobody holds it */
	char mobile[TICK_COL_BUF(15)]; /* "" when none; VARCHAR(15) */
	long long contact_id;          /* 0 when none */
	int whatsapp_enabled;
	int whatsapp_notifications;
	int window_open; /* the customer wrote in the last 24 hours */
	int responded;   /* first_response_at is set */
};

/*
 * Writes the reference of ticket id ("TKT-000042") into out. Returns
 * TICK_OK, or TICK_ETOOBIG when out is too small.
 */
enum tick_err tick_ticket_format_ref(const char *prefix, long long id,
    char *out, size_t outsz);

/*
 * The newest ticket that is not closed or deleted for a customer: by mobile
 * when there is one, else by WhatsApp contact. TICK_ENOTFOUND when none.
 */
enum tick_err tick_ticket_find_open(struct tick_db *db, const char *mobile,
    long long contact_id, struct tick_ticket_ref *out);

/* The ticket with reference ref, if it is this customer's (by mobile, else
 * contact): its id and status. TICK_ENOTFOUND otherwise. */
enum tick_err tick_ticket_find_by_ref_for(struct tick_db *db, const char *ref,
    const char *mobile, long long contact_id, long long *id, char *status,
    size_t statussz);

/* A new WhatsApp ticket (status new, WhatsApp on); name is cut to fit. */
enum tick_err tick_ticket_create_wa(struct tick_db *db, const char *prefix,
    const char *name, const char *mobile, long long contact_id,
    const char *text, struct tick_ticket_ref *out);

/* A customer's message appended to ticket_id as a reply. */
enum tick_err tick_ticket_add_customer_reply(struct tick_db *db,
    long long ticket_id, long long contact_id, const char *text,
    long long message_id, long long *reply_id);

/* The customer wrote on ticket_id: the 24-hour window and activity move. */
enum tick_err tick_ticket_touch_customer(struct tick_db *db,
    long long ticket_id, long long contact_id);

/*
 * The holder rule, on every path that changes a ticket or speaks to its
 * customer (reply, send, close, edit, status, retry): the user holding
 * it, or a super_admin (admin set). An unheld ticket is taken first.
 * No I/O.
 */
int tick_ticket_may_work(const struct tick_ticket *tk, long long user_id,
    int admin);

/* Inside a transaction: locks ticket id. TICK_ENOTFOUND when missing or
 * deleted. */
enum tick_err
tick_ticket_lock(struct tick_db *db, long long id, struct tick_ticket *t);

/* A timeline shows its newest items: TICK_TIMELINE_DEFAULT unless
 * ?timeline_limit asks for 1..TICK_TIMELINE_MAX. */
#define TICK_TIMELINE_DEFAULT 200
#define TICK_TIMELINE_MAX 1000
#define TICK_STR_(x) #x
#define TICK_STR(x) TICK_STR_(x)

/* A page of a timeline, newest first: limit items before the item named by
 * before_kind ('r' a reply or note, 'm' a WhatsApp message, 0 none: the
 * newest) and before_id. */
struct tick_timeline_page {
	long long limit;
	char before_kind;
	long long before_id;
};

/* The ticket as JSON (a new object); with_timeline adds the newest page of
 * its replies, notes and WhatsApp messages (tick_ticket_json_page). */
json_t *tick_ticket_json(struct tick_db *db, long long id, int with_timeline,
    enum tick_err *rc);

/*
 * The ticket as JSON with the page of its timeline (page may be NULL: no
 * timeline): "timeline" in time order, "timeline_total" (items in all),
 * "timeline_has_older" and "timeline_before" (the cursor of the older
 * ones, or null), and its files. TICK_ENOTFOUND when the ticket, or the
 * cursor's item in it, is missing.
 */
json_t *tick_ticket_json_page(struct tick_db *db, long long id,
    const struct tick_timeline_page *page, enum tick_err *rc);

/*
 * The id of the ticket named by id (when > 0) or else by its reference
 * ref, if it exists and is not deleted: TICK_OK with *found, TICK_ENOTFOUND
 * (with *found 0) or TICK_EDB.
 */
enum tick_err tick_ticket_resolve(struct tick_db *db, long long id,
    const char *ref, long long *found);

/* The inbox's filters (GET /api/tickets), as the api layer parsed them. */
struct tick_ticket_filters {
	const char *status[4]; /* borrowed names; nstatus of them */
	size_t nstatus;
	long long assigned_to; /* 0: anyone */
	int unassigned;
	char q[201], qlike[420]; /* the search, and it escaped for LIKE */
	char from[24], to[24];   /* YYYY-MM-DD[THH:MM:SS], "" when absent */
	int sort;                /* 0 newest, 1 oldest, 2 last activity */
};

/*
 * A page (1-based) of limit tickets matching f: *items a new array of the
 * list's JSON rows (with a last_message snippet), *total the matches in
 * all. On an error *items is NULL.
 */
enum tick_err
tick_ticket_list(struct tick_db *db, const struct tick_ticket_filters *f,
    long long page, long long limit, json_t **items, long long *total);

/* The tick system's form: a ticket as an agent writes it. Texts are
 * borrowed; NULL (or "") for an optional one not given. */
struct tick_ticket_form {
	const char *name, *email, *mobile, *description, *issue_type,
	    *issue_type_other, *issue_title;
	/* On an update: the member was given (null or "" clears it). */
	int has_email, has_mobile, has_issue_type_other, has_issue_title;
	/* 1 or 0; on an update -1 leaves the setting as it is. */
	int whatsapp_enabled, whatsapp_notifications;
};

/* Inside a transaction: a new form ticket by user created_by, and its
 * reference (prefix, into ref). */
enum tick_err tick_ticket_create_form(struct tick_db *db, const char *prefix,
    const struct tick_ticket_form *f, long long created_by, long long *id,
    char *ref, size_t refsz);

/* Inside a transaction: the form's changes to ticket id (a NULL text is
 * left as it is, but for the has_* ones). */
enum tick_err tick_ticket_update_form(struct tick_db *db, long long id,
    const struct tick_ticket_form *f);

/* Marks ticket id deleted; its record is kept. */
enum tick_err tick_ticket_delete(struct tick_db *db, long long id);

/* GET /api/tickets/stats: counts over the tickets not deleted. */
struct tick_ticket_stats {
	long long total, new_, assigned, in_progress, closed;
	long long unassigned_open, mine_open; /* open; mine: user_id's */
	long long avg_first_response_seconds, created_today;
};
enum tick_err tick_ticket_stats(struct tick_db *db, long long user_id,
    struct tick_ticket_stats *s);

/* ---- What agents do to a ticket, inside the transaction that locked it. */

/* Gives ticket id to user to: take set, only while nobody holds it (and it
 * is open), else over the holder. A new ticket becomes assigned.
 * TICK_ECONFLICT when the row did not change (someone took it first). */
enum tick_err
tick_ticket_assign(struct tick_db *db, long long id, long long to, int take);

/* Moves an open ticket to status; taker > 0 takes it as well. */
enum tick_err tick_ticket_set_status(struct tick_db *db, long long id,
    const char *status, long long taker);

/* Opens closed ticket id again, in status. */
enum tick_err
tick_ticket_reopen(struct tick_db *db, long long id, const char *status);

/* Closes ticket id by user closed_by, with resolution (borrowed). */
enum tick_err tick_ticket_close(struct tick_db *db, long long id,
    long long closed_by, const char *resolution);

/* An agent answered: the first response is recorded and a new or assigned
 * ticket is in progress. */
enum tick_err tick_ticket_responded(struct tick_db *db, long long id);

/* Something happened on ticket id (a note): its last activity is now. */
enum tick_err tick_ticket_touch(struct tick_db *db, long long id);

/* The newest open ticket of mobile, without locking it; *id 0 when none. */
enum tick_err tick_ticket_open_by_mobile(struct tick_db *db, const char *mobile,
    long long *id);

#endif
