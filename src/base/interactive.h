/*
 * tick: an agent's interactive message (issue 16): reply buttons or a
 * list, as the reply route takes them, checked against WhatsApp's
 * documented limits before anything is stored. Lengths are characters,
 * never bytes. No I/O.
 */
#ifndef TICK_INTERACTIVE_H
#define TICK_INTERACTIVE_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

/* Meta's limits for interactive messages (characters). */
#define TICK_IA_BODY_MAX 1024
#define TICK_IA_HEADER_MAX 60
#define TICK_IA_FOOTER_MAX 60
#define TICK_IA_BUTTONS_MAX 3
#define TICK_IA_BUTTON_TITLE_MAX 20
#define TICK_IA_ID_MAX 256 /* a button's id */
#define TICK_IA_ROW_ID_MAX 200
#define TICK_IA_LIST_BUTTON_MAX 20
#define TICK_IA_SECTIONS_MAX 10
#define TICK_IA_SECTION_TITLE_MAX 24
#define TICK_IA_ROWS_MAX 10 /* rows in one list, all sections together */
#define TICK_IA_ROW_TITLE_MAX 24
#define TICK_IA_ROW_DESC_MAX 72

enum tick_ia_kind {
	TICK_IA_NONE,    /* a plain text reply */
	TICK_IA_BUTTONS, /* reply buttons */
	TICK_IA_LIST,    /* a list */
	TICK_IA__MAX
};

/* A button or a row: strings borrowed from the request body (id made up
 * in idbuf when the request gave none); description NULL when none. */
struct tick_ia_choice {
	const char *id, *title, *description;
	char idbuf[32]; /* "opt-" and any size_t */
};

struct tick_ia_section {
	const char *title; /* NULL when none (allowed with one section) */
	size_t first, n;   /* its rows: choices[first .. first + n) */
};

struct tick_ia {
	enum tick_ia_kind kind;
	const char *header, *footer; /* NULL when none */
	const char *button;          /* a list's button text */
	struct tick_ia_choice choices[TICK_IA_ROWS_MAX];
	size_t nchoices;
	struct tick_ia_section sections[TICK_IA_SECTIONS_MAX];
	size_t nsections;
};

/*
 * Reads the optional members buttons ([{id?, title}]), list ({button,
 * sections: [{title?, rows: [{id?, title, description?}]}]}), header and
 * footer of a reply body into ia (strings borrowed from body), and checks
 * them with text, the body as it will be sent (the agent prefix
 * included), against Meta's limits. A button or row without an id gets
 * "opt-N" (N its place, from 1). TICK_OK (kind TICK_IA_NONE when body has
 * none of them), or TICK_EINVAL with field the member at fault
 * ("buttons[1].title", "list.sections[0].rows[2].id", "message", ...) and
 * why a sentence. No I/O.
 */
enum tick_err tick_ia_parse(const json_t *body, const char *text,
    struct tick_ia *ia, char *field, size_t fieldsz, char *why, size_t whysz);

/* A reply's readable form for the timeline and searches: text, then the
 * choices as "[A | B | C]" on a line of their own. A new string (free
 * with free()), or NULL when out of memory. */
char *tick_ia_readable(const struct tick_ia *ia, const char *text);

#endif
