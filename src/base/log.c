#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static enum tick_log_level level = TICK_LOG_INFO;
static const char *const names[TICK_LOG__MAX] = { "err", "warn", "info",
	"debug" };

void
tick_log_set_level(enum tick_log_level lvl)
{
	level = lvl;
}

int
tick_log_level_parse(const char *name)
{
	for (int i = 0; i < TICK_LOG__MAX; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

void
tick_log(enum tick_log_level lvl, const char *fmt, ...)
{
	char line[2048];
	char when[32];
	struct tm tm;
	time_t now;
	va_list ap;
	int n;

	if (lvl > level)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line, sizeof(line), "%s tick[%ld] %s: ", when,
	    (long)getpid(), names[lvl]);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	/* One write per line so lines from workers never interleave. */
	n = (int)strlen(line);
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}
