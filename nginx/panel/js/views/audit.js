// The audit log (super_admin), newest first: GET /api/audit?page&limit&action.
import { get, query } from '../api.js';
import { clear, h, nextId, notice } from '../dom.js';
import { dateTime } from '../format.js';

export function mount(main, ctx) {
  let destroyed = false;
  let page = Math.max(1, parseInt(ctx.query.get('page') || '1', 10) || 1);
  let action = (ctx.query.get('action') || '').slice(0, 64);
  const limit = 50;
  const status = h('div', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { class: 'audit-list' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  const actionId = nextId('action');
  const actionInput = h('input', { id: actionId, type: 'search', value: action, placeholder: 'such as auth.login', maxlength: 64 });
  const filter = h('form', { class: 'search', role: 'search' },
    h('label', { for: actionId }, 'Action'), actionInput, h('button', { type: 'submit', class: 'btn' }, 'Filter'));
  filter.addEventListener('submit', (e) => {
    e.preventDefault();
    action = actionInput.value.trim();
    page = 1;
    load();
  });

  main.append(h('div', { class: 'page-head' }, h('h1', {}, 'Audit log')), h('section', { class: 'filters' }, filter), status, list, pager);

  async function load() {
    const q = new URLSearchParams();
    if (page > 1) q.set('page', String(page));
    if (action) q.set('action', action);
    const hash = `#/audit${q.toString() ? `?${q}` : ''}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
    try {
      const data = await get(`/api/audit${query({ page, limit, action })}`);
      if (destroyed) return;
      const items = data.items || [];
      const total = Number(data.total || 0);
      clear(status, `${total} entr${total === 1 ? 'y' : 'ies'}`);
      clear(list, items.length ? h('table', { class: 'table audit' },
        h('thead', {}, h('tr', {}, ['When', 'Who', 'Action', 'On', 'From', 'Details'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, items.map((a) => h('tr', {},
          h('td', { 'data-label': 'When' }, h('time', { datetime: a.created_at }, dateTime(a.created_at))),
          h('td', { 'data-label': 'Who' }, a.actor_email || (a.actor_id ? `#${a.actor_id}` : '—')),
          h('td', { 'data-label': 'Action' }, h('code', {}, a.action)),
          h('td', { 'data-label': 'On' }, a.entity ? `${a.entity}${a.entity_id ? ` ${a.entity_id}` : ''}` : '—'),
          h('td', { 'data-label': 'From' }, a.remote_addr || '—'),
          h('td', { 'data-label': 'Details', class: 'details-cell' }, a.details ? h('code', { class: 'json' }, JSON.stringify(a.details)) : '—')))))
        : h('p', { class: 'empty' }, 'Nothing recorded.'));
      const pages = Math.max(1, Math.ceil(total / limit));
      clear(pager,
        h('button', { type: 'button', class: 'btn', disabled: page <= 1, onclick: () => { page -= 1; load(); } }, '← Newer'),
        h('span', { class: 'pager-info' }, `Page ${page} of ${pages}`),
        h('button', { type: 'button', class: 'btn', disabled: page >= pages, onclick: () => { page += 1; load(); } }, 'Older →'));
      pager.hidden = pages <= 1;
    } catch (err) {
      if (destroyed || err.status === 401) return;
      clear(status, notice('error', `The audit log could not be loaded: ${err.message}`));
    }
  }

  main.classList.add('wide');
  load();
  return { destroy() { destroyed = true; main.classList.remove('wide'); } };
}
