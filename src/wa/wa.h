/*
 * tick: WhatsApp Cloud API. The parser and the rules here do no I/O and
 * touch no globals; the Graph client (wa_graph.c) does the sending.
 */
#ifndef TICK_WA_H
#define TICK_WA_H

#include <stddef.h>

#include <jansson.h>

#include "bounds.h"
#include "err.h"

enum tick_wa_kind {
	TICK_WA_TEXT,
	TICK_WA_IMAGE,
	TICK_WA_DOCUMENT,
	TICK_WA_AUDIO,
	TICK_WA_VIDEO,
	TICK_WA_STICKER,
	TICK_WA_LOCATION,
	TICK_WA_CONTACTS,
	TICK_WA_INTERACTIVE,
	TICK_WA_BUTTON,
	TICK_WA_REACTION,
	TICK_WA_SYSTEM,
	TICK_WA_UNSUPPORTED,
	TICK_WA_EDIT,   /* the customer changed an earlier message */
	TICK_WA_REVOKE, /* the customer deleted an earlier message */
	TICK_WA_UNKNOWN,
	TICK_WA__MAX
};

/* One inbound message. Strings are borrowed from the batch's JSON and live
 * as long as it, except text, profile_name and filename, owned by the
 * batch. Every
 * field fits its column: ids are checked, free text is cut (never inside a
 * UTF-8 character). Absent fields are NULL. */
struct tick_wa_msg {
	const char *phone_number_id; /* metadata of the change */
	const char *wamid;
	const char *from;         /* wa_id (digits) when WhatsApp gives one */
	const char *from_user_id; /* business-scoped user id, 2026 onward */
	char *profile_name;       /* from value.contacts, matched by sender */
	const char *type;         /* as sent; "unknown" when missing */
	enum tick_wa_kind kind;
	long long timestamp;  /* Unix seconds, 0 when absent or bad */
	char *text;           /* readable text for agents, never NULL */
	const char *media_id; /* image, document, audio, video, sticker */
	const char *mime_type;
	const char *sha256;
	char *filename;         /* owned by the batch, cut to its column */
	const char *context_id; /* the message this one answers */
	int has_location;
	double latitude, longitude;
	/* A location's name and address, cut to TICK_WA_MAX_PLACE
	 * characters (owned by the batch); NULL when absent. */
	char *location_name, *location_address;
	/* An interactive list or button reply: the id of the row or button
	 * chosen (at most TICK_WA_MAX_REPLY_ID bytes, else NULL). */
	const char *reply_id;
	/* 2026 identity (identity.h): contacts[].profile.username (at most
	 * TICK_WA_MAX_USERNAME bytes, else NULL) and parent_user_id of the
	 * sender. from_user_id falls back on the sender's contacts[].user_id. */
	const char *username, *parent_user_id;
	/* A system message about identity: ident is TICK_ID_NUMBER_CHANGED
	 * (user_changed_number: the current shape, system.wa_id the new
	 * number and system.user_id, when given, the new user id; or the
	 * legacy customer_changed_number: system.new_wa_id), or
	 * TICK_ID_USER_ID_UPDATE (the system message user_changed_user_id:
	 * from_user_id or system.previous_user_id the old id, system.user_id
	 * the new one; or an item of the user_id_update webhook field, made a
	 * message of type user_id_update), or
	 * TICK_ID_IDENTITY_CHANGED (customer_identity_changed); else
	 * TICK_ID_MESSAGE. old_key is the number before (from, or the legacy
	 * system.customer); new_wa_id and new_user_id the keys after. */
	int ident;
	const char *old_key, *new_wa_id, *new_user_id;
	/* A user_id_update item's made-up wamid (owned by the batch). */
	char *event_key;
	/* Issue 16, richer conversations. An answer to buttons, a list, a
	 * template's quick reply or a flow: reply_kind is "button_reply",
	 * "list_reply", "button" or "nfm_reply" (static), reply_title the
	 * title chosen (owned, cut to TICK_WA_MAX_REPLY_TITLE characters),
	 * flow_json a flow's response_json as sent (at most
	 * TICK_WA_MAX_FLOW_JSON bytes, else NULL). All NULL otherwise. */
	const char *reply_kind;
	char *reply_title;
	const char *flow_json;
	/* context.forwarded: 1; context.frequently_forwarded: 2; else 0. */
	int forwarded;
	/* The message a reaction, an edit or a revoke is about (its wamid,
	 * at most TICK_MAX_WAMID bytes), else NULL. */
	const char *target_id;
	/* A reaction's emoji (at most TICK_WA_MAX_EMOJI bytes); NULL or ""
	 * when the reaction is removed. */
	const char *emoji;
	/* 1 for an item of smb_message_echoes (coexistence: the business
	 * wrote from the WhatsApp Business app): `from` is then the
	 * customer it went to (the echo's "to"). */
	int echo;
	/* 1 for a message of the history field (coexistence: the WhatsApp
	 * Business app's past conversations, value.history[].threads[]
	 * .messages[]): `from` is the thread's customer, and echo says
	 * whether the business sent it. */
	int history;
	json_t *raw; /* the message object itself */
};

