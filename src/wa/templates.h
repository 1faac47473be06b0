/*
 * tick: WhatsApp message templates on the wire: the body of a template
 * send, a page of Meta's template list (pure), and the Graph API calls
 * that list, create and delete templates (graph.c's client). The rules
 * are base/wa_template_rules.
 */
#ifndef TICK_WA_TEMPLATES_H
#define TICK_WA_TEMPLATES_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"
#include "wa.h"
#include "wa_template_rules.h"

/* The most pages one sync reads (100 templates a page). */
#define TICK_TPL_PAGES_MAX 50
#define TICK_TPL_PAGE_LIMIT 100
/* A paging cursor Meta gives (bytes; tick's bound). */
#define TICK_TPL_CURSOR_MAX 512

/*
 * The Graph API body of a template send to `to` (a phone's digits or a
 * user id, tick_wa_address_field). components is borrowed (may be NULL
 * or empty: no "components"). A new string, free(); NULL on ENOMEM or a
 * bad argument.
 */
char *tick_wa_tpl_payload(const char *to, const char *name, const char *lang,
    const json_t *components);

/*
 * Reads a page of GET {waba}/message_templates: TICK_OK with *data (a new
 * reference to the "data" array) and after (the cursor of the next page,
 * "" at the end: when paging.next is absent, or no cursor came, or it is
 * not a cursor's characters); TICK_EUPSTREAM with res saying why. No I/O.
 */
enum tick_err
tick_wa_tpl_parse_page(int http_status, const char *body, size_t len,
    json_t **data, char *after, size_t aftersz, struct tick_wa_result *res);

/* ---- Graph API calls (graph.c's client). */

/* One page of the templates of WHATSAPP_BUSINESS_ACCOUNT_ID from cursor
 * after ("" the first). As tick_wa_tpl_parse_page; TICK_ECONFIG without
 * the account id or token. */
enum tick_err tick_wa_tpl_list_page(struct tick_wa_client *c, const char *after,
    json_t **data, char *next, size_t nextsz, struct tick_wa_result *res);

/* POST {waba}/message_templates with req (checked already). TICK_OK with
 * *answer ({id, status, category}, a new reference); else res says why. */
enum tick_err tick_wa_tpl_create(struct tick_wa_client *c, const json_t *req,
    json_t **answer, struct tick_wa_result *res);

/* DELETE {waba}/message_templates?name=<name> (every language of it).
 * TICK_OK when Meta said success; else res says why. */
enum tick_err tick_wa_tpl_delete(struct tick_wa_client *c, const char *name,
    struct tick_wa_result *res);

#endif
