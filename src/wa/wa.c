#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chan_events.h"
#include "crypto.h"
#include "intake.h"
#include "json.h"
#include "bounds.h"
#include "valid.h"
#include "identity.h"
#include "wa_template_rules.h"
#include "interactive.h"
#include "wa.h"
#include "wa_errors.h"

static const char *const kinds[TICK_WA__MAX] = {
	[TICK_WA_TEXT] = "text",
	[TICK_WA_IMAGE] = "image",
	[TICK_WA_DOCUMENT] = "document",
	[TICK_WA_AUDIO] = "audio",
	[TICK_WA_VIDEO] = "video",
	[TICK_WA_STICKER] = "sticker",
	[TICK_WA_LOCATION] = "location",
	[TICK_WA_CONTACTS] = "contacts",
	[TICK_WA_INTERACTIVE] = "interactive",
	[TICK_WA_BUTTON] = "button",
	[TICK_WA_REACTION] = "reaction",
	[TICK_WA_SYSTEM] = "system",
	[TICK_WA_UNSUPPORTED] = "unsupported",
	[TICK_WA_EDIT] = "edit",
	[TICK_WA_REVOKE] = "revoke",
	[TICK_WA_UNKNOWN] = "unknown",
};

enum tick_wa_kind
tick_wa_kind_of(const char *type)
{
	if (type != NULL)
		for (int i = 0; i < TICK_WA_UNKNOWN; i++)
			if (strcmp(type, kinds[i]) == 0)
				return (enum tick_wa_kind)i;
	return TICK_WA_UNKNOWN;
}

int
tick_wa_kind_is_content(enum tick_wa_kind k)
{
	return k != TICK_WA_REACTION && k != TICK_WA_SYSTEM &&
	    k != TICK_WA_UNSUPPORTED && k != TICK_WA_UNKNOWN &&
	    k != TICK_WA_EDIT && k != TICK_WA_REVOKE;
}

int
tick_wa_kind_is_change(enum tick_wa_kind k)
{
	return k == TICK_WA_REACTION || k == TICK_WA_EDIT ||
	    k == TICK_WA_REVOKE;
}

int
tick_wa_emoji_ok(const char *emoji)
{
	size_t len;

	if (emoji == NULL)
		return 0;
	if ((len = strlen(emoji)) == 0)
		return 1;
	if (len > TICK_WA_MAX_EMOJI || !tick_valid_utf8(emoji, len) ||
	    tick_valid_utf8_chars(emoji) > 16)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)emoji[i];

		/* ASCII only opens a keycap sequence: #, * or a digit
		 * followed by more. */
		if (c < 0x80 &&
		    !((c == '#' || c == '*' || (c >= '0' && c <= '9')) &&
		        i == 0 && len > 1))
			return 0;
	}
	return 1;
}

/* A new string from a format; NULL on ENOMEM. */
static char *dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
dupf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* A new copy of s cut to maxchars characters; NULL when s is NULL. */
static char *
clip(const char *s, size_t maxchars)
{
	size_t len, cap;
	char *out;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	cap = (len < maxchars * 4 ? len : maxchars * 4) + 1;
	if ((out = malloc(cap)) != NULL)
		tick_valid_utf8_cut(s, len, maxchars, out, cap);
	return out;
}

/* A new copy of s cut to maxchars characters and maxbytes bytes, on a
 * character boundary; NULL when s is NULL. */
static char *
clip_bytes(const char *s, size_t maxchars, size_t maxbytes)
{
	size_t len;
	char *out;

	if (s == NULL)
		return NULL;
	len = strnlen(s, maxbytes + 4);
	if ((out = malloc(maxbytes + 1)) != NULL)
		tick_valid_utf8_cut(s, len, maxchars, out, maxbytes + 1);
	return out;
}

/* s when it is 1..max characters of [a-z0-9_.], else NULL. */
static const char *
token(const char *s, size_t max)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > max)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		        s[i] == '.'))
			return NULL;
	return s;
}

/* s when it is 1..max characters of [A-Za-z0-9_.] (Meta's pricing names:
 * "service", "CBP"), else NULL. */
static const char *
word(const char *s, size_t max)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > max)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= 'A' && s[i] <= 'Z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		        s[i] == '.'))
			return NULL;
	return s;
}

/* s when it is at most max bytes, else NULL. */
static const char *
bounded(const char *s, size_t max)
{
	return s != NULL && strlen(s) <= max ? s : NULL;
}

static const char *
nz(const char *s)
{
	return s ? s : "";
}

static int
coord_of(const json_t *obj, const char *key, double *out)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	char *end;

	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 1;
	}
	if ((s = json_is_string(v) ? json_string_value(v) : NULL) != NULL &&
	    *s) {
		*out = strtod(s, &end);
		return *end == '\0';
	}
	return 0;
}

/* The readable text of a media message: "[image] caption". */
static char *
media_text(struct tick_wa_msg *m, const json_t *media, const char *label)
{
	const char *caption = tick_json_str(media, "caption");

	const char *filename = tick_json_str(media, "filename");

	/* Each fits its attachments column in bytes too (the media module
	 * binds at most that many): a longer id or hash is not Meta's; a long
	 * file name is cut between characters. */
	m->media_id = bounded(tick_json_str(media, "id"), TICK_WA_MAX_MEDIA_ID);
	m->mime_type = bounded(tick_json_str(media, "mime_type"),
	    TICK_WA_MAX_MIME_TYPE);
	m->sha256 = bounded(tick_json_str(media, "sha256"), TICK_WA_MAX_SHA256);
	if (filename != NULL &&
	    (m->filename = clip_bytes(filename, TICK_WA_MAX_FILE_NAME,
	         TICK_WA_MAX_FILE_NAME)) == NULL)
		return NULL;
	if (m->filename != NULL)
		return caption ?
		    dupf("[%s: %s] %s", label, m->filename, caption) :
		    dupf("[%s: %s]", label, m->filename);
	return caption ? dupf("[%s] %s", label, caption) : dupf("[%s]", label);
}

static char *
contacts_text(const json_t *arr)
{
	char buf[2048];
	size_t used = 0, i;
	json_t *c;

	buf[0] = '\0';
	json_array_foreach (arr, i, c) {
		const char *name = tick_json_str(tick_json_obj(c, "name"),
		    "formatted_name");
		json_t *phones = tick_json_arr(c, "phones");
		const char *phone = tick_json_str(json_array_get(phones, 0),
		    "phone");
		int n = snprintf(buf + used, sizeof(buf) - used,
		    "%s[contact] %s%s%s", i ? "\n" : "",
		    name ? name : "(no name)", phone ? " " : "", nz(phone));

		if (n < 0 || (size_t)n >= sizeof(buf) - used)
			break;
		used += (size_t)n;
	}
	return strdup(used ? buf : "[contact]");
}

