/*
 * tick: the users API (super_admin). Handlers only: the users table is
 * store/user.h's, passwords are base/passwords.h's.
 */
#ifndef TICK_USERS_H
#define TICK_USERS_H

struct tick_req;

/* GET /api/users?page&limit: one page of users by id. */
void tick_users_list(struct tick_req *req);
/* POST /api/users (also /api/auth/register): a new user; without a password one is generated and
 * answered once as "generated_password". 409 when the e-mail is taken. */
void tick_users_create(struct tick_req *req);
/* GET /api/users/:id. */
void tick_users_get(struct tick_req *req);
/* PUT /api/users/:id: a new password or a deactivation ends the user's
 * sessions; 409 when it would leave no active super_admin. */
void tick_users_update(struct tick_req *req);
/* DELETE /api/users/:id: deactivates (the record and its history stay);
 * never oneself nor the last active super_admin (409). */
void tick_users_delete(struct tick_req *req);

#endif
