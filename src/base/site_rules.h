/*
 * tick: the rules of a site's fields (issue 11), the one place the API
 * asks: the shape of a code, the bounds of a position, and the sizes of
 * the sites table's columns. No I/O.
 */
#ifndef TICK_SITE_RULES_H
#define TICK_SITE_RULES_H

#include <stddef.h>

#include <jansson.h>

/* A code: 3 to 10 of A-Z and 0-9, kept upper case. */
#define TICK_SITE_CODE_MIN 3
#define TICK_SITE_CODE_MAX 10
/* Columns of the sites table (characters). */
#define TICK_SITE_NAME_MAX 100
#define TICK_SITE_ADDRESS_MAX 255
/* Most managers one site has (PUT /api/sites/:id/managers). */
#define TICK_SITE_MANAGERS_MAX 50

/*
 * Checks a code as given (NUL-terminated) and writes it upper-cased into
 * out. Returns NULL when it is a code, else a sentence saying why not
 * (static). Letters are folded ASCII only: "nrt01" is NRT01, "ñrt01" is
 * refused.
 */
const char *
tick_site_check_code(const char *in, char out[TICK_SITE_CODE_MAX + 1]);

/*
 * Checks a latitude (is_latitude, -90..90) or a longitude (-180..180)
 * given as a JSON number and sets *out. Returns NULL when it is one, else
 * a sentence saying why not (static): a string, true, null or an
 * out-of-range number is refused.
 */
const char *
tick_site_check_coord(const json_t *v, int is_latitude, double *out);

/* Writes a coordinate as the column keeps it (six decimals, "%.6f") into
 * out. */
void tick_site_coord_text(double v, char out[16]);

#endif
