/* libFuzzer: the KEY=VALUE configuration file and every validator. */
#include <stddef.h>
#include <stdint.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tick_config c;
	char err[512];

	tick_config_init(&c);
	if (tick_config_parse_text(&c, (const char *)data, size, err,
	        sizeof(err)) == TICK_OK)
		(void)tick_config_finish(&c, err, sizeof(err));
	tick_config_free(&c);
	return 0;
}
