/* tick: a ticket's tags (issue 13), the ticket_tags table. Tags arrive
 * normalised (base/assign_rules: tick_tag_normalize). SQL only. */
#ifndef TICK_TAGS_H
#define TICK_TAGS_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

struct tick_db;

/* Replaces the tags of ticket_id with tags (n, distinct, normalised,
 * borrowed); *before a new array of the previous tags. */
enum tick_err tick_tags_set(struct tick_db *db, long long ticket_id,
    const char *const *tags, size_t n, json_t **before);

/* Sets "tags" (an array of strings, in order) on each ticket object of
 * tickets (an array of objects with "id", at most 100) or on ticket (one
 * object; pass tickets NULL). One query. */
enum tick_err
tick_tags_attach(struct tick_db *db, json_t *tickets, json_t *ticket);

#endif
