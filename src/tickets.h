/* tick: tickets and replies. Callers hold the transaction. */
#ifndef TICK_TICKETS_H
#define TICK_TICKETS_H

#include <stddef.h>

#include "err.h"

struct tick_db;

struct tick_ticket_ref {
	long long id;
	char reference[33];
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

/* A new WhatsApp ticket (status new, WhatsApp on); name is cut to fit. */
enum tick_err tick_ticket_create_wa(struct tick_db *db, const char *prefix,
    const char *name, const char *mobile, long long contact_id,
    const char *text, struct tick_ticket_ref *out);

/* A customer's message appended to ticket_id as a reply. */
enum tick_err tick_ticket_add_customer_reply(struct tick_db *db,
    long long ticket_id, long long contact_id, const char *text,
    long long message_id, long long *reply_id);

/*
 * Renders a customer text: {ref} becomes ref. Returns TICK_OK or
 * TICK_ETOOBIG when out (size outsz) is too small.
 */
enum tick_err tick_ticket_render_text(const char *tmpl, const char *ref,
    char *out, size_t outsz);

#endif
