// Building the page from data without ever parsing data as HTML: every
// string becomes a text node or an attribute value, never markup.

// h('button', {class: 'x', onclick: fn, 'aria-label': 'y'}, 'text', child)
// Attributes: class, text (textContent), dataset (object), hidden, disabled,
// checked, value, selected, on<event> (a listener); any other key is set
// with setAttribute (skipped when null, undefined or false).
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
      else if (k === 'text') el.textContent = String(v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'hidden' || k === 'disabled' || k === 'checked' || k === 'selected' ||
               k === 'required' || k === 'multiple' || k === 'open') el[k] = Boolean(v);
      else if (k === 'value') el.value = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
export function nextId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

// A labelled control with a place for its error beside it. Returns
// {wrap, input, error}. kind: input type, 'textarea' or 'select'.
export function field(name, label, opts = {}) {
  const id = nextId(`f-${name}`);
  const errId = `${id}-err`;
  const hintId = opts.hint ? `${id}-hint` : null;
  let input;
  const common = {
    id, name,
    'aria-describedby': [hintId, errId].filter(Boolean).join(' '),
    autocomplete: opts.autocomplete,
    maxlength: opts.maxlength,
    placeholder: opts.placeholder,
    inputmode: opts.inputmode,
    rows: opts.rows,
    accept: opts.accept,
    // Arabic, Hebrew and Latin text each keep their own direction.
    dir: opts.kind === 'textarea' || !opts.kind || opts.kind === 'text' || opts.kind === 'search' ? 'auto' : null,
  };
  if (opts.kind === 'textarea') {
    input = h('textarea', common);
    // Ctrl+Enter (Cmd+Enter on a Mac) sends the box's form.
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && input.form) {
        e.preventDefault();
        input.form.requestSubmit();
      }
    });
  } else if (opts.kind === 'select') {
    input = h('select', common, (opts.options || []).map(([v, t]) =>
      h('option', { value: v, selected: v === opts.value }, t)));
  } else if (opts.kind === 'checkbox') {
    input = h('input', { ...common, type: 'checkbox', checked: opts.checked });
  } else {
    input = h('input', { ...common, type: opts.kind || 'text', value: opts.value });
  }
  if (opts.value !== undefined && opts.kind !== 'checkbox' && opts.kind !== 'select') input.value = opts.value;
  const error = h('p', { class: 'field-error', id: errId, hidden: true });
  const hint = opts.hint ? h('p', { class: 'hint', id: hintId }, opts.hint) : null;
  const lab = h('label', { for: id }, label, opts.optional ? h('span', { class: 'optional' }, ' (optional)') : null);
  const wrap = opts.kind === 'checkbox'
    ? h('div', { class: 'field field-check' }, input, lab, hint, error)
    : h('div', { class: 'field' }, lab, input, hint, error);
  return { wrap, input, error, name };
}

// Shows 422 details (field -> message) beside their fields; returns the
// details no field took, so the caller can show them elsewhere.
export function showFieldErrors(fields, details) {
  const rest = {};
  for (const f of fields) setFieldError(f, null);
  if (!details || typeof details !== 'object') return rest;
  let first = null;
  for (const [k, msg] of Object.entries(details)) {
    const f = fields.find((x) => x.name === k);
    const text = typeof msg === 'string' ? msg : JSON.stringify(msg);
    if (f) {
      setFieldError(f, text);
      if (!first) first = f;
    } else rest[k] = text;
  }
  if (first) first.input.focus();
  return rest;
}

export function setFieldError(f, msg) {
  if (msg) {
    f.error.textContent = msg;
    f.error.hidden = false;
    f.input.setAttribute('aria-invalid', 'true');
  } else {
    f.error.textContent = '';
    f.error.hidden = true;
    f.input.removeAttribute('aria-invalid');
  }
}

// A message box for a form or a page: kind is 'error', 'info', 'ok' or 'warn'.
export function notice(kind, ...children) {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

export function setBusy(button, busy, busyText) {
  if (busy) {
    button.dataset.label = button.textContent;
    if (busyText) button.textContent = busyText;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  } else {
    if (button.dataset.label) button.textContent = button.dataset.label;
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
