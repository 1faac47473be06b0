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
	[TICK_TEXT_ACTION_ASSIGNED] = TICK_CFG_TEXT_ACTION_ASSIGNED,
	[TICK_TEXT_INTAKE_SITE] = TICK_CFG_TEXT_INTAKE_SITE,
	[TICK_TEXT_INTAKE_CATEGORY] = TICK_CFG_TEXT_INTAKE_CATEGORY,
	[TICK_TEXT_INTAKE_OBSERVATION] = TICK_CFG_TEXT_INTAKE_OBSERVATION,
	[TICK_TEXT_INTAKE_SEVERITY] = TICK_CFG_TEXT_INTAKE_SEVERITY,
	[TICK_TEXT_INTAKE_ANONYMOUS] = TICK_CFG_TEXT_INTAKE_ANONYMOUS,
	[TICK_TEXT_INTAKE_LOCATION] = TICK_CFG_TEXT_INTAKE_LOCATION,
	[TICK_TEXT_INTAKE_DONE] = TICK_CFG_TEXT_INTAKE_DONE,
	[TICK_TEXT_INTAKE_CRITICAL] = TICK_CFG_TEXT_INTAKE_CRITICAL,
	[TICK_TEXT_SITE_QR] = TICK_CFG_TEXT_SITE_QR_PREFILL,
	[TICK_TEXT_OUT_OF_HOURS] = TICK_CFG_TEXT_OUT_OF_HOURS,
	[TICK_TEXT_WELCOME] = TICK_CFG_TEXT_WELCOME,
	[TICK_TEXT_SLA_WARNING] = TICK_CFG_TEXT_SLA_WARNING,
	[TICK_TEXT_SLA_BREACH] = TICK_CFG_TEXT_SLA_BREACH,
	[TICK_TEXT_CSAT_QUESTION] = TICK_CFG_TEXT_CSAT_QUESTION,
	[TICK_TEXT_CSAT_THANKS] = TICK_CFG_TEXT_CSAT_THANKS,
	[TICK_TEXT_INTAKE_CONFIRM] = TICK_CFG_TEXT_INTAKE_CONFIRM,
	[TICK_TEXT_MODERATION_NOTICE] = TICK_CFG_TEXT_MODERATION_NOTICE,
};

/* Copies the value of the placeholder at p (one of the vars' or of
 * extra) to out + *o: its length in *adv, 0 when p starts none. */
static enum tick_err
put_placeholder(const char *p, const struct tick_text_vars *v,
    const struct tick_text_extra *extra, size_t n, char *out, size_t outsz,
    size_t *o, size_t *adv)
{
	static const char *const names[] = { "{ref}", "{status}",
		"{resolution}", "{name}" };
	const char *vals[] = { v ? v->ref : NULL, v ? v->status : NULL,
		v ? v->resolution : NULL, v ? v->name : NULL };
	const char *name = NULL, *val = NULL;
	size_t i, len;

	*adv = 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && name == NULL; i++)
		if (strncmp(p, names[i], strlen(names[i])) == 0)
			name = names[i], val = vals[i];
	for (i = 0; i < n && name == NULL; i++)
		if (extra[i].name != NULL &&
		    strncmp(p, extra[i].name, strlen(extra[i].name)) == 0)
			name = extra[i].name, val = extra[i].value;
	if (name == NULL)
		return TICK_OK;
	val = val ? val : "";
	len = strlen(val);
	if (*o + len >= outsz)
		return TICK_ETOOBIG;
	memcpy(out + *o, val, len);
	*o += len;
	*adv = strlen(name);
	return TICK_OK;
}

enum tick_err
tick_text_render_tmpl_with(const char *tmpl, const struct tick_text_vars *v,
    const struct tick_text_extra *extra, size_t n, char *out, size_t outsz)
{
	size_t o = 0, adv;

	if (outsz == 0)
		return TICK_ETOOBIG;
	for (const char *p = tmpl; *p != '\0';) {
		if (*p == '{') {
			if (put_placeholder(p, v, extra, n, out, outsz, &o,
			        &adv) != TICK_OK)
				return TICK_ETOOBIG;
			if (adv > 0) {
				p += adv;
				continue;
			}
		}
		if (o + 1 >= outsz)
			return TICK_ETOOBIG;
		out[o++] = *p++;
	}
	out[o] = '\0';
	return TICK_OK;
}

enum tick_err
tick_text_render_tmpl(const char *tmpl, const struct tick_text_vars *v,
    char *out, size_t outsz)
{
	return tick_text_render_tmpl_with(tmpl, v, NULL, 0, out, outsz);
}

enum tick_err
tick_text_render_with(const struct tick_config *cfg, enum tick_text t,
    const struct tick_text_vars *v, const struct tick_text_extra *extra,
    size_t n, char *out, size_t outsz)
{
	if ((unsigned)t >= TICK_TEXT__MAX)
		return TICK_EINVAL;
	return tick_text_render_tmpl_with(tick_config_get(cfg, keys[t]), v,
	    extra, n, out, outsz);
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

enum tick_err
tick_text_render_code(const struct tick_config *cfg, enum tick_text t,
    const char *code, char *out, size_t outsz)
{
	const char *p;
	size_t o = 0, n = code ? strlen(code) : 0;

	if ((unsigned)t >= TICK_TEXT__MAX || outsz == 0)
		return TICK_EINVAL;
	for (p = tick_config_get(cfg, keys[t]); *p != '\0';) {
		if (strncmp(p, "{code}", 6) == 0) {
			if (o + n >= outsz)
				return TICK_ETOOBIG;
			memcpy(out + o, code, n);
			o += n;
			p += 6;
			continue;
		}
		if (o + 1 >= outsz)
			return TICK_ETOOBIG;
		out[o++] = *p++;
	}
	out[o] = '\0';
	return TICK_OK;
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
		{ "pending", "waiting for your reply" },
		{ "closed", "closed" },
	};

	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (status != NULL && strcmp(status, labels[i].status) == 0)
			return labels[i].label;
	return status ? status : "";
}
