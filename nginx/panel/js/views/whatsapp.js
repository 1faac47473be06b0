// WhatsApp: the connection's state, a test message, a simulated customer.
import { api, get } from '../api.js';
import { clear, field, h, notice, setBusy, showFieldErrors } from '../dom.js';
import { dateTime } from '../format.js';
import { can } from '../session.js';

function yesNo(v) {
  return v ? 'Yes' : 'No';
}

// The channel's health (issue 16): its state, each problem since when,
// and what Meta last said of the number's quality and of the account.
function healthRows(hl, row) {
  if (!hl) return [];
  const since = (p) => (p.since ? `, since ${dateTime(p.since)}` : '');
  const q = hl.quality;
  const a = hl.account;
  return [
    row('Channel health', h('span', { class: hl.state === 'ok' ? 'ok' : 'bad' },
      hl.state === 'ok' ? 'OK' : hl.problems.map((p) => `${p.title || p.kind}${since(p)}`).join('; '))),
    row('Quality and limit', q ? `${q.rating || 'unknown'}${q.event ? ` (${q.event})` : ''}${q.messaging_limit ? `, limit ${q.messaging_limit}` : ''}${q.at ? `, ${dateTime(q.at)}` : ''}` : 'Nothing from Meta yet'),
    row('Account', a ? `${a.title || a.event || 'updated'}${a.at ? `, ${dateTime(a.at)}` : ''}` : 'Nothing from Meta yet'),
  ];
}

