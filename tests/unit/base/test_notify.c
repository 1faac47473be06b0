/* The 24-hour-window plan, case by case: every kind of send against every
 * window, template and Meta answer. */
#include <stddef.h>
#include <string.h>

#include "cu.h"
#include "notify.h"

#define N TICK_NOTIFY_NOTICE
#define R TICK_NOTIFY_REPLY
#define F TICK_NOTIFY_FILE
#define SKIP TICK_NOTIFY_SKIP
#define SEND TICK_NOTIFY_SEND
#define HOLD TICK_NOTIFY_HOLD
#define REFUSE TICK_NOTIFY_REFUSE
#define FAIL TICK_NOTIFY_FAIL

static const struct {
	struct tick_notify_case c;
	enum tick_notify_action action;
	const char *skip;
	int apart;
} cases[] = {
	/* kind, whatsapp, recipient, window, template, meta_closed, type,
	 * text */
	{ { N, 0, 1, 1, 1, 0, NULL, 1 }, SKIP, "whatsapp_disabled", 0 },
	{ { R, 1, 0, 1, 1, 0, NULL, 1 }, SKIP, "no_mobile", 0 },
	{ { F, 0, 0, 1, 1, 0, "image", 1 }, SKIP, "no_mobile", 0 },
	/* Inside the window everything goes now. */
	{ { N, 1, 1, 1, 0, 0, NULL, 1 }, SEND, NULL, 0 },
	{ { R, 1, 1, 1, 0, 0, NULL, 1 }, SEND, NULL, 0 },
	{ { R, 1, 1, 1, 1, 0, NULL, 1 }, SEND, NULL, 0 },
	{ { F, 1, 1, 1, 0, 0, "image", 1 }, SEND, NULL, 0 },
	{ { F, 1, 1, 1, 0, 0, "document", 1 }, SEND, NULL, 0 },
	{ { F, 1, 1, 1, 0, 0, "audio", 1 }, SEND, NULL, 1 },
	{ { F, 1, 1, 1, 0, 0, "sticker", 1 }, SEND, NULL, 1 },
	{ { F, 1, 1, 1, 0, 0, "audio", 0 }, SEND, NULL, 0 },
	/* Outside it, a template holds what waits. */
	{ { N, 1, 1, 0, 1, 0, NULL, 1 }, HOLD, NULL, 0 },
	{ { R, 1, 1, 0, 1, 0, NULL, 1 }, HOLD, NULL, 0 },
	{ { F, 1, 1, 0, 1, 0, "image", 1 }, HOLD, NULL, 0 },
	{ { F, 1, 1, 0, 1, 0, "sticker", 1 }, HOLD, NULL, 1 },
	/* Without a template: notices are tried, agents are told. */
	{ { N, 1, 1, 0, 0, 0, NULL, 1 }, SEND, NULL, 0 },
	{ { R, 1, 1, 0, 0, 0, NULL, 1 }, REFUSE, NULL, 0 },
	{ { F, 1, 1, 0, 0, 0, "video", 1 }, REFUSE, NULL, 0 },
	/* Meta answered 131047 inside what we took for the window: the same
	 * fallback for texts, files and notices alike. */
	{ { R, 1, 1, 1, 1, 1, NULL, 1 }, HOLD, NULL, 0 },
	{ { F, 1, 1, 1, 1, 1, "image", 1 }, HOLD, NULL, 0 },
	{ { N, 1, 1, 1, 1, 1, NULL, 1 }, HOLD, NULL, 0 },
	{ { R, 1, 1, 1, 0, 1, NULL, 1 }, FAIL, NULL, 0 },
	{ { F, 1, 1, 1, 0, 1, "document", 1 }, FAIL, NULL, 0 },
	{ { N, 1, 1, 1, 0, 1, NULL, 1 }, FAIL, NULL, 0 },
};

static void
test_plan(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tick_notify_plan p = tick_notify_plan(&cases[i].c);

		if (p.action != cases[i].action)
			printf("case %zu: %s, expected %s\n", i,
			    tick_notify_action_name(p.action),
			    tick_notify_action_name(cases[i].action));
		CU_ASSERT_EQUAL(p.action, cases[i].action);
		CU_ASSERT_EQUAL(p.text_apart, cases[i].apart);
		if (cases[i].skip != NULL) {
			CU_ASSERT(p.skip_reason != NULL &&
			    strcmp(p.skip_reason, cases[i].skip) == 0);
		} else {
			CU_ASSERT_PTR_NULL(p.skip_reason);
		}
	}
}

static void
test_names(void)
{
	CU_ASSERT_STRING_EQUAL(tick_notify_action_name(TICK_NOTIFY_HOLD),
	    "held");
	CU_ASSERT_STRING_EQUAL(tick_notify_action_name(TICK_NOTIFY_ACTION__MAX),
	    "?");
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "every send against every window", test_plan },
		{ "action names", test_names },
		{ NULL, NULL },
	};

	return cu_run("notify", tests);
}
