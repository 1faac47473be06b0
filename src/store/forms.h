/*
 * tick: the intake_forms table, one row per ticket whose report the guided
 * intake is asking for (core/intake): its step and what it knows so far.
 * The state lives here and nowhere else, so any worker continues a form.
 * SQL only.
 */
#ifndef TICK_FORMS_H
#define TICK_FORMS_H

#include "err.h"
#include "intake.h"

struct tick_db;

/* A form as read, locked, for the next answer. */
struct tick_form {
	struct tick_intake_form f;
	long long last_message_id; /* the newest inbound message applied */
	int stale;                 /* not touched for the timeout's minutes */
};

/*
 * Inside the transaction that opens ticket_id: its form, at step start,
 * with the site (and sub-site; 0 for none) its first message named.
 * Nothing when the ticket has one already.
 */
enum tick_err tick_form_open(struct tick_db *db, long long ticket_id,
    long long site_id, long long subsite_id);

/*
 * Inside a transaction: locks ticket_id's form into *out; stale says
 * whether it was last touched more than timeout_minutes ago.
 * TICK_ENOTFOUND when the ticket has no form.
 */
enum tick_err tick_form_lock(struct tick_db *db, long long ticket_id,
    long long timeout_minutes, struct tick_form *out);

/*
 * Inside the transaction that locked it: the form's new state, after the
 * inbound message message_id (wamid, borrowed) was applied; its updated
 * time is now.
 */
enum tick_err tick_form_save(struct tick_db *db, long long ticket_id,
    const struct tick_intake_form *f, const char *wamid, long long message_id);

/*
 * A redelivered inbound message (wamid) that its ticket's open form has
 * not applied yet (the intake's transaction after it was stored failed):
 * its ticket and message ids. TICK_ENOTFOUND when there is none (the usual
 * case: it was applied, or its ticket has no open form).
 */
enum tick_err tick_form_pending(struct tick_db *db, const char *wamid,
    long long *ticket_id, long long *message_id);

#endif