/* The longest username kept (bytes; the column's characters). */
#define TICK_WA_MAX_USERNAME 64

/* The longest reply title kept (characters; the column's size). */
#define TICK_WA_MAX_REPLY_TITLE 255
/* The longest flow response_json kept (bytes). */
#define TICK_WA_MAX_FLOW_JSON TICK_MAX_FLOW_JSON
/* The longest reaction emoji taken (bytes: a ZWJ sequence of up to 16
 * characters). */
#define TICK_WA_MAX_EMOJI TICK_MAX_EMOJI

/* The longest place name or address kept from a location (characters). */
#define TICK_WA_MAX_PLACE 255
/* The longest row or button id Meta takes (bytes). */
#define TICK_WA_MAX_REPLY_ID 256

/* The attachments columns a message's media fields go to, in bytes (and
 * so in characters too): media_id, mime_type, sha256, file_name. */
#define TICK_WA_MAX_MEDIA_ID 64
#define TICK_WA_MAX_MIME_TYPE 128
#define TICK_WA_MAX_SHA256 128
#define TICK_WA_MAX_FILE_NAME 255

/* One delivery status of an outbound message. */
struct tick_wa_status {
	const char *phone_number_id;
	const char *wamid;
	const char *status; /* sent, delivered, read, failed, played, ... */
	int rank;           /* tick_wa_status_rank(status) */
	const char *recipient_id;
	long long timestamp;
	long long error_code; /* first errors[] entry, 0 when none */
	char *error_title;    /* owned by the batch */
	/* biz_opaque_callback_data as the send gave it (tick: the outbound
	 * row's id), NULL when absent or longer than TICK_WA_MAX_OPAQUE. */
	const char *opaque;
	/* Its pricing object: category, pricing_model and type as tokens
	 * (a-z 0-9 _ ., at most TICK_WA_MAX_PRICING bytes; NULL when absent
	 * or odd), billable 1 or 0, -1 when absent or not a boolean. */
	const char *pricing_category, *pricing_model, *pricing_type;
	int billable;
};

/* The longest pricing token kept (the columns' size). */
#define TICK_WA_MAX_PRICING 32

/* The longest biz_opaque_callback_data Meta takes, in bytes. */
#define TICK_WA_MAX_OPAQUE 512

struct tick_wa_tpl_event;  /* templates.h */
struct tick_wa_chan_event; /* chan_events.h */

struct tick_wa_batch {
	json_t *root; /* owned */
	/* Changes of templates (the webhook fields of templates.h's
	 * tick_wa_tpl_field), strings borrowed from root; owned array. */
	struct tick_wa_tpl_event *tpl_events;
	size_t ntpl_events;
	/* Consent and the channel's health (chan_events.h: user_preferences,
	 * phone_number_quality_update, account_update); owned array. */
	struct tick_wa_chan_event *chan_events;
	size_t nchan_events;
	struct tick_wa_msg *msgs; /* owned array */
	size_t nmsgs;
	struct tick_wa_status *statuses; /* owned array */
	size_t nstatuses;
	size_t skipped;     /* items too malformed to use */
	int foreign_object; /* "object" is not whatsapp_business_account */
};

