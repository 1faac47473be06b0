#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "intake.h"
#include "report.h"
#include "valid.h"

/* ---- Site codes. */

/* Bytes that make up a word: a code next to one of these is part of a
 * longer word. Any byte of a multi-byte character counts as a letter. */
static int
word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/* The next word of text at or after *pos: its start and length; 0 at the
 * end. */
static int
next_word(const char *text, size_t *pos, size_t *start, size_t *len)
{
	size_t i = *pos;

	while (text[i] != '\0' && !word_byte((unsigned char)text[i]))
		i++;
	if (text[i] == '\0')
		return 0;
	*start = i;
	while (word_byte((unsigned char)text[i]))
		i++;
	*len = i - *start;
	*pos = i;
	return 1;
}

/* Whether text[start..start+len) can be a code: 3 to 10 ASCII letters and
 * digits. */
static int
code_shaped(const char *w, size_t len)
{
	if (len < TICK_INTAKE_CODE_MIN || len > TICK_INTAKE_CODE_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') ||
		        (w[i] >= 'A' && w[i] <= 'Z') ||
		        (w[i] >= '0' && w[i] <= '9')))
			return 0;
	return 1;
}

static void
add_code(struct tick_intake_codes *out, const char *w, size_t len)
{
	char code[TICK_INTAKE_CODE_MAX + 1];

	if (out->n == TICK_INTAKE_CODES_MAX)
		return;
	for (size_t i = 0; i < len; i++)
		code[i] = (w[i] >= 'a' && w[i] <= 'z') ? (char)(w[i] - 32) :
		                                         w[i];
	code[len] = '\0';
	for (size_t i = 0; i < out->n; i++)
		if (strcmp(out->code[i], code) == 0)
			return;
	memcpy(out->code[out->n++], code, len + 1);
}

/* Whether the bytes between two words join "site" to a code: one or more
 * of space, tab, ':', '#' and '-'. */
static int
site_gap(const char *p, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (strchr(" \t:#-", p[i]) == NULL)
			return 0;
	return 1;
}

size_t
tick_intake_find_codes(const char *text, struct tick_intake_codes *out)
{
	/* Where the "site" words that mark a code start (not codes then). */
	size_t markers[TICK_INTAKE_CODES_MAX], nmarkers = 0;
	size_t pos = 0, start, len, pstart = 0, plen = 0;
	int have_prev = 0;

	memset(out, 0, sizeof(*out));
	if (text == NULL)
		return 0;
	/* First the marked codes: "#CODE", "Site CODE". */
	while (next_word(text, &pos, &start, &len)) {
		int hash = start > 0 && text[start - 1] == '#';
		int site = have_prev && plen == 4 &&
		    strncasecmp(text + pstart, "site", 4) == 0 &&
		    site_gap(text + pstart + plen, start - pstart - plen);

		if ((hash || site) && code_shaped(text + start, len)) {
			add_code(out, text + start, len);
			if (site && nmarkers < TICK_INTAKE_CODES_MAX)
				markers[nmarkers++] = pstart;
		}
		pstart = start, plen = len, have_prev = 1;
	}
	/* Then every other word that could be one, in order. */
	pos = 0;
	while (out->n < TICK_INTAKE_CODES_MAX &&
	    next_word(text, &pos, &start, &len)) {
		size_t i;

		for (i = 0; i < nmarkers && markers[i] != start; i++)
			;
		if (i == nmarkers && code_shaped(text + start, len))
			add_code(out, text + start, len);
	}
	return out->n;
}

/* ---- Steps. */

static const char *const step_names[TICK_INTAKE_STEP__MAX] = {
	[TICK_INTAKE_START] = "start",
	[TICK_INTAKE_SITE] = "site",
	[TICK_INTAKE_CATEGORY] = "category",
	[TICK_INTAKE_OBSERVATION] = "observation",
	[TICK_INTAKE_SEVERITY] = "severity",
	[TICK_INTAKE_ANONYMOUS] = "anonymous",
	[TICK_INTAKE_LOCATION] = "location",
	[TICK_INTAKE_CONFIRM] = "confirm",
	[TICK_INTAKE_DONE] = "done",
	[TICK_INTAKE_EXPIRED] = "expired",
};

