// A ticket's corrective actions (issue 11), as the ticket view shows them:
// each with its owner, due date, an overdue mark and its status; a form to
// add one ({description, owner_id, due_date}) and, on each open one, a form
// to close it ({note, status: done | cancelled}). The API decides who may
// (a super_admin, the holder, a site manager of the site; the owner
// closes): the panel shows the forms to who can work tickets and shows
// the API's refusal otherwise.
import { api, get } from '../api.js';
import { clear, field, h, nextId, notice, setBusy, showFieldErrors } from '../dom.js';
import { actionStatusLabel, dateTime, dueDate } from '../format.js';
import { activeUsers, USERS_MAX } from '../people.js';
import { can, session } from '../session.js';
import { overdueMark } from './actions.js';

const DESCRIPTION_MAX = 1000; // characters, as the API counts them
const NOTE_MAX = 5000;

// Today as YYYY-MM-DD in UTC, the API's calendar.
function todayUtc() {
  return new Date().toISOString().slice(0, 10);
}

export function createActions(ctx, { reload }) {
  let ticket = null;
  let items = null; // null: not known (the API has no actions)
  let usersState = 'unloaded'; // unloaded | loading | loaded | none
  let users = [];

  const summary = h('p', { class: 'actions-summary', role: 'status', 'aria-live': 'polite' });
  const listBox = h('div', { class: 'action-items' });

  // --- add
  const desc = field('description', 'What must be done', { kind: 'textarea', rows: 2, maxlength: DESCRIPTION_MAX,
    hint: `At most ${DESCRIPTION_MAX} characters.` });
  const owner = field('owner_id', 'Owner', { kind: 'select', options: [] });
  const ownerNote = h('p', { class: 'hint owner-note' });
  const due = field('due_date', 'Due date', { kind: 'date' });
  due.input.min = '2000-01-01';
  due.input.max = '2199-12-31';
  const fields = [desc, owner, due];
  const addStatus = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const addBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Add action');
  const addForm = h('form', { class: 'action-add', novalidate: true, 'aria-label': 'Add a corrective action' },
    addStatus, desc.wrap, owner.wrap, ownerNote, due.wrap, h('div', { class: 'form-actions' }, addBtn));
  const addBox = h('details', { class: 'action-add-box', hidden: true }, h('summary', {}, 'Add a corrective action'), addForm);

  const el = h('section', { class: 'card actions-card', 'aria-labelledby': 'actions-list-title', hidden: true },
    h('h2', { id: 'actions-list-title' }, 'Corrective actions'), summary, listBox, addBox);

  // The owner picker: the users the API lets this user list (a
  // super_admin's GET /api/users); anyone else owns what they add.
  async function loadOwners() {
    if (usersState === 'loading' || usersState === 'loaded') return;
    if (!can('users')) {
      usersState = 'none';
      paintOwners();
      return;
    }
    usersState = 'loading';
    try {
      const r = await activeUsers();
      users = r.items;
      usersState = 'loaded';
      paintOwners(r.truncated);
    } catch (err) {
      usersState = err.status === 403 ? 'none' : 'unloaded';
      paintOwners();
      if (err.status !== 403 && err.status !== 401) addStatus.replaceChildren(notice('warn', `The users could not be loaded: ${err.message}`));
    }
  }

  function paintOwners(truncated) {
    const me = session.user;
    if (usersState === 'loaded') {
      owner.wrap.hidden = false;
      clear(owner.input, h('option', { value: '' }, 'Choose the owner…'),
        users.map((u) => h('option', { value: String(u.id), selected: Number(u.id) === Number(me.id) },
          `${u.name} (${u.email})${Number(u.id) === Number(me.id) ? ' · you' : ''}`)));
      ownerNote.textContent = truncated ? `Only the first ${USERS_MAX} users are listed.` : '';
      ownerNote.hidden = !truncated;
    } else {
      // No list to pick from: no raw id field either; the action is yours.
      owner.wrap.hidden = true;
      ownerNote.hidden = false;
      ownerNote.textContent = `You (${me.name || me.email}) will own this action: only a super admin can list users to pick another owner.`;
    }
  }

  addBox.addEventListener('toggle', () => {
    if (addBox.open) {
      loadOwners();
      if (!due.input.value) due.input.value = todayUtc();
    }
  });

  addForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    addStatus.replaceChildren();
    const errors = {};
    const description = desc.input.value.trim();
    if (!description) errors.description = 'Say what must be done.';
    else if (Array.from(description).length > DESCRIPTION_MAX) errors.description = `At most ${DESCRIPTION_MAX} characters.`;
    const ownerId = usersState === 'loaded' ? Number(owner.input.value) : Number(session.user.id);
    if (!ownerId) errors.owner_id = 'Choose who owns this action.';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(due.input.value)) errors.due_date = 'Give a due date.';
    if (Object.keys(errors).length) {
      showFieldErrors(fields, errors);
      return;
    }
    setBusy(addBtn, true, 'Adding…');
    try {
      const { data } = await api('POST', `/api/tickets/${ticket.id}/actions`,
        { description, owner_id: ownerId, due_date: due.input.value });
      showFieldErrors(fields, null);
      desc.input.value = '';
      const notified = data && data.whatsapp_notice && data.whatsapp_notice.status;
      ctx.flash(notified ? `Action added; the owner is told on WhatsApp (${notified}).` : 'Action added.');
      await reload();
    } catch (err) {
      if (err.status === 401) return;
      const rest = err.status === 422 ? showFieldErrors(fields, err.details) : {};
      const extra = Object.entries(rest);
      addStatus.replaceChildren(notice('error', err.message,
        extra.length ? h('ul', {}, extra.map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null));
    } finally {
      setBusy(addBtn, false);
    }
  });

  // --- one action, with its close form when it is open
  function closeForm(a) {
    const note = field('note', 'Closing note', { kind: 'textarea', rows: 2, maxlength: NOTE_MAX,
      hint: 'Required: what was done, or why it is cancelled.' });
    const name = nextId('close-as');
    const radios = [['done', 'Done'], ['cancelled', 'Cancelled']].map(([v, t], i) => {
      const id = nextId(`close-${v}`);
      return { v, el: h('span', { class: 'seg' }, h('input', { type: 'radio', name, id, value: v, checked: i === 0 }), h('label', { for: id }, t)) };
    });
    const set = h('fieldset', { class: 'filter-group segmented' }, h('legend', {}, 'Close as'), radios.map((r) => r.el));
    const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
    const btn = h('button', { type: 'submit', class: 'btn' }, 'Close action');
    const form = h('form', { class: 'action-close', novalidate: true, 'aria-label': `Close action: ${a.description}` },
      status, note.wrap, set, h('div', { class: 'form-actions' }, btn));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      status.replaceChildren();
      const text = note.input.value.trim();
      if (!text) {
        showFieldErrors([note], { note: 'Write what was done, or why it is cancelled.' });
        return;
      }
      const as = form.querySelector(`input[name="${name}"]:checked`)?.value || 'done';
      setBusy(btn, true, 'Closing…');
      try {
        await api('POST', `/api/tickets/${ticket.id}/actions/${a.id}/close`, { note: text, status: as });
        ctx.flash(as === 'done' ? 'Action closed as done.' : 'Action cancelled.');
        await reload();
      } catch (err) {
        if (err.status === 401) return;
        const rest = err.status === 422 ? showFieldErrors([note], err.details) : {};
        const extra = Object.entries(rest);
        status.replaceChildren(notice('error', err.message,
          extra.length ? h('ul', {}, extra.map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null));
        if (err.status === 409) reload();
      } finally {
        setBusy(btn, false);
      }
    });
    return h('details', { class: 'action-close-box' }, h('summary', {}, 'Close this action'), form);
  }

  function item(a) {
    const late = Boolean(a.overdue);
    const mayClose = a.status === 'open' && can('tickets.work');
    return h('li', { class: ['action-item', `action-${a.status}`, late ? 'is-overdue' : ''], dataset: { id: String(a.id), status: a.status } },
      h('p', { class: 'action-desc' }, a.description || ''),
      h('p', { class: 'action-meta' },
        h('span', { class: `badge action-${a.status}` }, actionStatusLabel(a.status)), ' ',
        late ? [overdueMark(), ' '] : null,
        h('span', { class: 'action-owner' }, 'Owner: ', a.owner ? (a.owner.name || `#${a.owner.id}`) : '—'), ' · ',
        h('span', { class: 'action-due' }, 'Due ', h('time', { datetime: a.due_date }, dueDate(a.due_date)))),
      a.status !== 'open' && a.closing_note
        ? h('p', { class: 'action-closing pre' }, h('strong', {}, a.status === 'done' ? 'Done: ' : 'Cancelled: '), a.closing_note,
          a.closed_by ? h('span', { class: 'muted' }, ` (${a.closed_by.name || ''}${a.closed_at ? `, ${dateTime(a.closed_at)}` : ''})`) : null)
        : null,
      mayClose ? closeForm(a) : null);
  }

  function paint(t) {
    const list = items || [];
    const open = list.filter((a) => a.status === 'open').length;
    const overdue = list.filter((a) => a.overdue).length;
    summary.textContent = list.length
      ? `${open} open${overdue ? `, ${overdue} overdue` : ''}, ${list.length} in all.`
      : 'No corrective actions yet.';
    // Forms being typed into survive a refresh when the list is the same.
    const kept = [...listBox.querySelectorAll('details.action-close-box[open]')].map((d) => ({
      id: d.closest('li')?.dataset.id || '',
      note: d.querySelector('textarea')?.value || '',
      focused: d.contains(document.activeElement),
    }));
    clear(listBox, list.length ? h('ul', { class: 'action-list' }, list.map(item)) : null);
    for (const k of kept) {
      const d = listBox.querySelector(`li[data-id="${CSS.escape(k.id)}"] details.action-close-box`);
      if (!d) continue;
      d.open = true;
      const ta = d.querySelector('textarea');
      if (ta) {
        ta.value = k.note;
        if (k.focused) ta.focus({ preventScroll: true });
      }
    }
    const work = can('tickets.work') && t.status !== 'closed';
    addBox.hidden = !work;
  }

  async function render(t) {
    const changed = !ticket || ticket.id !== t.id;
    ticket = t;
    if (Array.isArray(t.actions)) {
      items = t.actions;
    } else {
      // A ticket's JSON without its actions: ask their own route.
      try {
        const data = await get(`/api/tickets/${t.id}/actions`);
        items = data.items || [];
      } catch (err) {
        items = null;
        if (err.status !== 404 && err.status !== 401) summary.textContent = `The actions could not be loaded: ${err.message}`;
      }
      if (ticket !== t) return;
    }
    el.hidden = items === null;
    if (items === null) return;
    if (changed) addBox.open = false;
    paint(t);
  }

  return { el, render };
}
