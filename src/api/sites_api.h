/*
 * tick: the sites API (issue 11). Handlers only: the tables are
 * store/sites.h's, the fields' rules base/site_rules.h's, the images
 * base/qr.h's, Meta's QR code API and the business number wa/wa.h's.
 * super_admin writes (TICK_PERM_SITES_ADMIN); every role reads
 * (TICK_PERM_SITES_READ), a site_manager (and a reporter linked to sites)
 * only the sites it manages and their sub-sites: any other is 404.
 */
#ifndef TICK_SITES_API_H
#define TICK_SITES_API_H

struct tick_req;

/* GET /api/sites?active=0|1&q=&page&limit: {items, total, page, limit},
 * each sub-site after its site. */
void tick_sites_list(struct tick_req *req);
/* POST /api/sites {code, name, address?, latitude?, longitude?, active?,
 * parent_id?}: 201 with the site; 409 duplicate; 422 per field. With
 * WHATSAPP_QR_API=1 the site's prefilled text is registered with Meta's
 * QR code API too; when that fails the site stays, "qr" is null and
 * "qr_error" says why. */
void tick_sites_create(struct tick_req *req);
/* GET /api/sites/:id. */
void tick_sites_get(struct tick_req *req);
/* PUT /api/sites/:id: the fields given change (null clears address and,
 * together, latitude and longitude; parent_id null makes it a site of
 * its own); active false deactivates its sub-sites too. */
void tick_sites_update(struct tick_req *req);
/* DELETE /api/sites/:id: deactivates it and its sub-sites; rows stay. */
void tick_sites_delete(struct tick_req *req);
/* GET /api/sites/:id/subsites?active&q&page&limit. */
void tick_sites_subsites(struct tick_req *req);
/* POST /api/sites/:id/subsites: a sub-site of :id (which must not be a
 * sub-site itself: 422 parent_id). */
void tick_sites_subsite_create(struct tick_req *req);
/* PUT /api/sites/:id/managers {user_ids}: the site's managers become
 * exactly these active users (at most TICK_SITE_MANAGERS_MAX); unknown or
 * inactive ones are 422 naming user_ids. */
void tick_sites_managers(struct tick_req *req);
/*
 * GET /api/sites/:id/qr?format=png|svg&size=N: the QR code of
 * https://wa.me/<business number>?text=<TEXT_SITE_QR_PREFILL>, size
 * pixels wide (TICK_QR_SIZE_DEFAULT, TICK_QR_SIZE_MIN..TICK_QR_SIZE_MAX,
 * 422 outside); Cache-Control private with max-age, an ETag, 304 to a
 * matching If-None-Match; 503 business_number_unknown when neither
 * WHATSAPP_DISPLAY_PHONE_NUMBER nor the Graph API gives the number.
 */
void tick_sites_qr(struct tick_req *req);
/* POST /api/sites/:id/qr/refresh: registers the site's prefilled text
 * with Meta's QR code API again now (503 qr_api_off unless
 * WHATSAPP_QR_API=1; 502 when Meta fails). */
void tick_sites_qr_refresh(struct tick_req *req);
/* GET /api/whatsapp/qr?format=png|svg&size=N: the desk's own number, no
 * text. */
void tick_sites_desk_qr(struct tick_req *req);

#endif
