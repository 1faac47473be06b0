// A customer's photo the AI safety check flagged (issue 17) is blurred
// (a CSS filter) until the agent clicks it; the flagged categories show
// beside it. The first click only unblurs; the next opens the photo as
// any other. Photos shown stay shown while the page lives.
import { h } from '../dom.js';
import { session } from '../session.js';

const shown = new Set();

const NAMES = {
  harassment: 'harassment', hate: 'hate', sexual: 'sexual content', violence: 'violence',
  self_harm: 'self-harm', dangerous: 'dangerous content', personal_data: 'personal data',
};

// The categories worth naming: scored 0.5 or more, highest first.
function categories(m) {
  const c = Object.entries(m.categories || {}).filter(([, v]) => Number(v) >= 0.5)
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  return c.map(([k, v]) => `${NAMES[k] || k} ${Math.round(Number(v) * 100)}%`);
}

// figure: the photo's <figure> (with its a.thumb link); a: the file;
// clear(button): clears the flag (a super admin's or a site manager's).
export function flaggedPhoto(figure, a, clear) {
  const m = a && a.moderation;
  if (!m || !m.flagged) return figure;
  const cats = categories(m);
  const note = h('p', { class: 'flagged-note photo-flag-note' }, h('span', { 'aria-hidden': 'true' }, '⚑ '),
    'Photo flagged by the safety check', cats.length ? `: ${cats.join(', ')}` : (m.error ? ` (${m.error})` : ''));
  figure.prepend(note);
  figure.classList.add('photo-flagged');
  const reviewer = session.user && (session.user.role === 'super_admin' || session.user.role === 'site_manager');
  if (reviewer && clear && a.message_id) {
    const btn = h('button', { type: 'button', class: 'btn btn-small clear-flag' }, 'Not abusive: clear');
    btn.addEventListener('click', () => clear(btn));
    figure.append(btn);
  }
  if (shown.has(a.id)) {
    figure.classList.add('photo-shown');
    return figure;
  }
  const link = figure.querySelector('a.thumb');
  if (link) {
    const label = link.querySelector('.sr-only');
    if (label) label.textContent = ' (blurred: select to show it)';
    link.classList.add('photo-blurred');
    const reveal = (e) => {
      if (figure.classList.contains('photo-shown')) return;
      e.preventDefault();
      shown.add(a.id);
      figure.classList.add('photo-shown');
      link.classList.remove('photo-blurred');
      if (label) label.textContent = ' (opens full size)';
    };
    link.addEventListener('click', reveal);
  }
  return figure;
}
