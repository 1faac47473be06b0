#include <stdio.h>
#include <string.h>

#include "app.h"
#include "audit_api.h"
#include "http.h"
#include "json.h"
#include "template_flow.h"
#include "wa_template_rules.h"
#include "templates_api.h"
#include "wa_templates.h"

/* Answers a failed Graph call: 503 misconfigured, 502, or 504, with
 * Meta's code and words. */
static void
graph_fail(struct tick_req *req, enum tick_err rc,
    const struct tick_wa_result *res)
{
	json_t *details = res->error_code ?
	    json_pack("{s:I}", "graph_code", (json_int_t)res->error_code) :
	    NULL;

	tick_http_fail(req, 0, rc, NULL,
	    res->error_title[0] ? res->error_title : NULL, details);
}

/* Query parameter name into out: 0, or -1 after answering 422. A token
 * of Meta's (A-Z, _) when upper is set. */
static int
query_arg(struct tick_req *req, const char *name, char *out, size_t outsz,
    int upper, int *given)
{
	enum tick_err rc = tick_http_query_get(req->query, name, out, outsz);

	*given = 0;
	if (rc == TICK_ENOTFOUND || (rc == TICK_OK && out[0] == '\0'))
		return 0;
	if (rc == TICK_OK && upper) {
		for (char *p = out; *p; p++) {
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
			else if (!((*p >= 'A' && *p <= 'Z') || *p == '_'))
				rc = TICK_EINVAL;
		}
	}
	if (rc != TICK_OK) {
		tick_http_invalid(req, "a query parameter is invalid",
		    json_pack("{s:s}", name,
		        upper ? "a word such as APPROVED or MARKETING" :
		                "at most 512 characters"));
		return -1;
	}
	*given = 1;
	return 0;
}

void
tick_templates_list_route(struct tick_req *req)
{
	char status[33], category[33], q[TICK_TPL_NAME_MAX + 1];
	int has_status, has_category, has_q;
	long long total = 0;
	json_t *items = NULL;
	enum tick_err rc;

	if (query_arg(req, "status", status, sizeof(status), 1, &has_status) ||
	    query_arg(req, "category", category, sizeof(category), 1,
	        &has_category) ||
	    query_arg(req, "q", q, sizeof(q), 0, &has_q))
		return;
	rc = tick_template_list(req->app->db, has_status ? status : NULL,
	    has_category ? category : NULL, has_q ? q : NULL, &items, &total);
	if (rc != TICK_OK) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	tick_http_ok(req, 200,
	    json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total),
	    NULL);
}

void
tick_templates_sync_route(struct tick_req *req)
{
	struct tick_template_sync st;
	struct tick_wa_result res;
	enum tick_err rc;

	rc = tick_templates_sync(req->app, &st, &res);
	if (rc == TICK_EDB || rc == TICK_ENOMEM) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	if (rc != TICK_OK) {
		graph_fail(req, rc == TICK_ETOOBIG ? TICK_EUPSTREAM : rc, &res);
		return;
	}
	(void)tick_audit_req(req, "templates.sync", "template", 0,
	    json_pack("{s:I, s:I}", "stored", (json_int_t)st.stored, "removed",
	        (json_int_t)st.removed));
	tick_http_ok(req, 200,
	    json_pack("{s:i, s:I, s:I, s:I}", "pages", st.pages, "stored",
	        (json_int_t)st.stored, "skipped", (json_int_t)st.skipped,
	        "removed", (json_int_t)st.removed),
	    "templates synced");
}

void
tick_templates_create_route(struct tick_req *req)
{
	char field[96], why[200];
	struct tick_wa_result res;
	json_t *body, *row = NULL;
	enum tick_err rc;
	const char *key;
	json_t *v;

	if ((body = tick_http_json_body(req)) == NULL)
		return;
	/* Only what Meta's creation takes goes to Meta. */
	json_object_foreach (body, key, v) {
		if (strcmp(key, "name") != 0 && strcmp(key, "language") != 0 &&
		    strcmp(key, "category") != 0 &&
		    strcmp(key, "components") != 0 &&
		    strcmp(key, "parameter_format") != 0 &&
		    strcmp(key, "allow_category_change") != 0) {
			tick_http_invalid(req, "unknown field",
			    json_pack("{s:s}", key,
			        "not a field of a template"));
			goto out;
		}
	}
	if (json_object_get(body, "allow_category_change") != NULL &&
	    !json_is_boolean(json_object_get(body, "allow_category_change"))) {
		tick_http_invalid(req, "the template is invalid",
		    json_pack("{s:s}", "allow_category_change",
		        "true or false"));
		goto out;
	}
	if (tick_wa_tpl_check_create(body, field, sizeof(field), why,
	        sizeof(why)) != TICK_OK) {
		tick_http_invalid(req, "the template breaks Meta's rules",
		    json_pack("{s:s}", field, why));
		goto out;
	}
	rc = tick_templates_create(req->app, body, &row, &res);
	if (rc == TICK_EDB || rc == TICK_ENOMEM || rc == TICK_EINVAL) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		goto out;
	}
	if (rc != TICK_OK) {
		graph_fail(req, rc, &res);
		goto out;
	}
	(void)tick_audit_req(req, "template.create", "template", 0,
	    json_pack("{s:O, s:O}", "name", json_object_get(body, "name"),
	        "language", json_object_get(body, "language")));
	tick_http_ok(req, 201, row, "template created: Meta reviews it");
out:
	json_decref(body);
}

void
tick_templates_delete_route(struct tick_req *req)
{
	char name[TICK_TPL_NAME_MAX + 1];
	struct tick_wa_result res;
	enum tick_err rc;
	long long n = 0;

	if (req->nparams < 1 || req->params[0].len == 0 ||
	    req->params[0].len > TICK_TPL_NAME_MAX) {
		tick_http_invalid(req, "the template's name is invalid",
		    json_pack("{s:s}", "name",
		        "1 to 512 characters of a-z, 0-9 and _"));
		return;
	}
	memcpy(name, req->params[0].p, req->params[0].len);
	name[req->params[0].len] = '\0';
	if (!tick_wa_tpl_name_ok(name)) {
		tick_http_invalid(req, "the template's name is invalid",
		    json_pack("{s:s}", "name",
		        "1 to 512 characters of a-z, 0-9 and _"));
		return;
	}
	rc = tick_templates_delete(req->app, name, &n, &res);
	if (rc == TICK_EDB || rc == TICK_ENOMEM) {
		tick_http_fail(req, 0, rc, NULL, NULL, NULL);
		return;
	}
	if (rc != TICK_OK) {
		/* Meta's "not found" is a 404 here too. */
		if (res.http_status == 404 || res.error_code == 100)
			tick_http_fail(req, 404, TICK_ENOTFOUND, NULL,
			    res.error_title[0] ? res.error_title :
			                         "no such template",
			    NULL);
		else
			graph_fail(req, rc, &res);
		return;
	}
	(void)tick_audit_req(req, "template.delete", "template", 0,
	    json_pack("{s:s, s:I}", "name", name, "rows", (json_int_t)n));
	tick_http_ok(req, 200,
	    json_pack("{s:s, s:I}", "name", name, "deleted", (json_int_t)n),
	    "template deleted");
}
