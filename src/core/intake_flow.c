#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "assign.h"
#include "audit.h"
#include "bounds.h"
#include "config.h"
#include "db.h"
#include "events.h"
#include "forms.h"
#include "intake.h"
#include "intake_flow.h"
#include "log.h"
#include "moderations.h"
#include "notify.h"
#include "outbox.h"
#include "sites.h"
#include "texts.h"
#include "tickets.h"
#include "valid.h"
#include "wa.h"

/* Whether the intake asks: INTAKE=guided or off; unset, when an active
 * site exists (known already when one was found). */
static enum tick_err
guided(struct tick_app *app, int site_found, int *yes)
{
	const char *mode = tick_config_get(&app->cfg, TICK_CFG_INTAKE);

	*yes = 0;
	if (mode != NULL) {
		*yes = strcmp(mode, "guided") == 0;
		return TICK_OK;
	}
	if (site_found) {
		*yes = 1;
		return TICK_OK;
	}
	return tick_site_codes_any(app->db, yes);
}

/* The report's site: a sub-site's parent is its site. */
static void
site_of(const struct tick_site_code *s, long long *site, long long *subsite)
{
	*site = s->parent_id > 0 ? s->parent_id : s->id;
	*subsite = s->parent_id > 0 ? s->id : 0;
}

enum tick_err
tick_intake_open(struct tick_app *app, long long ticket_id, const char *text,
    int can_ask, int *opened)
{
	struct tick_ticket_report r = { .anonymous = -1 };
	struct tick_intake_codes codes;
	struct tick_site_code s;
	long long site = 0, subsite = 0;
	enum tick_err rc = TICK_ENOTFOUND;
	int ask = 0;

	*opened = 0;
	if (tick_intake_find_codes(text, &codes) > 0)
		rc = tick_site_codes_find(app->db, &codes, &s);
	if (rc != TICK_OK && rc != TICK_ENOTFOUND)
		return rc;
	if (rc == TICK_OK) {
		/* The code stays in the text: only the site is set. */
		site_of(&s, &site, &subsite);
		r.site_id = site;
		r.subsite_id = subsite;
		if ((rc = tick_ticket_set_report(app->db, ticket_id, &r)) !=
		    TICK_OK)
			return rc;
	}
	if (!can_ask || (rc = guided(app, site > 0, &ask)) != TICK_OK || !ask)
		return rc == TICK_ENOTFOUND ? TICK_OK : rc;
	if ((rc = tick_form_open(app->db, ticket_id, site, subsite)) == TICK_OK)
		*opened = 1;
	return rc;
}

enum tick_err
tick_intake_active(struct tick_app *app, long long ticket_id, int *active)
{
	struct tick_form f;
	enum tick_err rc;

	*active = 0;
	/* Locked with the ticket, in the same order as tick_intake_answer(). */
	rc = tick_form_lock(app->db, ticket_id, 0, &f);
	if (rc == TICK_ENOTFOUND)
		return TICK_OK;
	*active = rc == TICK_OK && f.f.step < TICK_INTAKE_DONE;
	return rc;
}

/* What message m is to the state machine. */
static void
input_of(const struct tick_wa_msg *m, struct tick_intake_input *in)
{
	memset(in, 0, sizeof(*in));
	in->text = m->text;
	switch (m->kind) {
	case TICK_WA_TEXT: in->kind = TICK_INTAKE_IN_TEXT; break;
	case TICK_WA_BUTTON: in->kind = TICK_INTAKE_IN_TEXT; break;
	case TICK_WA_INTERACTIVE:
		in->kind = m->reply_id != NULL ? TICK_INTAKE_IN_REPLY :
		                                 TICK_INTAKE_IN_OTHER;
		in->reply_id = m->reply_id;
		break;
	case TICK_WA_LOCATION:
		in->kind = m->has_location ? TICK_INTAKE_IN_LOCATION :
		                             TICK_INTAKE_IN_OTHER;
		break;
	case TICK_WA_IMAGE:
	case TICK_WA_VIDEO:
	case TICK_WA_DOCUMENT:
	case TICK_WA_AUDIO: in->kind = TICK_INTAKE_IN_MEDIA; break;
	default: in->kind = TICK_INTAKE_IN_OTHER; break;
	}
}

