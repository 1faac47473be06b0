// Lists the panel picks from: the users (GET /api/users, a super_admin's)
// and the sites (GET /api/sites, only those the signed-in user may see).
import { get, query } from './api.js';

export const USERS_MAX = 500; // pickers list at most this many people
export const SITES_MAX = 500; // and at most this many sites
const PAGE = 100; // the API's largest page

// Every active user, a page at a time, at most USERS_MAX: {items,
// truncated}. Throws the API's error (403 for a role that may not list).
export async function activeUsers() {
  const items = [];
  let truncated = false;
  for (let page = 1; ; page += 1) {
    const data = await get(`/api/users${query({ page, limit: PAGE })}`);
    const got = data.items || [];
    items.push(...got.filter((u) => u.active));
    const total = Number(data.total || 0);
    if (got.length < PAGE || page * PAGE >= total) break;
    if (page * PAGE >= USERS_MAX) {
      truncated = true;
      break;
    }
  }
  return { items: items.slice(0, USERS_MAX), truncated };
}

// The sites the API shows this user: params as GET /api/sites takes them
// (active, q). Answers {items, total, truncated}.
export async function listSites(params = {}) {
  const items = [];
  let total = 0;
  for (let page = 1; ; page += 1) {
    const data = await get(`/api/sites${query({ ...params, page, limit: PAGE })}`);
    const got = data.items || [];
    items.push(...got);
    total = Number(data.total ?? items.length);
    if (got.length < PAGE || items.length >= total || items.length >= SITES_MAX) break;
  }
  return { items: items.slice(0, SITES_MAX), total, truncated: total > SITES_MAX };
}

// Sites and their sub-sites in one list, each sub-site after its site.
export function sitesInOrder(sites) {
  const top = sites.filter((s) => !s.parent_id);
  const subs = sites.filter((s) => s.parent_id);
  const out = [];
  for (const s of top) {
    out.push(s);
    out.push(...subs.filter((x) => Number(x.parent_id) === Number(s.id)));
  }
  // Sub-sites whose site is not in the list (a manager of one sub-site).
  for (const x of subs) if (!out.includes(x)) out.push(x);
  return out;
}
