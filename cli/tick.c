/*
 * tick: the command line. `tick migrate` applies the schema; `tick outbox`
 * sends what the Graph API did not take the first time (safe from cron).
 */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <mysql.h>

#include "app.h"
#include "db.h"
#include "log.h"
#include "outbox.h"

extern const struct tick_migration tick_migrations[];
extern const size_t tick_migrations_count;

static int
usage(void)
{
	fprintf(stderr,
	    "usage: tick migrate     apply the database schema (idempotent)\n"
	    "       tick outbox      send due WhatsApp messages again (for cron)\n"
	    "       tick version\n");
	return 2;
}

static int
migrate(struct tick_app *app)
{
	long long version = 0;
	int applied = 0;

	if (tick_db_migrate(app->db, tick_migrations, tick_migrations_count,
	        &applied) != TICK_OK) {
		fprintf(stderr, "tick migrate: failed: %s\n",
		    tick_db_error(app->db));
		return 1;
	}
	(void)tick_db_schema_version(app->db, &version);
	printf("tick migrate: %d applied, schema version %lld\n", applied,
	    version);
	return 0;
}

static int
outbox(struct tick_app *app)
{
	struct tick_outbox_stats st;

	if (tick_outbox_run(app, &st) != TICK_OK) {
		fprintf(stderr, "tick outbox: database error: %s\n",
		    tick_db_error(app->db));
		return 1;
	}
	printf("tick outbox: %d due, %d sent, %d failed\n", st.picked, st.sent,
	    st.failed);
	return 0;
}

int
main(int argc, char **argv)
{
	struct tick_app app;
	char err[512];
	int rc = 1;

	if (argc != 2)
		return usage();
	if (strcmp(argv[1], "version") == 0) {
		printf("tick %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "migrate") != 0 && strcmp(argv[1], "outbox") != 0)
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
	rc = strcmp(argv[1], "migrate") == 0 ? migrate(&app) : outbox(&app);
out:
	tick_app_close(&app);
	mysql_library_end();
	curl_global_cleanup();
	return rc;
}
