// The panel: sign-in, a hash router over the views, the header, live
// updates. Plain modules, no build step; everything a customer wrote is put
// on the page as text.
import { api, setCsrf, setUnauthorizedHandler } from './api.js';
import { h, clear } from './dom.js';
import { roleLabel } from './format.js';
import { liveState, startLive, stopLive } from './live.js';
import { showHelp, typing } from './keys.js';
import { noticeEvent, startAttention } from './attention.js';
import { channelEvent, startChannel, stopChannel } from './channel.js';
import { can, canAny, session, setUser } from './session.js';
import * as loginView from './views/login.js';
import * as inboxView from './views/inbox.js';
import * as ticketView from './views/ticket.js';
import * as newTicketView from './views/newticket.js';
import * as usersView from './views/users.js';
import * as whatsappView from './views/whatsapp.js';
import * as auditView from './views/audit.js';
import * as sitesView from './views/sites.js';
import * as actionsView from './views/actions.js';
import * as tokensView from './views/tokens.js';
import * as webhooksView from './views/webhooks.js';
import * as teamsView from './views/teams.js';
import * as contactsView from './views/contacts.js';
import * as dashboardView from './views/dashboard.js';
import * as accountView from './views/account.js';
import { createCustomer } from './views/customer.js';
import * as cannedView from './views/canned.js';

const POLL_MS = 30000;
// Issue 19: from this width the inbox and the open ticket sit side by
// side (and from 87.5rem, 1400 px, the customer's pane beside them).
const SPLIT = window.matchMedia('(min-width: 64rem)');
const SIGNED_IN_FLAG = 'tick_signed_in';

const routes = [
  { path: /^\/login$/, view: loginView, public: true },
  { path: /^\/inbox$/, view: inboxView, nav: 'inbox', allowed: () => can('tickets.read') },
  { path: /^\/tickets\/([A-Za-z0-9-]+)$/, view: ticketView, nav: 'inbox', keys: ['id'], allowed: () => can('tickets.read') },
  { path: /^\/new$/, view: newTicketView, nav: 'new', allowed: () => can('tickets.work') },
  { path: /^\/users$/, view: usersView, nav: 'users', allowed: () => can('users') },
  { path: /^\/whatsapp$/, view: whatsappView, nav: 'whatsapp', allowed: () => canAny('whatsapp.status', 'whatsapp.send', 'whatsapp.simulate') },
  { path: /^\/audit$/, view: auditView, nav: 'audit', allowed: () => can('audit') },
  { path: /^\/sites$/, view: sitesView, nav: 'sites', allowed: sitesView.maySeeSites },
  { path: /^\/sites\/(\d{1,10})$/, view: sitesView, nav: 'sites', keys: ['id'], allowed: sitesView.maySeeSites },
  { path: /^\/actions$/, view: actionsView, nav: 'actions', allowed: () => can('tickets.read') },
  { path: /^\/tokens$/, view: tokensView, nav: 'tokens', allowed: () => Boolean(session.user) },
  { path: /^\/webhooks$/, view: webhooksView, nav: 'webhooks', allowed: webhooksView.maySeeWebhooks },
  { path: /^\/webhooks\/(\d{1,10})$/, view: webhooksView, nav: 'webhooks', keys: ['id'], allowed: webhooksView.maySeeWebhooks },
  { path: /^\/teams$/, view: teamsView, nav: 'teams', allowed: () => can('tickets.read') },
  { path: /^\/contacts$/, view: contactsView, nav: 'contacts', allowed: () => can('tickets.read') },
  { path: /^\/dashboard$/, view: dashboardView, nav: 'dashboard', allowed: () => can('stats') },
  { path: /^\/account$/, view: accountView, nav: 'account', allowed: () => Boolean(session.user) },
  { path: /^\/canned$/, view: cannedView, nav: 'canned', allowed: cannedView.mayManageCanned },
];