const char *
tick_intake_step_name(enum tick_intake_step s)
{
	return (unsigned)s < TICK_INTAKE_STEP__MAX ? step_names[s] : "?";
}

int
tick_intake_step_parse(const char *s, enum tick_intake_step *out)
{
	for (int i = 0; s != NULL && i < TICK_INTAKE_STEP__MAX; i++)
		if (strcmp(s, step_names[i]) == 0) {
			*out = (enum tick_intake_step)i;
			return 0;
		}
	return -1;
}

/* The lists the intake asks from (base/report's tables), and the prefix
 * of their rows' ids. */
static const char *const prefixes[TICK_REPORT__MAX] = {
	[TICK_REPORT_CATEGORY] = "rule:",
	[TICK_REPORT_OBSERVATION] = "obs:",
	[TICK_REPORT_SEVERITY] = "sev:",
};

/* The longest answer compared with a choice (bytes, normalised). */
#define NORM_MAX 96

/*
 * s as free text is compared: ASCII folded to lower case, '_' and '-' as
 * spaces, runs of spaces as one, no spaces or . ! ? at either end. 0 when
 * s is too long to be any choice.
 */
static int
norm(const char *s, char *out, size_t outsz)
{
	size_t o = 0;
	int space = 0;

	if (s == NULL)
		return 0;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '_' || c == '-' || c == ' ' || c == '\t' ||
		    c == '\n' || c == '\r') {
			space = o > 0;
			continue;
		}
		if (space) {
			if (o + 1 >= outsz)
				return 0;
			out[o++] = ' ';
			space = 0;
		}
		if (o + 1 >= outsz)
			return 0;
		out[o++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
	}
	while (o > 0 && strchr(".!?", out[o - 1]) != NULL)
		o--;
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return o > 0;
}

/* Whether text says the same as any of the (up to three) words. */
static int
says(const char *text, const char *a, const char *b, const char *c)
{
	const char *words[3] = { a, b, c };
	char t[NORM_MAX], w[NORM_MAX];

	if (!norm(text, t, sizeof(t)))
		return 0;
	for (int i = 0; i < 3; i++)
		if (words[i] != NULL && norm(words[i], w, sizeof(w)) &&
		    strcmp(t, w) == 0)
			return 1;
	return 0;
}

static const char *
title_of(const struct tick_config *cfg, enum tick_cfg key)
{
	const char *t = cfg != NULL ? tick_config_get(cfg, key) : NULL;

	return t != NULL ? t : "";
}

/* The choice of list k that the answer names: by its row id, or by free
 * text matching its key or title. */
static const struct tick_report_choice *
pick(enum tick_report_kind k, const struct tick_intake_input *in)
{
	const struct tick_report_choice *c;
	size_t n, plen = strlen(prefixes[k]);

	c = tick_report_choices(k, &n);
	for (size_t i = 0; i < n; i++) {
		if (in->kind == TICK_INTAKE_IN_REPLY && in->reply_id != NULL &&
		    strncmp(in->reply_id, prefixes[k], plen) == 0 &&
		    strcmp(in->reply_id + plen, c[i].key) == 0)
			return &c[i];
		if (in->kind == TICK_INTAKE_IN_TEXT &&
		    says(in->text, c[i].key, c[i].title, NULL))
			return &c[i];
	}
	return NULL;
}

static enum tick_intake_ask
ask_of(enum tick_intake_step s)
{
	switch (s) {
	case TICK_INTAKE_SITE: return TICK_INTAKE_ASK_SITE;
	case TICK_INTAKE_CATEGORY: return TICK_INTAKE_ASK_CATEGORY;
	case TICK_INTAKE_OBSERVATION: return TICK_INTAKE_ASK_OBSERVATION;
	case TICK_INTAKE_SEVERITY: return TICK_INTAKE_ASK_SEVERITY;
	case TICK_INTAKE_ANONYMOUS: return TICK_INTAKE_ASK_ANONYMOUS;
	case TICK_INTAKE_LOCATION: return TICK_INTAKE_ASK_LOCATION;
	case TICK_INTAKE_CONFIRM: return TICK_INTAKE_ASK_CONFIRM;
	case TICK_INTAKE_DONE: return TICK_INTAKE_ASK_DONE;
	default: return TICK_INTAKE_ASK_NONE;
	}
}

