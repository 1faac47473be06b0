#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app.h"
#include "db.h"
#include "log.h"
#include "valid.h"
#include "wa.h"

/* Fault injection for the tests: TICK_FAULT_ALLOC=N fails the Nth JSON
 * allocation this process makes, once. */
static long long alloc_at = -1, alloc_n;

static void *
fault_malloc(size_t size)
{
	if (++alloc_n == alloc_at) {
		tick_log_warn("%s: allocation %lld failed on purpose", __func__,
		    alloc_n);
		return NULL;
	}
	return malloc(size);
}

static void
fault_alloc_init(void)
{
	const char *e = getenv("TICK_FAULT_ALLOC");

	if (e != NULL &&
	    tick_valid_num(e, strlen(e), 1, 100000000, &alloc_at) == TICK_OK)
		json_set_alloc_funcs(fault_malloc, free);
}

enum tick_err
tick_app_config(struct tick_app *app, char *err, size_t errlen)
{
	fault_alloc_init();
	tick_config_init(&app->cfg);
	return tick_config_load(&app->cfg, err, errlen);
}

enum tick_err
tick_app_open(struct tick_app *app)
{
	if ((app->db = tick_db_new(&app->cfg)) == NULL ||
	    (app->wa = tick_wa_client_new(&app->cfg)) == NULL)
		return TICK_ENOMEM;
	return TICK_OK;
}

void
tick_app_close(struct tick_app *app)
{
	tick_db_free(app->db);
	tick_wa_client_free(app->wa);
	app->db = NULL;
	app->wa = NULL;
	tick_config_free(&app->cfg);
}
