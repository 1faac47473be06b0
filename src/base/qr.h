/*
 * tick: QR codes for the site posters (issue 11). A text becomes a QR code
 * through libqrencode (error correction M, 8-bit mode) and is drawn as a
 * PNG (libpng, 1-bit greyscale) or as an SVG whose dark modules are one
 * <path>, both with a quiet zone of TICK_QR_QUIET modules; and the
 * click-to-chat link a code carries (https://wa.me/<digits>?text=...).
 * Pure: no I/O, no globals.
 */
#ifndef TICK_QR_H
#define TICK_QR_H

#include <stddef.h>

#include "err.h"

/* The light border around a code, in modules (the standard's minimum). */
#define TICK_QR_QUIET 4
/* Longest text encoded, in bytes (a wa.me link and its percent-encoded
 * text; QR codes hold about 2,300 bytes at level M). */
#define TICK_QR_MAX_TEXT 1024
/* An image's width (and height) in pixels: the default and the bounds. */
#define TICK_QR_SIZE_DEFAULT 512
#define TICK_QR_SIZE_MIN 128
#define TICK_QR_SIZE_MAX 2048
/* Longest prefilled message Meta's QR code API takes, in characters. */
#define TICK_QR_PREFILL_MAX 140
/* Bytes of an entity tag: a quoted 32-digit hex hash and the NUL. */
#define TICK_QR_ETAG_BUF 35

enum tick_qr_format {
	TICK_QR_PNG, /* image/png */
	TICK_QR_SVG, /* image/svg+xml */
	TICK_QR__MAX
};

/* "png" or "svg" as a format; -1 for anything else (NULL included). */
int tick_qr_format_parse(const char *s);
/* The content type of format f ("image/png", ...); NULL out of range. */
const char *tick_qr_format_type(enum tick_qr_format f);

/*
 * Draws the QR code of text (NUL-terminated, 1..TICK_QR_MAX_TEXT bytes) as
 * an image size pixels wide and high (TICK_QR_SIZE_MIN..TICK_QR_SIZE_MAX):
 * each module a whole number of pixels, the code centred, so the quiet
 * zone is at least TICK_QR_QUIET modules. On TICK_OK *out is a new buffer
 * (free with free()) of *len bytes. TICK_ETOOBIG: text is longer than the
 * limit or than a QR code holds. TICK_EINVAL: text is empty, size is out
 * of bounds, or the code needs more pixels than size (*need, when not
 * NULL, is then the smallest size that fits it, or 0). TICK_ENOMEM.
 */
enum tick_err tick_qr_render(enum tick_qr_format f, const char *text,
    unsigned size, char **out, size_t *len, unsigned *need);

/*
 * The click-to-chat link of a business number and a prefilled text:
 * "https://wa.me/<digits>", and "?text=" with text's UTF-8 bytes
 * percent-encoded (all but A-Z a-z 0-9 - . _ ~; a space is %20, a line
 * break %0A) when text is neither NULL nor empty. digits: 8 to 15 ASCII
 * digits; text: valid UTF-8. Writes into out (outsz bytes). TICK_EINVAL
 * for bad digits or text, TICK_ETOOBIG when out is too small.
 */
enum tick_err
tick_qr_wa_link(const char *digits, const char *text, char *out, size_t outsz);

/* A strong entity tag of data[0..len): "\"" 32 hex digits of its SHA-256
 * "\"". */
void tick_qr_etag(const void *data, size_t len, char out[TICK_QR_ETAG_BUF]);

/*
 * Whether an If-None-Match header value (NULL when absent) matches etag:
 * "*", or any of its comma-separated tags, weak ones (W/"...") compared
 * by their value as RFC 9110 says for this header.
 */
int tick_qr_etag_matches(const char *if_none_match, const char *etag);

#endif