/* At the site step: the active site the answer names, if any. */
static enum tick_err
site_answer(struct tick_app *app, struct tick_intake_input *in)
{
	struct tick_intake_codes codes;
	struct tick_site_code s;
	long long id;
	enum tick_err rc = TICK_ENOTFOUND;

	if (in->kind == TICK_INTAKE_IN_REPLY &&
	    (id = tick_intake_reply_site(in->reply_id)) > 0)
		rc = tick_site_codes_get(app->db, id, &s);
	else if (in->kind == TICK_INTAKE_IN_TEXT &&
	    tick_intake_find_codes(in->text, &codes) > 0)
		rc = tick_site_codes_find(app->db, &codes, &s);
	if (rc == TICK_OK) {
		in->site_id = s.id;
		in->parent_id = s.parent_id;
	}
	return rc == TICK_ENOTFOUND ? TICK_OK : rc;
}

/*
 * The model's suggestion for ticket_id's report (issue 17), when one was
 * made with a confidence of MODERATION_SUGGEST_MIN_CONFIDENCE or more,
 * into in (its keys in the buffers given). Nothing otherwise.
 */
struct suggestion {
	char category[40], observation[40], severity[16];
};

static enum tick_err
suggestion_in(struct tick_app *app, long long ticket_id, struct suggestion *s,
    struct tick_intake_input *in)
{
	const char *min = tick_config_get(&app->cfg,
	    TICK_CFG_MODERATION_SUGGEST_MIN_CONFIDENCE);
	json_t *j = NULL;
	const char *c, *o, *v;
	enum tick_err rc;
	double conf;

	if ((rc = tick_moderation_suggestion(app->db, ticket_id, &j)) !=
	        TICK_OK ||
	    j == NULL)
		return rc;
	c = json_string_value(json_object_get(j, "life_saving_rule"));
	o = json_string_value(json_object_get(j, "observation_type"));
	v = json_string_value(json_object_get(j, "severity"));
	conf = json_number_value(json_object_get(j, "confidence"));
	if (c != NULL && o != NULL && v != NULL &&
	    conf >= (min != NULL ? strtod(min, NULL) : 0.7) &&
	    strlen(c) < sizeof(s->category) &&
	    strlen(o) < sizeof(s->observation) &&
	    strlen(v) < sizeof(s->severity)) {
		snprintf(s->category, sizeof(s->category), "%s", c);
		snprintf(s->observation, sizeof(s->observation), "%s", o);
		snprintf(s->severity, sizeof(s->severity), "%s", v);
		in->sug_category = s->category;
		in->sug_observation = s->observation;
		in->sug_severity = s->severity;
	}
	json_decref(j);
	return TICK_OK;
}

/* Sets on the ticket what the answer said. */
static enum tick_err
apply_report(struct tick_app *app, long long ticket_id,
    const struct tick_intake_outcome *o, const struct tick_wa_msg *m)
{
	struct tick_ticket_report r = { .anonymous = o->anonymous };
	char lat[32], lon[32];
	enum tick_err rc;

	r.site_id = o->site_id;
	r.subsite_id = o->subsite_id;
	r.category = o->category;
	r.observation_type = o->observation_type;
	r.severity = o->severity;
	if (o->location && m->has_location) {
		snprintf(lat, sizeof(lat), "%.6f", m->latitude);
		snprintf(lon, sizeof(lon), "%.6f", m->longitude);
		r.has_location = 1;
		r.latitude = lat;
		r.longitude = lon;
		r.location_name = m->location_name;
		r.location_address = m->location_address;
	}
	if (r.site_id == 0 && r.subsite_id == 0 && r.category == NULL &&
	    r.observation_type == NULL && r.severity == NULL &&
	    r.anonymous < 0 && r.has_location == 0)
		return TICK_OK;
	if ((rc = tick_ticket_set_report(app->db, ticket_id, &r)) != TICK_OK)
		return rc;
	/* A site named now takes the ticket to its team (issue 13). */
	if (r.site_id > 0 || r.subsite_id > 0) {
		long long team = 0, holder = 0;

		if ((rc = tick_assign_route_site(app->db, ticket_id, &team,
		         &holder)) != TICK_OK)
			return rc;
	}
	return tick_events_emit(app->db, TICK_EV_TICKET_UPDATED, ticket_id);
}

/* The readable text of a question for the timeline: its body and its
 * choices. */
static void
readable(const struct tick_intake_question *q, char *out, size_t outsz)
{
	size_t used;
	int n;

	n = snprintf(out, outsz, "%s", q->body);
	used = n < 0 ? 0 : (size_t)n >= outsz ? outsz - 1 : (size_t)n;
	for (size_t i = 0; i < q->nrows && used + 1 < outsz; i++) {
		n = snprintf(out + used, outsz - used, "%s%s",
		    i == 0 ? "\n[" : " | ", q->rows[i].title);
		if (n < 0 || (size_t)n >= outsz - used)
			break;
		used += (size_t)n;
	}
	if (q->nrows > 0 && used + 2 <= outsz)
		memcpy(out + used, "]", 2);
}