/* Moves to step s and asks its question for the first time. */
static void
go(struct tick_intake_outcome *out, enum tick_intake_step s)
{
	out->next.step = s;
	out->next.asked = 1;
	out->ask = ask_of(s);
}

/* The step after s (the form's order). */
static void
advance(struct tick_intake_outcome *out, enum tick_intake_step s)
{
	go(out,
	    s >= TICK_INTAKE_LOCATION ? TICK_INTAKE_DONE :
	                                (enum tick_intake_step)(s + 1));
}

/* Answers that fit no choice: asked once more, then the step is skipped. */
static void
mismatch(struct tick_intake_outcome *out, enum tick_intake_step s)
{
	if (out->next.asked < 2) {
		out->next.asked++;
		out->ask = ask_of(s);
	} else
		advance(out, s);
}

/* The next page of the site list a reply asks for ("more:2"), else -1. */
static int
more_page(const char *reply_id)
{
	long long n;

	if (reply_id == NULL || strncmp(reply_id, "more:", 5) != 0 ||
	    tick_valid_num(reply_id + 5, strlen(reply_id + 5), 1, 10000, &n) !=
	        TICK_OK)
		return -1;
	return (int)n;
}

long long
tick_intake_reply_site(const char *reply_id)
{
	long long n;

	if (reply_id == NULL || strncmp(reply_id, "site:", 5) != 0 ||
	    tick_valid_num(reply_id + 5, strlen(reply_id + 5), 1, 4294967295LL,
	        &n) != TICK_OK)
		return 0;
	return n;
}

/* A reply whose id belongs to no choice of step s (an older question's
 * list, tapped late): it changes nothing and asks nothing. */
static int
foreign_reply(const struct tick_intake_input *in, enum tick_intake_step s)
{
	static const char *const step_prefixes[TICK_INTAKE_STEP__MAX] = {
		[TICK_INTAKE_SITE] = "site:",
		[TICK_INTAKE_CATEGORY] = "rule:",
		[TICK_INTAKE_OBSERVATION] = "obs:",
		[TICK_INTAKE_SEVERITY] = "sev:",
		[TICK_INTAKE_ANONYMOUS] = "anon:",
		[TICK_INTAKE_CONFIRM] = "confirm:",
	};
	const char *p = step_prefixes[s];

	if (in->kind != TICK_INTAKE_IN_REPLY || in->reply_id == NULL)
		return 0;
	if (strcmp(in->reply_id, "skip") == 0)
		return 0;
	if (s == TICK_INTAKE_SITE && more_page(in->reply_id) > 0)
		return 0;
	/* The list of what happened, tapped while its suggestion was
	 * offered, answers the confirmation. */
	if (s == TICK_INTAKE_CONFIRM && strncmp(in->reply_id, "rule:", 5) == 0)
		return 0;
	return p == NULL || strncmp(in->reply_id, p, strlen(p)) != 0;
}

/* Whether in carries a whole suggestion from the vocabularies. */
static int
has_suggestion(const struct tick_intake_input *in)
{
	return in->sug_category != NULL && in->sug_observation != NULL &&
	    in->sug_severity != NULL &&
	    tick_report_find(TICK_REPORT_CATEGORY, in->sug_category) != NULL &&
	    tick_report_find(TICK_REPORT_OBSERVATION, in->sug_observation) !=
	    NULL &&
	    tick_report_find(TICK_REPORT_SEVERITY, in->sug_severity) != NULL;
}

/* Offers in's suggestion: the confirm step in place of the lists. */
static void
offer(struct tick_intake_outcome *out, const struct tick_intake_input *in)
{
	struct tick_intake_form *n = &out->next;

	snprintf(n->sug_category, sizeof(n->sug_category), "%s",
	    in->sug_category);
	snprintf(n->sug_observation, sizeof(n->sug_observation), "%s",
	    in->sug_observation);
	snprintf(n->sug_severity, sizeof(n->sug_severity), "%s",
	    in->sug_severity);
	go(out, TICK_INTAKE_CONFIRM);
}