/* An error code that fits an INT column; 0 when absent or out of range. */
static long long
code_of(const json_t *obj)
{
	long long n = tick_json_meta_num(obj, "code");

	return n > 0 && n <= 2147483647LL ? n : 0;
}

/* Fills m from the message object msg; returns -1 when msg is unusable. */
static int
read_message(struct tick_wa_msg *m, json_t *msg, const json_t *value, int echo,
    const char *customer)
{
	json_t *o, *contacts, *c;
	size_t i;

	if (!json_is_object(msg))
		return -1;
	m->raw = msg;
	m->wamid = tick_json_str(msg, "id");
	if (m->wamid == NULL || *m->wamid == '\0' ||
	    strlen(m->wamid) > TICK_MAX_WAMID)
		return -1;
	/* An echo went from the business to its "to": that is the
	 * customer whose conversation it belongs to. */
	m->echo = echo;
	m->from = customer != NULL ? customer :
	                             tick_json_str(msg, echo ? "to" : "from");
	m->from_user_id = customer != NULL ?
	    NULL :
	    bounded(tick_json_str(msg, echo ? "to_user_id" : "from_user_id"),
	        TICK_MAX_USER_ID);
	if (m->from != NULL && !tick_valid_digits(m->from, strlen(m->from), 20))
		m->from = NULL;
	m->type = token(tick_json_str(msg, "type"), TICK_MAX_TYPE);
	if (m->type == NULL)
		m->type = "unknown";
	m->kind = tick_wa_kind_of(m->type);
	m->timestamp = tick_json_meta_num(msg, "timestamp");
	o = tick_json_obj(msg, "context");
	m->context_id = bounded(tick_json_str(o, "id"), TICK_MAX_WAMID);
	if (m->context_id != NULL && *m->context_id == '\0')
		m->context_id = NULL;
	m->forwarded = json_is_true(
	                   json_object_get(o, "frequently_forwarded")) ?
	    2 :
	    json_is_true(json_object_get(o, "forwarded")) ? 1 :
	                                                    0;

	/* The sender's profile: the contact whose wa_id (or user id) matches,
	 * else the only one. */
	contacts = tick_json_arr(value, "contacts");
	json_array_foreach (contacts, i, c) {
		const char *id = tick_json_str(c, "wa_id");
		const char *uid = tick_json_str(c, "user_id");

		if ((id && m->from && strcmp(id, m->from) == 0) ||
		    (uid && m->from_user_id &&
		        strcmp(uid, m->from_user_id) == 0) ||
		    json_array_size(contacts) == 1) {
			json_t *prof = tick_json_obj(c, "profile");

			m->profile_name = clip(tick_json_str(prof, "name"),
			    TICK_MAX_SHORT_TEXT);
			m->username = bounded(tick_json_str(prof, "username"),
			    TICK_WA_MAX_USERNAME);
			if (m->username != NULL && *m->username == '\0')
				m->username = NULL;
			if (m->from_user_id == NULL)
				m->from_user_id = bounded(uid,
				    TICK_MAX_USER_ID);
			m->parent_user_id = bounded(tick_json_str(c,
			                                "parent_user_id"),
			    TICK_MAX_USER_ID);
			break;
		}
	}
	if (m->from_user_id != NULL && *m->from_user_id == '\0')
		m->from_user_id = NULL;
	if (m->from == NULL && m->from_user_id == NULL)
		return -1;
	m->ident = TICK_ID_MESSAGE;

	o = tick_json_obj(msg, m->type);
	switch (m->kind) {
	case TICK_WA_TEXT:
		m->text = strdup(nz(tick_json_str(o, "body")));
		break;
	case TICK_WA_IMAGE:
	case TICK_WA_VIDEO:
	case TICK_WA_STICKER:
	case TICK_WA_DOCUMENT: m->text = media_text(m, o, m->type); break;
	case TICK_WA_AUDIO:
		m->text = media_text(m, o,
		    json_is_true(json_object_get(o, "voice")) ? "voice note" :
		                                                "audio");
		break;
	case TICK_WA_LOCATION: {
		const char *name = tick_json_str(o, "name");
		const char *addr = tick_json_str(o, "address");

		m->location_name = clip(name, TICK_WA_MAX_PLACE);
		m->location_address = clip(addr, TICK_WA_MAX_PLACE);
		if ((name != NULL && m->location_name == NULL) ||
		    (addr != NULL && m->location_address == NULL))
			return -1;
		if (coord_of(o, "latitude", &m->latitude) &&
		    coord_of(o, "longitude", &m->longitude) &&
		    m->latitude >= -90 && m->latitude <= 90 &&
		    m->longitude >= -180 && m->longitude <= 180) {
			m->has_location = 1;
			m->text = dupf("[location] %s%s%s%s%.6f, %.6f "
			               "https://maps.google.com/?q=%.6f,%.6f",
			    nz(name), name ? " " : "", nz(addr),
			    addr ? " " : "", m->latitude, m->longitude,
			    m->latitude, m->longitude);
		} else
			m->text = strdup("[location]");
		break;
	}
	case TICK_WA_CONTACTS:
		m->text = contacts_text(tick_json_arr(msg, "contacts"));
		break;
	case TICK_WA_INTERACTIVE: {
		json_t *r = tick_json_obj(o, "button_reply");
		const char *desc = NULL, *title;

		m->reply_kind = "button_reply";
		if (r == NULL && (r = tick_json_obj(o, "list_reply")) != NULL) {
			m->reply_kind = "list_reply";
			desc = tick_json_str(r, "description");
		}
		if (r == NULL && (r = tick_json_obj(o, "nfm_reply")) != NULL) {
			/* A flow's answer: its fields in response_json. */
			m->reply_kind = "nfm_reply";
			m->flow_json = bounded(tick_json_str(r,
			                           "response_json"),
			    TICK_WA_MAX_FLOW_JSON);
			title = tick_json_str(r, "body");
			if (title == NULL)
				title = tick_json_str(r, "name");
			if ((m->reply_title = clip(title != NULL ? title :
			                                           "flow",
			         TICK_WA_MAX_REPLY_TITLE)) == NULL)
				return -1;
			m->text = dupf("[flow] %s", m->reply_title);
			break;
		}
		if (r == NULL)
			m->reply_kind = NULL;
		title = tick_json_str(r, "title");
		m->reply_id = bounded(tick_json_str(r, "id"),
		    TICK_WA_MAX_REPLY_ID);
		if (title != NULL &&
		    (m->reply_title = clip(title, TICK_WA_MAX_REPLY_TITLE)) ==
		        NULL)
			return -1;
		m->text = desc ? dupf("%s (%s)", nz(title), desc) :
		                 strdup(title ? title : "[interactive reply]");
		break;
	}
	case TICK_WA_BUTTON: {
		/* A template's quick reply: its payload is the button's id. */
		const char *text = tick_json_str(o, "text");

		m->reply_kind = "button";
		m->reply_id = bounded(tick_json_str(o, "payload"),
		    TICK_WA_MAX_REPLY_ID);
		if (text != NULL &&
		    (m->reply_title = clip(text, TICK_WA_MAX_REPLY_TITLE)) ==
		        NULL)
			return -1;
		m->text = strdup(text ? text : nz(tick_json_str(o, "payload")));
		break;
	}
	case TICK_WA_REACTION: {
		const char *emoji = tick_json_str(o, "emoji");

		m->context_id = bounded(tick_json_str(o, "message_id"),
		    TICK_MAX_WAMID);
		m->target_id = m->context_id;
		m->emoji = bounded(emoji, TICK_WA_MAX_EMOJI);
		if (emoji != NULL && m->emoji == NULL)
			return -1;
		m->text = emoji && *emoji ? dupf("[reaction] %s", emoji) :
		                            strdup("[reaction removed]");
		break;
	}
	case TICK_WA_EDIT: {
		/* edit: {original_message_id, message: {type, text: {body} |
		 * image: {caption} | ...}}: the new text, read as a message. */
		json_t *nm = tick_json_obj(o, "message");
		const char *nt = token(tick_json_str(nm, "type"),
		    TICK_MAX_TYPE);
		json_t *no = nt != NULL ? tick_json_obj(nm, nt) : NULL;
		const char *body = tick_json_str(no, "body");

		if (body == NULL)
			body = tick_json_str(no, "caption");
		m->target_id = bounded(tick_json_str(o, "original_message_id"),
		    TICK_MAX_WAMID);
		m->text = body != NULL ? strdup(body) : strdup("[edited]");
		break;
	}
	case TICK_WA_REVOKE:
		m->target_id = bounded(tick_json_str(o, "original_message_id"),
		    TICK_MAX_WAMID);
		m->text = strdup("[deleted]");
		break;
	case TICK_WA_SYSTEM: {
		const char *st = tick_json_str(o, "type");

		m->text = dupf("[system] %s", nz(tick_json_str(o, "body")));
		if (st == NULL)
			break;
		if (strcmp(st, "user_changed_number") == 0 ||
		    strcmp(st, "customer_changed_number") == 0) {
			const char *nw = tick_json_str(o, "wa_id");
			const char *old = tick_json_str(o, "customer");

			if (nw == NULL)
				nw = tick_json_str(o, "new_wa_id");
			m->old_key = old != NULL &&
			        tick_valid_digits(old, strlen(old), 20) ?
			    old :
			    m->from;
			m->new_wa_id = nw != NULL &&
			        tick_valid_digits(nw, strlen(nw), 20) ?
			    nw :
			    NULL;
			m->new_user_id = bounded(tick_json_str(o, "user_id"),
			    TICK_MAX_USER_ID);
			if (m->new_user_id != NULL && *m->new_user_id == '\0')
				m->new_user_id = NULL;
			if (m->old_key != NULL && m->new_wa_id != NULL)
				m->ident = TICK_ID_NUMBER_CHANGED;
		} else if (strcmp(st, "user_changed_user_id") == 0) {
			/* The BSUID changed; no phone is told. The sender
			 * is the old id, system.user_id the new one. */
			const char *nu = tick_json_str(o, "user_id");
			const char *ou = tick_json_str(o, "previous_user_id");

			if (nu == NULL)
				nu = tick_json_str(o, "new_user_id");
			m->old_key = ou != NULL ?
			    bounded(ou, TICK_MAX_USER_ID) :
			    m->from_user_id;
			m->new_user_id = bounded(nu, TICK_MAX_USER_ID);
			if (m->old_key != NULL && *m->old_key != '\0' &&
			    m->new_user_id != NULL && *m->new_user_id != '\0')
				m->ident = TICK_ID_USER_ID_UPDATE;
		} else if (strcmp(st, "customer_identity_changed") == 0)
			m->ident = TICK_ID_IDENTITY_CHANGED;
		break;
	}
	case TICK_WA_UNSUPPORTED:
		m->text = strdup("[unsupported message]");
		break;
	default: m->text = dupf("[%.32s message]", m->type); break;
	}
	if (m->text != NULL && strlen(m->text) > TICK_MAX_MESSAGE_TEXT) {
		char *cut = clip(m->text, TICK_MAX_MESSAGE_TEXT);

		free(m->text);
		m->text = cut;
	}
	return m->text != NULL ? 0 : -1;
}

