// The reply composer's extras (issue 16), kept apart from the ticket view:
// "/" at the start of a word opens a searchable picker of the desk's canned
// replies (arrows, Enter, Escape; a listbox the text box points into with
// aria-activedescendant) that inserts the reply with {name}, {reference}
// and {agent} filled, and its buttons into the reply's button editor
// (js/choices.js, which also makes lists); and the typing signal (POST /api/tickets/:id/typing) at most once per 20 s.
import { api, get } from './api.js';
import { attachChoices } from './choices.js';
import { h, nextId } from './dom.js';
import { session } from './session.js';

const TYPING_EVERY_MS = 20000;
const LIST_FRESH_MS = 60000;
const SHOWN_MAX = 8;

// text with the placeholders filled for ticket t: {name} the customer's
// name (empty when anonymous), {reference}, {agent} the signed-in user.
export function fillCanned(text, t) {
  const values = {
    name: t && !t.anonymous ? (t.name || '') : '',
    reference: (t && t.reference) || '',
    agent: (session.user && session.user.name) || '',
  };
  return String(text).replace(/\{(name|reference|agent)\}/g, (_, k) => values[k]);
}

// Hooks the picker, the buttons and the typing signal to the textarea
// input of the reply form; ticket() answers the ticket shown. Returns
// {el: the buttons and list controls to put in the form, extra(): members
// for the reply body, fieldsFor(details): the editors' fields under the
// API's names, for showFieldErrors, reset()}.
export function attachComposer(input, ticket) {
  const listId = nextId('canned-list');
  const list = h('ul', { class: 'canned-list', id: listId, role: 'listbox', 'aria-label': 'Canned replies', hidden: true });
  const empty = h('p', { class: 'canned-empty muted', hidden: true, role: 'status' });
  const picker = h('div', { class: 'canned-picker' }, list, empty);
  const choices = attachChoices(input);
  const el = h('div', { class: 'canned-extras' }, picker, choices.el);
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', listId);

  let cache = null; // {at, items}
  let shown = [];
  let active = -1;
  let token = null; // {start, end} of the "/word" being completed
  let lastTyping = 0;

  function close() {
    list.hidden = true;
    empty.hidden = true;
    list.replaceChildren();
    shown = [];
    active = -1;
    token = null;
    input.removeAttribute('aria-activedescendant');
  }

  function setActive(i) {
    active = i;
    Array.from(list.children).forEach((li, j) => li.setAttribute('aria-selected', j === i ? 'true' : 'false'));
    if (i >= 0 && list.children[i]) {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  async function items() {
    if (cache && Date.now() - cache.at < LIST_FRESH_MS) return cache.items;
    const data = await get('/api/canned-replies');
    cache = { at: Date.now(), items: data.items || [] };
    return cache.items;
  }

  // The "/word" ending at the caret, when the word starts with "/".
  function currentToken() {
    const end = input.selectionStart;
    if (end !== input.selectionEnd) return null;
    const before = input.value.slice(0, end);
    const m = /(^|\s)\/([^\s/]{0,40})$/.exec(before);
    return m ? { start: end - m[2].length - 1, end, q: m[2].toLowerCase() } : null;
  }

  async function update() {
    const tok = currentToken();
    if (!tok) {
      close();
      return;
    }
    let all;
    try {
      all = await items();
    } catch (err) {
      close();
      return;
    }
    // The text may have moved on while the list loaded.
    const now = currentToken();
    if (!now || now.start !== tok.start || now.q !== tok.q) return;
    token = now;
    shown = all.filter((c) => c.code.toLowerCase().includes(now.q) || c.title.toLowerCase().includes(now.q))
      .slice(0, SHOWN_MAX);
    list.replaceChildren(...shown.map((c, i) => {
      const li = h('li', { id: `${listId}-${i}`, role: 'option', class: 'canned-option', 'aria-selected': 'false' },
        h('span', { class: 'canned-code' }, `/${c.code}`), ' ', h('span', { class: 'canned-title' }, c.title));
      li.addEventListener('mousedown', (e) => {
        e.preventDefault(); // the text box keeps the focus
        choose(i);
      });
      return li;
    }));
    list.hidden = shown.length === 0;
    empty.hidden = shown.length !== 0;
    empty.textContent = shown.length ? '' : `No canned reply matches /${now.q}.`;
    setActive(shown.length ? 0 : -1);
  }

  function choose(i) {
    const c = shown[i];
    if (!c || !token) return;
    const text = fillCanned(c.text, ticket());
    const v = input.value;
    input.value = v.slice(0, token.start) + text + v.slice(token.end);
    const caret = token.start + text.length;
    input.setSelectionRange(caret, caret);
    if (c.buttons && c.buttons.length) choices.setButtons(c.buttons);
    close();
    input.dispatchEvent(new Event('change', { bubbles: true }));
    input.focus();
  }

  input.addEventListener('keydown', (e) => {
    if (list.hidden && empty.hidden) return;
    if (e.key === 'ArrowDown' && shown.length) {
      e.preventDefault();
      setActive((active + 1) % shown.length);
    } else if (e.key === 'ArrowUp' && shown.length) {
      e.preventDefault();
      setActive((active - 1 + shown.length) % shown.length);
    } else if (e.key === 'Enter' && active >= 0) {
      e.preventDefault();
      e.stopPropagation();
      choose(active);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  });
  input.addEventListener('input', () => {
    update();
    // The customer sees someone typing: at most once per 20 seconds.
    const t = ticket();
    if (t && input.value.trim() && Date.now() - lastTyping >= TYPING_EVERY_MS) {
      lastTyping = Date.now();
      api('POST', `/api/tickets/${t.id}/typing`).catch(() => {});
    }
  });
  input.addEventListener('blur', () => setTimeout(() => {
    if (document.activeElement !== input) close();
  }, 150));

  return {
    el,
    extra: () => choices.extra(),
    fieldsFor: (details) => choices.fieldsFor(details),
    reset: () => {
      choices.reset();
      close();
    },
  };
}
