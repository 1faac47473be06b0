/* tick: tickets and replies: the data, and the tickets API. */
#ifndef TICK_TICKETS_H
#define TICK_TICKETS_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

struct tick_db;
struct tick_req;

struct tick_ticket_ref {
	long long id;
	char reference[33];
	long long has_held; /* texts wait for the customer (find_open only) */
};

/* A ticket locked (SELECT ... FOR UPDATE) for an agent's action. */
struct tick_ticket {
	long long id;
	char reference[33];
	char status[16];
	long long assigned_to; /* 0 when nobody holds it */
	char mobile[16];       /* "" when none */
	long long contact_id;  /* 0 when none */
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

/* Inside a transaction: locks ticket id. TICK_ENOTFOUND when missing or
 * deleted. */
enum tick_err
tick_ticket_lock(struct tick_db *db, long long id, struct tick_ticket *t);

/* The ticket as JSON (a new object); with_timeline adds its replies, notes
 * and WhatsApp messages in time order. */
json_t *tick_ticket_json(struct tick_db *db, long long id, int with_timeline,
    enum tick_err *rc);

/* The tickets API. */
void tick_tickets_list(struct tick_req *req);
void tick_tickets_get(struct tick_req *req);
void tick_tickets_create(struct tick_req *req);
void tick_tickets_update(struct tick_req *req);
void tick_tickets_delete(struct tick_req *req);
void tick_tickets_stats(struct tick_req *req);

#endif