/* Stores question q for `to` on the ticket and queues it on l. */
static enum tick_err
queue_question(struct tick_app *app, const struct tick_ticket *tk,
    const char *to, const struct tick_intake_question *q,
    struct tick_outbox_list *l)
{
	struct tick_wa_choice c[TICK_INTAKE_ROWS_MAX];
	char text[TICK_COL_BUF(TICK_MAX_WA_TEXT) + 512], *payload = NULL;
	long long id = 0;
	enum tick_err rc;

	if (q->kind == TICK_INTAKE_Q_TEXT)
		return tick_outbox_add_text(app->db, tk->id, tk->contact_id, 0,
		    to, q->body, &id, l);
	for (size_t i = 0; i < q->nrows; i++) {
		c[i].id = q->rows[i].id;
		c[i].title = q->rows[i].title;
		c[i].description = q->rows[i].description;
	}
	payload = q->kind == TICK_INTAKE_Q_LIST ?
	    tick_wa_list_payload(to, q->body, q->button, c, q->nrows) :
	    tick_wa_buttons_payload(to, q->body, c, q->nrows);
	if (payload == NULL)
		return TICK_ENOMEM;
	readable(q, text, sizeof(text));
	rc = tick_outbox_add_interactive(app->db, tk->id, tk->contact_id,
	    payload, text, &id, l);
	free(payload);
	return rc;
}

/*
 * Builds the question o asks (the site list's page read now) into q.
 * With no active site left to list, the site step is skipped: *o then asks
 * what happened instead.
 */
static enum tick_err
build_question(struct tick_app *app, const struct tick_ticket *tk,
    struct tick_intake_outcome *o, struct tick_intake_question *q)
{
	struct tick_site_code rows[TICK_SITE_CODES_PAGE_MAX];
	struct tick_intake_site sites[TICK_SITE_CODES_PAGE_MAX];
	struct tick_text_vars v = { tk->reference, NULL, NULL, NULL };
	char words[200];
	size_t n = 0;
	enum tick_err rc;

	if (o->ask == TICK_INTAKE_ASK_CONFIRM) {
		tick_intake_suggestion_words(&o->next, words, sizeof(words));
		v.name = words;
	}
	if (o->ask == TICK_INTAKE_ASK_SITE) {
		rc = tick_site_codes_page(app->db,
		    (long long)o->next.page * TICK_INTAKE_SITES_PER_PAGE, rows,
		    TICK_SITE_CODES_PAGE_MAX, &n);
		/* A page past the end (sites went meanwhile): the first. */
		if (rc == TICK_OK && n == 0 && o->next.page > 0) {
			o->next.page = 0;
			rc = tick_site_codes_page(app->db, 0, rows,
			    TICK_SITE_CODES_PAGE_MAX, &n);
		}
		if (rc != TICK_OK)
			return rc;
		if (n == 0) {
			o->next.step = TICK_INTAKE_CATEGORY;
			o->next.asked = 1;
			o->ask = TICK_INTAKE_ASK_CATEGORY;
		}
		for (size_t i = 0; i < n; i++) {
			sites[i].id = rows[i].id;
			sites[i].code = rows[i].code;
			sites[i].name = rows[i].name;
		}
	}
	return tick_intake_question(&app->cfg, o->ask, &v, sites, n,
	    o->next.page, q);
}

/* A critical report: each manager of its site is told at once, a text
 * inside their 24-hour window, else the template (the same plan as every
 * notice). Each notice is an outbox row. */
