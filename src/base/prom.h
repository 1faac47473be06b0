/*
 * tick: the Prometheus text exposition format (version 0.0.4), written
 * into a growing buffer. Pure: no I/O, no globals. Callers write one
 * family at a time: tick_prom_family() (the HELP and TYPE lines), then its
 * samples. Label values are escaped here (backslash, double quote, line
 * feed); metric and label names are the caller's constants.
 */
#ifndef TICK_PROM_H
#define TICK_PROM_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct tick_prom {
	char *buf; /* owned, NUL-terminated; free with tick_prom_free() */
	size_t len, cap;
	int failed; /* an allocation failed: the text is incomplete */
};

struct tick_prom_label {
	const char *name;  /* [a-zA-Z_][a-zA-Z0-9_]*, not escaped */
	const char *value; /* any UTF-8 text, escaped */
};

void tick_prom_init(struct tick_prom *p);
void tick_prom_free(struct tick_prom *p);

/* The "# HELP name help" and "# TYPE name type" lines; type is counter,
 * gauge or histogram. help is escaped (backslash, line feed). */
void tick_prom_family(struct tick_prom *p, const char *name, const char *type,
    const char *help);

/* One sample: name{labels} value, an integer. */
void tick_prom_u64(struct tick_prom *p, const char *name,
    const struct tick_prom_label *labels, size_t n, uint64_t value);

/* One sample with a real value (NaN, +Inf and -Inf spelled as Prometheus
 * reads them). */
void tick_prom_f64(struct tick_prom *p, const char *name,
    const struct tick_prom_label *labels, size_t n, double value);

/*
 * A histogram's samples under name: name_bucket{labels,le="b"} for each of
 * the nb bounds (ascending) and le="+Inf", cumulative, then name_sum and
 * name_count. counts holds nb + 1 per-bucket (not cumulative) counts, the
 * last for values above the largest bound.
 */
void tick_prom_histogram(struct tick_prom *p, const char *name,
    const struct tick_prom_label *labels, size_t n, const double *bounds,
    size_t nb, const uint64_t *counts, double sum);

/* TICK_OK, or TICK_ENOMEM when an allocation failed along the way. */
enum tick_err tick_prom_status(const struct tick_prom *p);

#endif
