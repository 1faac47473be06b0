#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "app.h"
#include "assign.h"
#include "audit.h"
#include "bizcal.h"
#include "bounds.h"
#include "calendars.h"
#include "clock.h"
#include "config.h"
#include "contacts.h"
#include "db.h"
#include "events.h"
#include "log.h"
#include "notify.h"
#include "outbox.h"
#include "sites.h"
#include "sla.h"
#include "sla_policies.h"
#include "sla_rules.h"
#include "teams.h"
#include "texts.h"
#include "tickets.h"
#include "valid.h"

/* Most tickets one sweep looks at. */
#define SWEEP_MAX 500

/* Due time `min` business minutes after from (0: none). */
static int64_t
due_after(const struct tick_calendar *c, int64_t from, long long min)
{
	int64_t out = 0;

	if (min <= 0 || from <= 0)
		return 0;
	if (tick_bizcal_add(&c->cal, from, (int64_t)min * 60, NULL, 0, &out) !=
	    0)
		return 0;
	return out;
}

/* Business seconds left until due (0 when passed), -1 when no due. */
static long long
left_of(const struct tick_calendar *c, int64_t now, int64_t due)
{
	if (due <= 0)
		return -1;
	if (due <= now)
		return 0;
	return (long long)tick_bizcal_between(&c->cal, now, due, NULL, 0);
}

/* Which policy applies to t now: its id, 0 for none. t was read without
 * its tags (tick_sla_ticket_row): they are read only when a policy names
 * a tag (issue 18: one statement less per message otherwise). */
static enum tick_err
match(struct tick_db *db, struct tick_sla_ticket *t, long long *id)
{
	static struct tick_sla_criteria p[TICK_SLA_POLICIES_MAX];
	const char *tags[TICK_SLA_TAGS_MAX];
	struct tick_sla_facts f = { .severity = t->severity[0] ? t->severity :
		                                                 NULL,
		.site_id = t->site_id,
		.team_id = t->team_id,
		.tags = tags,
		.ntags = 0 };
	enum tick_err rc;
	size_t n = 0, k;
	long i;

	*id = 0;
	if ((rc = tick_sla_policy_criteria(db, p, TICK_SLA_POLICIES_MAX, &n)) !=
	    TICK_OK)
		return rc;
	for (k = 0; k < n && p[k].tag[0] == '\0'; k++)
		;
	if (k < n && (rc = tick_sla_ticket_tags(db, t)) != TICK_OK)
		return rc;
	for (k = 0; k < t->ntags; k++)
		tags[k] = t->tags[k];
	f.ntags = t->ntags;
	if ((i = tick_sla_pick(p, n, &f)) >= 0)
		*id = p[i].id;
	return TICK_OK;
}

static enum tick_err refresh(struct tick_db *db, long long id, int64_t now,
    int from_now, struct tick_sla_ticket *t);

enum tick_err
tick_sla_refresh(struct tick_db *db, long long id, int64_t now)
{
	struct tick_sla_ticket t;

	return refresh(db, id, now, 0, &t);
}

enum tick_err
tick_sla_start(struct tick_db *db, long long id, int64_t now)
{
	struct tick_sla_ticket t;

	return refresh(db, id, now, 1, &t);
}

enum tick_err
tick_sla_start_ticket(struct tick_db *db, long long id, int64_t now,
    struct tick_sla_ticket *t)
{
	return refresh(db, id, now, 1, t);
}

enum tick_err
tick_sla_out_of_hours(struct tick_app *app, long long id, long long contact_id,
    const char *to, int64_t now, const struct tick_sla_ticket *known,
    struct tick_outbox_list *l, int *sent)
{
	char text[TICK_MAX_WA_TEXT * 4 + 1], cut[TICK_MAX_WA_TEXT * 4 + 1];
	const char *tmpl = tick_config_get(&app->cfg,
	    TICK_CFG_TEXT_OUT_OF_HOURS);
	struct tick_text_vars v = { NULL, NULL, NULL, NULL };
	struct tick_calendar *c = NULL;
	struct tick_sla_ticket t;
	long long out_id = 0, team_id;
	enum tick_err rc;
	int first = 0;