static int
read_status(struct tick_wa_status *s, const json_t *st)
{
	json_t *errs, *e0, *pricing;

	s->wamid = tick_json_str(st, "id");
	s->status = token(tick_json_str(st, "status"), TICK_MAX_STATUS);
	if (s->wamid == NULL || s->status == NULL || *s->wamid == '\0' ||
	    strlen(s->wamid) > TICK_MAX_WAMID)
		return -1;
	s->rank = tick_wa_status_rank(s->status);
	s->recipient_id = bounded(tick_json_str(st, "recipient_id"),
	    TICK_MAX_USER_ID);
	s->timestamp = tick_json_meta_num(st, "timestamp");
	s->opaque = bounded(tick_json_str(st, "biz_opaque_callback_data"),
	    TICK_WA_MAX_OPAQUE);
	pricing = json_object_get(st, "pricing");
	s->billable = -1;
	if (json_is_object(pricing)) {
		json_t *b = json_object_get(pricing, "billable");

		s->pricing_category = word(tick_json_str(pricing, "category"),
		    TICK_WA_MAX_PRICING);
		s->pricing_model = word(tick_json_str(pricing, "pricing_model"),
		    TICK_WA_MAX_PRICING);
		s->pricing_type = word(tick_json_str(pricing, "type"),
		    TICK_WA_MAX_PRICING);
		if (json_is_boolean(b))
			s->billable = json_is_true(b) ? 1 : 0;
	}
	errs = tick_json_arr(st, "errors");
	if ((e0 = json_array_get(errs, 0)) != NULL) {
		s->error_code = code_of(e0);
		s->error_title = clip(tick_json_str(e0, "title") ?
		        tick_json_str(e0, "title") :
		        tick_json_str(e0, "message"),
		    TICK_MAX_SHORT_TEXT);
	}
	return 0;
}

