#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <png.h>
#include <qrencode.h>

#include "crypto.h"
#include "qr.h"
#include "valid.h"

/* A growing output buffer; failed is sticky. */
struct buf {
	char *p;
	size_t len, cap;
	int failed;
};

static void
buf_add(struct buf *b, const void *data, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		b->failed = 1;
	else
		buf_add(b, tmp, (size_t)n);
}

int
tick_qr_format_parse(const char *s)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "png") == 0)
		return TICK_QR_PNG;
	if (strcmp(s, "svg") == 0)
		return TICK_QR_SVG;
	return -1;
}

const char *
tick_qr_format_type(enum tick_qr_format f)
{
	switch (f) {
	case TICK_QR_PNG: return "image/png";
	case TICK_QR_SVG: return "image/svg+xml";
	default: return NULL;
	}
}

/* Module (x, y) of code is dark (libqrencode keeps that in bit 0). */
static int
dark(const QRcode *code, int x, int y)
{
	return code->data[y * code->width + x] & 1;
}

static void
png_write(png_structp png, png_bytep data, png_size_t n)
{
	buf_add(png_get_io_ptr(png), data, n);
}

static void
png_flush(png_structp png)
{
	(void)png;
}

/* libpng reports through longjmp; nothing to print. */
static void
png_warn(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/*
 * Draws code into b as a size x size 1-bit greyscale PNG: scale pixels a
 * module, off pixels of light border before the first module. Returns 0
 * or -1.
 */
static int
draw_png(const QRcode *code, unsigned size, unsigned scale, unsigned off,
    struct buf *b)
{
	png_structp png = NULL;
	png_infop info = NULL;
	size_t rowbytes = (size + 7) / 8;
	unsigned char *row = malloc(rowbytes);
	unsigned end = off + (unsigned)code->width * scale;
	volatile int rc = -1;

	if (row == NULL)
		return -1;
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL,
	    png_warn);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL)
		goto out;
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_set_write_fn(png, b, png_write, png_flush);
	png_set_IHDR(png, info, size, size, 1, PNG_COLOR_TYPE_GRAY,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	    PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (unsigned y = 0; y < size; y++) {
		/* 1 is light in 1-bit greyscale. */
		memset(row, 0xff, rowbytes);
		if (y >= off && y < end)
			for (unsigned x = off; x < end; x++)
				if (dark(code, (int)((x - off) / scale),
				        (int)((y - off) / scale)))
					row[x / 8] &= (unsigned char)~(
					    0x80u >> (x % 8));
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	rc = b->failed ? -1 : 0;
out:
	png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
	free(row);
	return rc;
}

/*
 * Draws code into b as an SVG size pixels wide whose user units are
 * modules (the quiet zone included): a light square and one path of the
 * dark modules, a rectangle per horizontal run.
 */
static int
draw_svg(const QRcode *code, unsigned size, struct buf *b)
{
	int w = code->width, all = w + 2 * TICK_QR_QUIET;

	buf_printf(b,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" "
	    "height=\"%u\" viewBox=\"0 0 %d %d\" ",
	    size, size, all, all);
	buf_printf(b, "shape-rendering=\"crispEdges\">");
	buf_printf(b, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", all,
	    all);
	buf_printf(b, "<path fill=\"#000\" d=\"");
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w;) {
			int run = 0;

			while (x + run < w && dark(code, x + run, y))
				run++;
			if (run == 0) {
				x++;
				continue;
			}
			buf_printf(b, "M%d %dh%dv1h-%dz", x + TICK_QR_QUIET,
			    y + TICK_QR_QUIET, run, run);
			x += run;
		}
	buf_printf(b, "\"/></svg>\n");
	return b->failed ? -1 : 0;
}

