// API tokens (issue 15): GET, POST /api/tokens, DELETE /api/tokens/:id.
// Everyone signed in makes tokens for themselves, with scopes out of what
// their own role allows (the permissions of GET /api/auth/me); a token is
// shown once, right after it is made, with a copy button. A super admin's
// list holds everyone's tokens; anyone else's, their own (the API decides).
import { api, get } from '../api.js';
import { confirmDialog } from '../confirm.js';
import { clear, field, h, nextId, notice, setBusy, setFieldError, showFieldErrors } from '../dom.js';
import { dateTime, permissionLabel } from '../format.js';
import { session } from '../session.js';

export const DEFAULT_DAYS = 90; // the API's own default for expires_in_days

// Permissions a token may carry: those of the signed-in user's role, but
// "signed_in", which every token has.
export function grantableScopes() {
  return [...session.perms].filter((p) => p !== 'signed_in');
}

function restList(rest) {
  const e = Object.entries(rest || {});
  return e.length ? h('ul', {}, e.map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null;
}

// A group of checkboxes that takes its error like a field; options are
// [value, label (text or nodes)]. Answers {wrap, input (the fieldset), error, name, boxes, values()}.
export function checkGroup(name, legend, options, { checked = [], hint } = {}) {
  const id = nextId(`g-${name}`);
  const errId = `${id}-err`;
  const hintId = hint ? `${id}-hint` : null;
  const error = h('p', { class: 'field-error', id: errId, hidden: true });
  const boxes = options.map(([value, label]) => {
    const boxId = nextId(`${name}-opt`);
    const box = h('input', { type: 'checkbox', id: boxId, name, value, checked: checked.includes(value) });
    return { value, box, wrap: h('div', { class: 'field field-check check-item' }, box, h('label', { for: boxId }, label)) };
  });
  const input = h('fieldset', { class: 'check-group', tabindex: '-1', 'aria-describedby': [hintId, errId].filter(Boolean).join(' ') },
    h('legend', {}, legend),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('div', { class: 'check-list' }, boxes.map((b) => b.wrap)), error);
  return {
    wrap: input, input, error, name, boxes,
    values: () => boxes.filter((b) => b.box.checked).map((b) => b.value),
  };
}

// A secret shown once: the value, a copy button and the warning.
export function revealOnce(kind, value, { onDone } = {}) {
  const code = h('code', { class: 'secret reveal-value', 'aria-label': `The new ${kind}` }, value);
  const copied = h('span', { class: 'reveal-copied', role: 'status', 'aria-live': 'polite' });
  const copy = h('button', { type: 'button', class: 'btn btn-small' }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value);
      copied.textContent = 'Copied.';
    } catch (e) {
      // No clipboard (an old browser, a denied permission): select it.
      const range = document.createRange();
      range.selectNodeContents(code);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      copied.textContent = 'Selected: press Ctrl+C (or ⌘C) to copy.';
    }
  });
  const done = h('button', { type: 'button', class: 'btn btn-small btn-primary' }, 'I have copied it');
  const box = notice('warn',
    h('p', { class: 'reveal-title' }, h('strong', {}, `Copy the ${kind} now: you will not see it again.`),
      ` tick keeps only what it needs to check it and cannot show it later.`),
    h('div', { class: 'reveal-row' }, code, copy, done), copied);
  box.classList.add('reveal');
  done.addEventListener('click', () => {
    box.remove();
    if (onDone) onDone();
  });
  return box;
}

function stateOf(t) {
  if (t.revoked_at) return h('span', { class: 'badge token-revoked' }, 'Revoked');
  if (!t.active) return h('span', { class: 'badge token-expired' }, 'Expired');
  return h('span', { class: 'badge token-active' }, 'Active');
}

