/*
 * tick: the 24-hour window, decided once. WhatsApp delivers free text only
 * within 24 hours of the customer's last message; outside it only an
 * approved template goes, and what the desk wanted to say waits ("held")
 * until the customer answers. Every send to a customer (notices, text
 * replies, file replies) asks tick_notify_plan() what to do. Pure: no I/O.
 */
#ifndef TICK_NOTIFY_H
#define TICK_NOTIFY_H

enum tick_notify_kind {
	TICK_NOTIFY_NOTICE, /* tick's own word: created, status, closed */
	TICK_NOTIFY_REPLY,  /* an agent's text */
	TICK_NOTIFY_FILE,   /* an agent's file, with or without a text */
	TICK_NOTIFY__MAX
};

enum tick_notify_action {
	TICK_NOTIFY_SKIP,   /* WhatsApp is off for the ticket, or no number */
	TICK_NOTIFY_SEND,   /* send now */
	TICK_NOTIFY_HOLD,   /* keep it held and send the template */
	TICK_NOTIFY_REFUSE, /* answer 422 outside_window: nothing is stored */
	TICK_NOTIFY_FAIL,   /* record it failed: Meta refused, no template */
	TICK_NOTIFY_ACTION__MAX
};

struct tick_notify_case {
	enum tick_notify_kind kind;
	int whatsapp_enabled; /* the ticket's WhatsApp setting */
	int has_recipient;    /* a number (or a user id) to send to */
	int window_open;      /* the customer wrote in the last 24 hours */
	int template_set;     /* WHATSAPP_TEMPLATE_NAME is configured */
	int meta_closed;      /* Meta answered 131047 to a send we tried */
	const char *wa_type;  /* for a file: image, video, audio, ... */
	int has_text;         /* a text goes with it (caption or message) */
};

struct tick_notify_plan {
	enum tick_notify_action action;
	const char *skip_reason; /* for SKIP: "whatsapp_disabled", "no_mobile" */
	int text_apart; /* a file's text goes as its own message (no caption) */
};

/* What to do with one send. */
struct tick_notify_plan tick_notify_plan(const struct tick_notify_case *c);

/* The action's name, for logs and answers ("send", "held", ...). */
const char *tick_notify_action_name(enum tick_notify_action a);

#endif
