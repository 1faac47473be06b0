#include <stdio.h>
#include <string.h>

#include "csat_rules.h"

static const int button_scores[TICK_CSAT_BUTTONS] = { 3, 2, 1 };

enum tick_err
tick_csat_format_id(long long ticket, int score, char *out, size_t outsz)
{
	int n;

	if (ticket <= 0 || score < TICK_CSAT_SCORE_MIN ||
	    score > TICK_CSAT_SCORE_MAX)
		return TICK_EINVAL;
	n = snprintf(out, outsz, "csat:%lld:%d", ticket, score);
	if (n < 0 || (size_t)n >= outsz)
		return TICK_ETOOBIG;
	return TICK_OK;
}

/* Reads 1 to 18 digits at *p (no sign, no leading zero) into *v. */
static int
digits(const char **p, long long *v)
{
	const char *s = *p;
	long long n = 0;
	size_t len = 0;

	if (*s == '0')
		return 0;
	while (s[len] >= '0' && s[len] <= '9') {
		if (len == 18)
			return 0;
		n = n * 10 + (s[len] - '0');
		len++;
	}
	if (len == 0)
		return 0;
	*v = n;
	*p = s + len;
	return 1;
}

int
tick_csat_parse_id(const char *id, long long *ticket, int *score)
{
	long long t = 0, sc = 0;
	const char *p;

	if (id == NULL || strncmp(id, "csat:", 5) != 0)
		return 0;
	p = id + 5;
	if (!digits(&p, &t) || *p++ != ':' || !digits(&p, &sc) || *p != '\0' ||
	    sc < TICK_CSAT_SCORE_MIN || sc > TICK_CSAT_SCORE_MAX)
		return -1;
	*ticket = t;
	*score = (int)sc;
	return 1;
}

int
tick_csat_button_score(size_t i)
{
	return i < TICK_CSAT_BUTTONS ? button_scores[i] : 0;
}

int
tick_csat_is_low(int score, long long low)
{
	return score >= TICK_CSAT_SCORE_MIN && score <= low;
}

enum tick_csat_low
tick_csat_low_action(const char *value)
{
	if (value == NULL)
		return TICK_CSAT_LOW_NONE;
	if (strcmp(value, "reopen") == 0)
		return TICK_CSAT_LOW_REOPEN;
	if (strcmp(value, "notify") == 0)
		return TICK_CSAT_LOW_NOTIFY;
	return TICK_CSAT_LOW_NONE;
}

int
tick_csat_takes_comment(const struct tick_csat_comment_case *c)
{
	return c->is_text && c->has_rating && !c->has_comment &&
	    !c->has_open_ticket && c->minutes > 0 && c->since_rating >= 0 &&
	    c->since_rating <= c->minutes * 60;
}
