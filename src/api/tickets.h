/* tick: tickets and replies: the data, and the tickets API. */
#ifndef TICK_TICKETS_H
#define TICK_TICKETS_H

#include <stddef.h>

#include <jansson.h>

#include "bounds.h"
#include "err.h"

struct tick_db;
struct tick_req;

struct tick_ticket_ref {
	long long id;
	char reference[TICK_COL_BUF(32)]; /* VARCHAR(32) */
	long long has_held; /* texts wait for the customer (find_open only) */
};

/* A ticket locked (SELECT ... FOR UPDATE) for an agent's action. */
struct tick_ticket {
	long long id;
	char reference[TICK_COL_BUF(32)]; /* VARCHAR(32) */
	char status[16];                  /* an ENUM of ASCII names */
	long long assigned_to;            /* 0 when nobody holds it */
	char mobile[TICK_COL_BUF(15)];    /* "" when none; VARCHAR(15) */
	long long contact_id;             /* 0 when none */
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
 * Whether a ticket may move from status `from` to `to` by PUT .../status:
 * new, assigned, in_progress forward only; closed only by close; a
 * super_admin (admin set) may reopen a closed ticket. No I/O.
 */
int tick_ticket_transition_ok(const char *from, const char *to, int admin);

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

/* The id named by route parameter i: a number or a reference. 0 when there
 * is no such ticket (or it is deleted). */
long long
tick_ticket_id_param(struct tick_req *req, size_t i, enum tick_err *rc);

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

/*
 * Reads ?timeline_limit=N and ?timeline_before=<cursor> (r42, m42: the
 * answer's timeline_before) from query into p; defaults when absent.
 * TICK_EINVAL when either is malformed. No I/O.
 */
enum tick_err
tick_ticket_timeline_query(const char *query, struct tick_timeline_page *p);

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

/* The same for a request, paged by its query string; NULL after answering
 * 400 (a bad paging parameter), 404 or 503. */
json_t *tick_ticket_json_req(struct tick_req *req, long long id);

/* The tickets API. */
void tick_tickets_list(struct tick_req *req);
void tick_tickets_get(struct tick_req *req);
void tick_tickets_create(struct tick_req *req);
void tick_tickets_update(struct tick_req *req);
void tick_tickets_delete(struct tick_req *req);
void tick_tickets_stats(struct tick_req *req);

#endif
