/*
 * tick: the guided intake of a safety report over WhatsApp (issue 11), as
 * pure rules: which site codes a message names, the state machine that
 * decides the next question from the form's state and the customer's
 * answer, and the questions themselves cut to WhatsApp's interactive
 * limits. No I/O: core/intake looks sites up, stores the form and sends.
 *
 * The steps, one question each: the site (an interactive list of active
 * sites, paged), what happened (a list: the nine IOGP life-saving rules
 * and Other), the observation type (a list), the severity (a list: four
 * choices do not fit WhatsApp's three reply buttons), anonymous or not
 * (two reply buttons), then "share your location and a photo, or skip"
 * (a Skip button). Every step takes its list or button reply, free text
 * matching a choice's key or title (any case), or "skip"; anything else
 * is asked once more, then the step is skipped.
 */
#ifndef TICK_INTAKE_H
#define TICK_INTAKE_H

#include <stddef.h>

#include "bounds.h"
#include "config.h"
#include "err.h"
#include "texts.h"

/* WhatsApp's interactive limits, in characters (Cloud API). */
#define TICK_INTAKE_BODY_MAX 1024      /* the body of a list or buttons */
#define TICK_INTAKE_LIST_BUTTON_MAX 20 /* the button that opens a list */
#define TICK_INTAKE_ROW_TITLE_MAX 24
#define TICK_INTAKE_ROW_DESC_MAX 72
#define TICK_INTAKE_ROWS_MAX 10 /* rows in one list message, in all */
#define TICK_INTAKE_REPLY_TITLE_MAX 20
#define TICK_INTAKE_BUTTONS_MAX 3 /* reply buttons in one message */
/* tick's own ids of rows and buttons ("rule:line_of_fire", "site:42"). */
#define TICK_INTAKE_ID_MAX 40

/* A site code: 3 to 10 of A-Z and 0-9 (sites.code). */
#define TICK_INTAKE_CODE_MIN 3
#define TICK_INTAKE_CODE_MAX 10
/* Most candidate codes taken from one message. */
#define TICK_INTAKE_CODES_MAX 16

/*
 * The words of text that may be site codes, upper-cased, best first: those
 * marked as codes ("#NRT01", "Site NRT01", "site: nrt01") in the order
 * they appear, then bare words of 3 to 10 letters and digits, in order.
 * A code is a whole word: letters, digits, '_' and any non-ASCII byte
 * around it make it part of a longer word, which never matches. No
 * duplicates; at most TICK_INTAKE_CODES_MAX. Returns how many.
 */
struct tick_intake_codes {
	char code[TICK_INTAKE_CODES_MAX][TICK_INTAKE_CODE_MAX + 1];
	size_t n;
};
size_t tick_intake_find_codes(const char *text, struct tick_intake_codes *out);

/* The form's steps, in order; DONE and EXPIRED ask nothing more. */
enum tick_intake_step {
	TICK_INTAKE_START, /* the ticket is open; nothing asked yet */
	TICK_INTAKE_SITE,
	TICK_INTAKE_CATEGORY,
	TICK_INTAKE_OBSERVATION,
	TICK_INTAKE_SEVERITY,
	TICK_INTAKE_ANONYMOUS,
	TICK_INTAKE_LOCATION,
	/* The model's suggestion of what happened and how severe, offered for
	 * the worker to confirm (issue 17) in place of those three lists. */
	TICK_INTAKE_CONFIRM,
	TICK_INTAKE_DONE,    /* every step answered or skipped */
	TICK_INTAKE_EXPIRED, /* left alone too long: a plain ticket now */
	TICK_INTAKE_STEP__MAX
};

/* The step's name as stored ("start", "site", ...). */
const char *tick_intake_step_name(enum tick_intake_step s);
/* The step named s: 0, or -1 when s names none. */
int tick_intake_step_parse(const char *s, enum tick_intake_step *out);

/* The form as stored (store/forms). */
struct tick_intake_form {
	enum tick_intake_step step;
	int asked;            /* times the current question went out: 1 or 2 */
	int page;             /* the page of the site list shown (0-based) */
	long long site_id;    /* the report's site, 0 when not known */
	long long subsite_id; /* its sub-site, 0 when none */
	int has_location, has_photo;
	/* The suggestion offered at the confirm step (keys of base/report),
	 * "" when none. Once declined, none is offered again. */
	char sug_category[40], sug_observation[40], sug_severity[16];
	int declined;
};

enum tick_intake_input_kind {
	TICK_INTAKE_IN_TEXT,     /* free text (a caption counts) */
	TICK_INTAKE_IN_REPLY,    /* a list or button reply: reply_id */
	TICK_INTAKE_IN_LOCATION, /* a location message */
	TICK_INTAKE_IN_MEDIA,    /* a photo, video, document, voice note */
	TICK_INTAKE_IN_OTHER,    /* anything else the customer sent */
	TICK_INTAKE_IN_TIMEOUT,  /* the form was left alone too long */
	/* The model's suggestion came (`tick outbox`): offered when the form
	 * waits at the question of what happened. */
	TICK_INTAKE_IN_SUGGESTION,
};