	*sent = 0;
	if (to == NULL || tmpl == NULL || tmpl[0] == '\0')
		return TICK_OK;
	/* The ticket as the caller read it in this transaction (its team
	 * and reference), else read here. */
	if (known == NULL || known->id != id) {
		if ((rc = tick_sla_ticket_get(app->db, id, &t)) != TICK_OK)
			return rc;
		known = &t;
	}
	team_id = known->team_id;
	v.ref = known->reference;
	if ((c = malloc(sizeof(*c))) == NULL)
		return TICK_ENOMEM;
	if ((rc = tick_calendar_for_team(app->db, team_id, c)) != TICK_OK ||
	    c->id == 0 || tick_bizcal_is_open(&c->cal, now))
		goto out;
	if ((rc = tick_calendar_ooh_mark(app->db, id,
	         tick_bizcal_local_day(c->cal.tz, now), &first)) != TICK_OK ||
	    !first)
		goto out;
	if ((rc = tick_text_render(&app->cfg, TICK_TEXT_OUT_OF_HOURS, &v, text,
	         sizeof(text))) != TICK_OK)
		goto out;
	tick_valid_utf8_cut(text, strlen(text), TICK_MAX_WA_TEXT, cut,
	    sizeof(cut));
	rc = tick_outbox_add_text(app->db, id, contact_id, 0, to, cut, &out_id,
	    l != NULL && l->n < TICK_OUTBOX_LIST_MAX ? l : NULL);
	*sent = rc == TICK_OK;
out:
	free(c);
	return rc;
}

enum tick_err
tick_sla_welcome(struct tick_app *app, long long id, long long contact_id,
    const char *to, int64_t now, struct tick_outbox_list *l, int *sent)
{
	char text[TICK_MAX_WA_TEXT * 4 + 1], cut[TICK_MAX_WA_TEXT * 4 + 1];
	const char *tmpl = tick_config_get(&app->cfg, TICK_CFG_TEXT_WELCOME);
	struct tick_text_vars v = { NULL, NULL, NULL, NULL };
	struct tick_sla_ticket t;
	long long out_id = 0;
	enum tick_err rc;
	int first = 0;

	*sent = 0;
	if (contact_id <= 0)
		return TICK_OK;
	if ((rc = tick_contact_first_inbound(app->db, contact_id, now,
	         &first)) != TICK_OK ||
	    !first || to == NULL || tmpl == NULL || tmpl[0] == '\0')
		return rc;
	if ((rc = tick_sla_ticket_get(app->db, id, &t)) != TICK_OK)
		return rc;
	v.ref = t.reference;
	/* A text that does not render is not sent; the message stays. */
	if (tick_text_render(&app->cfg, TICK_TEXT_WELCOME, &v, text,
	        sizeof(text)) != TICK_OK) {
		tick_log_warn("TEXT_WELCOME does not render: not sent");
		return TICK_OK;
	}
	tick_valid_utf8_cut(text, strlen(text), TICK_MAX_WA_TEXT, cut,
	    sizeof(cut));
	rc = tick_outbox_add_text(app->db, id, contact_id, 0, to, cut, &out_id,
	    l != NULL && l->n < TICK_OUTBOX_LIST_MAX ? l : NULL);
	*sent = rc == TICK_OK;
	return rc;
}

/* Whether the SLA state tick_sla_ticket_put writes differs. */
static int
sla_same(const struct tick_sla_ticket *a, const struct tick_sla_ticket *b)
{
	return a->policy_id == b->policy_id && a->started_at == b->started_at &&
	    a->first_due == b->first_due && a->next_due == b->next_due &&
	    a->resolution_due == b->resolution_due &&
	    a->pending_since == b->pending_since &&
	    a->first_left == b->first_left && a->next_left == b->next_left &&
	    a->resolution_left == b->resolution_left;
}

