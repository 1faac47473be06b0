#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "templates.h"
#include "valid.h"

char *
tick_wa_tpl_payload(const char *to, const char *name, const char *lang,
    const json_t *components)
{
	json_t *root;
	char *s;

	if (to == NULL || name == NULL || lang == NULL)
		return NULL;
	root = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:{s:s}}}",
	    "messaging_product", "whatsapp", "recipient_type", "individual",
	    tick_wa_address_field(to), to, "type", "template", "template",
	    "name", name, "language", "code", lang);
	if (root == NULL)
		return NULL;
	if (json_array_size(components) > 0 &&
	    json_object_set(json_object_get(root, "template"), "components",
	        (json_t *)components) != 0) {
		json_decref(root);
		return NULL;
	}
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return s;
}

/* A paging cursor: URL-safe base64 characters only. */
static int
cursor_ok(const char *s, size_t max)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n >= max ||
	    n > TICK_TPL_CURSOR_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= 'A' && s[i] <= 'Z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		        s[i] == '-' || s[i] == '='))
			return 0;
	return 1;
}

enum tick_err
tick_wa_tpl_parse_page(int http_status, const char *body, size_t len,
    json_t **data, char *after, size_t aftersz, struct tick_wa_result *res)
{
	json_t *root = NULL, *paging;
	const char *cur;

	*data = NULL;
	after[0] = '\0';
	if (http_status < 200 || http_status >= 300) {
		(void)tick_wa_parse_send_response(http_status, body, len, res);
		return TICK_EUPSTREAM;
	}
	root = body ? json_loadb(body, len, 0, NULL) : NULL;
	if (tick_json_arr(root, "data") == NULL) {
		memset(res, 0, sizeof(*res));
		res->http_status = http_status;
		snprintf(res->error_title, sizeof(res->error_title),
		    "Graph API answered %d without a data array", http_status);
		json_decref(root);
		return TICK_EUPSTREAM;
	}
	*data = json_incref(tick_json_arr(root, "data"));
	paging = tick_json_obj(root, "paging");
	cur = tick_json_str(tick_json_obj(paging, "cursors"), "after");
	/* The last page has no "next", whatever its cursors say. */
	if (tick_json_str(paging, "next") != NULL && cursor_ok(cur, aftersz))
		snprintf(after, aftersz, "%s", cur);
	json_decref(root);
	return TICK_OK;
}
