// The WhatsApp channel's health (issue 16): a banner under the header, on
// every screen, for signed-in staff while the channel is not ok (red for
// an error such as a rejected token, amber for a warning such as a flagged
// number), from GET /api/whatsapp/health. It is read at sign-in, again on
// each channel.changed event of the live stream, and every two minutes;
// super admins get a link to the WhatsApp screen.
import { api } from './api.js';
import { h, clear } from './dom.js';
import { session } from './session.js';

const EVERY_MS = 120000;

let box = null;
let timer = null;
let asking = false;

function banner() {
  if (!box) {
    box = h('div', { id: 'channel-health', class: 'channel-banner', hidden: true });
    document.getElementById('topbar').after(box);
  }
  return box;
}

function paint(health) {
  const el = banner();
  const problems = (health && Array.isArray(health.problems)) ? health.problems : [];
  if (!session.user || !health || health.state === 'ok' || problems.length === 0) {
    el.hidden = true;
    clear(el);
    return;
  }
  const error = health.state === 'error';
  // The worst problem first; the rest follow in a line.
  const sorted = [...problems].sort((a, b) => (a.severity === 'error' ? 0 : 1) - (b.severity === 'error' ? 0 : 1));
  const title = (p) => p.title || `WhatsApp ${p.kind} problem${p.code ? ` (${p.code})` : ''}`;
  el.className = `channel-banner notice ${error ? 'notice-error' : 'notice-warn'}`;
  el.setAttribute('role', error ? 'alert' : 'status');
  el.dataset.state = health.state;
  clear(el,
    h('strong', {}, title(sorted[0])),
    sorted.length > 1 ? h('span', {}, ` Also: ${sorted.slice(1).map(title).join('; ')}.`) : null,
    session.user.role === 'super_admin'
      ? h('a', { href: '#/whatsapp', class: 'channel-link' }, 'See the WhatsApp status')
      : null);
  el.hidden = false;
}

export async function refreshChannel() {
  if (!session.user || asking) return;
  asking = true;
  try {
    const { data } = await api('GET', '/api/whatsapp/health');
    paint(data);
  } catch (e) {
    /* the banner keeps what it showed; the next event or tick asks again */
  } finally {
    asking = false;
  }
}

export function startChannel() {
  clearInterval(timer);
  refreshChannel();
  timer = setInterval(refreshChannel, EVERY_MS);
}

export function stopChannel() {
  clearInterval(timer);
  timer = null;
  paint(null);
}

// Live events: the channel changed, or the stream resumed after a gap.
export function channelEvent(ev) {
  if (ev && (ev.type === 'channel.changed' || ev.type === 'resync')) refreshChannel();
}
