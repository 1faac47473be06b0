/* tick: every input limit, in one place. */
#ifndef TICK_BOUNDS_H
#define TICK_BOUNDS_H

/* Largest request body read by any responder (webhook payloads reach ~3 MB). */
#define TICK_MAX_BODY (4u * 1024u * 1024u)
/* Largest body of a route that takes a file (base64 of MAX_FILE_SIZE's
 * default 16 MB, and the rest). */
#define TICK_MAX_UPLOAD_BODY (24u * 1024u * 1024u)
/* Largest body of a route that is not the webhook. */
#define TICK_MAX_API_BODY (1u * 1024u * 1024u)
/* Most bytes of an unread request body a plain CGI responder reads and
 * drops after answering (Apache's mod_cgid writes the whole body before it
 * reads the answer, and drops the answer of a script that did not take it). */
#define TICK_MAX_CGI_DRAIN (64u * 1024u * 1024u)
/* Largest JSON nesting accepted in any request body. */
#define TICK_MAX_JSON_DEPTH 32
/* Most messages plus statuses walked in one webhook POST. */
#define TICK_MAX_WEBHOOK_ITEMS 1000
/* Longest query string parsed. */
#define TICK_MAX_QUERY 4096
/* Most parameters in one query string. */
#define TICK_MAX_QUERY_PARAMS 64
/* Longest WhatsApp text body sent (Graph API limit, characters). */
#define TICK_MAX_WA_TEXT 4096
/* Longest message text kept, in characters (Meta sends at most 4096). */
#define TICK_MAX_MESSAGE_TEXT 8192
/* Longest profile name, error title and other short free text (characters). */
#define TICK_MAX_SHORT_TEXT 255
/* Longest phone number id, business-scoped user id, message type, status. */
#define TICK_MAX_PHONE_NUMBER_ID 32
#define TICK_MAX_USER_ID 128
#define TICK_MAX_TYPE 32
#define TICK_MAX_STATUS 16
/* Longest wamid stored. */
#define TICK_MAX_WAMID 191
/* Longest stored Graph API request body (a 4096-character text, escaped). */
#define TICK_MAX_OUTBOUND_PAYLOAD (64u * 1024u)
/* Longest Graph API response read. */
#define TICK_MAX_UPSTREAM_BODY (256u * 1024u)
/* Longest line in the configuration file. */
#define TICK_MAX_CONFIG_LINE 4096
/* Longest configuration value. */
#define TICK_MAX_CONFIG_VALUE 2048
/* Most workers a standalone responder forks. */
#define TICK_MAX_WORKERS 256

/* Bytes of a fetch buffer for a utf8mb4 column of n characters (up to 4
 * bytes each, and the NUL). */
#define TICK_COL_BUF(n) ((n)*4 + 1)

/* Columns of the users table (characters; e-mail addresses are ASCII). */
#define TICK_USER_NAME_MAX 100
#define TICK_USER_EMAIL_MAX 254

/* Columns of the tick system's tickets table (characters). */
#define TICK_TICKET_NAME_MAX 30
#define TICK_TICKET_EMAIL_MAX 100
#define TICK_TICKET_MOBILE_MAX 15

/* Issue 16: a reaction's emoji (bytes: a ZWJ sequence of up to 16
 * characters; message_reactions.emoji) and the longest flow
 * response_json kept (bytes). */
#define TICK_MAX_EMOJI 64
#define TICK_MAX_FLOW_JSON 16384

/* The reports' times (issue 12): at most this many durations are read one
 * by one for exact percentiles; beyond, they come from the histograms kept
 * beside the rollup (base/figures, within 3.125%). */
#define TICK_MAX_EXACT_DURATIONS 10000

#endif
