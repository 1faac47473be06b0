/*
 * tick: the command line. `tick migrate` applies the schema; `tick outbox`
 * sends what the Graph API did not take the first time (safe from cron).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <mysql.h>

#include "app.h"
#include "assign.h"
#include "audit.h"
#include "db.h"
#include "erase.h"
#include "events.h"
#include "log.h"
#include "media.h"
#include "ingest.h"
#include "hooks_out.h"
#include "moderation.h"
#include "notices.h"
#include "outbox.h"
#include "sla.h"
#include "clock.h"
#include "passwords.h"
#include "reports.h"
#include "template_flow.h"
#include "throttle.h"
#include "user.h"
#include "valid.h"

extern const struct tick_migration tick_migrations[];
extern const size_t tick_migrations_count;

static int
usage(void)
{
	fprintf(stderr,
	    "usage: tick migrate     apply the database schema (idempotent)\n"
	    "       tick outbox      send due WhatsApp messages again (for cron)\n"
	    "       tick user add --email E --name N --role R\n"
	    "                        a new user; the password is read from standard\n"
	    "                        input, or generated and printed once\n"
	    "       tick user passwd --email E\n"
	    "                        a new password (standard input, or generated)\n"
	    "       tick user ensure-admin\n"
	    "                        a super_admin from DEFAULT_ADMIN_EMAIL and\n"
	    "                        DEFAULT_ADMIN_PASSWORD when there is none\n"
	    "       tick templates sync\n"
	    "                        the WhatsApp template library from Meta\n"
	    "                        (WHATSAPP_BUSINESS_ACCOUNT_ID)\n"
	    "       tick version\n");
	return 2;
}

static int
migrate(struct tick_app *app)
{
	long long version = 0;
	int applied = 0, known = 0;

	if (tick_db_migrate(app->db, tick_migrations, tick_migrations_count,
	        &applied) != TICK_OK) {
		fprintf(stderr, "tick migrate: failed: %s\n",
		    tick_db_error(app->db));
		return 1;
	}
	(void)tick_db_schema_version(app->db, &version);
	printf("tick migrate: %d applied, schema version %lld\n", applied,
	    version);
	/* Reports count days in named zones: MariaDB's own tables, which a
	 * migration cannot load (they live in the mysql schema). */
	if (tick_reports_tz_known(app->db, "UTC", &known) == TICK_OK && !known)
		fprintf(stderr,
		    "tick migrate: MariaDB's time zone tables are empty, so "
		    "reports answer 422 for every tz; load them as root: "
		    "mariadb-tzinfo-to-sql /usr/share/zoneinfo | mariadb -u root "
		    "mysql\n");
	return 0;
}

static int
outbox(struct tick_app *app)
{
	struct tick_outbox_stats st;
	struct tick_media_stats ms;
	struct tick_hooks_stats hs;
	struct tick_retention_stats rs;
	struct tick_moderation_stats mo;
	long long pruned = 0, bodies = 0, pairs = 0, assigned = 0, alerts = 0,
	          reminders = 0;

	/* SLA warnings and escalations first (issue 13): their texts are
	 * outbox rows this run sends. */
	if (tick_sla_sweep(app, tick_clock_now(), &alerts) != TICK_OK ||
	    tick_notices_window_reminders(app, tick_clock_now(), &reminders) !=
	        TICK_OK ||
	    tick_outbox_run(app, &st) != TICK_OK ||
	    tick_assign_drain_all(app->db, &assigned) != TICK_OK ||
	    tick_media_run(app, &ms) != TICK_OK ||
	    tick_hooks_run(app, &hs) != TICK_OK ||
	    tick_moderation_run(app, &mo) != TICK_OK ||
	    tick_events_prune(app->db, &pruned) != TICK_OK ||
	    tick_throttle_prune(app->db, &pairs) != TICK_OK ||
	    tick_ingest_prune_events(app->db,
	        tick_config_num(&app->cfg, TICK_CFG_WEBHOOK_RETENTION_DAYS),
	        &bodies) != TICK_OK ||
	    tick_retention_run(app, &rs) != TICK_OK) {
		fprintf(stderr, "tick outbox: database error: %s\n",
		    tick_db_error(app->db));
		return 1;
	}
	printf("tick outbox: %d due, %d sent, %d failed; media: %d due, %d stored, "
	       "%d not yet; %lld old events pruned; %lld webhook bodies pruned; "
	       "%lld sign-in records pruned; webhooks: %lld made, %d due, "
	       "%d delivered, %d failed, %d dead, %d disabled\n",
	    st.picked, st.sent, st.failed, ms.picked, ms.stored, ms.failed,
	    pruned, bodies, pairs, hs.made, hs.picked, hs.delivered, hs.failed,
	    hs.dead, hs.disabled);
	if (alerts > 0)
		printf("tick outbox: %lld SLA alerts\n", alerts);
	/* The window reminder (issue 16, WINDOW_REMINDER_TEXT). */
	if (reminders > 0)
		printf("tick outbox: %lld window reminders\n", reminders);
	/* AI safety checks (issue 17), when a provider is configured. */
	if (mo.picked > 0)
		printf("tick outbox: moderation: %d due, %d done (%d flagged), "
		       "%d later, %d failed\n",
		    mo.picked, mo.done, mo.flagged, mo.retry, mo.failed);
	/* Waiting tickets of automatic teams (issue 13). */
	if (assigned > 0)
		printf("tick outbox: %lld waiting tickets assigned\n",
		    assigned);
	/* Retention and erasure (issue 13). */
	if (rs.tickets > 0 || rs.destroyed > 0 || rs.failed > 0)
		printf("tick outbox: retention: %lld tickets erased; "
		       "Cloudinary: %lld files destroyed, %lld to retry\n",
		    rs.tickets, rs.destroyed, rs.failed);
	return 0;
}