/* Loads the ticket's calendar into *c (allocated on first use). */
static enum tick_err
calendar(struct tick_db *db, long long team_id, struct tick_calendar **c)
{
	if (*c != NULL)
		return TICK_OK;
	if ((*c = malloc(sizeof(**c))) == NULL)
		return TICK_ENOMEM;
	return tick_calendar_for_team(db, team_id, *c);
}

/* *t is left as the ticket's SLA state after the refresh. */
static enum tick_err
refresh(struct tick_db *db, long long id, int64_t now, int from_now,
    struct tick_sla_ticket *t_out)
{
	struct tick_sla_targets tg;
	struct tick_calendar *c = NULL;
	struct tick_sla_ticket *t = t_out;
	/* What was read, to write only a change (issue 18: a plain append
	 * needs neither the calendar nor the UPDATE). */
	struct tick_sla_ticket was;
	long long policy = 0;
	enum tick_err rc;

	if ((rc = tick_sla_ticket_row(db, id, t)) != TICK_OK)
		return rc;
	if (strcmp(t->status, "closed") == 0)
		return TICK_OK;
	was = *t;
	/* A new ticket's clock starts at the SLA's now, not the database's
	 * (a test moves the former). */
	if (from_now)
		t->started_at = now;
	if (strcmp(t->status, "pending") == 0) {
		/* The clock stops: keep what is left of each due time. */
		if (t->pending_since == 0) {
			if ((rc = calendar(db, t->team_id, &c)) != TICK_OK)
				goto out;
			t->pending_since = now;
			t->first_left = t->first_response_at == 0 ?
			    left_of(c, now, t->first_due) :
			    -1;
			t->next_left = left_of(c, now, t->next_due);
			t->resolution_left = left_of(c, now, t->resolution_due);
			t->first_due = t->first_response_at == 0 ? 0 :
			                                           t->first_due;
			t->next_due = t->resolution_due = 0;
			rc = tick_sla_ticket_put(db, t);
		}
		goto out;
	}
	if (t->pending_since > 0) {
		/* Back from pending: the clock runs on from now. */
		if ((rc = calendar(db, t->team_id, &c)) != TICK_OK)
			goto out;
		if (t->first_left >= 0)
			(void)tick_bizcal_add(&c->cal, now, t->first_left, NULL,
			    0, &t->first_due);
		if (t->next_left >= 0)
			(void)tick_bizcal_add(&c->cal, now, t->next_left, NULL,
			    0, &t->next_due);
		if (t->resolution_left >= 0)
			(void)tick_bizcal_add(&c->cal, now, t->resolution_left,
			    NULL, 0, &t->resolution_due);
		t->pending_since = 0;
		t->first_left = t->next_left = t->resolution_left = -1;
	}
	if ((rc = match(db, t, &policy)) != TICK_OK)
		goto out;
	if (policy != t->policy_id) {
		/* A new policy: its targets from the ticket's creation. */
		memset(&tg, 0, sizeof(tg));
		if ((rc = calendar(db, t->team_id, &c)) != TICK_OK)
			goto out;
		if (policy > 0 &&
		    (rc = tick_sla_policy_targets(db, policy, &tg)) != TICK_OK)
			goto out;
		t->policy_id = policy;
		t->first_due = t->first_response_at == 0 ?
		    due_after(c, t->started_at, tg.first_min) :
		    0;
		t->resolution_due = due_after(c, t->started_at,
		    tg.resolution_min);
		if (tg.next_min <= 0)
			t->next_due = 0;
	}
	if (!sla_same(t, &was))
		rc = tick_sla_ticket_put(db, t);
out:
	free(c);
	return rc;
}

enum tick_err
tick_sla_customer_wrote(struct tick_db *db, long long id, int64_t now,
    struct tick_sla_ticket *out)
{
	struct tick_sla_targets tg;
	struct tick_calendar *c = NULL;
	enum tick_err rc;