void
tick_wa_batch_free(struct tick_wa_batch *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->nmsgs; i++) {
		free(b->msgs[i].text);
		free(b->msgs[i].profile_name);
		free(b->msgs[i].filename);
		free(b->msgs[i].location_name);
		free(b->msgs[i].location_address);
		free(b->msgs[i].event_key);
		free(b->msgs[i].reply_title);
	}
	for (size_t i = 0; i < b->nstatuses; i++)
		free(b->statuses[i].error_title);
	free(b->msgs);
	free(b->statuses);
	free(b->tpl_events);
	for (size_t i = 0; i < b->nchan_events; i++)
		json_decref(b->chan_events[i].info);
	free(b->chan_events);
	json_decref(b->root);
	memset(b, 0, sizeof(*b));
}

/* The four hex digits at p as a code unit; -1 when they are not. */
static long
hex4(const char *p)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		int d = tick_crypto_hexdigit(p[i]);

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

size_t
tick_wa_json_scrub(char *buf, size_t len)
{
	size_t i = 0, n = 0;
	int in_str = 0;
	long u, lo;

	while (i < len) {
		if (buf[i] == '"' || !in_str || buf[i] != '\\') {
			in_str ^= buf[i] == '"';
			i++;
			continue;
		}
		/* An escape: \uXXXX is six bytes, any other two. */
		if (i + 6 > len || buf[i + 1] != 'u' ||
		    (u = hex4(buf + i + 2)) < 0) {
			i += 2;
			continue;
		}
		if (u >= 0xd800 && u <= 0xdbff && i + 12 <= len &&
		    buf[i + 6] == '\\' && buf[i + 7] == 'u' &&
		    (lo = hex4(buf + i + 8)) >= 0xdc00 && lo <= 0xdfff) {
			i += 12; /* a whole pair */
			continue;
		}
		if (u == 0 || (u >= 0xd800 && u <= 0xdfff)) {
			memcpy(buf + i + 2, "fffd", 4);
			n++;
		}
		i += 6;
	}
	return n;
}

const char *
tick_wa_pnid_mismatch(const char *want, const char *pnid)
{
	if (want == NULL || *want == '\0')
		return NULL;
	if (pnid == NULL || *pnid == '\0')
		return "missing phone_number_id";
	return strcmp(want, pnid) == 0 ? NULL : "other phone_number_id";
}

/* Whether body has a \u escape at all: most bodies have none and are
 * parsed without a copy. */
static int
has_u_escape(const char *body, size_t len)
{
	const char *p = body, *end = body + len;

	while (
	    (p = memchr(p, '\\', (size_t)(end - p))) != NULL && p + 1 < end) {
		if (p[1] == 'u')
			return 1;
		p += 2;
	}
	return 0;
}

/* The first of names that obj has as a string, NULL when none. */
static const char *
first_str(const json_t *obj, const char *const *names)
{
	const char *s = NULL;

	for (; *names != NULL && s == NULL; names++)
		s = tick_json_str(obj, *names);
	return s;
}

/*
 * The user_id_update webhook field: a user's business-scoped user id
 * changed. Meta's documentation of its item was not final when this was
 * written, so the shapes seen are all taken: the ids as {detail |
 * user_id: {previous, current}} or as previous_user_id / old_user_id and
 * current_user_id / new_user_id / user_id, with wa_id when the phone is
 * shared. Each item becomes a message of type user_id_update (kind
 * system: never a ticket) whose wamid, "uidu." and the SHA-256 of both
 * ids, makes a redelivery a duplicate.
 */
static void
read_user_id_updates(struct tick_wa_batch *out, json_t *value)
{
	static const char *const prev_names[] = { "previous_user_id",
		"old_user_id", "previous", NULL };
	static const char *const cur_names[] = { "current_user_id",
		"new_user_id", "current", NULL };
	const char *pnid = tick_json_str(tick_json_obj(value, "metadata"),
	    "phone_number_id");
	json_t *arr = tick_json_arr(value, "user_id_update"), *item;
	size_t k;

	if (pnid != NULL &&
	    !tick_valid_digits(pnid, strlen(pnid), TICK_MAX_PHONE_NUMBER_ID))
		pnid = NULL;
	json_array_foreach (arr, k, item) {
		struct tick_wa_msg *m = &out->msgs[out->nmsgs];
		json_t *d = tick_json_obj(item, "detail");
		const char *prev, *cur, *wa;
		unsigned char sum[TICK_SHA256_LEN];
		char *both = NULL;

		if (d == NULL)
			d = tick_json_obj(item, "user_id");
		prev = first_str(item, prev_names);
		cur = first_str(item, cur_names);
		if (prev == NULL)
			prev = first_str(d, prev_names);
		if (cur == NULL)
			cur = first_str(d, cur_names);
		if (cur == NULL)
			cur = tick_json_str(item, "user_id");
		prev = bounded(prev, TICK_MAX_USER_ID);
		cur = bounded(cur, TICK_MAX_USER_ID);
		wa = tick_json_str(item, "wa_id");
		if (wa != NULL && !tick_valid_digits(wa, strlen(wa), 20))
			wa = NULL;
		if (prev == NULL || cur == NULL || *prev == '\0' ||
		    *cur == '\0' ||
		    (both = dupf("%s\n%s", prev, cur)) == NULL ||
		    tick_crypto_sha256(both, strlen(both), sum) != 0 ||
		    (m->event_key = malloc(5 + 2 * TICK_SHA256_LEN + 1)) ==
		        NULL) {
			free(both);
			memset(m, 0, sizeof(*m));
			out->skipped++;
			continue;
		}
		free(both);
		memcpy(m->event_key, "uidu.", 5);
		tick_crypto_hex(sum, TICK_SHA256_LEN, m->event_key + 5);
		m->raw = item;
		m->phone_number_id = pnid;
		m->wamid = m->event_key;
		m->from = wa;
		m->from_user_id = prev;
		m->type = "user_id_update";
		m->kind = TICK_WA_SYSTEM;
		m->timestamp = tick_json_meta_num(item, "timestamp");
		m->ident = TICK_ID_USER_ID_UPDATE;
		m->old_key = prev;
		m->new_user_id = cur;
		if ((m->text = dupf("[system] user id changed to %s", cur)) ==
		    NULL) {
			free(m->event_key);
			memset(m, 0, sizeof(*m));
			out->skipped++;
			continue;
		}
		out->nmsgs++;
	}
}

