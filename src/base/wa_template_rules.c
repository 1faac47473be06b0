#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "valid.h"
#include "wa_template_rules.h"

/* The placeholders of one text: positional ({{1}}..) or named. */
struct vars {
	size_t n;                         /* entries of name[] or pos[] */
	int max_pos;                      /* highest {{n}} */
	int named;                        /* some were {{name}} */
	int odd;                          /* some were neither */
	char name[TICK_TPL_VARS_MAX][64]; /* named, first seen first */
	unsigned char seen[TICK_TPL_VARS_MAX + 1]; /* positional seen */
};

/* The placeholder starting at p ("{{"): its inside in [*b, *e), and the
 * byte after "}}" in *end. 0 when none closes. */
static int
placeholder(const char *p, const char **b, const char **e, const char **end)
{
	const char *q = strstr(p + 2, "}}");

	if (q == NULL)
		return 0;
	*b = p + 2;
	*e = q;
	*end = q + 2;
	return 1;
}

static int
is_name(const char *b, const char *e)
{
	if (e - b < 1 || e - b > 63 || !((*b >= 'a' && *b <= 'z') || *b == '_'))
		return 0;
	for (const char *p = b; p < e; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		        *p == '_'))
			return 0;
	return 1;
}

/* The index of {{digits}} (1..TICK_TPL_VARS_MAX), or 0. */
static int
pos_of(const char *b, const char *e)
{
	int n = 0;

	if (e - b < 1 || e - b > 3)
		return 0;
	for (const char *p = b; p < e; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		n = n * 10 + (*p - '0');
	}
	return n >= 1 && n <= TICK_TPL_VARS_MAX ? n : 0;
}

static int
name_index(const struct vars *v, const char *b, const char *e)
{
	for (size_t i = 0; i < v->n; i++)
		if (strlen(v->name[i]) == (size_t)(e - b) &&
		    memcmp(v->name[i], b, (size_t)(e - b)) == 0)
			return (int)i;
	return -1;
}

/* Reads the placeholders of text (NULL: none). -1 when there are more
 * than tick allows. */
static int
scan(const char *text, struct vars *v)
{
	const char *p = text, *b, *e, *end;

	memset(v, 0, sizeof(*v));
	while (p != NULL && (p = strstr(p, "{{")) != NULL) {
		int k;

		if (!placeholder(p, &b, &e, &end))
			break;
		if ((k = pos_of(b, e)) > 0) {
			v->seen[k] = 1;
			if (k > v->max_pos)
				v->max_pos = k;
		} else if (is_name(b, e)) {
			v->named = 1;
			if (name_index(v, b, e) < 0) {
				if (v->n == TICK_TPL_VARS_MAX)
					return -1;
				memcpy(v->name[v->n], b, (size_t)(e - b));
				v->name[v->n][e - b] = '\0';
				v->n++;
			}
		} else
			v->odd = 1;
		p = end;
	}
	return 0;
}

/* How many values the text takes in format named. */
static size_t
nvars(const struct vars *v, int named)
{
	return named ? v->n : (size_t)v->max_pos;
}

/* text with each placeholder replaced by its value (vals[k-1] for {{k}},
 * vals[i] for the i-th name). A new string, or NULL. */
static char *
subst(const char *text, const struct vars *v, int named,
    const char *const *vals)
{
	size_t cap = strlen(text) + 1, len = 0;
	const char *p = text, *b, *e, *end, *q;
	char *out, *grown;

	if ((out = malloc(cap)) == NULL)
		return NULL;
	while ((q = strstr(p, "{{")) != NULL && placeholder(q, &b, &e, &end)) {
		const char *val = NULL;
		size_t lit = (size_t)(q - p), vl;
		int k;

		if (!named && (k = pos_of(b, e)) > 0)
			val = vals[k - 1];
		else if (named && is_name(b, e) &&
		    (k = name_index(v, b, e)) >= 0)
			val = vals[k];
		if (val == NULL) {
			/* Not a placeholder of this format: kept as written. */
			val = "";
			lit = (size_t)(end - p);
		}
		vl = strlen(val);
		if (len + lit + vl + 1 > cap) {
			cap = (len + lit + vl + 1) * 2;
			if ((grown = realloc(out, cap)) == NULL) {
				free(out);
				return NULL;
			}
			out = grown;
		}
		memcpy(out + len, p, lit);
		len += lit;
		memcpy(out + len, val, vl);
		len += vl;
		p = end;
	}
	if (len + strlen(p) + 1 > cap) {
		cap = len + strlen(p) + 1;
		if ((grown = realloc(out, cap)) == NULL) {
			free(out);
			return NULL;
		}
		out = grown;
	}
	memcpy(out + len, p, strlen(p) + 1);
	return out;
}

