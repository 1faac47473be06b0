#include <math.h>
#include <stdio.h>
#include <string.h>

#include "site_rules.h"

const char *
tick_site_check_code(const char *in, char out[TICK_SITE_CODE_MAX + 1])
{
	size_t n = in ? strlen(in) : 0;

	out[0] = '\0';
	if (n < TICK_SITE_CODE_MIN || n > TICK_SITE_CODE_MAX)
		return "must be 3 to 10 letters (A-Z) and digits";
	for (size_t i = 0; i < n; i++) {
		char c = in[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
			out[0] = '\0';
			return "must hold only letters A-Z and digits 0-9";
		}
		out[i] = c;
	}
	out[n] = '\0';
	return NULL;
}

const char *
tick_site_check_coord(const json_t *v, int is_latitude, double *out)
{
	double d, lim = is_latitude ? 90.0 : 180.0;

	*out = 0;
	if (!json_is_number(v))
		return is_latitude ? "must be a number from -90 to 90" :
		                     "must be a number from -180 to 180";
	d = json_number_value(v);
	if (!isfinite(d) || d < -lim || d > lim)
		return is_latitude ? "must be from -90 to 90" :
		                     "must be from -180 to 180";
	*out = d;
	return NULL;
}

void
tick_site_coord_text(double v, char out[16])
{
	/* |v| <= 180 with six decimals: at most 11 characters. */
	snprintf(out, 16, "%.6f", v);
}
