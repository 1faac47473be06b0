/*
 * tick: canned replies shared by the desk (issue 16). Everyone who reads
 * tickets lists and reads them; super_admin and site_manager
 * (canned.admin) create, change and delete them, each change audited.
 * The panel fills {name}, {reference} and {agent} when it inserts one.
 */
#ifndef TICK_CANNED_API_H
#define TICK_CANNED_API_H

struct tick_req;

/* GET /api/canned-replies?q=: by code; q searches code and title. */
void tick_canned_list_route(struct tick_req *req);
/* POST /api/canned-replies {code, title, text, buttons?}: 201. */
void tick_canned_create_route(struct tick_req *req);
/* GET /api/canned-replies/:id */
void tick_canned_get_route(struct tick_req *req);
/* PUT /api/canned-replies/:id: the members given change. */
void tick_canned_update_route(struct tick_req *req);
/* DELETE /api/canned-replies/:id */
void tick_canned_delete_route(struct tick_req *req);

#endif
