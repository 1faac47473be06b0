#include <string.h>

#include "assign_rules.h"
#include "valid.h"

const char *const tick_assign_mode_names[TICK_ASSIGN__MAX + 1] = {
	"manual",
	"round_robin",
	"balanced",
	NULL,
};

const char *const tick_availability_names[TICK_AVAIL__MAX + 1] = {
	"available",
	"away",
	"offline",
	NULL,
};

enum tick_err
tick_assign_mode_parse(const char *s, enum tick_assign_mode *m)
{
	for (int i = 0; s != NULL && i < TICK_ASSIGN__MAX; i++)
		if (strcmp(s, tick_assign_mode_names[i]) == 0) {
			*m = (enum tick_assign_mode)i;
			return TICK_OK;
		}
	return TICK_EINVAL;
}

static int
can_take(const struct tick_assign_agent *a, long long capacity)
{
	return a->available && (capacity <= 0 || a->open < capacity);
}

/* The rank of agent i in the turn that starts after last_user_id: 0 for
 * the first agent after it, n-1 for last_user_id itself. */
static size_t
turn(const struct tick_assign_agent *a, size_t n, size_t i,
    long long last_user_id)
{
	size_t start = 0;

	while (start < n && a[start].user_id <= last_user_id)
		start++;
	return (i + n - start) % n;
}

int
tick_assign_round_robin(const struct tick_assign_agent *a, size_t n,
    long long last_user_id, long long capacity)
{
	int best = -1;

	for (size_t i = 0; i < n; i++)
		if (can_take(&a[i], capacity) &&
		    (best < 0 ||
		        turn(a, n, i, last_user_id) <
		            turn(a, n, (size_t)best, last_user_id)))
			best = (int)i;
	return best;
}

int
tick_assign_balanced(const struct tick_assign_agent *a, size_t n,
    long long last_user_id, long long capacity)
{
	int best = -1;

	for (size_t i = 0; i < n; i++) {
		if (!can_take(&a[i], capacity))
			continue;
		if (best < 0 || a[i].open < a[best].open ||
		    (a[i].open == a[best].open &&
		        turn(a, n, i, last_user_id) <
		            turn(a, n, (size_t)best, last_user_id)))
			best = (int)i;
	}
	return best;
}

int
tick_assign_choose(enum tick_assign_mode mode,
    const struct tick_assign_agent *a, size_t n, long long last_user_id,
    long long capacity)
{
	switch (mode) {
	case TICK_ASSIGN_ROUND_ROBIN:
		return tick_assign_round_robin(a, n, last_user_id, capacity);
	case TICK_ASSIGN_BALANCED:
		return tick_assign_balanced(a, n, last_user_id, capacity);
	default: return -1;
	}
}

enum tick_err
tick_tag_normalize(const char *s, size_t len, char *out, size_t outsz,
    const char **why)
{
	size_t chars;

	*why = NULL;
	if (outsz > 0)
		out[0] = '\0';
	if (s == NULL || memchr(s, '\0', len) != NULL) {
		*why = "must be text without NUL characters";
		return TICK_EINVAL;
	}
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0) {
		*why = "must not be empty";
		return TICK_EINVAL;
	}
	if (!tick_valid_utf8(s, len)) {
		*why = "must be valid UTF-8";
		return TICK_EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == ',') {
			*why = "must hold no commas or control characters";
			return TICK_EINVAL;
		}
	}
	if (len + 1 > outsz) {
		*why = "must be at most " TICK_TAG_CHARS_TEXT " characters";
		return TICK_EINVAL;
	}
	for (size_t i = 0; i < len; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
	out[len] = '\0';
	chars = tick_valid_utf8_chars(out);
	if (chars > TICK_TAG_MAX_CHARS) {
		out[0] = '\0';
		*why = "must be at most " TICK_TAG_CHARS_TEXT " characters";
		return TICK_EINVAL;
	}
	return TICK_OK;
}
