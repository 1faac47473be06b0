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

#endif