	/* The refresh leaves the ticket as it wrote it: no second read. */
	if ((rc = refresh(db, id, now, 0, out)) != TICK_OK)
		return rc;
	/* Before a first response the first-response due time runs; a
	 * running next-response due time keeps its start. */
	if (out->policy_id <= 0 || out->first_response_at == 0 ||
	    out->next_due > 0 || strcmp(out->status, "closed") == 0 ||
	    strcmp(out->status, "pending") == 0)
		return TICK_OK;
	if ((rc = tick_sla_policy_targets(db, out->policy_id, &tg)) != TICK_OK)
		return rc == TICK_ENOTFOUND ? TICK_OK : rc;
	if (tg.next_min <= 0)
		return TICK_OK;
	if ((c = malloc(sizeof(*c))) == NULL)
		return TICK_ENOMEM;
	if ((rc = tick_calendar_for_team(db, out->team_id, c)) == TICK_OK) {
		out->next_due = due_after(c, now, tg.next_min);
		rc = tick_sla_ticket_put(db, out);
	}
	free(c);
	return rc;
}

/* Whether due time d (0: none) has passed at now. */
static int
past(int64_t d, int64_t now)
{
	return d > 0 && d <= now;
}

static enum tick_err
settle(struct tick_db *db, const struct tick_sla_ticket *t, int64_t now)
{
	if (t->policy_id <= 0 || t->pending_since > 0)
		return TICK_OK;
	if ((t->first_response_at == 0 && past(t->first_due, now)) ||
	    past(t->next_due, now) || past(t->resolution_due, now))
		return tick_sla_ticket_breached(db, t->id);
	return TICK_OK;
}

enum tick_err
tick_sla_settle(struct tick_db *db, long long id, int64_t now)
{
	struct tick_sla_ticket t;
	enum tick_err rc;

	if ((rc = tick_sla_ticket_get(db, id, &t)) != TICK_OK)
		return rc;
	return settle(db, &t, now);
}

enum tick_err
tick_sla_staff_answered(struct tick_db *db, long long id, int64_t now)
{
	struct tick_sla_ticket t;
	enum tick_err rc;

	if ((rc = tick_sla_ticket_get(db, id, &t)) != TICK_OK ||
	    (rc = settle(db, &t, now)) != TICK_OK)
		return rc;
	if (t.next_due == 0 && t.next_left < 0)
		return TICK_OK;
	t.next_due = 0;
	t.next_left = -1;
	return tick_sla_ticket_put(db, &t);
}

/* A WhatsApp text to member of staff user_id, when they have a mobile,
 * under the 24-hour-window rule (the template outside it, the text held).
 * Queued for the outbox. */
static enum tick_err
tell_user(struct tick_app *app, long long user_id, const char *text)
{
	const char *tmpl = tick_config_get(&app->cfg,
	    TICK_CFG_WA_TEMPLATE_NAME);
	struct tick_notify_case nc = { .kind = TICK_NOTIFY_NOTICE,
		.whatsapp_enabled = 1,
		.has_text = 1 };
	struct tick_action_contact c;
	struct tick_notify_plan plan;
	long long id = 0, tid = 0;
	enum tick_err rc;
	char mobile[16];

	if ((rc = tick_action_owner_contact(app->db, user_id, &c)) != TICK_OK)
		return rc == TICK_ENOTFOUND ? TICK_OK : rc;
	if (c.mobile[0] == '\0' ||
	    tick_valid_phone(c.mobile, mobile) != TICK_OK)
		return TICK_OK;
	nc.has_recipient = 1;
	nc.window_open = c.window_open;
	nc.template_set = tmpl != NULL;
	plan = tick_notify_plan(&nc);
	if (plan.action == TICK_NOTIFY_SKIP)
		return TICK_OK;
	if (plan.action != TICK_NOTIFY_HOLD)
		return tick_outbox_add_text(app->db, 0, c.contact_id, 0, mobile,
		    text, &id, NULL);
	return tick_outbox_hold_for_contact(app, c.contact_id, mobile, text,
	    &id, &tid, NULL);
}

