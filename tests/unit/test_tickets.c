#include <string.h>

#include "cu.h"
#include "tickets.h"

static void
test_ref(void)
{
	char out[33];

	CU_ASSERT_EQUAL(tick_ticket_format_ref("TKT", 42, out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "TKT-000042");
	CU_ASSERT_EQUAL(tick_ticket_format_ref("HD", 1234567, out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "HD-1234567");
	CU_ASSERT_EQUAL(tick_ticket_format_ref("TKT", 42, out, 5),
	    TICK_ETOOBIG);
}

static void
test_render(void)
{
	char out[64];

	CU_ASSERT_EQUAL(tick_ticket_render_text("Ref {ref}, again {ref}.",
	                    "TKT-000001", out, sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "Ref TKT-000001, again TKT-000001.");
	CU_ASSERT_EQUAL(tick_ticket_render_text("no placeholder {re", "X", out,
	                    sizeof(out)),
	    TICK_OK);
	CU_STR_EQ(out, "no placeholder {re");
	CU_ASSERT_EQUAL(tick_ticket_render_text("{ref}", "0123456789", out, 10),
	    TICK_ETOOBIG);
	CU_ASSERT_EQUAL(tick_ticket_render_text("0123456789", "", out, 10),
	    TICK_ETOOBIG);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "references", test_ref },
		{ "customer texts", test_render },
		{ NULL, NULL },
	};
	return cu_run("tickets", tests);
}
