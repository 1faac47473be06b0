// The template picker of a ticket (issue 16): outside WhatsApp's 24-hour
// window free text is refused, so the composer offers the desk's APPROVED
// templates instead. The agent picks one, fills its variables (header,
// body, buttons, as its components ask) and sees the message as the
// customer will read it before sending it
// (POST /api/tickets/:id/template). The API checks the same rules and
// names the missing or extra parameter, shown beside its input.
import { api, get } from '../api.js';
import { clear, field, h, notice, setBusy, showFieldErrors } from '../dom.js';

const PLACEHOLDER = /{{\s*([a-z0-9_]+)\s*}}/g;

// The distinct placeholders of a text, in order: '1', '2' or names.
function placeholders(text) {
  const out = [];
  for (const m of String(text || '').matchAll(PLACEHOLDER)) if (!out.includes(m[1])) out.push(m[1]);
  if (out.every((x) => /^\d+$/.test(x))) out.sort((a, b) => Number(a) - Number(b));
  return out;
}

function comp(t, type) {
  return (t.components || []).find((c) => String(c.type || '').toUpperCase() === type) || null;
}

// The inputs one template asks for: [{key, label, field, part, ...}].
function inputsFor(t) {
  const named = t.parameter_format === 'NAMED';
  const list = [];
  const header = comp(t, 'HEADER');
  const fmt = header ? String(header.format || 'TEXT').toUpperCase() : null;
  if (header && fmt === 'TEXT') {
    const ph = placeholders(header.text);
    if (ph.length) list.push({ part: 'header', name: 'parameters.header', label: `Header {{${ph[0]}}}`, ph: ph[0] });
  } else if (header && ['IMAGE', 'VIDEO', 'DOCUMENT'].includes(fmt)) {
    list.push({ part: 'header', name: 'parameters.header', label: `Header ${fmt.toLowerCase()} link (https)`, kind: 'url', media: fmt.toLowerCase() });
  }
  const body = comp(t, 'BODY');
  placeholders(body && body.text).forEach((ph, i) => {
    list.push({ part: 'body', name: named ? `parameters.body.${ph}` : `parameters.body[${i}]`, label: `Body {{${ph}}}`, ph, index: i });
  });
  const buttons = comp(t, 'BUTTONS');
  ((buttons && buttons.buttons) || []).forEach((b, i) => {
    const type = String(b.type || '').toUpperCase();
    const base = { part: 'button', name: `parameters.buttons[${i}]`, index: i };
    if (type === 'URL' && placeholders(b.url).length) list.push({ ...base, label: `Button “${b.text}”: link ending` });
    else if (type === 'COPY_CODE') list.push({ ...base, label: 'Button “Copy code”: the code', maxlength: 15 });
    else if (type === 'QUICK_REPLY') list.push({ ...base, label: `Button “${b.text}”: reply payload`, optional: true });
  });
  return list;
}

function fill(text, values) {
  return String(text || '').replace(PLACEHOLDER, (all, ph) => (values[ph] ? values[ph] : `[${all}]`));
}

