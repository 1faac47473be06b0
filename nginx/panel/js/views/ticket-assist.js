// Agent assistance on a ticket (issue 17): "Summarize" shows a summary of
// the conversation in its own card, "Suggest reply" fills the reply
// composer with a draft (never sent by itself), and "Translate" on each
// message shows its translation under it. Each asks
// POST /api/tickets/:id/assist; the answer says which provider and model
// wrote it. Whether the desk has a provider is asked once a visit
// (GET /api/tickets/:id/assist); without one nothing of this shows, and a
// 409 assist_disabled met later takes the buttons away.
import { api, get } from '../api.js';
import { h, notice, setBusy } from '../dom.js';

let disabled = false;
// The desk's assistance ({enabled, provider, model, language}), once known.
let info = null;
let asking = null;

// hooks: { ticket() -> the ticket shown, fillReply(text) -> true when the
// composer took the text (the agent may reply now), rerender() -> shows the
// ticket again (once it is known that assistance is on) }.
export function createAssist(ctx, hooks) {
  const status = h('div', { class: 'assist-status', role: 'status', 'aria-live': 'polite' });
  const out = h('div', { class: 'assist-out', hidden: true });
  const summarize = h('button', { type: 'button', class: 'btn btn-small assist-summary' }, 'Summarize');
  const suggest = h('button', { type: 'button', class: 'btn btn-small assist-reply' }, 'Suggest reply');
  const el = h('section', { class: 'card assist', 'aria-labelledby': 'assist-title' },
    h('h2', { id: 'assist-title' }, 'Assistant'),
    h('p', { class: 'hint' }, 'Written by an AI model from the conversation; nothing is sent to the customer.'),
    h('div', { class: 'assist-buttons' }, summarize, ' ', suggest), status, out);
  // Translations by WhatsApp message id, kept across re-renders.
  const translations = new Map();
  let ticketId = null;

  function byline(d) {
    return h('p', { class: 'hint assist-by' }, `${d.provider} · ${d.model} · ${(Number(d.latency_ms) / 1000).toFixed(1)} s`);
  }

  function why(err) {
    if (err.code === 'assist_disabled') return 'The assistant is off for this desk.';
    if (err.code === 'no_conversation') return 'There is nothing to work on yet.';
    const reason = err.details && err.details.reason ? ` (${err.details.reason})` : '';
    if (err.code === 'assist_unavailable') return `The assistant did not answer${reason}. Try again in a moment.`;
    return err.message;
  }

  function off(err) {
    if (err.code !== 'assist_disabled') return;
    disabled = true;
    summarize.hidden = true;
    suggest.hidden = true;
    for (const b of document.querySelectorAll('.translate-btn')) b.remove();
  }

  async function ask(button, busy, body) {
    setBusy(button, true, busy);
    status.replaceChildren();
    try {
      const { data } = await api('POST', `/api/tickets/${hooks.ticket().id}/assist`, body);
      return data;
    } catch (err) {
      if (err.status !== 401) {
        status.replaceChildren(notice('error', why(err)));
        off(err);
      }
      return null;
    } finally {
      setBusy(button, false);
    }
  }

  summarize.addEventListener('click', async () => {
    const d = await ask(summarize, 'Summarizing…', { kind: 'summary' });
    if (!d) return;
    out.hidden = false;
    out.replaceChildren(h('h3', {}, 'Summary'), h('p', { class: 'pre assist-text', dir: 'auto' }, d.text), byline(d));
  });

  suggest.addEventListener('click', async () => {
    const d = await ask(suggest, 'Writing…', { kind: 'reply' });
    if (!d) return;
    if (hooks.fillReply(d.text)) {
      status.replaceChildren(notice('ok', 'A draft is in the reply box: read it and change it before you send it.'));
      return;
    }
    out.hidden = false;
    out.replaceChildren(h('h3', {}, 'Suggested reply'), h('p', { class: 'pre assist-text', dir: 'auto' }, d.text), byline(d),
      h('p', { class: 'hint' }, 'Take the ticket to reply with it.'));
  });

  // The translate control and any translation of one timeline item.
  function forItem(item) {
    const wa = item.whatsapp;
    if (disabled || !info || !info.enabled) return null;
    if (!wa || !wa.id || !item.text || item.kind === 'note' || item.deleted) return null;
    // A flagged text stays behind its Show: no translation of it either.
    if (item.moderation && item.moderation.flagged) return null;
    if (item.author !== 'customer' && item.kind !== 'reply') return null;
    const box = h('div', { class: 'translation', dataset: { translation: String(wa.id) } });
    const show = (d) => box.replaceChildren(h('p', { class: 'translation-text', dir: 'auto' },
      h('span', { class: 'translation-label' }, `Translation${d.language ? ` (${d.language})` : ''}: `), d.text), byline(d));
    if (translations.has(wa.id)) {
      show(translations.get(wa.id));
      return box;
    }
    const btn = h('button', { type: 'button', class: 'btn btn-small translate-btn' }, 'Translate');
    btn.addEventListener('click', async () => {
      setBusy(btn, true, 'Translating…');
      try {
        const { data } = await api('POST', `/api/tickets/${hooks.ticket().id}/assist`,
          { kind: 'translate', message_id: wa.id });
        translations.set(wa.id, data);
        show(data);
      } catch (err) {
        if (err.status === 401) return;
        setBusy(btn, false);
        box.append(notice('error', why(err)));
        off(err);
      }
    });
    box.append(btn);
    return box;
  }

  return {
    el,
    forItem,
    render(t) {
      if (!info && !asking) {
        asking = get(`/api/tickets/${encodeURIComponent(t.id)}/assist`).then((d) => {
          info = d || { enabled: false };
          if (info.enabled) hooks.rerender();
          else el.hidden = true;
        }, () => {
          asking = null; // asked again at the next render
        });
      }
      // Off for this desk: said once where it was asked, then out of sight.
      el.hidden = !info || !info.enabled || (disabled && !status.childElementCount);
      if (ticketId !== t.id) {
        ticketId = t.id;
        translations.clear();
        out.hidden = true;
        out.replaceChildren();
        status.replaceChildren();
      }
    },
  };
}
