// The form of POST /api/tickets, each field's error beside it, with an
// optional file kept with the ticket.
import { api } from '../api.js';
import { field, h, notice, setBusy, setFieldError, showFieldErrors } from '../dom.js';
import { filePayload, filePicker, serverFileError } from '../files.js';

const ISSUE_TYPES = [
  ['', 'Choose…'],
  ['hardware', 'Hardware'],
  ['software', 'Software'],
  ['network', 'Network'],
  ['account', 'Account or access'],
  ['billing', 'Billing'],
  ['delivery', 'Order or delivery'],
  ['other', 'Other'],
];

export function mount(main, ctx) {
  const f = {
    name: field('name', 'Customer name', { maxlength: 30, autocomplete: 'off' }),
    email: field('email', 'E-mail', { kind: 'email', maxlength: 100, optional: true, autocomplete: 'off' }),
    mobile: field('mobile', 'Mobile', { kind: 'tel', optional: true, inputmode: 'tel', autocomplete: 'off',
      hint: 'International format, such as +52 55 1234 5678. Needed for WhatsApp.' }),
    issue_type: field('issue_type', 'Issue type', { kind: 'select', options: ISSUE_TYPES, value: '' }),
    issue_type_other: field('issue_type_other', 'Other issue type', { maxlength: 100 }),
    issue_title: field('issue_title', 'Title', { maxlength: 150, optional: true }),
    description: field('description', 'Description', { kind: 'textarea', rows: 6, maxlength: 10000 }),
    attachment: filePicker('attachment', 'Attachment', {
      hint: 'A photo or document kept with the ticket. The same types and sizes as WhatsApp: JPEG or PNG images up to 5 MB, '
        + 'audio and video up to 16 MB, PDF, Word, Excel, PowerPoint, text or CSV documents.' }),
    whatsapp_enabled: field('whatsapp_enabled', 'Talk to the customer on WhatsApp', { kind: 'checkbox', checked: true }),
    whatsapp_notifications: field('whatsapp_notifications', 'Send status notices on WhatsApp', { kind: 'checkbox', checked: true }),
  };
  const fields = Object.values(f);
  const status = h('div', { class: 'form-status' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create ticket');

  const syncOther = () => {
    f.issue_type_other.wrap.hidden = f.issue_type.input.value !== 'other';
  };
  f.issue_type.input.addEventListener('change', syncOther);
  syncOther();
  const syncNotify = () => {
    f.whatsapp_notifications.input.disabled = !f.whatsapp_enabled.input.checked;
  };
  f.whatsapp_enabled.input.addEventListener('change', syncNotify);

  const form = h('form', { class: 'card form-grid', novalidate: true, 'aria-labelledby': 'new-title' },
    status,
    h('fieldset', {}, h('legend', {}, 'Customer'), f.name.wrap, f.email.wrap, f.mobile.wrap),
    h('fieldset', {}, h('legend', {}, 'Issue'), f.issue_type.wrap, f.issue_type_other.wrap, f.issue_title.wrap, f.description.wrap, f.attachment.wrap),
    h('fieldset', {}, h('legend', {}, 'WhatsApp'), f.whatsapp_enabled.wrap, f.whatsapp_notifications.wrap),
    h('div', { class: 'form-actions' }, submit, h('a', { href: '#/inbox', class: 'btn btn-quiet' }, 'Cancel')));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    status.replaceChildren();
    const body = {
      name: f.name.input.value.trim(),
      email: f.email.input.value.trim() || null,
      mobile: f.mobile.input.value.trim() || null,
      description: f.description.input.value,
      issue_type: f.issue_type.input.value,
      issue_type_other: f.issue_type.input.value === 'other' ? f.issue_type_other.input.value.trim() : null,
      issue_title: f.issue_title.input.value.trim() || null,
      whatsapp_enabled: f.whatsapp_enabled.input.checked,
      whatsapp_notifications: f.whatsapp_enabled.input.checked && f.whatsapp_notifications.input.checked,
    };
    for (const k of ['email', 'mobile', 'issue_type_other', 'issue_title']) if (body[k] === null) delete body[k];
    const file = f.attachment.file();
    let checked = null;
    if (file) {
      checked = f.attachment.check();
      if (!checked.ok) {
        status.replaceChildren(notice('error', 'The attachment cannot be sent: see the message beside it.'));
        f.attachment.input.focus();
        return;
      }
    }
    setBusy(submit, true, file ? 'Reading the file…' : 'Creating…');
    try {
      if (file) {
        body.attachment = await filePayload(file, checked);
        submit.textContent = 'Creating…';
      }
      const { data } = await api('POST', '/api/tickets', body, file ? { timeout: 120000 } : undefined);
      const wa = data.whatsapp_notice;
      const att = (data.attachments || []).find((a) => a.state !== 'stored');
      const problems = [
        wa && wa.status === 'failed' ? 'the WhatsApp confirmation failed' : '',
        file && att ? `the attachment is not kept yet${att.error ? ` (${att.error})` : ''}; Retry beside it tries again` : '',
      ].filter(Boolean);
      ctx.flash(`Ticket ${data.reference} created${problems.length ? `; ${problems.join('; ')}` : ''}.`,
        problems.length ? 'warn' : 'ok');
      ctx.navigate(`#/tickets/${data.id}`);
    } catch (err) {
      setBusy(submit, false);
      if (err.status === 401) return;
      const fileWhy = file ? serverFileError(err, file) : null;
      if (fileWhy) {
        setFieldError(f.attachment, fileWhy);
        status.replaceChildren(notice('error', 'The attachment cannot be sent: see the message beside it.'));
        f.attachment.input.focus();
        return;
      }
      const rest = err.status === 422 ? showFieldErrors(fields, err.details) : {};
      const extra = Object.entries(rest);
      status.replaceChildren(notice('error', err.status === 422 ? 'Some fields need attention: see the messages beside them.' : err.message,
        extra.length ? h('ul', {}, extra.map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null));
      if (err.status !== 422) status.scrollIntoView({ block: 'nearest' });
    }
  });

  main.append(h('div', { class: 'page-head' }, h('h1', { id: 'new-title' }, 'New ticket')), form);
  return {};
}
