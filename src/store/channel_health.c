#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channel_health.h"
#include "db.h"

#define ISO(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%fZ')"

enum channel_stmt {
	CH_LOCK,
	CH_PUT,
	CH_DROP,
	CH_FAILING,
	CH_ROWS,
	CH_STMT__MAX
};

/* clang-format off */
static const char *const stmts[CH_STMT__MAX] = {
	[CH_LOCK] =
	    "SELECT severity, COALESCE(code, 0), COALESCE(event, ''),"
	    " COALESCE(rating, ''), COALESCE(messaging_limit, '')"
	    " FROM whatsapp_channel_health WHERE kind = ? FOR UPDATE",
	/* since is assigned first: MariaDB assigns left to right, so it
	 * still sees the old severity, event and code. */
	[CH_PUT] =
	    "INSERT INTO whatsapp_channel_health (kind, severity, code, event,"
	    " title, rating, messaging_limit, detail, since, seen_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, NOW(3), NOW(3))"
	    " ON DUPLICATE KEY UPDATE"
	    " since = IF(severity <=> VALUES(severity) AND event <=> VALUES(event)"
	    " AND code <=> VALUES(code), since, NOW(3)),"
	    " severity = VALUES(severity), code = VALUES(code),"
	    " event = VALUES(event), title = VALUES(title),"
	    " rating = COALESCE(VALUES(rating), rating),"
	    " messaging_limit = COALESCE(VALUES(messaging_limit), messaging_limit),"
	    " detail = COALESCE(VALUES(detail), detail), seen_at = NOW(3)",
	[CH_DROP] =
	    "DELETE FROM whatsapp_channel_health WHERE kind = ? AND code = ?",
	[CH_FAILING] =
	    "SELECT COUNT(*) FROM whatsapp_channel_health"
	    " WHERE code IN (190, 131031) AND severity > 0",
	[CH_ROWS] =
	    "SELECT kind, severity, COALESCE(code, 0), event, title, rating,"
	    " messaging_limit, detail, " ISO("since") ", " ISO("seen_at")
	    " FROM whatsapp_channel_health ORDER BY kind",
};
/* clang-format on */

enum tick_err
tick_channel_lock(struct tick_db *db, const char *kind,
    struct tick_channel_row *r, int *found)
{
	struct tick_q q;
	long long sev = 0;
	enum tick_err rc;

	memset(r, 0, sizeof(*r));
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	*found = 0;
	tick_q_init(&q, db, stmts[CH_LOCK]);
	tick_q_str(&q, kind, (size_t)-1);
	tick_q_out_int(&q, &sev);
	tick_q_out_int(&q, &r->code);
	tick_q_out_str(&q, r->event, sizeof(r->event));
	tick_q_out_str(&q, r->rating, sizeof(r->rating));
	tick_q_out_str(&q, r->limit, sizeof(r->limit));
	rc = tick_q_one(&q);
	if (rc == TICK_ENOTFOUND)
		return TICK_OK;
	if (rc == TICK_OK) {
		*found = 1;
		r->severity = (int)sev;
	}
	return rc;
}

enum tick_err
tick_channel_put(struct tick_db *db, const struct tick_channel_row *r)
{
	struct tick_q q;

	if (r->detail != NULL && strlen(r->detail) > TICK_CHANNEL_DETAIL_MAX)
		return TICK_ETOOBIG;
	tick_q_init(&q, db, stmts[CH_PUT]);
	tick_q_str(&q, r->kind, (size_t)-1);
	tick_q_int(&q, r->severity);
	tick_q_opt_int(&q, r->code);
	tick_q_opt_str(&q, r->event);
	tick_q_opt_str(&q, r->title);
	tick_q_opt_str(&q, r->rating);
	tick_q_opt_str(&q, r->limit);
	tick_q_opt_str(&q, r->detail);
	return tick_q_run(&q);
}

enum tick_err
tick_channel_drop(struct tick_db *db, const char *kind, long long code,
    long long *n)
{
	struct tick_q q;
	enum tick_err rc;

	*n = 0;
	tick_q_init(&q, db, stmts[CH_DROP]);
	tick_q_str(&q, kind, (size_t)-1);
	tick_q_int(&q, code);
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		*n = (long long)tick_q_affected(&q);
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_channel_failing(struct tick_db *db, long long *n)
{
	struct tick_q q;

	*n = 0;
	tick_q_init(&q, db, stmts[CH_FAILING]);
	return tick_q_count(&q, n);
}

static json_t *
str_or_null(const struct tick_q *q, int i, const char *s)
{
	return tick_q_isnull(q, i) ? json_null() : json_string(s);
}

enum tick_err
tick_channel_rows(struct tick_db *db, json_t **rows)
{
	char kind[17], event[TICK_COL_BUF(64)], title[TICK_COL_BUF(255)],
	    rating[TICK_COL_BUF(16)], limit[TICK_COL_BUF(64)],
	    detail[TICK_CHANNEL_DETAIL_MAX + 1], since[40], seen[40];
	long long sev, code;
	struct tick_q q;
	enum tick_err rc;
	json_t *o;
	int f;

	if ((*rows = json_object()) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[CH_ROWS]);
	tick_q_out_str(&q, kind, sizeof(kind));
	tick_q_out_int(&q, &sev);
	tick_q_out_int(&q, &code);
	tick_q_out_str(&q, event, sizeof(event));
	tick_q_out_str(&q, title, sizeof(title));
	tick_q_out_str(&q, rating, sizeof(rating));
	tick_q_out_str(&q, limit, sizeof(limit));
	tick_q_out_str(&q, detail, sizeof(detail));
	tick_q_out_str(&q, since, sizeof(since));
	tick_q_out_str(&q, seen, sizeof(seen));
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		json_t *d = tick_q_isnull(&q, 7) ? NULL :
		                                   json_loads(detail, 0, NULL);

		if (f < 0 ||
		    (o = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
		                   " s:s}",
		         "severity", (json_int_t)sev, "code",
		         code ? json_integer((json_int_t)code) : json_null(),
		         "event", str_or_null(&q, 3, event), "title",
		         str_or_null(&q, 4, title), "rating",
		         str_or_null(&q, 5, rating), "messaging_limit",
		         str_or_null(&q, 6, limit), "detail",
		         d ? d : json_null(), "since",
		         str_or_null(&q, 8, since), "at", seen)) == NULL) {
			rc = f < 0 ? TICK_EDB : TICK_ENOMEM;
			break;
		}
		json_object_set_new(*rows, kind, o);
	}
	tick_q_done(&q);
	if (rc != TICK_OK) {
		json_decref(*rows);
		*rows = NULL;
	}
	return rc;
}
