#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "bounds.h"
#include "config.h"
#include "csat.h"
#include "csat_flow.h"
#include "csat_rules.h"
#include "events.h"
#include "intake.h"
#include "log.h"
#include "outbox.h"
#include "texts.h"
#include "tickets.h"
#include "wa.h"

static const enum tick_cfg labels[TICK_CSAT_BUTTONS] = {
	TICK_CFG_TEXT_CSAT_GOOD,
	TICK_CFG_TEXT_CSAT_OK,
	TICK_CFG_TEXT_CSAT_BAD,
};

enum tick_err
tick_csat_ask(struct tick_app *app, const struct tick_ticket *tk,
    struct tick_outbox_list *l, json_t **wa)
{
	const char *on = tick_config_get(&app->cfg, TICK_CFG_CSAT);
	const char *tmpl = tick_config_get(&app->cfg,
	    TICK_CFG_CSAT_TEMPLATE_NAME);
	char ids[TICK_CSAT_BUTTONS][TICK_CSAT_ID_MAX];
	const char *pl[TICK_CSAT_BUTTONS];
	struct tick_wa_choice c[TICK_CSAT_BUTTONS];
	struct tick_text_vars v = { tk->reference, NULL, NULL, NULL };
	char text[TICK_COL_BUF(TICK_INTAKE_BODY_MAX)], *payload = NULL;
	long long id = 0;
	enum tick_err rc;

	*wa = NULL;
	if (on == NULL || strcmp(on, "on") != 0)
		return TICK_OK;
	if (!tk->whatsapp_enabled || !tk->whatsapp_notifications ||
	    tk->mobile[0] == '\0') {
		*wa = json_pack("{s:s, s:s}", "status", "skipped", "reason",
		    tk->mobile[0] == '\0' ? "no_mobile" : "whatsapp_disabled");
		return TICK_OK;
	}
	if (!tk->window_open && tmpl == NULL) {
		*wa = json_pack("{s:s, s:s}", "status", "skipped", "reason",
		    "outside_window");
		return TICK_OK;
	}
	for (size_t i = 0; i < TICK_CSAT_BUTTONS; i++) {
		if ((rc = tick_csat_format_id(tk->id, tick_csat_button_score(i),
		         ids[i], sizeof(ids[i]))) != TICK_OK)
			return rc;
		pl[i] = ids[i];
		c[i].id = ids[i];
		c[i].title = tick_config_get(&app->cfg, labels[i]);
		c[i].description = NULL;
	}
	if ((rc = tick_text_render(&app->cfg, TICK_TEXT_CSAT_QUESTION, &v, text,
	         sizeof(text))) != TICK_OK)
		return rc;
	if (tk->window_open) {
		if ((payload = tick_wa_buttons_payload(tk->mobile, text, c,
		         TICK_CSAT_BUTTONS)) == NULL)
			return TICK_ENOMEM;
		rc = tick_outbox_add_interactive(app->db, tk->id,
		    tk->contact_id, payload, text, &id, l);
	} else {
		char body[160];

		if ((payload = tick_wa_template_quick_payload(tk->mobile, tmpl,
		         tick_config_get(&app->cfg, TICK_CFG_WA_TEMPLATE_LANG),
		         pl, TICK_CSAT_BUTTONS)) == NULL)
			return TICK_ENOMEM;
		snprintf(body, sizeof(body), "[template %.120s]", tmpl);
		rc = tick_outbox_add(app->db, tk->id, tk->contact_id, 0,
		    "template", body, payload, 0, &id, l);
	}
	free(payload);
	if (rc == TICK_OK)
		rc = tick_csat_mark_asked(app->db, tk->id);
	if (rc == TICK_OK)
		*wa = json_pack("{s:s, s:I, s:s}", "status", "queued", "id",
		    (json_int_t)id, "as",
		    tk->window_open ? "interactive" : "template");
	return rc;
}

