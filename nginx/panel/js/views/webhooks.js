// Outbound webhooks (issue 15, super admin): the subscriptions
// (#/webhooks: list and create) and one subscription (#/webhooks/:id: edit,
// disable or enable again, delete, and its delivery log with a resend
// button per delivery). The event types come from GET /api/webhooks; the
// secret is the caller's or made by the API, and shown once.
import { api, get, query } from '../api.js';
import { confirmDialog } from '../confirm.js';
import { clear, field, h, notice, setBusy, setFieldError, showFieldErrors } from '../dom.js';
import { dateTime, DELIVERY_STATES, deliveryStateLabel, plural } from '../format.js';
import { can } from '../session.js';
import { checkGroup, revealOnce } from './tokens.js';

const LOG_LIMIT = 25; // deliveries a page of the log shows
const EXCERPT = 160; // characters of a receiver's answer shown in a row

export function maySeeWebhooks() {
  return can('integrations');
}

function restList(rest) {
  const e = Object.entries(rest || {});
  return e.length ? h('ul', {}, e.map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null;
}

// Cut on a character (code point) boundary, never inside a pair.
function excerpt(s, n = EXCERPT) {
  const chars = Array.from(String(s || ''));
  return chars.length > n ? `${chars.slice(0, n).join('')}…` : chars.join('');
}

function stateOf(w) {
  return w.active ? h('span', { class: 'badge hook-active' }, 'Active') : h('span', { class: 'badge hook-disabled' }, 'Disabled');
}

// The fields of a subscription; values from hook when editing.
function hookFields(hook, types) {
  const f = {
    url: field('url', 'URL', { kind: 'url', maxlength: 2048, autocomplete: 'off', value: hook ? hook.url : '',
      placeholder: 'https://crm.example.com/tick', hint: 'https; plain http only to a loopback address.' }),
    description: field('description', 'Description', { optional: true, maxlength: 200, autocomplete: 'off',
      value: hook && hook.description ? hook.description : '' }),
    events: checkGroup('events', 'Events', types.map((t) => [t, t]), { checked: hook ? hook.events || [] : [],
      hint: 'Each delivery is one of these, for one ticket.' }),
    secret: field('secret', hook ? 'New secret' : 'Secret', { optional: true, maxlength: 128, autocomplete: 'off',
      hint: hook
        ? 'Leave empty to keep the current one. 16 to 128 letters, digits or _-.~+/=.'
        : 'Signs every delivery (X-Tick-Signature-256). Leave empty and a strong one is made and shown once.' }),
  };
  for (const b of f.events.boxes) b.box.addEventListener('change', () => setFieldError(f.events, null));
  return f;
}

// The JSON body of the fields; editing: only what a PUT changes.
function hookBody(f, editing) {
  const body = { url: f.url.input.value.trim(), events: f.events.values() };
  const description = f.description.input.value.trim();
  if (description) body.description = description;
  else if (editing) body.description = null;
  const secret = f.secret.input.value.trim();
  if (secret) body.secret = secret;
  const errors = {};
  if (!body.events.length) errors.events = 'choose at least one event';
  if (!body.url) errors.url = 'is required';
  return { body, errors };
}

function showError(err, fields, status) {
  if (err.status === 401) return;
  const rest = err.status === 422 ? showFieldErrors(fields, err.details) : {};
  status.replaceChildren(notice('error', err.message, restList(rest)));
}

export function mount(main, ctx) {
  return ctx.params.id ? mountHook(main, ctx) : mountList(main, ctx);
}

// ---- the list

function mountList(main, ctx) {
  let destroyed = false;
  let seq = 0;
  let form = null;
  const listStatus = h('div', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { class: 'hooks-list' });
  const createCard = h('section', { class: 'card', 'aria-labelledby': 'hooks-create' },
    h('h2', { id: 'hooks-create' }, 'Add a webhook'), h('p', { class: 'loading' }, 'Loading…'));
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Webhooks')),
    h('p', { class: 'hint' }, 'tick posts each event you subscribe to as signed JSON to your URL, retries with ',
      'the same event id until your server answers 2xx, and disables a subscription that keeps failing.'),
    createCard,
    h('section', { class: 'card', 'aria-labelledby': 'hooks-all' }, h('h2', { id: 'hooks-all' }, 'Subscriptions'), listStatus, list));

  function renderCreate(types) {
    const f = hookFields(null, types);
    const fields = Object.values(f);
    const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
    const reveal = h('div', { class: 'reveal-slot' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create webhook');
    form = h('form', { class: 'form-grid', novalidate: true, 'aria-label': 'Create a webhook' },
      status, h('div', { class: 'grid-2' }, f.url.wrap, f.description.wrap), f.events.wrap, f.secret.wrap,
      h('div', { class: 'form-actions' }, btn));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      status.replaceChildren();
      const { body, errors } = hookBody(f, false);
      if (Object.keys(errors).length) {
        showFieldErrors(fields, errors);
        return;
      }
      setBusy(btn, true, 'Creating…');
      try {
        const { data } = await api('POST', '/api/webhooks', body);
        showFieldErrors(fields, null);
        for (const x of [f.url, f.description, f.secret]) x.input.value = '';
        for (const b of f.events.boxes) b.box.checked = false;
        clear(reveal, revealOnce('secret', data.secret),
          h('p', { class: 'hint' }, 'Created. ', h('a', { href: `#/webhooks/${data.id}` }, 'Open the webhook and its delivery log')));
        reveal.querySelector('.reveal-value').scrollIntoView({ block: 'nearest' });
        load();
      } catch (err) {
        showError(err, fields, status);
      } finally {
        setBusy(btn, false);
      }
    });
    clear(createCard, h('h2', { id: 'hooks-create' }, 'Add a webhook'), reveal, form);
  }

  function row(w) {
    const d = w.deliveries || {};
    return h('tr', { class: ['hook-row', w.active ? '' : 'is-inactive'], dataset: { id: String(w.id) } },
      h('td', { 'data-label': 'URL' }, h('span', { class: 'hook-url' }, h('a', { href: `#/webhooks/${w.id}` }, w.url),
        w.description ? h('span', { class: 'muted hook-desc' }, w.description) : null)),
      h('td', { 'data-label': 'Events' }, h('span', { class: 'scope-list' }, (w.events || []).map((t) => h('code', { class: 'scope' }, t)))),
      h('td', { 'data-label': 'State' }, h('span', {}, stateOf(w),
        !w.active && w.disabled_reason ? h('span', { class: 'muted hook-reason' }, ` ${w.disabled_reason}`) : null)),
      h('td', { 'data-label': 'Failures' }, String(w.failures ?? 0)),
      h('td', { 'data-label': 'Deliveries' }, h('span', { class: 'hook-counts' },
        `${d.delivered ?? 0} delivered · ${d.pending ?? 0} pending · ${d.failed ?? 0} failing · ${d.dead ?? 0} given up`)));
  }

  async function load() {
    const mySeq = ++seq;
    try {
      const data = await get('/api/webhooks');
      if (destroyed || mySeq !== seq) return;
      if (!form) renderCreate(data.event_types || []);
      const items = data.items || [];
      clear(listStatus, plural(items.length, 'subscription', 'subscriptions'));
      clear(list, items.length
        ? h('table', { class: 'table hooks' },
          h('caption', { class: 'sr-only' }, 'Webhook subscriptions'),
          h('thead', {}, h('tr', {}, ['URL', 'Events', 'State', 'Failures in a row', 'Deliveries'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, items.map(row)))
        : h('p', { class: 'empty' }, 'No webhooks yet. Add the first one above.'));
    } catch (err) {
      if (destroyed || mySeq !== seq || err.status === 401) return;
      clear(listStatus, notice('error', `The webhooks could not be loaded: ${err.message} `,
        h('button', { type: 'button', class: 'btn btn-small', onclick: load }, 'Try again')));
    }
  }

  main.classList.add('wide');
  load();
  return { refresh: load, destroy() { destroyed = true; main.classList.remove('wide'); } };
}

// ---- one subscription

function mountHook(main, ctx) {
  const id = ctx.params.id;
  const base = `/api/webhooks/${encodeURIComponent(id)}`;
  let destroyed = false;
  let types = null;
  let hook = null;
  const log = {
    state: DELIVERY_STATES.includes(ctx.query.get('state')) ? ctx.query.get('state') : '',
    page: Math.max(1, parseInt(ctx.query.get('page') || '1', 10) || 1),
    seq: 0,
  };

  const title = h('h1', { class: 'hook-title' }, 'Webhook');
  const badge = h('span', { class: 'hook-state' });
  const sub = h('p', { class: 'ticket-sub hook-sub' });
  const loadStatus = h('div', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const editCard = h('section', { class: 'card', 'aria-labelledby': 'hook-edit' });
  const stateCard = h('section', { class: 'card', 'aria-labelledby': 'hook-onoff' });
  const logCard = h('section', { class: 'card hook-log', 'aria-labelledby': 'hook-log' });
  const body = h('div', { class: 'hook-layout', hidden: true },
    h('div', { class: 'site-layout' }, h('div', { class: 'site-col' }, editCard), h('div', { class: 'site-col' }, stateCard)), logCard);
  main.append(h('a', { href: '#/webhooks', class: 'back' }, '← Webhooks'),
    h('div', { class: 'ticket-head' }, h('div', { class: 'ticket-head-main' }, title, badge), sub), loadStatus, body);

  function renderHead(w) {
    clear(title, 'Webhook ', h('span', { class: 'hook-title-url' }, w.url));
    clear(badge, stateOf(w));
    clear(sub, w.description || '', w.description ? ' · ' : '', `Created ${dateTime(w.created_at)}`,
      w.updated_at && w.updated_at !== w.created_at ? ` · changed ${dateTime(w.updated_at)}` : '');
  }

  function renderEdit(w) {
    const f = hookFields(w, types);
    const fields = Object.values(f);
    const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
    const save = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save changes');
    const form = h('form', { class: 'form-grid', novalidate: true, 'aria-label': 'Edit the webhook' },
      status, f.url.wrap, f.description.wrap, f.events.wrap, f.secret.wrap, h('div', { class: 'form-actions' }, save));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      status.replaceChildren();
      const { body: b, errors } = hookBody(f, true);
      if (Object.keys(errors).length) {
        showFieldErrors(fields, errors);
        return;
      }
      setBusy(save, true, 'Saving…');
      try {
        const { data } = await api('PUT', base, b);
        showFieldErrors(fields, null);
        ctx.flash(b.secret ? 'Saved, with the new secret.' : 'Saved.');
        show(data);
      } catch (err) {
        showError(err, fields, status);
        setBusy(save, false);
      }
    });
    clear(editCard, h('h2', { id: 'hook-edit' }, 'Subscription'), form);
  }

  function renderState(w) {
    const status = h('div', { class: 'row-status', 'aria-live': 'polite' });
    const toggle = h('button', { type: 'button', class: ['btn', w.active ? 'btn-danger' : 'btn-primary'] },
      w.active ? 'Disable' : 'Enable again');
    toggle.addEventListener('click', async () => {
      status.replaceChildren();
      setBusy(toggle, true, w.active ? 'Disabling…' : 'Enabling…');
      try {
        const { data } = await api('PUT', base, { active: !w.active });
        ctx.flash(data.active ? 'Enabled: deliveries go out again at the outbox’s next run.' : 'Disabled: nothing is sent until you enable it.');
        show(data);
        loadLog();
      } catch (err) {
        if (err.status !== 401) status.replaceChildren(notice('error', err.message));
        setBusy(toggle, false);
      }
    });
    const del = h('button', { type: 'button', class: 'btn btn-danger' }, 'Delete webhook');
    del.addEventListener('click', async () => {
      const ok = await confirmDialog({
        title: 'Delete this webhook?',
        body: [h('p', {}, `${w.url} receives nothing more. Its delivery log is kept, but it leaves this screen.`)],
        confirm: 'Delete', danger: true,
      });
      if (!ok) return;
      status.replaceChildren();
      setBusy(del, true, 'Deleting…');
      try {
        await api('DELETE', base);
        ctx.flash('Webhook deleted.');
        ctx.navigate('#/webhooks');
      } catch (err) {
        if (err.status !== 401) status.replaceChildren(notice('error', err.message));
        setBusy(del, false);
      }
    });
    const row = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
    const d = w.deliveries || {};
    clear(stateCard, h('h2', { id: 'hook-onoff' }, 'State'),
      !w.active ? notice('warn', 'Disabled', w.disabled_at ? ` ${dateTime(w.disabled_at)}` : '',
        w.disabled_reason ? `: ${w.disabled_reason}` : '', '. Deliveries wait until it is enabled again.') : null,
      h('dl', { class: 'details' },
        row('State', w.active ? 'Active' : 'Disabled'),
        row('Failures in a row', String(w.failures ?? 0)),
        row('Delivered', String(d.delivered ?? 0)),
        row('Pending', String(d.pending ?? 0)),
        row('Failing, will retry', String(d.failed ?? 0)),
        row('Given up', String(d.dead ?? 0))),
      h('div', { class: 'form-actions hook-actions' }, toggle, del), status);
  }

  function show(w) {
    hook = w;
    renderHead(w);
    renderEdit(w);
    renderState(w);
  }

  // --- the delivery log
  const stateSel = h('select', { id: 'hook-log-state' }, h('option', { value: '' }, 'All'),
    DELIVERY_STATES.map((s) => h('option', { value: s, selected: s === log.state }, deliveryStateLabel(s))));
  stateSel.addEventListener('change', () => {
    log.state = stateSel.value;
    log.page = 1;
    loadLog();
  });
  const refreshBtn = h('button', { type: 'button', class: 'btn btn-small', onclick: () => loadLog() }, 'Refresh');
  const logStatus = h('div', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const logList = h('div', { class: 'deliveries-list' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of deliveries' });
  logCard.append(h('h2', { id: 'hook-log' }, 'Delivery log'),
    h('div', { class: 'filters search' }, h('span', { class: 'field-inline' }, h('label', { for: 'hook-log-state' }, 'Show'), stateSel), refreshBtn),
    logStatus, logList, pager);

  function answerOf(d) {
    const parts = [];
    if (d.last_status !== null && d.last_status !== undefined) parts.push(h('span', { class: 'answer-code' }, `HTTP ${d.last_status}`));
    if (d.last_error) parts.push(h('span', { class: 'answer-error' }, d.last_error));
    if (d.last_response) parts.push(h('code', { class: 'answer-body', title: d.last_response }, excerpt(d.last_response)));
    return parts.length ? h('span', { class: 'answer' }, parts) : h('span', { class: 'muted' }, 'No attempt yet');
  }

  function timesOf(d) {
    const t = (k, v) => (v ? h('span', { class: 'time-line' }, `${k} `, h('time', { datetime: v }, dateTime(v))) : null);
    return h('span', { class: 'times' }, t('Event', d.event_at), t('Last try', d.last_attempt_at), t('Delivered', d.delivered_at),
      t('Next try', d.next_attempt_at));
  }

  function deliveryRow(d) {
    const rowStatus = h('div', { class: 'row-status', 'aria-live': 'polite' });
    const resend = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Resend ${d.event_id}` }, 'Resend');
    resend.addEventListener('click', async () => {
      rowStatus.replaceChildren();
      setBusy(resend, true, 'Resending…');
      try {
        await api('POST', `${base}/deliveries/${encodeURIComponent(d.id)}/resend`, {});
        ctx.flash(hook && !hook.active
          ? `${d.event_id} is queued again; it goes out once the webhook is enabled.`
          : `${d.event_id} goes out again, with the same event id, at the outbox’s next run.`);
        loadLog();
      } catch (err) {
        if (err.status !== 401) rowStatus.replaceChildren(notice('error', err.message));
        setBusy(resend, false);
      }
    });
    return h('tr', { class: ['delivery-row', `delivery-${d.state}`], dataset: { id: String(d.id), event: d.event_id } },
      h('td', { 'data-label': 'Event' }, h('span', {}, h('code', { class: 'event-id' }, d.event_id),
        d.ticket_id ? [' ', h('a', { class: 'delivery-ticket', href: `#/tickets/${d.ticket_id}` }, `ticket ${d.ticket_id}`)] : null)),
      h('td', { 'data-label': 'Type' }, h('code', {}, d.type)),
      h('td', { 'data-label': 'Status' }, h('span', { class: `badge delivery-state state-${d.state}` }, deliveryStateLabel(d.state))),
      h('td', { 'data-label': 'Attempts' }, String(d.attempts ?? 0)),
      h('td', { 'data-label': 'Last answer' }, answerOf(d)),
      h('td', { 'data-label': 'Times' }, timesOf(d)),
      h('td', { 'data-label': 'Resend' }, h('span', {}, resend, rowStatus)));
  }

  async function loadLog() {
    const mySeq = ++log.seq;
    const p = new URLSearchParams();
    if (log.state) p.set('state', log.state);
    if (log.page > 1) p.set('page', String(log.page));
    const hash = `#/webhooks/${id}${p.toString() ? `?${p}` : ''}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
    logList.setAttribute('aria-busy', 'true');
    try {
      const data = await get(`${base}/deliveries${query({ state: log.state, page: log.page, limit: LOG_LIMIT })}`);
      if (destroyed || mySeq !== log.seq) return;
      const items = data.items || [];
      const total = Number(data.total ?? items.length);
      clear(logStatus, plural(total, 'delivery', 'deliveries'));
      clear(logList, items.length
        ? h('table', { class: 'table deliveries' },
          h('caption', { class: 'sr-only' }, 'Deliveries, newest first'),
          h('thead', {}, h('tr', {}, ['Event', 'Type', 'Status', 'Attempts', 'Last answer', 'Times', 'Resend'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, items.map(deliveryRow)))
        : h('p', { class: 'empty' }, log.state ? 'No deliveries in this state.'
          : 'Nothing delivered yet. Deliveries appear after an event this webhook wants and a run of tick outbox.'));
      const pages = Math.max(1, Math.ceil(total / LOG_LIMIT));
      const go = (n) => () => { log.page = n; loadLog(); };
      clear(pager,
        h('button', { type: 'button', class: 'btn', disabled: log.page <= 1, onclick: go(log.page - 1) }, '← Newer'),
        h('span', { class: 'pager-info' }, `Page ${Math.min(log.page, pages)} of ${pages}`),
        h('button', { type: 'button', class: 'btn', disabled: log.page >= pages, onclick: go(log.page + 1) }, 'Older →'));
      pager.hidden = pages <= 1 && log.page === 1;
    } catch (err) {
      if (destroyed || mySeq !== log.seq || err.status === 401) return;
      clear(logStatus, notice('error', `The delivery log could not be loaded: ${err.message} `,
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => loadLog() }, 'Try again')));
    } finally {
      if (mySeq === log.seq) logList.removeAttribute('aria-busy');
    }
  }

  async function load() {
    try {
      // The event types once, for the form; then the subscription.
      if (!types) types = (await get('/api/webhooks')).event_types || [];
      const w = await get(base);
      if (destroyed) return;
      loadStatus.replaceChildren();
      body.hidden = false;
      show(w);
      await loadLog();
    } catch (err) {
      if (destroyed || err.status === 401) return;
      if (err.status === 404) {
        clear(loadStatus, notice('error', 'There is no such webhook (it may have been deleted). ', h('a', { href: '#/webhooks' }, 'All webhooks')));
        title.textContent = 'Webhook not found';
        return;
      }
      clear(loadStatus, notice('error', `The webhook could not be loaded: ${err.message} `,
        h('button', { type: 'button', class: 'btn btn-small', onclick: load }, 'Try again')));
    }
  }

  main.classList.add('wide');
  load();
  return {
    // The form is not repainted under the user's hands: only the log.
    refresh: () => { if (hook) loadLog(); },
    destroy() { destroyed = true; main.classList.remove('wide'); },
  };
}
