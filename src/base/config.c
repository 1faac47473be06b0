#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "bounds.h"
#include "log.h"
#include "valid.h"

enum kind {
	K_STR,      /* any text */
	K_NUM,      /* bounded integer */
	K_URL,      /* https, or http to loopback */
	K_DIGITS,   /* a run of digits */
	K_PREFIX,   /* A-Z 0-9, short */
	K_FILE,     /* a readable file */
	K_LEVEL,    /* a log level name */
	K_REQ,      /* any text, required */
	K_SECRET,   /* at least min bytes */
	K_DURATION, /* a number of seconds, or with s, m, h or d */
	K_CHOICE,   /* one of a comma-separated list in def2 */
	K_LABEL,    /* a title WhatsApp shows: 1..max characters */
	K_PHONE,    /* a phone number, kept as its international digits */
	K_UNIT,     /* a decimal number from 0 to 1 */
};

static const struct {
	const char *name;
	const char *alias;
	const char *def;
	enum kind kind;
	long long min, max;
	const char *choices;
} keys[TICK_CFG__MAX] = {
	[TICK_CFG_DB_HOST] = { "DB_HOST", NULL, "localhost", K_STR, 0, 0 },
	[TICK_CFG_DB_PORT] = { "DB_PORT", NULL, "3306", K_NUM, 1, 65535 },
	[TICK_CFG_DB_SOCKET] = { "DB_SOCKET", NULL, NULL, K_STR, 0, 0 },
	[TICK_CFG_DB_NAME] = { "DB_NAME", NULL, NULL, K_REQ, 0, 0 },
	[TICK_CFG_DB_USER] = { "DB_USER", NULL, NULL, K_REQ, 0, 0 },
	[TICK_CFG_DB_PASSWORD] = { "DB_PASSWORD", NULL, NULL, K_STR, 0, 0 },
	[TICK_CFG_DB_READ_HOST] = { "DB_READ_HOST", NULL, NULL, K_STR, 0, 0 },
	[TICK_CFG_DB_READ_PORT] = { "DB_READ_PORT", NULL, NULL, K_NUM, 1,
	    65535 },
	[TICK_CFG_WA_API_URL] = { "WHATSAPP_API_URL", NULL,
	    "https://graph.facebook.com/v25.0", K_URL, 0, 0 },
	[TICK_CFG_WA_PHONE_NUMBER_ID] = { "WHATSAPP_PHONE_NUMBER_ID", NULL,
	    NULL, K_DIGITS, 1, 32 },
	[TICK_CFG_WA_ACCESS_TOKEN] = { "WHATSAPP_ACCESS_TOKEN", NULL, NULL,
	    K_STR, 0, 0 },
	[TICK_CFG_WA_VERIFY_TOKEN] = { "WHATSAPP_VERIFY_TOKEN",
	    "WEBHOOK_VERIFY_TOKEN", NULL, K_STR, 0, 0 },
	[TICK_CFG_WA_APP_SECRET] = { "WHATSAPP_APP_SECRET", NULL, NULL, K_STR,
	    0, 0 },
	[TICK_CFG_WA_CONNECT_TIMEOUT_MS] = { "WHATSAPP_CONNECT_TIMEOUT_MS",
	    NULL, "2000", K_NUM, 100, 30000 },
	[TICK_CFG_WA_TIMEOUT_MS] = { "WHATSAPP_TIMEOUT_MS", NULL, "5000", K_NUM,
	    200, 60000 },
	/* The business number as people dial it ("+1 555-000-1111"): only
	 * its digits are kept. Unset: asked of the Graph API once. */
	[TICK_CFG_WA_DISPLAY_PHONE_NUMBER] = { "WHATSAPP_DISPLAY_PHONE_NUMBER",
	    NULL, NULL, K_PHONE, 0, 0 },
	/* 1: each site's QR is also registered with Meta's QR code API. */
	[TICK_CFG_WA_QR_API] = { "WHATSAPP_QR_API", NULL, "0", K_NUM, 0, 1 },
	[TICK_CFG_TEXT_SITE_QR_PREFILL] = { "TEXT_SITE_QR_PREFILL", NULL,
	    "Site {code}: ", K_STR, 0, 0 },
	[TICK_CFG_TICKET_ID_PREFIX] = { "TICKET_ID_PREFIX", NULL, "TKT",
	    K_PREFIX, 1, 8 },
	[TICK_CFG_CA_FILE] = { "TICK_CA_FILE", NULL, NULL, K_FILE, 0, 0 },
	[TICK_CFG_LOG_LEVEL] = { "TICK_LOG_LEVEL", NULL, "info", K_LEVEL, 0,
	    0 },
	[TICK_CFG_OUTBOX_MAX_ATTEMPTS] = { "OUTBOX_MAX_ATTEMPTS", NULL, "12",
	    K_NUM, 1, 100 },
	[TICK_CFG_OUTBOX_BATCH] = { "OUTBOX_BATCH", NULL, "100", K_NUM, 1,
	    10000 },
	[TICK_CFG_TEXT_TICKET_CREATED] = { "TEXT_TICKET_CREATED", NULL,
	    "Thank you for contacting us. Your ticket reference is {ref}. "
	    "An agent will reply here soon.",
	    K_STR, 0, 0 },
	[TICK_CFG_TEXT_STATUS_CHANGED] = { "TEXT_STATUS_CHANGED", NULL,
	    "Your ticket {ref} is now {status}.", K_STR, 0, 0 },
	[TICK_CFG_TEXT_TICKET_CLOSED] = { "TEXT_TICKET_CLOSED", NULL,
	    "Your ticket {ref} has been closed: {resolution}\n"
	    "Write to us here if you need anything else.",
	    K_STR, 0, 0 },
	[TICK_CFG_TEXT_STATUS_REPLY] = { "TEXT_STATUS_REPLY", NULL,
	    "Ticket {ref} is {status}.", K_STR, 0, 0 },
	[TICK_CFG_TEXT_STATUS_UNKNOWN] = { "TEXT_STATUS_UNKNOWN", NULL,
	    "We found no ticket {ref} for this number.", K_STR, 0, 0 },
	[TICK_CFG_TEXT_OUTSIDE_WINDOW] = { "TEXT_OUTSIDE_WINDOW", NULL,
	    "The customer last wrote more than 24 hours ago: WhatsApp only "
	    "delivers a template now.",
	    K_STR, 0, 0 },
	[TICK_CFG_WA_TEMPLATE_NAME] = { "WHATSAPP_TEMPLATE_NAME", NULL, NULL,
	    K_STR, 0, 0 },
	[TICK_CFG_WA_TEMPLATE_LANG] = { "WHATSAPP_TEMPLATE_LANG", NULL, "en_US",
	    K_STR, 0, 0 },
	/* The WhatsApp Business Account whose templates tick syncs,
	 * creates and deletes (issue 16). */
	[TICK_CFG_WA_BUSINESS_ACCOUNT_ID] = { "WHATSAPP_BUSINESS_ACCOUNT_ID",
	    NULL, NULL, K_DIGITS, 1, 32 },
	[TICK_CFG_CLOUDINARY_URL] = { "CLOUDINARY_URL", NULL, NULL, K_STR, 0,
	    0 },
	[TICK_CFG_CLOUDINARY_CLOUD_NAME] = { "CLOUDINARY_CLOUD_NAME", NULL,
	    NULL, K_STR, 0, 0 },
	[TICK_CFG_CLOUDINARY_API_KEY] = { "CLOUDINARY_API_KEY", NULL, NULL,
	    K_STR, 0, 0 },
	[TICK_CFG_CLOUDINARY_API_SECRET] = { "CLOUDINARY_API_SECRET", NULL,
	    NULL, K_STR, 0, 0 },
	[TICK_CFG_CLOUDINARY_API_URL] = { "CLOUDINARY_API_URL", NULL,
	    "https://api.cloudinary.com/v1_1", K_URL, 0, 0 },
	[TICK_CFG_CLOUDINARY_FOLDER] = { "CLOUDINARY_FOLDER", NULL, "tick",
	    K_STR, 0, 0 },
	[TICK_CFG_MEDIA_TIMEOUT_MS] = { "MEDIA_TIMEOUT_MS", NULL, "15000",
	    K_NUM, 500, 120000 },
	[TICK_CFG_MAX_FILE_SIZE] = { "MAX_FILE_SIZE", NULL, "16777216", K_NUM,
	    1024, 104857600 },
	[TICK_CFG_TEXT_MEDIA_FAILED] = { "TEXT_MEDIA_FAILED", NULL,
	    "We received your file but could not keep it ({name}). Please send it "
	    "again, smaller or in another format.",
	    K_STR, 0, 0 },
	[TICK_CFG_JWT_SECRET] = { "JWT_SECRET", NULL, NULL, K_SECRET, 32, 0 },
	[TICK_CFG_JWT_EXPIRES_IN] = { "JWT_EXPIRES_IN", NULL, "7d", K_DURATION,
	    60, 90 * 86400LL },
	[TICK_CFG_PASSWORD_SCHEME] = { "PASSWORD_SCHEME", NULL, "bcrypt",
	    K_CHOICE, 0, 0, ",bcrypt,yescrypt," },
	[TICK_CFG_BCRYPT_COST] = { "BCRYPT_COST", NULL, "12", K_NUM, 4, 20 },
	[TICK_CFG_LOGIN_MAX_FAILURES] = { "LOGIN_MAX_FAILURES", NULL, "5",
	    K_NUM, 1, 1000 },
	[TICK_CFG_LOGIN_LOCK_MINUTES] = { "LOGIN_LOCK_MINUTES", NULL, "15",
	    K_NUM, 1, 10080 },
	[TICK_CFG_WEBHOOK_UNSIGNED] = { "TICK_WEBHOOK_UNSIGNED", NULL, "0",
	    K_NUM, 0, 1 },
	[TICK_CFG_WEBHOOK_RETENTION_DAYS] = { "WEBHOOK_RETENTION_DAYS", NULL,
	    "30", K_NUM, 1, 3650 },
	[TICK_CFG_OUTBOUND_BUDGET_MS] = { "WEBHOOK_OUTBOUND_BUDGET_MS", NULL,
	    "2000", K_NUM, 100, 60000 },
	[TICK_CFG_BREAKER_FAILURES] = { "BREAKER_FAILURES", NULL, "3", K_NUM, 1,
	    1000 },
	[TICK_CFG_BREAKER_COOLDOWN_S] = { "BREAKER_COOLDOWN_S", NULL, "30",
	    K_NUM, 1, 3600 },
	[TICK_CFG_SEND_GRACE_S] = { "OUTBOX_SEND_GRACE_S", NULL, "60", K_NUM, 0,
	    3600 },
	[TICK_CFG_EVENTS_STREAMS_PER_USER] = { "EVENTS_STREAMS_PER_USER", NULL,
	    "4", K_NUM, 1, 100 },
	[TICK_CFG_DEFAULT_ADMIN_EMAIL] = { "DEFAULT_ADMIN_EMAIL", NULL,
	    "admin@example.com", K_STR, 0, 0 },
	[TICK_CFG_DEFAULT_ADMIN_PASSWORD] = { "DEFAULT_ADMIN_PASSWORD", NULL,
	    NULL, K_STR, 0, 0 },
	/* API tokens: requests a minute per token, and the longest life. */
	[TICK_CFG_TOKEN_RATE_PER_MINUTE] = { "TOKEN_RATE_PER_MINUTE", NULL,
	    "600", K_NUM, 1, 1000000 },
	[TICK_CFG_TOKEN_MAX_DAYS] = { "TOKEN_MAX_DAYS", NULL, "365", K_NUM, 1,
	    3650 },
	/* Outbound webhooks: each attempt's time, the attempts a delivery
	 * gets, and the failures in a row that disable a subscription. */
	[TICK_CFG_HOOKS_TIMEOUT_MS] = { "WEBHOOKS_TIMEOUT_MS", NULL, "5000",
	    K_NUM, 100, 60000 },
	[TICK_CFG_HOOKS_MAX_ATTEMPTS] = { "WEBHOOKS_MAX_ATTEMPTS", NULL, "8",
	    K_NUM, 1, 50 },
	[TICK_CFG_HOOKS_DISABLE_FAILURES] = { "WEBHOOKS_DISABLE_FAILURES", NULL,
	    "20", K_NUM, 1, 10000 },
	[TICK_CFG_TEXT_ACTION_ASSIGNED] = { "TEXT_ACTION_ASSIGNED", NULL,
	    "A corrective action on {ref} is yours, due {due}: {description}",
	    K_STR, 0, 0 },
	/* Unset: guided when at least one active site exists (core/intake). */
	[TICK_CFG_INTAKE] = { "INTAKE", NULL, NULL, K_CHOICE, 0, 0,
	    ",guided,off," },
	[TICK_CFG_INTAKE_TIMEOUT_MINUTES] = { "INTAKE_TIMEOUT_MINUTES", NULL,
	    "30", K_NUM, 1, 10080 },
	[TICK_CFG_TEXT_INTAKE_SITE] = { "TEXT_INTAKE_SITE", NULL,
	    "Which site are you reporting from? Choose it from the list, type "
	    "its code, or reply skip.",
	    K_STR, 0, 0 },
	[TICK_CFG_TEXT_INTAKE_CATEGORY] = { "TEXT_INTAKE_CATEGORY", NULL,
	    "What happened? Choose the life-saving rule it concerns, or Other. "
	    "Reply skip to leave it out.",
	    K_STR, 0, 0 },
	[TICK_CFG_TEXT_INTAKE_OBSERVATION] = { "TEXT_INTAKE_OBSERVATION", NULL,
	    "What kind of observation is it?", K_STR, 0, 0 },
	[TICK_CFG_TEXT_INTAKE_SEVERITY] = { "TEXT_INTAKE_SEVERITY", NULL,
	    "How severe is it?", K_STR, 0, 0 },
	[TICK_CFG_TEXT_INTAKE_ANONYMOUS] = { "TEXT_INTAKE_ANONYMOUS", NULL,
	    "Should your name and number stay hidden from the site team?",
	    K_STR, 0, 0 },
	[TICK_CFG_TEXT_INTAKE_LOCATION] = { "TEXT_INTAKE_LOCATION", NULL,
	    "If you can, share your location and a photo, or reply skip.",
	    K_STR, 0, 0 },
	[TICK_CFG_TEXT_INTAKE_DONE] = { "TEXT_INTAKE_DONE", NULL,
	    "Thank you: report {ref} is complete. Write here to add anything "
	    "else.",
	    K_STR, 0, 0 },
	[TICK_CFG_TEXT_INTAKE_CRITICAL] = { "TEXT_INTAKE_CRITICAL", NULL,
	    "Critical safety report {ref} at {name}. Please look at it now.",
	    K_STR, 0, 0 },
	[TICK_CFG_TEXT_INTAKE_CHOOSE] = { "TEXT_INTAKE_CHOOSE", NULL, "Choose",
	    K_LABEL, 1, 20 },
	[TICK_CFG_TEXT_INTAKE_MORE_SITES] = { "TEXT_INTAKE_MORE_SITES", NULL,
	    "More sites", K_LABEL, 1, 24 },
	[TICK_CFG_TEXT_INTAKE_SKIP] = { "TEXT_INTAKE_SKIP", NULL, "Skip",
	    K_LABEL, 1, 20 },
	[TICK_CFG_TEXT_INTAKE_STAY_ANONYMOUS] = { "TEXT_INTAKE_STAY_ANONYMOUS",
	    NULL, "Stay anonymous", K_LABEL, 1, 20 },
	[TICK_CFG_TEXT_INTAKE_USE_MY_NAME] = { "TEXT_INTAKE_USE_MY_NAME", NULL,
	    "Use my name", K_LABEL, 1, 20 },
	/* Unset: responders count nothing and GET /metrics answers 503. */
	[TICK_CFG_METRICS_DIR] = { "METRICS_DIR", NULL, NULL, K_STR, 0, 0 },
	/* Reports (issue 12): the time zone figures are counted in when a
	 * request names none (an IANA name the database's time zone tables
	 * know), and the most rows one export holds. */
	[TICK_CFG_TIMEZONE] = { "TICK_TIMEZONE", NULL, "UTC", K_STR, 0, 0 },
	[TICK_CFG_EXPORT_MAX_ROWS] = { "EXPORT_MAX_ROWS", NULL, "1000000",
	    K_NUM, 1, 100000000 },
	/* Business hours and SLA (issue 13): how long before a due time
	 * the warning goes out; the customer's texts outside hours (once per
	 * ticket per local day) and on a first ever message (empty: none);
	 * the staff's warning and escalation ({ref}, {name}: the target,
	 * {due}: the due time, UTC). */
	[TICK_CFG_SLA_WARNING_MINUTES] = { "SLA_WARNING_MINUTES", NULL, "30",
	    K_NUM, 0, 10080 },
	[TICK_CFG_TEXT_OUT_OF_HOURS] = { "TEXT_OUT_OF_HOURS", NULL,
	    "Thanks, we received your message ({ref}). We are closed now and "
	    "will answer when we open.",
	    K_STR, 0, 0 },
	[TICK_CFG_TEXT_WELCOME] = { "TEXT_WELCOME", NULL, "", K_STR, 0, 0 },
	[TICK_CFG_TEXT_SLA_WARNING] = { "TEXT_SLA_WARNING", NULL,
	    "Ticket {ref}: the {name} is due at {due} UTC.", K_STR, 0, 0 },
	[TICK_CFG_TEXT_SLA_BREACH] = { "TEXT_SLA_BREACH", NULL,
	    "Ticket {ref}: the {name} was due at {due} UTC and is late.", K_STR,
	    0, 0 },
	/* Retention (issue 13): closed tickets older than this many days
	 * are erased by `tick outbox` (0 keeps them forever). Not
	 * WEBHOOK_RETENTION_DAYS, which prunes raw webhook bodies. */
	[TICK_CFG_RETENTION_DAYS] = { "RETENTION_DAYS", NULL, "0", K_NUM, 0,
	    36500 },
	/* CSAT (issue 13): off unless asked for; the template goes outside
	 * the 24-hour window (its three quick-reply buttons carry the
	 * ratings); a score at or below CSAT_LOW_SCORE reopens or notifies. */
	[TICK_CFG_CSAT] = { "CSAT", NULL, "off", K_CHOICE, 0, 0, ",on,off," },
	[TICK_CFG_CSAT_TEMPLATE_NAME] = { "CSAT_TEMPLATE_NAME", NULL, NULL,
	    K_STR, 0, 0 },
	[TICK_CFG_CSAT_LOW_SCORE] = { "CSAT_LOW_SCORE", NULL, "1", K_NUM, 0,
	    3 },
	[TICK_CFG_CSAT_LOW_ACTION] = { "CSAT_LOW_ACTION", NULL, "none",
	    K_CHOICE, 0, 0, ",reopen,notify,none," },
	[TICK_CFG_CSAT_COMMENT_MINUTES] = { "CSAT_COMMENT_MINUTES", NULL, "30",
	    K_NUM, 0, 1440 },
	[TICK_CFG_TEXT_CSAT_QUESTION] = { "TEXT_CSAT_QUESTION", NULL,
	    "How did we do with ticket {ref}?", K_STR, 0, 0 },
	[TICK_CFG_TEXT_CSAT_GOOD] = { "TEXT_CSAT_GOOD", NULL, "Good", K_LABEL,
	    1, 20 },
	[TICK_CFG_TEXT_CSAT_OK] = { "TEXT_CSAT_OK", NULL, "OK", K_LABEL, 1,
	    20 },
	[TICK_CFG_TEXT_CSAT_BAD] = { "TEXT_CSAT_BAD", NULL, "Bad", K_LABEL, 1,
	    20 },
	[TICK_CFG_TEXT_CSAT_THANKS] = { "TEXT_CSAT_THANKS", NULL,
	    "Thank you for your rating. Write here if you want to tell us "
	    "more.",
	    K_STR, 0, 0 },
	/* AI safety checks (issue 17): none checks nothing. Keys are secrets
	 * and never logged. */
	[TICK_CFG_MODERATION_PROVIDER] = { "MODERATION_PROVIDER", NULL, "none",
	    K_CHOICE, 0, 0, ",gemini,openrouter,none," },
	[TICK_CFG_GEMINI_API_URL] = { "GEMINI_API_URL", NULL,
	    "https://generativelanguage.googleapis.com/v1beta", K_URL, 0, 0 },
	[TICK_CFG_GEMINI_MODEL] = { "GEMINI_MODEL", NULL, "gemini-2.5-flash",
	    K_STR, 0, 0 },
	[TICK_CFG_GEMINI_API_KEY] = { "GEMINI_API_KEY", NULL, NULL, K_STR, 0,
	    0 },
	[TICK_CFG_OPENROUTER_API_URL] = { "OPENROUTER_API_URL", NULL,
	    "https://openrouter.ai/api/v1", K_URL, 0, 0 },
	[TICK_CFG_OPENROUTER_MODEL] = { "OPENROUTER_MODEL", NULL,
	    "google/gemini-2.5-flash", K_STR, 0, 0 },
	[TICK_CFG_OPENROUTER_API_KEY] = { "OPENROUTER_API_KEY", NULL, NULL,
	    K_STR, 0, 0 },
	[TICK_CFG_MODERATION_TIMEOUT_MS] = { "MODERATION_TIMEOUT_MS", NULL,
	    "8000", K_NUM, 200, 120000 },
	/* Anonymous safety reports: text (their text is checked, as any
	 * customer's, their photos are not sent), all (photos too) or off
	 * (nothing of them is sent to a provider). */
	[TICK_CFG_MODERATION_ANONYMOUS] = { "MODERATION_ANONYMOUS", NULL,
	    "text", K_CHOICE, 0, 0, ",text,all,off," },
	[TICK_CFG_MODERATION_MAX_ATTEMPTS] = { "MODERATION_MAX_ATTEMPTS", NULL,
	    "8", K_NUM, 1, 50 },
	/* Customers' photos: checked (1) or kept away from the provider (0);
	 * a larger one is a recorded skip. */
	[TICK_CFG_MODERATION_IMAGES] = { "MODERATION_IMAGES", NULL, "1",
	    K_CHOICE, 0, 0, ",0,1," },
	[TICK_CFG_MODERATION_MAX_IMAGE_BYTES] = { "MODERATION_MAX_IMAGE_BYTES",
	    NULL, "4194304", K_NUM, 1024, 20971520 },
	/* The intake offers a suggestion this sure, or surer (0..1). */
	[TICK_CFG_MODERATION_SUGGEST_MIN_CONFIDENCE] = { "MODERATION_SUGGEST_MIN_CONFIDENCE",
	    NULL, "0.7", K_UNIT, 0, 0 },
	/* {name}: the suggested rule and severity ("Line of fire, High"). */
	[TICK_CFG_TEXT_INTAKE_CONFIRM] = { "TEXT_INTAKE_CONFIRM", NULL,
	    "We understood: {name}. Correct?", K_STR, 0, 0 },
	[TICK_CFG_TEXT_INTAKE_YES] = { "TEXT_INTAKE_YES", NULL, "Yes", K_LABEL,
	    1, 20 },
	[TICK_CFG_TEXT_INTAKE_NO_CHOOSE] = { "TEXT_INTAKE_NO_CHOOSE", NULL,
	    "No, choose", K_LABEL, 1, 20 },
	/* Told once per ticket to a customer whose message the check flagged;
	 * empty (the default): never. */
	[TICK_CFG_TEXT_MODERATION_NOTICE] = { "TEXT_MODERATION_NOTICE", NULL,
	    "", K_STR, 0, 0 },
	/* Agent assistance: the desk's language (what summaries and the
	 * translations of customers' messages are written in), and the
	 * conversation's budget in characters. */
	[TICK_CFG_ASSIST_LANGUAGE] = { "ASSIST_LANGUAGE", NULL, "English",
	    K_LABEL, 1, 40 },
	[TICK_CFG_ASSIST_MAX_CHARS] = { "ASSIST_MAX_CHARS", NULL, "12000",
	    K_NUM, 500, 100000 },
	[TICK_CFG_WA_READ_RECEIPTS] = { "WHATSAPP_READ_RECEIPTS", NULL, "1",
	    K_NUM, 0, 1 },
	[TICK_CFG_WA_AGENT_PREFIX] = { "WHATSAPP_AGENT_PREFIX", NULL, NULL,
	    K_STR, 0, 0 },
	/* Consent (issue 16, base/consent): a customer message whose whole
	 * text is one of these words stops, or resumes, marketing; empty
	 * lists are off. The window reminder (empty: off) goes 23 hours
	 * after a customer's last message that no agent answered. */
	[TICK_CFG_TEXT_OPT_OUT_KEYWORDS] = { "TEXT_OPT_OUT_KEYWORDS", NULL, "",
	    K_STR, 0, 0 },
	[TICK_CFG_TEXT_OPT_IN_KEYWORDS] = { "TEXT_OPT_IN_KEYWORDS", NULL, "",
	    K_STR, 0, 0 },
	[TICK_CFG_WINDOW_REMINDER_TEXT] = { "WINDOW_REMINDER_TEXT", NULL, "",
	    K_STR, 0, 0 },
};

