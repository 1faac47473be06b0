/*
 * tick: the sign-in routes. Handlers only: sessions are http/session.h's,
 * passwords base/passwords.h's, the users table store/user.h's.
 */
#ifndef TICK_AUTH_H
#define TICK_AUTH_H

struct tick_req;

/* POST /api/auth/login: e-mail and password, throttled per (e-mail,
 * address); one 401 for every cause. Starts a session. */
void tick_auth_login(struct tick_req *req);
/* POST /api/auth/logout: revokes the token and clears the cookies. */
void tick_auth_logout(struct tick_req *req);
/* GET /api/auth/me (also /profile): the signed-in user, its permissions
 * and the limits the panel checks. */
void tick_auth_me(struct tick_req *req);
/* POST /api/auth/password: current and new password; ends every other
 * session and starts a new one. */
void tick_auth_password(struct tick_req *req);

#endif
