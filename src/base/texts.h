/*
 * tick: every text tick sends to customers, in one place. Each is a
 * configuration key (TEXT_*) with a default; placeholders {ref}, {status},
 * {resolution} and {name} are filled in. No I/O.
 */
#ifndef TICK_TEXTS_H
#define TICK_TEXTS_H

#include <stddef.h>

#include "config.h"
#include "err.h"

enum tick_text {
	TICK_TEXT_TICKET_CREATED, /* a new ticket's reference */
	TICK_TEXT_STATUS_CHANGED, /* an agent moved the ticket */
	TICK_TEXT_TICKET_CLOSED,  /* closed, with the resolution */
	TICK_TEXT_STATUS_REPLY,   /* answer to "status TKT-000042" */
	TICK_TEXT_STATUS_UNKNOWN, /* no such ticket for this number */
	TICK_TEXT_OUTSIDE_WINDOW, /* why a free-text reply cannot go now */
	TICK_TEXT_MEDIA_FAILED,   /* a file could not be kept ({name}) */
	TICK_TEXT__MAX
};

struct tick_text_vars {
	const char *ref, *status, *resolution, *name;
};

/* Renders text t into out (outsz bytes, NUL-terminated, at most
 * TICK_MAX_WA_TEXT characters are sent anyway). TICK_ETOOBIG when it does
 * not fit. A placeholder with no value becomes empty. */
enum tick_err tick_text_render(const struct tick_config *cfg, enum tick_text t,
    const struct tick_text_vars *v, char *out, size_t outsz);

/* The same over an explicit template (for tests and callers with their
 * own). */
enum tick_err tick_text_render_tmpl(const char *tmpl,
    const struct tick_text_vars *v, char *out, size_t outsz);

/* How a status reads to a customer: "received", "in progress", ... */
const char *tick_text_status_label(const char *status);

#endif
