// The customer pane of the desktop's split view (issue 19), beside the
// conversation where the width allows: who the customer is (name, mobile,
// WhatsApp username or user id, e-mail) and their tickets, each with its
// status and a link, from the inbox's own search (GET /api/tickets?q= the
// mobile or the username, every status).
import { api, query } from '../api.js';
import { clear, h } from '../dom.js';
import { dateTime, phone, STATUSES, statusLabel } from '../format.js';

const LIMIT = 10;

export function createCustomer(el) {
  let key = '';
  let seq = 0;
  const head = h('h2', { class: 'customer-title' }, 'Customer');
  const who = h('dl', { class: 'details customer-who' });
  const listHead = h('h3', {}, 'Their tickets');
  const list = h('ul', { class: 'customer-tickets' });
  const note = h('p', { class: 'hint' });
  clear(el, head, who, listHead, list, note);

  async function loadTickets(t) {
    const q = t.mobile || (t.username ? t.username : '');
    const mySeq = ++seq;
    if (!q) {
      clear(list);
      note.textContent = t.anonymous ? 'An anonymous report: no other tickets are shown.' : 'No mobile or WhatsApp username to find other tickets by.';
      return;
    }
    note.textContent = '';
    try {
      const { data } = await api('GET', `/api/tickets${query({ q, status: STATUSES, sort: 'newest', limit: LIMIT })}`);
      if (mySeq !== seq) return;
      const items = (data.items || []).filter((x) => (t.mobile ? x.mobile === t.mobile : x.username === t.username));
      clear(list, items.map((x) => h('li', { class: x.id === t.id ? 'is-current' : '' },
        h('a', { href: `#/tickets/${x.id}`, 'aria-current': x.id === t.id ? 'page' : null }, x.reference || `#${x.id}`),
        ' ', h('span', { class: `badge status-${x.status}` }, statusLabel(x.status)),
        ' ', h('time', { class: 'muted', datetime: x.created_at }, dateTime(x.created_at)),
        x.last_message ? h('span', { class: 'customer-snippet', dir: 'auto' }, x.last_message) : null)));
      if (!items.length) note.textContent = 'No other tickets.';
      else if (data.total > LIMIT) note.textContent = `The newest ${LIMIT} of ${data.total}.`;
    } catch (err) {
      if (mySeq === seq && err.status !== 401) note.textContent = `Their tickets could not be loaded: ${err.message}`;
    }
  }

  return {
    // The ticket shown beside: its customer, and their tickets once per
    // customer (a live update of the same ticket asks again).
    render(t) {
      const row = (k, v) => (v ? [h('dt', {}, k), h('dd', { dir: 'auto' }, v)] : null);
      clear(who,
        row('Name', t.name),
        row('Mobile', t.mobile ? phone(t.mobile) : null),
        row('WhatsApp', t.username ? `@${t.username}` : (!t.mobile ? t.whatsapp_user_id : null)),
        row('E-mail', t.email));
      const k = `${t.id}|${t.status}|${t.mobile || t.username || ''}`;
      if (k !== key) {
        key = k;
        loadTickets(t);
      }
    },
  };
}
