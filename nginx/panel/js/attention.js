// Attention while the panel is in a background tab (issue 19): new tickets
// in the agent's queues (the live stream carries only what they may see)
// and new customer messages on tickets they hold count in the title
// ("(3) Inbox · tick") and on the favicon, and, when the agent turned them
// on (My account), show as desktop notifications. Back in the tab, the
// count clears.
import { get } from './api.js';
import { session } from './session.js';

const PREF = 'tick_notifications';
const PREFIX = /^\(\d+\) /;
let unseen = 0;
let icon = null; // the favicon's <img>, drawn under the badge
let plainIcon = '';

export function notificationsSupported() {
  return typeof window.Notification === 'function';
}

export function notificationsOn() {
  return notificationsSupported() && Notification.permission === 'granted' && localStorage.getItem(PREF) === '1';
}

// From the button on My account: asks the browser once, remembers the
// answer. Answers the state: 'on', 'off' or 'denied'.
export async function setNotifications(on) {
  if (!on) {
    localStorage.removeItem(PREF);
    return 'off';
  }
  if (!notificationsSupported()) return 'denied';
  const p = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
  if (p !== 'granted') return 'denied';
  localStorage.setItem(PREF, '1');
  return 'on';
}

function hidden() {
  return document.visibilityState === 'hidden';
}

function paintTitle() {
  const plain = document.title.replace(PREFIX, '');
  const want = unseen ? `(${unseen}) ${plain}` : plain;
  if (document.title !== want) document.title = want;
}

function paintIcon() {
  const link = document.querySelector('link[rel="icon"]');
  if (!link) return;
  if (!plainIcon) plainIcon = link.getAttribute('href');
  if (!unseen) {
    link.setAttribute('href', plainIcon);
    link.setAttribute('type', 'image/svg+xml');
    return;
  }
  const draw = () => {
    const c = document.createElement('canvas');
    c.width = 32;
    c.height = 32;
    const g = c.getContext('2d');
    if (!g) return;
    g.drawImage(icon, 0, 0, 32, 32);
    g.fillStyle = '#c62828';
    g.beginPath();
    g.arc(22, 10, 10, 0, 2 * Math.PI);
    g.fill();
    g.fillStyle = '#fff';
    g.font = 'bold 14px sans-serif';
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(unseen > 9 ? '9+' : String(unseen), 22, 11);
    link.setAttribute('type', 'image/png');
    link.setAttribute('href', c.toDataURL('image/png'));
  };
  if (icon && icon.complete) draw();
  else {
    icon = new Image();
    icon.onload = draw;
    icon.src = plainIcon;
  }
}

function bump(title, body, tag) {
  unseen += 1;
  paintTitle();
  paintIcon();
  if (notificationsOn()) {
    try {
      const n = new Notification(title, { body, tag });
      n.onclick = () => {
        window.focus();
        location.hash = `#/tickets/${tag.split(':')[1]}`;
      };
    } catch (e) { /* a browser that refuses: the title still counts */ }
  }
}

// Every live event passes here; only a hidden tab counts.
export async function noticeEvent(ev) {
  if (!hidden() || !session.user || !ev.ticket_id) return;
  const ref = ev.reference || `#${ev.ticket_id}`;
  if (ev.type === 'ticket.created') {
    bump(`New ticket ${ref}`, 'A customer opened a ticket.', `ticket:${ev.ticket_id}`);
  } else if (ev.type === 'message.received') {
    try {
      const t = await get(`/api/tickets/${ev.ticket_id}`);
      if (t.assigned_to && Number(t.assigned_to.id) === Number(session.user.id)) {
        bump(`New message on ${t.reference}`, t.last_message || 'The customer wrote.', `ticket:${ev.ticket_id}`);
      }
    } catch (e) { /* gone or no longer visible: nothing to tell */ }
  }
}

export function startAttention() {
  document.addEventListener('visibilitychange', () => {
    if (hidden()) return;
    unseen = 0;
    paintTitle();
    paintIcon();
  });
  // Views set the title as they render: the count stays in front of it.
  const title = document.querySelector('title');
  if (title) new MutationObserver(() => { if (unseen && !PREFIX.test(document.title)) paintTitle(); })
    .observe(title, { childList: true, characterData: true, subtree: true });
}
