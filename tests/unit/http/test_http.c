#include <string.h>

#include "cu.h"
#include "http.h"

static int hits;
static void
h_a(struct tick_req *r)
{
	(void)r;
	hits = 1;
}
static void
h_b(struct tick_req *r)
{
	(void)r;
	hits = 2;
}

static const struct tick_route routes[] = {
	{ "GET", "/api/tickets", h_a, 0, TICK_PERM_PUBLIC },
	{ "GET", "/api/tickets/:id", h_b, 0, TICK_PERM_PUBLIC },
	{ "PUT", "/api/tickets/:id/status", h_b, 0, TICK_PERM_PUBLIC },
};

static void
test_route(void)
{
	struct tick_req req;
	const struct tick_route *r;
	int allowed;

	memset(&req, 0, sizeof(req));
	r = tick_http_route(routes, 3, "GET", "/api/tickets", &req, &allowed);
	CU_ASSERT_PTR_EQUAL(r, &routes[0]);
	r = tick_http_route(routes, 3, "GET", "/api/tickets/", &req, &allowed);
	CU_ASSERT_PTR_EQUAL(r, &routes[0]);
	r = tick_http_route(routes, 3, "GET", "/api/tickets/TKT-000042", &req,
	    &allowed);
	CU_ASSERT_PTR_EQUAL(r, &routes[1]);
	CU_ASSERT_EQUAL(req.nparams, 1);
	CU_ASSERT_EQUAL(req.params[0].len, 10);
	CU_ASSERT_EQUAL(strncmp(req.params[0].p, "TKT-000042", 10), 0);
	r = tick_http_route(routes, 3, "PUT", "/api/tickets/7/status", &req,
	    &allowed);
	CU_ASSERT_PTR_EQUAL(r, &routes[2]);
	CU_ASSERT_EQUAL(req.params[0].len, 1);
	/* Known path, wrong method: not found but not allowed either. */
	r = tick_http_route(routes, 3, "DELETE", "/api/tickets", &req,
	    &allowed);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_FALSE(allowed);
	r = tick_http_route(routes, 3, "GET", "/api/ticketsx", &req, &allowed);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_TRUE(allowed);
	r = tick_http_route(routes, 3, "GET", "/api/tickets//status", &req,
	    &allowed);
	CU_ASSERT_PTR_NULL(r);
	r = tick_http_route(routes, 3, "GET", "", &req, &allowed);
	CU_ASSERT_PTR_NULL(r);
}

