/*
 * tick: what time it is, for the SLA path (issue 13). time(NULL), unless
 * a test moves the clock: TICK_NOW is honoured only when TICK_ENV=test is
 * also set and the build was not configured with --disable-test-clock (a
 * production package); otherwise it is refused with an error in the log
 * and the real time is used.
 *
 * TICK_NOW is Unix seconds ("1772400000"), a UTC "YYYY-MM-DD HH:MM:SS",
 * or "@/path": the file's first line in either form, read at every call
 * so that a test moves the clock of running responders; while the file
 * is missing or empty the clock is real.
 */
#ifndef TICK_CLOCK_H
#define TICK_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Keeps TICK_NOW and TICK_ENV as they are now (call at start, before a
 * FastCGI request replaces the environment); without it they are read
 * at every call. */
void tick_clock_init(void);

/* Now, in Unix seconds. */
int64_t tick_clock_now(void);

/* Whether the clock is a test's (TICK_NOW honoured and set). */
int tick_clock_is_test(void);

/* Parses a TICK_NOW value (digits or "YYYY-MM-DD HH:MM:SS", UTC; len
 * bytes of s): 0 with *out, or -1. */
int tick_clock_parse(const char *s, size_t len, int64_t *out);

/* Writes t as "YYYY-MM-DD HH:MM:SS" (UTC) into buf (at least 20 bytes):
 * 0, or -1. */
int tick_clock_format(int64_t t, char *buf, size_t len);

#endif
