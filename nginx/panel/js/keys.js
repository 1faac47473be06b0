// Keyboard shortcuts (issue 19): one key, no modifier, never while the
// agent is typing in a box. The views answer the keys that concern them
// (instance.onKey); "?" shows this list and "/" goes to the inbox search.
import { h } from './dom.js';

export const SHORTCUTS = [
  ['j / k', 'Next / previous ticket in the inbox'],
  ['Enter', 'Open the chosen ticket'],
  ['t', 'Take the open ticket (then the reply box has the focus)'],
  ['r', 'Reply to the customer'],
  ['n', 'Write an internal note'],
  ['c', 'Close with a resolution'],
  ['/', 'Search the inbox'],
  ['?', 'Show these shortcuts'],
  ['Ctrl+Enter', 'Send the box you are writing in'],
];

// True when a key press belongs to what the user is typing.
export function typing(el) {
  if (!el || !(el instanceof Element)) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file'].includes(el.type);
}

let dialog = null;

export function showHelp() {
  if (dialog) return;
  const close = h('button', { type: 'button', class: 'btn' }, 'Close');
  dialog = h('dialog', { class: 'dialog shortcuts', 'aria-labelledby': 'shortcuts-title' },
    h('h2', { id: 'shortcuts-title', class: 'dialog-title' }, 'Keyboard shortcuts'),
    h('table', { class: 'shortcut-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'What it does'))),
      h('tbody', {}, SHORTCUTS.map(([k, what]) => h('tr', {}, h('td', {}, h('kbd', {}, k)), h('td', {}, what))))),
    h('div', { class: 'form-actions dialog-actions' }, close));
  const before = document.activeElement;
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    dialog = null;
    if (before && before.focus) before.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}

// Moves the focus to the next (step 1) or previous (-1) of links, from the
// one that has it; answers the link now focused.
export function moveAmong(links, step) {
  if (!links.length) return null;
  const at = links.indexOf(document.activeElement);
  const next = at < 0 ? 0 : Math.min(links.length - 1, Math.max(0, at + step));
  links[next].focus();
  links[next].scrollIntoView({ block: 'nearest' });
  return links[next];
}