/* The worker said no (or chose otherwise): the lists, and no offer again. */
static void
decline(struct tick_intake_outcome *out, enum tick_intake_step then)
{
	struct tick_intake_form *n = &out->next;

	n->declined = 1;
	n->sug_category[0] = n->sug_observation[0] = n->sug_severity[0] = '\0';
	go(out, then);
}

/* The worker said yes: the suggestion is the report's. */
static void
accept(struct tick_intake_outcome *out, const struct tick_intake_form *f)
{
	const struct tick_report_choice *c, *o, *s;

	c = tick_report_find(TICK_REPORT_CATEGORY, f->sug_category);
	o = tick_report_find(TICK_REPORT_OBSERVATION, f->sug_observation);
	s = tick_report_find(TICK_REPORT_SEVERITY, f->sug_severity);
	if (c == NULL || o == NULL || s == NULL) {
		decline(out, TICK_INTAKE_CATEGORY);
		return;
	}
	out->category = c->key;
	out->observation_type = o->key;
	out->severity = s->key;
	out->critical = tick_report_is_critical(s->key);
	out->next.sug_category[0] = out->next.sug_observation[0] =
	    out->next.sug_severity[0] = '\0';
	go(out, TICK_INTAKE_ANONYMOUS);
}

void
tick_intake_step(const struct tick_config *cfg,
    const struct tick_intake_form *f, const struct tick_intake_input *in,
    struct tick_intake_outcome *out)
{
	enum tick_intake_step s = f->step;

