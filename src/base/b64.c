#include <stdlib.h>
#include <string.h>

#include <b64/cdecode.h>
#include <b64/cencode.h>

#include "b64.h"

/* url: base64url without padding; else standard base64 with it. */
static char *
encode(const void *in, size_t len, int url)
{
	base64_encodestate st;
	size_t cap, o = 0;
	char *out;
	int n;

	if (len > (1u << 28))
		return NULL;
	/* 4 per 3 bytes, plus line breaks libb64 adds, plus the end. */
	cap = (len + 2) / 3 * 4 + (len / 54 + 2) + 4;
	if ((out = malloc(cap)) == NULL)
		return NULL;
	base64_init_encodestate(&st);
	n = base64_encode_block(in, (int)len, out, &st);
	n += base64_encode_blockend(out + n, &st);
	for (int i = 0; i < n; i++) {
		char c = out[i];

		if (c == '\n' || c == '\r' || (url && c == '='))
			continue;
		out[o++] = !url ? c : c == '+' ? '-' : c == '/' ? '_' : c;
	}
	out[o] = '\0';
	return out;
}

char *
tick_b64url_encode(const void *in, size_t len)
{
	return encode(in, len, 1);
}

char *
tick_b64_encode(const void *in, size_t len)
{
	return encode(in, len, 0);
}

/* url: the alphabet uses - and _ instead of + and /. */
static enum tick_err
decode(const char *in, size_t len, int url, unsigned char **out, size_t *outlen)
{
	base64_decodestate st;
	char *std = NULL;
	unsigned char *buf = NULL;
	size_t n = len, padded;
	int got;

	*out = NULL;
	*outlen = 0;
	if (len > (1u << 28))
		return TICK_ETOOBIG;
	/* Padding is optional; when present it must be right. */
	while (n > 0 && in[n - 1] == '=' && len - n < 2)
		n--;
	if (n % 4 == 1 || (n != len && len % 4 != 0))
		return TICK_EINVAL;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		        (c >= '0' && c <= '9') ||
		        (url ? (c == '-' || c == '_') :
		               (c == '+' || c == '/'))))
			return TICK_EINVAL;
	}
	padded = (n + 3) / 4 * 4;
	if ((std = malloc(padded + 1)) == NULL ||
	    (buf = malloc(padded / 4 * 3 + 1)) == NULL) {
		free(std);
		return TICK_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		std[i] = in[i] == '-' ? '+' : in[i] == '_' ? '/' : in[i];
	for (size_t i = n; i < padded; i++)
		std[i] = '=';
	base64_init_decodestate(&st);
	got = base64_decode_block(std, (int)padded, (char *)buf, &st);
	free(std);
	if (got < 0) {
		free(buf);
		return TICK_EINVAL;
	}
	buf[got] = '\0';
	*out = buf;
	*outlen = (size_t)got;
	return TICK_OK;
}

enum tick_err
tick_b64url_decode(const char *in, size_t len, unsigned char **out,
    size_t *outlen)
{
	return decode(in, len, 1, out, outlen);
}

enum tick_err
tick_b64_decode(const char *in, size_t len, unsigned char **out, size_t *outlen)
{
	return decode(in, len, 0, out, outlen);
}