/*
 * Parses a webhook POST body. TICK_EINVAL (with a reason in err) when the
 * body is not a JSON object, too deep or too large; odd shapes inside are
 * skipped and counted, never fatal. Free the batch with
 * tick_wa_batch_free() whatever the result.
 */
enum tick_err tick_wa_parse_webhook(const char *body, size_t len,
    struct tick_wa_batch *out, char *err, size_t errlen);
void tick_wa_batch_free(struct tick_wa_batch *b);

/*
 * Rewrites, in place, the JSON escapes jansson refuses inside strings
 * (\u0000 and a surrogate escape without its other half) to \ufffd, which
 * has the same length: buf never grows, and a body that was JSON but for
 * those escapes parses after. Bytes outside strings and every other escape
 * are left as they are. Returns how many escapes were rewritten. No I/O.
 */
size_t tick_wa_json_scrub(char *buf, size_t len);

/*
 * Whether a change's metadata.phone_number_id (pnid, NULL when absent) is
 * the desk's number want (WHATSAPP_PHONE_NUMBER_ID, NULL when not
 * configured: then every id is taken). NULL when it is; else why not
 * ("missing phone_number_id", "other phone_number_id"), a static string.
 */
const char *tick_wa_pnid_mismatch(const char *want, const char *pnid);

/*
 * Checks X-Hub-Signature-256 ("sha256=<hex>") against the HMAC-SHA256 of
 * body keyed with secret, in constant time. TICK_OK or TICK_EUNAUTH.
 */
enum tick_err tick_wa_check_signature(const char *secret, const char *header,
    const char *body, size_t len);

/*
 * Order of delivery statuses; a stored status only moves to a higher rank:
 * pending 1, accepted 2, sent 3, failed 4, delivered 5, read and played 6.
 * 0 for unknown names.
 */
int tick_wa_status_rank(const char *status);

/* Seconds to wait before attempt number attempts+1 (1 min doubling, capped
 * at 6 h). */
long long tick_wa_backoff(long long attempts);

/* The kind for a type name. */
enum tick_wa_kind tick_wa_kind_of(const char *type);
/* True when the kind carries something the customer said (and so belongs
 * on a ticket); reactions, edits, revokes, system notices and unsupported
 * ones do not. */
int tick_wa_kind_is_content(enum tick_wa_kind k);

/* True when the kind changes an earlier message rather than adding one:
 * reactions, edits and revokes (stored, never shown as a message of their
 * own, never opening a ticket). */
int tick_wa_kind_is_change(enum tick_wa_kind k);

/*
 * Whether emoji (may be NULL) is a reaction tick sends: "" (removes), or
 * valid UTF-8 of 1..16 characters and at most TICK_WA_MAX_EMOJI bytes with
 * no ASCII letter, digit, space or control character. No I/O.
 */
int tick_wa_emoji_ok(const char *emoji);

/*
 * Builds the Graph API body of a reaction to message wamid: emoji "" takes
 * the reaction back. A new string (free with free()), or NULL on a bad
 * argument or ENOMEM.
 */
char *
tick_wa_reaction_payload(const char *to, const char *wamid, const char *emoji);

/*
 * A copy of the Graph API body payload with context.message_id set to
 * wamid: the send quotes that message. A new string (free with free()),
 * or NULL when payload is not a JSON object, wamid is empty or longer than
 * TICK_MAX_WAMID, or on ENOMEM.
 */
char *tick_wa_with_context(const char *payload, const char *wamid);

/*
 * The field of a send that names its addressee: "to" for a phone number
 * (digits only), "recipient" for a business-scoped user id (anything
 * else). Every payload below takes `to` as either and writes the field
 * this says (one of the two, never both). A static string.
 */
const char *tick_wa_address_field(const char *to);

/*
 * Builds the Graph API body for a text message to `to`. Returns a new
 * string (free with free()) or NULL.
 */
char *tick_wa_text_payload(const char *to, const char *text);

