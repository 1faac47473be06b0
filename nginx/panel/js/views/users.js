// Users (super_admin): list, create, change role or active, deactivate.
import { api, get, query } from '../api.js';
import { clear, field, h, nextId, notice, setBusy, showFieldErrors } from '../dom.js';
import { dateTime, ROLES, roleLabel } from '../format.js';
import { session } from '../session.js';

const ROLE_OPTIONS = ROLES.map((r) => [r, roleLabel(r)]);

export function mount(main, ctx) {
  let destroyed = false;
  let page = 1;
  const limit = 50;
  const listStatus = h('div', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { class: 'users-list' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });

  // --- create
  const f = {
    email: field('email', 'E-mail', { kind: 'email', maxlength: 254, autocomplete: 'off' }),
    name: field('name', 'Name', { maxlength: 100, autocomplete: 'off' }),
    role: field('role', 'Role', { kind: 'select', options: ROLE_OPTIONS, value: 'agent' }),
    password: field('password', 'Password', { kind: 'password', optional: true, autocomplete: 'new-password',
      hint: 'At least 10 characters. Leave it empty and one is made and shown once.' }),
  };
  const fields = Object.values(f);
  const createStatus = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const createBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create user');
  const createForm = h('form', { class: 'form-grid', novalidate: true, 'aria-label': 'Create a user' },
    createStatus, h('div', { class: 'grid-2' }, f.email.wrap, f.name.wrap, f.role.wrap, f.password.wrap),
    h('div', { class: 'form-actions' }, createBtn));
  createForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    createStatus.replaceChildren();
    const body = { email: f.email.input.value.trim(), name: f.name.input.value.trim(), role: f.role.input.value };
    if (f.password.input.value) body.password = f.password.input.value;
    setBusy(createBtn, true, 'Creating…');
    try {
      const { data } = await api('POST', '/api/users', body);
      showFieldErrors(fields, null);
      f.email.input.value = '';
      f.name.input.value = '';
      f.password.input.value = '';
      createStatus.replaceChildren(data.generated_password
        ? notice('ok', `Created ${data.email}. Their password, shown only now: `, h('code', { class: 'secret' }, data.generated_password))
        : notice('ok', `Created ${data.email}.`));
      load();
    } catch (err) {
      if (err.status === 401) return;
      const rest = err.status === 422 ? showFieldErrors(fields, err.details) : {};
      const extra = Object.entries(rest);
      createStatus.replaceChildren(notice('error', err.message,
        extra.length ? h('ul', {}, extra.map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null));
    } finally {
      setBusy(createBtn, false);
    }
  });

  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Users')),
    h('section', { class: 'card', 'aria-labelledby': 'users-create' }, h('h2', { id: 'users-create' }, 'Add a user'), createForm),
    h('section', { class: 'card', 'aria-labelledby': 'users-all' }, h('h2', { id: 'users-all' }, 'Everyone'), listStatus, list, pager));

  function userRow(u) {
    const roleId = nextId('role');
    const activeId = nextId('active');
    const role = h('select', { id: roleId }, ROLE_OPTIONS.map(([v, t]) => h('option', { value: v, selected: v === u.role }, t)));
    const active = h('input', { type: 'checkbox', id: activeId, checked: u.active });
    const rowStatus = h('div', { class: 'row-status', 'aria-live': 'polite' });
    const save = h('button', { type: 'submit', class: 'btn btn-small' }, 'Save');
    const self = session.user && session.user.id === u.id;
    const deactivate = h('button', { type: 'button', class: 'btn btn-small btn-danger', disabled: !u.active || self,
      title: self ? 'You cannot deactivate yourself.' : null }, 'Deactivate');
    const form = h('form', { class: 'user-edit', novalidate: true, 'aria-label': `Edit ${u.email}` },
      h('span', { class: 'field-inline' }, h('label', { for: roleId }, 'Role'), role),
      h('span', { class: 'field-inline' }, active, h('label', { for: activeId }, 'Active')),
      save, deactivate, rowStatus);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      rowStatus.replaceChildren();
      setBusy(save, true, 'Saving…');
      try {
        await api('PUT', `/api/users/${u.id}`, { role: role.value, active: active.checked });
        ctx.flash(`Saved ${u.email}.`);
        load();
      } catch (err) {
        if (err.status !== 401) rowStatus.replaceChildren(notice('error', err.message));
        setBusy(save, false);
      }
    });
    deactivate.addEventListener('click', async () => {
      if (!window.confirm(`Deactivate ${u.email}? They are signed out at once.`)) return;
      rowStatus.replaceChildren();
      setBusy(deactivate, true, 'Deactivating…');
      try {
        await api('DELETE', `/api/users/${u.id}`);
        ctx.flash(`Deactivated ${u.email}.`);
        load();
      } catch (err) {
        if (err.status !== 401) rowStatus.replaceChildren(notice('error', err.message));
        setBusy(deactivate, false);
      }
    });
    return h('tr', { class: u.active ? '' : 'is-inactive' },
      h('td', { 'data-label': 'Name' }, h('span', {}, h('span', { class: 'cell-strong' }, u.name), self ? h('span', { class: 'muted' }, ' (you)') : null)),
      h('td', { 'data-label': 'E-mail' }, u.email),
      h('td', { 'data-label': 'State' }, u.active ? (u.locked ? 'Locked' : 'Active') : 'Inactive'),
      h('td', { 'data-label': 'Last sign-in' }, u.last_login_at ? dateTime(u.last_login_at) : 'Never'),
      h('td', { 'data-label': 'Role and access' }, form));
  }

  async function load() {
    try {
      const data = await get(`/api/users${query({ page, limit })}`);
      if (destroyed) return;
      const items = data.items || [];
      clear(listStatus, `${data.total ?? items.length} user${data.total === 1 ? '' : 's'}`);
      clear(list, h('table', { class: 'table users' },
        h('thead', {}, h('tr', {}, ['Name', 'E-mail', 'State', 'Last sign-in', 'Role and access'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, items.map(userRow))));
      const pages = Math.max(1, Math.ceil((data.total || 0) / limit));
      clear(pager,
        h('button', { type: 'button', class: 'btn', disabled: page <= 1, onclick: () => { page -= 1; load(); } }, '← Previous'),
        h('span', { class: 'pager-info' }, `Page ${page} of ${pages}`),
        h('button', { type: 'button', class: 'btn', disabled: page >= pages, onclick: () => { page += 1; load(); } }, 'Next →'));
      pager.hidden = pages <= 1;
    } catch (err) {
      if (destroyed || err.status === 401) return;
      clear(listStatus, notice('error', `The users could not be loaded: ${err.message}`));
    }
  }

  main.classList.add('wide');
  load();
  return { destroy() { destroyed = true; main.classList.remove('wide'); } };
}