static void
set_err(char *field, size_t fieldsz, char *why, size_t whysz, const char *f,
    const char *w)
{
	snprintf(field, fieldsz, "%s", f);
	snprintf(why, whysz, "%s", w);
}

int
tick_wa_tpl_name_ok(const char *name)
{
	size_t n;

	if (name == NULL || (n = strlen(name)) == 0 || n > TICK_TPL_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		        (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return 0;
	return 1;
}

int
tick_wa_tpl_lang_ok(const char *lang)
{
	size_t n;

	if (lang == NULL || (n = strlen(lang)) < 2 || n > TICK_TPL_LANG_MAX)
		return 0;
	if (!((lang[0] >= 'a' && lang[0] <= 'z') ||
	        (lang[0] >= 'A' && lang[0] <= 'Z')))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((lang[i] >= 'a' && lang[i] <= 'z') ||
		        (lang[i] >= 'A' && lang[i] <= 'Z') || lang[i] == '_'))
			return 0;
	return 1;
}

/* An upper-case token of Meta's (A-Z, 0-9, _), 1..max bytes. */
static int
token_ok(const char *s, size_t max)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		        (s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* s upper-cased into out (outsz bytes). */
static void
upper(const char *s, char *out, size_t outsz)
{
	size_t i = 0;

	for (; s[i] != '\0' && i + 1 < outsz; i++)
		out[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) :
		                                        s[i];
	out[i] = '\0';
}

enum tick_err
tick_wa_tpl_read(const json_t *item, struct tick_wa_tpl *t)
{
	const char *name = tick_json_str(item, "name");
	const char *lang = tick_json_str(item, "language");
	const char *status = tick_json_str(item, "status");
	const char *cat = tick_json_str(item, "category");
	const char *fmt = tick_json_str(item, "parameter_format");
	const char *q = tick_json_str(tick_json_obj(item, "quality_score"),
	    "score");
	const char *why = tick_json_str(item, "rejected_reason");
	const json_t *id = json_object_get(item, "id");

	memset(t, 0, sizeof(*t));
	if (!tick_wa_tpl_name_ok(name) || !tick_wa_tpl_lang_ok(lang) ||
	    !token_ok(status, 32) ||
	    (t->components = tick_json_arr(item, "components")) == NULL)
		return TICK_EINVAL;
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->language, sizeof(t->language), "%s", lang);
	upper(status, t->status, sizeof(t->status));
	if (token_ok(cat, 32))
		upper(cat, t->category, sizeof(t->category));
	if (token_ok(q, 16))
		upper(q, t->quality, sizeof(t->quality));
	snprintf(t->parameter_format, sizeof(t->parameter_format), "%s",
	    fmt != NULL && strcasecmp(fmt, "NAMED") == 0 ? "NAMED" :
	                                                   "POSITIONAL");
	if (json_is_string(id) &&
	    tick_valid_digits(json_string_value(id),
	        strlen(json_string_value(id)), 64))
		snprintf(t->meta_id, sizeof(t->meta_id), "%s",
		    json_string_value(id));
	else if (json_is_integer(id) && json_integer_value(id) > 0)
		snprintf(t->meta_id, sizeof(t->meta_id), "%lld",
		    (long long)json_integer_value(id));
	if (why != NULL && strcmp(why, "NONE") != 0)
		(void)tick_valid_utf8_cut(why, strlen(why), 255, t->reason,
		    sizeof(t->reason));
	return TICK_OK;
}

/* The first component of type (case-insensitive), with its index. */
static const json_t *
component(const json_t *comps, const char *type, size_t *at)
{
	size_t i;
	json_t *c;

	json_array_foreach (comps, i, c) {
		const char *t = tick_json_str(c, "type");

		if (t != NULL && strcasecmp(t, type) == 0) {
			if (at != NULL)
				*at = i;
			return c;
		}
	}
	return NULL;
}

/* A text of 1..max characters of UTF-8, or not. */
static int
text_ok(const char *s, size_t max)
{
	size_t n;

	return s != NULL && (n = strlen(s)) > 0 && tick_valid_utf8(s, n) &&
	    tick_valid_utf8_chars(s) <= max;
}

/* The checks of one text component at creation (header, body, footer). */
static enum tick_err
check_text(const json_t *c, size_t at, size_t max, int most_vars, int named,
    const char *example_key, char *field, size_t fieldsz, char *why,
    size_t whysz)
{
	const char *text = tick_json_str(c, "text");
	char f[64], w[160];
	struct vars v;
	size_t n;

	snprintf(f, sizeof(f), "components[%zu].text", at);
	if (!text_ok(text, max)) {
		snprintf(w, sizeof(w), "must be 1 to %zu characters", max);
		set_err(field, fieldsz, why, whysz, f, w);
		return TICK_EINVAL;
	}
	if (scan(text, &v) != 0 || v.odd || (named && v.max_pos > 0) ||
	    (!named && v.named)) {
		set_err(field, fieldsz, why, whysz, f,
		    named ? "placeholders must be {{name}}: a-z, 0-9 and _" :
		            "placeholders must be {{1}}, {{2}}, ... in order");
		return TICK_EINVAL;
	}
	for (int k = 1; !named && k <= v.max_pos; k++)
		if (!v.seen[k]) {
			set_err(field, fieldsz, why, whysz, f,
			    "placeholders must be {{1}}, {{2}}, ... with none "
			    "missed");
			return TICK_EINVAL;
		}
	n = nvars(&v, named);
	if ((int)n > most_vars) {
		snprintf(w, sizeof(w), "at most %d placeholder%s", most_vars,
		    most_vars == 1 ? "" : "s");
		set_err(field, fieldsz, why, whysz, f, w);
		return TICK_EINVAL;
	}
	if (n > 0 && example_key != NULL) {
		const json_t *ex = json_object_get(json_object_get(c,
		                                       "example"),
		    example_key);
		size_t have = 0;

		if (!named && json_is_array(ex) &&
		    json_is_array(json_array_get(ex, 0)))
			have = json_array_size(json_array_get(ex, 0));
		else if (json_is_array(ex))
			have = json_array_size(ex);
		if (have != n) {
			snprintf(f, sizeof(f), "components[%zu].example", at);
			snprintf(w, sizeof(w),
			    "%s must give an example for each of the %zu "
			    "placeholders",
			    example_key, n);
			set_err(field, fieldsz, why, whysz, f, w);
			return TICK_EINVAL;
		}
	}
	return TICK_OK;
}

static enum tick_err
check_buttons(const json_t *c, size_t at, char *field, size_t fieldsz,
    char *why, size_t whysz)
{
	const json_t *bs = tick_json_arr(c, "buttons"), *b;
	int urls = 0, phones = 0, codes = 0;
	char f[64];
	size_t i;

	snprintf(f, sizeof(f), "components[%zu].buttons", at);
	if (bs == NULL || json_array_size(bs) == 0 ||
	    json_array_size(bs) > TICK_TPL_BUTTONS_MAX) {
		set_err(field, fieldsz, why, whysz, f, "1 to 10 buttons");
		return TICK_EINVAL;
	}
	json_array_foreach (bs, i, b) {
		const char *t = tick_json_str(b, "type");

		snprintf(f, sizeof(f), "components[%zu].buttons[%zu].type", at,
		    i);
		if (t == NULL) {
			set_err(field, fieldsz, why, whysz, f,
			    "QUICK_REPLY, URL, PHONE_NUMBER or COPY_CODE");
			return TICK_EINVAL;
		}
		if (strcasecmp(t, "COPY_CODE") != 0 &&
		    !text_ok(tick_json_str(b, "text"),
		        TICK_TPL_BUTTON_TEXT_MAX)) {
			snprintf(f, sizeof(f),
			    "components[%zu].buttons[%zu].text", at, i);
			set_err(field, fieldsz, why, whysz, f,
			    "must be 1 to 25 characters");
			return TICK_EINVAL;
		}
		if (strcasecmp(t, "URL") == 0) {
			const char *u = tick_json_str(b, "url");
			struct vars v;

			snprintf(f, sizeof(f),
			    "components[%zu].buttons[%zu].url", at, i);
			if (++urls > 2 || !text_ok(u, TICK_TPL_URL_MAX) ||
			    strncmp(u, "https://", 8) != 0 ||
			    scan(u, &v) != 0 || v.named || v.odd ||
			    v.max_pos > 1 ||
			    (v.max_pos == 1 &&
			        strcmp(u + strlen(u) - 5, "{{1}}") != 0)) {
				set_err(field, fieldsz, why, whysz, f,
				    urls > 2 ?
				        "at most 2 URL buttons" :
				        "an https URL, with at most {{1}} at "
				        "its end");
				return TICK_EINVAL;
			}
		} else if (strcasecmp(t, "PHONE_NUMBER") == 0) {
			const char *p = tick_json_str(b, "phone_number");

			snprintf(f, sizeof(f),
			    "components[%zu].buttons[%zu].phone_number", at, i);
			if (++phones > 1 || !text_ok(p, 20)) {
				set_err(field, fieldsz, why, whysz, f,
				    phones > 1 ? "at most 1 phone number "
				                 "button" :
				                 "1 to 20 characters");
				return TICK_EINVAL;
			}
		} else if (strcasecmp(t, "COPY_CODE") == 0) {
			snprintf(f, sizeof(f),
			    "components[%zu].buttons[%zu].example", at, i);
			if (++codes > 1 ||
			    !text_ok(tick_json_str(b, "example"),
			        TICK_TPL_COUPON_MAX)) {
				set_err(field, fieldsz, why, whysz, f,
				    codes > 1 ? "at most 1 copy code button" :
				                "an example code of 1 to 15 "
				                "characters");
				return TICK_EINVAL;
			}
		} else if (strcasecmp(t, "QUICK_REPLY") != 0) {
			set_err(field, fieldsz, why, whysz, f,
			    "QUICK_REPLY, URL, PHONE_NUMBER or COPY_CODE");
			return TICK_EINVAL;
		}
	}
	return TICK_OK;
}

enum tick_err
tick_wa_tpl_check_create(const json_t *req, char *field, size_t fieldsz,
    char *why, size_t whysz)
{
	static const char *const kinds[] = { "HEADER", "BODY", "FOOTER",
		"BUTTONS" };
	const char *cat = tick_json_str(req, "category");
	const char *fmt = tick_json_str(req, "parameter_format");
	const json_t *comps = tick_json_arr(req, "components"), *c;
	int named = 0, count[4] = { 0, 0, 0, 0 };
	enum tick_err rc;
	char f[64];
	size_t i;

	if (!tick_wa_tpl_name_ok(tick_json_str(req, "name"))) {
		set_err(field, fieldsz, why, whysz, "name",
		    "1 to 512 characters of a-z, 0-9 and _ (Meta's rule)");
		return TICK_EINVAL;
	}
	if (!tick_wa_tpl_lang_ok(tick_json_str(req, "language"))) {
		set_err(field, fieldsz, why, whysz, "language",
		    "a language code such as en_US");
		return TICK_EINVAL;
	}
	if (cat == NULL ||
	    (strcmp(cat, "MARKETING") != 0 && strcmp(cat, "UTILITY") != 0 &&
	        strcmp(cat, "AUTHENTICATION") != 0)) {
		set_err(field, fieldsz, why, whysz, "category",
		    "MARKETING, UTILITY or AUTHENTICATION");
		return TICK_EINVAL;
	}
	if (json_object_get(req, "parameter_format") != NULL) {
		if (fmt == NULL ||
		    (strcmp(fmt, "POSITIONAL") != 0 &&
		        strcmp(fmt, "NAMED") != 0)) {
			set_err(field, fieldsz, why, whysz, "parameter_format",
			    "POSITIONAL or NAMED");
			return TICK_EINVAL;
		}
		named = strcmp(fmt, "NAMED") == 0;
	}
	if (comps == NULL || json_array_size(comps) == 0 ||
	    json_array_size(comps) > 4) {
		set_err(field, fieldsz, why, whysz, "components",
		    "1 to 4 components: HEADER, BODY, FOOTER, BUTTONS");
		return TICK_EINVAL;
	}
	json_array_foreach (comps, i, c) {
		const char *t = tick_json_str(c, "type");
		size_t k;

		snprintf(f, sizeof(f), "components[%zu].type", i);
		for (k = 0; k < 4; k++)
			if (t != NULL && strcmp(t, kinds[k]) == 0)
				break;
		if (k == 4 || ++count[k] > 1) {
			set_err(field, fieldsz, why, whysz, f,
			    k == 4 ? "HEADER, BODY, FOOTER or BUTTONS" :
			             "at most one of each type");
			return TICK_EINVAL;
		}
		if (k == 0) {
			const char *hf = tick_json_str(c, "format");

			snprintf(f, sizeof(f), "components[%zu].format", i);
			if (hf == NULL ||
			    (strcmp(hf, "TEXT") != 0 &&
			        strcmp(hf, "IMAGE") != 0 &&
			        strcmp(hf, "VIDEO") != 0 &&
			        strcmp(hf, "DOCUMENT") != 0 &&
			        strcmp(hf, "LOCATION") != 0)) {
				set_err(field, fieldsz, why, whysz, f,
				    "TEXT, IMAGE, VIDEO, DOCUMENT or "
				    "LOCATION");
				return TICK_EINVAL;
			}
			if (strcmp(hf, "TEXT") == 0 &&
			    (rc = check_text(c, i, TICK_TPL_HEADER_MAX, 1,
			         named,
			         named ? "header_text_named_params" :
			                 "header_text",
			         field, fieldsz, why, whysz)) != TICK_OK)
				return rc;
		} else if (k == 1) {
			if ((rc = check_text(c, i, TICK_TPL_BODY_MAX,
			         TICK_TPL_VARS_MAX, named,
			         named ? "body_text_named_params" : "body_text",
			         field, fieldsz, why, whysz)) != TICK_OK)
				return rc;
		} else if (k == 2) {
			if ((rc = check_text(c, i, TICK_TPL_FOOTER_MAX, 0,
			         named, NULL, field, fieldsz, why, whysz)) !=
			    TICK_OK)
				return rc;
		} else if ((rc = check_buttons(c, i, field, fieldsz, why,
		                whysz)) != TICK_OK)
			return rc;
	}
	if (count[1] != 1) {
		set_err(field, fieldsz, why, whysz, "components",
		    "a BODY component is required");
		return TICK_EINVAL;
	}
	return TICK_OK;
}

/* A parameter's value: a string of 1..max characters without newlines,
 * tabs or more than four spaces in a row (Meta refuses those). */
static const char *
value_of(const json_t *j, size_t max, char *why, size_t whysz)
{
	const char *s = json_string_value(j);
	int spaces = 0;

	if (s == NULL || !text_ok(s, max)) {
		snprintf(why, whysz, "must be text of 1 to %zu characters",
		    max);
		return NULL;
	}
	for (const char *p = s; *p; p++) {
		if (*p == '\n' || *p == '\t' || *p == '\r') {
			snprintf(why, whysz,
			    "must not hold newlines or tabs (WhatsApp's "
			    "rule)");
			return NULL;
		}
		spaces = *p == ' ' ? spaces + 1 : 0;
		if (spaces > 4) {
			snprintf(why, whysz,
			    "must not hold more than four spaces in a row "
			    "(WhatsApp's rule)");
			return NULL;
		}
	}
	return s;
}

/* A text parameter, with its name when the format is named. */
static json_t *
text_param(const char *name, const char *value)
{
	return name != NULL ?
	    json_pack("{s:s, s:s, s:s}", "type", "text", "parameter_name", name,
	        "text", value) :
	    json_pack("{s:s, s:s}", "type", "text", "text", value);
}

/* Appends s and a newline to *out (a growing string). -1 on ENOMEM. */
static int
add_line(char **out, const char *s)
{
	size_t have = *out ? strlen(*out) : 0, n = strlen(s);
	char *p = realloc(*out, have + n + 2);

	if (p == NULL)
		return -1;
	memcpy(p + have, s, n);
	p[have + n] = '\n';
	p[have + n + 1] = '\0';
	*out = p;
	return 0;
}

/* The header: its send component into comps and its line into *text. */
static enum tick_err
fill_header(const json_t *h, int named, const json_t *given, json_t *comps,
    char **text, char *field, size_t fieldsz, char *why, size_t whysz)
{
	const char *fmt = h ? tick_json_str(h, "format") : NULL;
	json_t *param = NULL, *c;
	char w[160];

	if (h == NULL || fmt == NULL || strcasecmp(fmt, "TEXT") == 0) {
		const char *ht = h ? tick_json_str(h, "text") : NULL;
		const char *val = NULL;
		struct vars v;
		char *line;

		if (scan(ht, &v) != 0)
			return TICK_EINVAL;
		if (nvars(&v, named) == 0) {
			if (given != NULL && !json_is_null(given)) {
				set_err(field, fieldsz, why, whysz,
				    "parameters.header",
				    "the template's header takes no "
				    "parameter");
				return TICK_EINVAL;
			}
			if (ht != NULL && add_line(text, ht) != 0)
				return TICK_ENOMEM;
			return TICK_OK;
		}
		/* Meta's headers hold one placeholder: one value fills it. */
		if (nvars(&v, named) > 1) {
			set_err(field, fieldsz, why, whysz, "parameters.header",
			    "the template's header has more than one "
			    "placeholder: sync the templates");
			return TICK_EINVAL;
		}
		if (given == NULL || json_is_null(given)) {
			set_err(field, fieldsz, why, whysz, "parameters.header",
			    "the template's header needs its parameter");
			return TICK_EINVAL;
		}
		if ((val = value_of(given, TICK_TPL_HEADER_MAX, w,
		         sizeof(w))) == NULL) {
			set_err(field, fieldsz, why, whysz, "parameters.header",
			    w);
			return TICK_EINVAL;
		}
		param = text_param(named ? v.name[0] : NULL, val);
		line = subst(ht, &v, named, &val);
		if (param == NULL || line == NULL ||
		    add_line(text, line) != 0) {
			free(line);
			json_decref(param);
			return TICK_ENOMEM;
		}
		free(line);
	} else if (strcasecmp(fmt, "IMAGE") == 0 ||
	    strcasecmp(fmt, "VIDEO") == 0 || strcasecmp(fmt, "DOCUMENT") == 0) {
		const char *link = json_is_string(given) ?
		    json_string_value(given) :
		    tick_json_str(given, "link");
		const char *fname = tick_json_str(given, "filename");
		char type[16], line[TICK_TPL_URL_MAX + 32];

		upper(fmt, type, sizeof(type));
		for (char *p = type; *p; p++)
			*p = (char)(*p - 'A' + 'a');
		if (given == NULL || json_is_null(given)) {
			snprintf(w, sizeof(w),
			    "the template's header needs the link of its %s",
			    type);
			set_err(field, fieldsz, why, whysz, "parameters.header",
			    w);
			return TICK_EINVAL;
		}
		if (link == NULL || strncmp(link, "https://", 8) != 0 ||
		    !text_ok(link, TICK_TPL_URL_MAX) ||
		    strpbrk(link, " \t\r\n") != NULL ||
		    (fname != NULL && !text_ok(fname, 255)) ||
		    (json_is_object(given) &&
		        json_object_size(given) != 1u + (fname != NULL))) {
			set_err(field, fieldsz, why, whysz, "parameters.header",
			    "an https link (or {link, filename})");
			return TICK_EINVAL;
		}
		param = json_pack("{s:s, s:{s:s}}", "type", type, type, "link",
		    link);
		if (param != NULL && fname != NULL &&
		    strcmp(type, "document") == 0)
			json_object_set_new(json_object_get(param, type),
			    "filename", json_string(fname));
		snprintf(line, sizeof(line), "[%s: %s]", type,
		    fname != NULL ? fname : link);
		if (param == NULL || add_line(text, line) != 0) {
			json_decref(param);
			return TICK_ENOMEM;
		}
	} else {
		set_err(field, fieldsz, why, whysz, "parameters.header",
		    "tick does not send templates with this kind of header");
		return TICK_EINVAL;
	}
	c = json_pack("{s:s, s:[o]}", "type", "header", "parameters", param);
	if (c == NULL || json_array_append_new(comps, c) != 0)
		return TICK_ENOMEM;
	return TICK_OK;
}

static enum tick_err
fill_body(const json_t *b, int named, const json_t *given, json_t *comps,
    char **text, char *field, size_t fieldsz, char *why, size_t whysz)
{
	const char *bt = b ? tick_json_str(b, "text") : NULL;
	const char *vals[TICK_TPL_VARS_MAX];
	json_t *params = NULL, *c;
	enum tick_err rc = TICK_EINVAL;
	char f[96], w[160], *line = NULL;
	struct vars v;
	size_t n;

	if (scan(bt, &v) != 0)
		return TICK_EINVAL;
	n = nvars(&v, named);
	if (given != NULL && json_is_null(given))
		given = NULL;
	if (named) {
		const char *key;
		json_t *val;

		if (given != NULL && !json_is_object(given)) {
			set_err(field, fieldsz, why, whysz, "parameters.body",
			    "an object: one value for each {{name}}");
			return TICK_EINVAL;
		}
		for (size_t i = 0; i < n; i++) {
			snprintf(f, sizeof(f), "parameters.body.%s", v.name[i]);
			val = json_object_get(given, v.name[i]);
			if (val == NULL) {
				set_err(field, fieldsz, why, whysz, f,
				    "missing: the template's body needs it");
				return TICK_EINVAL;
			}
			if ((vals[i] = value_of(val, TICK_TPL_PARAM_MAX, w,
			         sizeof(w))) == NULL) {
				set_err(field, fieldsz, why, whysz, f, w);
				return TICK_EINVAL;
			}
		}
		json_object_foreach ((json_t *)given, key, val) {
			int known = 0;

			for (size_t i = 0; i < n && !known; i++)
				known = strcmp(key, v.name[i]) == 0;
			if (!known) {
				snprintf(f, sizeof(f), "parameters.body.%.60s",
				    key);
				set_err(field, fieldsz, why, whysz, f,
				    "extra: the template's body has no such "
				    "placeholder");
				return TICK_EINVAL;
			}
		}
	} else {
		size_t have;

		if (given != NULL && !json_is_array(given)) {
			set_err(field, fieldsz, why, whysz, "parameters.body",
			    "an array: one value for each {{n}}");
			return TICK_EINVAL;
		}
		have = given ? json_array_size(given) : 0;
		for (size_t i = 0; i < n || i < have; i++) {
			snprintf(f, sizeof(f), "parameters.body[%zu]", i);
			if (i >= have) {
				snprintf(w, sizeof(w),
				    "missing: the template's body takes %zu "
				    "parameter%s",
				    n, n == 1 ? "" : "s");
				set_err(field, fieldsz, why, whysz, f, w);
				return TICK_EINVAL;
			}
			if (i >= n) {
				snprintf(w, sizeof(w),
				    "extra: the template's body takes %zu "
				    "parameter%s",
				    n, n == 1 ? "" : "s");
				set_err(field, fieldsz, why, whysz, f, w);
				return TICK_EINVAL;
			}
			if ((vals[i] = value_of(json_array_get(given, i),
			         TICK_TPL_PARAM_MAX, w, sizeof(w))) == NULL) {
				set_err(field, fieldsz, why, whysz, f, w);
				return TICK_EINVAL;
			}
		}
	}
	if (bt == NULL)
		return TICK_OK;
	if ((line = n > 0 ? subst(bt, &v, named, vals) : strdup(bt)) == NULL ||
	    add_line(text, line) != 0) {
		rc = TICK_ENOMEM;
		goto out;
	}
	if (n > 0) {
		if ((params = json_array()) == NULL)
			goto nomem;
		for (size_t i = 0; i < n; i++)
			if (json_array_append_new(params,
			        text_param(named ? v.name[i] : NULL,
			            vals[i])) != 0)
				goto nomem;
		c = json_pack("{s:s, s:O}", "type", "body", "parameters",
		    params);
		if (c == NULL || json_array_append_new(comps, c) != 0)
			goto nomem;
	}
	rc = TICK_OK;
	goto out;
nomem:
	rc = TICK_ENOMEM;
out:
	json_decref(params);
	free(line);
	return rc;
}

static enum tick_err
fill_buttons(const json_t *bc, const json_t *given, json_t *comps, char **text,
    char *field, size_t fieldsz, char *why, size_t whysz)
{
	const json_t *tb = bc ? tick_json_arr(bc, "buttons") : NULL;
	size_t nb = tb ? json_array_size(tb) : 0, have;
	char f[64], w[160], idx[24], line[64];

	if (given != NULL && json_is_null(given))
		given = NULL;
	if (given != NULL && !json_is_array(given)) {
		set_err(field, fieldsz, why, whysz, "parameters.buttons",
		    "an array by the template's button index");
		return TICK_EINVAL;
	}
	have = given ? json_array_size(given) : 0;
	if (have > nb) {
		snprintf(f, sizeof(f), "parameters.buttons[%zu]", nb);
		snprintf(w, sizeof(w), "extra: the template has %zu button%s",
		    nb, nb == 1 ? "" : "s");
		set_err(field, fieldsz, why, whysz, f, w);
		return TICK_EINVAL;
	}
	for (size_t i = 0; i < nb; i++) {
		const json_t *b = json_array_get(tb, i);
		const char *t = tick_json_str(b, "type");
		const char *label = tick_json_str(b, "text");
		const json_t *g = i < have ? json_array_get(given, i) : NULL;
		const char *url = tick_json_str(b, "url"), *val = NULL;
		json_t *param = NULL, *c;
		const char *sub = NULL;
		int need = 0, may = 0;
		size_t max = TICK_TPL_PARAM_MAX;

		if (g != NULL && json_is_null(g))
			g = NULL;
		snprintf(f, sizeof(f), "parameters.buttons[%zu]", i);
		snprintf(idx, sizeof(idx), "%zu", i);
		if (t != NULL && strcasecmp(t, "URL") == 0 && url != NULL &&
		    strstr(url, "{{") != NULL) {
			need = 1;
			sub = "url";
			max = TICK_TPL_URL_MAX;
		} else if (t != NULL && strcasecmp(t, "COPY_CODE") == 0) {
			need = 1;
			sub = "copy_code";
			max = TICK_TPL_COUPON_MAX;
		} else if (t != NULL && strcasecmp(t, "QUICK_REPLY") == 0) {
			may = 1;
			sub = "quick_reply";
			max = TICK_TPL_PAYLOAD_MAX;
		}
		if (g == NULL && need) {
			snprintf(w, sizeof(w),
			    "missing: the template's button %zu (%s) needs "
			    "its parameter",
			    i, sub);
			set_err(field, fieldsz, why, whysz, f, w);
			return TICK_EINVAL;
		}
		if (g != NULL && !need && !may) {
			set_err(field, fieldsz, why, whysz, f,
			    "extra: this button takes no parameter (give "
			    "null)");
			return TICK_EINVAL;
		}
		if (label != NULL) {
			snprintf(line, sizeof(line), "[%.40s]", label);
			if (add_line(text, line) != 0)
				return TICK_ENOMEM;
		}
		if (g == NULL)
			continue;
		if ((val = value_of(g, max, w, sizeof(w))) == NULL) {
			set_err(field, fieldsz, why, whysz, f, w);
			return TICK_EINVAL;
		}
		if (strcmp(sub, "url") == 0)
			param = json_pack("{s:s, s:s}", "type", "text", "text",
			    val);
		else if (strcmp(sub, "copy_code") == 0)
			param = json_pack("{s:s, s:s}", "type", "coupon_code",
			    "coupon_code", val);
		else
			param = json_pack("{s:s, s:s}", "type", "payload",
			    "payload", val);
		c = json_pack("{s:s, s:s, s:s, s:[o]}", "type", "button",
		    "sub_type", sub, "index", idx, "parameters", param);
		if (c == NULL || json_array_append_new(comps, c) != 0)
			return TICK_ENOMEM;
	}
	return TICK_OK;
}

enum tick_err
tick_wa_tpl_fill(const json_t *tpl_components, const char *parameter_format,
    const json_t *params, json_t **components, char **text, char *field,
    size_t fieldsz, char *why, size_t whysz)
{
	int named = parameter_format != NULL &&
	    strcmp(parameter_format, "NAMED") == 0;
	const json_t *footer;
	json_t *comps = NULL, *v;
	char *out = NULL;
	enum tick_err rc = TICK_EINVAL;
	const char *key;

	*components = NULL;
	*text = NULL;
	field[0] = why[0] = '\0';
	if (params != NULL && json_is_null(params))
		params = NULL;
	if (params != NULL && !json_is_object(params)) {
		set_err(field, fieldsz, why, whysz, "parameters",
		    "an object: {header, body, buttons}");
		return TICK_EINVAL;
	}
	json_object_foreach ((json_t *)params, key, v) {
		if (strcmp(key, "header") != 0 && strcmp(key, "body") != 0 &&
		    strcmp(key, "buttons") != 0) {
			char f[96];

			snprintf(f, sizeof(f), "parameters.%.60s", key);
			set_err(field, fieldsz, why, whysz, f,
			    "extra: only header, body and buttons");
			return TICK_EINVAL;
		}
	}
	if (!json_is_array(tpl_components) || (comps = json_array()) == NULL)
		return TICK_EINVAL;
	if ((rc = fill_header(component(tpl_components, "HEADER", NULL), named,
	         json_object_get(params, "header"), comps, &out, field, fieldsz,
	         why, whysz)) != TICK_OK ||
	    (rc = fill_body(component(tpl_components, "BODY", NULL), named,
	         json_object_get(params, "body"), comps, &out, field, fieldsz,
	         why, whysz)) != TICK_OK)
		goto out;
	footer = component(tpl_components, "FOOTER", NULL);
	if (tick_json_str(footer, "text") != NULL &&
	    add_line(&out, tick_json_str(footer, "text")) != 0) {
		rc = TICK_ENOMEM;
		goto out;
	}
	if ((rc = fill_buttons(component(tpl_components, "BUTTONS", NULL),
	         json_object_get(params, "buttons"), comps, &out, field,
	         fieldsz, why, whysz)) != TICK_OK)
		goto out;
	if (out == NULL && (out = strdup("")) == NULL) {
		rc = TICK_ENOMEM;
		goto out;
	}
	/* No newline after the last line. */
	if (out[0] != '\0')
		out[strlen(out) - 1] = '\0';
	*components = comps;
	*text = out;
	comps = NULL;
	out = NULL;
out:
	json_decref(comps);
	free(out);
	return rc;
}

int
tick_wa_tpl_field(const char *field)
{
	return field != NULL &&
	    (strcmp(field, "message_template_status_update") == 0 ||
	        strcmp(field, "template_category_update") == 0 ||
	        strcmp(field, "message_template_quality_update") == 0);
}

enum tick_err
tick_wa_tpl_read_event(const char *field, const json_t *value,
    struct tick_wa_tpl_event *ev)
{
	const json_t *id = json_object_get(value, "message_template_id");
	const char *s;

	memset(ev, 0, sizeof(*ev));
	if (!tick_wa_tpl_field(field) || !json_is_object(value))
		return TICK_EINVAL;
	if (json_is_integer(id) && json_integer_value(id) > 0) {
		snprintf(ev->id_buf, sizeof(ev->id_buf), "%lld",
		    (long long)json_integer_value(id));
		ev->meta_id = ev->id_buf;
	} else if (json_is_string(id) &&
	    tick_valid_digits(json_string_value(id),
	        strlen(json_string_value(id)), 64))
		ev->meta_id = json_string_value(id);
	s = tick_json_str(value, "message_template_name");
	ev->name = tick_wa_tpl_name_ok(s) ? s : NULL;
	s = tick_json_str(value, "message_template_language");
	ev->language = tick_wa_tpl_lang_ok(s) ? s : NULL;
	if (ev->meta_id == NULL && (ev->name == NULL || ev->language == NULL))
		return TICK_EINVAL;
	if (strcmp(field, "message_template_status_update") == 0) {
		ev->status = tick_json_str(value, "event");
		s = tick_json_str(value, "reason");
		if (s != NULL && strcmp(s, "NONE") != 0 &&
		    tick_valid_utf8(s, strlen(s)))
			ev->reason = s;
		return token_ok(ev->status, 32) ? TICK_OK : TICK_EINVAL;
	}
	if (strcmp(field, "template_category_update") == 0) {
		ev->category = tick_json_str(value, "new_category");
		if (ev->category == NULL)
			ev->category = tick_json_str(value, "correct_category");
		return token_ok(ev->category, 32) ? TICK_OK : TICK_EINVAL;
	}
	ev->quality = tick_json_str(value, "new_quality_score");
	return token_ok(ev->quality, 16) ? TICK_OK : TICK_EINVAL;
}