/* Frees what read_message kept of a message it could not use. */
static void
drop_message(struct tick_wa_batch *out, struct tick_wa_msg *m)
{
	free(m->text);
	free(m->profile_name);
	free(m->filename);
	free(m->location_name);
	free(m->location_address);
	free(m->event_key);
	free(m->reply_title);
	memset(m, 0, sizeof(*m));
	out->skipped++;
}

/* Reads the message objects of arr (a change's messages, or with echo its
 * message_echoes) into out, counting the unusable ones. */
static void
read_messages(struct tick_wa_batch *out, const json_t *value, json_t *arr,
    int echo)
{
	const char *pnid = tick_json_str(tick_json_obj(value, "metadata"),
	    "phone_number_id");
	json_t *item;
	size_t k;

	/* An id that cannot be a phone number id is not ours. */
	if (pnid != NULL &&
	    !tick_valid_digits(pnid, strlen(pnid), TICK_MAX_PHONE_NUMBER_ID)) {
		out->skipped += json_array_size(arr);
		return;
	}
	json_array_foreach (arr, k, item) {
		struct tick_wa_msg *m = &out->msgs[out->nmsgs];

		m->phone_number_id = pnid;
		if (read_message(m, item, value, echo, NULL) == 0)
			out->nmsgs++;
		else
			drop_message(out, m);
	}
}

/* The messages of a history webhook's threads, at most *room of them
 * (the rest are counted as skipped: the raw event keeps them). */
static void
read_history(struct tick_wa_batch *out, const json_t *value, size_t *room)
{
	const char *pnid = tick_json_str(tick_json_obj(value, "metadata"),
	    "phone_number_id");
	json_t *h, *th, *item;
	size_t i, j, k;

	if (pnid != NULL &&
	    !tick_valid_digits(pnid, strlen(pnid), TICK_MAX_PHONE_NUMBER_ID))
		pnid = NULL;
	json_array_foreach (tick_json_arr(value, "history"), i, h) {
		json_array_foreach (tick_json_arr(h, "threads"), j, th) {
			/* A thread is one customer's conversation. */
			const char *who = tick_json_str(th, "id");

			if (who != NULL &&
			    !tick_valid_digits(who, strlen(who), 20))
				who = NULL;
			json_array_foreach (tick_json_arr(th, "messages"), k,
			    item) {
				struct tick_wa_msg *m = &out->msgs[out->nmsgs];
				const char *from = tick_json_str(item, "from");

				if (*room == 0 || who == NULL) {
					out->skipped++;
					continue;
				}
				(*room)--;
				m->phone_number_id = pnid;
				m->history = 1;
				if (read_message(m, item, value,
				        from == NULL || strcmp(from, who) != 0,
				        who) == 0)
					out->nmsgs++;
				else
					drop_message(out, m);
			}
		}
	}
}

/* How many messages the history of change value holds. */
static size_t
history_size(const json_t *value)
{
	json_t *h, *th;
	size_t i, j, n = 0;

	json_array_foreach (tick_json_arr(value, "history"), i, h)
		json_array_foreach (tick_json_arr(h, "threads"), j, th)
			n += json_array_size(tick_json_arr(th, "messages"));
	return n;
}

