#include <string.h>

#include "bounds.h"
#include "chan_events.h"
#include "json.h"
#include "valid.h"

/* A token of Meta's (A-Z, a-z, 0-9, _, at most max), else NULL. */
static const char *
token(const char *s, size_t max)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > max)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		        (s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return NULL;
	return s;
}

int
tick_wa_chan_field(const char *field)
{
	return field != NULL &&
	    (strcmp(field, "user_preferences") == 0 ||
	        strcmp(field, "phone_number_quality_update") == 0 ||
	        strcmp(field, "account_update") == 0);
}

size_t
tick_wa_chan_count(const char *field, const json_t *value)
{
	if (!tick_wa_chan_field(field) || !json_is_object(value))
		return 0;
	if (strcmp(field, "user_preferences") == 0)
		return json_array_size(
		    tick_json_arr(value, "user_preferences"));
	return 1;
}

static void
read_preferences(const json_t *value, struct tick_wa_chan_event *ev, size_t max,
    size_t *n, size_t *skipped)
{
	json_t *arr = tick_json_arr(value, "user_preferences"), *item;
	size_t k;

	json_array_foreach (arr, k, item) {
		struct tick_wa_chan_event *e;
		const char *cat = tick_json_str(item, "category");
		const char *v = tick_json_str(item, "value");
		const char *wa = tick_json_str(item, "wa_id");
		const char *uid = tick_json_str(item, "user_id");
		const char *detail = tick_json_str(item, "detail");

		if (*n == max) {
			(*skipped)++;
			continue;
		}
		e = &ev[*n];
		memset(e, 0, sizeof(*e));
		if (wa != NULL && !tick_valid_digits(wa, strlen(wa), 20))
			wa = NULL;
		if (uid != NULL &&
		    (*uid == '\0' || strlen(uid) > TICK_MAX_USER_ID ||
		        !tick_valid_utf8(uid, strlen(uid))))
			uid = NULL;
		if (detail != NULL && !tick_valid_utf8(detail, strlen(detail)))
			detail = NULL;
		/* Only marketing is a preference Meta reports today. */
		if (cat == NULL || strcmp(cat, "marketing_messages") != 0 ||
		    v == NULL ||
		    (strcmp(v, "stop") != 0 && strcmp(v, "resume") != 0) ||
		    (wa == NULL && uid == NULL)) {
			(*skipped)++;
			continue;
		}
		e->kind = TICK_WA_CHAN_PREFERENCE;
		e->wa_id = wa;
		e->user_id = uid;
		e->detail = detail;
		e->opt_out = strcmp(v, "stop") == 0;
		e->timestamp = tick_json_meta_num(item, "timestamp");
		(*n)++;
	}
}

/* A copy of value's member key, when it is an object or an array. */
static void
keep(json_t *info, const json_t *value, const char *key)
{
	json_t *v = json_object_get(value, key);

	if (json_is_object(v) || json_is_array(v))
		json_object_set_new(info, key, json_deep_copy(v));
}

void
tick_wa_chan_read(const char *field, const json_t *value,
    struct tick_wa_chan_event *ev, size_t max, size_t *n, size_t *skipped)
{
	static const char *const infos[] = { "ban_info", "violation_info",
		"restriction_info", "lock_info", "waba_info",
		"partner_client_certification_info", NULL };
	struct tick_wa_chan_event *e;
	const char *s;

	*n = 0;
	if (!tick_wa_chan_field(field) || !json_is_object(value)) {
		(*skipped)++;
		return;
	}
	if (strcmp(field, "user_preferences") == 0) {
		read_preferences(value, ev, max, n, skipped);
		return;
	}
	if (max == 0) {
		(*skipped)++;
		return;
	}
	e = &ev[0];
	memset(e, 0, sizeof(*e));
	e->event = token(tick_json_str(value, "event"), 64);
	if (e->event == NULL) {
		(*skipped)++;
		return;
	}
	if (strcmp(field, "phone_number_quality_update") == 0) {
		e->kind = TICK_WA_CHAN_QUALITY;
		s = tick_json_str(value, "display_phone_number");
		e->phone = s != NULL && tick_valid_digits(s, strlen(s), 20) ?
		    s :
		    NULL;
		e->limit = token(tick_json_str(value, "current_limit"), 64);
		if (e->limit == NULL)
			e->limit = token(tick_json_str(value,
			                     "messaging_limit"),
			    64);
		e->rating = token(tick_json_str(value, "quality_rating"), 16);
		*n = 1;
		return;
	}
	e->kind = TICK_WA_CHAN_ACCOUNT;
	e->ban_state = token(tick_json_str(tick_json_obj(value, "ban_info"),
	                         "waba_ban_state"),
	    64);
	if ((e->info = json_object()) != NULL)
		for (size_t i = 0; infos[i] != NULL; i++)
			keep(e->info, value, infos[i]);
	s = tick_json_str(value, "phone_number");
	e->phone = s != NULL && tick_valid_digits(s, strlen(s), 20) ? s : NULL;
	*n = 1;
}
