#include <string.h>

#include "bounds.h"
#include "db.h"
#include "forms.h"

enum forms_stmt { FM_OPEN, FM_LOCK, FM_SAVE, FM_PENDING, FM_STMT__MAX };

/* clang-format off */
static const char *const stmts[FM_STMT__MAX] = {
	[FM_OPEN] =
	    "INSERT IGNORE INTO intake_forms (ticket_id, step, site_id, subsite_id)"
	    " VALUES (?, 'start', ?, ?)",
	[FM_LOCK] =
	    "SELECT step, asked, page, COALESCE(site_id, 0),"
	    " COALESCE(subsite_id, 0), has_location, has_photo, last_message_id,"
	    " updated_at < NOW(3) - INTERVAL ? MINUTE,"
	    " COALESCE(suggested_category, ''),"
	    " COALESCE(suggested_observation, ''),"
	    " COALESCE(suggested_severity, ''), suggestion_declined"
	    " FROM intake_forms WHERE ticket_id = ? FOR UPDATE",
	/* last_message_id only moves forward. */
	[FM_SAVE] =
	    "UPDATE intake_forms SET step = ?, asked = ?, page = ?, site_id = ?,"
	    " subsite_id = ?, has_location = ?, has_photo = ?,"
	    " suggested_category = ?, suggested_observation = ?,"
	    " suggested_severity = ?, suggestion_declined = ?,"
	    " last_wamid = COALESCE(?, last_wamid),"
	    " last_message_id = GREATEST(last_message_id, ?), updated_at = NOW(3)"
	    " WHERE ticket_id = ?",
	[FM_PENDING] =
	    "SELECT f.ticket_id, m.id FROM whatsapp_messages m"
	    " JOIN intake_forms f ON f.ticket_id = m.ticket_id"
	    " WHERE m.wamid = ? AND m.direction = 'in'"
	    " AND m.id > f.last_message_id AND f.step NOT IN ('done', 'expired')",
};
/* clang-format on */

enum tick_err
tick_form_open(struct tick_db *db, long long ticket_id, long long site_id,
    long long subsite_id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[FM_OPEN]);
	tick_q_int(&q, ticket_id);
	tick_q_opt_int(&q, site_id);
	tick_q_opt_int(&q, subsite_id);
	return tick_q_run(&q);
}

enum tick_err
tick_form_lock(struct tick_db *db, long long ticket_id,
    long long timeout_minutes, struct tick_form *out)
{
	char step[TICK_COL_BUF(16)] = "";
	long long asked = 0, page = 0, loc = 0, photo = 0, stale = 0,
	          declined = 0;
	struct tick_q q;
	enum tick_err rc;

	memset(out, 0, sizeof(*out));
	tick_q_init(&q, db, stmts[FM_LOCK]);
	tick_q_int(&q, timeout_minutes);
	tick_q_int(&q, ticket_id);
	tick_q_out_str(&q, step, sizeof(step));
	tick_q_out_int(&q, &asked);
	tick_q_out_int(&q, &page);
	tick_q_out_int(&q, &out->f.site_id);
	tick_q_out_int(&q, &out->f.subsite_id);
	tick_q_out_int(&q, &loc);
	tick_q_out_int(&q, &photo);
	tick_q_out_int(&q, &out->last_message_id);
	tick_q_out_int(&q, &stale);
	tick_q_out_str(&q, out->f.sug_category, sizeof(out->f.sug_category));
	tick_q_out_str(&q, out->f.sug_observation,
	    sizeof(out->f.sug_observation));
	tick_q_out_str(&q, out->f.sug_severity, sizeof(out->f.sug_severity));
	tick_q_out_int(&q, &declined);
	if ((rc = tick_q_one(&q)) != TICK_OK)
		return rc;
	/* A step this build does not know ends the form: no question it
	 * cannot ask. */
	if (tick_intake_step_parse(step, &out->f.step) != 0)
		out->f.step = TICK_INTAKE_EXPIRED;
	out->f.asked = (int)asked;
	out->f.page = (int)page;
	out->f.has_location = loc != 0;
	out->f.has_photo = photo != 0;
	out->stale = stale != 0;
	out->f.declined = declined != 0;
	return TICK_OK;
}

enum tick_err
tick_form_save(struct tick_db *db, long long ticket_id,
    const struct tick_intake_form *f, const char *wamid, long long message_id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[FM_SAVE]);
	tick_q_str(&q, tick_intake_step_name(f->step), (size_t)-1);
	tick_q_int(&q, f->asked < 1 ? 1 : f->asked > 255 ? 255 : f->asked);
	tick_q_int(&q, f->page < 0 ? 0 : f->page > 65535 ? 65535 : f->page);
	tick_q_opt_int(&q, f->site_id);
	tick_q_opt_int(&q, f->subsite_id);
	tick_q_int(&q, f->has_location ? 1 : 0);
	tick_q_int(&q, f->has_photo ? 1 : 0);
	tick_q_str(&q, f->sug_category[0] ? f->sug_category : NULL, (size_t)-1);
	tick_q_str(&q, f->sug_observation[0] ? f->sug_observation : NULL,
	    (size_t)-1);
	tick_q_str(&q, f->sug_severity[0] ? f->sug_severity : NULL, (size_t)-1);
	tick_q_int(&q, f->declined ? 1 : 0);
	tick_q_str(&q, wamid, (size_t)-1);
	tick_q_int(&q, message_id);
	tick_q_int(&q, ticket_id);
	return tick_q_run(&q);
}

enum tick_err
tick_form_pending(struct tick_db *db, const char *wamid, long long *ticket_id,
    long long *message_id)
{
	struct tick_q q;

	*ticket_id = 0;
	*message_id = 0;
	tick_q_init(&q, db, stmts[FM_PENDING]);
	tick_q_str(&q, wamid, (size_t)-1);
	tick_q_out_int(&q, ticket_id);
	tick_q_out_int(&q, message_id);
	return tick_q_one(&q);
}
