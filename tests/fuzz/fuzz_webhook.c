/* libFuzzer: the webhook parser must never crash, leak or hang. */
#include <stddef.h>
#include <stdint.h>

#include "wa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tick_wa_batch b;
	char err[256];

	(void)tick_wa_parse_webhook((const char *)data, size, &b, err,
	    sizeof(err));
	for (size_t i = 0; i < b.nmsgs; i++)
		if (b.msgs[i].text == NULL || b.msgs[i].wamid == NULL)
			__builtin_trap();
	tick_wa_batch_free(&b);
	return 0;
}