// The first screen after sign-in: the dashboard for those who judge the
// desk by its figures, the inbox for those who work tickets.
function home() {
  return dashboardView.isDashboardHome(session.user) ? '#/dashboard' : '#/inbox';
}

const main = document.getElementById('main');
const topbar = document.getElementById('topbar');
const flashBox = document.getElementById('flash');
let current = null; // {route, instance}
let loginMessage = '';
let returnTo = '';
let expiring = false;
let pollTimer = null;

export function navigate(hash, { replace = false } = {}) {
  const target = hash.startsWith('#') ? hash : `#${hash}`;
  if (location.hash === target) {
    render();
  } else if (replace) {
    history.replaceState(null, '', target);
    render();
  } else {
    location.hash = target;
  }
}

let flashTimer = null;
export function flash(text, kind = 'ok') {
  clearTimeout(flashTimer);
  clear(flashBox, h('div', { class: `toast toast-${kind}` },
    h('span', {}, text),
    h('button', { type: 'button', class: 'link', 'aria-label': 'Dismiss', onclick: () => clear(flashBox) }, '×')));
  flashTimer = setTimeout(() => clear(flashBox), kind === 'error' ? 10000 : 5000);
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || home().slice(1);
  const [path, qs] = raw.split('?');
  return { path: path || home().slice(1), query: new URLSearchParams(qs || '') };
}

function destroyCurrent() {
  if (current && current.instance && current.instance.destroy) {
    try {
      current.instance.destroy();
    } catch (e) { /* a view's cleanup never stops navigation */ }
  }
  current = null;
}

function render() {
  const { path, query } = parseHash();
  if (!path.startsWith('/')) return; // an in-page anchor
  let route = null;
  let params = {};
  for (const r of routes) {
    const m = r.path.exec(path);
    if (m) {
      route = r;
      (r.keys || []).forEach((k, i) => { params[k] = decodeURIComponent(m[i + 1]); });
      break;
    }
  }
  if (!session.user && !(route && route.public)) {
    returnTo = location.hash && !location.hash.startsWith('#/login') ? location.hash : '';
    history.replaceState(null, '', '#/login');
    route = routes[0];
    params = {};
  } else if (session.user && route && route.public) {
    history.replaceState(null, '', returnTo || home());
    returnTo = '';
    render();
    return;
  } else if (!route) {
    history.replaceState(null, '', home());
    render();
    return;
  }
  if ((route.view === inboxView || route.view === ticketView) && SPLIT.matches &&
      !(route.allowed && !route.allowed())) {
    renderSplit(route, params, query);
    return;
  }
  destroyCurrent();
  updateHeader(route);
  clear(main);
  if (route.allowed && !route.allowed()) {
    main.append(h('h1', {}, 'Not available'),
      h('p', {}, 'Your role does not include this page. ', h('a', { href: '#/inbox' }, 'Back to the inbox')));
    current = { route, instance: null };
    focusHeading();
    return;
  }
  const ctx = { params, query, navigate, flash, main };
  if (route.view === loginView) {
    ctx.message = loginMessage;
    ctx.onSignedIn = signedIn;
    loginMessage = '';
  }
  const instance = route.view.mount(main, ctx) || {};
  current = { route, instance };
  if (instance.keepFocus) document.title = 'Sign in · tick';
  else focusHeading();
  if (searchNext) {
    searchNext = false;
    main.querySelector('input[type="search"][name="q"]')?.focus();
  }
}

