/* tick: the tickets table and the replies customers add to it; the JSON
 * the API shows of a ticket. SQL only: no request in sight. */
#ifndef TICK_TICKETS_H
#define TICK_TICKETS_H

#include <stddef.h>

#include <jansson.h>

#include "bounds.h"
#include "cursor.h"
#include "err.h"
#include "refs.h"
#include "status.h"

struct tick_db;

/* How long before a due time a ticket's SLA reads "warning" (seconds;
 * SLA_WARNING_MINUTES, set once at start). */
void tick_ticket_set_sla_warning(long long seconds);

/* What an anonymous report shows instead of the reporter's name. */
#define TICK_ANONYMOUS_NAME "Anonymous"

struct tick_ticket_ref {
	long long id;
	char reference[TICK_COL_BUF(32)]; /* VARCHAR(32) */
	long long has_held; /* texts wait for the customer (find_open only) */
};

/*
 * Whose tickets a request sees: every ticket, or (sites_only) only those
 * on the sites and sub-sites user_id manages (site_users). Every query
 * that reads or changes tickets for a user takes one.
 */
struct tick_scope {
	long long user_id;
	int sites_only;
	/* Issue 13: an agent who belongs to teams sees the tickets of those
	 * teams, the tickets of no team, and the tickets they hold; an
	 * agent in no team sees them all (tick_role_teams_only). */
	int teams_only;
};
/* The scope's condition on tickets alias t, and its values
 * (tick_scope_bind). */
#define TICK_SCOPE_SQL                                                      \
	"((? = 0 OR t.site_id IN (SELECT su.site_id FROM site_users su"     \
	" WHERE su.user_id = ?) OR t.subsite_id IN (SELECT su.site_id"      \
	" FROM site_users su WHERE su.user_id = ?)) AND (? = 0"             \
	" OR t.team_id IS NULL OR t.assigned_to = ? OR t.team_id IN"        \
	" (SELECT tmx.team_id FROM team_members tmx WHERE tmx.user_id = ?)" \
	" OR NOT EXISTS (SELECT 1 FROM team_members tmy"                    \
	" WHERE tmy.user_id = ?)))"
struct tick_q;
void tick_scope_bind(struct tick_q *q, const struct tick_scope *s);

/* A ticket locked (SELECT ... FOR UPDATE) for an agent's action. */
struct tick_ticket {
	long long id;
	char reference[TICK_COL_BUF(32)]; /* VARCHAR(32) */
	enum tick_status status;
	long long assigned_to;         /* 0 when nobody holds it */
	char mobile[TICK_COL_BUF(15)]; /* "" when none; VARCHAR(15) */
	long long contact_id;          /* 0 when none */
	/* Whom WhatsApp sends go to: the mobile, else the contact's
	 * business-scoped user id (a customer known by username only);
	 * "" when neither. tick_wa_address_field says which field. */
	char address[TICK_COL_BUF(128)];
	int whatsapp_enabled;
	int whatsapp_notifications;
	int window_open;   /* the customer wrote in the last 24 hours */
	int responded;     /* first_response_at is set */
	long long team_id; /* 0 when it has no team */
};

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

/*
 * The window reminder (issue 16): ids (at most max) of open WhatsApp
 * tickets whose customer last wrote after from and at or before to (Unix
 * seconds), not reminded of that message yet, with no agent reply since.
 */
enum tick_err tick_ticket_reminders_due(struct tick_db *db, int64_t from,
    int64_t to, long long *ids, size_t max, size_t *n);

/* Inside a transaction: marks ticket id reminded of its customer's last
 * message when it is still due (as above); *claimed says whether this
 * call did (so a reminder goes once). */
enum tick_err tick_ticket_reminder_claim(struct tick_db *db, long long id,
    int64_t from, int64_t to, int *claimed);

/* Inside a transaction: locks ticket id. TICK_ENOTFOUND when missing,
 * deleted or outside scope (NULL: every ticket). */
enum tick_err tick_ticket_lock(struct tick_db *db,
    const struct tick_scope *scope, long long id, struct tick_ticket *t);

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
enum tick_err
tick_ticket_resolve(struct tick_db *db, const struct tick_scope *scope,
    long long id, const char *ref, long long *found);

/* Most values one of the inbox's list filters takes (?site=A,B,...). */
#define TICK_FILTER_VALUES_MAX 10