export function createTemplatePicker(ctx, { reload }) {
  let ticket = null;
  let templates = null; // loaded once, on first show
  let current = null;
  let inputs = [];
  const status = h('div', { class: 'template-status', role: 'status', 'aria-live': 'polite' });
  const choose = field('template', 'Template', { kind: 'select', options: [] });
  const varsBox = h('div', { class: 'template-vars' });
  const preview = h('div', { class: 'template-preview pre', 'aria-live': 'polite' });
  const previewBox = h('figure', { class: 'template-preview-box', hidden: true },
    h('figcaption', {}, 'Preview: what the customer reads'), preview);
  const sendBtn = h('button', { type: 'submit', class: 'btn btn-primary', disabled: true }, 'Send template');
  const form = h('form', { class: 'template-form', novalidate: true, 'aria-label': 'Send a template' },
    h('h3', {}, 'Send an approved template'),
    h('p', { class: 'hint' }, 'A template re-opens the conversation: when the customer answers, free text works again.'),
    status, choose.wrap, varsBox, previewBox, h('div', { class: 'form-actions' }, sendBtn));
  const el = h('section', { class: 'compose template-picker', hidden: true }, form);

  function values() {
    const v = {};
    for (const i of inputs) if (i.part === 'body') v[i.ph] = i.field.input.value;
    return v;
  }

  function renderPreview() {
    if (!current) {
      previewBox.hidden = true;
      return;
    }
    const v = values();
    const lines = [];
    const header = comp(current, 'HEADER');
    if (header && String(header.format || 'TEXT').toUpperCase() === 'TEXT' && header.text) {
      const hi = inputs.find((i) => i.part === 'header');
      lines.push(fill(header.text, hi ? { [hi.ph]: hi.field.input.value } : {}));
    } else if (header) {
      const hi = inputs.find((i) => i.part === 'header');
      lines.push(`[${String(header.format).toLowerCase()}: ${(hi && hi.field.input.value) || '…'}]`);
    }
    const body = comp(current, 'BODY');
    if (body) lines.push(fill(body.text, v));
    const footer = comp(current, 'FOOTER');
    if (footer && footer.text) lines.push(footer.text);
    const buttons = comp(current, 'BUTTONS');
    for (const b of (buttons && buttons.buttons) || []) if (b.text) lines.push(`[${b.text}]`);
    preview.textContent = lines.join('\n');
    previewBox.hidden = false;
  }

  function pick() {
    const [name, language] = (choose.input.value || '').split('|');
    current = (templates || []).find((t) => t.name === name && t.language === language) || null;
    inputs = current ? inputsFor(current) : [];
    for (const i of inputs) {
      i.field = field(i.name, i.label, { kind: i.kind || 'text', optional: i.optional, maxlength: i.maxlength || 1024 });
      i.field.input.addEventListener('input', renderPreview);
    }
    clear(varsBox, inputs.length ? inputs.map((i) => i.field.wrap)
      : current ? h('p', { class: 'hint' }, 'This template has no variables.') : null);
    sendBtn.disabled = !current;
    renderPreview();
  }
  choose.input.addEventListener('change', pick);

  async function loadTemplates() {
    if (templates) return;
    clear(status, 'Loading templates…');
    try {
      const data = await get('/api/templates?status=APPROVED');
      templates = data.items || [];
      clear(choose.input, h('option', { value: '' }, templates.length ? 'Choose a template…' : 'No approved templates'),
        templates.map((t) => h('option', { value: `${t.name}|${t.language}` }, `${t.name} (${t.language})`)));
      clear(status, templates.length ? null
        : notice('warn', 'The desk has no approved templates. A super admin syncs them from Meta (tick templates sync).'));
    } catch (err) {
      templates = null;
      if (err.status !== 401) clear(status, notice('error', `The templates could not be loaded: ${err.message}`));
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!current || !ticket) return;
    const parameters = {};
    const body = [];
    const named = {};
    const buttons = [];
    for (const i of inputs) {
      const v = i.field.input.value.trim();
      if (i.part === 'header' && v) parameters.header = v;
      else if (i.part === 'body') {
        if (current.parameter_format === 'NAMED') named[i.ph] = v;
        else body[i.index] = v;
      } else if (i.part === 'button') {
        while (buttons.length < i.index) buttons.push(null);
        buttons[i.index] = v || null;
      }
    }
    if (inputs.some((i) => i.part === 'body')) parameters.body = current.parameter_format === 'NAMED' ? named : body;
    if (buttons.length) parameters.buttons = buttons;
    clear(status);
    showFieldErrors(inputs.map((i) => i.field), null);
    setBusy(sendBtn, true, 'Sending…');
    try {
      const { data } = await api('POST', `/api/tickets/${ticket.id}/template`,
        { name: current.name, language: current.language, parameters });
      const wa = data.whatsapp || {};
      if (wa.status === 'failed') {
        clear(status, notice('error', `The template is saved but WhatsApp refused it: ${wa.error_title || wa.error_code}`));
      } else {
        ctx.flash('Template sent: the customer can answer now.');
        for (const i of inputs) i.field.input.value = '';
        renderPreview();
      }
      await reload();
    } catch (err) {
      if (err.status === 401) return;
      const rest = err.status === 422 ? showFieldErrors(inputs.map((i) => i.field), err.details) : {};
      const extra = Object.entries(rest).map(([k, v]) => h('li', {}, `${k}: ${v}`));
      clear(status, notice('error', err.message, extra.length ? h('ul', {}, extra) : null));
    } finally {
      setBusy(sendBtn, false);
      sendBtn.disabled = !current;
    }
  });

  return {
    el,
    // show: the window is closed and the agent may reply.
    render(t, show) {
      ticket = t;
      el.hidden = !show;
      if (show) loadTemplates();
    },
  };
}
