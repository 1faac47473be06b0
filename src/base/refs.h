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

/* Bytes of a search's CJK query: 200 bytes of q hold at most 66 CJK
 * characters, each at most 17 bytes as a bigram token, plus quotes. */
#define TICK_SEARCH_CJK_MAX 1400

/* Bytes of a search's words: GET /api/tickets caps q at 200. */
#define TICK_SEARCH_WORDS_MAX 256

struct tick_search {
	/* q for FULLTEXT's natural language mode: InnoDB still reads "*"
	 * there, and fails on a q of only "*", quotes and spaces (a 503),
	 * so every "*" is a space; "" when q does not fit. */
	char words[TICK_SEARCH_WORDS_MAX];
	char ref[48]; /* the reference it names, or "" */
	char digits[TICK_SEARCH_PHONE_MAX + 1];  /* a mobile's digits, or "" */
	char rdigits[TICK_SEARCH_PHONE_MAX + 1]; /* digits reversed */
	/* Its Chinese and Japanese runs as a FULLTEXT boolean query over the
	 * bigram columns (sql/033_search.sql), or "". */
	char cjk[TICK_SEARCH_CJK_MAX];
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
 * which finds the national number and the last digits alike (rdigits,
 * the digits reversed, are a prefix of the stored mobile reversed).
 * Either or both may be "": "1234" is both a reference and a mobile's end.
 * Its CJK runs (Han, Hiragana, Katakana): see tick_search_cjk.
 */
void
tick_search_read(const char *q, const char *prefix, struct tick_search *out);

/*
 * Writes into out (outsz bytes) the FULLTEXT boolean query that finds the
 * CJK runs of q (NUL-terminated UTF-8) in the bigram columns that
 * sql/033_search.sql's tick_cjk_bigrams writes: each bigram as the upper
 * hex of its two UTF-32 code points; a run of two or more characters as a
 * required phrase of its bigrams ('+"00004E2D00006587"'), a single
 * character as a required prefix ('+00004E2D*': a bigram it starts or a
 * run's last character). "" when q has no CJK character, or out is too
 * small (a longer q than the limits allow). Malformed UTF-8 ends a run.
 */
void tick_search_cjk(const char *q, char *out, size_t outsz);

#endif
