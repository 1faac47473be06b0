#include <string.h>

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
	CU_STR_EQ(tick_text_status_label("pending"), "waiting for your reply");
	CU_STR_EQ(tick_text_status_label("weird"), "weird");
}

/* Placeholders of one text beyond the vars: filled once, never expanded
 * again from a value. */
static void
test_render_with(void)
{
	struct tick_text_vars v = { "TKT-000007", NULL, NULL, NULL };
	struct tick_text_extra x[] = { { "{description}", "fix {ref} {due}" },
		{ "{due}", "2026-12-31" }, { "{empty}", NULL } };
	struct tick_config cfg;
	char out[128], err[128];

	CU_ASSERT_EQUAL(
	    tick_text_render_tmpl_with("{ref} due {due}: {description}{empty}.",
	        &v, x, 3, out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "TKT-000007 due 2026-12-31: fix {ref} {due}.");
	/* Without the extras they stay as written. */
	CU_ASSERT_EQUAL(tick_text_render_tmpl("{ref} {due}", &v, out,
	                    sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "TKT-000007 {due}");
	CU_ASSERT_EQUAL(tick_text_render_tmpl_with("{due}", &v, x, 2, out, 10),
	    TICK_ETOOBIG);
	CU_ASSERT_EQUAL(tick_text_render_tmpl_with("{due}", &v, x, 2, out, 11),
	    TICK_OK);
	CU_STR_EQ(out, "2026-12-31");
	/* The configured default names all three. */
	tick_config_init(&cfg);
	tick_config_offer(&cfg, "DB_NAME", "tick");
	tick_config_offer(&cfg, "DB_USER", "tick");
	CU_ASSERT_EQUAL(tick_config_finish(&cfg, err, sizeof(err)), TICK_OK);
	CU_ASSERT_EQUAL(tick_text_render_with(&cfg, TICK_TEXT_ACTION_ASSIGNED,
	                    &v, x, 2, out, sizeof(out)),
	    TICK_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "TKT-000007"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "2026-12-31"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "fix {ref} {due}"));
	CU_ASSERT_EQUAL(tick_text_render_with(&cfg, TICK_TEXT__MAX, &v, x, 2,
	                    out, sizeof(out)),
	    TICK_EINVAL);
	tick_config_free(&cfg);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "customer texts", test_render },
		{ "extra placeholders", test_render_with },
		{ NULL, NULL },
	};
	return cu_run("texts", tests);
}
