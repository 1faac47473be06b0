// Issue 16: what makes a WhatsApp message more than its text, as the
// ticket's conversation shows it: the message it quotes, forwarded marks,
// the button, list, template or flow answer it is, "edited" (with the
// texts before) and "deleted" marks, the reactions on it, and the agent's
// own reaction picker.
import { h } from '../dom.js';

const ANSWERS = {
  button_reply: 'Button answer',
  list_reply: 'List answer',
  button: 'Template button answer',
  nfm_reply: 'Flow answer',
};

// The reactions an agent picks from (WhatsApp's own quick set).
export const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

// The quoted message above a bubble, or null.
export function quoteView(item) {
  const c = item.context;
  if (!c) return null;
  return h('blockquote', { class: 'quote', dir: 'auto', dataset: { quotes: c.message_id } },
    h('span', { class: 'sr-only' }, 'In reply to: '),
    c.quoted ?? 'an earlier message');
}

// Forwarded and answer marks above the text.
export function marksView(item) {
  const out = [];
  if (item.forwarded) {
    out.push(h('p', { class: 'rich-mark fwd-mark' },
      h('span', { 'aria-hidden': 'true' }, item.frequently_forwarded ? '⤳⤳ ' : '⤳ '),
      item.frequently_forwarded ? 'Forwarded many times' : 'Forwarded'));
  }
  if (item.imported) {
    out.push(h('p', { class: 'rich-mark import-mark' }, 'Imported from the WhatsApp Business app history'));
  } else if (item.echo) {
    out.push(h('p', { class: 'rich-mark echo-mark' }, 'Sent from the WhatsApp Business app'));
  }
  const a = item.interactive;
  if (a) {
    out.push(h('p', { class: 'rich-mark answer-mark', title: a.id ? `id: ${a.id}` : null },
      ANSWERS[a.kind] || 'Answer', a.id && a.kind !== 'nfm_reply' ? h('code', { class: 'answer-id' }, a.id) : null));
  }
  return out;
}

// A flow's answers, folded under the text.
export function flowView(item) {
  const a = item.interactive;
  if (!a || a.kind !== 'nfm_reply' || !a.response_json) return null;
  let shown = a.response_json;
  try {
    shown = JSON.stringify(JSON.parse(a.response_json), null, 2);
  } catch {
    // kept as Meta sent it
  }
  return h('details', { class: 'flow-answer' }, h('summary', null, 'Flow answers'), h('pre', null, shown));
}

// The buttons or list an agent's message offered (issue 16).
export function choicesView(item) {
  const c = item.choices;
  if (!c) return null;
  if (c.type === 'buttons') {
    return h('ul', { class: 'choices choices-buttons', 'aria-label': 'Reply buttons sent' },
      (c.buttons || []).map((b) => h('li', { class: 'chip' }, b.title)));
  }
  const sections = (c.list && c.list.sections) || [];
  return h('details', { class: 'choices choices-list' },
    h('summary', null, `List: ${(c.list && c.list.button) || 'options'}`),
    sections.map((s) => h('div', { class: 'choices-section' },
      s.title ? h('p', { class: 'choices-title' }, s.title) : null,
      h('ul', null, (s.rows || []).map((r) => h('li', null, r.title,
        r.description ? h('span', { class: 'muted' }, ` · ${r.description}`) : null))))));
}

// The text of a message the customer deleted.
export function deletedView() {
  return h('p', { class: 'bubble-text deleted-mark' },
    h('span', { 'aria-hidden': 'true' }, '⊘ '), 'Deleted by the customer');
}

// "edited" in the footer, and the texts before under the bubble.
export function editedView(item) {
  if (!item.edited || item.deleted) return { mark: null, history: null };
  const mark = h('span', { class: 'edited-mark', title: item.edited_at || null }, 'edited');
  const before = (item.edits || []).filter((e) => e.text !== null);
  const history = before.length
    ? h('details', { class: 'edit-history' }, h('summary', null, before.length === 1 ? 'Text before the edit' : `Texts before the edits (${before.length})`),
      h('ol', null, before.map((e) => h('li', { dir: 'auto' }, e.text))))
    : null;
  return { mark, history };
}

// The reactions on a message, or null.
export function reactionsView(item) {
  const rs = item.reactions || [];
  if (!rs.length) return null;
  return h('ul', { class: 'reactions', 'aria-label': 'Reactions' }, rs.map((r) => {
    const by = r.by === 'agent' ? (r.user?.name || 'Agent') : 'Customer';
    // An agent's reaction WhatsApp refused says so.
    const failed = r.status === 'failed' ? ' (not delivered)' : '';
    return h('li', { class: ['reaction', `reaction-${r.by}`, failed ? 'reaction-failed' : null], title: `${by}${failed}` },
      h('span', { 'aria-hidden': 'true' }, r.emoji), h('span', { class: 'sr-only' }, `${r.emoji} from ${by}${failed}`));
  }));
}

// The agent's picker: react, or take a reaction back. onPick(emoji)
// returns a promise; the buttons wait for it.
export function reactPicker(item, onPick) {
  const mine = (item.reactions || []).find((r) => r.by === 'agent');
  const box = h('details', { class: 'react-picker' }, h('summary', { class: 'btn btn-small' }, 'React'));
  const row = h('div', { class: 'react-choices', role: 'group', 'aria-label': 'Pick a reaction' });
  const pick = async (emoji, btn) => {
    for (const b of row.querySelectorAll('button')) b.disabled = true;
    btn.setAttribute('aria-busy', 'true');
    try {
      await onPick(emoji);
    } finally {
      for (const b of row.querySelectorAll('button')) b.disabled = false;
      btn.removeAttribute('aria-busy');
    }
  };
  for (const e of REACTIONS) {
    const b = h('button', { type: 'button', class: ['btn', 'btn-small', 'react-choice', mine && mine.emoji === e ? 'is-mine' : null],
      'aria-pressed': mine && mine.emoji === e ? 'true' : 'false', 'aria-label': `React ${e}` }, e);
    b.addEventListener('click', () => pick(e, b));
    row.append(b);
  }
  if (mine) {
    const b = h('button', { type: 'button', class: 'btn btn-small react-remove' }, 'Remove my reaction');
    b.addEventListener('click', () => pick('', b));
    row.append(b);
  }
  box.append(row);
  return box;
}