/* The password from standard input (first line) when it is not a
 * terminal and has one, else a generated one (*generated set). */
static enum tick_err
read_password(char *out, size_t outsz, int *generated)
{
	*generated = 0;
	if (!isatty(STDIN_FILENO) && fgets(out, (int)outsz, stdin) != NULL) {
		out[strcspn(out, "\r\n")] = '\0';
		if (out[0] != '\0')
			return tick_password_valid(out);
	}
	*generated = 1;
	return tick_password_generate(out, outsz);
}

static const char *
opt(int argc, char **argv, const char *name)
{
	for (int i = 3; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

static int
user_add(struct tick_app *app, const char *email, const char *name,
    const char *role, const char *password, int print_password)
{
	char pw[TICK_PASSWORD_MAX + 2], hash[TICK_HASH_MAX];
	int generated = 0, r;
	long long id = 0;
	enum tick_err rc;

	if (email == NULL || !tick_valid_email(email, 254)) {
		fprintf(stderr,
		    "tick user: --email: a valid address is required\n");
		return 2;
	}
	if (name == NULL || *name == '\0' || strlen(name) > 100 ||
	    !tick_valid_utf8(name, strlen(name))) {
		fprintf(stderr,
		    "tick user: --name: 1 to 100 characters required\n");
		return 2;
	}
	if ((r = tick_role_parse(role)) < 0) {
		fprintf(stderr,
		    "tick user: --role: super_admin, site_manager, agent or reporter\n");
		return 2;
	}
	if (password != NULL)
		snprintf(pw, sizeof(pw), "%s", password);
	if ((password == NULL &&
	        read_password(pw, sizeof(pw), &generated) != TICK_OK) ||
	    (password != NULL && tick_password_valid(pw) != TICK_OK)) {
		fprintf(stderr,
		    "tick user: the password must be 10 to 128 bytes\n");
		return 2;
	}
	if (tick_password_hash(&app->cfg, pw, hash, sizeof(hash)) != TICK_OK) {
		fprintf(stderr, "tick user: could not hash the password\n");
		return 1;
	}
	rc = tick_user_create(app->db, email, name, hash, (enum tick_role)r, 1,
	    &id);
	if (rc == TICK_ECONFLICT) {
		fprintf(stderr, "tick user: %s already exists\n", email);
		return 1;
	}
	if (rc != TICK_OK) {
		fprintf(stderr, "tick user: %s\n", tick_db_error(app->db));
		return 1;
	}
	(void)tick_audit(app->db, 0, "cli", "user.create", "user", NULL, "cli",
	    json_pack("{s:s, s:s}", "email", email, "role", role));
	printf("tick user: created %s (%s), id %lld\n", email, role, id);
	if (generated || print_password)
		printf("  password: %s\n", pw);
	explicit_bzero(pw, sizeof(pw));
	return 0;
}

static int
user_passwd(struct tick_app *app, const char *email)
{
	char pw[TICK_PASSWORD_MAX + 2], hash[TICK_HASH_MAX];
	struct tick_user u;
	int generated = 0;

	if (email == NULL ||
	    tick_user_by_email(app->db, email, &u) != TICK_OK) {
		fprintf(stderr, "tick user passwd: no user with --email %s\n",
		    email ? email : "(none)");
		return 1;
	}
	if (read_password(pw, sizeof(pw), &generated) != TICK_OK) {
		fprintf(stderr,
		    "tick user passwd: the password must be 10 to 128 bytes\n");
		return 2;
	}
	if (tick_password_hash(&app->cfg, pw, hash, sizeof(hash)) != TICK_OK ||
	    tick_user_set_hash(app->db, u.id, hash, 1) != TICK_OK) {
		fprintf(stderr, "tick user passwd: failed\n");
		return 1;
	}
	(void)tick_audit(app->db, 0, "cli", "user.update", "user", NULL, "cli",
	    json_pack("{s:s, s:s}", "email", u.email, "password", "changed"));
	printf("tick user passwd: password of %s changed; its sessions ended\n",
	    u.email);
	if (generated)
		printf("  password: %s\n", pw);
	explicit_bzero(pw, sizeof(pw));
	return 0;
}

static int
user_ensure_admin(struct tick_app *app)
{
	const char *email = tick_config_get(&app->cfg,
	    TICK_CFG_DEFAULT_ADMIN_EMAIL);
	const char *pw = tick_config_get(&app->cfg,
	    TICK_CFG_DEFAULT_ADMIN_PASSWORD);
	char gen[TICK_PASSWORD_GENERATED + 1];
	int generated = 0;
	long long n = 0;

	if (tick_user_count_admins(app->db, &n) != TICK_OK) {
		fprintf(stderr, "tick user ensure-admin: %s\n",
		    tick_db_error(app->db));
		return 1;
	}
	if (n > 0)
		return 0;
	if (pw == NULL || *pw == '\0') {
		if (tick_password_generate(gen, sizeof(gen)) != TICK_OK)
			return 1;
		pw = gen;
		generated = 1;
	}
	return user_add(app, email && *email ? email : "admin@example.com",
	    "Administrator", "super_admin", pw, generated);
}

static int
user(struct tick_app *app, int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[2], "add") == 0)
		return user_add(app, opt(argc, argv, "--email"),
		    opt(argc, argv, "--name"), opt(argc, argv, "--role"), NULL,
		    0);
	if (argc >= 3 && strcmp(argv[2], "passwd") == 0)
		return user_passwd(app, opt(argc, argv, "--email"));
	if (argc == 3 && strcmp(argv[2], "ensure-admin") == 0)
		return user_ensure_admin(app);
	return usage();
}