enum tick_err
tick_qr_render(enum tick_qr_format f, const char *text, unsigned size,
    char **out, size_t *len, unsigned *need)
{
	struct buf b = { NULL, 0, 0, 0 };
	QRcode *code = NULL;
	enum tick_err rc = TICK_EINVAL;
	unsigned modules, scale;
	size_t n;

	*out = NULL;
	*len = 0;
	if (need != NULL)
		*need = 0;
	if (text == NULL || (unsigned)f >= TICK_QR__MAX ||
	    size < TICK_QR_SIZE_MIN || size > TICK_QR_SIZE_MAX)
		return TICK_EINVAL;
	if ((n = strlen(text)) == 0)
		return TICK_EINVAL;
	if (n > TICK_QR_MAX_TEXT)
		return TICK_ETOOBIG;
	errno = 0;
	if ((code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M)) == NULL)
		return errno == ENOMEM ? TICK_ENOMEM :
		    errno == ERANGE    ? TICK_ETOOBIG :
		                         TICK_EINVAL;
	modules = (unsigned)code->width + 2 * TICK_QR_QUIET;
	if ((scale = size / modules) == 0) {
		if (need != NULL)
			*need = modules;
		goto out;
	}
	/* Centred: what a whole number of pixels a module leaves over
	 * widens the quiet zone. */
	if ((f == TICK_QR_PNG ?
	            draw_png(code, size, scale,
	                (size - (unsigned)code->width * scale) / 2, &b) :
	            draw_svg(code, size, &b)) != 0) {
		rc = TICK_ENOMEM;
		goto out;
	}
	*out = b.p;
	*len = b.len;
	b.p = NULL;
	rc = TICK_OK;
out:
	free(b.p);
	QRcode_free(code);
	return rc;
}

enum tick_err
tick_qr_wa_link(const char *digits, const char *text, char *out, size_t outsz)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = digits ? strlen(digits) : 0, o;
	int w;

	if (n < 8 || !tick_valid_digits(digits, n, 15))
		return TICK_EINVAL;
	if (text != NULL && !tick_valid_utf8(text, strlen(text)))
		return TICK_EINVAL;
	w = snprintf(out, outsz, "https://wa.me/%s", digits);
	if (w < 0 || (size_t)w >= outsz)
		return TICK_ETOOBIG;
	if (text == NULL || *text == '\0')
		return TICK_OK;
	o = (size_t)w;
	if (o + 6 >= outsz)
		return TICK_ETOOBIG;
	memcpy(out + o, "?text=", 6);
	o += 6;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		int keep = (*p >= 'A' && *p <= 'Z') ||
		    (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~';

		if (o + (keep ? 1 : 3) >= outsz)
			return TICK_ETOOBIG;
		if (keep) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	out[o] = '\0';
	return TICK_OK;
}

void
tick_qr_etag(const void *data, size_t len, char out[TICK_QR_ETAG_BUF])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	/* 128 bits of the hash: plenty to tell two images apart. */
	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen < 16)
		memset(md, 0, sizeof(md));
	out[0] = '"';
	tick_crypto_hex(md, 16, out + 1);
	out[33] = '"';
	out[34] = '\0';
}

int
tick_qr_etag_matches(const char *if_none_match, const char *etag)
{
	size_t elen;
	const char *p = if_none_match;

	if (p == NULL || etag == NULL)
		return 0;
	elen = strlen(etag);
	while (*p != '\0') {
		const char *start, *end;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		start = p;
		/* A tag is quoted and may hold commas; "*" stands alone. */
		if (*p == '*') {
			end = p + 1;
		} else {
			if (strncmp(p, "W/", 2) == 0)
				start = p += 2;
			if (*p != '"')
				return 0;
			end = strchr(p + 1, '"');
			if (end == NULL)
				return 0;
			end++;
		}
		p = end;
		while (*p == ' ' || *p == '\t')
			p++;
		/* Anything but a separator after a tag: not a list of tags. */
		if (*p != ',' && *p != '\0')
			return 0;
		if ((end - start == 1 && *start == '*') ||
		    ((size_t)(end - start) == elen &&
		        memcmp(start, etag, elen) == 0))
			return 1;
	}
	return 0;
}
