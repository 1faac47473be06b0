// The inbox: GET /api/tickets with status, q, mine/unassigned, site,
// category, severity, sort and paging; the filters live in the URL
// (#/inbox?status=new,assigned&site=3&severity=high,critical&page=2).
// "Next" follows the answer's next_cursor (keyset paging: no page is
// counted past, a row added meanwhile shifts nothing); a page number alone
// (a shared link) asks by number. Beyond 10,000 matches the API stops
// counting (total_estimate) and the inbox says "10,000+".
// Issue 19 (what needs me): each row says since when the customer waits,
// who wrote last ("You:", a colleague's name, the customer), whether it
// is unread for me (bold, and in words for a screen reader, until I open
// it) and whether WhatsApp's 24-hour window has closed; the head counts
// what is new for me. Live updates change the rows already shown in
// place and never reorder them under the pointer: what would be new on
// the page collects in an "N new" button that refreshes the list.
import { api, get, query } from '../api.js';
import { clear, h, nextId, notice } from '../dom.js';
import {
  age, CATEGORIES, categoryLabel, dateTime, phone, SEVERITIES, severityLabel, slaChip, STATUSES, statusLabel,
} from '../format.js';
import { listSites, sitesInOrder } from '../people.js';
import { moveAmong } from '../keys.js';
import { can, session } from '../session.js';
import { setupChecklist, showSetup } from '../setup.js';

const OPEN = ['new', 'assigned', 'in_progress', 'pending'];
const SORTS = [['activity', 'Recent activity'], ['waiting', 'Waiting longest'], ['newest', 'Newest first'],
  ['oldest', 'Oldest first'], ['sla', 'Time left (SLA)']];
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

// Issue 13: the time left before the ticket's SLA is breached (or since
// it was), a word and a sign, never colour alone; nothing without one.
export function slaMark(sla) {
  const c = slaChip(sla);
  if (!c) return null;
  const sign = { ok: '◷ ', warning: '⚠ ', breached: '✕ ', paused: '‖ ' }[c.state];
  const name = sla.policy.name ? `SLA ${sla.policy.name}` : 'SLA';
  return h('span', { class: `badge sla sla-${c.state}`, title: name, dataset: { sla: c.state } },
    h('span', { 'aria-hidden': 'true' }, sign), c.text);
}

// Issue 19: WhatsApp's 24-hour window has closed on an open WhatsApp
// ticket: free text is refused, only a template goes. A word and a sign.
export function windowClosedMark(t) {
  const reachable = t.whatsapp_enabled && (t.mobile || t.whatsapp_user_id || t.username);
  if (!reachable || t.status === 'closed' || t.whatsapp_window_open !== false) return null;
  return h('span', { class: 'badge window-closed', title: 'More than 24 hours since the customer last wrote: only a template can go' },
    h('span', { 'aria-hidden': 'true' }, '⌛ '), '24 h window closed');
}

