#include <curl/curl.h>
#include <stdio.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "valid.h"

enum tick_err
tick_valid_num(const char *s, size_t len, long long min, long long max,
    long long *out)
{
	unsigned long long acc = 0, lim;
	size_t i = 0;
	int neg = 0;

	if (s == NULL || len == 0 || len > 20)
		return TICK_EINVAL;
	if (s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == len)
		return TICK_EINVAL;
	lim = neg ? (unsigned long long)LLONG_MAX + 1ull :
	            (unsigned long long)LLONG_MAX;
	for (; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return TICK_EINVAL;
		d = (unsigned)(s[i] - '0');
		if (acc > (lim - d) / 10)
			return TICK_EINVAL;
		acc = acc * 10 + d;
	}
	if (neg) {
		long long v = acc == (unsigned long long)LLONG_MAX + 1ull ?
		    LLONG_MIN :
		    -(long long)acc;
		if (v < min || v > max)
			return TICK_EINVAL;
		*out = v;
	} else {
		if ((long long)acc < min || (long long)acc > max)
			return TICK_EINVAL;
		*out = (long long)acc;
	}
	return TICK_OK;
}

int
tick_valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i];
		size_t n;
		unsigned cp;

		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else
			return 0;
		if (len - i <= n)
			return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

int
tick_valid_digits(const char *s, size_t len, size_t maxlen)
{
	if (s == NULL || len == 0 || len > maxlen)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

size_t
tick_valid_utf8_cut(const char *s, size_t len, size_t maxchars, char *out,
    size_t outsz)
{
	size_t i = 0, chars = 0;

	if (outsz == 0)
		return 0;
	while (i < len && chars < maxchars) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80    ? 1 :
		    (c & 0xe0) == 0xc0 ? 2 :
		    (c & 0xf0) == 0xe0 ? 3 :
		                         4;

		if (i + n > len || i + n >= outsz)
			break;
		i += n;
		chars++;
	}
	memcpy(out, s, i);
	out[i] = '\0';
	return i;
}

int
tick_valid_loopback_host(const char *host)
{
	if (host == NULL)
		return 0;
	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
	    strcmp(host, "[::1]") == 0)
		return 1;
	if (strncmp(host, "127.", 4) == 0) {
		/* Four dotted decimal parts, each 0..255. */
		const char *p = host;
		int parts = 0;

		while (*p) {
			const char *q = p;
			long long v;

			while (*q && *q != '.')
				q++;
			if (tick_valid_num(p, (size_t)(q - p), 0, 255, &v) !=
			    TICK_OK)
				return 0;
			parts++;
			p = *q ? q + 1 : q;
			if (*q == '.' && *p == '\0')
				return 0;
		}
		return parts == 4;
	}
	return 0;
}

enum tick_err
tick_valid_outbound_url(const char *url)
{
	enum tick_err rc = TICK_EINVAL;
	char *scheme = NULL, *host = NULL;
	CURLU *u;

	if (url == NULL || (u = curl_url()) == NULL)
		return TICK_EINVAL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto out;
	if (strcasecmp(scheme, "https") == 0)
		rc = TICK_OK;
	else if (strcasecmp(scheme, "http") == 0 &&
	    tick_valid_loopback_host(host))
		rc = TICK_OK;
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

size_t
tick_valid_utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

int
tick_valid_email(const char *s, size_t max)
{
	static const char local_ok[] = "!#$%&'*+/=?^_`{|}~.-";
	const char *at, *p;
	size_t len, dots = 0;

	if (s == NULL || (len = strlen(s)) < 3 || len > max || len > 254)
		return 0;
	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL ||
	    at == s || at - s > 64)
		return 0;
	for (p = s; p < at; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		        (*p >= '0' && *p <= '9') ||
		        strchr(local_ok, *p) != NULL))
			return 0;
	if (s[0] == '.' || at[-1] == '.')
		return 0;
	/* Domain: labels of letters, digits and hyphens, at least two. */
	for (p = at + 1; *p != '\0'; p++) {
		if (*p == '.') {
			if (p == at + 1 || p[-1] == '.' || p[-1] == '-' ||
			    p[1] == '\0' || p[1] == '-')
				return 0;
			dots++;
		} else if (!((*p >= 'a' && *p <= 'z') ||
		               (*p >= 'A' && *p <= 'Z') ||
		               (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	}
	return dots > 0 && at[1] != '-';
}

enum tick_err
tick_valid_phone(const char *s, char out[16])
{
	size_t n = 0;
	const char *p = s;

	if (s == NULL)
		return TICK_EINVAL;
	while (*p == ' ')
		p++;
	if (*p == '+')
		p++;
	else if (p[0] == '0' && p[1] == '0')
		p += 2;
	for (; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n == 15)
				return TICK_EINVAL;
			out[n++] = *p;
		} else if (strchr(" -.()", *p) == NULL)
			return TICK_EINVAL;
	}
	out[n] = '\0';
	/* International numbers never start with 0 once the prefix is gone. */
	return n >= 8 && out[0] != '0' ? TICK_OK : TICK_EINVAL;
}
