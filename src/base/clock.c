/* tick: the clock and its test override. See clock.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bizcal.h"
#include "clock.h"
#include "log.h"

int
tick_clock_parse(const char *s, size_t len, int64_t *out)
{
	int32_t day;
	int64_t v = 0;
	int hh, mm, ss;

	while (len > 0 &&
	    (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' '))
		len--;
	if (len == 0)
		return -1;
	if (len <= 12 && strspn(s, "0123456789") >= len) {
		for (size_t i = 0; i < len; i++)
			v = v * 10 + (s[i] - '0');
		*out = v;
		return 0;
	}
	if (len != 19 || s[10] != ' ' || s[13] != ':' || s[16] != ':' ||
	    tick_bizcal_parse_date(s, 10, &day) != 0 ||
	    tick_bizcal_parse_hm(s + 11, 5, &hh) != 0 || s[17] < '0' ||
	    s[17] > '5' || s[18] < '0' || s[18] > '9' || hh >= 1440)
		return -1;
	mm = hh % 60;
	hh /= 60;
	ss = (s[17] - '0') * 10 + (s[18] - '0');
	*out = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss;
	return 0;
}

int
tick_clock_format(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		return -1;
	return 0;
}

/* TICK_NOW and TICK_ENV as the process started: a FastCGI request
 * replaces environ with its own parameters. */
static char saved_now[512], saved_env[16];
static int saved;

void
tick_clock_init(void)
{
	const char *v = getenv("TICK_NOW"), *e = getenv("TICK_ENV");

	snprintf(saved_now, sizeof(saved_now), "%s", v ? v : "");
	snprintf(saved_env, sizeof(saved_env), "%s", e ? e : "");
	saved = 1;
}

/* The test clock's value: 0 with *out, or -1 (real time). */
static int
test_now(int64_t *out)
{
	static int refused;
	const char *v = saved ? saved_now : getenv("TICK_NOW"), *env;
	char line[64];
	FILE *f;
	int r;

	if (v == NULL || v[0] == '\0')
		return -1;
	env = saved ? saved_env : getenv("TICK_ENV");
#ifdef TICK_NO_TEST_CLOCK
	env = NULL;
#endif
	if (env == NULL || strcmp(env, "test") != 0) {
		if (!refused)
			tick_log_err("%s: TICK_NOW refused: not a test "
			             "(TICK_ENV=test, test-clock build)",
			    __func__);
		refused = 1;
		return -1;
	}
	if (v[0] != '@')
		return tick_clock_parse(v, strlen(v), out);
	if ((f = fopen(v + 1, "re")) == NULL)
		return -1;
	r = fgets(line, sizeof(line), f) != NULL ?
	    tick_clock_parse(line, strlen(line), out) :
	    -1;
	fclose(f);
	return r;
}

int64_t
tick_clock_now(void)
{
	int64_t t;

	if (test_now(&t) == 0)
		return t;
	return (int64_t)time(NULL);
}

int
tick_clock_is_test(void)
{
	int64_t t;

	return test_now(&t) == 0;
}