/* The site's managers with a mobile get the text (the live event is the
 * broadcast one). */
static enum tick_err
tell_managers(struct tick_app *app, long long site_id, const char *text,
    const long long *told, size_t ntold)
{
	const char *tmpl = tick_config_get(&app->cfg,
	    TICK_CFG_WA_TEMPLATE_NAME);
	struct tick_site_manager mgr[TICK_SITE_CODES_MANAGERS_MAX];
	enum tick_err rc;
	size_t n = 0;

	(void)told;
	(void)ntold;
	if (site_id <= 0)
		return TICK_OK;
	if ((rc = tick_site_codes_managers(app->db, site_id, 0, mgr,
	         TICK_SITE_CODES_MANAGERS_MAX, &n)) != TICK_OK)
		return rc;
	for (size_t i = 0; rc == TICK_OK && i < n; i++) {
		struct tick_notify_case nc = { .kind = TICK_NOTIFY_NOTICE,
			.whatsapp_enabled = 1,
			.has_recipient = 1,
			.window_open = mgr[i].window_open,
			.template_set = tmpl != NULL,
			.has_text = 1 };
		struct tick_notify_plan plan = tick_notify_plan(&nc);
		long long id = 0, tid = 0;
		char mobile[16];

		if (tick_valid_phone(mgr[i].mobile, mobile) != TICK_OK ||
		    plan.action == TICK_NOTIFY_SKIP)
			continue;
		if (plan.action == TICK_NOTIFY_HOLD)
			rc = tick_outbox_hold_for_contact(app,
			    mgr[i].contact_id, mobile, text, &id, &tid, NULL);
		else
			rc = tick_outbox_add_text(app->db, 0, mgr[i].contact_id,
			    0, mobile, text, &id, NULL);
	}
	return rc;
}

/* One alert about target of ticket t: events and texts to the holder, the
 * team and the site's managers. */
static enum tick_err
alert(struct tick_app *app, const struct tick_sla_ticket *t, const char *target,
    int breach, int64_t due)
{
	long long ids[TICK_TEAM_MEMBERS_MAX + 1];
	char text[TICK_MAX_WA_TEXT * 4 + 1], at[32], label[32];
	struct tick_text_vars v = { t->reference, NULL, NULL, label };
	struct tick_text_extra x[] = { { "{due}", at } };
	const char *ev = breach ? TICK_EV_SLA_BREACH : TICK_EV_SLA_WARNING;
	size_t n = 0, m = 0;
	enum tick_err rc;

	snprintf(label, sizeof(label), "%s", target);
	for (char *p = label; *p; p++)
		if (*p == '_')
			*p = ' ';
	if (tick_clock_format(due, at, sizeof(at)) != 0)
		at[0] = '\0';
	if ((rc = tick_text_render_with(&app->cfg,
	         breach ? TICK_TEXT_SLA_BREACH : TICK_TEXT_SLA_WARNING, &v, x,
	         1, text, sizeof(text))) != TICK_OK)
		return rc;
	if (t->assigned_to > 0)
		ids[n++] = t->assigned_to;
	if (t->team_id > 0 &&
	    (rc = tick_team_member_ids(app->db, t->team_id, ids + n, &m)) !=
	        TICK_OK)
		return rc;
	/* The holder is often a member too: tell each once. */
	for (size_t i = n; i < n + m; i++) {
		int dup = 0;

		for (size_t j = 0; j < n && !dup; j++)
			dup = ids[j] == ids[i];
		if (!dup)
			ids[n++] = ids[i];
	}
	rc = tick_events_emit(app->db, ev, t->id);
	for (size_t i = 0; rc == TICK_OK && i < n; i++)
		if ((rc = tick_events_emit_to(app->db, ev, t->id, ids[i])) ==
		    TICK_OK)
			rc = tell_user(app, ids[i], text);
	if (rc == TICK_OK)
		rc = tell_managers(app, t->site_id, text, ids, n);
	return rc;
}

/* At breach, when the policy says so: the ticket goes to another
 * available member of its team (or waits for one). */
