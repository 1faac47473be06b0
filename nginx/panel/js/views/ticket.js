// One ticket: its details, the conversation as chat bubbles in time order
// with each outbound message's delivery mark and its files, internal notes
// set apart, and the actions the signed-in role allows (take, reply with or
// without a file, retry what failed, status, close, note).
// Issue 19: the problem statement under the title; Reply and Note are two
// tabs of one composer docked under the conversation (the forms keep their
// classes form.compose and form.note-form, their textareas the names
// message and note: the hook points of the composer's add-ons); on a phone
// a bottom bar holds Take, Reply and Close and the details fold away.
import { api, get, query } from '../api.js';
import { clear, field, h, nextId, notice, setBusy, setFieldError, showFieldErrors } from '../dom.js';
import { filePayload, filePicker, fileSize, serverFileError } from '../files.js';
import { dateTime, deliveryMark, phone, shortTime, statusLabel } from '../format.js';
import { can, isAdmin, session } from '../session.js';
import { confirmDialog } from '../confirm.js';
import { flaggedMark, lastInboxHash, urgentMark } from './inbox.js';
import { createActions } from './ticket-actions.js';
import { createAssist } from './ticket-assist.js';
import { flaggedPhoto } from './ticket-photo-check.js';
import { createReport } from './ticket-report.js';
import { createService } from './ticket-service.js';
import { createTemplatePicker } from './ticket-template.js';
import { choicesView, deletedView, editedView, flowView, marksView, quoteView, reactionsView, reactPicker } from './ticket-rich.js';
import { attachComposer } from '../canned.js';

const FILE_TIMEOUT_MS = 120000; // a file goes to Cloudinary within the request
const RETRY_TIMEOUT_MS = 60000;
const REPLY_HINT = 'Sent on WhatsApp when the ticket has a mobile and WhatsApp on.';
const CAPTION_HINT = 'With a file, the text is its caption: optional, at most 1024 characters.';

