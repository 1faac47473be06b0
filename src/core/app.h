/* tick: what one worker process holds between requests. */
#ifndef TICK_APP_H
#define TICK_APP_H

#include <time.h>

#include "config.h"
#include "err.h"

struct tick_db;
struct tick_wa_client;

struct tick_app {
	const char *name;       /* responder name, for logs and health */
	struct tick_config cfg; /* owned */
	struct tick_db *db;     /* owned; connects lazily */
	/* owned; DB_READ_HOST's connection, NULL when unset (reads go to db) */
	struct tick_db *read_db;
	struct tick_wa_client *wa; /* owned; one curl handle per worker */
	time_t started; /* when the responder (not the worker) started */
};

/* Loads the configuration into app (error text in err). */
enum tick_err tick_app_config(struct tick_app *app, char *err, size_t errlen);
/* Creates the database handle and Graph client; call in each worker. */
enum tick_err tick_app_open(struct tick_app *app);
/* The handle for reads that may lag a little (reports, exports, the
 * dashboard): DB_READ_HOST's when set, else app->db. Borrowed. */
struct tick_db *tick_app_read_db(struct tick_app *app);
/* Frees what tick_app_open() and tick_app_config() made. */
void tick_app_close(struct tick_app *app);

#endif