/* The inbox's filters (GET /api/tickets), as the api layer parsed them. */
struct tick_ticket_filters {
	/* borrowed names; nstatus of them */
	const char *status[TICK_STATUS__MAX];
	size_t nstatus;
	long long assigned_to; /* 0: anyone */
	int unassigned;
	char q[201], qlike[420]; /* the search, and it escaped for LIKE */
	/* What the search names besides its words (base/refs): the reference
	 * it spells ("1" is TKT-000001) or "", the LIKE pattern of the
	 * mobile's end reversed ("876543216%", matched against mobile_rev:
	 * an index range) for a phone number however written, or "", and
	 * its Chinese and Japanese runs as a boolean query over the bigram
	 * columns, or "" (sql/033_search.sql). */
	char qwords[TICK_SEARCH_WORDS_MAX]; /* q for FULLTEXT (base/refs) */
	char qref[48], qmobile[TICK_SEARCH_PHONE_MAX + 2];
	char qcjk[TICK_SEARCH_CJK_MAX];
	char from[24], to[24]; /* YYYY-MM-DD[THH:MM:SS], "" when absent */
	/* The IANA zone from and to are in (MariaDB's time zone tables);
	 * "" for UTC as the inbox has it. */
	char tz[65];
	/* 0 newest, 1 oldest, 2 last activity, 3 SLA (soonest due), 4 the
	 * customer waiting longest (issue 19) */
	int sort;
	/* Reports (issue 11): sites by id or code (a site's tickets include
	 * its sub-sites'), and keys; borrowed, n of each. */
	const char *sites[TICK_FILTER_VALUES_MAX];
	size_t nsites;
	/* Issue 18: the sites resolved to ids (tick_ticket_list does it), so
	 * that a site's list reads the site's index: top-level sites match
	 * site_id (their sub-sites' tickets carry it too), sub-sites match
	 * subsite_id. sites_resolved 0: matched by the names above. */
	int sites_resolved;
	long long site_ids[2 * TICK_FILTER_VALUES_MAX];
	long long subsite_ids[2 * TICK_FILTER_VALUES_MAX];
	size_t nsite_ids, nsubsite_ids;
	const char *categories[TICK_FILTER_VALUES_MAX];
	size_t ncategories;
	const char *severities[TICK_FILTER_VALUES_MAX];
	size_t nseverities;
	const char *observations[TICK_FILTER_VALUES_MAX];
	size_t nobservations;
	long long team_id; /* issue 13: 0 any, -1 no team */
	char tag[132];     /* a normalised tag, "" for any */
	int flagged;       /* issue 17: 1 only tickets the AI check flagged */
	struct tick_scope scope; /* whose tickets */
};

/* The inbox counts its matches exactly up to this many; beyond, it says
 * "more than TICK_LIST_TOTAL_MAX" (total_estimate) instead of counting a
 * million rows on every page. */
#define TICK_LIST_TOTAL_MAX 10000

/* Issue 18: the inbox's totals kept per status in ticket_counts
 * (sql/029_counts.sql), in one of these dims. */
enum tick_counts_dim {
	TICK_COUNTS_ALL,     /* every ticket (val 0) */
	TICK_COUNTS_HOLDER,  /* assigned_to; val 0: nobody */
	TICK_COUNTS_SITE,    /* site_id (a top-level site's, sub-sites' too) */
	TICK_COUNTS_SUBSITE, /* subsite_id */
	TICK_COUNTS_TEAM,    /* team_id; val 0: no team */
	TICK_COUNTS__MAX
};

/*
 * Which ticket_counts rows answer f's total exactly: the dim (an enum
 * tick_counts_dim), with its values in vals (room for 2 *
 * TICK_FILTER_VALUES_MAX), *nvals of them, the statuses being f's (none:
 * every status). -1 when the counters do not keep f's filter: a scope, a
 * search, dates, the report's keys, a tag, the AI flag, or more than one
 * of a holder (mine, assigned_to, unassigned), sites and a team. f's
 * sites must be resolved to ids (sites_resolved). Pure.
 */
int tick_ticket_counts_dim(const struct tick_ticket_filters *f, long long *vals,
    size_t *nvals);

/* Which page of the inbox, and what the list says about the rest. */
struct tick_list_page {
	long long page, limit; /* 1-based page (used without after), 1..100 */
	/* Keyset paging: the rows after this one in f's order (its sort
	 * must be f's), or NULL for page. Borrowed. */
	const struct tick_cursor *after;
	/* Out: the matches (exact up to TICK_LIST_TOTAL_MAX; beyond, total
	 * is TICK_LIST_TOTAL_MAX and total_estimate 1), and the cursor of
	 * the page after this one ("" when this is the last). */
	long long total;
	int total_estimate;
	char next_cursor[TICK_CURSOR_MAX + 1];
};

/*
 * A page of tickets matching f, in f's order: *items a new array of the
 * list's JSON rows (with the last_message snippet stored on each ticket),
 * and p's outputs. On an error *items is NULL.
 */
