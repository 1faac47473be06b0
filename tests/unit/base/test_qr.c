#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "cu.h"
#include "qr.h"

#define LINK "https://wa.me/15550001111?text=Site%20NRT01%3A%20"

/* A decoded 1-bit PNG: one byte a pixel, 1 for dark. */
struct img {
	unsigned w, h;
	int depth, type;
	unsigned char *px;
};

struct src {
	const unsigned char *p;
	size_t len, off;
};

static void
read_mem(png_structp png, png_bytep out, png_size_t n)
{
	struct src *s = png_get_io_ptr(png);

	if (s->off + n > s->len)
		png_error(png, "short PNG");
	memcpy(out, s->p + s->off, n);
	s->off += n;
}

/* Decodes data with libpng, independently of how qr.c wrote it. */
static int
decode(const char *data, size_t len, struct img *im)
{
	struct src s = { (const unsigned char *)data, len, 0 };
	png_structp png;
	png_infop info;
	unsigned char *volatile row = NULL;
	volatile int rc = -1;

	memset(im, 0, sizeof(*im));
	if (len < 8 || png_sig_cmp((png_const_bytep)data, 0, 8) != 0)
		return -1;
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png_create_info_struct(png);
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_set_read_fn(png, &s, read_mem);
	png_read_info(png, info);
	im->w = png_get_image_width(png, info);
	im->h = png_get_image_height(png, info);
	im->depth = png_get_bit_depth(png, info);
	im->type = png_get_color_type(png, info);
	if (im->depth != 1 || im->type != PNG_COLOR_TYPE_GRAY)
		goto out;
	row = malloc(png_get_rowbytes(png, info));
	im->px = malloc((size_t)im->w * im->h);
	for (unsigned y = 0; y < im->h; y++) {
		png_read_row(png, row, NULL);
		for (unsigned x = 0; x < im->w; x++)
			im->px[y * im->w + x] = !(
			    row[x / 8] & (0x80 >> (x % 8)));
	}
	png_read_end(png, NULL);
	rc = 0;
out:
	png_destroy_read_struct(&png, &info, NULL);
	free(row);
	return rc;
}

/* Where the code starts (its first dark pixel on the diagonal's row) and
 * how many pixels a module is, from the top-left finder pattern: a run of
 * 7 dark modules. */
static void
geometry(const struct img *im, unsigned *off, unsigned *scale)
{
	unsigned x, y, run = 0;

	*off = *scale = 0;
	for (y = 0; y < im->h; y++) {
		for (x = 0; x < im->w && !im->px[y * im->w + x]; x++)
			;
		if (x < im->w)
			break;
	}
	if (y == im->h)
		return;
	CU_ASSERT_EQUAL(x, y); /* centred: as much light left as above */
	while (x + run < im->w && im->px[y * im->w + x + run])
		run++;
	*off = y;
	*scale = run / 7;
	CU_ASSERT_EQUAL(run % 7, 0);
}

static void
test_png_size_and_quiet_zone(void)
{
	static const unsigned sizes[] = { 128, 300, 512, 1001, 2048 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned size = sizes[i], off, scale, modules, need = 9;
		char *data = NULL;
		size_t len = 0;
		struct img im;

		CU_ASSERT_EQUAL_FATAL(tick_qr_render(TICK_QR_PNG, LINK, size,
		                          &data, &len, &need),
		    TICK_OK);
		CU_ASSERT_EQUAL(need, 0);
		CU_ASSERT_EQUAL_FATAL(decode(data, len, &im), 0);
		CU_ASSERT_EQUAL(im.w, size);
		CU_ASSERT_EQUAL(im.h, size);
		geometry(&im, &off, &scale);
		CU_ASSERT_FATAL(scale >= 1);
		/* At least four light modules on every side. */
		CU_ASSERT(off >= TICK_QR_QUIET * scale);
		modules = (size - 2 * off) / scale;
		CU_ASSERT(size - 2 * off - modules * scale <= 1);
		CU_ASSERT(modules >= 21 && (modules - 21) % 4 == 0);
		for (unsigned y = 0; y < size; y++)
			for (unsigned x = 0; x < size; x++)
				if (x < off || y < off ||
				    x >= off + modules * scale ||
				    y >= off + modules * scale)
					CU_ASSERT_FALSE_FATAL(
					    im.px[y * size + x]);
		/* The three finder patterns in their corners: seven dark
		 * modules, a light separator, a light ring, a dark centre. */
		for (int c = 0; c < 3; c++) {
			unsigned x0 = c == 1 ? modules - 7 : 0,
			         y0 = c == 2 ? modules - 7 : 0;

#define MOD(x, y)                                                      \
	im.px[(off + (y)*scale + scale / 2) * size + off + (x)*scale + \
	    scale / 2]
			for (unsigned k = 0; k < 7; k++) {
				CU_ASSERT(MOD(x0 + k, y0));
				CU_ASSERT(MOD(x0, y0 + k));
			}
			CU_ASSERT_FALSE(MOD(x0 + 1, y0 + 1));
			CU_ASSERT(MOD(x0 + 3, y0 + 3));
			CU_ASSERT_FALSE(MOD(c == 1 ? x0 - 1 : x0 + 7, y0 + 3));
#undef MOD
		}
		free(im.px);
		free(data);
	}
}

