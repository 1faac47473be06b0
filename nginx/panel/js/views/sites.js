// Sites (issue 11): the list with search and an active filter
// (#/sites?q=..&active=1|0|all), a super_admin's create form, and one
// site's page (#/sites/:id): its details (edit), QR code downloads and
// poster, sub-sites, managers and deactivation. Both show the open and
// overdue corrective actions of the site's tickets. A site_manager sees only
// the sites the API answers for them (its own), read-only.
import { api, get, query } from '../api.js';
import { confirmDialog } from '../confirm.js';
import { clear, field, h, nextId, notice, setBusy, showFieldErrors } from '../dom.js';
import { dateTime, roleLabel } from '../format.js';
import { activeUsers, USERS_MAX } from '../people.js';
import { can, session } from '../session.js';
import { createFigures, DEFAULT_DAYS } from './dashboard.js';

const ACTIVE = [['1', 'Active'], ['0', 'Inactive'], ['all', 'All']];
const LIMIT = 50;
export const QR_SIZE = 1024; // pixels of the PNG download, for print

// Only a super_admin writes sites; everyone else reads what the API shows.
export function mayWriteSites() {
  return Boolean(session.user && session.user.role === 'super_admin');
}

// Who sees the Sites screen at all.
export function maySeeSites() {
  return Boolean(session.user && ['super_admin', 'site_manager'].includes(session.user.role));
}

