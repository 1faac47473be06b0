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

	n = strlen(q);
	out->words[0] = '\0';
	if (n < sizeof(out->words)) {
		for (size_t i = 0; i <= n; i++)
			out->words[i] = q[i] == '*' ? ' ' : q[i];
	}
	n = 0;
	read_ref(q, prefix, out->ref, sizeof(out->ref));
	tick_search_cjk(q, out->cjk, sizeof(out->cjk));
	out->digits[0] = '\0';
	out->rdigits[0] = '\0';
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
	for (size_t i = 0; i < n; i++)
		out->rdigits[i] = out->digits[n - 1 - i];
	out->rdigits[n] = '\0';
}

/* The code point at *p (advancing *p), or -1 for malformed UTF-8 (then *p
 * moves one byte). */
static long
utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	long c;
	int n, i;

	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	}
	if ((s[0] & 0xE0) == 0xC0) {
		c = s[0] & 0x1F;
		n = 1;
	} else if ((s[0] & 0xF0) == 0xE0) {
		c = s[0] & 0x0F;
		n = 2;
	} else if ((s[0] & 0xF8) == 0xF0) {
		c = s[0] & 0x07;
		n = 3;
	} else {
		*p = s + 1;
		return -1;
	}
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*p = s + 1;
			return -1;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*p = s + n + 1;
	return c;
}

/* The ranges tick_cjk_bigrams (sql/033_search.sql) keeps as bigrams. */
static int
is_cjk(long c)
{
	return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
	    (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	    (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}

/* Appends a run of n code points to out at *len; 0, or -1 when full. */
static int
put_run(const long *run, size_t n, char *out, size_t outsz, size_t *len)
{
	int w;

	if (n == 1)
		w = snprintf(out + *len, outsz - *len, "%s+%08lX*",
		    *len ? " " : "", (unsigned long)run[0]);
	else
		w = snprintf(out + *len, outsz - *len, "%s+\"",
		    *len ? " " : "");
	if (w < 0 || (size_t)w >= outsz - *len)
		return -1;
	*len += (size_t)w;
	if (n == 1)
		return 0;
	for (size_t i = 0; i + 1 < n; i++) {
		w = snprintf(out + *len, outsz - *len, "%s%08lX%08lX",
		    i ? " " : "", (unsigned long)run[i],
		    (unsigned long)run[i + 1]);
		if (w < 0 || (size_t)w >= outsz - *len)
			return -1;
		*len += (size_t)w;
	}
	if (*len + 2 > outsz)
		return -1;
	out[(*len)++] = '"';
	out[*len] = '\0';
	return 0;
}

void
tick_search_cjk(const char *q, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)q;
	long run[TICK_SEARCH_CJK_MAX / 16], c;
	size_t n = 0, len = 0;

	if (outsz == 0)
		return;
	out[0] = '\0';
	for (;;) {
		c = *p ? utf8_next(&p) : -2;
		if (c >= 0 && is_cjk(c)) {
			if (n == sizeof(run) / sizeof(run[0]))
				goto full;
			run[n++] = c;
			continue;
		}
		if (n > 0 && put_run(run, n, out, outsz, &len) != 0)
			goto full;
		n = 0;
		if (c == -2)
			return;
	}
full:
	out[0] = '\0';
}
