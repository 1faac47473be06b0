#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"

/* The whole exposition stays far below this; past it, it is cut off. */
#define PROM_MAX_BYTES (64u << 20)

void
tick_prom_init(struct tick_prom *p)
{
	memset(p, 0, sizeof(*p));
}

void
tick_prom_free(struct tick_prom *p)
{
	free(p->buf);
	tick_prom_init(p);
}

enum tick_err
tick_prom_status(const struct tick_prom *p)
{
	return p->failed ? TICK_ENOMEM : TICK_OK;
}

static int
reserve(struct tick_prom *p, size_t more)
{
	size_t cap = p->cap ? p->cap : 4096;
	char *b;

	if (p->failed)
		return -1;
	if (more > PROM_MAX_BYTES || p->len + more + 1 > PROM_MAX_BYTES) {
		p->failed = 1;
		return -1;
	}
	if (p->len + more + 1 <= p->cap)
		return 0;
	while (cap < p->len + more + 1)
		cap *= 2;
	if ((b = realloc(p->buf, cap)) == NULL) {
		p->failed = 1;
		return -1;
	}
	p->buf = b;
	p->cap = cap;
	return 0;
}

static void
put(struct tick_prom *p, const char *s, size_t n)
{
	if (reserve(p, n) != 0)
		return;
	memcpy(p->buf + p->len, s, n);
	p->len += n;
	p->buf[p->len] = '\0';
}

static void
puts_(struct tick_prom *p, const char *s)
{
	put(p, s, strlen(s));
}

/* Escapes backslash and line feed, and double quote when quoted. */
static void
put_escaped(struct tick_prom *p, const char *s, int quoted)
{
	for (; *s != '\0'; s++) {
		size_t run = strcspn(s, quoted ? "\\\"\n" : "\\\n");

		put(p, s, run);
		s += run;
		if (*s == '\0')
			break;
		put(p, *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : "\\n", 2);
	}
}

void
tick_prom_family(struct tick_prom *p, const char *name, const char *type,
    const char *help)
{
	puts_(p, "# HELP ");
	puts_(p, name);
	puts_(p, " ");
	put_escaped(p, help, 0);
	puts_(p, "\n# TYPE ");
	puts_(p, name);
	puts_(p, " ");
	puts_(p, type);
	puts_(p, "\n");
}

static void
put_labels(struct tick_prom *p, const struct tick_prom_label *labels, size_t n,
    const char *le)
{
	if (n == 0 && le == NULL)
		return;
	puts_(p, "{");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			puts_(p, ",");
		puts_(p, labels[i].name);
		puts_(p, "=\"");
		put_escaped(p, labels[i].value ? labels[i].value : "", 1);
		puts_(p, "\"");
	}
	if (le != NULL) {
		puts_(p, n > 0 ? ",le=\"" : "le=\"");
		puts_(p, le);
		puts_(p, "\"");
	}
	puts_(p, "}");
}

static void
fmt_f64(char *out, size_t cap, double v)
{
	if (isnan(v))
		snprintf(out, cap, "NaN");
	else if (isinf(v))
		snprintf(out, cap, v > 0 ? "+Inf" : "-Inf");
	else
		snprintf(out, cap, "%.15g", v);
}

static void
sample(struct tick_prom *p, const char *name, const char *suffix,
    const struct tick_prom_label *labels, size_t n, const char *le,
    const char *value)
{
	puts_(p, name);
	puts_(p, suffix);
	put_labels(p, labels, n, le);
	puts_(p, " ");
	puts_(p, value);
	puts_(p, "\n");
}

void
tick_prom_u64(struct tick_prom *p, const char *name,
    const struct tick_prom_label *labels, size_t n, uint64_t value)
{
	char v[24];

	snprintf(v, sizeof(v), "%llu", (unsigned long long)value);
	sample(p, name, "", labels, n, NULL, v);
}

void
tick_prom_f64(struct tick_prom *p, const char *name,
    const struct tick_prom_label *labels, size_t n, double value)
{
	char v[40];

	fmt_f64(v, sizeof(v), value);
	sample(p, name, "", labels, n, NULL, v);
}

void
tick_prom_histogram(struct tick_prom *p, const char *name,
    const struct tick_prom_label *labels, size_t n, const double *bounds,
    size_t nb, const uint64_t *counts, double sum)
{
	uint64_t total = 0;
	char le[40], v[40];

	/* Each bucket counts every value at or below its bound. */
	for (size_t i = 0; i <= nb; i++) {
		total += counts[i];
		if (i < nb)
			snprintf(le, sizeof(le), "%g", bounds[i]);
		else
			snprintf(le, sizeof(le), "+Inf");
		snprintf(v, sizeof(v), "%llu", (unsigned long long)total);
		sample(p, name, "_bucket", labels, n, le, v);
	}
	fmt_f64(v, sizeof(v), sum);
	sample(p, name, "_sum", labels, n, NULL, v);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)total);
	sample(p, name, "_count", labels, n, NULL, v);
}