/*
 * Builds the Graph API body for template name in language lang whose
 * quick-reply buttons 0..n-1 carry payloads[0..n) (borrowed; n at most 3,
 * each at most TICK_WA_MAX_REPLY_ID bytes). A new string (free with
 * free()), or NULL on a bad argument or ENOMEM.
 */
char *tick_wa_template_quick_payload(const char *to, const char *name,
    const char *lang, const char *const *payloads, size_t n);

/* Builds the Graph API body for template name in language lang (no
 * variables). Returns a new string (free with free()) or NULL. */
char *
tick_wa_template_payload(const char *to, const char *name, const char *lang);

/*
 * Builds the Graph API body for a media message by link: type is image,
 * audio, video, sticker or document; caption (images, videos, documents)
 * and filename (documents) may be NULL. A new string, or NULL.
 */
char *tick_wa_media_payload(const char *to, const char *type, const char *link,
    const char *caption, const char *filename);

/* A row of a list message, or a reply button. Strings are borrowed;
 * description may be NULL (and is ignored on buttons). */
struct tick_wa_choice {
	const char *id, *title, *description;
};

/*
 * Builds the Graph API body for an interactive list to `to`: body text, the
 * button that opens the list, and rows[0..n) in one section. Titles and
 * texts are cut on character boundaries to WhatsApp's limits (body 1024,
 * button 20, row title 24, description 72). A new string (free with
 * free()), or NULL when n is 0 or more than 10, or an id or the body is
 * empty.
 */
char *tick_wa_list_payload(const char *to, const char *body, const char *button,
    const struct tick_wa_choice *rows, size_t n);

/*
 * Builds the Graph API body for reply buttons[0..n) (1 to 3, titles cut to
 * 20 characters) under body text (cut to 1024). A new string, or NULL as
 * for a list.
 */
char *tick_wa_buttons_payload(const char *to, const char *body,
    const struct tick_wa_choice *buttons, size_t n);

struct tick_ia;

/*
 * The Graph API body that marks the customer's message wamid read, with
 * the typing indicator when typing: {"messaging_product": "whatsapp",
 * "status": "read", "message_id": wamid, "typing_indicator": {"type":
 * "text"}}. Meta answers {"success": true}, which
 * tick_wa_parse_send_response() takes as sent (no wamid). A new string,
 * or NULL.
 */
char *tick_wa_read_payload(const char *wamid, int typing);

/*
 * Builds the Graph API body of an agent's buttons or list ia (checked by
 * tick_ia_parse, kind not TICK_IA_NONE) under body text, with its header
 * and footer as Meta documents them: {"type": "interactive",
 * "interactive": {"type": "button"|"list", "header": {"type": "text",
 * "text"}, "body": {"text"}, "footer": {"text"}, "action": {...}}}. Nothing
 * is cut. A new string (free with free()), or NULL.
 */
char *tick_wa_interactive_payload(const char *to, const char *body,
    const struct tick_ia *ia);

/* What the Graph API answered to a send. */
struct tick_wa_result {
	int http_status;       /* 0 when no answer came */
	long long error_code;  /* Meta's error.code, 0 when none */
	char error_title[256]; /* Meta's message or a transport error */
	char wamid[192];       /* messages[0].id on success */
	int retryable;
};

/*
 * Reads a Graph API answer to POST /messages into res. TICK_OK when a wamid
 * came back, TICK_EUPSTREAM otherwise (res says why). No I/O.
 */
enum tick_err tick_wa_parse_send_response(int http_status, const char *body,
    size_t len, struct tick_wa_result *res);

/* ---- The Graph API client (wa_graph.c): the one place tick calls Meta. */

struct tick_config;
struct tick_wa_client;

/* A client for the configured Graph API; cfg is borrowed for its life.
 * Keeps one libcurl handle so connections are reused. NULL on ENOMEM. */
struct tick_wa_client *tick_wa_client_new(const struct tick_config *cfg);
void tick_wa_client_free(struct tick_wa_client *c);

