#include <string.h>

#include "texts.h"

static const enum tick_cfg keys[TICK_TEXT__MAX] = {
	[TICK_TEXT_TICKET_CREATED] = TICK_CFG_TEXT_TICKET_CREATED,
	[TICK_TEXT_STATUS_CHANGED] = TICK_CFG_TEXT_STATUS_CHANGED,
	[TICK_TEXT_TICKET_CLOSED] = TICK_CFG_TEXT_TICKET_CLOSED,
	[TICK_TEXT_STATUS_REPLY] = TICK_CFG_TEXT_STATUS_REPLY,
	[TICK_TEXT_STATUS_UNKNOWN] = TICK_CFG_TEXT_STATUS_UNKNOWN,
	[TICK_TEXT_OUTSIDE_WINDOW] = TICK_CFG_TEXT_OUTSIDE_WINDOW,
	[TICK_TEXT_MEDIA_FAILED] = TICK_CFG_TEXT_MEDIA_FAILED,
};

enum tick_err
tick_text_render_tmpl(const char *tmpl, const struct tick_text_vars *v,
    char *out, size_t outsz)
{
	static const char *const names[] = { "{ref}", "{status}",
		"{resolution}", "{name}" };
	size_t o = 0;

	if (outsz == 0)
		return TICK_ETOOBIG;
	for (const char *p = tmpl; *p != '\0';) {
		const char *vals[] = { v ? v->ref : NULL, v ? v->status : NULL,
			v ? v->resolution : NULL, v ? v->name : NULL };
		size_t i, n = 0;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strncmp(p, names[i], strlen(names[i])) == 0)
				break;
		if (i < sizeof(names) / sizeof(names[0])) {
			const char *val = vals[i] ? vals[i] : "";

			n = strlen(val);
			if (o + n >= outsz)
				return TICK_ETOOBIG;
			memcpy(out + o, val, n);
			o += n;
			p += strlen(names[i]);
			continue;
		}
		if (o + 1 >= outsz)
			return TICK_ETOOBIG;
		out[o++] = *p++;
	}
	out[o] = '\0';
	return TICK_OK;
}

enum tick_err
tick_text_render(const struct tick_config *cfg, enum tick_text t,
    const struct tick_text_vars *v, char *out, size_t outsz)
{
	if ((unsigned)t >= TICK_TEXT__MAX)
		return TICK_EINVAL;
	return tick_text_render_tmpl(tick_config_get(cfg, keys[t]), v, out,
	    outsz);
}

const char *
tick_text_status_label(const char *status)
{
	static const struct {
		const char *status, *label;
	} labels[] = {
		{ "new", "received" },
		{ "assigned", "assigned to an agent" },
		{ "in_progress", "in progress" },
		{ "closed", "closed" },
	};

	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (status != NULL && strcmp(status, labels[i].status) == 0)
			return labels[i].label;
	return status ? status : "";
}