export function mount(main, ctx) {
  let destroyed = false;
  const sections = [];
  main.append(h('div', { class: 'page-head' }, h('h1', {}, 'WhatsApp')));

  // --- status
  const statusBody = h('div', { class: 'wa-status' }, h('p', { class: 'muted' }, 'Loading…'));
  const liveBtn = h('button', { type: 'button', class: 'btn' }, 'Check with Meta now');
  const liveOut = h('div', { 'aria-live': 'polite' });
  if (can('whatsapp.status')) {
    sections.push(h('section', { class: 'card', 'aria-labelledby': 'wa-status' },
      h('h2', { id: 'wa-status' }, 'Connection'), statusBody, h('div', { class: 'form-actions' }, liveBtn), liveOut));
  }

  async function loadStatus(live) {
    try {
      const d = await get(`/api/whatsapp/status${live ? '?live=1' : ''}`);
      if (destroyed) return;
      const row = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
      const err = d.last_error;
      clear(statusBody, h('dl', { class: 'details' },
        row('Sending configured', h('span', { class: d.configured ? 'ok' : 'bad' }, yesNo(d.configured))),
        row('Phone number id', d.phone_number_id || '—'),
        row('Graph API', d.api_url || '—'),
        row('Signature check', h('span', { class: d.signature_check ? 'ok' : 'bad' }, d.signature_check ? 'On' : 'Off: webhook posts are not verified')),
        row('Verify token set', yesNo(d.verify_token_set)),
        row('Template', d.template || 'None: replies outside the 24-hour window are refused'),
        row('Last successful send', d.last_success_at ? dateTime(d.last_success_at) : 'None yet'),
        row('Last error', err ? `${err.title || 'error'}${err.code ? ` (code ${err.code})` : ''}${err.at ? `, ${dateTime(err.at)}` : ''}` : 'None'),
        ...healthRows(d.health, row)));
      if (live && d.live) {
        const l = d.live;
        clear(liveOut, l.ok
          ? notice('ok', `Meta answered: ${l.phone?.verified_name || ''} ${l.phone?.display_phone_number || ''}${l.phone?.quality_rating ? `, quality ${l.phone.quality_rating}` : ''}`.trim())
          : notice('error', `Meta refused: ${l.error_title || 'error'}${l.error_code ? ` (code ${l.error_code})` : ''}${l.http_status ? `, HTTP ${l.http_status}` : ''}`));
      }
    } catch (err) {
      if (destroyed || err.status === 401) return;
      clear(live ? liveOut : statusBody, notice('error', `The status could not be read: ${err.message}`));
    }
  }
  liveBtn.addEventListener('click', async () => {
    setBusy(liveBtn, true, 'Checking…');
    clear(liveOut);
    await loadStatus(true);
    setBusy(liveBtn, false);
  });

  // --- send
  if (can('whatsapp.send')) {
    const sf = {
      phone: field('phone', 'Phone number', { kind: 'tel', inputmode: 'tel', hint: 'International format, such as +52 55 1234 5678.' }),
      message: field('message', 'Message', { kind: 'textarea', rows: 3, maxlength: 4096 }),
    };
    const out = h('div', { class: 'form-status', 'aria-live': 'polite' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Send');
    const form = h('form', { class: 'form-grid', novalidate: true, 'aria-labelledby': 'wa-send' }, out, sf.phone.wrap, sf.message.wrap,
      h('div', { class: 'form-actions' }, btn));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      out.replaceChildren();
      setBusy(btn, true, 'Sending…');
      try {
        const { data } = await api('POST', '/api/whatsapp/send', { phone: sf.phone.input.value.trim(), message: sf.message.input.value });
        showFieldErrors(Object.values(sf), null);
        const w = data.whatsapp || {};
        out.replaceChildren(w.status === 'failed'
          ? notice('error', `Not sent: ${w.error_title || 'error'}${w.error_code ? ` (code ${w.error_code})` : ''}.`)
          : notice('ok', `Sent to +${w.to || ''}.`));
        if (w.status !== 'failed') sf.message.input.value = '';
        if (can('whatsapp.status')) loadStatus(false);
      } catch (err) {
        if (err.status === 401) return;
        const rest = err.status === 422 ? showFieldErrors(Object.values(sf), err.details) : {};
        out.replaceChildren(notice('error', err.message, Object.keys(rest).length ? h('ul', {}, Object.entries(rest).map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null));
      } finally {
        setBusy(btn, false);
      }
    });
    sections.push(h('section', { class: 'card' }, h('h2', { id: 'wa-send' }, 'Send a test message'),
      h('p', { class: 'hint' }, 'Free text reaches a number only within 24 hours of its last message to this business.'), form));
  }

  // --- simulate
  if (can('whatsapp.simulate')) {
    const mf = {
      phone: field('phone', 'Customer phone', { kind: 'tel', inputmode: 'tel' }),
      name: field('name', 'Customer name', { maxlength: 100, optional: true }),
      text: field('text', 'What the customer writes', { kind: 'textarea', rows: 3, maxlength: 4096 }),
    };
    const out = h('div', { class: 'form-status', 'aria-live': 'polite' });
    const btn = h('button', { type: 'submit', class: 'btn' }, 'Simulate incoming message');
    const form = h('form', { class: 'form-grid', novalidate: true, 'aria-labelledby': 'wa-sim' }, out, mf.phone.wrap, mf.name.wrap, mf.text.wrap,
      h('div', { class: 'form-actions' }, btn));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      out.replaceChildren();
      setBusy(btn, true, 'Simulating…');
      const body = { phone: mf.phone.input.value.trim(), text: mf.text.input.value };
      if (mf.name.input.value.trim()) body.name = mf.name.input.value.trim();
      try {
        const { data } = await api('POST', '/api/whatsapp/simulate-message', body);
        showFieldErrors(Object.values(mf), null);
        mf.text.input.value = '';
        const what = data.tickets_created ? 'opened ticket' : data.replies ? 'added to ticket' : data.status_queries ? 'answered the status of' : 'recorded';
        out.replaceChildren(notice('ok', `Received: ${what} `,
          data.ticket_id ? h('a', { href: `#/tickets/${data.ticket_id}` }, data.reference || `#${data.ticket_id}`) : null, '.'));
      } catch (err) {
        if (err.status === 401) return;
        const rest = err.status === 422 ? showFieldErrors(Object.values(mf), err.details) : {};
        out.replaceChildren(notice('error', err.message, Object.keys(rest).length ? h('ul', {}, Object.entries(rest).map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null));
      } finally {
        setBusy(btn, false);
      }
    });
    sections.push(h('section', { class: 'card' }, h('h2', { id: 'wa-sim' }, 'Simulate a customer'),
      h('p', { class: 'hint' }, 'A message shaped like Meta’s goes through the webhook’s own path: try the desk without a Meta account.'), form));
  }

  // --- templates (issue 16): the library synced from Meta
  const tplBody = h('div', { class: 'wa-templates' });
  const tplOut = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const syncBtn = h('button', { type: 'button', class: 'btn' }, 'Sync templates from Meta');
  if (can('templates.admin')) {
    sections.push(h('section', { class: 'card', 'aria-labelledby': 'wa-templates' },
      h('h2', { id: 'wa-templates' }, 'Message templates'),
      h('p', { class: 'hint' }, 'Outside the 24-hour window agents send one of the approved templates from the ticket. Meta reviews new templates; its webhooks keep their status here.'),
      tplOut, tplBody, h('div', { class: 'form-actions' }, syncBtn)));
  }

  async function loadTemplates() {
    try {
      const d = await get('/api/templates');
      if (destroyed) return;
      const items = d.items || [];
      clear(tplBody, items.length
        ? h('table', { class: 'table' },
          h('caption', { class: 'sr-only' }, 'Message templates'),
          h('thead', {}, h('tr', {}, ['Name', 'Language', 'Category', 'Status', 'Quality'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, items.map((t) => h('tr', {},
            h('td', {}, t.name), h('td', {}, t.language), h('td', {}, t.category),
            h('td', {}, t.status, t.reason ? h('span', { class: 'hint' }, ` (${t.reason})`) : null),
            h('td', {}, t.quality || '—')))))
        : h('p', { class: 'muted' }, 'No templates yet: sync them from Meta.'));
    } catch (err) {
      if (destroyed || err.status === 401) return;
      clear(tplBody, notice('error', `The templates could not be read: ${err.message}`));
    }
  }
  syncBtn.addEventListener('click', async () => {
    setBusy(syncBtn, true, 'Syncing…');
    clear(tplOut);
    try {
      const { data } = await api('POST', '/api/templates/sync', {}, { timeout: 120000 });
      clear(tplOut, notice('ok', `Synced: ${data.stored} template${data.stored === 1 ? '' : 's'} from Meta${data.removed ? `, ${data.removed} no longer there removed` : ''}.`));
      await loadTemplates();
    } catch (err) {
      if (err.status !== 401) clear(tplOut, notice('error', `The sync failed: ${err.message}`));
    } finally {
      setBusy(syncBtn, false);
    }
  });

  main.append(h('div', { class: 'cards' }, sections));
  if (can('templates.admin')) loadTemplates();
  if (can('whatsapp.status')) loadStatus(false);
  return { destroy() { destroyed = true; } };
}
