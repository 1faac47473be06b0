#include "cu.h"
#include "texts.h"

static void
test_render(void)
{
	struct tick_text_vars v = { "TKT-000001", "in progress", "fixed",
		NULL };
	char out[64];

	CU_ASSERT_EQUAL(tick_text_render_tmpl("Ref {ref}, again {ref}.", &v,
	                    out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "Ref TKT-000001, again TKT-000001.");
	CU_ASSERT_EQUAL(
	    tick_text_render_tmpl("{ref} is {status}: {resolution}{name}", &v,
	        out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "TKT-000001 is in progress: fixed");
	CU_ASSERT_EQUAL(tick_text_render_tmpl("no placeholder {re", &v, out,
	                    sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "no placeholder {re");
	CU_ASSERT_EQUAL(tick_text_render_tmpl("{ref}", &v, out, 10),
	    TICK_ETOOBIG);
	CU_ASSERT_EQUAL(tick_text_render_tmpl("0123456789", &v, out, 10),
	    TICK_ETOOBIG);
	CU_ASSERT_EQUAL(tick_text_render_tmpl("{ref}", NULL, out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "");
	CU_STR_EQ(tick_text_status_label("in_progress"), "in progress");
	CU_STR_EQ(tick_text_status_label("new"), "received");
	CU_STR_EQ(tick_text_status_label("weird"), "weird");
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "customer texts", test_render },
		{ NULL, NULL },
	};
	return cu_run("texts", tests);
}