/* One answer, as core/intake saw it. Strings are borrowed. */
struct tick_intake_input {
	enum tick_intake_input_kind kind;
	const char *text;     /* TEXT (and the readable text of the others) */
	const char *reply_id; /* REPLY */
	/* An active site the text or reply named, looked up by the caller
	 * (at the site step only): its id and, for a sub-site, its parent's. */
	long long site_id, parent_id;
	/* Whether any active site exists (the site step is skipped when
	 * none does). */
	int sites_exist;
	/* A suggestion of the model for the report (keys of base/report,
	 * confident enough), all three or none (NULL): looked up by the
	 * caller. The form offers it instead of asking what happened. */
	const char *sug_category, *sug_observation, *sug_severity;
};

/* What the intake asks next. */
enum tick_intake_ask {
	TICK_INTAKE_ASK_NONE,
	TICK_INTAKE_ASK_SITE, /* the site list at outcome.next.page */
	TICK_INTAKE_ASK_CATEGORY,
	TICK_INTAKE_ASK_OBSERVATION,
	TICK_INTAKE_ASK_SEVERITY,
	TICK_INTAKE_ASK_ANONYMOUS,
	TICK_INTAKE_ASK_LOCATION,
	TICK_INTAKE_ASK_DONE, /* the last word: thank you */
	/* "We understood: ... Correct?" with Yes and "No, choose" */
	TICK_INTAKE_ASK_CONFIRM,
	TICK_INTAKE_ASK__MAX
};

/*
 * The outcome of one answer: the form's next state, the question to send,
 * and the report's fields to set (each left at its "leave" value when the
 * answer set nothing: site_id 0, keys NULL, anonymous -1, location 0).
 * Keys are static strings.
 */
struct tick_intake_outcome {
	struct tick_intake_form next;
	enum tick_intake_ask ask;
	long long site_id, subsite_id; /* subsite_id -1: clear it */
	const char *category, *observation_type, *severity;
	int anonymous; /* 1, 0, or -1 to leave it */
	int location;  /* 1: the input's location is the report's */
	int critical;  /* severity became critical: tell the managers */
	int changed;   /* next differs from the form */
};

/*
 * The state machine: what answer `in` does to form `f`. Free text is
 * matched against the choices' keys and titles (base/report), and the
 * titles of cfg's buttons (TEXT_INTAKE_SKIP, _STAY_ANONYMOUS,
 * _USE_MY_NAME). A form at START
 * asks its first question (the site unless f->site_id is known or no site
 * exists; else what happened). DONE and EXPIRED change nothing. A timeout
 * expires any other form, asking nothing. No I/O.
 */
void tick_intake_step(const struct tick_config *cfg,
    const struct tick_intake_form *f, const struct tick_intake_input *in,
    struct tick_intake_outcome *out);

/* The site a list reply names ("site:42"): its id, else 0. */
long long tick_intake_reply_site(const char *reply_id);

/* ---- Questions, cut to WhatsApp's limits on character boundaries. */

struct tick_intake_row {
	char id[TICK_INTAKE_ID_MAX + 1];
	char title[TICK_COL_BUF(TICK_INTAKE_ROW_TITLE_MAX)];
	char description[TICK_COL_BUF(TICK_INTAKE_ROW_DESC_MAX)]; /* "" none */
};

enum tick_intake_qkind {
	TICK_INTAKE_Q_TEXT,    /* a plain text: body */
	TICK_INTAKE_Q_LIST,    /* body, button, rows (1..10) */
	TICK_INTAKE_Q_BUTTONS, /* body, rows as reply buttons (1..3) */
};

struct tick_intake_question {
	enum tick_intake_qkind kind;
	/* at most TICK_INTAKE_BODY_MAX characters, TICK_MAX_WA_TEXT for a
	 * plain text */
	char body[TICK_COL_BUF(TICK_MAX_WA_TEXT)];
	char button[TICK_COL_BUF(TICK_INTAKE_LIST_BUTTON_MAX)];
	struct tick_intake_row rows[TICK_INTAKE_ROWS_MAX];
	size_t nrows;
};

/* One active site as the site list shows it. Strings are borrowed. */
struct tick_intake_site {
	long long id;
	const char *code, *name;
};

/*
 * Builds question ask into q, its texts from cfg (v fills {ref} and
 * {name}; may be NULL; for ASK_CONFIRM {name} is the suggestion as
 * tick_intake_suggestion_words() says it). For ASK_SITE, sites[0..n) are the active sites
 * from the first of the page on (the caller reads up to
 * TICK_INTAKE_ROWS_MAX + 1 of them): when they do not fit one list, nine
 * are shown and a "More sites" row that asks for page + 1. TICK_EINVAL for
 * ASK_NONE, or a site list with no site.
 */
enum tick_err
tick_intake_question(const struct tick_config *cfg, enum tick_intake_ask ask,
    const struct tick_text_vars *v, const struct tick_intake_site *sites,
    size_t n, int page, struct tick_intake_question *q);

/* The suggestion of form f in words ("Line of fire, High": the rule's and
 * the severity's titles) into out; "" when f has none. */
void tick_intake_suggestion_words(const struct tick_intake_form *f, char *out,
    size_t outsz);

/* Sites a page of the list shows before its "More sites" row. */
#define TICK_INTAKE_SITES_PER_PAGE (TICK_INTAKE_ROWS_MAX - 1)

/*
 * Copies at most maxchars characters of s into out (outsz bytes), cut on a
 * character boundary: the one way every title and body is fitted to
 * WhatsApp's limits. Returns the bytes copied.
 */
size_t tick_intake_cut(const char *s, size_t maxchars, char *out, size_t outsz);

#endif