function restList(rest) {
  const e = Object.entries(rest || {});
  return e.length ? h('ul', {}, e.map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null;
}

// The form's fields of a site; values from site when editing.
function siteFields(site, { withCoordinates = true } = {}) {
  const v = (k) => (site && site[k] !== null && site[k] !== undefined ? String(site[k]) : '');
  const f = {
    code: field('code', 'Code', { maxlength: 10, autocomplete: 'off', value: v('code'),
      hint: '3 to 10 letters A-Z and digits; workers type it, the QR poster carries it.' }),
    name: field('name', 'Name', { maxlength: 100, autocomplete: 'off', value: v('name') }),
    address: field('address', 'Address', { maxlength: 255, optional: true, autocomplete: 'off', value: v('address') }),
  };
  if (withCoordinates) {
    f.latitude = field('latitude', 'Latitude', { optional: true, inputmode: 'decimal', maxlength: 12, autocomplete: 'off',
      value: v('latitude'), hint: '-90 to 90' });
    f.longitude = field('longitude', 'Longitude', { optional: true, inputmode: 'decimal', maxlength: 13, autocomplete: 'off',
      value: v('longitude'), hint: '-180 to 180' });
  }
  f.code.input.classList.add('upper');
  return f;
}

// The JSON body of the site fields; a coordinate that is not a number is
// refused here, beside its field, before anything is sent. Answers
// {body, errors}. editing: empty optional fields are sent as null (cleared).
function siteBody(f, editing) {
  const body = { code: f.code.input.value.trim().toUpperCase(), name: f.name.input.value.trim() };
  const errors = {};
  const address = f.address.input.value.trim();
  if (address) body.address = address;
  else if (editing) body.address = null;
  for (const [k, max] of [['latitude', 90], ['longitude', 180]]) {
    if (!f[k]) continue;
    const raw = f[k].input.value.trim().replace(',', '.');
    if (!raw) {
      if (editing) body[k] = null;
      continue;
    }
    const n = Number(raw);
    if (!/^-?\d{1,3}(\.\d{1,6})?$/.test(raw) || !Number.isFinite(n) || Math.abs(n) > max) {
      errors[k] = `must be a number from ${-max} to ${max}, with at most 6 decimals`;
    } else body[k] = n;
  }
  return { body, errors };
}

// The corrective actions of a site's tickets (and its sub-sites'), in
// words: "2 open" and "1 overdue" (a word and a sign, never colour alone),
// each a link to the actions screen filtered to the site.
export function actionCounts(s) {
  const open = Number(s.open_actions || 0);
  const overdue = Number(s.overdue_actions || 0);
  const base = `#/actions?owner=all&site=${encodeURIComponent(s.id)}`;
  if (!open) return h('span', { class: 'site-actions muted', dataset: { open: '0', overdue: '0' } }, 'No open actions');
  return h('span', { class: 'site-actions', dataset: { open: String(open), overdue: String(overdue) } },
    h('a', { href: base, class: 'site-open-actions' }, `${open} open action${open === 1 ? '' : 's'}`),
    overdue > 0 ? [' ', h('a', { href: `${base}&overdue=1`, class: 'badge overdue' },
      h('span', { 'aria-hidden': 'true' }, '⏰ '), `${overdue} overdue`)] : null);
}

function stateOf(site) {
  return site.active ? h('span', { class: 'badge site-active' }, 'Active') : h('span', { class: 'badge site-inactive' }, 'Inactive');
}

export function mount(main, ctx) {
  return ctx.params.id ? mountSite(main, ctx) : mountList(main, ctx);
}

// ---- the list

function mountList(main, ctx) {
  const q = ctx.query;
  const st = {
    q: (q.get('q') || '').slice(0, 100),
    active: ACTIVE.some(([v]) => v === q.get('active')) ? q.get('active') : '1',
    page: Math.max(1, parseInt(q.get('page') || '1', 10) || 1),
  };
  const write = mayWriteSites();
  let destroyed = false;
  let seq = 0;

  const searchId = nextId('sites-q');
  const search = h('input', { id: searchId, type: 'search', name: 'q', value: st.q, maxlength: 100,
    placeholder: 'Code, name or address', autocomplete: 'off' });
  const activeId = nextId('sites-active');
  const active = h('select', { id: activeId, name: 'active' },
    ACTIVE.map(([v, t]) => h('option', { value: v, selected: v === st.active }, t)));
  const searchForm = h('form', { class: 'search sites-search', role: 'search' },
    h('label', { for: searchId, class: 'sr-only' }, 'Search sites'), search,
    h('span', { class: 'field-inline' }, h('label', { for: activeId }, 'Show'), active),
    h('button', { type: 'submit', class: 'btn' }, 'Search'));
  searchForm.addEventListener('submit', (e) => {
    e.preventDefault();
    st.q = search.value.trim();
    st.page = 1;
    update();
  });
  active.addEventListener('change', () => {
    st.active = active.value;
    st.page = 1;
    update();
  });

  const listStatus = h('div', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { class: 'sites-list' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });

  const head = h('div', { class: 'page-head' }, h('h1', {}, 'Sites'));
  main.append(head);
  if (!write) {
    main.append(h('p', { class: 'hint read-only-note' },
      session.user.role === 'site_manager' ? 'The sites you manage. Only a super admin changes sites.' : 'Only a super admin changes sites.'));
  }

  // --- create (super_admin)
  if (write) {
    const f = siteFields(null);
    const fields = Object.values(f);
    const createStatus = h('div', { class: 'form-status', 'aria-live': 'polite' });
    const createBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create site');
    const form = h('form', { class: 'form-grid', novalidate: true, 'aria-label': 'Create a site' },
      createStatus, h('div', { class: 'grid-2' }, fields.map((x) => x.wrap)),
      h('div', { class: 'form-actions' }, createBtn));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      createStatus.replaceChildren();
      const { body, errors } = siteBody(f, false);
      if (Object.keys(errors).length) {
        showFieldErrors(fields, errors);
        return;
      }
      setBusy(createBtn, true, 'Creating…');
      try {
        const { data } = await api('POST', '/api/sites', body);
        showFieldErrors(fields, null);
        for (const x of fields) x.input.value = '';
        createStatus.replaceChildren(notice('ok', `Created ${data.code}. `,
          h('a', { href: `#/sites/${data.id}` }, `Open ${data.code}`)));
        load();
      } catch (err) {
        if (err.status === 401) return;
        if (err.status === 409) {
          showFieldErrors(fields, { code: err.message || 'another site has this code' });
          createStatus.replaceChildren(notice('error', err.message));
        } else {
          const rest = err.status === 422 ? showFieldErrors(fields, err.details) : {};
          createStatus.replaceChildren(notice('error', err.message, restList(rest)));
        }
      } finally {
        setBusy(createBtn, false);
      }
    });
    main.append(h('section', { class: 'card site-create', 'aria-labelledby': 'sites-create' },
      h('h2', { id: 'sites-create' }, 'Add a site'), form));
  }

  main.append(h('section', { class: 'card', 'aria-labelledby': 'sites-all' },
    h('h2', { id: 'sites-all' }, write ? 'All sites' : 'Your sites'),
    h('section', { class: 'filters', 'aria-label': 'Filters' }, searchForm),
    listStatus, list, pager));

  function update() {
    const p = new URLSearchParams();
    if (st.q) p.set('q', st.q);
    if (st.active !== '1') p.set('active', st.active);
    if (st.page > 1) p.set('page', String(st.page));
    const s = p.toString();
    const hash = s ? `#/sites?${s}` : '#/sites';
    if (location.hash !== hash) history.replaceState(null, '', hash);
    load();
  }

  function row(s) {
    const href = `#/sites/${s.id}`;
    const managers = (s.managers || []).map((m) => m.name || m.email).join(', ');
    return h('tr', { class: ['site-row', s.active ? '' : 'is-inactive'], dataset: { id: String(s.id), code: s.code } },
      h('td', { 'data-label': 'Code' }, h('a', { href, class: 'site-code' }, s.code)),
      h('td', { 'data-label': 'Name' }, h('span', { class: 'cell-strong' }, s.name),
        s.parent ? h('span', { class: 'muted' }, ` (sub-site of ${s.parent.code})`) : null),
      h('td', { 'data-label': 'Address' }, s.address || h('span', { class: 'muted' }, '—')),
      h('td', { 'data-label': 'Sub-sites' }, String(s.subsites_count ?? 0)),
      h('td', { 'data-label': 'Managers' }, managers || h('span', { class: 'muted' }, 'None')),
      h('td', { 'data-label': 'Actions', class: 'c-actions' }, actionCounts(s)),
      h('td', { 'data-label': 'State' }, stateOf(s)));
  }

  async function load() {
    const mySeq = ++seq;
    list.setAttribute('aria-busy', 'true');
    try {
      const params = { q: st.q, page: st.page, limit: LIMIT };
      if (st.active !== 'all') params.active = st.active;
      const data = await get(`/api/sites${query(params)}`);
      if (destroyed || mySeq !== seq) return;
      const items = data.items || [];
      const total = Number(data.total ?? items.length);
      clear(listStatus, `${total} site${total === 1 ? '' : 's'}`);
      clear(list, items.length
        ? h('table', { class: 'table sites' },
          h('caption', { class: 'sr-only' }, 'Sites'),
          h('thead', {}, h('tr', {}, ['Code', 'Name', 'Address', 'Sub-sites', 'Managers', 'Actions', 'State'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, items.map(row)))
        : h('p', { class: 'empty' }, st.q || st.active !== '1' ? 'No sites match these filters.'
          : write ? 'No sites yet. Add the first one above.' : 'You manage no sites yet. A super admin links you to yours.'));
      const pages = Math.max(1, Math.ceil(total / LIMIT));
      const go = (p) => () => { st.page = p; update(); };
      clear(pager,
        h('button', { type: 'button', class: 'btn', disabled: st.page <= 1, onclick: go(st.page - 1) }, '← Previous'),
        h('span', { class: 'pager-info' }, `Page ${Math.min(st.page, pages)} of ${pages}`),
        h('button', { type: 'button', class: 'btn', disabled: st.page >= pages, onclick: go(st.page + 1) }, 'Next →'));
      pager.hidden = pages <= 1 && st.page === 1;
    } catch (err) {
      if (destroyed || mySeq !== seq || err.status === 401) return;
      clear(listStatus, notice('error', `The sites could not be loaded: ${err.message} `,
        h('button', { type: 'button', class: 'btn btn-small', onclick: load }, 'Try again')));
      clear(list);
    } finally {
      if (mySeq === seq) list.removeAttribute('aria-busy');
    }
  }

  main.classList.add('wide');
  load();
  return {
    refresh: load,
    destroy() {
      destroyed = true;
      if (figures) figures.destroy();
      main.classList.remove('wide');
    },
  };
}

// ---- one site

function mountSite(main, ctx) {
  const id = ctx.params.id;
  const write = mayWriteSites();
  let site = null;
  let destroyed = false;
  let seq = 0;

  const back = h('a', { href: '#/sites', class: 'back' }, '← Sites');
  const title = h('h1', { class: 'site-title' }, 'Site');
  const badge = h('span', { class: 'site-state' });
  const sub = h('p', { class: 'ticket-sub' });
  const loadStatus = h('div', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const body = h('div', { class: 'site-layout', hidden: true });
  // The dashboard's figures for this site (and its sub-sites), below.
  const figuresBox = h('section', { class: 'site-figures', 'aria-labelledby': 'site-figures', hidden: true });
  let figures = null;
  main.append(back, h('div', { class: 'ticket-head' }, h('div', { class: 'ticket-head-main' }, title, badge), sub), loadStatus, body,
    figuresBox);

  // --- details: a form for a super_admin, a list for everyone else
  const detailsCard = h('section', { class: 'card', 'aria-labelledby': 'site-details' });
  const qrCard = h('section', { class: 'card site-qr', 'aria-labelledby': 'site-qr' });
  const subsCard = h('section', { class: 'card', 'aria-labelledby': 'site-subs' });
  const managersCard = h('section', { class: 'card', 'aria-labelledby': 'site-managers' });
  const dangerCard = h('section', { class: 'card', 'aria-labelledby': 'site-danger', hidden: true });
  body.append(h('div', { class: 'site-col' }, detailsCard, subsCard), h('div', { class: 'site-col' }, qrCard, managersCard, dangerCard));

  function renderDetails(s) {
    const heading = h('h2', { id: 'site-details' }, 'Details');
    if (!write) {
      const row = (k, v) => (v === null || v === undefined || v === '' ? null : [h('dt', {}, k), h('dd', {}, v)]);
      clear(detailsCard, heading, h('dl', { class: 'details' },
        row('Code', s.code), row('Name', s.name), row('Address', s.address),
        row('Sub-site of', s.parent ? h('a', { href: `#/sites/${s.parent.id}` }, `${s.parent.code} · ${s.parent.name}`) : null),
        row('Latitude', s.latitude), row('Longitude', s.longitude),
        row('State', s.active ? 'Active' : 'Inactive'),
        row('Created', s.created_at ? dateTime(s.created_at) : null),
        row('Updated', s.updated_at ? dateTime(s.updated_at) : null)));
      return;
    }
    const f = siteFields(s);
    const fields = Object.values(f);
    const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
    const save = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save changes');
    const form = h('form', { class: 'form-grid', novalidate: true, 'aria-label': `Edit ${s.code}` },
      status, h('div', { class: 'grid-2' }, fields.map((x) => x.wrap)), h('div', { class: 'form-actions' }, save));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      status.replaceChildren();
      const { body: b, errors } = siteBody(f, true);
      if (Object.keys(errors).length) {
        showFieldErrors(fields, errors);
        return;
      }
      setBusy(save, true, 'Saving…');
      try {
        await api('PUT', `/api/sites/${s.id}`, b);
        showFieldErrors(fields, null);
        ctx.flash(`Saved ${b.code}.`);
        await load();
      } catch (err) {
        if (err.status === 401) return;
        if (err.status === 409) {
          showFieldErrors(fields, { code: err.message || 'another site has this code' });
          status.replaceChildren(notice('error', err.message));
        } else {
          const rest = err.status === 422 ? showFieldErrors(fields, err.details) : {};
          status.replaceChildren(notice('error', err.message, restList(rest)));
        }
      } finally {
        setBusy(save, false);
      }
    });
    clear(detailsCard, heading,
      s.parent ? h('p', { class: 'hint' }, 'Sub-site of ', h('a', { href: `#/sites/${s.parent.id}` }, `${s.parent.code} · ${s.parent.name}`)) : null,
      form);
  }

  // --- QR code: a preview, the downloads and the poster
  function renderQr(s) {
    const base = `/api/sites/${encodeURIComponent(s.id)}`;
    const png = `${base}/qr${query({ format: 'png', size: QR_SIZE })}`;
    const svg = `${base}/qr${query({ format: 'svg' })}`;
    const why = h('div', { class: 'qr-why', role: 'status', 'aria-live': 'polite' });
    const img = h('img', { class: 'qr-preview', src: svg, alt: `QR code for site ${s.code}: opens WhatsApp with the code typed`,
      width: 200, height: 200 });
    // An image that fails says nothing: ask the API why.
    img.addEventListener('error', async () => {
      img.hidden = true;
      try {
        await get(svg);
        why.replaceChildren(notice('error', 'The QR code could not be shown.'));
      } catch (err) {
        if (err.status !== 401) why.replaceChildren(notice('error', `The QR code is not available: ${err.message}`));
      }
    });
    clear(qrCard, h('h2', { id: 'site-qr' }, 'QR code and poster'),
      h('p', { class: 'hint' }, `Scanned, it opens WhatsApp with “${s.code}” typed, so the report lands on this site.`),
      img, why,
      h('ul', { class: 'qr-links' },
        h('li', {}, h('a', { href: png, download: `site-${s.code}.png`, class: 'btn btn-small', type: 'image/png' }, 'Download PNG')),
        h('li', {}, h('a', { href: svg, download: `site-${s.code}.svg`, class: 'btn btn-small', type: 'image/svg+xml' }, 'Download SVG')),
        h('li', {}, h('a', { href: `${base}/poster`, target: '_blank', rel: 'noopener', class: 'btn btn-small' },
          'Open the printable poster', h('span', { class: 'sr-only' }, ' (opens in a new tab)')))),
      s.qr && s.qr.deep_link ? h('p', { class: 'hint' }, 'Registered with WhatsApp: ',
        h('a', { href: s.qr.deep_link, target: '_blank', rel: 'noopener noreferrer', class: 'text-link' }, s.qr.deep_link)) : null);
  }

  // --- sub-sites (a site's, not a sub-site's: one level deep)
  async function renderSubs(s) {
    const heading = h('h2', { id: 'site-subs' }, 'Sub-sites');
    if (s.parent_id) {
      subsCard.hidden = true;
      return;
    }
    subsCard.hidden = false;
    const listBox = h('div', { class: 'subs-list', 'aria-busy': 'true' });
    clear(subsCard, heading, listBox);
    if (write && s.active) {
      const f = siteFields(null, { withCoordinates: false });
      const fields = Object.values(f);
      const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
      const add = h('button', { type: 'submit', class: 'btn' }, 'Add sub-site');
      const form = h('form', { class: 'form-grid sub-form', novalidate: true, 'aria-label': `Add a sub-site to ${s.code}` },
        h('h3', {}, 'Add a sub-site'), status, h('div', { class: 'grid-2' }, fields.map((x) => x.wrap)),
        h('div', { class: 'form-actions' }, add));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        status.replaceChildren();
        const { body: b } = siteBody(f, false);
        setBusy(add, true, 'Adding…');
        try {
          const { data } = await api('POST', `/api/sites/${s.id}/subsites`, b);
          showFieldErrors(fields, null);
          for (const x of fields) x.input.value = '';
          ctx.flash(`Added sub-site ${data.code}.`);
          await load();
        } catch (err) {
          if (err.status === 401) return;
          if (err.status === 409) {
            showFieldErrors(fields, { code: err.message || 'another site has this code' });
            status.replaceChildren(notice('error', err.message));
          } else {
            const rest = err.status === 422 ? showFieldErrors(fields, err.details) : {};
            status.replaceChildren(notice('error', err.message, restList(rest)));
          }
        } finally {
          setBusy(add, false);
        }
      });
      subsCard.append(form);
    }
    try {
      const data = await get(`/api/sites/${s.id}/subsites`);
      if (destroyed) return;
      const items = data.items || (Array.isArray(data) ? data : []);
      clear(listBox, items.length
        ? h('table', { class: 'table subsites' },
          h('caption', { class: 'sr-only' }, `Sub-sites of ${s.code}`),
          h('thead', {}, h('tr', {}, ['Code', 'Name', 'State'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, items.map((x) => h('tr', { class: x.active ? '' : 'is-inactive', dataset: { code: x.code } },
            h('td', { 'data-label': 'Code' }, h('a', { href: `#/sites/${x.id}` }, x.code)),
            h('td', { 'data-label': 'Name' }, x.name),
            h('td', { 'data-label': 'State' }, stateOf(x))))))
        : h('p', { class: 'empty' }, 'No sub-sites.'));
    } catch (err) {
      if (destroyed || err.status === 401) return;
      clear(listBox, notice('error', `The sub-sites could not be loaded: ${err.message}`));
    } finally {
      listBox.removeAttribute('aria-busy');
    }
  }

  // --- managers: shown to all; a super_admin picks them from the users
  async function renderManagers(s) {
    const current = s.managers || [];
    const heading = h('h2', { id: 'site-managers' }, 'Managers');
    const shown = h('ul', { class: 'managers' }, current.length
      ? current.map((m) => h('li', {}, h('span', { class: 'cell-strong' }, m.name || ''), m.email ? h('span', { class: 'muted' }, ` ${m.email}`) : null))
      : h('li', { class: 'muted' }, 'Nobody manages this site yet.'));
    clear(managersCard, heading, shown);
    if (!write || !can('users')) return;
    const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
    const filterId = nextId('mgr-filter');
    const filter = h('input', { id: filterId, type: 'search', maxlength: 100, autocomplete: 'off', placeholder: 'Name or e-mail' });
    const boxes = h('div', { class: 'picker', role: 'group', 'aria-label': 'Users' }, h('p', { class: 'hint' }, 'Loading the users…'));
    const save = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save managers');
    const form = h('form', { class: 'managers-form', novalidate: true, 'aria-label': `Managers of ${s.code}` },
      h('fieldset', { class: 'filter-group' }, h('legend', {}, 'Who manages this site'),
        h('span', { class: 'field-inline' }, h('label', { for: filterId }, 'Find'), filter), boxes),
      status, h('div', { class: 'form-actions' }, save));
    managersCard.append(form);
    const chosen = new Set(current.map((m) => Number(m.id)));
    let users = [];
    try {
      const r = await activeUsers();
      users = r.items;
      if (destroyed) return;
      const items = users.map((u) => {
        const boxId = nextId('mgr');
        const box = h('input', { type: 'checkbox', id: boxId, value: String(u.id), checked: chosen.has(Number(u.id)) });
        box.addEventListener('change', () => { if (box.checked) chosen.add(Number(u.id)); else chosen.delete(Number(u.id)); });
        return { u, el: h('div', { class: 'pick' }, box, h('label', { for: boxId }, `${u.name} (${u.email})`,
          h('span', { class: 'muted' }, ` · ${roleLabel(u.role)}`))) };
      });
      clear(boxes, items.map((x) => x.el),
        r.truncated ? h('p', { class: 'hint' }, `Only the first ${USERS_MAX} users are listed.`) : null,
        items.length ? null : h('p', { class: 'hint' }, 'There are no active users.'));
      filter.addEventListener('input', () => {
        const t = filter.value.trim().toLowerCase();
        for (const x of items) x.el.hidden = Boolean(t) && !`${x.u.name} ${x.u.email}`.toLowerCase().includes(t);
      });
    } catch (err) {
      if (err.status === 401) return;
      clear(boxes, notice('error', `The users could not be loaded: ${err.message}`));
      save.disabled = true;
    }
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      status.replaceChildren();
      setBusy(save, true, 'Saving…');
      try {
        await api('PUT', `/api/sites/${s.id}/managers`, { user_ids: [...chosen] });
        ctx.flash(`Managers of ${s.code} saved.`);
        await load();
      } catch (err) {
        if (err.status === 401) return;
        const d = err.details && typeof err.details === 'object' ? Object.values(err.details).map(String) : [];
        status.replaceChildren(notice('error', err.message, d.length ? h('ul', {}, d.map((x) => h('li', {}, x))) : null));
      } finally {
        setBusy(save, false);
      }
    });
  }

  // --- deactivate (super_admin; the history stays)
  function renderDanger(s) {
    dangerCard.hidden = !write || !s.active;
    if (dangerCard.hidden) return;
    const btn = h('button', { type: 'button', class: 'btn btn-danger' }, 'Deactivate site');
    const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
    btn.addEventListener('click', async () => {
      const ok = await confirmDialog({
        title: `Deactivate ${s.code}?`,
        body: [h('p', {}, `${s.name} stops taking new reports: its code no longer opens tickets and it leaves the lists of active sites.`),
          h('p', {}, 'Its tickets and history are kept.')],
        confirm: 'Deactivate', danger: true,
      });
      if (!ok) return;
      status.replaceChildren();
      setBusy(btn, true, 'Deactivating…');
      try {
        await api('DELETE', `/api/sites/${s.id}`);
        ctx.flash(`Deactivated ${s.code}.`);
        await load();
      } catch (err) {
        if (err.status !== 401) status.replaceChildren(notice('error', err.message));
        setBusy(btn, false);
      }
    });
    clear(dangerCard, h('h2', { id: 'site-danger' }, 'Deactivate'),
      h('p', { class: 'hint' }, 'A deactivated site keeps its tickets and history; no new report lands on it.'), status, btn);
  }

  function render(s) {
    title.textContent = `${s.code} · ${s.name}`;
    document.title = `${title.textContent} · tick`;
    clear(badge, stateOf(s));
    clear(sub, s.parent ? `Sub-site of ${s.parent.code}` : `${s.subsites_count ?? 0} sub-site${Number(s.subsites_count) === 1 ? '' : 's'}`,
      ' · ', actionCounts(s),
      write ? null : h('span', { class: 'muted' }, ' · read-only'));
    body.hidden = false;
    renderDetails(s);
    renderQr(s);
    renderSubs(s);
    renderManagers(s);
    renderDanger(s);
    renderFigures(s);
  }

  function renderFigures(s) {
    if (figures || !can('stats')) return;
    figures = createFigures({ ...ctx, query: new URLSearchParams() }, { site: s.id, level: 3, filters: false });
    clear(figuresBox, h('h2', { id: 'site-figures' }, 'Figures'),
      h('p', { class: 'hint' }, `The tickets of this site and its sub-sites over the last ${DEFAULT_DAYS} days. `,
        h('a', { href: `#/dashboard?site=${encodeURIComponent(s.id)}` }, 'Open in the dashboard')),
      figures.el);
    figuresBox.hidden = false;
    figures.load();
  }

  async function load() {
    const mySeq = ++seq;
    try {
      const data = await get(`/api/sites/${encodeURIComponent(id)}`);
      if (destroyed || mySeq !== seq) return;
      site = data;
      loadStatus.replaceChildren();
      render(site);
    } catch (err) {
      if (destroyed || mySeq !== seq || err.status === 401) return;
      if (err.status === 404) {
        title.textContent = 'No such site';
        body.hidden = true;
        loadStatus.replaceChildren(notice('error', 'This site does not exist or is not one of yours. ', h('a', { href: '#/sites' }, 'Back to the sites')));
      } else {
        loadStatus.replaceChildren(notice('error', `The site could not be loaded: ${err.message} `,
          h('button', { type: 'button', class: 'btn btn-small', onclick: load }, 'Try again')));
      }
    }
  }

  main.classList.add('wide');
  load();
  return {
    destroy() {
      destroyed = true;
      if (figures) figures.destroy();
      main.classList.remove('wide');
    },
  };
}
