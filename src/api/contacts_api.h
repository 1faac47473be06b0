/*
 * tick: the routes of contacts (issue 13): /api/contacts CRUD and search,
 * the CSV import, merge, a person's erasure and their data as JSON; the
 * CSV export is served by the reports responder. Handlers only: the rules
 * are base/contact_rules, the SQL store/contacts, the files core/contacts_io
 * and erasure core/erase.
 */
#ifndef TICK_CONTACTS_API_H
#define TICK_CONTACTS_API_H

struct tick_req;

/* The most bytes POST /api/contacts/import/csv takes (nginx says the
 * same in tick.conf). */
#define TICK_CONTACTS_IMPORT_MAX_BODY (50u * 1024 * 1024)

/* GET /api/contacts?q&tag&page&limit; POST /api/contacts. */
void tick_contacts_list_route(struct tick_req *req);
void tick_contacts_create_route(struct tick_req *req);
/* GET, PUT, DELETE /api/contacts/:id. */
void tick_contacts_get_route(struct tick_req *req);
void tick_contacts_update_route(struct tick_req *req);
void tick_contacts_delete_route(struct tick_req *req);
/* POST /api/contacts/import/csv?dry_run=0|1, the body a CSV file. */
void tick_contacts_import_route(struct tick_req *req);
/* GET /api/contacts/export?bom=0|1: every contact as CSV, streamed. */
void tick_contacts_export_route(struct tick_req *req);
/* POST /api/contacts/:id/merge {contact_id}. */
void tick_contacts_merge_route(struct tick_req *req);
/* POST /api/contacts/:id/erase. */
void tick_contacts_erase_route(struct tick_req *req);
/* GET /api/contacts/:id/export: the person's data as JSON. */
void tick_contacts_data_route(struct tick_req *req);

#endif
