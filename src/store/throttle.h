/*
 * tick: failed sign-ins counted per (e-mail, source address), the
 * login_throttle table. Guesses from one address lock that address out of
 * one account, never the account for everyone. SQL only.
 */
#ifndef TICK_THROTTLE_H
#define TICK_THROTTLE_H

#include "err.h"

struct tick_db;

/*
 * Begins one sign-in attempt of email (lower case) from addr: starts a
 * transaction and locks the pair's row, made when missing, so that
 * concurrent attempts on one pair are counted one after the other. *locked
 * is set when the pair may not try now. On TICK_OK, end the attempt with
 * tick_throttle_end; on an error no transaction is left open.
 */
enum tick_err tick_throttle_begin(struct tick_db *db, const char *email,
    const char *addr, int *locked);

/*
 * Ends the attempt begun and commits. ok clears the pair. A failure counts:
 * from max_failures on, each one locks the pair for 1, 2, 4, ... minutes,
 * at most lock_minutes, and *locked_now says whether this one did. A pair
 * that was locked (tick_throttle_begin said so) passes ok = 0 and
 * counted = 0: nothing changes and the lock runs its course. On an error
 * the transaction is rolled back.
 */
enum tick_err tick_throttle_end(struct tick_db *db, const char *email,
    const char *addr, int ok, int counted, long long max_failures,
    long long lock_minutes, int *locked_now);

/* Deletes pairs untouched for a day and not locked; *n how many. */
enum tick_err tick_throttle_prune(struct tick_db *db, long long *n);

#endif
