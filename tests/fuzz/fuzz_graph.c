/* libFuzzer: Graph API answers and webhook signature headers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tick_wa_result r;
	char *s;

	/* Accepted means a wamid came back; an error status is never taken for
	 * a send. */
	if (tick_wa_parse_send_response(200, (const char *)data, size, &r) ==
	        TICK_OK &&
	    r.wamid[0] == '\0')
		__builtin_trap();
	if (tick_wa_parse_send_response(400, (const char *)data, size, &r) ==
	    TICK_OK)
		__builtin_trap();
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)tick_wa_check_signature("secret", s, (const char *)data, size);
	free(s);
	return 0;
}
