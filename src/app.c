#include <string.h>

#include "app.h"
#include "db.h"
#include "wa.h"

enum tick_err
tick_app_config(struct tick_app *app, char *err, size_t errlen)
{
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