static enum tick_err
reassign(struct tick_db *db, const struct tick_sla_ticket *t)
{
	struct tick_sla_targets tg;
	long long to = 0;
	enum tick_err rc;

	if (t->team_id <= 0 || t->policy_id <= 0)
		return TICK_OK;
	if ((rc = tick_sla_policy_targets(db, t->policy_id, &tg)) != TICK_OK)
		return rc == TICK_ENOTFOUND ? TICK_OK : rc;
	if (!tg.reassign)
		return TICK_OK;
	if ((rc = tick_ticket_transfer(db, t->id, -1, 0)) != TICK_OK)
		return rc;
	rc = tick_assign_ticket(db, t->id, t->team_id, t->assigned_to, &to);
	if (rc == TICK_OK) {
		char eid[24];

		snprintf(eid, sizeof(eid), "%lld", t->id);
		rc = tick_audit(db, 0, NULL, "sla.reassign", "ticket", eid,
		    NULL,
		    json_pack("{s:I, s:I}", "from", (json_int_t)t->assigned_to,
		        "to", (json_int_t)to));
	}
	return rc;
}

/* Checks one ticket in its own transaction. */
static enum tick_err
sweep_one(struct tick_app *app, long long id, int64_t now, int64_t warn_s,
    long long *n)
{
	struct tick_db *db = app->db;
	struct tick_sla_ticket t;
	enum tick_err rc;
	int breached = 0;

	if ((rc = tick_db_begin(db)) != TICK_OK)
		return rc;
	if ((rc = tick_sla_refresh(db, id, now)) != TICK_OK ||
	    (rc = tick_sla_ticket_get(db, id, &t)) != TICK_OK)
		goto out;
	if (strcmp(t.status, "closed") != 0 &&
	    strcmp(t.status, "pending") != 0) {
		const char *names[] = { "first_response", "next_response",
			"resolution" };
		const int64_t dues[] = {
			t.first_response_at == 0 ? t.first_due : 0,
			t.next_due,
			t.resolution_due,
		};

		for (size_t i = 0; rc == TICK_OK && i < 3; i++) {
			int64_t left;
			enum tick_sla_state s = tick_sla_state(dues[i], now,
			    warn_s, &left);
			int first = 0, breach = s == TICK_SLA_BREACHED;

			if (s != TICK_SLA_WARNING && s != TICK_SLA_BREACHED)
				continue;
			rc = tick_sla_alert_mark(db, id, names[i],
			    breach ? "breach" : "warning", dues[i], &first);
			if (rc == TICK_OK && first) {
				rc = alert(app, &t, names[i], breach, dues[i]);
				(*n)++;
				breached |= breach;
			}
		}
		if (rc == TICK_OK && breached &&
		    (rc = tick_sla_ticket_breached(db, id)) == TICK_OK)
			rc = reassign(db, &t);
	}
out:
	if (rc == TICK_OK)
		rc = tick_db_commit(db);
	if (rc != TICK_OK)
		tick_db_rollback(db);
	return rc;
}

enum tick_err
tick_sla_sweep(struct tick_app *app, int64_t now, long long *n)
{
	int64_t warn_s = tick_config_num(&app->cfg,
	                     TICK_CFG_SLA_WARNING_MINUTES) *
	    60;
	long long *ids = NULL, k = 0;
	enum tick_err rc;

	*n = 0;
	if ((rc = tick_sla_due_tickets(app->db, now + warn_s + 1, SWEEP_MAX,
	         &ids, &k)) != TICK_OK)
		return rc;
	for (long long i = 0; i < k; i++) {
		enum tick_err r = sweep_one(app, ids[i], now, warn_s, n);

		/* One ticket's failure is logged; the others go on. */
		if (r == TICK_EDB) {
			rc = r;
			break;
		}
		if (r != TICK_OK)
			tick_log_warn("%s: ticket %lld: %s", __func__, ids[i],
			    tick_strerror(r));
	}
	free(ids);
	return rc;
}