/* The SVG's path, read back into a grid of modules. */
static int
svg_grid(const char *svg, unsigned char *grid, int *modules)
{
	const char *p;
	int all, x, y, h, h2, n;

	if ((p = strstr(svg, "viewBox=\"0 0 ")) == NULL ||
	    sscanf(p, "viewBox=\"0 0 %d %d\"", &all, &n) != 2 || all != n)
		return -1;
	*modules = all - 2 * TICK_QR_QUIET;
	memset(grid, 0, (size_t)all * all);
	if ((p = strstr(svg, " d=\"")) == NULL)
		return -1;
	p += 4;
	while (*p == 'M') {
		if (sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &h, &h2, &n) != 4 ||
		    h != h2 || x < 0 || y < 0 || x + h > all || y >= all)
			return -1;
		for (int i = 0; i < h; i++)
			grid[y * all + x + i] = 1;
		p += n;
	}
	return *p == '"' ? 0 : -1;
}

static void
test_svg_is_one_path_and_matches_the_png(void)
{
	char *svg = NULL, *png = NULL;
	size_t slen = 0, plen = 0;
	unsigned off, scale;
	int modules = 0, all, count = 0;
	unsigned char *grid;
	const char *p;
	struct img im;

	CU_ASSERT_EQUAL_FATAL(tick_qr_render(TICK_QR_SVG, LINK, 256, &svg,
	                          &slen, NULL),
	    TICK_OK);
	CU_ASSERT_EQUAL(strlen(svg), slen);
	CU_ASSERT(
	    strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, "width=\"256\" height=\"256\""));
	for (p = svg; (p = strstr(p, "<path")) != NULL; p++)
		count++;
	CU_ASSERT_EQUAL(count, 1);
	CU_ASSERT_PTR_NULL(strstr(svg, "<script"));
	CU_ASSERT(strcmp(svg + slen - 7, "</svg>\n") == 0);

	grid = malloc(200 * 200);
	CU_ASSERT_EQUAL_FATAL(svg_grid(svg, grid, &modules), 0);
	all = modules + 2 * TICK_QR_QUIET;
	/* The quiet zone is empty. */
	for (int y = 0; y < all; y++)
		for (int x = 0; x < all; x++)
			if (x < TICK_QR_QUIET || y < TICK_QR_QUIET ||
			    x >= all - TICK_QR_QUIET ||
			    y >= all - TICK_QR_QUIET)
				CU_ASSERT_FALSE_FATAL(grid[y * all + x]);
	/* Module for module what the PNG shows. */
	CU_ASSERT_EQUAL_FATAL(tick_qr_render(TICK_QR_PNG, LINK, 512, &png,
	                          &plen, NULL),
	    TICK_OK);
	CU_ASSERT_EQUAL_FATAL(decode(png, plen, &im), 0);
	geometry(&im, &off, &scale);
	CU_ASSERT_EQUAL_FATAL((512 - 2 * off) / scale, (unsigned)modules);
	for (int y = 0; y < modules; y++)
		for (int x = 0; x < modules; x++)
			CU_ASSERT_EQUAL_FATAL(grid[(y + TICK_QR_QUIET) * all +
			                          x + TICK_QR_QUIET],
			    im.px[(off + y * scale + scale / 2) * 512 + off +
			        x * scale + scale / 2]);
	free(im.px);
	free(grid);
	free(svg);
	free(png);
}