static void
test_query(void)
{
	char out[32];

	CU_ASSERT_EQUAL(
	    tick_http_query_get("hub.mode=subscribe&hub.challenge=1158201444",
	        "hub.challenge", out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "1158201444");
	CU_ASSERT_EQUAL(tick_http_query_get("a=1&b=x%20y+z", "b", out,
	                    sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "x y z");
	CU_ASSERT_EQUAL(tick_http_query_get("hub%2Emode=s", "hub.mode", out,
	                    sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "s");
	CU_ASSERT_EQUAL(tick_http_query_get("flag&x=1", "flag", out,
	                    sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "");
	CU_ASSERT_EQUAL(tick_http_query_get("a=1", "b", out, sizeof(out)),
	    TICK_ENOTFOUND);
	CU_ASSERT_EQUAL(tick_http_query_get("", "b", out, sizeof(out)),
	    TICK_ENOTFOUND);
	CU_ASSERT_EQUAL(tick_http_query_get(NULL, "b", out, sizeof(out)),
	    TICK_ENOTFOUND);
	CU_ASSERT_EQUAL(tick_http_query_get("b=%zz", "b", out, sizeof(out)),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_http_query_get("b=%4", "b", out, sizeof(out)),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_http_query_get("b=%", "b", out, sizeof(out)),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_http_query_get("b=a%00b", "b", out, sizeof(out)),
	    TICK_EINVAL);
	CU_ASSERT_EQUAL(
	    tick_http_query_get("b=0123456789012345678901234567890123456789",
	        "b", out, sizeof(out)),
	    TICK_ETOOBIG);
}

static void
test_envelopes(void)
{
	struct tick_req req;

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = "/x";
	tick_http_ok(&req, 200, json_pack("{s:i}", "n", 1), "fine");
	CU_ASSERT_EQUAL(req.status, 200);
	CU_STR_EQ(req.ctype, "application/json");
	CU_STR_EQ(req.out,
	    "{\"success\":true,\"data\":{\"n\":1},\"message\":\"fine\"}");
	tick_http_fail(&req, 0, TICK_ENOTFOUND, NULL, "no such ticket", NULL);
	CU_ASSERT_EQUAL(req.status, 404);
	CU_STR_EQ(req.out,
	    "{\"success\":false,\"error\":{\"code\":\"not_found\",\"message\":\"no such ticket\"}}");
	tick_http_fail(&req, 0, TICK_EUNAUTH, "invalid_signature", "bad",
	    json_pack("{s:s}", "k", "v"));
	CU_ASSERT_EQUAL(req.status, 401);
	CU_ASSERT_PTR_NOT_NULL(strstr(req.out, "\"details\":{\"k\":\"v\"}"));
	tick_http_req_clear(&req);
}

static void
test_status_map(void)
{
	CU_ASSERT_EQUAL(tick_http_status_of(TICK_EINVAL), 400);
	CU_ASSERT_EQUAL(tick_http_status_of(TICK_EUNAUTH), 401);
	CU_ASSERT_EQUAL(tick_http_status_of(TICK_EFORBIDDEN), 403);
	CU_ASSERT_EQUAL(tick_http_status_of(TICK_ECONFLICT), 409);
	CU_ASSERT_EQUAL(tick_http_status_of(TICK_ETOOBIG), 413);
	CU_ASSERT_EQUAL(tick_http_status_of(TICK_EUPSTREAM), 502);
	CU_ASSERT_EQUAL(tick_http_status_of(TICK_EDB), 503);
	CU_ASSERT_EQUAL(tick_http_status_of((enum tick_err)999), 500);
	for (int e = 0; e < TICK_ERR__MAX; e++)
		CU_ASSERT_PTR_NOT_NULL(tick_http_code_of((enum tick_err)e));
}

static void
test_header_injection(void)
{
	struct tick_req req;

	memset(&req, 0, sizeof(req));
	tick_http_header(&req, "X-A", "1");
	tick_http_header(&req, "X-B", "2\r\nSet-Cookie: x=1");
	CU_STR_EQ(req.headers, "X-A: 1\r\n");
}

static void
test_cookies(void)
{
	char v[16];

	CU_ASSERT_EQUAL(tick_http_cookie_get("a=1; tick_session=abc; b=2",
	                    "tick_session", v, sizeof(v)),
	    TICK_OK);
	CU_STR_EQ(v, "abc");
	CU_ASSERT_EQUAL(tick_http_cookie_get("xtick_session=abc",
	                    "tick_session", v, sizeof(v)),
	    TICK_ENOTFOUND);
	CU_ASSERT_EQUAL(tick_http_cookie_get("tick_session=", "tick_session", v,
	                    sizeof(v)),
	    TICK_OK);
	CU_STR_EQ(v, "");
	CU_ASSERT_EQUAL(tick_http_cookie_get("t=0123456789abcdefg", "t", v,
	                    sizeof(v)),
	    TICK_ETOOBIG);
	CU_ASSERT_EQUAL(tick_http_cookie_get("", "t", v, sizeof(v)),
	    TICK_ENOTFOUND);
	CU_ASSERT_EQUAL(tick_http_cookie_get(";;; t=1 ;", "t", v, sizeof(v)),
	    TICK_OK);
	CU_STR_EQ(v, "1");
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "router", test_route },
		{ "query strings", test_query },
		{ "json envelopes", test_envelopes },
		{ "status map", test_status_map },
		{ "header injection", test_header_injection },
		{ "cookies", test_cookies },
		{ NULL, NULL },
	};
	return cu_run("http", tests);
}