export function mount(main, ctx) {
  let destroyed = false;
  let seq = 0;
  const admin = Boolean(session.user && session.user.role === 'super_admin');
  const scopes = grantableScopes();

  // --- create
  const f = {
    name: field('name', 'Name', { maxlength: 100, autocomplete: 'off',
      hint: 'What uses it, such as "CRM sync" or "Alerting".' }),
    scopes: checkGroup('scopes', 'Scopes', scopes.map((p) => [p, [permissionLabel(p), ' ', h('code', { class: 'muted perm-name' }, p)]]), {
      hint: 'What the token may do: at most what your role allows. Ask for only what the integration needs.' }),
    expires_in_days: field('expires_in_days', 'Expires in (days)', { kind: 'number', inputmode: 'numeric',
      value: String(DEFAULT_DAYS), hint: 'The token stops working after this many days.' }),
  };
  f.expires_in_days.input.setAttribute('min', '1');
  f.expires_in_days.input.setAttribute('step', '1');
  const fields = Object.values(f);
  const createStatus = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const reveal = h('div', { class: 'reveal-slot' });
  const createBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create token');
  const createForm = h('form', { class: 'form-grid', novalidate: true, 'aria-label': 'Create a token' },
    createStatus, f.name.wrap, f.scopes.wrap, f.expires_in_days.wrap, h('div', { class: 'form-actions' }, createBtn));
  createForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    createStatus.replaceChildren();
    const errors = {};
    const body = { name: f.name.input.value.trim(), scopes: f.scopes.values() };
    const daysRaw = f.expires_in_days.input.value.trim();
    if (daysRaw !== '') {
      if (!/^\d{1,6}$/.test(daysRaw) || Number(daysRaw) < 1) errors.expires_in_days = 'must be a whole number of days, at least 1';
      else body.expires_in_days = Number(daysRaw);
    }
    if (!body.scopes.length) errors.scopes = 'choose at least one scope';
    if (Object.keys(errors).length) {
      showFieldErrors(fields, errors);
      return;
    }
    setBusy(createBtn, true, 'Creating…');
    try {
      const { data } = await api('POST', '/api/tokens', body);
      showFieldErrors(fields, null);
      f.name.input.value = '';
      for (const b of f.scopes.boxes) b.box.checked = false;
      f.expires_in_days.input.value = String(DEFAULT_DAYS);
      clear(reveal, revealOnce('token', data.token), h('p', { class: 'hint' },
        `Created "${data.name}". Send it as `, h('code', {}, 'Authorization: Bearer <token>'), '.'));
      reveal.querySelector('.reveal-value').scrollIntoView({ block: 'nearest' });
      load();
    } catch (err) {
      if (err.status === 401) return;
      const rest = err.status === 422 ? showFieldErrors(fields, err.details) : {};
      createStatus.replaceChildren(notice('error', err.message, restList(rest)));
    } finally {
      setBusy(createBtn, false);
    }
  });
  for (const b of f.scopes.boxes) b.box.addEventListener('change', () => setFieldError(f.scopes, null));

  const listStatus = h('div', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { class: 'tokens-list' });
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'API tokens')),
    h('p', { class: 'hint' }, 'A token lets a script or another system use the API as you, within its scopes, ',
      'without signing in. Revoke a token the moment it is no longer needed or may have leaked.'),
    h('section', { class: 'card', 'aria-labelledby': 'tokens-create' },
      h('h2', { id: 'tokens-create' }, 'Make a token'), reveal, createForm),
    h('section', { class: 'card', 'aria-labelledby': 'tokens-all' },
      h('h2', { id: 'tokens-all' }, admin ? 'Everyone’s tokens' : 'Your tokens'), listStatus, list));

  function row(t) {
    const owner = t.user || {};
    const self = session.user && owner.id === session.user.id;
    const rowStatus = h('div', { class: 'row-status', 'aria-live': 'polite' });
    const revoke = t.revoked_at ? null : h('button', { type: 'button', class: 'btn btn-small btn-danger' }, 'Revoke');
    if (revoke) {
      revoke.addEventListener('click', async () => {
        const ok = await confirmDialog({
          title: `Revoke "${t.name}"?`,
          body: [h('p', {}, 'Whatever uses this token is refused from now on (401). This cannot be undone: make a new token to connect again.'),
            self ? null : h('p', {}, `It belongs to ${owner.name || owner.email}.`)],
          confirm: 'Revoke token', danger: true,
        });
        if (!ok) return;
        rowStatus.replaceChildren();
        setBusy(revoke, true, 'Revoking…');
        try {
          await api('DELETE', `/api/tokens/${encodeURIComponent(t.id)}`);
          ctx.flash(`Revoked "${t.name}".`);
          load();
        } catch (err) {
          if (err.status !== 401) rowStatus.replaceChildren(notice('error', err.message));
          setBusy(revoke, false);
        }
      });
    }
    return h('tr', { class: ['token-row', t.active ? '' : 'is-inactive'], dataset: { id: String(t.id) } },
      h('td', { 'data-label': 'Name' }, h('span', {}, h('span', { class: 'cell-strong' }, t.name), ' ',
        h('code', { class: 'muted token-prefix', title: 'The start of the token' }, `${t.prefix}…`))),
      h('td', { 'data-label': 'Owner' }, h('span', {}, owner.name || owner.email || '', self ? h('span', { class: 'muted' }, ' (you)') : null)),
      h('td', { 'data-label': 'Scopes' }, h('span', { class: 'scope-list' },
        (t.scopes || []).map((s) => h('code', { class: 'scope', title: permissionLabel(s) }, s)))),
      h('td', { 'data-label': 'Created' }, h('time', { datetime: t.created_at }, dateTime(t.created_at))),
      h('td', { 'data-label': 'Expires' }, h('time', { datetime: t.expires_at }, dateTime(t.expires_at))),
      h('td', { 'data-label': 'Last used' }, t.last_used_at ? h('time', { datetime: t.last_used_at }, dateTime(t.last_used_at)) : 'Never'),
      h('td', { 'data-label': 'State' }, h('span', {}, stateOf(t),
        t.revoked_at ? h('span', { class: 'muted' }, ` ${dateTime(t.revoked_at)}`) : null)),
      h('td', { 'data-label': 'Revoke' }, h('span', {}, revoke || h('span', { class: 'muted' }, '—'), rowStatus)));
  }

  async function load() {
    const mySeq = ++seq;
    try {
      const data = await get('/api/tokens');
      if (destroyed || mySeq !== seq) return;
      const items = data.items || [];
      const active = items.filter((t) => t.active).length;
      clear(listStatus, `${items.length} token${items.length === 1 ? '' : 's'}, ${active} active`);
      clear(list, items.length
        ? h('table', { class: 'table tokens' },
          h('caption', { class: 'sr-only' }, 'API tokens'),
          h('thead', {}, h('tr', {}, ['Name', 'Owner', 'Scopes', 'Created', 'Expires', 'Last used', 'State', 'Revoke']
            .map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, items.map(row)))
        : h('p', { class: 'empty' }, 'No tokens yet. Make one above.'));
    } catch (err) {
      if (destroyed || mySeq !== seq || err.status === 401) return;
      clear(listStatus, notice('error', `The tokens could not be loaded: ${err.message} `,
        h('button', { type: 'button', class: 'btn btn-small', onclick: load }, 'Try again')));
    }
  }

  main.classList.add('wide');
  load();
  return { refresh: load, destroy() { destroyed = true; main.classList.remove('wide'); } };
}
