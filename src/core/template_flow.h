/*
 * tick: the WhatsApp template library's flows (issue 16): a sync of every
 * template of the business account from Meta, a creation and a deletion
 * through Meta's API, each leaving whatsapp_templates as Meta has it.
 */
#ifndef TICK_TEMPLATE_FLOW_H
#define TICK_TEMPLATE_FLOW_H

#include <jansson.h>

#include "err.h"
#include "wa.h"

struct tick_app;

struct tick_template_sync {
	int pages;         /* pages read */
	long long stored;  /* templates written */
	long long skipped; /* items Meta gave that tick cannot keep */
	long long removed; /* rows Meta no longer has */
	int complete;      /* every page was read (then removed applies) */
};

/*
 * Reads GET {WHATSAPP_API_URL}/{WHATSAPP_BUSINESS_ACCOUNT_ID}/
 * message_templates page after page (paging.cursors.after while
 * paging.next is given, at most TICK_TPL_PAGES_MAX pages) and writes each
 * template; after the last page the rows Meta no longer has are removed.
 * TICK_OK; TICK_ECONFIG without the account id or token; TICK_EUPSTREAM
 * or TICK_ETIMEOUT with res saying why (what was read stays written, and
 * nothing is removed); TICK_ETOOBIG when the pages did not end.
 */
enum tick_err tick_templates_sync(struct tick_app *app,
    struct tick_template_sync *st, struct tick_wa_result *res);

/*
 * Creates template req ({name, language, category, components,
 * parameter_format?}, checked with tick_wa_tpl_check_create already) at
 * Meta and stores it with the status Meta answered (PENDING mostly).
 * TICK_OK with *row (a new object: the stored row); else as a Graph call.
 */
enum tick_err tick_templates_create(struct tick_app *app, const json_t *req,
    json_t **row, struct tick_wa_result *res);

/*
 * Deletes template name (every language) at Meta, then the stored rows
 * (*n of them). TICK_OK; else as a Graph call.
 */
enum tick_err tick_templates_delete(struct tick_app *app, const char *name,
    long long *n, struct tick_wa_result *res);

#endif