void
tick_config_init(struct tick_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
}

void
tick_config_free(struct tick_config *cfg)
{
	for (int i = 0; i < TICK_CFG__MAX; i++) {
		free(cfg->val[i]);
		cfg->val[i] = NULL;
	}
}

const char *
tick_config_name(enum tick_cfg key)
{
	return (unsigned)key < TICK_CFG__MAX ? keys[key].name : "?";
}

static int
lookup(const char *name)
{
	for (int i = 0; i < TICK_CFG__MAX; i++)
		if (strcmp(name, keys[i].name) == 0 ||
		    (keys[i].alias && strcmp(name, keys[i].alias) == 0))
			return i;
	return -1;
}

enum tick_err
tick_config_offer(struct tick_config *cfg, const char *name, const char *value)
{
	int k = lookup(name);

	if (k < 0)
		return TICK_ENOTFOUND;
	if (cfg->val[k] != NULL)
		return TICK_OK;
	if (strlen(value) > TICK_MAX_CONFIG_VALUE)
		return TICK_ETOOBIG;
	if ((cfg->val[k] = strdup(value)) == NULL)
		return TICK_ENOMEM;
	return TICK_OK;
}

enum tick_err
tick_config_parse_text(struct tick_config *cfg, const char *text, size_t len,
    char *err, size_t errlen)
{
	size_t pos = 0;
	int lineno = 0;

	while (pos < len) {
		char line[TICK_MAX_CONFIG_LINE + 1];
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *p, *eq, *v, *end;
		enum tick_err rc;

		lineno++;
		if (n > TICK_MAX_CONFIG_LINE) {
			snprintf(err, errlen,
			    "config line %d: longer than %d bytes", lineno,
			    TICK_MAX_CONFIG_LINE);
			return TICK_ETOOBIG;
		}
		if (memchr(text + pos, '\0', n) != NULL) {
			snprintf(err, errlen, "config line %d: NUL byte",
			    lineno);
			return TICK_EINVAL;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl ? 1 : 0);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '\0' || *p == '#')
			continue;
		if (strncmp(p, "export ", 7) == 0)
			p += 7;
		if ((eq = strchr(p, '=')) == NULL) {
			snprintf(err, errlen,
			    "config line %d: expected KEY=VALUE", lineno);
			return TICK_EINVAL;
		}
		*eq = '\0';
		for (end = eq; end > p && (end[-1] == ' ' || end[-1] == '\t');
		     end--)
			end[-1] = '\0';
		v = eq + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		end = v + strlen(v);
		while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (end - v >= 2 && (v[0] == '"' || v[0] == '\'') &&
		    end[-1] == v[0]) {
			end[-1] = '\0';
			v++;
		}
		rc = tick_config_offer(cfg, p, v);
		if (rc == TICK_ENOTFOUND)
			continue;
		if (rc != TICK_OK) {
			snprintf(err, errlen, "config line %d: %s: %s", lineno,
			    p, tick_strerror(rc));
			return rc;
		}
	}
	return TICK_OK;
}

