// Reply buttons and lists from the composer (issue 16): "Add buttons" and
// "Add list" under the reply box open a small editor (up to 3 button
// titles; or a list's button text and one section of up to 10 rows with a
// title and an optional description), each box with a character counter.
// The values become the reply body's `buttons` or `list`; a canned reply's
// buttons fill the same button editor. Meta's limits are the API's to
// check (base/interactive): the counters warn, and a 422 naming a field
// (`buttons[1].title`, `list.sections[0].rows[2].description`) is shown
// beside its box. Escape closes the editor.
import { field, h, nextId, setFieldError } from './dom.js';

export const BUTTONS_MAX = 3;
export const BUTTON_TITLE_MAX = 20;
export const LIST_BUTTON_MAX = 20;
export const ROWS_MAX = 10;
export const ROW_TITLE_MAX = 24;
export const ROW_DESC_MAX = 72;

// Characters as WhatsApp counts them (code points, not UTF-16 units).
const chars = (s) => Array.from(String(s)).length;
const filled = (s) => String(s).trim() !== '';

// A text box with a live "n of max characters" under it. No maxlength
// attribute: the browser would count UTF-16 units, and the API refuses a
// title too long with its own message, shown beside the box.
function counted(name, label, max, opts = {}) {
  const f = field(name, label, { hint: `0 of ${max} characters`, autocomplete: 'off', ...opts });
  const counter = f.wrap.querySelector('.hint');
  counter.classList.add('char-count');
  const update = () => {
    const n = chars(f.input.value);
    counter.textContent = n > max ? `${n} of ${max} characters: ${n - max} too many` : `${n} of ${max} characters`;
    counter.classList.toggle('char-count-over', n > max);
  };
  f.input.addEventListener('input', update);
  f.set = (v) => {
    f.input.value = v || '';
    update();
    setFieldError(f, null);
  };
  return f;
}

