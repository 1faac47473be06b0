/*
 * tick: every text tick sends to customers, in one place. Each is a
 * configuration key (TEXT_*) with a default; placeholders {ref}, {status},
 * {resolution} and {name} are filled in ({code}, a site's code, in
 * TEXT_SITE_QR_PREFILL). No I/O.
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
	/* to a user: a corrective action is theirs ({ref}, {description},
	 * {due}) */
	TICK_TEXT_ACTION_ASSIGNED,
	/* The guided intake (base/intake): its questions, its last word to
	 * the customer ({ref}) and the notice to a site's managers of a
	 * critical report ({ref}, {name}: the site's name). */
	TICK_TEXT_INTAKE_SITE,
	TICK_TEXT_INTAKE_CATEGORY,
	TICK_TEXT_INTAKE_OBSERVATION,
	TICK_TEXT_INTAKE_SEVERITY,
	TICK_TEXT_INTAKE_ANONYMOUS,
	TICK_TEXT_INTAKE_LOCATION,
	TICK_TEXT_INTAKE_DONE,
	TICK_TEXT_INTAKE_CRITICAL,
	TICK_TEXT_SITE_QR,      /* a site's QR poster types it ({code}) */
	TICK_TEXT_OUT_OF_HOURS, /* outside business hours ({ref}) */
	TICK_TEXT_WELCOME,      /* a customer's first ever message */
	TICK_TEXT_SLA_WARNING,  /* to staff: {ref}, {name} target, {due} */
	TICK_TEXT_SLA_BREACH,
	/* CSAT (issue 13): the rating question ({ref}) and the thanks. */
	TICK_TEXT_CSAT_QUESTION,
	TICK_TEXT_CSAT_THANKS,
	TICK_TEXT_INTAKE_CONFIRM,
	TICK_TEXT_MODERATION_NOTICE,
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

/* A placeholder of one text beyond tick_text_vars' ("{due}") and its
 * value (NULL: empty); both borrowed. */
struct tick_text_extra {
	const char *name, *value;
};

/* tick_text_render() with n more placeholders; the vars' come first. */
enum tick_err tick_text_render_with(const struct tick_config *cfg,
    enum tick_text t, const struct tick_text_vars *v,
    const struct tick_text_extra *extra, size_t n, char *out, size_t outsz);
enum tick_err
tick_text_render_tmpl_with(const char *tmpl, const struct tick_text_vars *v,
    const struct tick_text_extra *extra, size_t n, char *out, size_t outsz);
/* Renders text t with {code} replaced by code (a site's code, borrowed)
 * into out, as tick_text_render() does. */
enum tick_err tick_text_render_code(const struct tick_config *cfg,
    enum tick_text t, const char *code, char *out, size_t outsz);

/* How a status reads to a customer: "received", "in progress", ... */
const char *tick_text_status_label(const char *status);

#endif