enum tick_err
tick_wa_parse_webhook(const char *body, size_t len, struct tick_wa_batch *out,
    char *err, size_t errlen)
{
	json_t *entries, *entry, *changes, *change, *value, *arr, *item;
	size_t i, j, k, total = 0, history = 0, ntpl = 0, nchan = 0;
	const char *object;
	char *copy = NULL;
	enum tick_err rc;

	memset(out, 0, sizeof(*out));
	if (len > TICK_MAX_BODY) {
		snprintf(err, errlen, "body larger than %u bytes",
		    TICK_MAX_BODY);
		return TICK_ETOOBIG;
	}
	/* One NUL or lone surrogate escape would make jansson refuse the whole
	 * body: each becomes U+FFFD in a copy (the caller keeps the bytes as
	 * received, and their signature). */
	if (has_u_escape(body, len)) {
		if ((copy = malloc(len)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return TICK_ENOMEM;
		}
		memcpy(copy, body, len);
		(void)tick_wa_json_scrub(copy, len);
		body = copy;
	}
	rc = tick_json_parse(body, len, &out->root, err, errlen);
	free(copy);
	if (rc != TICK_OK)
		return rc;
	if (!json_is_object(out->root)) {
		snprintf(err, errlen, "body is not a JSON object");
		return TICK_EINVAL;
	}
	object = tick_json_str(out->root, "object");
	if (object == NULL ||
	    strcmp(object, "whatsapp_business_account") != 0) {
		out->foreign_object = 1;
		return TICK_OK;
	}

	/* Count first, so each array is allocated once and bounded. */
	entries = tick_json_arr(out->root, "entry");
	json_array_foreach (entries, i, entry) {
		changes = tick_json_arr(entry, "changes");
		json_array_foreach (changes, j, change) {
			value = tick_json_obj(change, "value");
			total += json_array_size(
			    tick_json_arr(value, "messages"));
			total += json_array_size(
			    tick_json_arr(value, "statuses"));
			total += json_array_size(
			    tick_json_arr(value, "user_id_update"));
			total += json_array_size(
			    tick_json_arr(value, "message_echoes"));
			history += history_size(value);
			ntpl += tick_wa_tpl_field(
			    tick_json_str(change, "field"));
			nchan += tick_wa_chan_count(tick_json_str(change,
			                                "field"),
			    value);
		}
	}
	if (total > TICK_MAX_WEBHOOK_ITEMS) {
		snprintf(err, errlen,
		    "more than %d messages and statuses in one body",
		    TICK_MAX_WEBHOOK_ITEMS);
		return TICK_ETOOBIG;
	}
	/* A history chunk may describe thousands of messages: what does not
	 * fit the limit is skipped (kept in the raw event), never fatal. */
	if (history > TICK_MAX_WEBHOOK_ITEMS - total)
		history = TICK_MAX_WEBHOOK_ITEMS - total;
	total += history;
	if (total > 0 &&
	    ((out->msgs = calloc(total, sizeof(*out->msgs))) == NULL ||
	        (out->statuses = calloc(total, sizeof(*out->statuses))) ==
	            NULL)) {
		snprintf(err, errlen, "out of memory");
		return TICK_ENOMEM;
	}
	if (ntpl > TICK_MAX_WEBHOOK_ITEMS) {
		snprintf(err, errlen,
		    "more than %d template changes in one body",
		    TICK_MAX_WEBHOOK_ITEMS);
		return TICK_ETOOBIG;
	}
	if (ntpl > 0 &&
	    (out->tpl_events = calloc(ntpl, sizeof(*out->tpl_events))) ==
	        NULL) {
		snprintf(err, errlen, "out of memory");
		return TICK_ENOMEM;
	}
	if (nchan > TICK_MAX_WEBHOOK_ITEMS) {
		snprintf(err, errlen,
		    "more than %d preference and channel updates in one body",
		    TICK_MAX_WEBHOOK_ITEMS);
		return TICK_ETOOBIG;
	}
	if (nchan > 0 &&
	    (out->chan_events = calloc(nchan, sizeof(*out->chan_events))) ==
	        NULL) {
		snprintf(err, errlen, "out of memory");
		return TICK_ENOMEM;
	}

	json_array_foreach (entries, i, entry) {
		changes = tick_json_arr(entry, "changes");
		if (changes == NULL) {
			out->skipped++;
			continue;
		}
		json_array_foreach (changes, j, change) {
			const char *field = tick_json_str(change, "field");
			const char *pnid;

			value = tick_json_obj(change, "value");
			if (value != NULL && field != NULL &&
			    strcmp(field, "user_id_update") == 0) {
				read_user_id_updates(out, value);
				continue;
			}
			if (tick_wa_chan_field(field)) {
				size_t got = 0;

				/* No array when nothing was counted. */
				tick_wa_chan_read(field, value,
				    out->chan_events != NULL ?
				        out->chan_events + out->nchan_events :
				        NULL,
				    nchan - out->nchan_events, &got,
				    &out->skipped);
				out->nchan_events += got;
				continue;
			}
			if (tick_wa_tpl_field(field)) {
				if (tick_wa_tpl_read_event(field, value,
				        &out->tpl_events[out->ntpl_events]) ==
				    TICK_OK)
					out->ntpl_events++;
				else
					out->skipped++;
				continue;
			}
			if (value != NULL && field != NULL &&
			    strcmp(field, "history") == 0) {
				read_history(out, value, &history);
				continue;
			}
			if (value != NULL && field != NULL &&
			    strcmp(field, "smb_message_echoes") == 0) {
				read_messages(out, value,
				    tick_json_arr(value, "message_echoes"), 1);
				continue;
			}
			if (value == NULL ||
			    (field != NULL && strcmp(field, "messages") != 0)) {
				out->skipped++;
				continue;
			}
			pnid = tick_json_str(tick_json_obj(value, "metadata"),
			    "phone_number_id");
			/* An id that cannot be a phone number id is not ours. */
			if (pnid != NULL &&
			    !tick_valid_digits(pnid, strlen(pnid),
			        TICK_MAX_PHONE_NUMBER_ID)) {
				out->skipped++;
				continue;
			}
			read_messages(out, value,
			    tick_json_arr(value, "messages"), 0);
			arr = tick_json_arr(value, "statuses");
			json_array_foreach (arr, k, item) {
				struct tick_wa_status *s =
				    &out->statuses[out->nstatuses];

				s->phone_number_id = pnid;
				if (read_status(s, item) == 0)
					out->nstatuses++;
				else {
					free(s->error_title);
					memset(s, 0, sizeof(*s));
					out->skipped++;
				}
			}
		}
	}
	return TICK_OK;
}

enum tick_err
tick_wa_check_signature(const char *secret, const char *header,
    const char *body, size_t len)
{
	unsigned char want[TICK_SHA256_LEN], got[TICK_SHA256_LEN];

	if (secret == NULL || header == NULL ||
	    strncmp(header, "sha256=", 7) != 0)
		return TICK_EUNAUTH;
	if (tick_crypto_unhex(header + 7, strlen(header + 7), got,
	        sizeof(got)) != 0)
		return TICK_EUNAUTH;
	if (tick_crypto_hmac_sha256(secret, strlen(secret), body, len, want) !=
	    0)
		return TICK_EUNAUTH;
	return tick_crypto_equal(want, sizeof(want), got, sizeof(got)) ?
	    TICK_OK :
	    TICK_EUNAUTH;
}

int
tick_wa_status_rank(const char *status)
{
	static const struct {
		const char *name;
		int rank;
	} ranks[] = {
		{ "pending", 1 },
		{ "accepted", 2 },
		{ "sent", 3 },
		{ "failed", 4 },
		{ "delivered", 5 },
		{ "read", 6 },
		{ "played", 6 },
	};

	if (status != NULL)
		for (size_t i = 0; i < sizeof(ranks) / sizeof(ranks[0]); i++)
			if (strcmp(status, ranks[i].name) == 0)
				return ranks[i].rank;
	return 0;
}

long long
tick_wa_backoff(long long attempts)
{
	long long s = 60;

	for (long long i = 1; i < attempts && s < 6 * 3600; i++)
		s *= 2;
	return s > 6 * 3600 ? 6 * 3600 : s;
}

/* Meta's 2026 sends name a phone number as "to" and a business-scoped
 * user id (US.13491208655302741918: a country code, a dot, letters and
 * digits; never digits alone) as "recipient"; a body with both is sent
 * by phone, so tick never writes both. */
const char *
tick_wa_address_field(const char *to)
{
	size_t i;

	if (to == NULL || *to == '\0')
		return "to";
	for (i = 0; to[i] != '\0'; i++)
		if (to[i] < '0' || to[i] > '9')
			return "recipient";
	return "to";
}

char *
tick_wa_text_payload(const char *to, const char *text)
{
	json_t *root;
	char *s;

	root = json_pack("{s:s, s:s, s:s, s:s, s:{s:b, s:s}}",
	    "messaging_product", "whatsapp", "recipient_type", "individual",
	    tick_wa_address_field(to), to, "type", "text", "text",
	    "preview_url", 0, "body", text);
	if (root == NULL)
		return NULL;
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return s;
}

char *
tick_wa_media_payload(const char *to, const char *type, const char *link,
    const char *caption, const char *filename)
{
	json_t *root, *media;
	char *s;

	media = json_pack("{s:s}", "link", link);
	if (media == NULL)
		return NULL;
	/* Audio and stickers carry no caption; only documents a name. */
	if (caption != NULL && *caption != '\0' && strcmp(type, "audio") != 0 &&
	    strcmp(type, "sticker") != 0)
		json_object_set_new(media, "caption", json_string(caption));
	if (filename != NULL && strcmp(type, "document") == 0)
		json_object_set_new(media, "filename", json_string(filename));
	root = json_pack("{s:s, s:s, s:s, s:s, s:o}", "messaging_product",
	    "whatsapp", "recipient_type", "individual",
	    tick_wa_address_field(to), to, "type", type, type, media);
	if (root == NULL)
		return NULL;
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return s;
}

/* A new copy of s cut to maxchars characters; "" for NULL. */
static char *
fit(const char *s, size_t maxchars)
{
	return clip(s != NULL ? s : "", maxchars);
}

/* The "interactive" object's body, as a new reference, or NULL. */
static json_t *
interactive_body(const char *text)
{
	char *b = fit(text, TICK_INTAKE_BODY_MAX);
	json_t *o = NULL;

	if (b != NULL && b[0] != '\0')
		o = json_pack("{s:s}", "text", b);
	free(b);
	return o;
}

/* Wraps interactive (taken) into a message to `to`: a new string. */
static char *
interactive_payload(const char *to, json_t *interactive)
{
	json_t *root;
	char *s;

	if (interactive == NULL || to == NULL) {
		json_decref(interactive);
		return NULL;
	}
	root = json_pack("{s:s, s:s, s:s, s:s, s:o}", "messaging_product",
	    "whatsapp", "recipient_type", "individual",
	    tick_wa_address_field(to), to, "type", "interactive", "interactive",
	    interactive);
	if (root == NULL)
		return NULL;
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return s;
}

char *
tick_wa_list_payload(const char *to, const char *body, const char *button,
    const struct tick_wa_choice *rows, size_t n)
{
	json_t *arr = NULL, *text = NULL, *o = NULL;
	char *btn = NULL, *s = NULL;

	if (n == 0 || n > TICK_INTAKE_ROWS_MAX || (arr = json_array()) == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		char *title = fit(rows[i].title, TICK_INTAKE_ROW_TITLE_MAX);
		char *desc = rows[i].description != NULL &&
		        rows[i].description[0] != '\0' ?
		    fit(rows[i].description, TICK_INTAKE_ROW_DESC_MAX) :
		    NULL;
		json_t *r = NULL;

		if (title != NULL && title[0] != '\0' && rows[i].id != NULL &&
		    rows[i].id[0] != '\0' &&
		    strlen(rows[i].id) <= TICK_WA_MAX_REPLY_ID)
			r = json_pack("{s:s, s:s}", "id", rows[i].id, "title",
			    title);
		if (r != NULL && desc != NULL)
			json_object_set_new(r, "description",
			    json_string(desc));
		free(title);
		free(desc);
		if (r == NULL || json_array_append_new(arr, r) != 0)
			goto out;
	}
	if ((btn = fit(button, TICK_INTAKE_LIST_BUTTON_MAX)) == NULL ||
	    btn[0] == '\0' || (text = interactive_body(body)) == NULL)
		goto out;
	o = json_pack("{s:s, s:O, s:{s:s, s:[{s:O}]}}", "type", "list", "body",
	    text, "action", "button", btn, "sections", "rows", arr);
	s = interactive_payload(to, o);
	o = NULL;
out:
	json_decref(arr);
	json_decref(text);
	json_decref(o);
	free(btn);
	return s;
}

char *
tick_wa_buttons_payload(const char *to, const char *body,
    const struct tick_wa_choice *buttons, size_t n)
{
	json_t *arr = NULL, *text = NULL, *o = NULL;
	char *s = NULL;

	if (n == 0 || n > TICK_INTAKE_BUTTONS_MAX ||
	    (arr = json_array()) == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		char *title = fit(buttons[i].title,
		    TICK_INTAKE_REPLY_TITLE_MAX);
		json_t *b = NULL;

		if (title != NULL && title[0] != '\0' &&
		    buttons[i].id != NULL && buttons[i].id[0] != '\0' &&
		    strlen(buttons[i].id) <= TICK_WA_MAX_REPLY_ID)
			b = json_pack("{s:s, s:{s:s, s:s}}", "type", "reply",
			    "reply", "id", buttons[i].id, "title", title);
		free(title);
		if (b == NULL || json_array_append_new(arr, b) != 0)
			goto out;
	}
	if ((text = interactive_body(body)) == NULL)
		goto out;
	o = json_pack("{s:s, s:O, s:{s:O}}", "type", "button", "body", text,
	    "action", "buttons", arr);
	s = interactive_payload(to, o);
	o = NULL;
out:
	json_decref(arr);
	json_decref(text);
	json_decref(o);
	return s;
}

char *
tick_wa_interactive_payload(const char *to, const char *body,
    const struct tick_ia *ia)
{
	json_t *o = NULL, *action = NULL, *arr = NULL;
	const struct tick_ia_choice *c;

	if (to == NULL || body == NULL || ia == NULL ||
	    (ia->kind != TICK_IA_BUTTONS && ia->kind != TICK_IA_LIST))
		return NULL;
	if ((o = json_pack("{s:s, s:{s:s}}", "type",
	         ia->kind == TICK_IA_BUTTONS ? "button" : "list", "body",
	         "text", body)) == NULL)
		return NULL;
	if (ia->header != NULL)
		json_object_set_new(o, "header",
		    json_pack("{s:s, s:s}", "type", "text", "text",
		        ia->header));
	if (ia->footer != NULL)
		json_object_set_new(o, "footer",
		    json_pack("{s:s}", "text", ia->footer));
	if ((arr = json_array()) == NULL)
		goto fail;
	if (ia->kind == TICK_IA_BUTTONS) {
		for (size_t i = 0; i < ia->nchoices; i++) {
			c = &ia->choices[i];
			if (json_array_append_new(arr,
			        json_pack("{s:s, s:{s:s, s:s}}", "type",
			            "reply", "reply", "id", c->id, "title",
			            c->title)) != 0)
				goto fail;
		}
		action = json_pack("{s:O}", "buttons", arr);
	} else {
		for (size_t s = 0; s < ia->nsections; s++) {
			const struct tick_ia_section *sec = &ia->sections[s];
			json_t *rows = json_array(), *so;

			for (size_t i = 0; rows != NULL && i < sec->n; i++) {
				json_t *r;

				c = &ia->choices[sec->first + i];
				r = json_pack("{s:s, s:s}", "id", c->id,
				    "title", c->title);
				if (r != NULL && c->description != NULL)
					json_object_set_new(r, "description",
					    json_string(c->description));
				if (json_array_append_new(rows, r) != 0) {
					json_decref(rows);
					rows = NULL;
				}
			}
			so = rows == NULL ? NULL :
			                    json_pack("{s:o}", "rows", rows);
			if (so != NULL && sec->title != NULL)
				json_object_set_new(so, "title",
				    json_string(sec->title));
			if (json_array_append_new(arr, so) != 0)
				goto fail;
		}
		action = json_pack("{s:s, s:O}", "button", ia->button,
		    "sections", arr);
	}
	if (action == NULL || json_object_set_new(o, "action", action) != 0)
		goto fail;
	json_decref(arr);
	return interactive_payload(to, o);
fail:
	json_decref(arr);
	json_decref(o);
	return NULL;
}

char *
tick_wa_template_payload(const char *to, const char *name, const char *lang)
{
	json_t *root;
	char *s;

	root = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:{s:s}}}",
	    "messaging_product", "whatsapp", "recipient_type", "individual",
	    tick_wa_address_field(to), to, "type", "template", "template",
	    "name", name, "language", "code", lang);
	if (root == NULL)
		return NULL;
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return s;
}