// Hooks the editors to the reply form's text box input. Returns {el: the
// controls and editors, extra(): members for the reply body,
// setButtons(titles): a canned reply's buttons, fieldsFor(details): the
// editor's fields under the API's names (the editor holding a named one is
// opened), reset()}.
export function attachChoices(input) {
  let mode = null; // 'buttons' or 'list' while an editor holds values

  // Keys inside an editor: Enter would send the form, Ctrl+Enter sends it,
  // Escape closes the editor.
  function editorKeys(editor, closeIt) {
    editor.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        closeIt(true);
      } else if (e.key === 'Enter' && e.target.tagName === 'INPUT') {
        e.preventDefault();
        if ((e.ctrlKey || e.metaKey) && input.form) input.form.requestSubmit();
      }
    });
  }

  // Buttons.
  const buttonFields = Array.from({ length: BUTTONS_MAX }, (_, i) =>
    counted('choice-button', `Button ${i + 1}`, BUTTON_TITLE_MAX, { optional: i > 0 }));
  const buttonsId = nextId('choice-buttons');
  const buttonsDone = h('button', { type: 'button', class: 'btn btn-small' }, 'Done');
  const buttonsClear = h('button', { type: 'button', class: 'btn btn-small' }, 'Remove buttons');
  const buttonsEditor = h('fieldset', { class: 'choice-editor', id: buttonsId, hidden: true },
    h('legend', {}, 'Reply buttons (up to 3)'),
    buttonFields.map((f) => f.wrap),
    h('div', { class: 'form-actions' }, buttonsDone, ' ', buttonsClear));

  // List: the button that opens it, one section of rows.
  const listButton = counted('choice-list-button', 'List button text', LIST_BUTTON_MAX);
  let rows = []; // [{title, description, wrap}]
  const rowsBox = h('div', { class: 'choice-rows' });
  const addRow = h('button', { type: 'button', class: 'btn btn-small' }, 'Add row');
  const listId = nextId('choice-list');
  const listDone = h('button', { type: 'button', class: 'btn btn-small' }, 'Done');
  const listClear = h('button', { type: 'button', class: 'btn btn-small' }, 'Remove list');
  const listEditor = h('fieldset', { class: 'choice-editor', id: listId, hidden: true },
    h('legend', {}, 'Reply list (up to 10 rows)'),
    listButton.wrap, rowsBox,
    h('div', { class: 'form-actions' }, addRow, ' ', listDone, ' ', listClear));

  function renderRows(values) {
    rows = values.slice(0, ROWS_MAX).map((v, i) => {
      const title = counted('choice-row-title', `Row ${i + 1} title`, ROW_TITLE_MAX);
      const description = counted('choice-row-desc', `Row ${i + 1} description`, ROW_DESC_MAX, { optional: true });
      title.set(v.title);
      description.set(v.description);
      const remove = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Remove row ${i + 1}` }, 'Remove row');
      const wrap = h('div', { class: 'choice-row', role: 'group', 'aria-label': `Row ${i + 1}` },
        title.wrap, description.wrap, remove);
      const row = { title, description, wrap };
      remove.addEventListener('click', () => {
        const kept = rowValues().filter((_, j) => j !== i);
        renderRows(kept.length ? kept : [{}]);
        (rows[Math.min(i, rows.length - 1)].title.input).focus();
      });
      return row;
    });
    rowsBox.replaceChildren(...rows.map((r) => r.wrap));
    addRow.disabled = rows.length >= ROWS_MAX;
  }
  const rowValues = () => rows.map((r) => ({ title: r.title.input.value, description: r.description.input.value }));
  addRow.addEventListener('click', () => {
    if (rows.length >= ROWS_MAX) return;
    renderRows([...rowValues(), {}]);
    rows[rows.length - 1].title.input.focus();
  });

  // The controls under the reply box.
  const hintId = nextId('choice-hint');
  const addButtons = h('button', { type: 'button', class: 'btn btn-small', 'aria-expanded': 'false',
    'aria-controls': buttonsId, 'aria-describedby': hintId }, 'Add buttons');
  const addList = h('button', { type: 'button', class: 'btn btn-small', 'aria-expanded': 'false',
    'aria-controls': listId, 'aria-describedby': hintId }, 'Add list');
  const hint = h('span', { class: 'hint', id: hintId }, 'A reply carries buttons or a list, not both.');
  const bar = h('div', { class: 'choice-bar' }, addButtons, ' ', addList, ' ', hint);

  // What the reply carries, while its editor is closed.
  const chips = h('span', { class: 'canned-buttons-list' });
  const editButtons = h('button', { type: 'button', class: 'btn btn-small' }, 'Edit buttons');
  const removeButtons = h('button', { type: 'button', class: 'btn btn-small' }, 'Remove buttons');
  const buttonsBox = h('div', { class: 'canned-buttons', hidden: true, role: 'group', 'aria-label': 'Reply buttons' },
    'Buttons sent with this reply: ', chips, ' ', editButtons, ' ', removeButtons);
  const listText = h('span', {});
  const editList = h('button', { type: 'button', class: 'btn btn-small' }, 'Edit list');
  const removeList = h('button', { type: 'button', class: 'btn btn-small' }, 'Remove list');
  const listBox = h('div', { class: 'canned-buttons', hidden: true, role: 'group', 'aria-label': 'Reply list' },
    'List sent with this reply: ', listText, ' ', editList, ' ', removeList);

  const el = h('div', { class: 'choice-extras' }, buttonsBox, listBox, bar, buttonsEditor, listEditor);

  const buttonTitles = () => buttonFields.map((f) => f.input.value).filter(filled);
  const listRows = () => rowValues().filter((r) => filled(r.title) || filled(r.description));
  const hasButtons = () => buttonTitles().length > 0;
  const hasList = () => listRows().length > 0 || filled(listButton.input.value);

  // Brings the summary, the controls and mode in line with the editors.
  function refresh() {
    mode = hasButtons() ? 'buttons' : hasList() ? 'list' : null;
    const titles = buttonTitles();
    chips.replaceChildren(...titles.map((t) => h('span', { class: 'chip' }, t)));
    buttonsBox.hidden = mode !== 'buttons' || !buttonsEditor.hidden;
    const n = listRows().length;
    listText.textContent = `“${listButton.input.value.trim()}”, ${n} ${n === 1 ? 'row' : 'rows'}`;
    listBox.hidden = mode !== 'list' || !listEditor.hidden;
    addButtons.disabled = mode === 'list';
    addList.disabled = mode === 'buttons';
  }

  function open(which) {
    const editor = which === 'buttons' ? buttonsEditor : listEditor;
    const other = which === 'buttons' ? listEditor : buttonsEditor;
    other.hidden = true;
    editor.hidden = false;
    if (which === 'list' && rows.length === 0) renderRows([{}]);
    addButtons.setAttribute('aria-expanded', String(!buttonsEditor.hidden));
    addList.setAttribute('aria-expanded', String(!listEditor.hidden));
    refresh();
  }
  function close(focusBack) {
    const wasButtons = !buttonsEditor.hidden;
    buttonsEditor.hidden = true;
    listEditor.hidden = true;
    addButtons.setAttribute('aria-expanded', 'false');
    addList.setAttribute('aria-expanded', 'false');
    refresh();
    if (focusBack) {
      const back = wasButtons ? (buttonsBox.hidden ? addButtons : editButtons) : (listBox.hidden ? addList : editList);
      (back.disabled ? input : back).focus();
    }
  }
  function clearButtons() {
    buttonFields.forEach((f) => f.set(''));
  }
  function clearList() {
    listButton.set('');
    renderRows([]);
  }

  addButtons.addEventListener('click', () => {
    if (!buttonsEditor.hidden) return close(true);
    open('buttons');
    buttonFields[0].input.focus();
  });
  addList.addEventListener('click', () => {
    if (!listEditor.hidden) return close(true);
    open('list');
    listButton.input.focus();
  });
  editButtons.addEventListener('click', () => {
    open('buttons');
    buttonFields[0].input.focus();
  });
  editList.addEventListener('click', () => {
    open('list');
    listButton.input.focus();
  });
  buttonsDone.addEventListener('click', () => close(true));
  listDone.addEventListener('click', () => close(true));
  for (const b of [buttonsClear, removeButtons]) {
    b.addEventListener('click', () => {
      clearButtons();
      close(false);
      input.focus();
    });
  }
  for (const b of [listClear, removeList]) {
    b.addEventListener('click', () => {
      clearList();
      close(false);
      input.focus();
    });
  }
  refresh();
  editorKeys(buttonsEditor, close);
  editorKeys(listEditor, close);
  buttonsEditor.addEventListener('input', refresh);
  listEditor.addEventListener('input', refresh);

  // The editor's fields under the names the API gives them: the n-th
  // filled box is the n-th item sent.
  function named() {
    if (mode === 'buttons') {
      return buttonFields.filter((f) => filled(f.input.value))
        .map((f, k) => ({ ...f, name: `buttons[${k}].title` }));
    }
    if (mode === 'list') {
      const out = [{ ...listButton, name: 'list.button' }];
      rows.filter((r) => filled(r.title.input.value) || filled(r.description.input.value)).forEach((r, k) => {
        out.push({ ...r.title, name: `list.sections[0].rows[${k}].title` },
          { ...r.description, name: `list.sections[0].rows[${k}].description` });
      });
      return out;
    }
    return [];
  }

  return {
    el,
    extra() {
      if (mode === 'buttons') return { buttons: buttonTitles().map((title) => ({ title })) };
      if (mode === 'list') {
        const r = listRows().map((x) => (filled(x.description)
          ? { title: x.title, description: x.description } : { title: x.title }));
        return { list: { button: listButton.input.value, sections: [{ rows: r }] } };
      }
      return {};
    },
    setButtons(titles) {
      const t = (titles || []).slice(0, BUTTONS_MAX);
      if (t.length) clearList();
      buttonFields.forEach((f, i) => f.set(t[i]));
      refresh();
    },
    fieldsFor(details) {
      const fields = named();
      const keys = details && typeof details === 'object' ? Object.keys(details) : [];
      if (mode && fields.some((f) => keys.includes(f.name))) open(mode);
      return fields;
    },
    reset() {
      clearButtons();
      clearList();
      close(false);
    },
  };
}
