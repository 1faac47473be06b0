// The dashboard (issue 12): GET /api/stats/dashboard drawn as headline
// tiles and charts (tickets per day, by site, by category, severity split,
// first-response, resolution and take times, WhatsApp delivery), with the
// filters from, to, site, category and agent kept in the URL
// (#/dashboard?from=2026-11-01&to=2026-11-30&site=3), and export links
// (GET /api/reports/export?format=csv|xlsx|pdf) carrying the same filters.
// The home screen of super admins, site managers and reporters; an agent
// may open it and sees the tickets they hold (the API says so). A site's
// page (views/sites.js) shows the same figures for that site through
// createFigures.
import { api, query } from '../api.js';
import { chartCard, destroyAll, draw, severityColour } from '../charts.js';
import { clear, h, nextId, notice, showFieldErrors } from '../dom.js';
import { CATEGORIES, SEVERITIES } from '../format.js';
import { listSites, sitesInOrder } from '../people.js';
import { session } from '../session.js';

export const DEFAULT_DAYS = 30; // the period shown when the URL names none
const MAX_DAYS = 366; // the API's longest WhatsApp window
const CATEGORY_KEYS = CATEGORIES.map(([k]) => k);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const EXPORTS = [['csv', 'CSV'], ['xlsx', 'XLSX'], ['pdf', 'PDF']];

// Roles whose home screen the dashboard is.
export function isDashboardHome(user) {
  return Boolean(user && ['super_admin', 'site_manager', 'reporter'].includes(user.role) &&
    Array.isArray(user.permissions) && user.permissions.includes('stats'));
}

