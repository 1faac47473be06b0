/*
 * tick: a ticket's reference, how tick writes it and how it reads it back
 * from what people type; and what a search (GET /api/tickets?q=) means
 * besides its words, the one place the inbox asks. An agent types a reference as the customer
 * read it ("TKT-000001", "tkt-1", "000001", "1") and a mobile as the
 * panel shows it or as people write it ("+34 612 34 56 78", "0034...",
 * the national "612345678", the last digits). No I/O.
 */
#ifndef TICK_REFS_H
#define TICK_REFS_H

#include <stddef.h>

#include "err.h"

/*
 * Writes the reference of ticket id ("TKT-000042": the prefix, a dash, at
 * least six digits) into out. Returns TICK_OK, or TICK_ETOOBIG when out is
 * too small.
 */
enum tick_err
tick_ref_format(const char *prefix, long long id, char *out, size_t outsz);

/* Fewest digits a search needs before it is taken as a mobile's end. */
#define TICK_SEARCH_PHONE_MIN 4
/* Most digits of a mobile (E.164 allows 15). */
#define TICK_SEARCH_PHONE_MAX 15

struct tick_search {
	char ref[48]; /* the reference it names, or "" */
	char digits[TICK_SEARCH_PHONE_MAX + 1]; /* a mobile's digits, or "" */
};

/*
 * Reads q (NUL-terminated) against the desk's reference prefix ("TKT").
 * A reference: an optional "PREFIX-" (any case), then 1 to 9 digits, at
 * least one of them not 0; written back the way tick writes it
 * (PREFIX-%06d). A mobile: only digits once spaces, dots, dashes,
 * brackets and one leading "+" are dropped, a leading "00" before a
 * country code (the international call prefix) dropped too, TICK_SEARCH_PHONE_MIN to
 * TICK_SEARCH_PHONE_MAX digits; stored mobiles are the international
 * number without "+", so these digits are matched as the mobile's end,
 * which finds the national number and the last digits alike. Either or
 * both may be "": "1234" is both a reference and a mobile's end.
 */
void
tick_search_read(const char *q, const char *prefix, struct tick_search *out);

#endif