static enum tick_err
check(struct tick_config *cfg, int k, char *err, size_t errlen)
{
	const char *v = cfg->val[k];
	size_t len = strlen(v);
	long long n;

	switch (keys[k].kind) {
	case K_STR:
	case K_REQ:
		if (len == 0 && keys[k].kind == K_REQ)
			goto bad;
		if (!tick_valid_utf8(v, len))
			goto bad;
		return TICK_OK;
	case K_NUM:
		if (tick_valid_num(v, len, keys[k].min, keys[k].max, &n) !=
		    TICK_OK) {
			snprintf(err, errlen,
			    "%s: expected a whole number from %lld to %lld, got \"%.64s\"",
			    keys[k].name, keys[k].min, keys[k].max, v);
			return TICK_ECONFIG;
		}
		cfg->num[k] = n;
		return TICK_OK;
	case K_URL:
		if (tick_valid_outbound_url(v) != TICK_OK) {
			snprintf(err, errlen,
			    "%s: expected an https URL (http only to loopback), got \"%.128s\"",
			    keys[k].name, v);
			return TICK_ECONFIG;
		}
		/* A trailing slash would double up when paths are appended. */
		while (len > 0 && cfg->val[k][len - 1] == '/')
			cfg->val[k][--len] = '\0';
		return TICK_OK;
	case K_DIGITS:
		if (!tick_valid_digits(v, len, (size_t)keys[k].max))
			goto bad;
		return TICK_OK;
	case K_PREFIX:
		if (len < (size_t)keys[k].min || len > (size_t)keys[k].max)
			goto bad;
		for (size_t i = 0; i < len; i++)
			if (!((v[i] >= 'A' && v[i] <= 'Z') ||
			        (v[i] >= '0' && v[i] <= '9')))
				goto bad;
		return TICK_OK;
	case K_FILE:
		if (access(v, R_OK) != 0) {
			snprintf(err, errlen, "%s: cannot read \"%.128s\": %s",
			    keys[k].name, v, strerror(errno));
			return TICK_ECONFIG;
		}
		return TICK_OK;
	case K_SECRET:
		if (len < (size_t)keys[k].min) {
			snprintf(err, errlen, "%s: must be at least %lld bytes",
			    keys[k].name, keys[k].min);
			return TICK_ECONFIG;
		}
		return TICK_OK;
	case K_DURATION: {
		long long mul = 1;
		size_t digits = len;

		if (len > 0 && strchr("smhd", v[len - 1]) != NULL) {
			mul = v[len - 1] == 's' ? 1 :
			    v[len - 1] == 'm'   ? 60 :
			    v[len - 1] == 'h'   ? 3600 :
			                          86400;
			digits--;
		}
		if (tick_valid_num(v, digits, 1, keys[k].max, &n) != TICK_OK ||
		    n * mul < keys[k].min || n * mul > keys[k].max) {
			snprintf(err, errlen,
			    "%s: expected a duration such as 7d, 12h or 3600 (%lld s to %lld s), got \"%.32s\"",
			    keys[k].name, keys[k].min, keys[k].max, v);
			return TICK_ECONFIG;
		}
		cfg->num[k] = n * mul;
		return TICK_OK;
	}
	case K_CHOICE: {
		char probe[64];

		if (len + 3 > sizeof(probe) || strchr(v, ',') != NULL)
			goto bad;
		snprintf(probe, sizeof(probe), ",%s,", v);
		if (strstr(keys[k].choices, probe) == NULL)
			goto bad;
		return TICK_OK;
	}
	case K_UNIT: {
		char *end = NULL;
		double d = strtod(v, &end);

		if (len == 0 || end == NULL || *end != '\0' || !(d >= 0) ||
		    d > 1)
			goto bad;
		return TICK_OK;
	}
	case K_LABEL:
		if (!tick_valid_utf8(v, len) || len == 0 ||
		    tick_valid_utf8_chars(v) > (size_t)keys[k].max) {
			snprintf(err, errlen,
			    "%s: expected 1 to %lld characters (WhatsApp's limit), got \"%.64s\"",
			    keys[k].name, keys[k].max, v);
			return TICK_ECONFIG;
		}
		return TICK_OK;
	case K_PHONE: {
		char digits[16];

		if (tick_valid_phone(v, digits) != TICK_OK) {
			snprintf(err, errlen,
			    "%s: expected a phone number in international form (8 to 15 digits), got \"%.32s\"",
			    keys[k].name, v);
			return TICK_ECONFIG;
		}
		/* Never longer than what it came from. */
		memcpy(cfg->val[k], digits, strlen(digits) + 1);
		return TICK_OK;
	}
	case K_LEVEL:
		if ((n = tick_log_level_parse(v)) < 0)
			goto bad;
		cfg->num[k] = n;
		return TICK_OK;
	}
bad:
	if (len == 0)
		snprintf(err, errlen, "%s: required but not set", keys[k].name);
	else
		snprintf(err, errlen, "%s: invalid value \"%.64s\"",
		    keys[k].name, v);
	return TICK_ECONFIG;
}

