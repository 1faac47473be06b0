#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app.h"
#include "clock.h"
#include "tickets.h"
#include "db.h"
#include "json.h"
#include "log.h"
#include "valid.h"
#include "wa.h"

/* Fault injection for the tests: TICK_FAULT_ALLOC=N fails the Nth JSON
 * allocation this process makes, once. */
static void
json_alloc_init(void)
{
	const char *e = getenv("TICK_FAULT_ALLOC");
	long long n = 0;

	if (e != NULL &&
	    tick_valid_num(e, strlen(e), 1, 100000000, &n) != TICK_OK)
		n = 0;
	tick_json_alloc_init(n);
}

enum tick_err
tick_app_config(struct tick_app *app, char *err, size_t errlen)
{
	json_alloc_init();
	tick_config_init(&app->cfg);
	return tick_config_load(&app->cfg, err, errlen);
}

enum tick_err
tick_app_open(struct tick_app *app)
{
	if ((app->db = tick_db_new(&app->cfg)) == NULL ||
	    (app->wa = tick_wa_client_new(&app->cfg)) == NULL)
		return TICK_ENOMEM;
	tick_clock_init();
	tick_ticket_set_sla_warning(
	    tick_config_num(&app->cfg, TICK_CFG_SLA_WARNING_MINUTES) * 60);
	if (tick_config_get(&app->cfg, TICK_CFG_DB_READ_HOST) != NULL &&
	    (app->read_db = tick_db_new_read(&app->cfg)) == NULL)
		return TICK_ENOMEM;
	return TICK_OK;
}

struct tick_db *
tick_app_read_db(struct tick_app *app)
{
	return app->read_db != NULL ? app->read_db : app->db;
}

void
tick_app_close(struct tick_app *app)
{
	tick_db_free(app->db);
	tick_db_free(app->read_db);
	tick_wa_client_free(app->wa);
	app->db = NULL;
	app->read_db = NULL;
	app->wa = NULL;
	tick_config_free(&app->cfg);
}