// The desktop's split view (issue 19): the inbox on the left stays while
// tickets open on the right, so a row's click changes only the right pane;
// the URL's hash still names the ticket (reload and back work). The list
// keeps its own filters (lastInboxHash) while a ticket is open.
function renderSplit(route, params, query) {
  const ticketId = route.view === ticketView ? params.id : null;
  let s = current && current.split ? current.split : null;
  if (s && !ticketId && s.listQuery !== query.toString()) s = null;
  if (!s) {
    destroyCurrent();
    updateHeader(route);
    clear(main);
    const listPane = h('section', { class: 'pane pane-list', 'aria-label': 'Ticket list' });
    const ticketPane = h('section', { class: 'pane pane-ticket', 'aria-label': 'Open ticket' });
    const customerPane = h('aside', { class: 'pane pane-customer', 'aria-label': 'Customer' });
    main.classList.add('split');
    // The panes fill the window under the header (CSSOM, not an inline
    // style: the CSP holds).
    document.documentElement.style.setProperty('--topbar-h', `${topbar.offsetHeight}px`);
    main.append(h('div', { class: 'split-panes' }, listPane, ticketPane, customerPane));
    const listQuery = ticketId ? new URLSearchParams(inboxView.lastInboxHash.split('?')[1] || '') : query;
    s = { listPane, ticketPane, customerPane, ticket: null, ticketId: null, listQuery: listQuery.toString() };
    s.list = inboxView.mount(listPane, {
      params: {}, query: listQuery, navigate, flash, main: listPane, selected: ticketId,
      isEmbedded: () => Boolean(s.ticketId),
    }) || {};
    s.customer = createCustomer(customerPane);
    const instance = {
      onKey: (key) => Boolean((s.ticket && s.ticket.onKey && s.ticket.onKey(key)) || (s.list.onKey && s.list.onKey(key))),
      onEvent: (ev) => {
        if (s.list.onEvent) s.list.onEvent(ev);
        if (s.ticket && s.ticket.onEvent) s.ticket.onEvent(ev);
      },
      refresh: () => {
        if (s.list.refresh) s.list.refresh();
        if (s.ticket && s.ticket.refresh) s.ticket.refresh();
      },
      destroy: () => {
        for (const x of [s.ticket, s.list]) {
          try {
            if (x && x.destroy) x.destroy();
          } catch (e) { /* a view's cleanup never stops navigation */ }
        }
        main.classList.remove('split');
      },
    };
    current = { route, instance, split: s };
  } else {
    updateHeader(route);
    current.route = route;
    // Back to the inbox from a ticket: the list as it is now.
    if (!ticketId && s.ticketId && s.list.reload) s.list.reload();
  }
  if (s.ticketId !== ticketId || ticketId === null) {
    if (s.ticket && s.ticket.destroy) {
      try {
        s.ticket.destroy();
      } catch (e) { /* as above */ }
    }
    s.ticket = null;
    s.ticketId = ticketId;
    clear(s.ticketPane);
    clear(s.customerPane);
    s.customer = createCustomer(s.customerPane);
    main.classList.toggle('split-open', Boolean(ticketId));
    if (ticketId) {
      s.ticket = ticketView.mount(s.ticketPane, {
        params, query, navigate, flash, main: s.ticketPane,
        onTicket: (t) => {
          s.customer.render(t);
          // Opened, so read: the list's rows and "New for me" follow, in
          // place.
          if (s.readId !== t.id) {
            s.readId = t.id;
            if (s.list.refresh) s.list.refresh();
          }
        },
      }) || {};
    } else {
      s.ticketPane.append(h('p', { class: 'pane-empty' }, 'Open a ticket from the list to read and answer it here.'));
      s.readId = null;
    }
    if (s.list.select) s.list.select(ticketId);
  }
  const h1 = (ticketId ? s.ticketPane : s.listPane).querySelector('h1');
  if (h1) {
    h1.setAttribute('tabindex', '-1');
    h1.focus({ preventScroll: true });
    document.title = `${h1.textContent} · tick`;
  }
  if (searchNext) {
    searchNext = false;
    main.querySelector('input[type="search"][name="q"]')?.focus();
  }
}