/*
 * POSTs payload to {WHATSAPP_API_URL}/{phone-number-id}/messages with the
 * bearer token, within the configured connect and total timeouts.
 * TICK_OK with res->wamid set; TICK_ECONFIG when sending is not configured;
 * TICK_ETIMEOUT or TICK_EUPSTREAM with res describing the failure.
 */
enum tick_err tick_wa_send(struct tick_wa_client *c, const char *payload,
    size_t len, struct tick_wa_result *res);

/*
 * GET {WHATSAPP_API_URL}/{phone-number-id}: checks the number and token
 * against the Graph API. TICK_OK with *info a new object (verified_name,
 * display_phone_number, quality_rating); else res says why.
 */
enum tick_err tick_wa_check_phone(struct tick_wa_client *c, json_t **info,
    struct tick_wa_result *res);

/* ---- Meta's QR code API and the business number (issue 11). */

/* What Meta's QR code API says of a code (sizes from the sites table). */
struct tick_wa_qr {
	char code[65];       /* Meta's code, such as 4O4YGZEG3RIVE1 */
	char deep_link[256]; /* https://wa.me/message/<code> */
	char prefill[561];   /* the prefilled message Meta keeps */
};

/*
 * Reads an answer of POST {phone-number-id}/message_qrdls into qr:
 * TICK_OK when it has a code (A-Z, a-z, 0-9, at most 64) and an https
 * deep_link_url that fit; TICK_EUPSTREAM otherwise, res saying why
 * (Meta's error code and message when there is one). No I/O.
 */
enum tick_err tick_wa_parse_qr_response(int http_status, const char *body,
    size_t len, struct tick_wa_qr *qr, struct tick_wa_result *res);

/*
 * Reads an answer of GET {phone-number-id}?fields=display_phone_number:
 * TICK_OK with the number's international digits (8 to 15) in out;
 * TICK_EUPSTREAM otherwise, res saying why. No I/O.
 */
enum tick_err tick_wa_parse_display_number(int http_status, const char *body,
    size_t len, char out[16], struct tick_wa_result *res);

/*
 * The business number's digits, asked of the Graph API (GET
 * {WHATSAPP_API_URL}/{phone-number-id}?fields=display_phone_number) the
 * first time and kept by the client (so once per worker process) after it
 * answers. TICK_ECONFIG when the phone number id or token is missing;
 * TICK_EUPSTREAM or TICK_ETIMEOUT with res saying why.
 */
enum tick_err tick_wa_display_number(struct tick_wa_client *c, char out[16],
    struct tick_wa_result *res);

/*
 * Registers prefill (valid UTF-8, 1..TICK_QR_PREFILL_MAX characters: more
 * is TICK_EINVAL before any call) with Meta's QR code API: POST
 * {WHATSAPP_API_URL}/{phone-number-id}/message_qrdls with
 * prefilled_message and generate_qr_image (SVG); with code (not NULL or
 * "") the message of that existing code is changed instead of a new code
 * being made. TICK_OK with qr filled; TICK_ECONFIG, TICK_EUPSTREAM or
 * TICK_ETIMEOUT with res saying why.
 */
enum tick_err tick_wa_qr_register(struct tick_wa_client *c, const char *code,
    const char *prefill, struct tick_wa_qr *qr, struct tick_wa_result *res);

/* What GET {WHATSAPP_API_URL}/{media-id} says of a media. */
struct tick_wa_media {
	char url[2048]; /* lasts five minutes; https */
	char mime_type[128];
	char sha256[128];    /* as Meta wrote it: hex or base64 */
	long long file_size; /* 0 when not given */
};

/* Looks a media id up. TICK_OK, or TICK_EUPSTREAM/ETIMEOUT (res says why;
 * a Graph 404 means the id expired, never retried). */
enum tick_err tick_wa_media_info(struct tick_wa_client *c, const char *media_id,
    struct tick_wa_media *m, struct tick_wa_result *res);

/*
 * Downloads url with the bearer token, at most max bytes (more is a
 * failure with "larger than allowed"). *data is a new buffer (free()).
 */
enum tick_err tick_wa_media_download(struct tick_wa_client *c, const char *url,
    size_t max, char **data, size_t *len, struct tick_wa_result *res);

#endif
