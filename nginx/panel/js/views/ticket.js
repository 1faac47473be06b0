// One ticket: its details, the conversation as chat bubbles in time order
// with each outbound message's delivery mark, internal notes set apart, and
// the actions the signed-in role allows (take, reply, status, close, note).
import { api, get } from '../api.js';
import { clear, field, h, notice, setBusy, showFieldErrors } from '../dom.js';
import { dateTime, deliveryMark, phone, shortTime, statusLabel } from '../format.js';
import { can, isAdmin, session } from '../session.js';
import { lastInboxHash } from './inbox.js';

const RETRY_NOTE = 'Sending again from the panel is not available yet; tick outbox retries what can be retried.';

function nextStatuses(status, admin) {
  const order = ['new', 'assigned', 'in_progress'];
  if (status === 'closed') return admin ? order : [];
  const i = order.indexOf(status);
  return i < 0 ? [] : order.slice(i + 1);
}

export function mount(main, ctx) {
  const key = ctx.params.id;
  let ticket = null;
  let seq = 0;
  let debounce = null;
  let destroyed = false;

  const back = h('a', { href: lastInboxHash || '#/inbox', class: 'back' }, '← Inbox');
  const title = h('h1', { class: 'ticket-title' }, 'Ticket');
  const badge = h('span', { class: 'badge' });
  const subtitle = h('p', { class: 'ticket-sub' });
  const headline = h('div', { class: 'ticket-head' }, h('div', { class: 'ticket-head-main' }, title, badge), subtitle);
  const loadStatus = h('div', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const windowNotice = h('div', { class: 'window-notice', hidden: true });
  const timeline = h('ol', { class: 'timeline' });
  const timelineBox = h('section', { class: 'timeline-box', 'aria-label': 'Conversation' }, timeline);
  const details = h('dl', { class: 'details' });
  const actionStatus = h('div', { class: 'action-status', role: 'status', 'aria-live': 'polite' });

  // --- take
  const takeBtn = h('button', { type: 'button', class: 'btn btn-primary' }, 'Take');
  takeBtn.addEventListener('click', () => act(takeBtn, 'Taking…', () =>
    api('POST', `/api/tickets/${ticket.id}/assign`, {}), 'You hold this ticket now.'));
  const takeHint = h('p', { class: 'hint', id: 'take-hint' }, 'Take this ticket to reply to the customer.');
  const takeBox = h('div', { class: 'action take-box', hidden: true }, takeHint, takeBtn);
  takeBtn.setAttribute('aria-describedby', 'take-hint');

  // --- reply
  const reply = field('message', 'Reply to the customer', { kind: 'textarea', rows: 3, maxlength: 4096,
    hint: 'Sent on WhatsApp when the ticket has a mobile and WhatsApp on.' });
  const replyNotice = h('div', { class: 'reply-notice' });
  const replyBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Send reply');
  const replyForm = h('form', { class: 'action compose', novalidate: true, hidden: true },
    replyNotice, reply.wrap, h('div', { class: 'form-actions' }, replyBtn));
  replyForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const message = reply.input.value;
    replyNotice.replaceChildren();
    if (!message.trim()) {
      showFieldErrors([reply], { message: 'Write a reply first.' });
      return;
    }
    setBusy(replyBtn, true, 'Sending…');
    try {
      const { data } = await api('POST', `/api/tickets/${ticket.id}/reply`, { message });
      showFieldErrors([reply], null);
      reply.input.value = '';
      const wa = data && data.whatsapp;
      if (wa && wa.status === 'failed') {
        replyNotice.replaceChildren(notice('warn', `The reply is saved but WhatsApp refused it: ${[wa.error_title, wa.error_code].filter(Boolean).join(', ') || 'unknown error'}.`));
      } else if (wa && wa.status === 'held') {
        replyNotice.replaceChildren(notice('info', 'The reply is saved and held: it is sent when the customer writes again (a template asked them to).'));
      } else {
        ctx.flash('Reply sent.');
      }
      await load();
    } catch (err) {
      if (err.status === 401) return;
      if (err.code === 'outside_window') {
        replyNotice.replaceChildren(notice('warn', h('strong', {}, 'Outside the 24-hour window. '), err.message));
      } else if (err.status === 422) {
        const rest = showFieldErrors([reply], err.details);
        replyNotice.replaceChildren(notice('error', err.message, restList(rest)));
      } else {
        replyNotice.replaceChildren(notice('error', err.message));
        if (err.status === 409 || err.status === 403) load();
      }
    } finally {
      setBusy(replyBtn, false);
    }
  });

  // --- status
  const statusField = field('status', 'Change status', { kind: 'select', options: [] });
  const statusBtn = h('button', { type: 'submit', class: 'btn' }, 'Change');
  const statusForm = h('form', { class: 'action status-form', novalidate: true, hidden: true },
    h('div', { class: 'inline-form' }, statusField.wrap, statusBtn));
  statusForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const to = statusField.input.value;
    if (!to) return;
    act(statusBtn, 'Changing…', () => api('PUT', `/api/tickets/${ticket.id}/status`,
      { status: to, expected_status: ticket.status }), `Status is now ${statusLabel(to)}.`, [statusField]);
  });

  // --- assign to someone (super_admin)
  const assignField = field('user_id', 'Assign to', { kind: 'select', options: [] });
  const assignBtn = h('button', { type: 'submit', class: 'btn' }, 'Assign');
  const assignForm = h('form', { class: 'action assign-form', novalidate: true, hidden: true },
    h('div', { class: 'inline-form' }, assignField.wrap, assignBtn));
  let usersLoaded = false;
  assignForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const uid = Number(assignField.input.value);
    if (!uid) return;
    act(assignBtn, 'Assigning…', () => api('POST', `/api/tickets/${ticket.id}/assign`, { user_id: uid }),
      'Ticket assigned.', [assignField]);
  });

  // --- close
  const resolution = field('resolution', 'Resolution', { kind: 'textarea', rows: 3, maxlength: 5000,
    hint: 'Required. The customer is told the ticket is closed.' });
  const closeBtn = h('button', { type: 'submit', class: 'btn btn-danger' }, 'Close ticket');
  const closeForm = h('form', { class: 'close-form', novalidate: true },
    resolution.wrap, h('div', { class: 'form-actions' }, closeBtn));
  const closeBox = h('details', { class: 'action close-box', hidden: true },
    h('summary', {}, 'Close with a resolution'), closeForm);
  closeForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!resolution.input.value.trim()) {
      showFieldErrors([resolution], { resolution: 'Write how it was resolved.' });
      return;
    }
    act(closeBtn, 'Closing…', () => api('POST', `/api/tickets/${ticket.id}/close`,
      { resolution: resolution.input.value }), 'Ticket closed.', [resolution]).then((ok) => {
      if (ok) {
        resolution.input.value = '';
        closeBox.open = false;
      }
    });
  });

  // --- note
  const note = field('note', 'Internal note', { kind: 'textarea', rows: 2, maxlength: 10000,
    hint: 'Only agents see notes; they are never sent to the customer.' });
  const noteBtn = h('button', { type: 'submit', class: 'btn' }, 'Add note');
  const noteForm = h('form', { class: 'action note-form', novalidate: true, hidden: true },
    note.wrap, h('div', { class: 'form-actions' }, noteBtn));
  note.name = 'message';
  noteForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!note.input.value.trim()) {
      showFieldErrors([note], { message: 'Write the note first.' });
      return;
    }
    act(noteBtn, 'Adding…', () => api('POST', `/api/tickets/${ticket.id}/notes`, { message: note.input.value }),
      'Note added.', [note]).then((ok) => {
      if (ok) note.input.value = '';
    });
  });

  const readOnly = h('p', { class: 'hint read-only', hidden: true });
  const resolutionBox = h('div', { class: 'resolution', hidden: true });

  const actions = h('section', { class: 'actions', 'aria-label': 'Actions' },
    actionStatus, takeBox, statusForm, assignForm, closeBox, readOnly);
  const side = h('aside', { class: 'ticket-side' },
    h('section', { class: 'card', 'aria-labelledby': 'details-title' }, h('h2', { id: 'details-title' }, 'Details'), details, resolutionBox),
    h('section', { class: 'card', 'aria-labelledby': 'actions-title' }, h('h2', { id: 'actions-title' }, 'Actions'), actions));
  const conversation = h('div', { class: 'ticket-main' }, windowNotice, timelineBox, replyForm, noteForm);

  main.append(back, headline, loadStatus, h('div', { class: 'ticket-layout' }, conversation, side));
  main.classList.add('wide');

  function restList(rest) {
    const e = Object.entries(rest || {});
    return e.length ? h('ul', {}, e.map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null;
  }

  // Runs an action, shows its error beside the actions, reloads the ticket.
  async function act(button, busyText, call, okText, fields = []) {
    actionStatus.replaceChildren();
    setBusy(button, true, busyText);
    try {
      await call();
      showFieldErrors(fields, null);
      ctx.flash(okText);
      await load();
      return true;
    } catch (err) {
      if (err.status === 401) return false;
      const rest = err.status === 422 ? showFieldErrors(fields, err.details) : {};
      actionStatus.replaceChildren(notice('error', err.message, restList(rest)));
      if (err.status === 409) load();
      return false;
    } finally {
      setBusy(button, false);
    }
  }

  async function loadUsers() {
    if (usersLoaded || !can('users')) return;
    usersLoaded = true;
    try {
      const data = await get('/api/users?limit=100');
      const workers = (data.items || []).filter((u) => u.active && u.role !== 'reporter');
      clear(assignField.input, h('option', { value: '' }, 'Choose someone…'),
        workers.map((u) => h('option', { value: String(u.id) }, `${u.name} (${u.email})`)));
    } catch (e) {
      usersLoaded = false;
    }
  }

  async function load() {
    const mySeq = ++seq;
    try {
      const data = await get(`/api/tickets/${encodeURIComponent(key)}`);
      if (mySeq !== seq || destroyed) return;
      ticket = data;
      loadStatus.replaceChildren();
      render();
    } catch (err) {
      if (mySeq !== seq || destroyed || err.status === 401) return;
      if (err.status === 404) {
        title.textContent = 'No such ticket';
        loadStatus.replaceChildren(notice('error', 'This ticket does not exist or was deleted. ', h('a', { href: '#/inbox' }, 'Back to the inbox')));
      } else {
        loadStatus.replaceChildren(notice('error', `The ticket could not be loaded: ${err.message} `,
          h('button', { type: 'button', class: 'btn btn-small', onclick: load }, 'Try again')));
      }
    }
  }

  function render() {
    const t = ticket;
    title.textContent = t.reference || `Ticket ${t.id}`;
    document.title = `${title.textContent} · tick`;
    badge.className = `badge status-${t.status}`;
    badge.textContent = statusLabel(t.status);
    clear(subtitle, h('span', { class: 'sub-name' }, t.name || ''), t.mobile ? h('span', { class: 'sub-mobile' }, phone(t.mobile)) : null,
      h('span', { class: 'sub-holder' }, t.assigned_to ? `Held by ${t.assigned_to.name || `#${t.assigned_to.id}`}` : 'Unassigned'));
    renderDetails(t);
    renderWindow(t);
    renderTimeline(t);
    renderActions(t);
  }

  function renderDetails(t) {
    const row = (k, v) => (v === null || v === undefined || v === '' ? null : [h('dt', {}, k), h('dd', {}, v)]);
    const issue = t.issue_type === 'other' && t.issue_type_other ? `other: ${t.issue_type_other}` : t.issue_type;
    clear(details,
      row('Customer', t.name),
      row('Mobile', t.mobile ? phone(t.mobile) : null),
      row('E-mail', t.email),
      row('Issue', issue),
      row('Title', t.issue_title),
      row('Source', t.source === 'whatsapp' ? 'WhatsApp' : t.source === 'form' ? 'Form' : t.source),
      row('WhatsApp', t.whatsapp_enabled ? (t.whatsapp_notifications ? 'On, with notices' : 'On, no notices') : 'Off'),
      row('Holder', t.assigned_to ? (t.assigned_to.name || `#${t.assigned_to.id}`) : 'Unassigned'),
      row('Created', h('time', { datetime: t.created_at }, dateTime(t.created_at))),
      row('Last activity', t.last_activity_at ? h('time', { datetime: t.last_activity_at }, dateTime(t.last_activity_at)) : null),
      row('Closed', t.closed_at ? h('time', { datetime: t.closed_at }, dateTime(t.closed_at)) : null));
    resolutionBox.hidden = !t.resolution;
    clear(resolutionBox, h('h3', {}, 'Resolution'), h('p', { class: 'pre' }, t.resolution || ''));
  }

  function renderWindow(t) {
    const show = t.status !== 'closed' && t.whatsapp_enabled && t.mobile && !t.whatsapp_window_open;
    windowNotice.hidden = !show;
    clear(windowNotice, show ? notice('warn', h('strong', {}, 'The 24-hour window has passed. '),
      t.last_customer_message_at
        ? 'The customer last wrote more than 24 hours ago. WhatsApp delivers free text only within 24 hours of their last message, so a reply may be refused or held until they write again.'
        : 'The customer has not written on WhatsApp yet, so WhatsApp may refuse free text until they do.') : null);
  }

  // Files kept on Cloudinary: shown as an image, a player or a link, only
  // from an https address.
  function fileSize(n) {
    if (!n) return '';
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
    return `${(n / 1024 / 1024).toFixed(1)} MB`;
  }

  function attachmentView(a) {
    const name = a.file_name || (a.mime_type ? a.mime_type.split('/')[0] : 'file');
    if (a.state === 'failed') {
      return h('p', { class: 'attachment attachment-failed' }, `Attachment not kept${a.error ? `: ${a.error}` : ''}`);
    }
    const url = typeof a.secure_url === 'string' && /^https:\/\//i.test(a.secure_url) ? a.secure_url : null;
    if (a.state !== 'stored' || !url) {
      return h('p', { class: 'attachment attachment-pending' }, `${name}: on its way…`);
    }
    const mime = String(a.mime_type || '');
    const link = h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'attachment-link' },
      `${name}${a.bytes ? ` (${fileSize(a.bytes)})` : ''}`);
    if (mime.startsWith('image/')) {
      return h('figure', { class: 'attachment' },
        h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' },
          h('img', { src: url, alt: a.file_name ? `Image: ${a.file_name}` : 'Image sent by the customer', loading: 'lazy' })));
    }
    if (mime.startsWith('audio/')) return h('div', { class: 'attachment' }, h('audio', { controls: true, preload: 'none', src: url }), link);
    if (mime.startsWith('video/')) return h('div', { class: 'attachment' }, h('video', { controls: true, preload: 'none', src: url }), link);
    return h('p', { class: 'attachment' }, link);
  }

  function attachmentsFor(item) {
    const all = ticket.attachments || [];
    if (item.kind === 'whatsapp') return all.filter((a) => a.message_id && a.message_id === item.whatsapp?.id);
    if (item.kind === 'reply' || item.kind === 'note') {
      return all.filter((a) => (a.reply_id && a.reply_id === item.id) || (a.message_id && item.whatsapp && a.message_id === item.whatsapp.id));
    }
    if (item.kind === 'form') return all.filter((a) => !a.message_id && !a.reply_id);
    return [];
  }

  function bubble(item) {
    const author = item.author || 'system';
    const note = item.kind === 'note';
    const side = note ? 'center' : author === 'customer' ? 'left' : 'right';
    const who = note
      ? `Internal note · ${item.user?.name || 'agent'}`
      : author === 'customer' ? (ticket.name || 'Customer')
        : author === 'agent' ? (item.user?.name || 'Agent') : 'tick (automatic)';
    const wa = item.whatsapp;
    const outbound = !note && author !== 'customer';
    const mark = outbound ? deliveryMark(wa) : null;
    const footer = h('div', { class: 'bubble-meta' },
      h('time', { datetime: item.created_at, title: dateTime(item.created_at) }, shortTime(item.created_at)));
    if (mark) {
      footer.append(h('span', { class: `mark mark-${mark.cls}`, title: mark.label, dataset: { status: wa.status } },
        h('span', { 'aria-hidden': 'true' }, mark.symbol), ' ', h('span', { class: 'mark-text' }, mark.label)));
    } else if (outbound && !wa && item.kind === 'reply') {
      footer.append(h('span', { class: 'mark mark-none', dataset: { status: 'none' } }, 'Not sent on WhatsApp'));
    }
    const files = attachmentsFor(item);
    const body = [
      h('p', { class: 'bubble-who' }, who),
      files.map(attachmentView),
      item.text || !files.length ? h('p', { class: 'bubble-text' }, item.text ?? '') : null,
      footer,
    ];
    if (mark && mark.cls === 'failed') {
      const why = h('p', { class: 'retry-why hint', hidden: true }, RETRY_NOTE);
      body.push(h('div', { class: 'retry' },
        h('button', { type: 'button', class: 'btn btn-small', 'aria-disabled': 'true', title: RETRY_NOTE,
          onclick: () => { why.hidden = !why.hidden; } }, 'Retry'), why));
    }
    return h('li', {
      class: ['item', `item-${side}`, `kind-${item.kind}`, `author-${author}`],
      dataset: { kind: item.kind, author, id: String(item.id) },
    }, h('div', { class: 'bubble' }, body));
  }

  function renderTimeline(t) {
    const box = timelineBox;
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    const first = !timeline.childElementCount;
    const items = [];
    if (t.source !== 'whatsapp' && (t.description || (t.attachments || []).some((a) => !a.message_id && !a.reply_id))) {
      items.push({ kind: 'form', author: 'customer', id: 'form', text: t.description, created_at: t.created_at, whatsapp: null });
    }
    items.push(...(t.timeline || []));
    clear(timeline, items.length ? items.map(bubble) : h('li', { class: 'empty' }, 'No messages yet.'));
    if (first || atBottom) box.scrollTop = box.scrollHeight;
  }

  function renderActions(t) {
    const work = can('tickets.work');
    const admin = isAdmin();
    const me = session.user.id;
    const mine = t.assigned_to && t.assigned_to.id === me;
    const open = t.status !== 'closed';
    const mayWork = work && open && (mine || admin);

    takeBox.hidden = !(work && open && !t.assigned_to);
    replyForm.hidden = !mayWork;
    takeHint.textContent = mayWork ? 'Nobody holds this ticket yet.' : 'Take this ticket to reply to the customer.';
    noteForm.hidden = !work;
    closeBox.hidden = !mayWork;

    const next = work ? nextStatuses(t.status, admin) : [];
    const allowed = next.filter((s) => admin || mine || (s === 'assigned' && !t.assigned_to));
    statusForm.hidden = allowed.length === 0;
    clear(statusField.input, allowed.map((s) => h('option', { value: s }, t.status === 'closed' ? `Reopen as ${statusLabel(s)}` : statusLabel(s))));

    assignForm.hidden = !(admin && can('users') && open);
    if (!assignForm.hidden) loadUsers();

    let why = '';
    if (!work) why = 'Your role reads tickets only.';
    else if (!open) why = admin ? 'This ticket is closed. Reopen it to work on it.' : 'This ticket is closed.';
    else if (t.assigned_to && !mine && !admin) why = `${t.assigned_to.name || 'Another agent'} holds this ticket.`;
    readOnly.hidden = !why;
    readOnly.textContent = why;
  }

  load();

  return {
    onEvent(ev) {
      if (!ticket) return;
      if (ev.type !== 'resync' && Number(ev.ticket_id) !== Number(ticket.id)) return;
      clearTimeout(debounce);
      debounce = setTimeout(load, 100);
    },
    refresh: load,
    destroy() {
      destroyed = true;
      clearTimeout(debounce);
      main.classList.remove('wide');
    },
  };
}