	memset(out, 0, sizeof(*out));
	out->next = *f;
	out->anonymous = -1;
	if (out->next.asked < 1)
		out->next.asked = 1;
	if (s >= TICK_INTAKE_DONE)
		return;
	if (in->kind == TICK_INTAKE_IN_TIMEOUT) {
		out->next.step = TICK_INTAKE_EXPIRED;
		goto out;
	}
	/* The suggestion came while the question of what happened waits: it
	 * is offered now. At any other step it changes nothing. */
	if (in->kind == TICK_INTAKE_IN_SUGGESTION) {
		if (s == TICK_INTAKE_CATEGORY && !f->declined &&
		    has_suggestion(in))
			offer(out, in);
		goto out;
	}
	if (s == TICK_INTAKE_START) {
		/* The first message opened the ticket (and named its site,
		 * or not): the first question. */
		out->next.page = 0;
		go(out,
		    f->site_id > 0 || !in->sites_exist ? TICK_INTAKE_CATEGORY :
		                                         TICK_INTAKE_SITE);
		goto out;
	}
	/* A location is the report's at any step; it answers the last. */
	if (in->kind == TICK_INTAKE_IN_LOCATION) {
		out->location = 1;
		out->next.has_location = 1;
		if (s == TICK_INTAKE_LOCATION)
			go(out, TICK_INTAKE_DONE);
		goto out;
	}
	/* A photo goes through the media path; the last step waits on for
	 * the location. Other kinds of message change nothing. */
	if (in->kind == TICK_INTAKE_IN_MEDIA) {
		out->next.has_photo = 1;
		goto out;
	}
	if (in->kind == TICK_INTAKE_IN_OTHER || foreign_reply(in, s) ||
	    (in->kind == TICK_INTAKE_IN_REPLY && in->reply_id == NULL))
		goto out;
	if ((in->kind == TICK_INTAKE_IN_REPLY && in->reply_id != NULL &&
	        strcmp(in->reply_id, "skip") == 0) ||
	    (in->kind == TICK_INTAKE_IN_TEXT &&
	        says(in->text, "skip", title_of(cfg, TICK_CFG_TEXT_INTAKE_SKIP),
	            NULL))) {
		if (s == TICK_INTAKE_CONFIRM)
			decline(out, TICK_INTAKE_CATEGORY);
		else
			advance(out, s);
		goto out;
	}
	/* "anonymous" at any other step: so be it, and the question
	 * stands (not counted as a wrong answer). */
	if (s != TICK_INTAKE_ANONYMOUS && in->kind == TICK_INTAKE_IN_TEXT &&
	    says(in->text, "anonymous",
	        title_of(cfg, TICK_CFG_TEXT_INTAKE_STAY_ANONYMOUS), NULL)) {
		out->anonymous = 1;
		out->ask = ask_of(s);
		goto out;
	}
	switch (s) {
	case TICK_INTAKE_SITE: {
		int page = more_page(in->reply_id);

		if (in->site_id > 0) {
			out->site_id = in->parent_id > 0 ? in->parent_id :
			                                   in->site_id;
			out->subsite_id = in->parent_id > 0 ? in->site_id : -1;
			out->next.site_id = out->site_id;
			out->next.subsite_id = out->subsite_id > 0 ?
			    out->subsite_id :
			    0;
			advance(out, s);
		} else if (in->kind == TICK_INTAKE_IN_REPLY && page > 0) {
			out->next.page = page;
			out->ask = TICK_INTAKE_ASK_SITE;
		} else
			mismatch(out, s);
		break;
	}
	case TICK_INTAKE_CATEGORY:
	case TICK_INTAKE_OBSERVATION:
	case TICK_INTAKE_SEVERITY: {
		enum tick_report_kind k = s == TICK_INTAKE_CATEGORY ?
		    TICK_REPORT_CATEGORY :
		    s == TICK_INTAKE_OBSERVATION ? TICK_REPORT_OBSERVATION :
		                                   TICK_REPORT_SEVERITY;
		const struct tick_report_choice *c = pick(k, in);

		if (c == NULL) {
			mismatch(out, s);
			break;
		}
		if (s == TICK_INTAKE_CATEGORY)
			out->category = c->key;
		else if (s == TICK_INTAKE_OBSERVATION)
			out->observation_type = c->key;
		else {
			out->severity = c->key;
			out->critical = tick_report_is_critical(c->key);
		}
		advance(out, s);
		break;
	}
	case TICK_INTAKE_ANONYMOUS:
		if ((in->kind == TICK_INTAKE_IN_REPLY &&
		        strcmp(in->reply_id, "anon:yes") == 0) ||
		    (in->kind == TICK_INTAKE_IN_TEXT &&
		        (says(in->text, "anonymous", "yes",
		            title_of(cfg,
		                TICK_CFG_TEXT_INTAKE_STAY_ANONYMOUS)))))
			out->anonymous = 1;
		else if ((in->kind == TICK_INTAKE_IN_REPLY &&
		             strcmp(in->reply_id, "anon:no") == 0) ||
		    (in->kind == TICK_INTAKE_IN_TEXT &&
		        says(in->text, "no", "named",
		            title_of(cfg, TICK_CFG_TEXT_INTAKE_USE_MY_NAME))))
			out->anonymous = 0;
		else {
			mismatch(out, s);
			break;
		}
		advance(out, s);
		break;
	case TICK_INTAKE_CONFIRM: {
		const struct tick_report_choice *c;

		if ((in->kind == TICK_INTAKE_IN_REPLY &&
		        strcmp(in->reply_id, "confirm:yes") == 0) ||
		    (in->kind == TICK_INTAKE_IN_TEXT &&
		        says(in->text, "yes", "correct",
		            title_of(cfg, TICK_CFG_TEXT_INTAKE_YES))))
			accept(out, f);
		else if ((in->kind == TICK_INTAKE_IN_REPLY &&
		             strcmp(in->reply_id, "confirm:no") == 0) ||
		    (in->kind == TICK_INTAKE_IN_TEXT &&
		        says(in->text, "no", "choose",
		            title_of(cfg, TICK_CFG_TEXT_INTAKE_NO_CHOOSE))))
			decline(out, TICK_INTAKE_CATEGORY);
		else if ((c = pick(TICK_REPORT_CATEGORY, in)) != NULL) {
			/* What happened, chosen from the list or typed. */
			out->category = c->key;
			decline(out, TICK_INTAKE_OBSERVATION);
		} else if (out->next.asked < 2)
			mismatch(out, s);
		else
			decline(out, TICK_INTAKE_CATEGORY);
		break;
	}
	default: /* the location step takes a location or skip only */
		mismatch(out, s);
		break;
	}
out:
	/* About to ask what happened, a suggestion at hand and not declined:
	 * offered instead. */
	if (out->ask == TICK_INTAKE_ASK_CATEGORY &&
	    out->next.step == TICK_INTAKE_CATEGORY &&
	    s != TICK_INTAKE_CATEGORY && s != TICK_INTAKE_CONFIRM &&
	    !out->next.declined && has_suggestion(in))
		offer(out, in);
	out->changed = memcmp(&out->next, f, sizeof(*f)) != 0;
}

