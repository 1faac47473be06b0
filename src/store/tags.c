#include <string.h>

#include "assign_rules.h"
#include "bounds.h"
#include "db.h"
#include "tags.h"

enum tags_stmt { TG_OF, TG_CLEAR, TG_ADD, TG_STMT__MAX };

/* clang-format off */
static const char *const stmts[TG_STMT__MAX] = {
	[TG_OF] = "SELECT tag FROM ticket_tags WHERE ticket_id = ? ORDER BY tag"
	          " LIMIT 100",
	[TG_CLEAR] = "DELETE FROM ticket_tags WHERE ticket_id = ?",
	[TG_ADD] = "INSERT INTO ticket_tags (ticket_id, tag) VALUES (?, ?)",
};
/* clang-format on */

/* The tags of ticket id into arr. */
static enum tick_err
tags_of(struct tick_db *db, long long id, json_t *arr)
{
	char tag[TICK_TAG_BUF];
	struct tick_q q;
	enum tick_err rc;
	int f;

	tick_q_init(&q, db, stmts[TG_OF]);
	tick_q_int(&q, id);
	tick_q_out_str(&q, tag, sizeof(tag));
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		json_array_append_new(arr, json_string(tag));
	}
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_tags_set(struct tick_db *db, long long ticket_id, const char *const *tags,
    size_t n, json_t **before)
{
	struct tick_q q;
	enum tick_err rc;

	if ((*before = json_array()) == NULL)
		return TICK_ENOMEM;
	if ((rc = tags_of(db, ticket_id, *before)) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[TG_CLEAR]);
	tick_q_int(&q, ticket_id);
	rc = tick_q_run(&q);
	for (size_t i = 0; i < n && rc == TICK_OK; i++) {
		tick_q_init(&q, db, stmts[TG_ADD]);
		tick_q_int(&q, ticket_id);
		tick_q_str(&q, tags[i], (size_t)-1);
		rc = tick_q_run(&q);
	}
	return rc;
}

/* The object of tickets whose "id" is id, or NULL. */
static json_t *
find(json_t *tickets, long long id)
{
	size_t i;
	json_t *o;

	json_array_foreach (tickets, i, o)
		if (json_integer_value(json_object_get(o, "id")) == id)
			return o;
	return NULL;
}

enum tick_err
tick_tags_attach(struct tick_db *db, json_t *tickets, json_t *ticket)
{
	struct tick_sql s = { .len = 0 };
	char tag[TICK_TAG_BUF];
	long long tid = 0;
	size_t i, n = 0;
	struct tick_q q;
	enum tick_err rc;
	json_t *o;
	int f;

	if (ticket != NULL) {
		json_t *arr = json_array();

		if (arr == NULL)
			return TICK_ENOMEM;
		json_object_set_new(ticket, "tags", arr);
		return tags_of(db,
		    (long long)json_integer_value(
		        json_object_get(ticket, "id")),
		    arr);
	}
	json_array_foreach (tickets, i, o) {
		json_t *arr = json_array();

		if (arr == NULL)
			return TICK_ENOMEM;
		json_object_set_new(o, "tags", arr);
	}
	n = json_array_size(tickets);
	if (n == 0)
		return TICK_OK;
	if (n > 100)
		return TICK_ETOOBIG;
	tick_sql_add(&s,
	    "SELECT ticket_id, tag FROM ticket_tags"
	    " WHERE ticket_id IN (?");
	for (i = 1; i < n; i++)
		tick_sql_add(&s, ", ?");
	tick_sql_add(&s, ") ORDER BY ticket_id, tag");
	tick_q_init_built(&q, db, &s);
	json_array_foreach (tickets, i, o)
		tick_q_int(&q,
		    (long long)json_integer_value(json_object_get(o, "id")));
	tick_q_out_int(&q, &tid);
	tick_q_out_str(&q, tag, sizeof(tag));
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		if ((o = find(tickets, tid)) != NULL)
			json_array_append_new(json_object_get(o, "tags"),
			    json_string(tag));
	}
	tick_q_done(&q);
	return rc;
}