enum tick_err
tick_ticket_list(struct tick_db *db, const struct tick_ticket_filters *f,
    struct tick_list_page *p, json_t **items);

/* Issue 18: the newest reply that is not an internal note (reply_id,
 * text) becomes ticket_id's list snippet, its first 300 characters; an
 * older reply committed later changes nothing. */
/* The reply carried by WhatsApp message message_id changed (an edit, a
 * deletion): the snippet of the ticket it is the last reply of follows. */
enum tick_err
tick_ticket_sync_snippet(struct tick_db *db, long long message_id);

enum tick_err tick_ticket_set_snippet(struct tick_db *db, long long ticket_id,
    long long reply_id, const char *text);

/* Issue 19: an agent replied on ticket_id (a note is no reply): its
 * waiting_since is cleared, in the transaction that adds the reply. */
enum tick_err tick_ticket_answered(struct tick_db *db, long long ticket_id);

/*
 * Issue 19, "New for me": how many open tickets the user of scope sees,
 * held by them or by nobody (their queues), are unread by them
 * (TICK_READS_UNREAD_SQL); counted up to TICK_LIST_TOTAL_MAX + 1 rows.
 */
enum tick_err tick_ticket_new_for_me(struct tick_db *db,
    const struct tick_scope *scope, long long *n);

/* The WHERE clause of f (constant fragments: " WHERE t.deleted_at IS NULL
 * AND ..." over tickets alias t) and its values, bound in the same order:
 * for the reports, which select the same tickets as the inbox. */
struct tick_sql;
void tick_ticket_where(struct tick_sql *s, const struct tick_ticket_filters *f);
void
tick_ticket_bind_where(struct tick_q *q, const struct tick_ticket_filters *f);
/* The same over the rows of ticket_rollup, alias t (the counts of tickets
 * per quarter hour of creation, in UTC, and per value of every column f
 * filters by; each row's count in t.n), bound by tick_ticket_bind_where:
 * 0, or -1 (nothing added) when f needs the tickets themselves (a tag, a
 * search, a from or to with a time of day). */
int tick_ticket_where_rollup(struct tick_sql *s,
    const struct tick_ticket_filters *f);

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

/* ---- A safety report's fields (issue 11): what the intake and the agents
 * fill in. Each member left at its "leave" value keeps the column. */
struct tick_ticket_report {
	long long site_id, subsite_id; /* 0: leave; -1: clear */
	/* Borrowed keys (category: an IOGP rule key or "other";
	 * observation_type: unsafe_act, ...; severity: low ... critical);
	 * NULL: leave; "": clear. */
	const char *category, *observation_type, *severity;
	/* has_location: latitude and longitude (decimal degrees as text,
	 * "51.500000"), name and address (NULL or "" for none) replace the
	 * location; -1 clears it; 0 leaves it. */
	int has_location;
	const char *latitude, *longitude, *location_name, *location_address;
	int anonymous; /* 1 or 0; -1 leaves it */
};

/* Inside a transaction (or alone): the report's changes to ticket id;
 * its last activity moves. Texts are cut to their columns. */
enum tick_err tick_ticket_set_report(struct tick_db *db, long long id,
    const struct tick_ticket_report *r);

/* Active site site_id: TICK_OK with *parent_id (0 for a site, its site for
 * a sub-site), or TICK_ENOTFOUND. */
enum tick_err
tick_ticket_site(struct tick_db *db, long long site_id, long long *parent_id);

/* The reporter of ticket id as {"name", "email", "mobile"} (a new object
 * in *out): what an anonymous report hides. */
enum tick_err
tick_ticket_identity(struct tick_db *db, long long id, json_t **out);

/* Inside a transaction: ticket id joins team team_id (0: none). */
enum tick_err
tick_ticket_set_team(struct tick_db *db, long long id, long long team_id);

/* Where ticket id was reported: *site its sub-site, else its site (0:
 * none); *parent the site of that sub-site (0 when *site is a site). */
enum tick_err tick_ticket_sites(struct tick_db *db, long long id,
    long long *site, long long *parent);

/* Inside the transaction that locked ticket id: a transfer (issue 13).
 * team_id >= 0 moves it to that team (0: none), -1 leaves its team; to is
 * the new holder, 0 nobody (then an assigned ticket is new again, and
 * waits). */
enum tick_err tick_ticket_transfer(struct tick_db *db, long long id,
    long long team_id, long long to);

/* The newest open ticket of mobile, without locking it; *id 0 when none. */
enum tick_err tick_ticket_open_by_mobile(struct tick_db *db, const char *mobile,
    long long *id);

#endif
