/*
 * tick: one CSV field as RFC 4180 writes it, neutralised against formula
 * injection as OWASP describes; and a CSV reader over libcsv (strict RFC
 * 4180: quoted commas, quotes and line breaks; spaces around an unquoted
 * field dropped) that is fed a file in
 * pieces and hands over each record with the line it starts on. Pure: no
 * I/O.
 */
#ifndef TICK_CSV_H
#define TICK_CSV_H

#include <stddef.h>

/*
 * Whether a text cell would be read as a formula by a spreadsheet: it
 * starts with =, +, -, @, a tab or a carriage return.
 */
int tick_csv_formula(const char *s, size_t len);

/*
 * Writes text s[0..len) as one CSV field into out (cap bytes, not
 * NUL-terminated): a cell that tick_csv_formula() flags gets a leading
 * single quote; a field holding a comma, a double quote, a carriage
 * return or a line feed (or neutralised) is put in double quotes, each
 * double quote doubled. Returns the bytes the field takes; when that is
 * more than cap nothing useful is in out (at most 2 * len + 3 always
 * fits).
 */
size_t tick_csv_field(const char *s, size_t len, char *out, size_t cap);

/*
 * Reading back a cell tick_csv_field() neutralised: the bytes to skip at
 * s (1 when s is a single quote followed by a cell tick_csv_formula()
 * flags, else 0), so an exported file imports as it was.
 */
size_t tick_csv_unneutralise(const char *s, size_t len);

/* The most bytes tick_csv_field() writes for len bytes of text. */
#define TICK_CSV_FIELD_MAX(len) (2 * (len) + 3)

/* Limits of one record the reader hands over: fields, bytes of one field,
 * bytes of the whole record. */
#define TICK_CSV_FIELDS_MAX 64
#define TICK_CSV_CELL_MAX 65535
#define TICK_CSV_RECORD_MAX (256 * 1024)

/* One record: n fields, field i at f[i] (NUL-terminated, len[i] bytes;
 * may hold a NUL, which len shows), borrowed for the callback's call.
 * line is the line it starts on (from 1); error, when not NULL, says why
 * the record could not be read (too many fields, a field too long,
 * malformed quoting), and then n is 0. */
struct tick_csv_record {
	long line;
	size_t n;
	const char *f[TICK_CSV_FIELDS_MAX];
	size_t len[TICK_CSV_FIELDS_MAX];
	const char *error;
};

/* Called for each record; returns 0 to go on, else the reader stops. */
typedef int (*tick_csv_record_fn)(void *arg, const struct tick_csv_record *r);

struct tick_csv_reader;

/* A new reader calling fn with arg; NULL on ENOMEM. */
struct tick_csv_reader *tick_csv_reader_new(tick_csv_record_fn fn, void *arg);
/*
 * Feeds the next len bytes of the file (any split, even inside a field
 * or a UTF-8 character). Malformed quoting is handed over as a record in
 * error for its line, and reading goes on from the next line. Returns 0,
 * or -1 when fn stopped the reader (or memory ran out).
 */
int
tick_csv_reader_feed(struct tick_csv_reader *r, const char *buf, size_t len);
/* The end of the file: hands over the last record (a final line without
 * a line break; an open quote is a record in error). 0 or -1 as above. */
int tick_csv_reader_end(struct tick_csv_reader *r);
/* Frees r; NULL is a no-op. */
void tick_csv_reader_free(struct tick_csv_reader *r);

#endif