/* The low score's action on target t (locked). */
static enum tick_err
low_score(struct tick_app *app, const struct tick_csat_target *t, int score)
{
	enum tick_csat_low a = tick_csat_low_action(
	    tick_config_get(&app->cfg, TICK_CFG_CSAT_LOW_ACTION));
	enum tick_err rc = TICK_OK;

	if (a == TICK_CSAT_LOW_REOPEN && t->closed) {
		char id[24];

		snprintf(id, sizeof(id), "%lld", t->id);
		rc = tick_ticket_reopen(app->db, t->id,
		    t->assigned_to != 0 ? "assigned" : "new");
		if (rc == TICK_OK)
			rc = tick_events_emit(app->db, TICK_EV_TICKET_STATUS,
			    t->id);
		/* A status change nobody signed in made: said in the audit. */
		if (rc == TICK_OK)
			rc = tick_audit(app->db, 0, NULL, "ticket.csat_reopen",
			    "ticket", id, NULL,
			    json_pack("{s:i, s:s}", "score", score, "to",
			        t->assigned_to != 0 ? "assigned" : "new"));
	} else if (a == TICK_CSAT_LOW_NOTIFY)
		rc = tick_events_emit_to(app->db, TICK_EV_TICKET_CSAT_LOW,
		    t->id, t->assigned_to);
	return rc;
}

/* A reply whose id is the rating (ticket, score). */
static enum tick_err
rating(struct tick_app *app, long long ticket, int score, long long contact_id,
    const char *mobile, struct tick_outbox_list *l,
    struct tick_csat_inbound *out)
{
	struct tick_text_vars v = { NULL, NULL, NULL, NULL };
	char text[TICK_COL_BUF(TICK_MAX_WA_TEXT)];
	struct tick_csat_target t;
	long long id = 0;
	int applied = 0;
	enum tick_err rc;

	rc = tick_csat_target(app->db, ticket, contact_id, mobile, &t);
	if (rc == TICK_ENOTFOUND) {
		tick_log_info("%s: a rating of ticket %lld that was not asked "
		              "of this customer: kept as a message only",
		    __func__, ticket);
		return TICK_OK;
	}
	if (rc != TICK_OK)
		return rc;
	out->ticket_id = t.id;
	if ((rc = tick_csat_rate(app->db, t.id, score, &applied)) != TICK_OK ||
	    !applied)
		return rc;
	if ((rc = tick_events_emit(app->db, TICK_EV_TICKET_CSAT, t.id)) !=
	    TICK_OK)
		return rc;
	if (tick_csat_is_low(score,
	        tick_config_num(&app->cfg, TICK_CFG_CSAT_LOW_SCORE)) &&
	    (rc = low_score(app, &t, score)) != TICK_OK)
		return rc;
	if (mobile == NULL)
		return TICK_OK;
	v.ref = NULL;
	if (tick_text_render(&app->cfg, TICK_TEXT_CSAT_THANKS, &v, text,
	        sizeof(text)) != TICK_OK ||
	    text[0] == '\0')
		return TICK_OK;
	return tick_outbox_add_text(app->db, t.id, contact_id, 0, mobile, text,
	    &id, l);
}

enum tick_err
tick_csat_inbound(struct tick_app *app, const struct tick_wa_msg *m,
    long long contact_id, const char *mobile, long long open_ticket,
    struct tick_outbox_list *l, struct tick_csat_inbound *out)
{
	struct tick_csat_comment_case c;
	long long ticket = 0, last = 0;
	int score = 0, r;
	enum tick_err rc;

	memset(out, 0, sizeof(*out));
	if (contact_id <= 0)
		return TICK_OK;
	if (m->kind == TICK_WA_INTERACTIVE || m->kind == TICK_WA_BUTTON) {
		r = tick_csat_parse_id(m->reply_id, &ticket, &score);
		if (r == 0)
			return TICK_OK;
		out->handled = 1;
		if (r < 0)
			return TICK_OK;
		return rating(app, ticket, score, contact_id, mobile, l, out);
	}
	if (m->kind != TICK_WA_TEXT || open_ticket != 0)
		return TICK_OK;
	memset(&c, 0, sizeof(c));
	if ((rc = tick_csat_last_rated(app->db, contact_id, &last,
	         &c.has_comment, &c.since_rating)) != TICK_OK)
		return rc;
	c.is_text = 1;
	c.has_rating = last != 0;
	c.has_open_ticket = open_ticket != 0;
	c.minutes = tick_config_num(&app->cfg, TICK_CFG_CSAT_COMMENT_MINUTES);
	if (!tick_csat_takes_comment(&c))
		return TICK_OK;
	if ((rc = tick_csat_comment(app->db, last, m->text)) != TICK_OK)
		return rc;
	out->handled = 1;
	out->ticket_id = last;
	return tick_events_emit(app->db, TICK_EV_TICKET_CSAT, last);
}
