// The inbox: GET /api/tickets with status, q, mine/unassigned, site,
// category, severity, sort and paging; the filters live in the URL
// (#/inbox?status=new,assigned&site=3&severity=high,critical&page=2).
import { api, query } from '../api.js';
import { clear, h, nextId, notice } from '../dom.js';
import {
  age, CATEGORIES, categoryLabel, dateTime, phone, SEVERITIES, severityLabel, STATUSES, statusLabel,
} from '../format.js';
import { listSites, sitesInOrder } from '../people.js';
import { moveAmong } from '../keys.js';
import { can } from '../session.js';

const OPEN = ['new', 'assigned', 'in_progress'];
const SORTS = [['activity', 'Recent activity'], ['newest', 'Newest first'], ['oldest', 'Oldest first']];
const LIMITS = [10, 25, 50, 100];
const SEVERITY_KEYS = SEVERITIES.map(([k]) => k);
const CATEGORY_KEYS = CATEGORIES.map(([k]) => k);
export let lastInboxHash = '#/inbox';

// The urgent mark: a word and a sign, never colour alone.
export function urgentMark() {
  return h('span', { class: 'badge urgent' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), 'Urgent');
}

// Issue 17: a ticket with a message the AI safety check flagged (not
// cleared), a word and a sign.
export function flaggedMark() {
  return h('span', { class: 'badge flagged', title: 'A message was flagged by the safety check' },
    h('span', { 'aria-hidden': 'true' }, '⚑ '), 'Flagged');
}

// A severity as a badge whose text says it (critical also reads urgent
// where the ticket is open: see urgentMark).
export function severityBadge(s) {
  return s ? h('span', { class: `badge sev sev-${s}` }, severityLabel(s)) : null;
}

function stateFrom(q) {
  // A search looks in every status unless the URL names some (a closed
  // ticket is what a customer calling back most often asks about).
  const status = q.has('status') ? q.get('status').split(',').filter((s) => STATUSES.includes(s))
    : defaultStatus(q.get('q'));
  const who = ['mine', 'unassigned'].includes(q.get('who')) ? q.get('who') : 'all';
  const sort = SORTS.some(([v]) => v === q.get('sort')) ? q.get('sort') : 'activity';
  const limit = LIMITS.includes(Number(q.get('limit'))) ? Number(q.get('limit')) : 25;
  const page = Math.max(1, parseInt(q.get('page') || '1', 10) || 1);
  // A site by id (the select's value) or by code, as the API takes both.
  const site = /^([0-9]{1,10}|[A-Za-z0-9]{3,10})$/.test(q.get('site') || '') ? q.get('site') : '';
  const category = CATEGORY_KEYS.includes(q.get('category')) ? q.get('category') : '';
  const severity = q.has('severity') ? q.get('severity').split(',').filter((s) => SEVERITY_KEYS.includes(s)) : [];
  // Issue 13: a team by id (or none) and a tag.
  const team = /^([0-9]{1,10}|none)$/.test(q.get('team') || '') ? q.get('team') : '';
  const tag = (q.get('tag') || '').trim().toLowerCase().slice(0, 32);
  return { status, who, sort, limit, page, q: (q.get('q') || '').slice(0, 200), site, category, severity, team, tag };
}

function defaultStatus(search) {
  return (search ? STATUSES : OPEN).slice();
}

function hashOf(st) {
  const q = new URLSearchParams();
  const def = defaultStatus(st.q);
  const isDefault = st.status.length === def.length && def.every((s) => st.status.includes(s));
  if (!isDefault) q.set('status', st.status.join(','));
  if (st.who !== 'all') q.set('who', st.who);
  if (st.q) q.set('q', st.q);
  if (st.site) q.set('site', st.site);
  if (st.category) q.set('category', st.category);
  if (st.severity.length) q.set('severity', st.severity.join(','));
  if (st.team) q.set('team', st.team);
  if (st.tag) q.set('tag', st.tag);
  if (st.sort !== 'activity') q.set('sort', st.sort);
  if (st.limit !== 25) q.set('limit', String(st.limit));
  if (st.page > 1) q.set('page', String(st.page));
  const s = q.toString();
  return s ? `#/inbox?${s}` : '#/inbox';
}

