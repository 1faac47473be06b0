// Who is signed in and what their role allows (GET /api/auth/me).

export const session = {
  user: null,
  perms: new Set(),
};

export function setUser(user) {
  session.user = user;
  session.perms = new Set(user && Array.isArray(user.permissions) ? user.permissions : []);
}

export function can(perm) {
  return session.perms.has(perm);
}

export function canAny(...perms) {
  return perms.some((p) => session.perms.has(p));
}

export function isAdmin() {
  return can('tickets.admin');
}
