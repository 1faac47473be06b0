// Corrective actions across tickets (issue 11): GET /api/actions with
// owner (me or anyone the user may see), overdue, status and site; the
// filters live in the URL (#/actions?owner=all&overdue=1&status=open).
import { get, query } from '../api.js';
import { clear, h, nextId, notice } from '../dom.js';
import { actionStatusLabel, dueDate } from '../format.js';
import { listSites, sitesInOrder } from '../people.js';

const STATUSES = [['open', 'Open'], ['done', 'Done'], ['cancelled', 'Cancelled'], ['any', 'Any']];
const LIMIT = 50;

function stateFrom(q) {
  return {
    owner: q.get('owner') === 'all' ? 'all' : 'me',
    overdue: q.get('overdue') === '1',
    status: STATUSES.some(([v]) => v === q.get('status')) ? q.get('status') : 'open',
    site: /^\d{1,10}$/.test(q.get('site') || '') ? q.get('site') : '',
    page: Math.max(1, parseInt(q.get('page') || '1', 10) || 1),
  };
}

function hashOf(st) {
  const q = new URLSearchParams();
  if (st.owner !== 'me') q.set('owner', st.owner);
  if (st.overdue) q.set('overdue', '1');
  if (st.status !== 'open') q.set('status', st.status);
  if (st.site) q.set('site', st.site);
  if (st.page > 1) q.set('page', String(st.page));
  const s = q.toString();
  return s ? `#/actions?${s}` : '#/actions';
}

// The overdue mark: a word and a sign, never colour alone.
export function overdueMark() {
  return h('span', { class: 'badge overdue' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), 'Overdue');
}

export function mount(main, ctx) {
  const st = stateFrom(ctx.query);
  let seq = 0;
  let destroyed = false;

  const ownerName = nextId('owner');
  const ownerSet = h('fieldset', { class: 'filter-group segmented' }, h('legend', {}, 'Owner'),
    [['me', 'Mine'], ['all', 'Everyone']].map(([v, t]) => {
      const id = nextId(`owner-${v}`);
      const r = h('input', { type: 'radio', name: ownerName, id, value: v, checked: st.owner === v });
      r.addEventListener('change', () => {
        if (!r.checked) return;
        st.owner = v;
        st.page = 1;
        update();
      });
      return h('span', { class: 'seg' }, r, h('label', { for: id }, t));
    }));
  const overdueId = nextId('overdue');
  const overdue = h('input', { type: 'checkbox', id: overdueId, checked: st.overdue });
  overdue.addEventListener('change', () => {
    st.overdue = overdue.checked;
    st.page = 1;
    update();
  });
  const statusId = nextId('astatus');
  const status = h('select', { id: statusId }, STATUSES.map(([v, t]) => h('option', { value: v, selected: v === st.status }, t)));
  status.addEventListener('change', () => {
    st.status = status.value;
    st.page = 1;
    update();
  });
  const siteId = nextId('asite');
  const site = h('select', { id: siteId }, h('option', { value: '' }, 'All sites'));
  site.addEventListener('change', () => {
    st.site = site.value;
    st.page = 1;
    update();
  });
  const filters = h('section', { class: 'filters', 'aria-label': 'Filters' }, h('div', { class: 'filter-row' },
    ownerSet,
    h('div', { class: 'filter-group inline-fields' },
      h('span', { class: 'field-inline' }, overdue, h('label', { for: overdueId }, 'Overdue only')),
      h('span', { class: 'field-inline' }, h('label', { for: statusId }, 'Status'), status),
      h('span', { class: 'field-inline' }, h('label', { for: siteId }, 'Site'), site))));

  const listStatus = h('div', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { class: 'actions-list' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  main.append(h('div', { class: 'page-head' }, h('h1', {}, 'Corrective actions')), filters, listStatus, list, pager);

  function update() {
    const hash = hashOf(st);
    if (location.hash !== hash) history.replaceState(null, '', hash);
    load();
  }

  async function loadSites() {
    try {
      const { items } = await listSites({ active: 1 });
      if (destroyed) return;
      clear(site, h('option', { value: '' }, 'All sites'),
        sitesInOrder(items).map((s) => h('option', { value: String(s.id), selected: String(s.id) === st.site },
          `${s.parent_id ? '— ' : ''}${s.code} · ${s.name}`)));
    } catch (e) {
      site.disabled = true; // the list still works without the site filter
    }
  }

  function row(a) {
    const late = Boolean(a.overdue);
    return h('tr', { class: ['action-row', late ? 'is-overdue' : ''], dataset: { id: String(a.id) } },
      h('td', { 'data-label': 'Due' }, h('time', { datetime: a.due_date }, dueDate(a.due_date)), late ? [' ', overdueMark()] : null),
      h('td', { 'data-label': 'Action', class: 'c-desc' }, a.description || ''),
      h('td', { 'data-label': 'Ticket' }, h('a', { href: `#/tickets/${a.ticket_id}`, class: 'ref' }, a.ticket_reference || `#${a.ticket_id}`)),
      h('td', { 'data-label': 'Owner' }, a.owner ? (a.owner.name || `#${a.owner.id}`) : ''),
      h('td', { 'data-label': 'Status' }, h('span', { class: `badge action-${a.status}` }, actionStatusLabel(a.status))));
  }

  async function load() {
    const mySeq = ++seq;
    list.setAttribute('aria-busy', 'true');
    const params = {
      owner: st.owner === 'me' ? 'me' : null,
      overdue: st.overdue ? 1 : null,
      status: st.status === 'any' ? null : st.status,
      site: st.site || null,
      page: st.page,
      limit: LIMIT,
    };
    try {
      const data = await get(`/api/actions${query(params)}`);
      if (destroyed || mySeq !== seq) return;
      const items = data.items || [];
      const total = Number(data.total ?? items.length);
      clear(listStatus, `${total} action${total === 1 ? '' : 's'}`);
      clear(list, items.length
        ? h('table', { class: 'table actions-table' },
          h('caption', { class: 'sr-only' }, 'Corrective actions'),
          h('thead', {}, h('tr', {}, ['Due', 'Action', 'Ticket', 'Owner', 'Status'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, items.map(row)))
        : h('p', { class: 'empty' }, st.owner === 'me' && !st.overdue && st.status === 'open' && !st.site
          ? 'You have no open actions.' : 'No actions match these filters.'));
      const pages = Math.max(1, Math.ceil(total / LIMIT));
      const go = (p) => () => { st.page = p; update(); };
      clear(pager,
        h('button', { type: 'button', class: 'btn', disabled: st.page <= 1, onclick: go(st.page - 1) }, '← Previous'),
        h('span', { class: 'pager-info' }, `Page ${Math.min(st.page, pages)} of ${pages}`),
        h('button', { type: 'button', class: 'btn', disabled: st.page >= pages, onclick: go(st.page + 1) }, 'Next →'));
      pager.hidden = pages <= 1 && st.page === 1;
    } catch (err) {
      if (destroyed || mySeq !== seq || err.status === 401) return;
      clear(listStatus, notice('error', `The actions could not be loaded: ${err.message} `,
        h('button', { type: 'button', class: 'btn btn-small', onclick: load }, 'Try again')));
      clear(list);
    } finally {
      if (mySeq === seq) list.removeAttribute('aria-busy');
    }
  }

  main.classList.add('wide');
  loadSites();
  load();
  return {
    onEvent(ev) {
      if (ev.type && /^action\./.test(ev.type)) load();
    },
    refresh: load,
    destroy() { destroyed = true; main.classList.remove('wide'); },
  };
}
