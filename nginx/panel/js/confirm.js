// A modal question in a <dialog>: focus moves into it, Escape or Cancel
// answers false, the confirming button true; focus returns where it was.
// Used where a change is hard to undo (deactivate a site, reveal an
// anonymous reporter, close a ticket whose actions are open).
import { h } from './dom.js';

let open = null;

// opts: {title, body (string or nodes), confirm (label), cancel (label),
// danger (bool)}. Answers a Promise<boolean>.
export function confirmDialog(opts) {
  if (open) open.close('cancel');
  const titleId = `dlg-title-${Date.now()}`;
  const bodyId = `${titleId}-body`;
  const yes = h('button', { type: 'button', class: ['btn', opts.danger ? 'btn-danger' : 'btn-primary'], value: 'ok' },
    opts.confirm || 'Confirm');
  const no = h('button', { type: 'button', class: 'btn', value: 'cancel' }, opts.cancel || 'Cancel');
  const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': bodyId },
    h('h2', { id: titleId, class: 'dialog-title' }, opts.title || 'Are you sure?'),
    h('div', { id: bodyId, class: 'dialog-body' }, opts.body || ''),
    h('div', { class: 'form-actions dialog-actions' }, no, yes));
  const before = document.activeElement;
  document.body.append(dlg);
  open = dlg;
  return new Promise((resolve) => {
    yes.addEventListener('click', () => dlg.close('ok'));
    no.addEventListener('click', () => dlg.close('cancel'));
    dlg.addEventListener('close', () => {
      if (open === dlg) open = null;
      dlg.remove();
      if (before && before.isConnected && before.focus) before.focus({ preventScroll: true });
      resolve(dlg.returnValue === 'ok');
    }, { once: true });
    dlg.returnValue = 'cancel';
    dlg.showModal();
    no.focus();
  });
}
