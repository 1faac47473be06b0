/*
 * tick: WhatsApp message templates as Meta defines them (issue 16): the
 * naming rule, the component rules at creation, the parameters of a send
 * checked against a template's placeholders and filled, and the readers
 * of Meta's template objects and template webhooks. Pure: no I/O, no
 * globals (jansson values in and out).
 */
#ifndef TICK_WA_TEMPLATE_RULES_H
#define TICK_WA_TEMPLATE_RULES_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

/* Meta's limits, in characters. */
#define TICK_TPL_NAME_MAX 512
#define TICK_TPL_LANG_MAX 15
#define TICK_TPL_BODY_MAX 1024
#define TICK_TPL_HEADER_MAX 60
#define TICK_TPL_FOOTER_MAX 60
#define TICK_TPL_BUTTON_TEXT_MAX 25
#define TICK_TPL_BUTTONS_MAX 10
#define TICK_TPL_URL_MAX 2000
#define TICK_TPL_COUPON_MAX 15
/* A filled variable (tick's bound: the body's own limit). */
#define TICK_TPL_PARAM_MAX 1024
/* The most placeholders one text may hold (tick's bound). */
#define TICK_TPL_VARS_MAX 100
/* A quick reply's payload (bytes). */
#define TICK_TPL_PAYLOAD_MAX 256

/* Bytes of a template's reason: 255 characters of utf8mb4. */
#define TICK_TPL_REASON_BUF (255 * 4 + 1)

/* One template as stored: strings fit their columns (sql/023). */
struct tick_wa_tpl {
	char name[TICK_TPL_NAME_MAX + 1];
	char language[TICK_TPL_LANG_MAX + 1];
	char category[33];
	char status[33];
	char quality[17];          /* "" when Meta gave none */
	char parameter_format[17]; /* POSITIONAL or NAMED */
	char meta_id[65];          /* "" when none */
	char reason[TICK_TPL_REASON_BUF];
	json_t *components; /* borrowed from the object read */
};

/* Whether name follows Meta's rule: 1..512 of a-z, 0-9 and _. */
int tick_wa_tpl_name_ok(const char *name);

/* Whether lang looks like a language code Meta uses: en, en_US, pt_BR,
 * zh_HK, ... (2..15 of letters and _, starting with a letter). */
int tick_wa_tpl_lang_ok(const char *lang);

/*
 * Reads one template object of Meta's (a message_templates item, or a
 * creation's echo) into t: TICK_OK when it has a valid name, a language,
 * a status and a components array; TICK_EINVAL otherwise. t->components
 * is borrowed from item.
 */
enum tick_err tick_wa_tpl_read(const json_t *item, struct tick_wa_tpl *t);

/*
 * Checks a creation request {name, language, category, components,
 * parameter_format?} against Meta's rules before any call: the name rule,
 * a category of MARKETING, UTILITY or AUTHENTICATION, one BODY (1..1024
 * characters, placeholders {{1}}..{{n}} in order, or named ones with
 * parameter_format NAMED, with examples for each), at most one HEADER
 * (TEXT up to 60 characters with at most one placeholder, or IMAGE, VIDEO,
 * DOCUMENT, LOCATION), FOOTER (60, no placeholder), BUTTONS (1..10;
 * QUICK_REPLY, URL with at most one placeholder at its end, PHONE_NUMBER,
 * COPY_CODE; text 25). TICK_OK, or TICK_EINVAL with the JSON path of the
 * first bad field in field ("components[1].text") and why.
 */
enum tick_err tick_wa_tpl_check_create(const json_t *req, char *field,
    size_t fieldsz, char *why, size_t whysz);

/*
 * Checks an agent's parameters ({header?, body?, buttons?}, or NULL for
 * none) against a stored template's components (parameter_format
 * POSITIONAL or NAMED) and fills it:
 * - header: a string for a TEXT header's placeholder; for an IMAGE, VIDEO
 *   or DOCUMENT header a link (a string, or {link, filename?}) that is an
 *   https URL.
 * - body: POSITIONAL an array, one string per {{n}}; NAMED an object,
 *   one string per {{name}}.
 * - buttons: an array by the template's button index: a string for a URL
 *   button with a placeholder (the suffix), a COPY_CODE (the code) and,
 *   optionally, a QUICK_REPLY (its payload); null for the others.
 * Values are 1..1024 characters of UTF-8 without newlines, tabs or more
 * than four spaces in a row (Meta's rule).
 * TICK_OK with *components (a new array: the send's components exactly as
 * Meta documents them) and *text (a new string, free(): the message as the
 * customer reads it); TICK_EINVAL with field naming the missing or extra
 * parameter ("parameters.body[2]", "parameters.header") and why.
 */
enum tick_err tick_wa_tpl_fill(const json_t *tpl_components,
    const char *parameter_format, const json_t *params, json_t **components,
    char **text, char *field, size_t fieldsz, char *why, size_t whysz);

/* A change of a template the webhook told (one of the three fields). */
struct tick_wa_tpl_event {
	const char *meta_id;  /* message_template_id, as digits, or NULL */
	const char *name;     /* message_template_name, or NULL */
	const char *language; /* message_template_language, or NULL */
	const char *status;   /* status update: event (APPROVED, ...) */
	const char *category; /* category update: new_category */
	const char *quality;  /* quality update: new_quality_score */
	const char *reason;   /* status update: reason, NULL for NONE */
	char id_buf[24];      /* the id when Meta sent a number */
};

/*
 * Whether field is one of the template webhook fields
 * (message_template_status_update, template_category_update,
 * message_template_quality_update).
 */
int tick_wa_tpl_field(const char *field);

/*
 * Reads the value of a template webhook field into ev (strings borrowed
 * from value). TICK_OK when it names a template (an id, or a name and a
 * language) and carries a change that fits its column; TICK_EINVAL
 * otherwise.
 */
enum tick_err tick_wa_tpl_read_event(const char *field, const json_t *value,
    struct tick_wa_tpl_event *ev);

#endif