/* ---- Questions. */

size_t
tick_intake_cut(const char *s, size_t maxchars, char *out, size_t outsz)
{
	if (outsz == 0)
		return 0;
	if (s == NULL) {
		out[0] = '\0';
		return 0;
	}
	return tick_valid_utf8_cut(s, strlen(s), maxchars, out, outsz);
}

static void
row(struct tick_intake_question *q, const char *prefix, const char *key,
    const char *title, const char *description)
{
	struct tick_intake_row *r = &q->rows[q->nrows++];
	size_t n;

	snprintf(r->id, sizeof(r->id), "%s%s", prefix, key);
	n = tick_intake_cut(title,
	    q->kind == TICK_INTAKE_Q_BUTTONS ? TICK_INTAKE_REPLY_TITLE_MAX :
	                                       TICK_INTAKE_ROW_TITLE_MAX,
	    r->title, sizeof(r->title));
	/* A cut between words leaves no space at the end. */
	while (n > 1 && r->title[n - 1] == ' ')
		r->title[--n] = '\0';
	tick_intake_cut(description, TICK_INTAKE_ROW_DESC_MAX, r->description,
	    sizeof(r->description));
}

static enum tick_err
body(const struct tick_config *cfg, enum tick_text t,
    const struct tick_text_vars *v, struct tick_intake_question *q)
{
	char text[TICK_MAX_WA_TEXT * 4 + 1];
	enum tick_err rc;

	if ((rc = tick_text_render(cfg, t, v, text, sizeof(text))) != TICK_OK)
		return rc;
	tick_intake_cut(text,
	    q->kind == TICK_INTAKE_Q_TEXT ? TICK_MAX_WA_TEXT :
	                                    TICK_INTAKE_BODY_MAX,
	    q->body, sizeof(q->body));
	return q->body[0] != '\0' ? TICK_OK : TICK_EINVAL;
}

/* The rows of list k; a title cut to fit keeps its whole in the row's
 * description. */
static void
choices(enum tick_report_kind k, struct tick_intake_question *q)
{
	const struct tick_report_choice *c;
	size_t n;

	c = tick_report_choices(k, &n);
	for (size_t i = 0; i < n && q->nrows < TICK_INTAKE_ROWS_MAX; i++)
		row(q, prefixes[k], c[i].key, c[i].title,
		    tick_valid_utf8_chars(c[i].title) >
		            TICK_INTAKE_ROW_TITLE_MAX ?
		        c[i].title :
		        NULL);
}