static void
test_limits(void)
{
	char text[TICK_QR_MAX_TEXT + 2], *out = (char *)1;
	size_t len = 7;
	unsigned need = 0;

	/* Empty text, a size out of bounds, an unknown format. */
	CU_ASSERT_EQUAL(tick_qr_render(TICK_QR_PNG, "", 512, &out, &len, NULL),
	    TICK_EINVAL);
	CU_ASSERT_PTR_NULL(out);
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_EQUAL(tick_qr_render(TICK_QR_PNG, NULL, 512, &out, &len,
	                    NULL),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_qr_render(TICK_QR_PNG, LINK, TICK_QR_SIZE_MIN - 1,
	                    &out, &len, &need),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(need, 0);
	CU_ASSERT_EQUAL(tick_qr_render(TICK_QR_SVG, LINK, TICK_QR_SIZE_MAX + 1,
	                    &out, &len, NULL),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_qr_render((enum tick_qr_format)7, LINK, 512, &out,
	                    &len, NULL),
	    TICK_EINVAL);

	/* The longest text fits a large image but not the smallest. */
	memset(text, 'a', TICK_QR_MAX_TEXT);
	text[TICK_QR_MAX_TEXT] = '\0';
	CU_ASSERT_EQUAL(tick_qr_render(TICK_QR_PNG, text, TICK_QR_SIZE_MIN,
	                    &out, &len, &need),
	    TICK_EINVAL);
	CU_ASSERT(need > TICK_QR_SIZE_MIN && need < TICK_QR_SIZE_MAX);
	CU_ASSERT_PTR_NULL(out);
	CU_ASSERT_EQUAL(tick_qr_render(TICK_QR_PNG, text, need, &out, &len,
	                    NULL),
	    TICK_OK);
	free(out);
	/* One byte more is refused before any encoding. */
	text[TICK_QR_MAX_TEXT] = 'a';
	text[TICK_QR_MAX_TEXT + 1] = '\0';
	CU_ASSERT_EQUAL(tick_qr_render(TICK_QR_SVG, text, TICK_QR_SIZE_MAX,
	                    &out, &len, NULL),
	    TICK_ETOOBIG);
	CU_ASSERT_PTR_NULL(out);

	CU_ASSERT_EQUAL(tick_qr_format_parse("png"), TICK_QR_PNG);
	CU_ASSERT_EQUAL(tick_qr_format_parse("svg"), TICK_QR_SVG);
	CU_ASSERT_EQUAL(tick_qr_format_parse("PNG"), -1);
	CU_ASSERT_EQUAL(tick_qr_format_parse(""), -1);
	CU_ASSERT_EQUAL(tick_qr_format_parse(NULL), -1);
	CU_STR_EQ(tick_qr_format_type(TICK_QR_SVG), "image/svg+xml");
	CU_ASSERT_PTR_NULL(tick_qr_format_type(TICK_QR__MAX));
}

static void
test_wa_link(void)
{
	char out[256];

	CU_ASSERT_EQUAL(tick_qr_wa_link("15550001111", "Site NRT01: ", out,
	                    sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, LINK);
	/* UTF-8 bytes one by one, line breaks, and what stays as it is. */
	CU_ASSERT_EQUAL(tick_qr_wa_link("5215512345678",
	                    "Año\nA-b.c_d~e+f&g=h?#%/", out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out,
	    "https://wa.me/5215512345678?text=A%C3%B1o%0AA-b.c_d~e%2Bf%26g%3Dh%3F%23%25%2F");
	CU_ASSERT_EQUAL(tick_qr_wa_link("15550001111", "\xf0\x9f\x94\xa5", out,
	                    sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "https://wa.me/15550001111?text=%F0%9F%94%A5");
	/* No text, no ?text. */
	CU_ASSERT_EQUAL(tick_qr_wa_link("15550001111", "", out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "https://wa.me/15550001111");
	CU_ASSERT_EQUAL(tick_qr_wa_link("15550001111", NULL, out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "https://wa.me/15550001111");

	/* Only 8 to 15 digits make a number. */
	CU_ASSERT_EQUAL(tick_qr_wa_link("1234567", "x", out, sizeof(out)),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_qr_wa_link("1234567890123456", "x", out,
	                    sizeof(out)),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_qr_wa_link("+15550001111", "x", out, sizeof(out)),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_qr_wa_link("1555 000 1111", "x", out, sizeof(out)),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_qr_wa_link(NULL, "x", out, sizeof(out)),
	    TICK_EINVAL);
	/* Text that is not UTF-8. */
	CU_ASSERT_EQUAL(tick_qr_wa_link("15550001111", "a\xff", out,
	                    sizeof(out)),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_qr_wa_link("15550001111", "\xed\xa0\x80", out,
	                    sizeof(out)),
	    TICK_EINVAL);
	/* Exactly enough room, and one byte less. */
	CU_ASSERT_EQUAL(tick_qr_wa_link("15550001111", "Site NRT01: ", out,
	                    strlen(LINK) + 1),
	    TICK_OK);
	CU_STR_EQ(out, LINK);
	CU_ASSERT_EQUAL(tick_qr_wa_link("15550001111", "Site NRT01: ", out,
	                    strlen(LINK)),
	    TICK_ETOOBIG);
	CU_ASSERT_EQUAL(tick_qr_wa_link("15550001111", NULL, out, 10),
	    TICK_ETOOBIG);
}

static void
test_etag(void)
{
	char a[TICK_QR_ETAG_BUF], b[TICK_QR_ETAG_BUF], weak[48], list[128];

	tick_qr_etag("one image", 9, a);
	tick_qr_etag("one image", 9, b);
	CU_STR_EQ(a, b);
	CU_ASSERT_EQUAL(strlen(a), 34);
	CU_ASSERT(a[0] == '"' && a[33] == '"');
	CU_ASSERT_EQUAL(strspn(a + 1, "0123456789abcdef"), 32);
	tick_qr_etag("one imagf", 9, b);
	CU_ASSERT(strcmp(a, b) != 0);
	tick_qr_etag("", 0, b);
	CU_ASSERT(strcmp(a, b) != 0);

	CU_ASSERT(tick_qr_etag_matches(a, a));
	CU_ASSERT(tick_qr_etag_matches("*", a));
	CU_ASSERT(tick_qr_etag_matches(" * ", a));
	snprintf(weak, sizeof(weak), "W/%s", a);
	CU_ASSERT(tick_qr_etag_matches(weak, a));
	snprintf(list, sizeof(list), "\"x\", \"a,b\" ,%s", a);
	CU_ASSERT(tick_qr_etag_matches(list, a));
	snprintf(list, sizeof(list), "%s, \"x\"", weak);
	CU_ASSERT(tick_qr_etag_matches(list, a));
	CU_ASSERT_FALSE(tick_qr_etag_matches(NULL, a));
	CU_ASSERT_FALSE(tick_qr_etag_matches("", a));
	CU_ASSERT_FALSE(tick_qr_etag_matches(b, a));
	CU_ASSERT_FALSE(tick_qr_etag_matches("\"x\", \"y\"", a));
	/* The bare hash, an unclosed quote, or junk between tags. */
	CU_ASSERT_FALSE(tick_qr_etag_matches(a + 1, a));
	snprintf(list, sizeof(list), "%.20s", a);
	CU_ASSERT_FALSE(tick_qr_etag_matches(list, a));
	snprintf(list, sizeof(list), "\"x\" junk %s", a);
	CU_ASSERT_FALSE(tick_qr_etag_matches(list, a));
	CU_ASSERT_FALSE(tick_qr_etag_matches("**", a));
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "png: size, quiet zone, corners",
		    test_png_size_and_quiet_zone },
		{ "svg: one path, the same modules as the png",
		    test_svg_is_one_path_and_matches_the_png },
		{ "limits: text, size, format", test_limits },
		{ "wa.me link: digits, percent-encoding, room", test_wa_link },
		{ "etag and If-None-Match", test_etag },
		{ NULL, NULL },
	};
	return cu_run("qr", tests);
}