// Keyboard shortcuts (keys.js): "?" the list, "/" the inbox search, the
// rest to the view on screen.
let searchNext = false;
function onKey(e) {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || !session.user) return;
  if (typing(e.target) || document.querySelector('dialog[open]')) return;
  if (e.key === '?') {
    e.preventDefault();
    showHelp();
  } else if (e.key === '/') {
    e.preventDefault();
    const box = main.querySelector('input[type="search"][name="q"]');
    if (box) box.focus();
    else {
      searchNext = true;
      navigate('#/inbox');
    }
  } else if (current && current.instance && current.instance.onKey && current.instance.onKey(e.key)) {
    e.preventDefault();
  }
}

function focusHeading() {
  const h1 = main.querySelector('h1');
  if (h1) {
    h1.setAttribute('tabindex', '-1');
    h1.focus({ preventScroll: true });
    document.title = `${h1.textContent} · tick`;
  }
}

function updateHeader(route) {
  const signed = Boolean(session.user);
  topbar.hidden = !signed;
  document.body.classList.toggle('signed-out', !signed);
  if (!signed) return;
  for (const a of topbar.querySelectorAll('[data-perm]')) {
    const perms = a.dataset.perm.split(' ');
    a.hidden = !perms.some((p) => can(p));
  }
  for (const a of topbar.querySelectorAll('[data-role]')) {
    a.hidden = !a.dataset.role.split(' ').includes(session.user.role);
  }
  for (const a of topbar.querySelectorAll('[data-nav]')) {
    if (route && a.dataset.nav === route.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const brand = topbar.querySelector('.brand');
  brand.setAttribute('href', home());
  brand.setAttribute('aria-label', home() === '#/dashboard' ? 'tick, go to the dashboard' : 'tick, go to the inbox');
  const who = document.getElementById('whoami');
  // The name opens My account (the password change).
  // Its name is its visible text after a hidden "My account:" (axe's
  // label-content-name-mismatch: a speech user says what they see).
  clear(who, h('a', { href: '#/account', class: 'who-link', 'aria-current': route && route.nav === 'account' ? 'page' : null },
  h('span', { class: 'sr-only' }, 'My account: '),
  h('span', { class: 'who-name' }, session.user.name || session.user.email),
  h('span', { class: 'sr-only' }, ', '),
  h('span', { class: 'who-role' }, roleLabel(session.user.role))));
}

// A stream the server ends (about once a minute) reconnects within a
// second: "Connecting…" shows only when it lasts.
let liveTimer = null;
function showLive(state) {
  clearTimeout(liveTimer);
  if (state === 'connecting') {
    liveTimer = setTimeout(() => paintLive('connecting'), 2000);
    return;
  }
  paintLive(state);
}

function paintLive(state) {
  const el = document.getElementById('live');
  const words = {
    on: ['Live', 'Changes show as they happen.'],
    connecting: ['Connecting…', 'Connecting to live updates.'],
    off: ['Not live', 'Live updates are unavailable; the page refreshes every 30 seconds and retries quietly.'],
  }[state] || ['', ''];
  el.className = `live live-${state}`;
  el.textContent = words[0];
  el.title = words[1];
}

function onLiveEvent(ev) {
  noticeEvent(ev);
  channelEvent(ev);
  if (current && current.instance && current.instance.onEvent) current.instance.onEvent(ev);
}

function startPolling() {
  clearInterval(pollTimer);
  pollTimer = setInterval(() => {
    if (liveState() === 'on' || document.visibilityState !== 'visible') return;
    if (current && current.instance && current.instance.refresh) current.instance.refresh();
  }, POLL_MS);
}

// The signed-in agent's availability (issue 13): shown to those who work
// tickets, read at sign-in, changed from the header.
async function loadAvailability() {
  const wrap = document.getElementById('availability-wrap');
  wrap.hidden = !can('tickets.work');
  if (wrap.hidden) return;
  try {
    const { data } = await api('GET', '/api/me/availability');
    document.getElementById('availability').value = data.availability;
  } catch (e) { /* the switch keeps its last value */ }
}

async function setAvailability(e) {
  const select = e.target;
  select.disabled = true;
  try {
    const { data } = await api('PUT', '/api/me/availability', { availability: select.value });
    select.value = data.availability;
    flash(`You are ${select.options[select.selectedIndex].text.toLowerCase()}.`);
  } catch (err) {
    if (err.status !== 401) flash(`Your availability was not changed: ${err.message}`, 'error');
    loadAvailability();
  } finally {
    select.disabled = false;
  }
}

async function checkSession() {
  try {
    await api('GET', '/api/auth/me');
    return true;
  } catch (e) {
    return e.status !== 401;
  }
}

async function signedIn() {
  const { data } = await api('GET', '/api/auth/me');
  setUser(data);
  expiring = false;
  sessionStorage.setItem(SIGNED_IN_FLAG, '1');
  loadAvailability();
  startLive({ event: onLiveEvent, state: showLive, reconnect: checkSession });
  startPolling();
  startChannel();
  const target = returnTo || home();
  returnTo = '';
  navigate(target, { replace: true });
}

function signedOut(message) {
  stopLive();
  stopChannel();
  clearInterval(pollTimer);
  setUser(null);
  setCsrf('');
  sessionStorage.removeItem(SIGNED_IN_FLAG);
  loginMessage = message || '';
  destroyCurrent();
}

setUnauthorizedHandler(() => {
  if (expiring || !session.user) return;
  expiring = true;
  const here = location.hash;
  signedOut('Your session has expired or was ended. Sign in again to continue.');
  returnTo = here && !here.startsWith('#/login') ? here : '';
  history.replaceState(null, '', '#/login');
  render();
});

async function signOut() {
  try {
    await api('POST', '/api/auth/logout', {});
  } catch (e) {
    if (e.status === 401) return; // already handled: the sign-in page shows
  }
  signedOut('You have signed out.');
  returnTo = '';
  navigate('#/login', { replace: true });
}

function wireChrome() {
  document.getElementById('signout').addEventListener('click', signOut);
  document.getElementById('shortcuts').addEventListener('click', showHelp);
  startAttention();
  document.getElementById('availability').addEventListener('change', setAvailability);
  document.getElementById('skip').addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });
  const toggle = document.getElementById('menu-toggle');
  const nav = document.getElementById('nav');
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('open', open);
  });
  nav.addEventListener('click', (e) => {
    if (e.target.closest('a')) {
      toggle.setAttribute('aria-expanded', 'false');
      nav.classList.remove('open');
    }
  });
  window.addEventListener('hashchange', render);
  // Across the split view's width the screen is laid out again, once the
  // width has settled (a full-page screenshot or a rotation passes by).
  let splitTimer = null;
  SPLIT.addEventListener('change', () => {
    clearTimeout(splitTimer);
    splitTimer = setTimeout(() => {
      if (!current || !current.route) return;
      const splitView = current.route.view === inboxView || current.route.view === ticketView;
      if (splitView && Boolean(current.split) !== SPLIT.matches) {
        destroyCurrent();
        render();
      }
    }, 250);
  });
  document.addEventListener('keydown', onKey);
}

async function boot() {
  wireChrome();
  try {
    const { data } = await api('GET', '/api/auth/me');
    setUser(data);
    sessionStorage.setItem(SIGNED_IN_FLAG, '1');
    loadAvailability();
    startLive({ event: onLiveEvent, state: showLive, reconnect: checkSession });
    startPolling();
    startChannel();
  } catch (e) {
    setUser(null);
    if (e.status === 401) {
      if (sessionStorage.getItem(SIGNED_IN_FLAG) || e.code === 'invalid_token' || e.code === 'session_ended') {
        loginMessage = 'Your session has expired or was ended. Sign in again to continue.';
      }
      sessionStorage.removeItem(SIGNED_IN_FLAG);
    } else {
      loginMessage = `The server could not be reached: ${e.message}`;
    }
  }
  expiring = false;
  render();
}

boot();