// Who wrote the message a row shows: "You", a colleague, or the customer.
export function authorLabel(a) {
  if (!a) return '';
  if (a.kind === 'agent' && session.user && a.user_id === session.user.id) return 'You';
  if (a.kind === 'agent') return a.name || 'Agent';
  if (a.kind === 'system') return 'tick';
  return 'Customer';
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
  // Beside an open ticket (the desktop's split view, app.js) the URL names
  // the ticket: the list keeps its filters in lastInboxHash only.
  let selected = ctx.selected ? String(ctx.selected) : null;
  // Rows shown now (id -> row element), and what a live update found new.
  let shown = new Map();
  let pending = null;
  let seq = 0;
  let fresh = new Set();
  let debounce = null;
  let destroyed = false;
  // The cursor that fetches each page reached by "Next" (page 1 needs none);
  // forgotten whenever the filters change.
  let cursors = {};

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

  // Issue 19: how many tickets in my queues (mine or nobody's) are unread
  // for me. Plain text, not a live region: it is not announced on every
  // refresh.
  const newForMe = h('p', { class: 'new-for-me', hidden: true });
  // New arrivals wait here instead of reordering the rows (issue 19).
  const pill = h('button', { type: 'button', class: 'btn btn-small new-pill', hidden: true });
  pill.addEventListener('click', () => {
    const data = pending;
    pending = null;
    pill.hidden = true;
    if (data) renderList(data);
    else load();
    list.querySelector('tr.ticket-row a.ref')?.focus({ preventScroll: true });
  });
  const header = h('div', { class: 'page-head' },
    h('h1', {}, 'Inbox'), newForMe,
    can('tickets.work') ? h('a', { class: 'btn btn-primary', href: '#/new' }, 'New ticket') : null);

  // At phone width the filters fold away under a summary of what they are.
  const summaryText = h('span', { class: 'filter-summary' });
  // In the desktop's split view (app.js) the filters start folded too, so
  // that the rows are above the fold; the summary says what they are.
  const more = h('details', { class: 'filter-more', open: !ctx.isEmbedded && window.matchMedia('(min-width: 48rem)').matches },
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
  const onWide = () => { if (wide.matches && !ctx.isEmbedded) more.open = true; };
  wide.addEventListener('change', onWide);

  main.append(header, stats,
    h('section', { class: 'filters', 'aria-label': 'Filters' }, searchForm, more),
    status, h('div', { class: 'pill-row' }, pill), list, pager);

  function update() {
    summarize();
    if (st.page === 1) cursors = {};
    const hash = hashOf(st);
    lastInboxHash = hash;
    if (!(ctx.isEmbedded && ctx.isEmbedded()) && location.hash !== hash) history.replaceState(null, '', hash);
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

  function listParams() {
    return {
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
      cursor: cursors[st.page] || null,
      page: cursors[st.page] ? null : st.page,
      limit: st.limit,
    };
  }

  async function load() {
    const mySeq = ++seq;
    list.setAttribute('aria-busy', 'true');
    const params = listParams();
    pending = null;
    pill.hidden = true;
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

  function showNewForMe(data) {
    const n = Number(data.new_for_me);
    newForMe.hidden = !Number.isFinite(n);
    newForMe.textContent = `New for me: ${n >= 10000 ? '10,000+' : n}`;
    newForMe.classList.toggle('has-new', n > 0);
  }

  // A live update: the rows shown change in place, in their places; rows
  // that would be new on this page wait in the pill until it is clicked.
  async function soft() {
    if (!shown.size) return load();
    const mySeq = ++seq;
    try {
      const { data } = await api('GET', `/api/tickets${query(listParams())}`);
      if (mySeq !== seq || destroyed) return;
      showNewForMe(data);
      const now = Date.now();
      let arrived = 0;
      for (const t of data.items || []) {
        const old = shown.get(String(t.id));
        if (!old) {
          arrived += 1;
          continue;
        }
        const focused = old.contains(document.activeElement);
        const tr = row(t, now);
        old.replaceWith(tr);
        shown.set(String(t.id), tr);
        if (focused) tr.querySelector('a.ref')?.focus({ preventScroll: true });
      }
      pending = arrived ? data : null;
      pill.hidden = !arrived;
      pill.textContent = `${arrived} new`;
      pill.setAttribute('aria-label', `${arrived} new or moved ticket${arrived === 1 ? '' : 's'}: show them`);
      loadStats();
    } catch (err) {
      // The next update or refresh tries again.
    }
  }

  // Issue 19: on an empty desk a super admin gets the setup checklist
  // instead (js/setup.js has the rules). Best effort: the plain empty
  // message stays when anything here fails.
  async function setupInstead(empty, page) {
    if (!session.user || session.user.role !== 'super_admin' || page !== 1) return;
    try {
      const stats = await get('/api/tickets/stats');
      if (!showSetup({ role: session.user.role, deskTotal: Number(stats.total), page })) return;
      const [status, users] = await Promise.all([get('/api/whatsapp/status'), get('/api/users?limit=1')]);
      if (!empty.isConnected) return;
      empty.replaceWith(setupView(setupChecklist({ status, users: Number(users.total), origin: location.origin })));
    } catch (e) { /* the empty message stays */ }
  }

  function setupView(items) {
    const titleId = nextId('setup-title');
    const left = items.filter((i) => !i.done).length;
    return h('section', { class: 'setup', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, 'Set up your desk'),
      h('p', {}, left ? `No tickets yet. ${left} of ${items.length} steps left before customers can write in:`
        : 'No tickets yet. Everything is set up: the first WhatsApp message makes the first ticket.'),
      h('ol', { class: 'setup-list' }, items.map((i) => h('li', { class: ['setup-item', i.done ? 'is-done' : 'is-todo'], 'data-key': i.key },
        h('span', { class: 'setup-mark', 'aria-hidden': 'true' }, i.done ? '✓' : '○'),
        h('span', { class: 'setup-text' },
          h('strong', {}, `${i.done ? 'Done' : 'Not done'}: ${i.label}`), ' ',
          i.url ? [i.detail.split(i.url)[0], h('code', { class: 'setup-url' }, i.url), i.detail.split(i.url).slice(1).join(i.url)] : i.detail, ' ',
          h('a', { href: i.href }, i.href === '#/users' ? 'Go to Users' : 'Go to WhatsApp'))))));
  }

  function renderList(data) {
    showNewForMe(data);
    pending = null;
    pill.hidden = true;
    const items = data.items || [];
    const total = Number(data.total || 0);
    const estimated = data.total_estimate === true;
    if (data.next_cursor) cursors[st.page + 1] = data.next_cursor;
    const first = items.length ? (st.page - 1) * st.limit + 1 : 0;
    const last = (st.page - 1) * st.limit + items.length;
    const of = estimated ? `${total.toLocaleString('en-US')}+` : String(total);
    clear(status, items.length
      ? `${first}–${estimated ? last : Math.min(total, last)} of ${of} ticket${total === 1 && !estimated ? '' : 's'}` : '');
    // Keyboard focus on a row survives the refresh.
    const focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest('tr.ticket-row') : null;
    const focusedId = focused && list.contains(focused) ? focused.dataset.id : null;
    if (!items.length) {
      shown = new Map();
      const empty = h('p', { class: 'empty' }, st.page > 1 ? 'No tickets on this page.' : 'No tickets match these filters.');
      clear(list, empty);
      setupInstead(empty, st.page);
    } else {
      const now = Date.now();
      const rows = items.map((t) => row(t, now));
      shown = new Map(rows.map((tr) => [tr.dataset.id, tr]));
      clear(list, h('table', { class: 'tickets' },
        h('caption', { class: 'sr-only' }, 'Tickets'),
        h('thead', {}, h('tr', {},
          ['Reference', 'Status', 'Site', 'Severity', 'Customer', 'Last message', 'Waiting', 'Holder'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows)));
      if (focusedId) list.querySelector(`tr[data-id="${CSS.escape(focusedId)}"] a.ref`)?.focus({ preventScroll: true });
    }
    fresh = new Set();
    const pages = Math.max(1, Math.ceil(total / st.limit));
    // Another page follows when the API gave its cursor (or, for an answer
    // without one, when the count says so).
    const hasNext = 'next_cursor' in data ? Boolean(data.next_cursor) : st.page < pages;
    const go = (p) => () => {
      st.page = p;
      update();
      main.querySelector('h1')?.scrollIntoView({ block: 'start' });
    };
    clear(pager,
      h('button', { type: 'button', class: 'btn', disabled: st.page <= 1, onclick: go(st.page - 1) }, '← Previous'),
      h('span', { class: 'pager-info' }, estimated ? `Page ${st.page}` : `Page ${Math.min(st.page, pages)} of ${pages}`),
      h('button', { type: 'button', class: 'btn', disabled: !hasNext, onclick: go(st.page + 1) }, 'Next →'));
    pager.hidden = !hasNext && st.page === 1;
  }

  function row(t, now) {
    const href = `#/tickets/${t.id}`;
    const overdue = Number(t.overdue_actions || 0);
    const who = authorLabel(t.last_author);
    const open = selected !== null && (selected === String(t.id) || selected === t.reference);
    // The ticket open beside the list is being read.
    t = { ...t, unread: t.unread && !open };
    const tr = h('tr', { class: ['ticket-row', fresh.has(t.id) ? 'is-fresh' : '', t.assigned_to ? '' : 'is-unassigned',
      t.urgent ? 'is-urgent' : '', t.unread ? 'is-unread' : '', open ? 'is-open' : ''],
    dataset: { id: String(t.id), severity: t.severity || '', unread: t.unread ? '1' : '0' } },
      h('td', { class: 'c-ref', 'data-label': 'Reference' },
        t.unread ? h('span', { class: 'unread-mark', title: 'Unread: the customer wrote since you last opened it' },
          h('span', { 'aria-hidden': 'true' }, '● '), h('span', { class: 'sr-only' }, 'Unread: ')) : null,
        h('a', { href, class: 'ref', 'aria-current': open ? 'true' : null }, t.reference || `#${t.id}`),
        windowClosedMark(t) ? [' ', windowClosedMark(t)] : null,
        t.urgent ? [' ', urgentMark()] : null,
        t.flagged ? [' ', flaggedMark()] : null,
        overdue > 0 ? [' ', h('span', { class: 'badge overdue' }, h('span', { 'aria-hidden': 'true' }, '⏰ '),
          `${overdue} overdue action${overdue === 1 ? '' : 's'}`)] : null),
      h('td', { class: 'c-status', 'data-label': 'Status' }, h('span', { class: `badge status-${t.status}` }, statusLabel(t.status)),
        t.sla && t.status !== 'closed' ? slaMark(t.sla) : null),
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
      h('td', { class: 'c-last', 'data-label': 'Last message' },
        who ? h('span', { class: ['last-who', `last-who-${t.last_author.kind}`] }, `${who}: `) : null,
        h('span', { class: 'last-msg', dir: 'auto' }, t.last_message || '')),
      h('td', { class: ['c-waiting', t.waiting_since ? 'is-waiting' : ''], 'data-label': 'Waiting' }, t.waiting_since
        ? h('time', { datetime: t.waiting_since, title: `Waiting since ${dateTime(t.waiting_since)}` }, age(t.waiting_since, now))
        : h('span', { class: 'muted', title: `Opened ${dateTime(t.created_at)}` }, '—')),
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
      debounce = setTimeout(ev.type === 'resync' ? load : soft, 100);
    },
    refresh: soft,
    reload: load,
    // The split view's open ticket (app.js): its row is marked, and read.
    select(id) {
      selected = id ? String(id) : null;
      for (const tr of list.querySelectorAll('tr.ticket-row')) {
        const on = selected !== null && (tr.dataset.id === selected || tr.querySelector('a.ref')?.textContent === selected);
        tr.classList.toggle('is-open', on);
        tr.querySelector('a.ref')?.setAttribute('aria-current', on ? 'true' : 'false');
        if (on && tr.classList.contains('is-unread')) {
          tr.classList.remove('is-unread');
          tr.dataset.unread = '0';
          tr.querySelector('.unread-mark')?.remove();
        }
      }
    },
    destroy() {
      destroyed = true;
      clearTimeout(debounce);
      wide.removeEventListener('change', onWide);
      main.classList.remove('wide');
    },
  };
}
