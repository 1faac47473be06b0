/*
 * tick: one CSV field as RFC 4180 writes it, neutralised against formula
 * injection as OWASP describes. Pure: no I/O.
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

/* The most bytes tick_csv_field() writes for len bytes of text. */
#define TICK_CSV_FIELD_MAX(len) (2 * (len) + 3)

#endif
