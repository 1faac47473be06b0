/* tick: references and what a search means (see refs.h). */
#include "refs.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum tick_err
tick_ref_format(const char *prefix, long long id, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s-%06lld", prefix, id);

	return n < 0 || (size_t)n >= outsz ? TICK_ETOOBIG : TICK_OK;
}

static void
read_ref(const char *q, const char *prefix, char *out, size_t outsz)
{
	size_t plen = strlen(prefix), n = 0;
	long long v = 0;
	const char *p = q;

	out[0] = '\0';
	if (plen > 0 && strncasecmp(p, prefix, plen) == 0 && p[plen] == '-')
		p += plen + 1;
	for (; *p >= '0' && *p <= '9'; p++, n++) {
		if (n == 9)
			return;
		v = v * 10 + (*p - '0');
	}
	if (*p != '\0' || n == 0 || v == 0)
		return;
	if (tick_ref_format(prefix, v, out, outsz) != TICK_OK)
		out[0] = '\0';
}

void
tick_search_read(const char *q, const char *prefix, struct tick_search *out)
{
	char buf[64];
	size_t n = 0, skip = 0;
	const char *p = q;

	read_ref(q, prefix, out->ref, sizeof(out->ref));
	out->digits[0] = '\0';
	while (*p == ' ')
		p++;
	if (*p == '+')
		p++;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n + 1 >= sizeof(buf))
				return;
			buf[n++] = *p;
		} else if (!strchr(" .-()/", *p))
			return;
	}
	buf[n] = '\0';
	if (n >= 3 && buf[0] == '0' && buf[1] == '0' && buf[2] != '0')
		skip = 2;
	n -= skip;
	if (n < TICK_SEARCH_PHONE_MIN || n > TICK_SEARCH_PHONE_MAX)
		return;
	memcpy(out->digits, buf + skip, n + 1);
}
