/* libFuzzer: a reply's id read as a CSAT rating (base/csat_rules).
 * Property: an id read as a rating (1) names a ticket > 0 and a score 1 to
 * 3, and writing that rating back gives the very same id (one spelling
 * per rating); an id not starting "csat:" is never one (0). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csat_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[TICK_CSAT_ID_MAX], *id;
	long long ticket = 0;
	int score = 0, r;

	if ((id = malloc(size + 1)) == NULL)
		return 0;
	memcpy(id, data, size);
	id[size] = '\0';
	r = tick_csat_parse_id(id, &ticket, &score);
	if (r == 1) {
		if (ticket <= 0 || score < TICK_CSAT_SCORE_MIN ||
		    score > TICK_CSAT_SCORE_MAX)
			__builtin_trap();
		if (tick_csat_format_id(ticket, score, out, sizeof(out)) !=
		        TICK_OK ||
		    strcmp(out, id) != 0)
			__builtin_trap();
	} else if (r != -1 && r != 0)
		__builtin_trap();
	if (strncmp(id, "csat:", 5) != 0 && r != 0)
		__builtin_trap();
	free(id);
	return 0;
}
