#include <string.h>

#include "csv.h"

int
tick_csv_formula(const char *s, size_t len)
{
	return len > 0 &&
	    (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	        s[0] == '\t' || s[0] == '\r');
}

size_t
tick_csv_unneutralise(const char *s, size_t len)
{
	return len > 1 && s[0] == '\'' && tick_csv_formula(s + 1, len - 1) ? 1 :
	                                                                     0;
}

size_t
tick_csv_field(const char *s, size_t len, char *out, size_t cap)
{
	int formula = tick_csv_formula(s, len);
	int quote = formula;
	size_t o = 0;

	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' ||
		    s[i] == '\n';
#define PUT(c)                        \
	do {                          \
		if (o < cap)          \
			out[o] = (c); \
		o++;                  \
	} while (0)
	if (quote)
		PUT('"');
	if (formula)
		PUT('\'');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			PUT('"');
		PUT(s[i]);
	}
	if (quote)
		PUT('"');
#undef PUT
	return o;
}

/* ---- The reader, over libcsv. */

#include <stdlib.h>

/* Through the include path, so that its include_next goes on past it. */
#include <csv_lib.h>

/* libcsv's state before the first byte of a record (ROW_NOT_BEGUN). */
#define LIBCSV_ROW_NOT_BEGUN 0

struct tick_csv_reader {
	struct csv_parser p;
	tick_csv_record_fn fn;
	void *arg;
	long line;  /* the line the next byte is on */
	long start; /* the line the current record began on */
	int stopped;
	int skip;        /* after malformed quoting: skip to the line's end */
	size_t used;     /* bytes of buf in use */
	const char *why; /* the current record is in error */
	struct tick_csv_record rec;
	size_t off[TICK_CSV_FIELDS_MAX];
	char buf[TICK_CSV_RECORD_MAX];
};

static void
on_field(void *s, size_t len, void *arg)
{
	struct tick_csv_reader *r = arg;

	if (r->why != NULL)
		return;
	if (r->rec.n == TICK_CSV_FIELDS_MAX)
		r->why = "has more than 64 fields";
	else if (len > TICK_CSV_CELL_MAX)
		r->why = "has a field longer than 65535 bytes";
	else if (r->used + len + 1 > sizeof(r->buf))
		r->why = "is longer than 256 KiB";
	if (r->why != NULL)
		return;
	if (len > 0)
		memcpy(r->buf + r->used, s, len);
	r->buf[r->used + len] = '\0';
	r->off[r->rec.n] = r->used;
	r->rec.len[r->rec.n++] = len;
	r->used += len + 1;
}

/* Hands the record over and starts the next. */
static void
deliver(struct tick_csv_reader *r, const char *why)
{
	r->rec.line = r->start;
	r->rec.error = why ? why : r->why;
	if (r->rec.error != NULL)
		r->rec.n = 0;
	for (size_t i = 0; i < r->rec.n; i++)
		r->rec.f[i] = r->buf + r->off[i];
	if (!r->stopped && r->fn(r->arg, &r->rec) != 0)
		r->stopped = 1;
	r->rec.n = 0;
	r->used = 0;
	r->why = NULL;
}

static void
on_record(int c, void *arg)
{
	deliver(arg, NULL);
}

struct tick_csv_reader *
tick_csv_reader_new(tick_csv_record_fn fn, void *arg)
{
	struct tick_csv_reader *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) !=
	    0) {
		free(r);
		return NULL;
	}
	/* libcsv drops spaces and tabs around an unquoted field (a quoted
	 * one keeps them), as people who type a CSV expect. */
	r->fn = fn;
	r->arg = arg;
	r->line = r->start = 1;
	return r;
}

/* Parses s[0..len), which holds no line feed but maybe as its last
 * byte. */
static int
parse_piece(struct tick_csv_reader *r, const char *s, size_t len)
{
	size_t done;

	if (r->skip) {
		if (len > 0 && s[len - 1] == '\n')
			r->skip = 0;
		return 0;
	}
	/* A record begins here when libcsv is between records. */
	if (r->p.pstate == LIBCSV_ROW_NOT_BEGUN && r->rec.n == 0 &&
	    r->why == NULL)
		r->start = r->line;
	done = csv_parse(&r->p, s, len, on_field, on_record, r);
	if (done < len && csv_error(&r->p) == CSV_EPARSE) {
		/* Malformed quoting: this record is in error; reading
		 * starts again after this line. */
		deliver(r,
		    "has malformed quoting (a quote inside an "
		    "unquoted field, or text after a closing quote)");
		csv_free(&r->p);
		if (csv_init(&r->p,
		        CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0)
			return -1;
		r->skip = !(len > 0 && s[len - 1] == '\n');
	} else if (done < len)
		return -1;
	return r->stopped ? -1 : 0;
}

int
tick_csv_reader_feed(struct tick_csv_reader *r, const char *buf, size_t len)
{
	/* Line by line, so each record knows the line it starts on. */
	while (len > 0 && !r->stopped) {
		const char *nl = memchr(buf, '\n', len);
		size_t k = nl ? (size_t)(nl - buf) + 1 : len;

		if (parse_piece(r, buf, k) != 0)
			return -1;
		if (nl != NULL)
			r->line++;
		buf += k, len -= k;
	}
	return r->stopped ? -1 : 0;
}

int
tick_csv_reader_end(struct tick_csv_reader *r)
{
	if (r->stopped)
		return -1;
	if (r->skip)
		return 0;
	if (r->p.pstate == LIBCSV_ROW_NOT_BEGUN && r->rec.n == 0)
		r->start = r->line;
	if (csv_fini(&r->p, on_field, on_record, r) != 0)
		deliver(r,
		    "ends inside a quoted field (a quote is not "
		    "closed)");
	return r->stopped ? -1 : 0;
}

void
tick_csv_reader_free(struct tick_csv_reader *r)
{
	if (r == NULL)
		return;
	csv_free(&r->p);
	free(r);
}