/* CLOUDINARY_URL=cloudinary://KEY:SECRET@CLOUD fills the three keys that
 * were not given one by one. */
static enum tick_err
cld_url(struct tick_config *cfg, char *err, size_t errlen)
{
	const char *u = cfg->val[TICK_CFG_CLOUDINARY_URL], *colon, *at;
	static const enum tick_cfg keys3[3] = { TICK_CFG_CLOUDINARY_API_KEY,
		TICK_CFG_CLOUDINARY_API_SECRET,
		TICK_CFG_CLOUDINARY_CLOUD_NAME };
	char part[TICK_MAX_CONFIG_VALUE + 1];
	const char *from[3], *to[3];

	if (u == NULL)
		return TICK_OK;
	if (strncmp(u, "cloudinary://", 13) != 0 ||
	    (colon = strchr(u + 13, ':')) == NULL ||
	    (at = strrchr(colon, '@')) == NULL || colon == u + 13 ||
	    at == colon + 1 || at[1] == '\0' || strchr(at + 1, '/') != NULL) {
		snprintf(err, errlen,
		    "CLOUDINARY_URL: expected cloudinary://API_KEY:API_SECRET@CLOUD_NAME");
		return TICK_ECONFIG;
	}
	from[0] = u + 13, to[0] = colon;
	from[1] = colon + 1, to[1] = at;
	from[2] = at + 1, to[2] = at + strlen(at);
	for (int i = 0; i < 3; i++) {
		enum tick_cfg k = keys3[i];
		size_t n = (size_t)(to[i] - from[i]);

		if (cfg->val[k] != NULL)
			continue;
		memcpy(part, from[i], n);
		part[n] = '\0';
		if ((cfg->val[k] = strdup(part)) == NULL)
			return TICK_ENOMEM;
	}
	return TICK_OK;
}

