// My account (issue 19): the signed-in user's own details and a password
// change through POST /api/auth/password, which ends every other session
// and gives this one a new cookie.
import { api, setCsrf } from '../api.js';
import { field, h, notice, setBusy, showFieldErrors } from '../dom.js';
import { roleLabel } from '../format.js';
import { session } from '../session.js';
import { notificationsOn, notificationsSupported, setNotifications } from '../attention.js';

const MIN = 10; // the API's own bounds for a password, in bytes
const MAX = 128;

export function mount(main) {
  const u = session.user;
  const f = {
    current_password: field('current_password', 'Current password', { kind: 'password', autocomplete: 'current-password' }),
    new_password: field('new_password', 'New password', { kind: 'password', autocomplete: 'new-password',
      hint: `${MIN} to ${MAX} characters. Your other sessions end when it changes.` }),
    repeat: field('repeat', 'Repeat the new password', { kind: 'password', autocomplete: 'new-password' }),
  };
  const fields = Object.values(f);
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Change password');
  const form = h('form', { class: 'form-grid', novalidate: true, 'aria-label': 'Change my password' },
    status, f.current_password.wrap, f.new_password.wrap, f.repeat.wrap, h('div', { class: 'form-actions' }, btn));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    status.replaceChildren();
    const body = { current_password: f.current_password.input.value, new_password: f.new_password.input.value };
    const bytes = new TextEncoder().encode(body.new_password).length;
    const errors = {};
    if (!body.current_password) errors.current_password = 'type your current password';
    if (bytes < MIN || bytes > MAX) errors.new_password = `must be ${MIN} to ${MAX} characters`;
    else if (body.new_password !== f.repeat.input.value) errors.repeat = 'does not match the new password';
    if (Object.keys(errors).length) {
      showFieldErrors(fields, errors);
      return;
    }
    setBusy(btn, true, 'Changing…');
    try {
      const { data } = await api('POST', '/api/auth/password', body);
      if (data && data.csrf_token) setCsrf(data.csrf_token);
      showFieldErrors(fields, null);
      for (const x of fields) x.input.value = '';
      status.replaceChildren(notice('ok', 'Password changed. Your other sessions have ended.'));
    } catch (err) {
      if (err.status === 401) return;
      if (err.code === 'wrong_password') {
        showFieldErrors(fields, { current_password: 'is not your current password' });
        return;
      }
      const rest = err.status === 422 ? showFieldErrors(fields, err.details) : {};
      status.replaceChildren(notice('error', err.message, Object.keys(rest).length ? JSON.stringify(rest) : null));
    } finally {
      setBusy(btn, false);
    }
  });
  // Desktop notifications: the browser asks once, from this button.
  const notifyState = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const notifyBtn = h('button', { type: 'button', class: 'btn' });
  const paintNotify = (why) => {
    const on = notificationsOn();
    notifyBtn.textContent = on ? 'Turn off desktop notifications' : 'Turn on desktop notifications';
    notifyBtn.disabled = !notificationsSupported();
    notifyState.textContent = why || (!notificationsSupported() ? 'This browser has no desktop notifications.'
      : on ? 'On: new tickets in your queues and new messages on your tickets show while tick is in another tab.'
        : 'Off. While tick is in another tab, the tab\'s title still counts what is new.');
  };
  notifyBtn.addEventListener('click', async () => {
    const got = await setNotifications(!notificationsOn());
    paintNotify(got === 'denied' ? 'The browser refused: allow notifications for this site in its settings, then try again.' : '');
  });
  paintNotify();
  main.append(
    h('h1', {}, 'My account'),
    h('section', { class: 'card', 'aria-labelledby': 'acct-who' },
      h('h2', { id: 'acct-who' }, 'Signed in as'),
      h('dl', { class: 'details' },
        h('dt', {}, 'Name'), h('dd', {}, u.name || ''),
        h('dt', {}, 'E-mail'), h('dd', {}, u.email || ''),
        h('dt', {}, 'Role'), h('dd', {}, roleLabel(u.role)))),
    h('section', { class: 'card', 'aria-labelledby': 'acct-pw' },
      h('h2', { id: 'acct-pw' }, 'Change my password'), form),
    h('section', { class: 'card', 'aria-labelledby': 'acct-notify' },
      h('h2', { id: 'acct-notify' }, 'Desktop notifications'), notifyState, notifyBtn));
  return {};
}