static enum tick_err
notify_managers(struct tick_app *app, const struct tick_ticket *tk,
    const struct tick_intake_form *f, struct tick_outbox_list *l)
{
	const char *tmpl = tick_config_get(&app->cfg,
	    TICK_CFG_WA_TEMPLATE_NAME);
	struct tick_site_manager mgr[TICK_SITE_CODES_MANAGERS_MAX];
	struct tick_text_vars v = { tk->reference, NULL, NULL, NULL };
	char text[TICK_MAX_WA_TEXT * 4 + 1], id[24];
	struct tick_site_code site;
	int texts = 0, templates = 0;
	size_t n = 0;
	enum tick_err rc;
	long long out_id;

	if (f->site_id <= 0)
		return TICK_OK; /* no site, no managers to tell */
	if ((rc = tick_site_codes_managers(app->db, f->site_id, f->subsite_id,
	         mgr, TICK_SITE_CODES_MANAGERS_MAX, &n)) != TICK_OK)
		return rc;
	if (n == 0)
		return TICK_OK;
	rc = tick_site_codes_get(app->db,
	    f->subsite_id > 0 ? f->subsite_id : f->site_id, &site);
	if (rc != TICK_OK && rc != TICK_ENOTFOUND)
		return rc;
	v.name = rc == TICK_OK ? site.name : "";
	if ((rc = tick_text_render(&app->cfg, TICK_TEXT_INTAKE_CRITICAL, &v,
	         text, sizeof(text))) != TICK_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct tick_notify_case c = { .kind = TICK_NOTIFY_NOTICE,
			.whatsapp_enabled = 1,
			.has_recipient = 1,
			.window_open = mgr[i].window_open,
			.template_set = tmpl != NULL,
			.has_text = 1 };
		struct tick_notify_plan plan = tick_notify_plan(&c);
		/* The request sends what fits its list; the outbox the rest. */
		struct tick_outbox_list *to_l = l->n < TICK_OUTBOX_LIST_MAX ?
		    l :
		    NULL;
		char mobile[16];

		if (tick_valid_phone(mgr[i].mobile, mobile) != TICK_OK) {
			tick_log_warn("%s: ticket %lld: a manager's mobile is"
			              " not a number",
			    __func__, tk->id);
			continue;
		}
		/* Outside the window the template goes and the text waits,
		 * held, until the manager writes to the desk. */
		if (plan.action == TICK_NOTIFY_HOLD) {
			long long tpl_id;

			rc = tick_outbox_hold_for_contact(app,
			    mgr[i].contact_id, mobile, text, &out_id, &tpl_id,
			    to_l);
			templates++;
		} else {
			rc = tick_outbox_add_text(app->db, 0, mgr[i].contact_id,
			    0, mobile, text, &out_id, to_l);
			texts++;
		}
		if (rc != TICK_OK)
			return rc;
	}
	snprintf(id, sizeof(id), "%lld", tk->id);
	return tick_audit(app->db, 0, NULL, "intake.critical_notice", "ticket",
	    id, NULL,
	    json_pack("{s:I, s:I, s:I}", "site_id", (json_int_t)f->site_id,
	        "texts", (json_int_t)texts, "templates",
	        (json_int_t)templates));
}

/* Drops what was queued on l from its n0-th item on (their rows went
 * with the rolled-back transaction). */
static void
drop_from(struct tick_outbox_list *l, size_t n0)
{
	while (l->n > n0)
		free(l->items[--l->n].payload);
}

/* Applies m (row message_id) to ticket_id's form; inside a transaction. */
static enum tick_err
apply(struct tick_app *app, long long ticket_id, const struct tick_wa_msg *m,
    long long message_id, struct tick_outbox_list *l)
{
	static struct tick_intake_question q;
	struct tick_intake_outcome o;
	struct tick_intake_input in;
	struct suggestion sug;
	struct tick_ticket tk;
	struct tick_form f;
	const char *to;
	enum tick_err rc;

	/* The ticket first, then its form: the order ingest locks them in. */
	if ((rc = tick_ticket_lock(app->db, NULL, ticket_id, &tk)) != TICK_OK ||
	    (rc = tick_form_lock(app->db, ticket_id,
	         tick_config_num(&app->cfg, TICK_CFG_INTAKE_TIMEOUT_MINUTES),
	         &f)) != TICK_OK)
		return rc == TICK_ENOTFOUND ? TICK_OK : rc;
	/* Applied already (a redelivery), or asking no more. */
	if (message_id <= f.last_message_id || f.f.step >= TICK_INTAKE_DONE)
		return TICK_OK;
	input_of(m, &in);
	if (f.stale)
		in.kind = TICK_INTAKE_IN_TIMEOUT;
	else if (f.f.step == TICK_INTAKE_START && f.f.site_id == 0)
		rc = tick_site_codes_any(app->db, &in.sites_exist);
	else if (f.f.step == TICK_INTAKE_SITE)
		rc = site_answer(app, &in);
	if (rc != TICK_OK)
		return rc;
	/* The question of what happened may come next: the model's
	 * suggestion, when there is one, is offered in its place. */
	if (!f.stale && !f.f.declined &&
	    (f.f.step == TICK_INTAKE_START || f.f.step == TICK_INTAKE_SITE) &&
	    (rc = suggestion_in(app, ticket_id, &sug, &in)) != TICK_OK)
		return rc;
	tick_intake_step(&app->cfg, &f.f, &in, &o);
	to = m->from != NULL        ? m->from :
	    tk.address[0] != '\0'   ? tk.address :
	    m->from_user_id != NULL ? m->from_user_id :
	                              NULL;
	if (o.ask != TICK_INTAKE_ASK_NONE && to == NULL)
		o.ask = TICK_INTAKE_ASK_NONE;
	if (o.ask != TICK_INTAKE_ASK_NONE &&
	    (rc = build_question(app, &tk, &o, &q)) != TICK_OK)
		return rc;
	if ((rc = apply_report(app, ticket_id, &o, m)) != TICK_OK ||
	    (rc = tick_form_save(app->db, ticket_id, &o.next, m->wamid,
	         message_id)) != TICK_OK)
		return rc;
	if (o.ask != TICK_INTAKE_ASK_NONE &&
	    (rc = queue_question(app, &tk, to, &q, l)) != TICK_OK)
		return rc;
	if (o.critical)
		rc = notify_managers(app, &tk, &o.next, l);
	return rc;
}