enum tick_err
tick_intake_question(const struct tick_config *cfg, enum tick_intake_ask ask,
    const struct tick_text_vars *v, const struct tick_intake_site *sites,
    size_t n, int page, struct tick_intake_question *q)
{
	static const enum tick_text texts[TICK_INTAKE_ASK__MAX] = {
		[TICK_INTAKE_ASK_SITE] = TICK_TEXT_INTAKE_SITE,
		[TICK_INTAKE_ASK_CATEGORY] = TICK_TEXT_INTAKE_CATEGORY,
		[TICK_INTAKE_ASK_OBSERVATION] = TICK_TEXT_INTAKE_OBSERVATION,
		[TICK_INTAKE_ASK_SEVERITY] = TICK_TEXT_INTAKE_SEVERITY,
		[TICK_INTAKE_ASK_ANONYMOUS] = TICK_TEXT_INTAKE_ANONYMOUS,
		[TICK_INTAKE_ASK_LOCATION] = TICK_TEXT_INTAKE_LOCATION,
		[TICK_INTAKE_ASK_DONE] = TICK_TEXT_INTAKE_DONE,
		[TICK_INTAKE_ASK_CONFIRM] = TICK_TEXT_INTAKE_CONFIRM,
	};
	char id[24];
	int more;

	memset(q, 0, sizeof(*q));
	if (ask <= TICK_INTAKE_ASK_NONE || ask >= TICK_INTAKE_ASK__MAX ||
	    (ask == TICK_INTAKE_ASK_SITE && (sites == NULL || n == 0)))
		return TICK_EINVAL;
	switch (ask) {
	case TICK_INTAKE_ASK_ANONYMOUS:
	case TICK_INTAKE_ASK_CONFIRM:
	case TICK_INTAKE_ASK_LOCATION: q->kind = TICK_INTAKE_Q_BUTTONS; break;
	case TICK_INTAKE_ASK_DONE: q->kind = TICK_INTAKE_Q_TEXT; break;
	default: q->kind = TICK_INTAKE_Q_LIST; break;
	}
	tick_intake_cut(title_of(cfg, TICK_CFG_TEXT_INTAKE_CHOOSE),
	    TICK_INTAKE_LIST_BUTTON_MAX, q->button, sizeof(q->button));
	switch (ask) {
	case TICK_INTAKE_ASK_SITE:
		/* Nine and "More sites" when they do not fit one list. */
		more = n > TICK_INTAKE_ROWS_MAX && page >= 0 && page < 10000;
		if (n > TICK_INTAKE_ROWS_MAX)
			n = TICK_INTAKE_SITES_PER_PAGE;
		for (size_t i = 0; i < n; i++) {
			snprintf(id, sizeof(id), "%lld", sites[i].id);
			row(q, "site:", id,
			    sites[i].name != NULL && sites[i].name[0] != '\0' ?
			        sites[i].name :
			        sites[i].code,
			    sites[i].code);
		}
		if (more) {
			snprintf(id, sizeof(id), "%d", page + 1);
			row(q, "more:", id,
			    title_of(cfg, TICK_CFG_TEXT_INTAKE_MORE_SITES),
			    NULL);
		}
		break;
	case TICK_INTAKE_ASK_CATEGORY: choices(TICK_REPORT_CATEGORY, q); break;
	case TICK_INTAKE_ASK_OBSERVATION:
		choices(TICK_REPORT_OBSERVATION, q);
		break;
	case TICK_INTAKE_ASK_SEVERITY: choices(TICK_REPORT_SEVERITY, q); break;
	case TICK_INTAKE_ASK_ANONYMOUS:
		row(q, "anon:", "yes",
		    title_of(cfg, TICK_CFG_TEXT_INTAKE_STAY_ANONYMOUS), NULL);
		row(q, "anon:", "no",
		    title_of(cfg, TICK_CFG_TEXT_INTAKE_USE_MY_NAME), NULL);
		break;
	case TICK_INTAKE_ASK_LOCATION:
		row(q, "", "skip", title_of(cfg, TICK_CFG_TEXT_INTAKE_SKIP),
		    NULL);
		break;
	case TICK_INTAKE_ASK_CONFIRM:
		row(q, "confirm:", "yes",
		    title_of(cfg, TICK_CFG_TEXT_INTAKE_YES), NULL);
		row(q, "confirm:", "no",
		    title_of(cfg, TICK_CFG_TEXT_INTAKE_NO_CHOOSE), NULL);
		break;
	default: break;
	}
	return body(cfg, texts[ask], v, q);
}

void
tick_intake_suggestion_words(const struct tick_intake_form *f, char *out,
    size_t outsz)
{
	const struct tick_report_choice *c, *s;

	if (outsz == 0)
		return;
	out[0] = '\0';
	c = tick_report_find(TICK_REPORT_CATEGORY, f->sug_category);
	s = tick_report_find(TICK_REPORT_SEVERITY, f->sug_severity);
	if (c != NULL && s != NULL)
		snprintf(out, outsz, "%s, %s", c->title, s->title);
}
