/* libFuzzer: Cloudinary's upload answers. Properties: an accepted answer
 * came with a 2xx status and an https secure_url that fits; a refused one
 * always says why; every string is terminated inside its buffer. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cld.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int statuses[] = { 200, 201, 400, 420, 500, 0 };
	struct tick_cld_result r;

	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		enum tick_err rc;

		memset(&r, 0, sizeof(r));
		rc = tick_cld_parse_response(statuses[i], (const char *)data,
		    size, &r);
		if (memchr(r.secure_url, '\0', sizeof(r.secure_url)) == NULL ||
		    memchr(r.public_id, '\0', sizeof(r.public_id)) == NULL ||
		    memchr(r.error, '\0', sizeof(r.error)) == NULL)
			__builtin_trap();
		if (rc == TICK_OK &&
		    (statuses[i] < 200 || statuses[i] > 299 ||
		        strncmp(r.secure_url, "https://", 8) != 0))
			__builtin_trap();
		if (rc != TICK_OK && r.error[0] == '\0')
			__builtin_trap();
	}
	return 0;
}
