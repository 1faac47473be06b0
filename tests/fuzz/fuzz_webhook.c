/*
 * libFuzzer: the webhook parser must never crash, leak or hang, and the
 * escape scrub before it must keep its promises: the body never grows, a
 * second pass finds nothing, a body jansson takes is left as it is, and a
 * body that is JSON apart from its \u escapes parses once scrubbed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "wa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
parses(const char *buf, size_t len)
{
	json_error_t je;
	json_t *v = json_loadb(buf, len, 0, &je);

	json_decref(v);
	return v != NULL;
}

/* Every \uXXXX escape inside a string made \u0041: what the body is apart
 * from its escapes. Written apart from the scrub, to check it. */
static void
neutral(char *buf, size_t len)
{
	int in_str = 0;

	for (size_t i = 0; i < len; i++) {
		if (!in_str) {
			in_str = buf[i] == '"';
			continue;
		}
		if (buf[i] == '"') {
			in_str = 0;
			continue;
		}
		if (buf[i] != '\\' || i + 1 >= len)
			continue;
		if (buf[i + 1] == 'u' && i + 6 <= len &&
		    strspn(buf + i + 2, "0123456789abcdefABCDEF") >= 4) {
			memcpy(buf + i + 2, "0041", 4);
			i += 5;
		} else
			i++;
	}
}

static void
scrub_properties(const uint8_t *data, size_t size)
{
	char *a = malloc(size + 1), *b = malloc(size + 1);

	if (a == NULL || b == NULL)
		goto out;
	memcpy(a, data, size);
	a[size] = '\0'; /* a guard: the scrub must not read it */
	if (tick_wa_json_scrub(a, size) > size / 6)
		__builtin_trap();
	if (a[size] != '\0' || tick_wa_json_scrub(a, size) != 0)
		__builtin_trap(); /* idempotent */
	if (parses((const char *)data, size) && memcmp(a, data, size) != 0)
		__builtin_trap(); /* what jansson takes is left alone */
	memcpy(b, data, size);
	b[size] = '\0';
	neutral(b, size);
	if (parses(b, size) && !parses(a, size))
		__builtin_trap(); /* JSON apart from its escapes: parses now */
out:
	free(a);
	free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tick_wa_batch b;
	char err[256];

	scrub_properties(data, size);
	(void)tick_wa_parse_webhook((const char *)data, size, &b, err,
	    sizeof(err));
	for (size_t i = 0; i < b.nmsgs; i++)
		if (b.msgs[i].text == NULL || b.msgs[i].wamid == NULL)
			__builtin_trap();
	tick_wa_batch_free(&b);
	return 0;
}