int
tick_config_cld_ready(const struct tick_config *cfg)
{
	return cfg->val[TICK_CFG_CLOUDINARY_CLOUD_NAME] != NULL &&
	    cfg->val[TICK_CFG_CLOUDINARY_API_KEY] != NULL &&
	    cfg->val[TICK_CFG_CLOUDINARY_API_SECRET] != NULL;
}

enum tick_err
tick_config_finish(struct tick_config *cfg, char *err, size_t errlen)
{
	for (int k = 0; k < TICK_CFG__MAX; k++) {
		enum tick_err rc;

		/* An empty value counts as unset, as it does in most shells' files. */
		if (cfg->val[k] != NULL && cfg->val[k][0] == '\0' &&
		    keys[k].kind != K_REQ) {
			free(cfg->val[k]);
			cfg->val[k] = NULL;
		}
		if (cfg->val[k] == NULL && keys[k].def != NULL &&
		    (cfg->val[k] = strdup(keys[k].def)) == NULL)
			return TICK_ENOMEM;
		if (cfg->val[k] == NULL) {
			if (keys[k].kind == K_REQ) {
				snprintf(err, errlen,
				    "%s: required but not set", keys[k].name);
				return TICK_ECONFIG;
			}
			continue;
		}
		if ((rc = check(cfg, k, err, errlen)) != TICK_OK)
			return rc;
	}
	tick_log_set_level((enum tick_log_level)cfg->num[TICK_CFG_LOG_LEVEL]);
	return cld_url(cfg, err, errlen);
}

