/*
 * tick: sites and who manages them (issue 11), the sites and site_users
 * tables: every write to them and every read, the API's and the guided
 * intake's (active sites and sub-sites by code or id, a page of the site
 * list, a site's managers to tell of a critical report). SQL only; the
 * rules of the fields are base/site_rules.h's, the rules between sites
 * (one level of sub-sites) the API's, which locks rows here first.
 */
#ifndef TICK_SITES_H
#define TICK_SITES_H

#include <stddef.h>

#include <jansson.h>

#include "bounds.h"
#include "err.h"
#include "intake.h"
#include "site_rules.h"

struct tick_db;

/* Whose sites a request sees: all, or (sites_only) those user_id manages
 * (site_users) and their sub-sites. */
struct tick_site_scope {
	long long user_id;
	int sites_only;
};

/* A site's values as a create or an update sets them; each member at its
 * "leave" value keeps the column (an update) or takes the default. */
struct tick_site_fields {
	const char *code;    /* upper case, checked; NULL: leave */
	const char *name;    /* NULL: leave */
	const char *address; /* NULL: leave; "": none */
	/* 1: latitude and longitude (decimal text, "51.500000"); -1: none;
	 * 0: leave. */
	int has_position;
	const char *latitude, *longitude;
	int active;          /* 1 or 0; -1: leave (a new site is active) */
	long long parent_id; /* a site's id; -1: none (top level); 0: leave */
};

/* What the rules between sites need of one site. */
struct tick_site_row {
	long long id;
	long long parent_id; /* 0 for a top-level site */
	int active;
	long long subsites; /* how many sites have it as parent */
	char code[TICK_SITE_CODE_MAX + 1];
	/* Meta's code and the message registered with it, "" when none
	 * (the buffers hold their columns, VARCHAR(64) and VARCHAR(560)). */
	char qr_code[TICK_COL_BUF(64)];
	char qr_prefill[TICK_COL_BUF(560)];
};

/* A new site; *id its id. TICK_ECONFLICT when the code is taken. */
enum tick_err tick_site_create(struct tick_db *db,
    const struct tick_site_fields *f, long long *id);

/* Changes site id. TICK_ECONFLICT when the new code is taken. */
enum tick_err tick_site_update(struct tick_db *db, long long id,
    const struct tick_site_fields *f);

/* Inside a transaction: site id, its row locked (FOR UPDATE), into r.
 * TICK_ENOTFOUND when there is none. */
enum tick_err
tick_site_lock(struct tick_db *db, long long id, struct tick_site_row *r);

/* Site id into r when scope sees it; TICK_ENOTFOUND otherwise (another
 * site is none of the caller's business). */
enum tick_err tick_site_read(struct tick_db *db, long long id,
    const struct tick_site_scope *scope, struct tick_site_row *r);

/* Deactivates site id and its sub-sites (their rows stay); *subsites the
 * number of sub-sites this deactivated. */
enum tick_err
tick_site_deactivate(struct tick_db *db, long long id, long long *subsites);

/*
 * The public view of site id (a new object, the caller's to json_decref):
 * {id, code, name, address, latitude, longitude, active, parent_id,
 * parent {id, code, name} or null, subsites_count, managers [{id, name,
 * email}], qr {code, deep_link} or null, created_at, updated_at,
 * open_actions, overdue_actions (the corrective actions of the tickets of
 * the site and its sub-sites: open, and open past their due date)}. NULL
 * with *rc TICK_ENOTFOUND, TICK_EDB or TICK_ENOMEM.
 */
json_t *tick_site_json(struct tick_db *db, long long id, enum tick_err *rc);

/* Filters of a list: active -1 any, 0 or 1; q NULL or "" any, else a
 * part of the code or the name; parent_id 0 any, else its sub-sites. */
struct tick_site_filter {
	int active;
	const char *q;
	long long parent_id;
};

/*
 * One page of the sites scope sees, in code order with each sub-site
 * after its site: *items a new array of public views (at most limit from
 * offset), *total how many match. On an error *items is NULL.
 */
enum tick_err tick_site_list(struct tick_db *db,
    const struct tick_site_scope *scope, const struct tick_site_filter *f,
    long long limit, long long offset, json_t **items, long long *total);

/* Inside a transaction: whether user id exists and is active (its row
 * share-locked so it stays so until the commit). */
enum tick_err
tick_site_user_active(struct tick_db *db, long long user_id, int *active);

/*
 * Inside a transaction: the managers of site id become user_ids[0..n)
 * (distinct, checked by the caller). *before (may be NULL) is a new array
 * of the ids that managed it until now.
 */
enum tick_err tick_site_set_managers(struct tick_db *db, long long id,
    const long long *user_ids, size_t n, json_t **before);

/* Stores what Meta's QR code API said of site id (strings borrowed, cut to
 * their columns). */
enum tick_err tick_site_set_qr(struct tick_db *db, long long id,
    const char *code, const char *deep_link, const char *prefill);

/* ---- What the guided intake reads of sites. */
/* An active site, or an active sub-site of an active site. */
struct tick_site_code {
	long long id;
	long long parent_id; /* 0 for a site, its site's id for a sub-site */
	char code[TICK_COL_BUF(10)];
	char name[TICK_COL_BUF(100)];
};

/*
 * The first of the candidate codes (base/intake's order) that names an
 * active site or sub-site. TICK_ENOTFOUND when none does (or there are
 * no candidates).
 */
enum tick_err tick_site_codes_find(struct tick_db *db,
    const struct tick_intake_codes *codes, struct tick_site_code *out);

/* The active site or sub-site id. TICK_ENOTFOUND when there is none. */
enum tick_err tick_site_codes_get(struct tick_db *db, long long id,
    struct tick_site_code *out);

/*
 * Up to max (at most TICK_SITE_CODES_PAGE_MAX) active sites (not
 * sub-sites) in code order, from the offset-th on, into out; *n says how
 * many.
 */
#define TICK_SITE_CODES_PAGE_MAX (TICK_INTAKE_ROWS_MAX + 1)
enum tick_err tick_site_codes_page(struct tick_db *db, long long offset,
    struct tick_site_code *out, size_t max, size_t *n);

/* Whether at least one active site exists. */
enum tick_err tick_site_codes_any(struct tick_db *db, int *any);

/* A manager to tell of a critical report. */
struct tick_site_manager {
	char mobile[TICK_COL_BUF(15)]; /* users.mobile as stored */
	long long contact_id;          /* their WhatsApp contact, 0 none */
	int window_open; /* they wrote to the desk in the last 24 hours */
};

/*
 * The active users who manage site_id or subsite_id (0 for none) and have
 * a mobile, each mobile once, at most max (TICK_SITE_CODES_MANAGERS_MAX)
 * in mobile order; *n says how many.
 */
#define TICK_SITE_CODES_MANAGERS_MAX 32
enum tick_err tick_site_codes_managers(struct tick_db *db, long long site_id,
    long long subsite_id, struct tick_site_manager *out, size_t max, size_t *n);

#endif
