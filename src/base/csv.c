#include <string.h>

#include "csv.h"

int
tick_csv_formula(const char *s, size_t len)
{
	return len > 0 &&
	    (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	        s[0] == '\t' || s[0] == '\r');
}

size_t
tick_csv_field(const char *s, size_t len, char *out, size_t cap)
{
	int formula = tick_csv_formula(s, len);
	int quote = formula;
	size_t o = 0;

	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' ||
		    s[i] == '\n';
#define PUT(c)                        \
	do {                          \
		if (o < cap)          \
			out[o] = (c); \
		o++;                  \
	} while (0)
	if (quote)
		PUT('"');
	if (formula)
		PUT('\'');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			PUT('"');
		PUT(s[i]);
	}
	if (quote)
		PUT('"');
#undef PUT
	return o;
}
