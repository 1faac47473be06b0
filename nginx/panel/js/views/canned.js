// Canned replies (issue 16): the texts the desk shares, each with a short
// code typed after "/" in the reply composer, a title, and up to three
// reply buttons. Super admins and site managers create, change and delete
// them here; {name}, {reference} and {agent} are filled when one is used.
import { api, get, query } from '../api.js';
import { clear, field, h, nextId, notice, setBusy, showFieldErrors } from '../dom.js';
import { plural } from '../format.js';
import { can } from '../session.js';
import { confirmDialog } from '../confirm.js';

const TEXT_HINT = 'At most 4096 characters. {name} is the customer’s name (empty when anonymous), {reference} the ticket’s, {agent} yours.';

export function mayManageCanned() {
  return can('canned.admin');
}

// The form's fields, filled with c when editing.
function cannedFields(c) {
  const b = (c && c.buttons) || [];
  return {
    code: field('code', 'Code', { maxlength: 32, autocomplete: 'off', value: c ? c.code : '',
      hint: 'Typed after / in the reply box: a-z, 0-9, - and _.' }),
    title: field('title', 'Title', { maxlength: 100, autocomplete: 'off', value: c ? c.title : '' }),
    text: field('text', 'Text', { kind: 'textarea', rows: 4, maxlength: 4096, value: c ? c.text : '', hint: TEXT_HINT }),
    b0: field('buttons[0]', 'Button 1', { optional: true, maxlength: 20, value: b[0] || '' }),
    b1: field('buttons[1]', 'Button 2', { optional: true, maxlength: 20, value: b[1] || '' }),
    b2: field('buttons[2]', 'Button 3', { optional: true, maxlength: 20, value: b[2] || '' }),
  };
}

function bodyOf(f) {
  const buttons = [f.b0, f.b1, f.b2].map((x) => x.input.value.trim()).filter(Boolean);
  return { code: f.code.input.value.trim(), title: f.title.input.value.trim(), text: f.text.input.value,
    buttons: buttons.length ? buttons : null };
}

// 422 details name buttons[i]: the field of that button; "buttons" the first.
function detailsFor(details) {
  const out = { ...(details || {}) };
  if (out.buttons && !out['buttons[0]']) out['buttons[0]'] = out.buttons;
  delete out.buttons;
  return out;
}

function formOf(f, label, submitText) {
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, submitText);
  const form = h('form', { class: 'form-grid canned-form', novalidate: true, 'aria-label': label },
    status, h('div', { class: 'grid-2' }, f.code.wrap, f.title.wrap), f.text.wrap,
    h('div', { class: 'grid-3' }, f.b0.wrap, f.b1.wrap, f.b2.wrap),
    h('div', { class: 'form-actions' }, btn));
  return { form, status, btn };
}

export function mount(main, ctx) {
  let destroyed = false;
  const listStatus = h('div', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { class: 'canned-admin-list' });
  const search = field('q', 'Search by code or title', { kind: 'search', autocomplete: 'off', optional: true });

  main.append(h('div', { class: 'page-head' }, h('h1', {}, 'Canned replies')));

  const f = cannedFields(null);
  const fields = Object.values(f);
  const create = formOf(f, 'Create a canned reply', 'Create canned reply');
  create.form.addEventListener('submit', async (e) => {
    e.preventDefault();
    create.status.replaceChildren();
    setBusy(create.btn, true, 'Creating…');
    try {
      const { data } = await api('POST', '/api/canned-replies', bodyOf(f));
      showFieldErrors(fields, null);
      fields.forEach((x) => { x.input.value = ''; });
      create.status.replaceChildren(notice('ok', `Created /${data.code}.`));
      load();
    } catch (err) {
      if (err.status === 401) return;
      const rest = err.status === 422 || err.status === 409 ? showFieldErrors(fields, detailsFor(err.details)) : {};
      const extra = Object.entries(rest);
      create.status.replaceChildren(notice('error', err.message,
        extra.length ? h('ul', {}, extra.map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null));
    } finally {
      setBusy(create.btn, false);
    }
  });
  main.append(h('section', { class: 'card', 'aria-labelledby': 'canned-create' },
    h('h2', { id: 'canned-create' }, 'Add a canned reply'), create.form));

  let timer = null;
  search.input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  main.append(h('section', { class: 'card', 'aria-labelledby': 'canned-all' },
    h('h2', { id: 'canned-all' }, 'All canned replies'), search.wrap, listStatus, list));

  function card(c) {
    const headingId = nextId('canned');
    const rowStatus = h('div', { class: 'row-status', 'aria-live': 'polite' });
    const edit = h('button', { type: 'button', class: 'btn btn-small', 'aria-expanded': 'false' }, 'Edit');
    const del = h('button', { type: 'button', class: 'btn btn-small btn-danger' }, 'Delete');
    const el = h('article', { class: 'card canned-item', 'aria-labelledby': headingId },
      h('h3', { id: headingId }, h('code', {}, `/${c.code}`), ' ', c.title),
      h('p', { class: 'pre', dir: 'auto' }, c.text),
      c.buttons.length ? h('ul', { class: 'choices choices-buttons', 'aria-label': 'Buttons' },
        c.buttons.map((b) => h('li', { class: 'chip' }, b))) : null,
      h('div', { class: 'form-actions' }, edit, del), rowStatus);
    let editor = null;
    edit.addEventListener('click', () => {
      if (editor) {
        editor.remove();
        editor = null;
        edit.setAttribute('aria-expanded', 'false');
        return;
      }
      const ef = cannedFields(c);
      const efields = Object.values(ef);
      const fm = formOf(ef, `Edit /${c.code}`, 'Save');
      fm.form.addEventListener('submit', async (e) => {
        e.preventDefault();
        fm.status.replaceChildren();
        setBusy(fm.btn, true, 'Saving…');
        try {
          await api('PUT', `/api/canned-replies/${c.id}`, bodyOf(ef));
          ctx.flash(`Saved /${ef.code.input.value.trim()}.`);
          load();
        } catch (err) {
          if (err.status === 401) return;
          if (err.status === 422 || err.status === 409) showFieldErrors(efields, detailsFor(err.details));
          fm.status.replaceChildren(notice('error', err.message));
          setBusy(fm.btn, false);
        }
      });
      editor = fm.form;
      el.append(editor);
      edit.setAttribute('aria-expanded', 'true');
      ef.title.input.focus();
    });
    del.addEventListener('click', async () => {
      const ok = await confirmDialog({ title: `Delete /${c.code}?`, body: 'Agents can no longer insert it.',
        confirm: 'Delete', danger: true });
      if (!ok) return;
      setBusy(del, true, 'Deleting…');
      try {
        await api('DELETE', `/api/canned-replies/${c.id}`);
        ctx.flash(`Deleted /${c.code}.`);
        load();
      } catch (err) {
        if (err.status === 401) return;
        rowStatus.replaceChildren(notice('error', err.message));
        setBusy(del, false);
      }
    });
    return el;
  }

  async function load() {
    try {
      const data = await get(`/api/canned-replies${query({ q: search.input.value.trim() })}`);
      if (destroyed) return;
      const items = data.items || [];
      clear(listStatus, plural(items.length, 'canned reply', 'canned replies'));
      clear(list, items.length ? items.map(card) : h('p', { class: 'muted' }, 'No canned replies yet.'));
    } catch (err) {
      if (destroyed || err.status === 401) return;
      clear(listStatus, notice('error', `The canned replies could not be loaded: ${err.message}`));
    }
  }

  load();
  return {
    destroy() {
      destroyed = true;
      clearTimeout(timer);
    },
    refresh: load,
  };
}
