#include "wa_errors.h"

int
tick_wa_error_retryable(long long code, int http_status)
{
	switch (code) {
	case 0:
		/* No Graph error body: transport failure, timeout, or a 5xx page. */
		return http_status == 0 || http_status >= 500 ||
		    http_status == 429;
	case 4:
	case 613:
	case 80007:
	case 130429:
	case 131056: return 1; /* throughput and pair rate limits */
	case 1:
	case 2:
	case 131000:
	case 131016: return 1; /* Meta's own transient errors */
	default:
		/* 131047 and 131026 are permanent, so are policy (131048,
		 * 131049, 368), token (190) and request errors (100, 131051,
		 * 1320xx); unknown codes retry only when Meta itself failed. */
		return http_status >= 500 && code != 131047 && code != 131026 &&
		    code != 190;
	}
}

int
tick_wa_error_permanent(long long error_code)
{
	/* A Graph error answer is a 4xx; Meta's own failures (5xx) carry
	 * the transient codes tick_wa_error_retryable lists anyway. */
	return error_code != 0 && !tick_wa_error_retryable(error_code, 400);
}
