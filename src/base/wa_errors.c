#include <stddef.h>

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
	case 131049:
		/* Meta's per-user marketing limit: later, at a growing delay
		 * (tick_wa_error_delay), never now. */
		return 1;
	default:
		/* 131047 and 131026 are permanent, so are policy (131048,
		 * 368), token (190) and request errors (100, 131051, 1320xx:
		 * a template's parameters are wrong until someone fixes
		 * them); unknown codes retry only when Meta itself failed. */
		return http_status >= 500 && code != 131047 && code != 131026 &&
		    code != 190 && (code < 132000 || code > 132099);
	}
}

int
tick_wa_error_permanent(long long error_code)
{
	/* A Graph error answer is a 4xx; Meta's own failures (5xx) carry
	 * the transient codes tick_wa_error_retryable lists anyway. */
	return error_code != 0 && !tick_wa_error_retryable(error_code, 400);
}

long long
tick_wa_error_delay(long long code, long long attempts)
{
	long long s = 3600;

	if (code != 131049)
		return 0;
	for (long long i = 1; i < attempts && s < 24 * 3600; i++)
		s *= 2;
	return s > 24 * 3600 ? 24 * 3600 : s;
}

const char *
tick_wa_error_advice(long long code)
{
	switch (code) {
	case 132000:
		return "The number of template parameters does not match the "
		       "template: sync the templates and send it again with "
		       "every variable filled.";
	case 132001:
		return "This template does not exist in that language (or is "
		       "not approved yet): sync the templates and pick another.";
	case 132005:
		return "A filled-in template text is too long: shorten the "
		       "variables.";
	case 132007:
		return "A variable breaks WhatsApp's content policy: change "
		       "its text.";
	case 132012:
		return "A template variable has the wrong format (a media "
		       "header needs a link, a button its suffix): check the "
		       "variables and send it again.";
	case 132015:
		return "The template is paused for low quality: pick another.";
	case 132016:
		return "The template is disabled for low quality: pick another.";
	case 131049:
		return "WhatsApp limits how many marketing messages this "
		       "customer gets: tick tries again later, waiting longer "
		       "each time.";
	case 131047:
		return "More than 24 hours since the customer last wrote: send "
		       "an approved template.";
	case 131026: return "WhatsApp could not deliver to this number.";
	case 190:
		return "The WhatsApp access token expired or is wrong: tell an "
		       "administrator.";
	default: return NULL;
	}
}
