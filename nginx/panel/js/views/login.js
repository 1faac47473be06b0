// Sign-in: POST /api/auth/login sets the session cookie and the CSRF cookie.
import { api, setCsrf } from '../api.js';
import { field, h, notice, setBusy, showFieldErrors } from '../dom.js';

export function mount(main, ctx) {
  const email = field('email', 'E-mail', { kind: 'email', autocomplete: 'username', inputmode: 'email' });
  const password = field('password', 'Password', { kind: 'password', autocomplete: 'current-password' });
  const fields = [email, password];
  const status = h('div', { class: 'form-status' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-wide' }, 'Sign in');
  const form = h('form', { class: 'card login-card', novalidate: true, 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Sign in to tick'),
    ctx.message ? notice('info', ctx.message) : null,
    status, email.wrap, password.wrap, submit);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    status.replaceChildren();
    showFieldErrors(fields, null);
    if (!email.input.value.trim() || !password.input.value) {
      showFieldErrors(fields, {
        ...(email.input.value.trim() ? {} : { email: 'Enter your e-mail.' }),
        ...(password.input.value ? {} : { password: 'Enter your password.' }),
      });
      return;
    }
    setBusy(submit, true, 'Signing in…');
    try {
      const { data } = await api('POST', '/api/auth/login', {
        email: email.input.value.trim(),
        password: password.input.value,
      });
      setCsrf(data.csrf_token);
      password.input.value = '';
      await ctx.onSignedIn();
    } catch (err) {
      setBusy(submit, false);
      const rest = err.status === 422 ? showFieldErrors(fields, err.details) : {};
      status.replaceChildren(notice('error', err.message,
        Object.keys(rest).length ? h('ul', {}, Object.entries(rest).map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null));
      if (err.status !== 422) password.input.select();
    }
  });

  main.append(h('div', { class: 'login-wrap' },
    h('p', { class: 'login-brand', 'aria-hidden': 'true' }, 'tick'),
    form,
    h('p', { class: 'hint center' }, 'The WhatsApp help desk.')));
  email.input.focus();
  return { keepFocus: true };
}
