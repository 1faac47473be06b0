/* The reports' and the inbox's filters read from a query: real calendar
 * dates, the zone's shape, 422 naming the field for the reports and 400
 * for the inbox; and an export's file name. */
#include <stdlib.h>
#include <string.h>

#include "cu.h"
#include "exports.h"
#include "http.h"
#include "ticket_filters.h"

static void
test_dates(void)
{
	static const char *const good[] = { "2026-01-31", "2024-02-29",
		"2000-02-29", "2026-12-31T23:59:59", "2026-03-29T02:30:00",
		NULL };
	static const char *const bad[] = { "", "2026-02-29", "1900-02-29",
		"2026-02-30", "2026-13-01", "2026-00-10", "2026-04-31",
		"2026-01-01T24:00:00", "2026-01-01T12:60:00",
		"2026-01-01T12:00:60", "2026-1-01", "2026/01/01",
		"2026-01-01 12:00:00", "2026-01-01T12:00", "1969-12-31",
		"2026-01-01Z", NULL };

	for (int i = 0; good[i]; i++)
		CU_ASSERT_TRUE(tick_ticket_filters_date(good[i]));
	for (int i = 0; bad[i]; i++)
		CU_ASSERT_FALSE(tick_ticket_filters_date(bad[i]));
}

/* Parses query as a signed-in super_admin would send it. */
static int
parse(const char *query, int strict, struct tick_ticket_filters *f,
    struct tick_req *req)
{
	static struct tick_filter_text t;

	memset(req, 0, sizeof(*req));
	req->method = "GET";
	req->path = "/api/stats/tickets";
	req->query = query;
	req->user.id = 7;
	req->user.role = TICK_ROLE_SUPER_ADMIN;
	return tick_ticket_filters_parse(req, strict, f, &t);
}

/* The 422's details name field. */
static void
names(const struct tick_req *req, const char *field)
{
	json_t *o = json_loadb(req->out, req->out_len, 0, NULL);
	json_t *d = json_object_get(json_object_get(o, "error"), "details");

	CU_ASSERT_EQUAL(req->status, 422);
	CU_ASSERT_PTR_NOT_NULL(json_object_get(d, field));
	json_decref(o);
}

static void
test_strict(void)
{
	static const struct {
		const char *query, *field;
	} cases[] = {
		{ "tz=%2B02%3A00", "tz" },
		{ "tz=", "tz" },
		{ "tz=Europe%2F..%2Fx", "tz" },
		{ "from=2026-02-30", "from" },
		{ "to=tomorrow", "to" },
		{ "site=a%20b", "site" },
		{ "category=nope", "category" },
		{ "severity=high,extreme", "severity" },
		{ "status=open", "status" },
		{ "agent=x", "agent" },
		{ "assigned_to=0", "assigned_to" },
		{ "sort=random", "sort" },
		{ "unassigned=1&agent=4", "unassigned" },
	};
	struct tick_ticket_filters f;
	struct tick_req req;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CU_ASSERT_EQUAL(parse(cases[i].query, 1, &f, &req), -1);
		names(&req, cases[i].field);
		tick_http_req_clear(&req);
	}
	/* The inbox keeps its 400. */
	CU_ASSERT_EQUAL(parse("from=2026-02-30", 0, &f, &req), -1);
	CU_ASSERT_EQUAL(req.status, 400);
	tick_http_req_clear(&req);
	/* tz is the reports' alone. */
	CU_ASSERT_EQUAL(parse("tz=%2B02%3A00", 0, &f, &req), 0);
	CU_STR_EQ(f.tz, "");
	tick_http_req_clear(&req);

	CU_ASSERT_EQUAL(parse("tz=America%2FArgentina%2FBuenos_Aires&from="
	                      "2026-03-01&to=2026-03-31T12%3A00%3A00&site=A1,"
	                      "7&category=line_of_fire&agent=9&status=new,"
	                      "closed",
	                    1, &f, &req),
	    0);
	CU_ASSERT_EQUAL(req.status, 0);
	CU_STR_EQ(f.tz, "America/Argentina/Buenos_Aires");
	CU_STR_EQ(f.from, "2026-03-01");
	CU_STR_EQ(f.to, "2026-03-31T12:00:00");
	CU_ASSERT_EQUAL(f.nsites, 2);
	CU_ASSERT_EQUAL(f.ncategories, 1);
	CU_ASSERT_EQUAL(f.assigned_to, 9);
	CU_ASSERT_EQUAL(f.nstatus, 2);
	CU_ASSERT_EQUAL(f.scope.user_id, 7);
	tick_http_req_clear(&req);
}

static void
test_file_name(void)
{
	struct tick_ticket_filters f;
	char name[96];

	memset(&f, 0, sizeof(f));
	tick_export_file_name(&f, TICK_EXPORT_CSV, name, sizeof(name));
	CU_STR_EQ(name, "tickets-start-now.csv");
	strcpy(f.from, "2026-03-01");
	strcpy(f.to, "2026-03-31T12:00:00");
	tick_export_file_name(&f, TICK_EXPORT_XLSX, name, sizeof(name));
	CU_STR_EQ(name, "tickets-2026-03-01-2026-03-31T12-00-00.xlsx");
	tick_export_file_name(&f, TICK_EXPORT_PDF, name, 12);
	CU_ASSERT_EQUAL(strlen(name), 11);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "dates", test_dates },
		{ "strict", test_strict },
		{ "file_name", test_file_name },
		{ NULL, NULL },
	};
	return cu_run("ticket_filters", tests);
}