enum tick_err
tick_intake_answer(struct tick_app *app, long long ticket_id,
    const struct tick_wa_msg *m, long long message_id,
    struct tick_outbox_list *l)
{
	size_t n0 = l->n;
	enum tick_err rc;

	if ((rc = tick_db_begin(app->db)) != TICK_OK)
		return rc;
	if ((rc = apply(app, ticket_id, m, message_id, l)) != TICK_OK ||
	    (rc = tick_db_commit(app->db)) != TICK_OK) {
		tick_db_rollback(app->db);
		drop_from(l, n0);
	}
	return rc;
}

enum tick_err
tick_intake_redelivered(struct tick_app *app, const struct tick_wa_msg *m,
    struct tick_outbox_list *l)
{
	long long ticket_id, message_id;
	enum tick_err rc;

	rc = tick_form_pending(app->db, m->wamid, &ticket_id, &message_id);
	if (rc == TICK_ENOTFOUND)
		return TICK_OK;
	if (rc != TICK_OK)
		return rc;
	tick_log_info("%s: message %s: applying it to ticket %lld's form now",
	    __func__, m->wamid, ticket_id);
	return tick_intake_answer(app, ticket_id, m, message_id, l);
}

/* The suggestion came: offered when the form waits at what happened. */
static enum tick_err
suggested(struct tick_app *app, long long ticket_id, struct tick_outbox_list *l)
{
	static struct tick_intake_question q;
	struct tick_intake_outcome o;
	struct tick_intake_input in;
	struct suggestion sug;
	struct tick_ticket tk;
	struct tick_form f;
	enum tick_err rc;

	if ((rc = tick_ticket_lock(app->db, NULL, ticket_id, &tk)) != TICK_OK ||
	    (rc = tick_form_lock(app->db, ticket_id,
	         tick_config_num(&app->cfg, TICK_CFG_INTAKE_TIMEOUT_MINUTES),
	         &f)) != TICK_OK)
		return rc == TICK_ENOTFOUND ? TICK_OK : rc;
	if (f.stale || f.f.declined || f.f.step != TICK_INTAKE_CATEGORY ||
	    tk.address[0] == '\0')
		return TICK_OK;
	memset(&in, 0, sizeof(in));
	in.kind = TICK_INTAKE_IN_SUGGESTION;
	if ((rc = suggestion_in(app, ticket_id, &sug, &in)) != TICK_OK)
		return rc;
	tick_intake_step(&app->cfg, &f.f, &in, &o);
	if (o.ask == TICK_INTAKE_ASK_NONE)
		return TICK_OK;
	if ((rc = build_question(app, &tk, &o, &q)) != TICK_OK ||
	    (rc = tick_form_save(app->db, ticket_id, &o.next, NULL, 0)) !=
	        TICK_OK)
		return rc;
	return queue_question(app, &tk, tk.address, &q, l);
}

enum tick_err
tick_intake_suggested(struct tick_app *app, long long ticket_id,
    struct tick_outbox_list *l)
{
	size_t n0 = l->n;
	enum tick_err rc;

	if ((rc = tick_db_begin(app->db)) != TICK_OK)
		return rc;
	if ((rc = suggested(app, ticket_id, l)) != TICK_OK ||
	    (rc = tick_db_commit(app->db)) != TICK_OK) {
		tick_db_rollback(app->db);
		drop_from(l, n0);
	}
	return rc;
}
