#include <locale.h>
#include <stdint.h>
#include <string.h>
#include <wctype.h>

#include "consent.h"

/* The next code point of s[0..len) at *i (moving *i past it); -1 at the
 * end or on a byte that does not start a sequence (taken as itself). */
static long
next_cp(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char c;
	long cp;
	int n;

	if (*i >= len)
		return -1;
	c = s[(*i)++];
	if (c < 0x80)
		return c;
	n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
	cp = c & (0x3f >> n);
	for (; n > 0 && *i < len && (s[*i] & 0xc0) == 0x80; n--)
		cp = (cp << 6) | (s[(*i)++] & 0x3f);
	return cp;
}

static int
is_space(long cp)
{
	return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xa0 ||
	    cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200b) || cp == 0xfeff;
}

/*
 * Folds s[0..len), trimmed, into out (code points, at most max); returns
 * how many, or -1 when it does not fit. Folding is the simple lower case
 * of C.UTF-8 (glibc's Unicode tables), ASCII alone when that locale is
 * missing.
 */
static long
fold(const char *s, size_t len, uint32_t *out, size_t max, locale_t loc)
{
	size_t i = 0, n = 0, last = 0;
	long cp;

	while ((cp = next_cp((const unsigned char *)s, len, &i)) >= 0) {
		if (n == 0 && is_space(cp))
			continue;
		if (n == max)
			return -1;
		if (loc != (locale_t)0)
			cp = (long)towlower_l((wint_t)cp, loc);
		else if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		out[n++] = (uint32_t)cp;
		if (!is_space(cp))
			last = n;
	}
	return (long)last;
}

int
tick_consent_keyword(const char *list, const char *text)
{
	uint32_t want[TICK_CONSENT_KEYWORD_MAX], item[TICK_CONSENT_KEYWORD_MAX];
	const char *p, *comma;
	locale_t loc;
	long nw, ni;
	int hit = 0;

	if (list == NULL || *list == '\0' || text == NULL ||
	    strlen(text) > TICK_CONSENT_KEYWORD_MAX)
		return 0;
	loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	nw = fold(text, strlen(text), want, TICK_CONSENT_KEYWORD_MAX, loc);
	for (p = list; nw > 0 && !hit && p != NULL;
	     p = comma ? comma + 1 : NULL) {
		comma = strchr(p, ',');
		ni = fold(p, comma ? (size_t)(comma - p) : strlen(p), item,
		    TICK_CONSENT_KEYWORD_MAX, loc);
		hit = ni == nw &&
		    memcmp(item, want, (size_t)nw * sizeof(*want)) == 0;
	}
	if (loc != (locale_t)0)
		freelocale(loc);
	return hit;
}

enum tick_consent_step
tick_consent_step(int cur_out, long long cur_at, int new_out, long long new_at)
{
	if (new_at > 0 && cur_at > 0 && new_at < cur_at)
		return TICK_CONSENT_IGNORE;
	return (cur_out != 0) == (new_out != 0) ? TICK_CONSENT_KEEP :
	                                          TICK_CONSENT_CHANGE;
}
