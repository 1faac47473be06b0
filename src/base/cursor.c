#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "cursor.h"
#include "valid.h"

/* Whether s is "YYYY-MM-DD HH:MM:SS" with 0 or 1..6 fractional digits, or
 * "". Shape only: the database compares it with its column. */
static int
key_ok(const char *s)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd";
	size_t n = strlen(s), i;

	if (n == 0)
		return 1;
	if (n < sizeof(shape) - 1 ||
	    n >= sizeof(((struct tick_cursor *)0)->key))
		return 0;
	for (i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') :
		                      s[i] != shape[i])
			return 0;
	if (i == n)
		return 1;
	if (s[i++] != '.' || i == n || n - i > 6)
		return 0;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

enum tick_err
tick_cursor_format(const struct tick_cursor *c, char *out, size_t outsz)
{
	char plain[64], *enc;
	enum tick_err rc = TICK_OK;
	int n;

	if (c->sort < 0 || c->sort > 4 || c->sort == 3 || c->id <= 0 ||
	    memchr(c->key, '\0', sizeof(c->key)) == NULL || !key_ok(c->key))
		return TICK_EINVAL;
	n = snprintf(plain, sizeof(plain), "1|%d|%s|%lld", c->sort, c->key,
	    c->id);
	if (n < 0 || (size_t)n >= sizeof(plain))
		return TICK_ETOOBIG;
	if ((enc = tick_b64url_encode(plain, (size_t)n)) == NULL)
		return TICK_ENOMEM;
	if (strlen(enc) >= outsz)
		rc = TICK_ETOOBIG;
	else
		memcpy(out, enc, strlen(enc) + 1);
	free(enc);
	return rc;
}

enum tick_err
tick_cursor_parse(const char *in, size_t len, struct tick_cursor *c)
{
	unsigned char *plain = NULL;
	size_t plen = 0;
	char *p, *bar;
	size_t klen;
	enum tick_err rc = TICK_EINVAL;

	memset(c, 0, sizeof(*c));
	if (len == 0 || len > TICK_CURSOR_MAX || memchr(in, '\0', len) != NULL)
		return TICK_EINVAL;
	if (tick_b64url_decode(in, len, &plain, &plen) != TICK_OK)
		return TICK_EINVAL;
	p = (char *)plain;
	if (memchr(p, '\0', plen) != NULL || plen < 6 ||
	    strncmp(p, "1|", 2) != 0 || p[2] < '0' || p[2] > '4' ||
	    p[2] == '3' || p[3] != '|')
		goto out;
	c->sort = p[2] - '0';
	p += 4;
	if ((bar = strchr(p, '|')) == NULL)
		goto out;
	klen = (size_t)(bar - p);
	if (klen >= sizeof(c->key))
		goto out;
	memcpy(c->key, p, klen);
	c->key[klen] = '\0';
	if (!key_ok(c->key))
		goto out;
	p = bar + 1;
	/* Canonical digits only: one row, one cursor. */
	if (*p < '1' || *p > '9' ||
	    tick_valid_num(p, strlen(p), 1, 9223372036854775807LL, &c->id) !=
	        TICK_OK)
		goto out;
	rc = TICK_OK;
out:
	free(plain);
	if (rc != TICK_OK)
		memset(c, 0, sizeof(*c));
	return rc;
}