static int
templates(struct tick_app *app, int argc, char **argv)
{
	struct tick_template_sync st;
	struct tick_wa_result res;
	enum tick_err rc;

	if (argc != 3 || strcmp(argv[2], "sync") != 0)
		return usage();
	rc = tick_templates_sync(app, &st, &res);
	if (rc != TICK_OK) {
		fprintf(stderr,
		    "tick templates sync: %s%s%s (after %d pages, "
		    "%lld stored)\n",
		    tick_strerror(rc), res.error_title[0] ? ": " : "",
		    res.error_title, st.pages, st.stored);
		return 1;
	}
	printf("tick templates sync: %d pages, %lld stored, %lld skipped, "
	       "%lld removed\n",
	    st.pages, st.stored, st.skipped, st.removed);
	return 0;
}

int
main(int argc, char **argv)
{
	struct tick_app app;
	char err[512];
	int rc = 1;

	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "version") == 0) {
		printf("tick %s\nconfiguration: TICK_CONFIG, else ./tick.env, "
		       "else %s\ndata: %s\n",
		    PACKAGE_VERSION, TICK_CONFIG_SYSTEM_FILE, TICK_DATADIR);
		return 0;
	}
	if (strcmp(argv[1], "migrate") != 0 && strcmp(argv[1], "outbox") != 0 &&
	    strcmp(argv[1], "user") != 0 && strcmp(argv[1], "templates") != 0)
		return usage();
	memset(&app, 0, sizeof(app));
	app.name = "tick";
	if (tick_app_config(&app, err, sizeof(err)) != TICK_OK) {
		fprintf(stderr, "tick: configuration: %s\n", err);
		goto out;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    tick_app_open(&app) != TICK_OK)
		goto out;
	if (tick_db_connect(app.db) != TICK_OK) {
		fprintf(stderr,
		    "tick: cannot connect to the database (DB_HOST, DB_SOCKET, DB_USER)\n");
		goto out;
	}
	if (strcmp(argv[1], "user") == 0)
		rc = user(&app, argc, argv);
	else if (strcmp(argv[1], "templates") == 0)
		rc = templates(&app, argc, argv);
	else if (argc != 2)
		rc = usage();
	else
		rc = strcmp(argv[1], "migrate") == 0 ? migrate(&app) :
		                                       outbox(&app);
out:
	tick_app_close(&app);
	mysql_library_end();
	curl_global_cleanup();
	return rc;
}