char *
tick_wa_template_quick_payload(const char *to, const char *name,
    const char *lang, const char *const *payloads, size_t n)
{
	json_t *root = NULL, *comps = json_array(), *b;
	char idx[8], *s = NULL;

	if (comps == NULL || to == NULL || name == NULL || lang == NULL ||
	    n == 0 || n > 3)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (payloads[i] == NULL || payloads[i][0] == '\0' ||
		    strlen(payloads[i]) > TICK_WA_MAX_REPLY_ID)
			goto out;
		snprintf(idx, sizeof(idx), "%zu", i);
		b = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}]}", "type",
		    "button", "sub_type", "quick_reply", "index", idx,
		    "parameters", "type", "payload", "payload", payloads[i]);
		if (b == NULL || json_array_append_new(comps, b) != 0)
			goto out;
	}
	root = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:{s:s}, s:O}}",
	    "messaging_product", "whatsapp", "recipient_type", "individual",
	    "to", to, "type", "template", "template", "name", name, "language",
	    "code", lang, "components", comps);
	if (root != NULL)
		s = json_dumps(root, JSON_COMPACT);
out:
	json_decref(comps);
	json_decref(root);
	return s;
}

enum tick_err
tick_wa_parse_send_response(int http_status, const char *body, size_t len,
    struct tick_wa_result *res)
{
	json_t *root, *e, *msgs;
	const char *id, *msg;
	json_error_t je;

