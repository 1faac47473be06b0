/*
 * tick: configuration. The environment comes first; a KEY=VALUE file named
 * by TICK_CONFIG (default ./tick.env when present, else the installed
 * TICK_CONFIG_SYSTEM_FILE when present) fills what it leaves unset; then
 * defaults; then every value is validated.
 */
#ifndef TICK_CONFIG_H
#define TICK_CONFIG_H

/* The installed desk's configuration file: $(sysconfdir)/tick/tick.env,
 * compiled in by Makefile.am (make install); TICK_CONFIG overrides it. */
#ifndef TICK_CONFIG_SYSTEM_FILE
#define TICK_CONFIG_SYSTEM_FILE "/etc/tick/tick.env"
#endif

#include <stddef.h>

#include "err.h"

enum tick_cfg {
	TICK_CFG_DB_HOST,
	TICK_CFG_DB_PORT,
	TICK_CFG_DB_SOCKET,
	TICK_CFG_DB_NAME,
	TICK_CFG_DB_USER,
	TICK_CFG_DB_PASSWORD,
	/* Where reports, exports and the dashboard read (a replica or another
	 * Galera node); unset: DB_HOST. DB_READ_PORT unset: DB_PORT. */
	TICK_CFG_DB_READ_HOST,
	TICK_CFG_DB_READ_PORT,
	TICK_CFG_WA_API_URL,
	TICK_CFG_WA_PHONE_NUMBER_ID,
	TICK_CFG_WA_ACCESS_TOKEN,
	TICK_CFG_WA_VERIFY_TOKEN,
	TICK_CFG_WA_APP_SECRET,
	TICK_CFG_WA_CONNECT_TIMEOUT_MS,
	TICK_CFG_WA_TIMEOUT_MS,
	TICK_CFG_WA_DISPLAY_PHONE_NUMBER,
	TICK_CFG_WA_QR_API,
	TICK_CFG_TEXT_SITE_QR_PREFILL,
	TICK_CFG_TICKET_ID_PREFIX,
	TICK_CFG_CA_FILE,
	TICK_CFG_LOG_LEVEL,
	TICK_CFG_OUTBOX_MAX_ATTEMPTS,
	TICK_CFG_OUTBOX_BATCH,
	TICK_CFG_TEXT_TICKET_CREATED,
	TICK_CFG_TEXT_STATUS_CHANGED,
	TICK_CFG_TEXT_TICKET_CLOSED,
	TICK_CFG_TEXT_STATUS_REPLY,
	TICK_CFG_TEXT_STATUS_UNKNOWN,
	TICK_CFG_TEXT_OUTSIDE_WINDOW,
	TICK_CFG_WA_TEMPLATE_NAME,
	TICK_CFG_WA_TEMPLATE_LANG,
	TICK_CFG_WA_BUSINESS_ACCOUNT_ID,
	TICK_CFG_CLOUDINARY_URL,
	TICK_CFG_CLOUDINARY_CLOUD_NAME,
	TICK_CFG_CLOUDINARY_API_KEY,
	TICK_CFG_CLOUDINARY_API_SECRET,
	TICK_CFG_CLOUDINARY_API_URL,
	TICK_CFG_CLOUDINARY_FOLDER,
	TICK_CFG_MEDIA_TIMEOUT_MS,
	TICK_CFG_MAX_FILE_SIZE,
	TICK_CFG_TEXT_MEDIA_FAILED,
	TICK_CFG_JWT_SECRET,
	TICK_CFG_JWT_EXPIRES_IN,
	TICK_CFG_PASSWORD_SCHEME,
	TICK_CFG_BCRYPT_COST,
	TICK_CFG_LOGIN_MAX_FAILURES,
	TICK_CFG_LOGIN_LOCK_MINUTES,
	TICK_CFG_WEBHOOK_UNSIGNED,
	TICK_CFG_WEBHOOK_RETENTION_DAYS,
	TICK_CFG_OUTBOUND_BUDGET_MS,
	TICK_CFG_BREAKER_FAILURES,
	TICK_CFG_BREAKER_COOLDOWN_S,
	TICK_CFG_SEND_GRACE_S,
	TICK_CFG_EVENTS_STREAMS_PER_USER,
	TICK_CFG_DEFAULT_ADMIN_EMAIL,
	TICK_CFG_DEFAULT_ADMIN_PASSWORD,
	TICK_CFG_TOKEN_RATE_PER_MINUTE,
	TICK_CFG_TOKEN_MAX_DAYS,
	TICK_CFG_HOOKS_TIMEOUT_MS,
	TICK_CFG_HOOKS_MAX_ATTEMPTS,
	TICK_CFG_HOOKS_DISABLE_FAILURES,
	TICK_CFG_TEXT_ACTION_ASSIGNED,
	/* Issue 11: the guided intake over WhatsApp (base/intake). */
	TICK_CFG_INTAKE,
	TICK_CFG_INTAKE_TIMEOUT_MINUTES,
	TICK_CFG_TEXT_INTAKE_SITE,
	TICK_CFG_TEXT_INTAKE_CATEGORY,
	TICK_CFG_TEXT_INTAKE_OBSERVATION,
	TICK_CFG_TEXT_INTAKE_SEVERITY,
	TICK_CFG_TEXT_INTAKE_ANONYMOUS,
	TICK_CFG_TEXT_INTAKE_LOCATION,
	TICK_CFG_TEXT_INTAKE_DONE,
	TICK_CFG_TEXT_INTAKE_CRITICAL,
	TICK_CFG_TEXT_INTAKE_CHOOSE,
	TICK_CFG_TEXT_INTAKE_MORE_SITES,
	TICK_CFG_TEXT_INTAKE_SKIP,
	TICK_CFG_TEXT_INTAKE_STAY_ANONYMOUS,
	TICK_CFG_TEXT_INTAKE_USE_MY_NAME,
	/* Issue 15: where each pool's shared counters live (base/metrics). */
	TICK_CFG_METRICS_DIR,
	/* Reports and exports (issue 12). */
	TICK_CFG_TIMEZONE,
	TICK_CFG_EXPORT_MAX_ROWS,
	/* Business hours and SLA (issue 13). */
	TICK_CFG_SLA_WARNING_MINUTES,
	TICK_CFG_TEXT_OUT_OF_HOURS,
	TICK_CFG_TEXT_WELCOME,
	TICK_CFG_TEXT_SLA_WARNING,
	TICK_CFG_TEXT_SLA_BREACH,
	/* Retention (issue 13): days a closed ticket is kept; 0 forever. */
	TICK_CFG_RETENTION_DAYS,
	/* Issue 13: the rating asked on close (base/csat, core/csat). */
	TICK_CFG_CSAT,
	TICK_CFG_CSAT_TEMPLATE_NAME,
	TICK_CFG_CSAT_LOW_SCORE,
	TICK_CFG_CSAT_LOW_ACTION,
	TICK_CFG_CSAT_COMMENT_MINUTES,
	TICK_CFG_TEXT_CSAT_QUESTION,
	TICK_CFG_TEXT_CSAT_GOOD,
	TICK_CFG_TEXT_CSAT_OK,
	TICK_CFG_TEXT_CSAT_BAD,
	TICK_CFG_TEXT_CSAT_THANKS,
	/* AI safety checks (issue 17): ai/ and core/moderation. */
	TICK_CFG_MODERATION_PROVIDER,
	TICK_CFG_GEMINI_API_URL,
	TICK_CFG_GEMINI_MODEL,
	TICK_CFG_GEMINI_API_KEY,
	TICK_CFG_OPENROUTER_API_URL,
	TICK_CFG_OPENROUTER_MODEL,
	TICK_CFG_OPENROUTER_API_KEY,
	TICK_CFG_MODERATION_TIMEOUT_MS,
	TICK_CFG_MODERATION_ANONYMOUS,
	TICK_CFG_MODERATION_MAX_ATTEMPTS,
	TICK_CFG_MODERATION_IMAGES,
	TICK_CFG_MODERATION_MAX_IMAGE_BYTES,
	/* The guided intake offers the model's suggestion (issue 17). */
	TICK_CFG_MODERATION_SUGGEST_MIN_CONFIDENCE,
	TICK_CFG_TEXT_INTAKE_CONFIRM,
	TICK_CFG_TEXT_INTAKE_YES,
	TICK_CFG_TEXT_INTAKE_NO_CHOOSE,
	TICK_CFG_TEXT_MODERATION_NOTICE,
	/* Agent assistance (issue 17): core/assist. */
	TICK_CFG_ASSIST_LANGUAGE,
	TICK_CFG_ASSIST_MAX_CHARS,
	/* Issue 16: read marks and the typing indicator (1 on, 0 off), and
	 * the text put before each agent's reply ({agent}: their name). */
	TICK_CFG_WA_READ_RECEIPTS,
	TICK_CFG_WA_AGENT_PREFIX,
	/* Consent and the window (issue 16): keywords that stop or resume
	 * marketing (comma-separated, empty: off) and the reminder sent 23
	 * hours after a customer's last message (empty: off). */
	TICK_CFG_TEXT_OPT_OUT_KEYWORDS,
	TICK_CFG_TEXT_OPT_IN_KEYWORDS,
	TICK_CFG_WINDOW_REMINDER_TEXT,
	TICK_CFG__MAX
};

