#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app.h"
#include "audit.h"
#include "cld.h"
#include "config.h"
#include "contacts.h"
#include "db.h"
#include "erase.h"
#include "log.h"
#include "valid.h"

/* Tickets read per round of a person's erasure. */
#define ERASE_ROUND 200

enum tick_err
tick_erase_contact(struct tick_db *db, long long id,
    struct tick_erase_counts *c)
{
	long long ids[ERASE_ROUND];
	enum tick_err rc;
	size_t n;

	/* Rounds until no ticket is left: each erased one is gone. */
	do {
		if ((rc = tick_contact_ticket_ids(db, id, ids, ERASE_ROUND,
		         &n)) != TICK_OK)
			return rc;
		for (size_t i = 0; i < n; i++)
			if ((rc = tick_erase_ticket(db, ids[i], c)) != TICK_OK)
				return rc;
	} while (n == ERASE_ROUND);
	if ((rc = tick_erase_contact_messages(db, id, c)) != TICK_OK)
		return rc;
	return tick_contact_erase_rows(db, id);
}

static json_t *
counts_json(const struct tick_erase_counts *c)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I}", "tickets",
	    (json_int_t)c->tickets, "messages", (json_int_t)c->messages,
	    "replies", (json_int_t)c->replies, "events", (json_int_t)c->events,
	    "files", (json_int_t)c->files);
}

/* Erases expired ticket id in a transaction of its own, audited. */
static enum tick_err
expire_one(struct tick_db *db, long long id, long long days)
{
	struct tick_erase_counts c;
	char eid[24];
	json_t *d;
	enum tick_err rc;

	memset(&c, 0, sizeof(c));
	snprintf(eid, sizeof(eid), "%lld", id);
	if ((rc = tick_db_begin(db)) == TICK_OK &&
	    (rc = tick_erase_ticket(db, id, &c)) == TICK_OK) {
		d = counts_json(&c);
		if (d != NULL)
			json_object_set_new(d, "retention_days",
			    json_integer((json_int_t)days));
		if ((rc = tick_audit(db, 0, NULL, "ticket.retention_erase",
		         "ticket", eid, NULL, d)) == TICK_OK)
			rc = tick_db_commit(db);
	}
	if (rc != TICK_OK)
		tick_db_rollback(db);
	return rc;
}

enum tick_err
tick_erase_destroy_due(struct tick_app *app, struct tick_retention_stats *st)
{
	struct tick_destroy *d;
	char why[256], cut[256];
	enum tick_err rc;
	size_t n = 0;

	if ((d = calloc(TICK_DESTROY_BATCH, sizeof(*d))) == NULL)
		return TICK_ENOMEM;
	rc = tick_erase_due(app->db, d, TICK_DESTROY_BATCH, &n);
	for (size_t i = 0; rc == TICK_OK && i < n; i++) {
		if (tick_cld_destroy(&app->cfg, d[i].public_id,
		        d[i].mime[0] ? d[i].mime : NULL, why,
		        sizeof(why)) == TICK_OK) {
			rc = tick_erase_destroyed(app->db, d[i].id);
			st->destroyed++;
		} else {
			tick_valid_utf8_cut(why, strlen(why), 255, cut,
			    sizeof(cut));
			rc = tick_erase_destroy_failed(app->db, d[i].id, cut);
			st->failed++;
		}
	}
	free(d);
	return rc;
}

enum tick_err
tick_retention_run(struct tick_app *app, struct tick_retention_stats *st)
{
	long long days = tick_config_num(&app->cfg, TICK_CFG_RETENTION_DAYS);
	long long *ids = NULL;
	enum tick_err rc = TICK_OK;
	size_t n = 0;

	memset(st, 0, sizeof(*st));
	if (days > 0) {
		if ((ids = calloc(TICK_RETENTION_BATCH, sizeof(*ids))) == NULL)
			return TICK_ENOMEM;
		rc = tick_erase_expired(app->db, days, ids,
		    TICK_RETENTION_BATCH, &n);
		for (size_t i = 0; rc == TICK_OK && i < n; i++) {
			/* One ticket that cannot go never holds up the
			 * others. */
			if (expire_one(app->db, ids[i], days) == TICK_OK)
				st->tickets++;
			else
				tick_log_warn("%s: ticket %lld not erased: %s",
				    __func__, ids[i], tick_db_error(app->db));
		}
		free(ids);
	}
	if (rc == TICK_OK)
		rc = tick_erase_destroy_due(app, st);
	return rc;
}