static enum tick_err
read_file(const char *path, int must_exist, char **out, size_t *outlen,
    char *err, size_t errlen)
{
	enum tick_err rc = TICK_ECONFIG;
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd;

	*out = NULL;
	*outlen = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (!must_exist && errno == ENOENT)
			return TICK_OK;
		snprintf(err, errlen, "TICK_CONFIG: cannot open \"%.128s\": %s",
		    path, strerror(errno));
		return TICK_ECONFIG;
	}
	if (fstat(fd, &st) != 0 ||
	    (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) ||
	    st.st_size > 1 << 20) {
		snprintf(err, errlen,
		    "TICK_CONFIG: \"%.128s\" is not a regular file under 1 MiB",
		    path);
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		rc = TICK_ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	*out = buf;
	*outlen = got;
	buf = NULL;
	rc = TICK_OK;
out:
	free(buf);
	close(fd);
	return rc;
}

enum tick_err
tick_config_load(struct tick_config *cfg, char *err, size_t errlen)
{
	const char *path = getenv("TICK_CONFIG");
	enum tick_err rc;
	char *text = NULL;
	size_t len = 0;

	for (int k = 0; k < TICK_CFG__MAX; k++) {
		const char *v = getenv(keys[k].name);
		if (v == NULL && keys[k].alias != NULL)
			v = getenv(keys[k].alias);
		if (v != NULL &&
		    (rc = tick_config_offer(cfg, keys[k].name, v)) != TICK_OK) {
			snprintf(err, errlen, "%s: %s", keys[k].name,
			    tick_strerror(rc));
			return rc;
		}
	}
	if (path != NULL && *path != '\0')
		rc = read_file(path, 1, &text, &len, err, errlen);
	else if (access(".", X_OK) == 0)
		rc = read_file("tick.env", 0, &text, &len, err, errlen);
	else /* `sudo -u tick tick ...` from a directory tick cannot enter */
		rc = TICK_OK;
	/* An installed desk's own file, when neither was there. */
	if (rc == TICK_OK && text == NULL && !(path && *path))
		rc = read_file(TICK_CONFIG_SYSTEM_FILE, 0, &text, &len, err,
		    errlen);
	if (rc == TICK_OK && text != NULL)
		rc = tick_config_parse_text(cfg, text, len, err, errlen);
	free(text);
	if (rc != TICK_OK)
		return rc;
	return tick_config_finish(cfg, err, errlen);
}

const char *
tick_config_get(const struct tick_config *cfg, enum tick_cfg key)
{
	return cfg->val[key];
}

long long
tick_config_num(const struct tick_config *cfg, enum tick_cfg key)
{
	return cfg->num[key];
}

int
tick_config_wa_ready(const struct tick_config *cfg)
{
	return cfg->val[TICK_CFG_WA_PHONE_NUMBER_ID] != NULL &&
	    cfg->val[TICK_CFG_WA_ACCESS_TOKEN] != NULL;
}
