/* libFuzzer: query strings and the router. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
h(struct tick_req *req)
{
	(void)req;
}

static const struct tick_route routes[] = {
	{ "GET", "/api/tickets/:id", h, 0, TICK_PERM_PUBLIC },
	{ "PUT", "/api/tickets/:id/status", h, 0, TICK_PERM_PUBLIC },
	{ "GET", "/api/replies/:a/:b/:c/:d", h, 0, TICK_PERM_PUBLIC },
	{ "POST", "/webhook", h, 0, TICK_PERM_PUBLIC },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "hub.mode", "hub.challenge", "a",
		"" };
	char *s = malloc(size + 1), out[64];
	struct tick_req req;
	int allowed;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	/* A value found decodes from the query: never longer than it, never
	 * holding a NUL. */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (tick_http_query_get(s, names[i], out, sizeof(out)) ==
		        TICK_OK &&
		    strlen(out) > size)
			__builtin_trap();
	/* A route's parameters are whole, non-empty segments of the path. */
	memset(&req, 0, sizeof(req));
	if (tick_http_route(routes, 4, "GET", s, &req, &allowed) != NULL)
		for (size_t i = 0; i < req.nparams; i++)
			if (req.params[i].len == 0 ||
			    memchr(req.params[i].p, '/', req.params[i].len) !=
			        NULL ||
			    req.params[i].p < s || req.params[i].p[-1] != '/' ||
			    req.params[i].p + req.params[i].len > s + size ||
			    (req.params[i].p[req.params[i].len] != '/' &&
			        req.params[i].p[req.params[i].len] != '\0'))
				__builtin_trap();
	free(s);
	return 0;
}
