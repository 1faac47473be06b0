/* tick: what Meta's Graph API error codes mean for a send: worth trying
 * again or not. Pure tables, no I/O. */
#ifndef TICK_WA_ERRORS_H
#define TICK_WA_ERRORS_H

/* Meta's error codes: whether a failed send may be retried later. A code of
 * 0 means no Graph error body (network failure, timeout, bad answer). */
int tick_wa_error_retryable(long long code, int http_status);

/*
 * Whether a failed send with Graph error code (0 when Meta gave none: a
 * transport failure) is permanent: the outbox never retries it, and
 * neither does an agent (409 failed_permanently).
 */
int tick_wa_error_permanent(long long error_code);

/*
 * Seconds to wait before attempt attempts+1 of a send Meta refused with
 * code, when that code asks for its own pace; 0 when the usual backoff
 * applies. 131049 (Meta's per-user marketing limit: the customer has had
 * enough marketing for now) waits 1 hour, doubling, at most 24 hours.
 */
long long tick_wa_error_delay(long long code, long long attempts);

/*
 * What an agent can do about a failed send with Graph error code: a
 * static sentence for the codes tick knows to explain (the template
 * parameter errors 132000, 132001, 132012, 132005, 132007, 132015,
 * 132016, and 131049, 131047, 131026, 190), NULL for the others.
 */
const char *tick_wa_error_advice(long long code);

#endif