	res->http_status = http_status;
	res->error_code = 0;
	res->wamid[0] = '\0';
	res->error_title[0] = '\0';
	root = body ? json_loadb(body, len, 0, &je) : NULL;
	if (http_status >= 200 && http_status < 300) {
		msgs = tick_json_arr(root, "messages");
		id = tick_json_str(json_array_get(msgs, 0), "id");
		if (id != NULL && *id != '\0' &&
		    strlen(id) < sizeof(res->wamid)) {
			snprintf(res->wamid, sizeof(res->wamid), "%s", id);
			json_decref(root);
			res->retryable = 0;
			return TICK_OK;
		}
		/* A read mark's answer: {"success": true}, no message. */
		if (msgs == NULL &&
		    json_is_true(json_object_get(root, "success"))) {
			json_decref(root);
			res->retryable = 0;
			return TICK_OK;
		}
		snprintf(res->error_title, sizeof(res->error_title),
		    "Graph API answered %d without a message id", http_status);
	} else if ((e = tick_json_obj(root, "error")) != NULL) {
		res->error_code = code_of(e);
		msg = tick_json_str(e, "message");
		snprintf(res->error_title, sizeof(res->error_title), "%s",
		    msg ? msg : "Graph API error");
	} else
		snprintf(res->error_title, sizeof(res->error_title),
		    "Graph API answered HTTP %d", http_status);
	json_decref(root);
	res->retryable = tick_wa_error_retryable(res->error_code, http_status);
	return TICK_EUPSTREAM;
}

char *
tick_wa_read_payload(const char *wamid, int typing)
{
	json_t *root;
	char *s;

	if (wamid == NULL || *wamid == '\0' || strlen(wamid) > TICK_MAX_WAMID)
		return NULL;
	root = json_pack("{s:s, s:s, s:s}", "messaging_product", "whatsapp",
	    "status", "read", "message_id", wamid);
	if (root != NULL && typing)
		json_object_set_new(root, "typing_indicator",
		    json_pack("{s:s}", "type", "text"));
	if (root == NULL)
		return NULL;
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return s;
}

char *
tick_wa_reaction_payload(const char *to, const char *wamid, const char *emoji)
{
	json_t *root;
	char *s;

	if (to == NULL || *to == '\0' || wamid == NULL || *wamid == '\0' ||
	    strlen(wamid) > TICK_MAX_WAMID || !tick_wa_emoji_ok(emoji))
		return NULL;
	root = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}}",
	    "messaging_product", "whatsapp", "recipient_type", "individual",
	    tick_wa_address_field(to), to, "type", "reaction", "reaction",
	    "message_id", wamid, "emoji", emoji);
	if (root == NULL)
		return NULL;
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return s;
}

char *
tick_wa_with_context(const char *payload, const char *wamid)
{
	json_t *root;
	json_error_t je;
	char *s = NULL;

	if (payload == NULL || wamid == NULL || *wamid == '\0' ||
	    strlen(wamid) > TICK_MAX_WAMID)
		return NULL;
	if ((root = json_loads(payload, 0, &je)) == NULL)
		return NULL;
	if (json_is_object(root) &&
	    json_object_set_new(root, "context",
	        json_pack("{s:s}", "message_id", wamid)) == 0)
		s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return s;
}