struct tick_config {
	/* Owned strings, NULL when unset; freed by tick_config_free(). */
	char *val[TICK_CFG__MAX];
	/* Parsed value of each numeric key (0 for the others). */
	long long num[TICK_CFG__MAX];
};

/* Empties cfg. */
void tick_config_init(struct tick_config *cfg);
/* Frees every value; cfg may be reused after tick_config_init(). */
void tick_config_free(struct tick_config *cfg);

/* The key's canonical name, such as "DB_HOST". */
const char *tick_config_name(enum tick_cfg key);

/*
 * Sets key from name=value unless it already has a value (the first source
 * wins). Unknown names are ignored and return TICK_ENOTFOUND.
 */
enum tick_err
tick_config_offer(struct tick_config *cfg, const char *name, const char *value);

/*
 * Reads KEY=VALUE lines from text[0..len): blank lines and # comments are
 * skipped, an optional "export " prefix and one pair of surrounding quotes
 * are removed. Errors name the line in err.
 */
enum tick_err tick_config_parse_text(struct tick_config *cfg, const char *text,
    size_t len, char *err, size_t errlen);

/* Applies defaults and validates every value; errors name the key in err. */
enum tick_err
tick_config_finish(struct tick_config *cfg, char *err, size_t errlen);

/* Environment, then the file, then tick_config_finish(). */
enum tick_err
tick_config_load(struct tick_config *cfg, char *err, size_t errlen);

/* The value of key, or NULL when unset. Borrowed from cfg. */
const char *tick_config_get(const struct tick_config *cfg, enum tick_cfg key);
/* The value of a numeric key. */
long long tick_config_num(const struct tick_config *cfg, enum tick_cfg key);

/* True when Cloudinary has a cloud name, an API key and a secret (given
 * one by one or as CLOUDINARY_URL=cloudinary://KEY:SECRET@CLOUD). */
int tick_config_cld_ready(const struct tick_config *cfg);

/* True when WhatsApp sending has a phone number id and an access token. */
int tick_config_wa_ready(const struct tick_config *cfg);

#endif