function isoDay(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function dayOf(s) {
  const [y, m, d] = s.split('-').map(Number);
  return new Date(y, m - 1, d);
}

function daysBetween(a, b) {
  return Math.round((dayOf(b) - dayOf(a)) / 86400000);
}

// Seconds as a person reads them: 45 s, 12 min, 3 h 5 min, 2 d 4 h.
export function duration(sec) {
  const s = Math.round(Number(sec) || 0);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const hr = Math.floor(m / 60);
  if (hr < 48) return m % 60 ? `${hr} h ${m % 60} min` : `${hr} h`;
  const d = Math.floor(hr / 24);
  return hr % 24 ? `${d} d ${hr % 24} h` : `${d} d`;
}

const count = (n) => Number(n || 0).toLocaleString('en-GB');
const percent = (n) => `${Number(n || 0).toFixed(2)} %`;

// The filters from a hash's query: {from, to, site, category, agent}.
export function filtersFrom(q, { today = new Date() } = {}) {
  const to = DATE.test(q.get('to') || '') ? q.get('to') : isoDay(today);
  const start = new Date(dayOf(to));
  start.setDate(start.getDate() - (DEFAULT_DAYS - 1));
  const from = DATE.test(q.get('from') || '') ? q.get('from') : isoDay(start);
  const site = /^([0-9]{1,10}|[A-Za-z0-9]{3,10})$/.test(q.get('site') || '') ? q.get('site') : '';
  const category = CATEGORY_KEYS.includes(q.get('category')) ? q.get('category') : '';
  const agent = /^[0-9]{1,10}$/.test(q.get('agent') || '') ? q.get('agent') : '';
  return { from, to, site, category, agent };
}

// The days of the WhatsApp figures: from `from` to today, 1 to 366.
function waDays(f, today = new Date()) {
  const n = daysBetween(f.from, isoDay(today)) + 1;
  return Math.min(MAX_DAYS, Math.max(1, n));
}

// What the API is asked: the filters, without empty ones.
export function apiParams(f) {
  return { from: f.from, to: f.to, site: f.site, category: f.category, agent: f.agent };
}

export function exportUrl(format, f) {
  return `/api/reports/export${query({ format, ...apiParams(f) })}`;
}

// The figures and their filters, for the dashboard and for a site's page.
// opts.site fixes the site (no site filter shown); opts.onChange(f) is told
// each change of filters (the dashboard keeps them in the URL). Answers
// {el, load, destroy}. opts.level: the charts' heading level (2);
// opts.filters false: no filter form (the default period, the fixed site).
export function createFigures(ctx, opts = {}) {
  const agentOnly = session.user && session.user.role === 'agent';
  const f = filtersFrom(ctx.query || new URLSearchParams());
  if (opts.site) f.site = String(opts.site);
  if (agentOnly) f.agent = '';
  const level = opts.level || 2; // of the charts' headings
  let seq = 0;
  let destroyed = false;
  const agents = new Map(); // id -> name, as the answers name them

  // --- filters
  const inp = (name, label, type, value) => {
    const id = nextId(`dash-${name}`);
    const errId = `${id}-err`;
    const input = h('input', { id, name, type, value, 'aria-describedby': errId });
    const error = h('p', { class: 'field-error', id: errId, hidden: true });
    return { name, input, error, wrap: h('span', { class: 'field-inline' }, h('label', { for: id }, label), input, error) };
  };
  const sel = (name, label, options, value) => {
    const id = nextId(`dash-${name}`);
    const errId = `${id}-err`;
    const input = h('select', { id, name, 'aria-describedby': errId },
      options.map(([v, t]) => h('option', { value: v, selected: v === value }, t)));
    const error = h('p', { class: 'field-error', id: errId, hidden: true });
    return { name, input, error, wrap: h('span', { class: 'field-inline' }, h('label', { for: id }, label), input, error) };
  };
  const fromF = inp('from', 'From', 'date', f.from);
  const toF = inp('to', 'To', 'date', f.to);
  const siteF = sel('site', 'Site', [['', 'All sites']].concat(f.site ? [[f.site, f.site]] : []), f.site);
  const catF = sel('category', 'Category', [['', 'All categories']].concat(CATEGORIES), f.category);
  const agentF = sel('agent', 'Agent', [['', 'All agents']].concat(f.agent ? [[f.agent, `#${f.agent}`]] : []), f.agent);
  const fields = [fromF, toF, catF];
  if (!opts.site) fields.splice(2, 0, siteF);
  if (!agentOnly) fields.push(agentF);
  const apply = h('button', { type: 'submit', class: 'btn' }, 'Apply');
  const form = h('form', { class: 'filters dash-filters', novalidate: true, 'aria-label': 'Dashboard filters' },
    fields.map((x) => x.wrap), apply);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = {
      from: fromF.input.value, to: toF.input.value,
      site: opts.site ? String(opts.site) : siteF.input.value,
      category: catF.input.value, agent: agentOnly ? '' : agentF.input.value,
    };
    const errors = {};
    if (!DATE.test(next.from)) errors.from = 'a date, such as 2026-11-01';
    if (!DATE.test(next.to)) errors.to = 'a date, such as 2026-11-30';
    if (!errors.from && !errors.to && next.from > next.to) errors.to = 'on or after the first day';
    if (Object.keys(errors).length) {
      showFieldErrors(fields, errors);
      return;
    }
    showFieldErrors(fields, null);
    Object.assign(f, next);
    if (opts.onChange) opts.onChange({ ...f });
    load();
  });
  for (const x of [siteF, catF, agentF]) x.input.addEventListener('change', () => form.requestSubmit());

  // --- exports
  const exportLinks = EXPORTS.map(([fmt, label]) => h('a', { class: 'btn btn-small', download: '', dataset: { export: fmt },
    href: exportUrl(fmt, f) }, label));
  const exportNote = h('span', { class: 'hint export-note' });
  const exportsBox = h('div', { class: 'dash-exports', role: 'group', 'aria-label': 'Export the tickets' },
    h('span', { class: 'export-label' }, 'Export:'), exportLinks, exportNote);

  // --- tiles and charts
  const status = h('div', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const period = h('p', { class: 'hint dash-period' });
  const tiles = h('dl', { class: 'tiles' });
  const cards = {
    per_day: chartCard('per_day', 'Tickets per day', { level, wide: true }),
    by_site: chartCard('by_site', 'Tickets by site', { level }),
    by_category: chartCard('by_category', 'Tickets by category', { level }),
    by_severity: chartCard('by_severity', 'Severity', { level }),
    times: chartCard('times', 'Response and resolution times', { level }),
    whatsapp: chartCard('whatsapp', 'WhatsApp messages sent, by status', { level }),
  };
  if (opts.site) cards.by_site.el.hidden = true;
  const grid = h('div', { class: 'chart-grid', 'aria-busy': 'true' }, Object.values(cards).map((c) => c.el));
  const el = h('div', { class: 'figures' }, opts.filters === false ? null : form, exportsBox, status, period, tiles, grid);

  function tile(key, label, value, sub) {
    return h('div', { class: 'tile', dataset: { figure: key } },
      h('dt', {}, label), h('dd', { class: 'tile-value' }, value), sub ? h('dd', { class: 'tile-sub hint' }, sub) : null);
  }

  function fillAgents(items) {
    for (const it of items || []) if (it.key) agents.set(it.key, it.label || `#${it.key}`);
    if (agentOnly) return;
    const opt = [['', 'All agents'], ...[...agents].sort((a, b) => a[1].localeCompare(b[1]))];
    if (f.agent && !agents.has(f.agent)) opt.push([f.agent, `#${f.agent}`]);
    clear(agentF.input, opt.map(([v, t]) => h('option', { value: v, selected: v === f.agent }, t)));
  }

  async function fillSites() {
    if (opts.site) return;
    try {
      const r = await listSites(); // deactivated sites keep their figures
      if (destroyed) return;
      const items = sitesInOrder(r.items);
      clear(siteF.input, h('option', { value: '' }, 'All sites'),
        items.map((s) => h('option', { value: String(s.id), selected: String(s.id) === f.site || s.code === f.site },
          `${s.parent_id ? '— ' : ''}${s.code} · ${s.name}`)));
    } catch (e) { /* the filter keeps what the URL said */ }
  }

  function perDay(d) {
    const byDay = new Map((d.per_day || []).map((it) => [it.key, Number(it.total)]));
    const labels = [];
    const span = daysBetween(f.from, f.to);
    if (span >= 0 && span < MAX_DAYS) {
      for (const day = dayOf(f.from); isoDay(day) <= f.to; day.setDate(day.getDate() + 1)) labels.push(isoDay(day));
      for (const k of byDay.keys()) if (!labels.includes(k)) labels.push(k);
      labels.sort();
    } else labels.push(...byDay.keys());
    return { labels, data: labels.map((k) => byDay.get(k) || 0) };
  }

  async function render(d) {
    const t = d.tickets;
    const tm = d.times;
    const wa = d.whatsapp || {};
    // Issue 13: SLA met among the tickets with a policy decided so far.
    const sla = d.sla || { met: 0, breached: 0, running: 0, met_rate: 0 };
    const decided = Number(sla.met) + Number(sla.breached);
    clear(period, `${f.from} to ${f.to}, days counted in ${d.tz}. `,
      agentOnly ? 'Your figures: the tickets you hold.' : null);
    clear(tiles,
      tile('created', 'Tickets', count(t.created), `${count(t.by_source.whatsapp)} by WhatsApp · ${count(t.by_source.form)} by form`),
      tile('open', 'Open', count(t.open)),
      tile('closed', 'Closed', count(t.closed)),
      tile('unassigned', 'Unassigned', count(t.unassigned)),
      tile('critical_open', 'Critical and open', count(t.critical_open)),
      tile('overdue_actions', 'Overdue actions', count(t.overdue_actions)),
      tile('first_response', 'First response (median)', tm.first_response.count ? duration(tm.first_response.median) : '—',
        `${count(tm.first_response.count)} answered`),
      tile('resolution', 'Resolution (median)', tm.resolution.count ? duration(tm.resolution.median) : '—',
        `${count(tm.resolution.count)} closed`),
      tile('delivery_rate', 'WhatsApp delivery rate', percent(wa.deliveryRate),
        `${count(wa.messagesByStatus ? wa.messagesByStatus.sent : 0)} sent in the last ${wa.days} days`),
      tile('sla', 'SLA met', decided > 0 ? percent(sla.met_rate) : '—',
        `${count(sla.met)} met · ${count(sla.breached)} breached · ${count(sla.running)} running`));
    exportNote.textContent = `${count(t.created)} ticket${Number(t.created) === 1 ? '' : 's'} with these filters.`;
    for (const [i, [fmt]] of EXPORTS.entries()) exportLinks[i].href = exportUrl(fmt, f);
    fillAgents(d.by_agent);

    const pd = perDay(d);
    const unnamed = { by_site: 'No site', by_category: 'No category', by_severity: 'Not set' };
    const series = (name) => (d[name] || []).map((it) => ({ label: it.label || unnamed[name] || it.key, key: it.key, total: Number(it.total) }));
    const sevOrder = SEVERITIES.map(([k]) => k).concat(['']);
    const sev = series('by_severity').sort((a, b) => sevOrder.indexOf(a.key) - sevOrder.indexOf(b.key));
    const bySite = series('by_site').sort((a, b) => b.total - a.total);
    const byCat = series('by_category').sort((a, b) => b.total - a.total);
    const timeLabels = ['First response', 'Resolution', 'Time to take'];
    const timeOf = (k) => [tm.first_response[k], tm.resolution[k], tm.take[k]].map((x) => Math.round(Number(x) || 0));
    const ms = wa.messagesByStatus || {};
    await Promise.all([
      draw(cards.per_day, 'line', 'Tickets per day', pd.labels, [{ label: 'Tickets', data: pd.data }], { fmt: count }),
      opts.site ? null : draw(cards.by_site, 'hbar', 'Tickets by site', bySite.map((x) => x.label),
        [{ label: 'Tickets', data: bySite.map((x) => x.total) }], { fmt: count }),
      draw(cards.by_category, 'hbar', 'Tickets by category', byCat.map((x) => x.label),
        [{ label: 'Tickets', data: byCat.map((x) => x.total) }], { fmt: count }),
      draw(cards.by_severity, 'doughnut', 'Severity', sev.map((x) => x.label),
        [{ label: 'Tickets', data: sev.map((x) => x.total), colours: sev.map((x) => severityColour(x.key)) }], { fmt: count }),
      draw(cards.times, 'bar', 'Response and resolution times', timeLabels,
        [{ label: 'Average', data: timeOf('average') }, { label: 'Median', data: timeOf('median') },
          { label: '90th percentile', data: timeOf('p90') }], { fmt: duration, axisFmt: duration }),
      draw(cards.whatsapp, 'bar', 'WhatsApp messages sent, by status', ['Sent', 'Delivered', 'Read', 'Failed'],
        [{ label: 'Messages', data: [ms.sent, ms.delivered, ms.read, ms.failed].map((x) => Number(x || 0)) }], { fmt: count }),
    ]);
  }

  async function load() {
    const mySeq = ++seq;
    grid.setAttribute('aria-busy', 'true');
    status.replaceChildren();
    try {
      const { data } = await api('GET', `/api/stats/dashboard${query({ ...apiParams(f), days: waDays(f) })}`);
      if (destroyed || mySeq !== seq) return;
      await render(data);
      if (destroyed || mySeq !== seq) return;
      el.dataset.loaded = String(mySeq);
    } catch (err) {
      if (destroyed || mySeq !== seq || err.status === 401) return;
      const rest = err.status === 422 ? showFieldErrors(fields, err.details) : {};
      const more = Object.entries(rest).map(([k, v]) => h('li', {}, `${k}: ${v}`));
      status.replaceChildren(notice('error', `The figures could not be loaded: ${err.message} `,
        more.length ? h('ul', {}, more) : null,
        h('button', { type: 'button', class: 'btn btn-small', onclick: load }, 'Try again')));
    } finally {
      if (mySeq === seq) grid.removeAttribute('aria-busy');
    }
  }

  fillSites();
  return {
    el,
    load,
    destroy() {
      destroyed = true;
      destroyAll(Object.values(cards));
    },
  };
}

export function mount(main, ctx) {
  const agentOnly = session.user && session.user.role === 'agent';
  const figures = createFigures(ctx, {
    onChange(f) {
      // The filters go in the URL without a new render.
      const q = query(apiParams(f));
      history.replaceState(null, '', `#/dashboard${q}`);
    },
  });
  main.classList.add('wide');
  main.append(h('div', { class: 'page-head' }, h('h1', {}, 'Dashboard'),
    agentOnly ? h('span', { class: 'hint' }, 'Your own figures') : null), figures.el);
  figures.load();
  let debounce = null;
  return {
    refresh: figures.load,
    onEvent(ev) {
      // New tickets and changes show within a few seconds, not per event.
      if (ev.type === 'resync' || ev.ticket_id) {
        clearTimeout(debounce);
        debounce = setTimeout(figures.load, 3000);
      }
    },
    destroy() {
      clearTimeout(debounce);
      figures.destroy();
      main.classList.remove('wide');
    },
  };
}