export function mount(main, ctx) {
  const st = stateFrom(ctx.query);
  let seq = 0;
  let fresh = new Set();
  let debounce = null;
  let destroyed = false;

  // --- filters
  const searchId = nextId('q');
  const search = h('input', { id: searchId, type: 'search', name: 'q', value: st.q, maxlength: 200,
    placeholder: 'Reference, mobile, name or words', autocomplete: 'off' });
  const searchForm = h('form', { class: 'search', role: 'search' },
    h('label', { for: searchId, class: 'sr-only' }, 'Search tickets'),
    search,
    h('button', { type: 'submit', class: 'btn' }, 'Search'));
  searchForm.addEventListener('submit', (e) => {
    e.preventDefault();
    // Status boxes left as they were by default follow the search's own
    // default (every status while searching, the open ones without).
    const was = defaultStatus(st.q);
    const untouched = st.status.length === was.length && was.every((s) => st.status.includes(s));
    st.q = search.value.trim();
    if (untouched) {
      st.status = defaultStatus(st.q);
      for (const b of statusBoxes) b.box.checked = st.status.includes(b.box.value);
    }
    st.page = 1;
    update();
  });

  const statusBoxes = STATUSES.map((s) => {
    const id = nextId(`st-${s}`);
    const box = h('input', { type: 'checkbox', id, value: s, checked: st.status.includes(s) });
    box.addEventListener('change', () => {
      st.status = statusBoxes.filter((b) => b.box.checked).map((b) => b.box.value);
      st.page = 1;
      update();
    });
    return { box, el: h('span', { class: `chip-check status-${s}` }, box, h('label', { for: id }, statusLabel(s))) };
  });
  const statusSet = h('fieldset', { class: 'filter-group' },
    h('legend', {}, 'Status'), statusBoxes.map((b) => b.el));

  const whoName = nextId('who');
  const whoOptions = [['all', 'All'], ['mine', 'Mine'], ['unassigned', 'Unassigned']].map(([v, t]) => {
    const id = nextId(`who-${v}`);
    const r = h('input', { type: 'radio', name: whoName, id, value: v, checked: st.who === v });
    r.addEventListener('change', () => {
      if (!r.checked) return;
      st.who = v;
      st.page = 1;
      update();
    });
    return h('span', { class: 'seg' }, r, h('label', { for: id }, t));
  });
  const whoSet = h('fieldset', { class: 'filter-group segmented' }, h('legend', {}, 'Show'), whoOptions);

  const sortId = nextId('sort');
  const sort = h('select', { id: sortId }, SORTS.map(([v, t]) => h('option', { value: v, selected: v === st.sort }, t)));
  sort.addEventListener('change', () => {
    st.sort = sort.value;
    st.page = 1;
    update();
  });
  const limitId = nextId('limit');
  const limit = h('select', { id: limitId }, LIMITS.map((n) => h('option', { value: String(n), selected: n === st.limit }, String(n))));
  limit.addEventListener('change', () => {
    st.limit = Number(limit.value);
    st.page = 1;
    update();
  });
  // --- the safety report's filters: site, category, severity
  const siteId = nextId('site');
  const siteSel = h('select', { id: siteId, name: 'site' }, h('option', { value: '' }, 'All sites'),
    st.site ? h('option', { value: st.site, selected: true }, st.site) : null);
  siteSel.addEventListener('change', () => {
    st.site = siteSel.value;
    st.page = 1;
    update();
  });
  const catId = nextId('category');
  const catSel = h('select', { id: catId, name: 'category' }, h('option', { value: '' }, 'All categories'),
    CATEGORIES.map(([v, t]) => h('option', { value: v, selected: v === st.category }, t)));
  catSel.addEventListener('change', () => {
    st.category = catSel.value;
    st.page = 1;
    update();
  });
  const sevBoxes = SEVERITIES.map(([s, label]) => {
    const id = nextId(`sev-${s}`);
    const box = h('input', { type: 'checkbox', id, value: s, checked: st.severity.includes(s) });
    box.addEventListener('change', () => {
      st.severity = sevBoxes.filter((b) => b.box.checked).map((b) => b.box.value);
      st.page = 1;
      update();
    });
    return { box, el: h('span', { class: `chip-check sev-chip sev-${s}` }, box, h('label', { for: id }, label)) };
  });
  const sevSet = h('fieldset', { class: 'filter-group' }, h('legend', {}, 'Severity'), sevBoxes.map((b) => b.el));
  // --- team and tag (issue 13)
  const teamId = nextId('team');
  const teamSel = h('select', { id: teamId, name: 'team' }, h('option', { value: '' }, 'All teams'),
    h('option', { value: 'none', selected: st.team === 'none' }, 'No team'),
    st.team && st.team !== 'none' ? h('option', { value: st.team, selected: true }, `Team ${st.team}`) : null);
  teamSel.addEventListener('change', () => {
    st.team = teamSel.value;
    st.page = 1;
    update();
  });
  const tagId = nextId('tag');
  const tagInput = h('input', { id: tagId, name: 'tag', type: 'search', maxlength: 32, value: st.tag });
  tagInput.addEventListener('change', () => {
    st.tag = tagInput.value.trim().toLowerCase();
    st.page = 1;
    update();
  });
  async function loadTeams() {
    try {
      const { data } = await api('GET', '/api/teams');
      if (destroyed) return;
      clear(teamSel, h('option', { value: '' }, 'All teams'),
        h('option', { value: 'none', selected: st.team === 'none' }, 'No team'),
        (data.items || []).map((t) => h('option', { value: String(t.id), selected: String(t.id) === st.team }, t.name)));
    } catch (e) {
      // Without the list the filter keeps the URL's team.
    }
  }
  const reportWrap = h('div', { class: 'filter-group inline-fields' },
    h('span', { class: 'field-inline' }, h('label', { for: siteId }, 'Site'), siteSel),
    h('span', { class: 'field-inline' }, h('label', { for: catId }, 'Category'), catSel),
    h('span', { class: 'field-inline' }, h('label', { for: teamId }, 'Team'), teamSel),
    h('span', { class: 'field-inline' }, h('label', { for: tagId }, 'Tag'), tagInput));

  // Only the sites the API shows this user (a site manager: its own).
  async function loadSites() {
    try {
      const { items } = await listSites({ active: 1 });
      if (destroyed) return;
      const ordered = sitesInOrder(items);
      const known = ordered.some((s) => String(s.id) === st.site || s.code === st.site.toUpperCase());
      clear(siteSel, h('option', { value: '' }, 'All sites'),
        ordered.map((s) => h('option', {
          value: String(s.id),
          selected: String(s.id) === st.site || s.code === st.site.toUpperCase(),
        }, `${s.parent_id ? '— ' : ''}${s.code} · ${s.name}`)),
        st.site && !known ? h('option', { value: st.site, selected: true }, st.site) : null);
      siteSel.disabled = false;
    } catch (e) {
      // Without the sites list the filter still takes the URL's site.
      siteSel.disabled = !st.site;
    }
  }

  const sortWrap = h('div', { class: 'filter-group inline-fields' },
    h('span', { class: 'field-inline' }, h('label', { for: sortId }, 'Sort'), sort),
    h('span', { class: 'field-inline' }, h('label', { for: limitId }, 'Per page'), limit));

  // --- results
  const stats = h('div', { class: 'stats', 'aria-label': 'Ticket counts' });
  const status = h('div', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { class: 'ticket-list' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });

  const header = h('div', { class: 'page-head' },
    h('h1', {}, 'Inbox'),
    can('tickets.work') ? h('a', { class: 'btn btn-primary', href: '#/new' }, 'New ticket') : null);

  // At phone width the filters fold away under a summary of what they are.
  const summaryText = h('span', { class: 'filter-summary' });
  const more = h('details', { class: 'filter-more', open: window.matchMedia('(min-width: 48rem)').matches },
    h('summary', {}, 'Filters ', summaryText), h('div', { class: 'filter-row' }, statusSet, whoSet, sevSet, reportWrap, sortWrap));
  const summarize = () => {
    const s = st.status.length === 0 || st.status.length === STATUSES.length ? 'Any status' : st.status.map(statusLabel).join(', ');
    const extra = [st.site ? `site ${siteSel.selectedOptions[0]?.textContent || st.site}` : '',
      st.category ? categoryLabel(st.category) : '',
      st.severity.length ? st.severity.map(severityLabel).join('/') : ''].filter(Boolean);
    summaryText.textContent = `(${[s, { all: 'All', mine: 'Mine', unassigned: 'Unassigned' }[st.who], ...extra].join(' · ')})`;
  };
  summarize();
  const wide = window.matchMedia('(min-width: 48rem)');
  const onWide = () => { if (wide.matches) more.open = true; };
  wide.addEventListener('change', onWide);

  main.append(header, stats,
    h('section', { class: 'filters', 'aria-label': 'Filters' }, searchForm, more),
    status, list, pager);

  function update() {
    summarize();
    const hash = hashOf(st);
    lastInboxHash = hash;
    if (location.hash !== hash) history.replaceState(null, '', hash);
    load();
  }

  async function loadStats() {
    if (!can('stats')) return;
    try {
      const { data } = await api('GET', '/api/tickets/stats');
      if (destroyed) return;
      const b = data.by_status || {};
      const item = (label, n, href) => h('a', { class: 'stat', href },
        h('span', { class: 'stat-n' }, String(n ?? 0)), h('span', { class: 'stat-l' }, label));
      clear(stats,
        item('New', b.new, '#/inbox?status=new'),
        item('Assigned', b.assigned, '#/inbox?status=assigned'),
        item('In progress', b.in_progress, '#/inbox?status=in_progress'),
        item('Unassigned', data.unassigned_open, '#/inbox?who=unassigned'),
        item('Mine', data.mine_open, '#/inbox?who=mine'),
        data.critical_open !== undefined
          ? item('Critical open', data.critical_open, '#/inbox?severity=critical') : null);
      stats.classList.toggle('stats-6', data.critical_open !== undefined);
    } catch (e) { /* counts are a nicety: the list shows its own errors */ }
  }

  async function load() {
    const mySeq = ++seq;
    list.setAttribute('aria-busy', 'true');
    const params = {
      status: st.status.length ? st.status : null,
      q: st.q,
      mine: st.who === 'mine' ? 1 : null,
      unassigned: st.who === 'unassigned' ? 1 : null,
      site: st.site || null,
      category: st.category || null,
      severity: st.severity.length ? st.severity : null,
      team: st.team || null,
      tag: st.tag || null,
      sort: st.sort,
      page: st.page,
      limit: st.limit,
    };
    loadStats();
    try {
      const { data } = await api('GET', `/api/tickets${query(params)}`);
      if (mySeq !== seq || destroyed) return;
      renderList(data);
    } catch (err) {
      if (mySeq !== seq || destroyed || err.status === 401) return;
      clear(status, notice('error', `The tickets could not be loaded: ${err.message} `,
        h('button', { type: 'button', class: 'btn btn-small', onclick: load }, 'Try again')));
    } finally {
      if (mySeq === seq) list.removeAttribute('aria-busy');
    }
  }

  function renderList(data) {
    const items = data.items || [];
    const total = Number(data.total || 0);
    const first = total ? (st.page - 1) * st.limit + 1 : 0;
    const last = Math.min(total, (st.page - 1) * st.limit + items.length);
    clear(status, total ? `${first}–${last} of ${total} ticket${total === 1 ? '' : 's'}` : '');
    // Keyboard focus on a row survives the refresh.
    const focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest('tr.ticket-row') : null;
    const focusedId = focused && list.contains(focused) ? focused.dataset.id : null;
    if (!items.length) {
      clear(list, h('p', { class: 'empty' }, st.page > 1 ? 'No tickets on this page.' : 'No tickets match these filters.'));
    } else {
      const now = Date.now();
      const rows = items.map((t) => row(t, now));
      clear(list, h('table', { class: 'tickets' },
        h('caption', { class: 'sr-only' }, 'Tickets'),
        h('thead', {}, h('tr', {},
          ['Reference', 'Status', 'Site', 'Severity', 'Customer', 'Last message', 'Age', 'Holder'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows)));
      if (focusedId) list.querySelector(`tr[data-id="${CSS.escape(focusedId)}"] a.ref`)?.focus({ preventScroll: true });
    }
    fresh = new Set();
    const pages = Math.max(1, Math.ceil(total / st.limit));
    const go = (p) => () => {
      st.page = p;
      update();
      main.querySelector('h1')?.scrollIntoView({ block: 'start' });
    };
    clear(pager,
      h('button', { type: 'button', class: 'btn', disabled: st.page <= 1, onclick: go(st.page - 1) }, '← Previous'),
      h('span', { class: 'pager-info' }, `Page ${Math.min(st.page, pages)} of ${pages}`),
      h('button', { type: 'button', class: 'btn', disabled: st.page >= pages, onclick: go(st.page + 1) }, 'Next →'));
    pager.hidden = total <= st.limit && st.page === 1;
  }

  function row(t, now) {
    const href = `#/tickets/${t.id}`;
    const overdue = Number(t.overdue_actions || 0);
    const tr = h('tr', { class: ['ticket-row', fresh.has(t.id) ? 'is-fresh' : '', t.assigned_to ? '' : 'is-unassigned',
      t.urgent ? 'is-urgent' : ''],
    dataset: { id: String(t.id), severity: t.severity || '' } },
      h('td', { class: 'c-ref', 'data-label': 'Reference' }, h('a', { href, class: 'ref' }, t.reference || `#${t.id}`),
        t.urgent ? [' ', urgentMark()] : null,
        t.flagged ? [' ', flaggedMark()] : null,
        overdue > 0 ? [' ', h('span', { class: 'badge overdue' }, h('span', { 'aria-hidden': 'true' }, '⏰ '),
          `${overdue} overdue action${overdue === 1 ? '' : 's'}`)] : null),
      h('td', { class: 'c-status', 'data-label': 'Status' }, h('span', { class: `badge status-${t.status}` }, statusLabel(t.status))),
      h('td', { class: ['c-site', t.site ? '' : 'is-empty'], 'data-label': 'Site' }, t.site
        ? h('span', { class: 'site-code', title: t.site.name || null }, t.site.code,
          t.subsite ? h('span', { class: 'muted' }, ` / ${t.subsite.code}`) : null)
        : h('span', { class: 'muted' }, '—')),
      h('td', { class: ['c-sev', t.severity || t.category ? '' : 'is-empty'], 'data-label': 'Severity' }, severityBadge(t.severity) || h('span', { class: 'muted' }, '—'),
        t.category ? h('span', { class: 'cat' }, categoryLabel(t.category)) : null),
      h('td', { class: 'c-customer', 'data-label': 'Customer' },
        t.anonymous ? h('span', { class: 'cust-name' }, h('span', { class: 'badge anon' }, t.name || 'Anonymous'))
          : h('span', { class: 'cust-name' }, t.name || ''),
        t.mobile ? h('span', { class: 'cust-mobile' }, phone(t.mobile)) : null,
        t.username ? h('span', { class: 'cust-mobile cust-username' }, `@${t.username}`) : null),
      h('td', { class: 'c-last', 'data-label': 'Last message' }, h('span', { class: 'last-msg', dir: 'auto' }, t.last_message || '')),
      h('td', { class: 'c-age', 'data-label': 'Age' }, h('time', { datetime: t.created_at, title: dateTime(t.created_at) }, age(t.created_at, now))),
      h('td', { class: 'c-holder', 'data-label': 'Holder' }, t.assigned_to ? (t.assigned_to.name || `#${t.assigned_to.id}`) : h('span', { class: 'muted' }, 'Unassigned')));
    tr.addEventListener('click', (e) => {
      if (e.target.closest('a, button, input, select')) return;
      if (window.getSelection && String(window.getSelection())) return;
      location.hash = href;
    });
    return tr;
  }

  lastInboxHash = hashOf(st);
  main.classList.add('wide');
  loadSites().then(summarize);
  loadTeams();
  load();

  return {
    // j and k walk the rows' links; Enter on a link opens it.
    onKey(key) {
      if (key !== 'j' && key !== 'k') return false;
      moveAmong([...main.querySelectorAll('tr.ticket-row a.ref')], key === 'j' ? 1 : -1);
      return true;
    },
    onEvent(ev) {
      if (ev.ticket_id) fresh.add(Number(ev.ticket_id));
      clearTimeout(debounce);
      debounce = setTimeout(load, 100);
    },
    refresh: load,
    destroy() {
      destroyed = true;
      clearTimeout(debounce);
      wide.removeEventListener('change', onWide);
      main.classList.remove('wide');
    },
  };
}