// https addresses in a text become links; everything stays text.
export function linkify(text) {
  const s = String(text ?? '');
  const out = [];
  const re = /https:\/\/[^\s<>"'`]+/gi;
  let last = 0;
  let m;
  while ((m = re.exec(s)) !== null) {
    const url = m[0].replace(/[.,;:!?'")\]}]+$/, '');
    let ok = false;
    try {
      const u = new URL(url);
      ok = u.protocol === 'https:' && Boolean(u.hostname) && !u.username && !u.password;
    } catch (e) {
      ok = false;
    }
    if (!ok) continue;
    out.push(s.slice(last, m.index),
      h('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow', class: 'text-link' }, url));
    last = m.index + url.length;
    re.lastIndex = last;
  }
  out.push(s.slice(last));
  return out.filter((x) => x !== '');
}

// A smaller copy of a Cloudinary image for the thumbnail; the link opens
// the original.
function thumbnail(url) {
  return url.replace(/^(https:\/\/res\.cloudinary\.com\/[^/]+\/image\/upload\/)(?!c_)/, '$1c_limit,h_480,w_480/');
}

// As base/status.c allows: forward, pending (waiting on the customer,
// issue 13) from any open status and back to in progress.
function nextStatuses(status, admin) {
  const order = ['new', 'assigned', 'in_progress'];
  if (status === 'closed') return admin ? order : [];
  if (status === 'pending') return ['in_progress'];
  const i = order.indexOf(status);
  return i < 0 ? [] : [...order.slice(i + 1), 'pending'];
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
  const marks = h('span', { class: 'ticket-marks' });
  const subtitle = h('p', { class: 'ticket-sub' });
  // What the customer asked, in view without scrolling (issue 19).
  const problem = h('p', { class: 'problem', dir: 'auto', hidden: true });
  const headline = h('div', { class: 'ticket-head' }, h('div', { class: 'ticket-head-main' }, title, badge, marks), subtitle, problem);
  const loadStatus = h('div', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const windowNotice = h('div', { class: 'window-notice', hidden: true });
  const timeline = h('ol', { class: 'timeline' });
  // Older messages come a page at a time, by the API's cursor.
  const olderBtn = h('button', { type: 'button', class: 'btn btn-small older-btn' }, 'Show older messages');
  const olderCount = h('span', { class: 'hint older-count', role: 'status', 'aria-live': 'polite' });
  const olderBox = h('div', { class: 'older', hidden: true }, olderBtn, ' ', olderCount);
  const timelineBox = h('section', { class: 'timeline-box', 'aria-label': 'Conversation' }, olderBox, timeline);
  const older = new Map(); // cursor key ('r42', 'm42') -> item, fetched by "show older"
  let olderBefore = null; // the cursor of the next older page
  let hasOlder = false;
  const details = h('dl', { class: 'details' });
  const actionStatus = h('div', { class: 'action-status', role: 'status', 'aria-live': 'polite' });

  // --- take
  const takeBtn = h('button', { type: 'button', class: 'btn btn-primary' }, 'Take');
  takeBtn.addEventListener('click', () => act(takeBtn, 'Taking…', () =>
    api('POST', `/api/tickets/${ticket.id}/assign`, {}), 'You hold this ticket now.').then((ok) => {
    // Taken: the next thing to do is to answer.
    if (ok && replyAvail) {
      selectTab('reply');
      reply.input.focus();
    }
  }));
  const takeHint = h('p', { class: 'hint', id: 'take-hint' }, 'Take this ticket to reply to the customer.');
  const takeBox = h('div', { class: 'action take-box', hidden: true }, takeHint, takeBtn);
  takeBtn.setAttribute('aria-describedby', 'take-hint');

  // --- reply, with an optional file
  const reply = field('message', 'Reply to the customer', { kind: 'textarea', rows: 3, maxlength: 4096,
    hint: REPLY_HINT });
  const replyHint = reply.wrap.querySelector('.hint');
  const replyFile = filePicker('file', 'Attach a file');
  replyFile.onchange = (file) => {
    reply.input.maxLength = file ? 1024 : 4096;
    replyHint.textContent = file ? CAPTION_HINT : REPLY_HINT;
  };
  const replyNotice = h('div', { class: 'reply-notice' });
  // Outside the 24-hour window free text is refused: the reason, and the
  // template picker below instead.
  const replyLocked = h('p', { class: 'reply-locked notice notice-warn', id: nextId('reply-locked'), hidden: true });
  const replyDescribedBy = reply.input.getAttribute('aria-describedby') || '';
  // Issue 16: the customer's message the reply quotes (context_message_id).
  let quoting = null;
  const quoteText = h('span', { class: 'quoting-text' });
  const quoteCancel = h('button', { type: 'button', class: 'btn btn-small' }, 'Do not quote');
  const quoteBox = h('div', { class: 'quoting', hidden: true, role: 'status' }, 'Replying to: ', quoteText, ' ', quoteCancel);
  function setQuote(q) {
    quoting = q;
    quoteBox.hidden = !q;
    quoteText.textContent = q ? (q.text || 'a message') : '';
  }
  quoteCancel.addEventListener('click', () => {
    setQuote(null);
    reply.input.focus();
  });
  const replyBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Send reply');
  const replyForm = h('form', { class: 'action compose', novalidate: true, hidden: true },
    replyLocked, replyNotice, quoteBox, reply.wrap, replyFile.wrap, h('div', { class: 'form-actions' }, replyBtn));
  const canned = attachComposer(reply.input, () => ticket); // "/" picker, buttons, typing (issue 16)
  reply.wrap.after(canned.el);
  replyForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const message = reply.input.value;
    const file = replyFile.file();
    replyNotice.replaceChildren();
    showFieldErrors([reply], null);
    let checked = null;
    if (file) {
      checked = replyFile.check();
      if (!checked.ok) {
        replyFile.input.focus();
        return;
      }
      if (Array.from(message).length > 1024) {
        showFieldErrors([reply], { message: 'With a file the text is its caption: at most 1024 characters.' });
        return;
      }
    } else if (!message.trim()) {
      showFieldErrors([reply], { message: 'Write a reply first, or attach a file.' });
      return;
    }
    setBusy(replyBtn, true, file ? 'Reading the file…' : 'Sending…');
    try {
      const body = {};
      if (message || !file) body.message = message;
      if (quoting && !file) body.context_message_id = quoting.wamid;
      if (!file) Object.assign(body, canned.extra());
      if (file) {
        body.file = await filePayload(file, checked);
        replyBtn.textContent = 'Sending…';
      }
      const { data } = await api('POST', `/api/tickets/${ticket.id}/reply`, body,
        file ? { timeout: FILE_TIMEOUT_MS } : undefined);
      showFieldErrors([reply, replyFile], null);
      reply.input.value = '';
      replyFile.reset();
      setQuote(null);
      canned.reset();
      const wa = data && data.whatsapp;
      const att = data && data.attachment;
      const why = (x) => [x.error_title, x.error_code].filter(Boolean).join(', ') || 'unknown error';
      if (att && att.state !== 'stored') {
        replyNotice.replaceChildren(notice(att.state === 'failed' ? 'error' : 'warn',
          `The reply is saved, but the file is not kept yet${att.error ? ` (${att.error})` : ''}. `,
          att.state === 'failed' ? 'Use Retry beside it to try again.'
            : 'It is sent once it is kept: tick tries again by itself, or use Retry beside it.'));
      } else if (wa && wa.status === 'failed' && wa.retryable === false) {
        replyNotice.replaceChildren(notice('error', `The reply is saved but WhatsApp refused it for good: ${why(wa)}. Sending it again would fail the same way.`));
      } else if (wa && wa.status === 'failed') {
        replyNotice.replaceChildren(notice('warn', `The reply is saved but WhatsApp refused it: ${why(wa)}. Retry beside it sends it again.`));
      } else if (wa && wa.status === 'held') {
        replyNotice.replaceChildren(notice('info', 'The reply is saved and held: it is sent when the customer writes again (a template asked them to).'));
      } else {
        ctx.flash(file ? 'Reply with the file sent.' : 'Reply sent.');
      }
      pinned = true; // the conversation shows its end, the reply in it
      await load();
      reply.input.focus(); // the agent writes on: focus stays in the box
    } catch (err) {
      if (err.status === 401) return;
      const fileWhy = file ? serverFileError(err, file) : null;
      if (fileWhy) {
        setFieldError(replyFile, fileWhy);
        replyFile.input.focus();
      } else if (err.code === 'outside_window') {
        replyNotice.replaceChildren(notice('warn', h('strong', {}, 'Outside the 24-hour window. '), err.message));
      } else if (err.status === 422) {
        const rest = showFieldErrors([reply, replyFile, ...canned.fieldsFor(err.details)], err.details);
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
    hint: 'Required. The customer is told the ticket is closed, resolution included, in one WhatsApp message (at most 4096 characters in all).' });
  const closeBtn = h('button', { type: 'submit', class: 'btn btn-danger' }, 'Close ticket');
  const closeForm = h('form', { class: 'close-form', novalidate: true },
    resolution.wrap, h('div', { class: 'form-actions' }, closeBtn));
  const closeBox = h('details', { class: 'action close-box', hidden: true },
    h('summary', {}, 'Close with a resolution'), closeForm);
  // Open corrective actions hold the ticket open: the API answers 409
  // open_actions, and the agent may close it anyway (force).
  closeForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!resolution.input.value.trim()) {
      showFieldErrors([resolution], { resolution: 'Write how it was resolved.' });
      return;
    }
    const text = resolution.input.value;
    const close = async (force) => {
      try {
        return await api('POST', `/api/tickets/${ticket.id}/close`, force ? { resolution: text, force: true } : { resolution: text });
      } catch (err) {
        if (force || err.status !== 409 || err.code !== 'open_actions') throw err;
        const d = err.details || {};
        const open = Number(d.open_actions || 0);
        const overdue = Number(d.overdue_actions || 0);
        setBusy(closeBtn, false);
        const anyway = await confirmDialog({
          title: 'Corrective actions are still open',
          body: [h('p', {}, open
            ? `This ticket has ${open} open corrective action${open === 1 ? '' : 's'}${overdue ? `, ${overdue} overdue` : ''}.`
            : err.message),
          h('p', {}, 'Close the ticket anyway? The actions stay open and keep their owners and due dates.')],
          confirm: 'Close anyway', cancel: 'Keep it open', danger: true,
        });
        if (!anyway) {
          const e2 = new Error(`Not closed: ${open || 'some'} corrective action${open === 1 ? ' is' : 's are'} still open.`);
          e2.status = 409;
          e2.kept = true;
          throw e2;
        }
        setBusy(closeBtn, true, 'Closing…');
        return api('POST', `/api/tickets/${ticket.id}/close`, { resolution: text, force: true });
      }
    };
    act(closeBtn, 'Closing…', () => close(false), 'Ticket closed.', [resolution]).then((ok) => {
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
      'Note added.', [note], () => { pinned = true; }).then((ok) => {
      if (ok) note.input.value = '';
      note.input.focus(); // the next note or a correction goes on at once
    });
  });

  // --- the transcript (GET /api/tickets/:id/transcript.pdf?notes=0|1)
  const transcriptNotesId = nextId('transcript-notes');
  const transcriptNotes = h('input', { type: 'checkbox', id: transcriptNotesId });
  const transcriptLink = h('a', { class: 'btn btn-small transcript-btn', download: '', type: 'application/pdf' }, 'Transcript (PDF)');
  const transcriptBox = h('div', { class: 'transcript' }, transcriptLink,
    h('span', { class: 'field-check' }, transcriptNotes, h('label', { for: transcriptNotesId }, 'With internal notes')));
  function transcriptHref() {
    if (!ticket) return;
    transcriptLink.href = `/api/tickets/${encodeURIComponent(ticket.id)}/transcript.pdf${query({ notes: transcriptNotes.checked ? 1 : 0 })}`;
    transcriptLink.setAttribute('download', `${ticket.reference || `ticket-${ticket.id}`}${transcriptNotes.checked ? '-notes' : ''}.pdf`);
  }
  transcriptNotes.addEventListener('change', transcriptHref);

  const readOnly = h('p', { class: 'hint read-only', hidden: true });
  const resolutionBox = h('div', { class: 'resolution', hidden: true });

  const actions = h('section', { class: 'actions', 'aria-label': 'Actions' },
    actionStatus, takeBox, statusForm, assignForm, closeBox, readOnly);
  const report = createReport(ctx, { reload: () => load() });
  const actionsBox = createActions(ctx, { reload: () => load() });
  const service = createService(ctx, { reload: () => load() });
  const templatePicker = createTemplatePicker(ctx, { reload: () => load() });
  const assist = createAssist(ctx, { ticket: () => ticket, rerender: () => ticket && !destroyed && render(),
    // The Reply tab takes the draft, whichever tab was open (issue 19).
    fillReply: (text) => replyAvail && !reply.input.disabled && (selectTab('reply'), (reply.input.value = text), reply.input.focus(), true) });
  const side = h('aside', { class: 'ticket-side' },
    report.el, assist.el,
    h('section', { class: 'card', 'aria-labelledby': 'details-title' },
      h('details', { class: 'details-box', open: !window.matchMedia('(max-width: 37.49rem)').matches },
        h('summary', {}, h('h2', { id: 'details-title' }, 'Details')), details, resolutionBox, transcriptBox)),
    h('section', { class: 'card', 'aria-labelledby': 'actions-title' }, h('h2', { id: 'actions-title' }, 'Actions'), actions),
    service.el);
  // --- one composer, Reply and Note as tabs (issue 19)
  let composerTab = 'reply';
  let replyAvail = false;
  let noteAvail = false;
  const replyPanelId = nextId('composer-reply');
  const notePanelId = nextId('composer-note');
  const tabReply = h('button', { type: 'button', role: 'tab', id: `${replyPanelId}-tab`, 'aria-controls': replyPanelId, class: 'composer-tab' }, 'Reply');
  const tabNote = h('button', { type: 'button', role: 'tab', id: `${notePanelId}-tab`, 'aria-controls': notePanelId, class: 'composer-tab' }, 'Note');
  const tablist = h('div', { role: 'tablist', 'aria-label': 'Write', class: 'composer-tabs' }, tabReply, tabNote);
  Object.assign(replyForm, { id: replyPanelId });
  replyForm.setAttribute('role', 'tabpanel');
  replyForm.setAttribute('aria-labelledby', tabReply.id);
  Object.assign(noteForm, { id: notePanelId });
  noteForm.setAttribute('role', 'tabpanel');
  noteForm.setAttribute('aria-labelledby', tabNote.id);
  const composer = h('section', { class: 'composer', 'aria-label': 'Composer', hidden: true }, tablist, replyForm, noteForm);
  function applyTabs() {
    if (composerTab === 'reply' && !replyAvail && noteAvail) composerTab = 'note';
    if (composerTab === 'note' && !noteAvail && replyAvail) composerTab = 'reply';
    composer.hidden = !replyAvail && !noteAvail;
    tabReply.hidden = !replyAvail;
    tabNote.hidden = !noteAvail;
    for (const [tab, form, name, avail] of [[tabReply, replyForm, 'reply', replyAvail], [tabNote, noteForm, 'note', noteAvail]]) {
      const on = avail && composerTab === name;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      form.hidden = !on;
    }
  }
  function selectTab(name) {
    composerTab = name;
    applyTabs();
  }
  for (const [tab, name, input] of [[tabReply, 'reply', () => reply.input], [tabNote, 'note', () => note.input]]) {
    tab.addEventListener('click', () => {
      selectTab(name);
      input().focus();
    });
  }
  // Arrow keys move between the tabs (the tablist pattern).
  tablist.addEventListener('keydown', (e) => {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) return;
    const tabs = [tabReply, tabNote].filter((t) => !t.hidden);
    if (tabs.length < 2) return;
    e.preventDefault();
    const i = tabs.indexOf(document.activeElement);
    const next = e.key === 'Home' ? tabs[0] : e.key === 'End' ? tabs[tabs.length - 1]
      : tabs[(Math.max(0, i) + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    selectTab(next === tabReply ? 'reply' : 'note');
    next.focus();
  });

  // --- the phone's bottom bar: Take, Reply, Close within the thumb's reach
  const barTake = h('button', { type: 'button', class: 'btn btn-primary' }, 'Take');
  const barReply = h('button', { type: 'button', class: 'btn' }, 'Reply');
  const barClose = h('button', { type: 'button', class: 'btn btn-danger' }, 'Close');
  barTake.addEventListener('click', () => takeBtn.click());
  barReply.addEventListener('click', () => {
    selectTab('reply');
    reply.input.focus();
    reply.input.scrollIntoView({ block: 'center' });
  });
  barClose.addEventListener('click', () => {
    closeBox.open = true;
    resolution.input.focus();
    resolution.input.scrollIntoView({ block: 'center' });
  });
  const bottomBar = h('nav', { class: 'bottom-bar', 'aria-label': 'Ticket actions' }, barTake, barReply, barClose);

  const conversation = h('div', { class: 'ticket-main' }, windowNotice, timelineBox, templatePicker.el, composer, actionsBox.el);

  main.append(back, headline, loadStatus, h('div', { class: 'ticket-layout' }, conversation, side), bottomBar);
  main.classList.add('wide');

  function restList(rest) {
    const e = Object.entries(rest || {});
    return e.length ? h('ul', {}, e.map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null;
  }

  // Runs an action, shows its error beside the actions, reloads the ticket.
  async function act(button, busyText, call, okText, fields = [], before = null) {
    actionStatus.replaceChildren();
    setBusy(button, true, busyText);
    try {
      await call();
      showFieldErrors(fields, null);
      ctx.flash(okText);
      if (before) before();
      await load();
      return true;
    } catch (err) {
      if (err.status === 401) return false;
      const rest = err.status === 422 ? showFieldErrors(fields, err.details) : {};
      actionStatus.replaceChildren(notice(err.kept ? 'warn' : 'error', err.message, restList(rest)));
      if (err.status === 409 && !err.kept) load();
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
      // Until older pages are shown, the newest page says what is older.
      if (!older.size) {
        hasOlder = Boolean(data.timeline_has_older);
        olderBefore = data.timeline_before || null;
      }
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
    clear(marks, t.urgent ? urgentMark() : null, t.flagged ? flaggedMark() : null, t.anonymous ? h('span', { class: 'badge anon' }, 'Anonymous') : null);
    clear(subtitle, h('span', { class: 'sub-name' }, t.name || ''), t.mobile ? h('span', { class: 'sub-mobile' }, phone(t.mobile)) : null,
      t.username ? h('span', { class: 'sub-mobile sub-username' }, `@${t.username}`) : null,
      h('span', { class: 'sub-holder' }, t.assigned_to ? `Held by ${t.assigned_to.name || `#${t.assigned_to.id}`}` : 'Unassigned'));
    const said = [t.issue_title, t.description].filter(Boolean).join(' — ');
    problem.hidden = !said;
    problem.textContent = said.length > 300 ? `${Array.from(said).slice(0, 300).join('')}…` : said;
    renderDetails(t);
    transcriptHref();
    renderWindow(t);
    renderTimeline(t);
    renderActions(t);
    const work = can('tickets.work');
    const mine = t.assigned_to && session.user && t.assigned_to.id === session.user.id;
    report.render(t, { mayWork: work && t.status !== 'closed' && (mine || isAdmin()) });
    actionsBox.render(t);
    service.render(t);
    assist.render(t);
    if (ctx.onTicket) ctx.onTicket(t);
  }

  function renderDetails(t) {
    const row = (k, v) => (v === null || v === undefined || v === '' ? null : [h('dt', {}, k), h('dd', {}, v)]);
    const issue = t.issue_type === 'other' && t.issue_type_other ? `other: ${t.issue_type_other}` : t.issue_type;
    clear(details,
      row('Customer', t.name),
      row('Mobile', t.mobile ? phone(t.mobile) : null),
      row('WhatsApp username', t.username ? `@${t.username}` : null),
      row('WhatsApp user id', !t.mobile && t.whatsapp_user_id ? t.whatsapp_user_id : null),
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

  // Whether WhatsApp would refuse free text to this ticket's customer.
  function windowClosed(t) {
    return t.status !== 'closed' && Boolean(t.whatsapp_enabled) && Boolean(t.mobile || t.whatsapp_user_id) && !t.whatsapp_window_open;
  }

  function renderWindow(t) {
    const show = windowClosed(t);
    windowNotice.hidden = !show;
    clear(windowNotice, show ? notice('warn', h('strong', {}, 'The 24-hour window has passed. '),
      t.last_customer_message_at
        ? 'The customer last wrote more than 24 hours ago. WhatsApp delivers free text only within 24 hours of their last message, so a reply may be refused or held until they write again.'
        : 'The customer has not written on WhatsApp yet, so WhatsApp may refuse free text until they do.') : null);
  }

  // --- retry: a failed outbound message, a failed or pending file. Keys
  // are 'm:<message id>' and 'a:<attachment id>'; a retry under way keeps
  // its button busy across re-renders.
  const retrying = new Set();

  function retryButton(key, describedBy, run) {
    const busy = retrying.has(key);
    const btn = h('button', {
      type: 'button', class: 'btn btn-small retry-btn', 'aria-describedby': describedBy,
      dataset: { retry: key }, disabled: busy, 'aria-busy': busy ? 'true' : null,
    }, busy ? 'Retrying…' : 'Retry');
    btn.addEventListener('click', run);
    return h('div', { class: 'retry' }, btn);
  }

  // After a retry: the same button when it is still there, else the item.
  function focusAfter(key) {
    const btn = timeline.querySelector(`[data-retry="${key}"]`);
    if (btn) {
      btn.focus();
      return;
    }
    const [kind, id] = key.split(':');
    const el = timeline.querySelector(kind === 'm' ? `[data-wa-id="${id}"]` : `[data-att="${id}"]`);
    if (el) {
      el.setAttribute('tabindex', '-1');
      el.focus();
    }
  }

  async function retry(key, path, outcome) {
    if (retrying.has(key)) return;
    retrying.add(key);
    const btn = timeline.querySelector(`[data-retry="${key}"]`);
    if (btn) setBusy(btn, true, 'Retrying…');
    try {
      const { data, message } = await api('POST', path, {}, { timeout: RETRY_TIMEOUT_MS });
      retrying.delete(key);
      if (data && Array.isArray(data.timeline) && !destroyed) {
        seq += 1; // an older load in flight must not paint over this
        ticket = data;
        render();
      } else {
        await load();
      }
      if (destroyed) return;
      const [text, kind] = outcome(ticket, message);
      ctx.flash(text, kind);
      focusAfter(key);
    } catch (err) {
      retrying.delete(key);
      if (err.status === 401 || destroyed) return;
      ctx.flash(err.code === 'not_retryable'
        ? 'This cannot be retried any more: it was sent or kept meanwhile.' : `Retry failed: ${err.message}`, 'error');
      await load();
      focusAfter(key);
    }
  }

  function retryMessage(waId) {
    const key = `m:${waId}`;
    return () => retry(key, `/api/tickets/${ticket.id}/messages/${waId}/retry`, (t, message) => {
      if (message === 'sent') return ['Sent again.', 'ok'];
      const item = (t.timeline || []).find((x) => x.whatsapp && Number(x.whatsapp.id) === Number(waId));
      const mark = item ? deliveryMark(item.whatsapp) : null;
      return [mark && mark.cls === 'failed' ? `Tried again; it failed again. ${mark.label}.` : 'Tried again.', 'warn'];
    });
  }

  function retryAttachment(a) {
    const key = `a:${a.id}`;
    return () => retry(key, `/api/tickets/${ticket.id}/attachments/${a.id}/retry`, (t) => {
      const now = (t.attachments || []).find((x) => Number(x.id) === Number(a.id));
      const name = now?.file_name || 'The file';
      if (now && now.state === 'stored') return [`${name} is kept now${now.direction === 'out' ? ' and sent' : ''}.`, 'ok'];
      return [`Tried again; ${name} is still not kept${now && now.error ? `: ${now.error}` : ''}.`, 'warn'];
    });
  }

  // Files kept on Cloudinary: shown as an image, a player or a link, only
  // from an https address; one not kept (yet) shows why, with Retry.
  function kindWord(mime) {
    const m = String(mime || '');
    if (m === 'image/webp') return 'Sticker';
    if (m.startsWith('image/')) return 'Image';
    if (m.startsWith('audio/')) return 'Audio';
    if (m.startsWith('video/')) return 'Video';
    return 'File';
  }

  function attachmentView(a, from) {
    const name = a.file_name || kindWord(a.mime_type);
    const url = typeof a.secure_url === 'string' && /^https:\/\//i.test(a.secure_url) ? a.secure_url : null;
    const dataset = { att: String(a.id), state: String(a.state || '') };
    if (a.state !== 'stored') {
      const whyId = `att-why-${a.id}`;
      const what = a.file_name ? `${kindWord(a.mime_type)} ${a.file_name}` : kindWord(a.mime_type);
      const reason = a.error || (a.state === 'pending' ? 'waiting for its upload' : 'no reason given');
      return h('div', { class: ['attachment', 'attachment-problem', `attachment-${a.state === 'failed' ? 'failed' : 'pending'}`], dataset },
        h('p', { class: 'attachment-why', id: whyId },
          h('strong', {}, a.state === 'failed' ? `${what} was not kept` : `${what} is not kept yet`), `: ${reason}`),
        can('tickets.work') ? retryButton(`a:${a.id}`, whyId, retryAttachment(a)) : null);
    }
    if (!url) {
      return h('p', { class: 'attachment attachment-failed', dataset }, `${name}: kept, but without an https address to show it from.`);
    }
    const mime = String(a.mime_type || '');
    const size = a.bytes ? ` (${fileSize(a.bytes)})` : '';
    const link = h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'attachment-link', download: a.file_name || null },
      `${name}${size}`);
    if (mime.startsWith('image/')) {
      const alt = `${kindWord(mime)}${a.file_name ? ` ${a.file_name}` : ''} from ${from}`;
      return flaggedPhoto(h('figure', { class: 'attachment attachment-image', dataset },
        h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'thumb' },
          h('img', { src: thumbnail(url), alt, loading: 'lazy' }),
          h('span', { class: 'sr-only' }, ' (opens full size)'))), a, (btn) => clearFlag(a.message_id, btn));
    }
    if (mime.startsWith('audio/')) {
      return h('div', { class: 'attachment attachment-audio', dataset },
        h('audio', { controls: true, preload: 'metadata', src: url, 'aria-label': `${name} from ${from}` }), link);
    }
    if (mime.startsWith('video/')) {
      return h('div', { class: 'attachment attachment-video', dataset },
        h('video', { controls: true, preload: 'metadata', playsinline: true, src: url, 'aria-label': `${name} from ${from}` }), link);
    }
    link.classList.add('attachment-doc');
    const ext = /\.([A-Za-z0-9]{1,5})$/.exec(a.file_name || '');
    link.dataset.ext = ext ? ext[1].toUpperCase() : 'FILE';
    return h('p', { class: 'attachment attachment-document', dataset }, link);
  }

  function attachmentsFor(item) {
    const all = ticket.attachments || [];
    const waId = item.whatsapp && item.whatsapp.id;
    if (item.kind === 'whatsapp') return all.filter((a) => a.message_id && waId && Number(a.message_id) === Number(waId));
    if (item.kind === 'reply' || item.kind === 'note') {
      return all.filter((a) => (a.reply_id && Number(a.reply_id) === Number(item.id))
        || (a.message_id && waId && Number(a.message_id) === Number(waId)));
    }
    if (item.kind === 'form') return all.filter((a) => !a.message_id && !a.reply_id);
    return [];
  }

  // Issue 17: a text the AI safety check flagged stays hidden until the
  // agent asks to see it; a super admin or a site manager may clear it.
  const shownFlagged = new Set();
  function flaggedText(item, textEl) {
    const key = `${item.kind}:${item.id}`;
    const waId = item.whatsapp && item.whatsapp.id;
    const reviewer = session.user && (session.user.role === 'super_admin' || session.user.role === 'site_manager');
    const clearBtn = reviewer && waId
      ? h('button', { type: 'button', class: 'btn btn-small clear-flag', dataset: { clear: String(waId) } }, 'Not abusive: clear')
      : null;
    if (clearBtn) clearBtn.addEventListener('click', () => clearFlag(waId, clearBtn));
    const note = h('p', { class: 'flagged-note' }, h('span', { 'aria-hidden': 'true' }, '⚑ '),
      'Flagged by the safety check');
    if (shownFlagged.has(key)) return [note, textEl, clearBtn];
    textEl.hidden = true;
    const show = h('button', { type: 'button', class: 'btn btn-small show-flagged' }, 'Show');
    show.addEventListener('click', () => {
      shownFlagged.add(key);
      textEl.hidden = false;
      show.remove();
      textEl.focus();
    });
    textEl.tabIndex = -1;
    return [note, show, textEl, clearBtn];
  }

  async function clearFlag(waId, btn) {
    setBusy(btn, true, 'Clearing…');
    try {
      const { data } = await api('POST', `/api/tickets/${ticket.id}/messages/${waId}/moderation`, { action: 'clear' });
      if (destroyed) return;
      if (data && Array.isArray(data.timeline)) {
        seq += 1;
        ticket = data;
        render();
      } else {
        await load();
      }
      ctx.flash('The message is cleared.', 'ok');
    } catch (err) {
      if (err.status === 401 || destroyed) return;
      setBusy(btn, false);
      ctx.flash(`Could not clear it: ${err.message}`, 'error');
    }
  }

  // Whether the signed-in user may work the ticket (hold it, or be a
  // super admin, and it is open): reactions and quotes follow the reply's
  // rules.
  function mayWorkNow() {
    const t = ticket;
    const mine = t.assigned_to && session.user && t.assigned_to.id === session.user.id;
    return can('tickets.work') && t.status !== 'closed' && (mine || isAdmin());
  }

  async function react(waId, emoji) {
    try {
      await api('POST', `/api/tickets/${ticket.id}/messages/${waId}/reaction`, { emoji });
      if (destroyed) return;
      ctx.flash(emoji ? 'Reaction sent.' : 'Reaction removed.');
      await load();
    } catch (err) {
      if (err.status === 401 || destroyed) return;
      ctx.flash(`Could not react: ${err.message}`, 'error');
    }
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
    const files = attachmentsFor(item);
    const markId = wa && wa.id ? `mark-${wa.id}` : null;
    const footer = h('div', { class: 'bubble-meta' },
      h('time', { datetime: item.created_at, title: dateTime(item.created_at) }, shortTime(item.created_at)));
    if (mark) {
      footer.append(h('span', { class: `mark mark-${mark.cls}`, title: mark.label, id: markId, dataset: { status: wa.status } },
        h('span', { 'aria-hidden': 'true' }, mark.symbol), ' ', h('span', { class: 'mark-text' }, mark.label)));
    } else if (outbound && !wa && item.kind === 'reply' && files.some((a) => a.state !== 'stored')) {
      footer.append(h('span', { class: 'mark mark-pending', dataset: { status: 'waiting' } },
        h('span', { 'aria-hidden': 'true' }, '…'), ' ', h('span', { class: 'mark-text' }, 'Sent once its file is kept')));
    } else if (outbound && !wa && item.kind === 'reply') {
      footer.append(h('span', { class: 'mark mark-none', dataset: { status: 'none' } }, 'Not sent on WhatsApp'));
    }
    let textEl = item.deleted ? deletedView()
      : item.text || !files.length ? h('p', { class: 'bubble-text', dir: 'auto' }, linkify(item.text ?? '')) : null;
    if (textEl && !item.deleted && item.moderation && item.moderation.flagged) textEl = flaggedText(item, textEl);
    const edited = editedView(item);
    if (edited.mark) footer.prepend(edited.mark);
    const body = [
      h('p', { class: 'bubble-who' }, item.echo ? 'WhatsApp Business app' : who),
      quoteView(item),
      marksView(item),
      files.map((a) => attachmentView(a, author === 'customer' ? (ticket.name || 'the customer') : who)),
      textEl,
      assist.forItem(item),
      choicesView(item),
      flowView(item),
      edited.history,
      reactionsView(item),
      footer,
    ];
    // Issue 16: the holder reacts to or quotes a customer's message.
    if (author === 'customer' && wa && wa.id && wa.wamid && !item.deleted && mayWorkNow()) {
      const quoteBtn = h('button', { type: 'button', class: 'btn btn-small quote-btn' }, 'Quote in reply');
      quoteBtn.addEventListener('click', () => {
        setQuote({ wamid: wa.wamid, text: item.text });
        reply.input.focus();
      });
      body.push(h('div', { class: 'bubble-tools' }, reactPicker(item, (emoji) => react(wa.id, emoji)), quoteBtn));
    }
    // A refusal for good (the API's retryable: false) is not offered again.
    if (mark && mark.cls === 'failed' && wa.id && can('tickets.work') && wa.retryable !== false) {
      body.push(retryButton(`m:${wa.id}`, markId, retryMessage(wa.id)));
    } else if (mark && mark.cls === 'failed' && wa.retryable === false) {
      body.push(h('p', { class: 'hint' }, 'WhatsApp refused this for good; sending it again would fail the same way.'));
    }
    return h('li', {
      class: ['item', `item-${side}`, `kind-${item.kind}`, `author-${author}`],
      dataset: { kind: item.kind, author, id: String(item.id), ...(wa && wa.id ? { waId: String(wa.id) } : {}) },
    }, h('div', { class: 'bubble' }, body));
  }

  // The conversation stays at its newest message while the agent has not
  // scrolled up, also when a photo or a video loads and grows.
  let pinned = true;
  const fromBottom = () => timelineBox.scrollHeight - timelineBox.scrollTop - timelineBox.clientHeight;
  timelineBox.addEventListener('scroll', () => { pinned = fromBottom() < 40; }, { passive: true });
  const keepPinned = () => {
    if (pinned) timelineBox.scrollTop = timelineBox.scrollHeight;
  };
  timeline.addEventListener('load', keepPinned, true);
  timeline.addEventListener('loadedmetadata', keepPinned, true);

  // The API's cursor of an item, and its place in time: (created_at, a
  // WhatsApp message before a reply at the same moment, id).
  const cursorOf = (x) => `${x.kind === 'whatsapp' ? 'm' : 'r'}${x.id}`;
  function byTime(a, b) {
    if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
    const sa = a.kind === 'whatsapp' ? 0 : 1;
    const sb = b.kind === 'whatsapp' ? 0 : 1;
    return sa !== sb ? sa - sb : Number(a.id) - Number(b.id);
  }

  async function showOlder() {
    if (!olderBefore || !ticket) return;
    setBusy(olderBtn, true, 'Loading older messages…');
    const height = timelineBox.scrollHeight;
    const top = timelineBox.scrollTop;
    try {
      const data = await get(`/api/tickets/${ticket.id}?timeline_limit=200&timeline_before=${encodeURIComponent(olderBefore)}`);
      if (destroyed) return;
      for (const x of data.timeline || []) older.set(cursorOf(x), x);
      hasOlder = Boolean(data.timeline_has_older);
      olderBefore = data.timeline_before || null;
      pinned = false;
      renderTimeline(ticket);
      // Keep the message the agent was reading where it was.
      timelineBox.scrollTop = top + (timelineBox.scrollHeight - height);
    } catch (err) {
      if (err.status === 401 || destroyed) return;
      olderCount.textContent = `Older messages could not be loaded: ${err.message}`;
    } finally {
      setBusy(olderBtn, false);
      if (!olderBox.hidden) olderBtn.focus({ preventScroll: true });
    }
  }
  olderBtn.addEventListener('click', showOlder);

  function renderTimeline(t) {
    const box = timelineBox;
    const atBottom = pinned || fromBottom() < 40;
    const first = !timeline.childElementCount;
    const items = [];
    // The form's own text is the very first item: shown with the oldest page.
    if (!hasOlder && t.source !== 'whatsapp' && (t.description || (t.attachments || []).some((a) => !a.message_id && !a.reply_id))) {
      items.push({ kind: 'form', author: 'customer', id: 'form', text: t.description, created_at: t.created_at, whatsapp: null });
    }
    const merged = new Map(older);
    for (const x of t.timeline || []) merged.set(cursorOf(x), x);
    items.push(...[...merged.values()].sort(byTime));
    const total = Number(t.timeline_total) || merged.size;
    olderBox.hidden = !hasOlder;
    olderCount.textContent = hasOlder ? `Showing the newest ${merged.size} of ${total} messages.` : '';
    const focus = focusedPlace();
    clear(timeline, items.length ? items.map(bubble) : h('li', { class: 'empty' }, 'No messages yet.'));
    if (focus) restoreFocus(focus);
    if (first || atBottom) box.scrollTop = box.scrollHeight;
  }

  // A re-render (a live update, a retry) keeps the keyboard where it was:
  // the same control of the same message, or the message itself.
  const FOCUSABLE = 'a[href], button, audio, video, [tabindex]';
  function focusedPlace() {
    const el = document.activeElement;
    if (!el || !timeline.contains(el)) return null;
    const li = el.closest('li.item');
    if (!li) return null;
    return {
      kind: li.dataset.kind,
      id: li.dataset.id,
      retry: el.dataset.retry || null,
      index: el === li ? -1 : [...li.querySelectorAll(FOCUSABLE)].indexOf(el),
    };
  }

  function restoreFocus(p) {
    const li = [...timeline.querySelectorAll('li.item')].find((x) => x.dataset.kind === p.kind && x.dataset.id === p.id);
    if (!li) return;
    let el = p.retry ? li.querySelector(`[data-retry="${p.retry}"]`) : null;
    if (!el && !p.retry && p.index >= 0) el = li.querySelectorAll(FOCUSABLE)[p.index] || null;
    if (!el) {
      li.setAttribute('tabindex', '-1');
      el = li;
    }
    el.focus({ preventScroll: true });
  }

  function renderActions(t) {
    const work = can('tickets.work');
    const admin = isAdmin();
    const me = session.user.id;
    const mine = t.assigned_to && t.assigned_to.id === me;
    const open = t.status !== 'closed';
    const mayWork = work && open && (mine || admin);

    takeBox.hidden = !(work && open && !t.assigned_to);
    replyAvail = mayWork;
    // The same rule as the window notice: WhatsApp takes only a template.
    const closed = windowClosed(t);
    replyLocked.hidden = !closed;
    replyLocked.textContent = closed
      ? 'Free text is off: more than 24 hours since the customer last wrote (or they never wrote), so WhatsApp delivers only an approved template. Send one below; when the customer answers you can write freely again.'
      : '';
    for (const el of [reply.input, replyFile.input, replyBtn]) el.disabled = closed;
    reply.input.setAttribute('aria-describedby', closed ? `${replyLocked.id} ${replyDescribedBy}` : replyDescribedBy);
    templatePicker.render(t, mayWork && closed);
    takeHint.textContent = mayWork ? 'Nobody holds this ticket yet.' : 'Take this ticket to reply to the customer.';
    noteAvail = work;
    applyTabs();
    closeBox.hidden = !mayWork;
    barTake.hidden = takeBox.hidden;
    barReply.hidden = !replyAvail;
    barClose.hidden = closeBox.hidden;
    bottomBar.hidden = barTake.hidden && barReply.hidden && barClose.hidden;

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
    // t take, r reply, n note, c close (keys.js).
    onKey(key) {
      if (!ticket) return false;
      if (key === 't' && !takeBox.hidden) takeBtn.click();
      else if (key === 'r' && replyAvail) {
        selectTab('reply');
        reply.input.focus();
      } else if (key === 'n' && noteAvail) {
        selectTab('note');
        note.input.focus();
      } else if (key === 'c' && !closeBox.hidden) {
        closeBox.open = true;
        resolution.input.focus();
      } else return false;
      return true;
    },
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
