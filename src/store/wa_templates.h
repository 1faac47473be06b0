/*
 * tick: the WhatsApp template library (issue 16), the table
 * whatsapp_templates: rows written by a sync or a creation, changed by
 * Meta's template webhooks, read by the list and by a send. SQL only.
 */
#ifndef TICK_STORE_WA_TEMPLATES_H
#define TICK_STORE_WA_TEMPLATES_H

#include <jansson.h>

#include "err.h"
#include "wa_template_rules.h"

struct tick_db;

/* Most rows one list answers. */
#define TICK_TEMPLATES_LIST_MAX 1000

/* Writes t (a template Meta described) by name and language: a new row or
 * the stored one changed; synced_at is now. */
enum tick_err
tick_template_upsert(struct tick_db *db, const struct tick_wa_tpl *t);

/* The database's clock now (DATETIME(3) text, 24 bytes) for
 * tick_template_prune. */
enum tick_err tick_template_now(struct tick_db *db, char now[32]);

/* Deletes the rows no sync has seen since `since` (a full sync started
 * then and Meta no longer has them); *n counts them. */
enum tick_err
tick_template_prune(struct tick_db *db, const char *since, long long *n);

/* Deletes every language of template name; *n counts the rows. */
enum tick_err
tick_template_delete(struct tick_db *db, const char *name, long long *n);

/* Template name in language lang into t, its components a new reference
 * in *components (json_decref it). TICK_ENOTFOUND when there is none. */
enum tick_err tick_template_get(struct tick_db *db, const char *name,
    const char *lang, struct tick_wa_tpl *t, json_t **components);

/* A change from Meta's webhooks (templates.h): the row named by Meta's id,
 * or else by name and language, takes its status (and reason), category
 * or quality. *n counts the rows changed (0: tick never saw it). */
enum tick_err tick_template_apply_event(struct tick_db *db,
    const struct tick_wa_tpl_event *ev, long long *n);

/*
 * The library as a new array in *items, by name then language, at most
 * TICK_TEMPLATES_LIST_MAX: each {id, name, language, category, status,
 * quality, parameter_format, components, meta_id, reason, synced_at,
 * updated_at}. status and category (NULL: any) match exactly, q (NULL:
 * any) a part of the name. *total counts every match.
 */
enum tick_err tick_template_list(struct tick_db *db, const char *status,
    const char *category, const char *q, json_t **items, long long *total);

#endif
