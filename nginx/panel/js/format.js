// Words and times as the panel shows them.

export const STATUSES = ['new', 'assigned', 'in_progress', 'closed'];
const STATUS_LABELS = { new: 'New', assigned: 'Assigned', in_progress: 'In progress', closed: 'Closed' };
export const ROLES = ['super_admin', 'site_manager', 'agent', 'reporter'];
const ROLE_LABELS = { super_admin: 'Super admin', site_manager: 'Site manager', agent: 'Agent', reporter: 'Reporter' };

export function statusLabel(s) {
  return STATUS_LABELS[s] || String(s || '');
}

export function roleLabel(r) {
  return ROLE_LABELS[r] || String(r || '');
}

// The API's times look like 2026-11-22T03:58:20.123000Z (UTC); Date wants
// at most milliseconds.
export function parseTime(s) {
  if (!s) return null;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z?$/.exec(String(s));
  const d = m ? new Date(`${m[1]}${m[2] ? m[2].slice(0, 4) : ''}Z`) : new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function age(s, now = Date.now()) {
  const d = parseTime(s);
  if (!d) return '';
  const sec = Math.max(0, Math.round((now - d.getTime()) / 1000));
  if (sec < 60) return 'just now';
  const min = Math.floor(sec / 60);
  if (min < 60) return `${min} min`;
  const hr = Math.floor(min / 60);
  if (hr < 48) return `${hr} h`;
  return `${Math.floor(hr / 24)} d`;
}

export function dateTime(s) {
  const d = parseTime(s);
  if (!d) return '';
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function shortTime(s) {
  const d = parseTime(s);
  if (!d) return '';
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  return sameDay
    ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function phone(mobile) {
  return mobile ? `+${String(mobile).replace(/^\+/, '')}` : '';
}

// The delivery mark of an outbound WhatsApp message: {cls, symbol, label}.
export function deliveryMark(wa) {
  if (!wa) return null;
  switch (wa.status) {
    case 'accepted': return { cls: 'sent', symbol: '✓', label: 'Sent' };
    case 'sent': return { cls: 'sent', symbol: '✓', label: 'Sent' };
    case 'delivered': return { cls: 'delivered', symbol: '✓✓', label: 'Delivered' };
    case 'read': return { cls: 'read', symbol: '✓✓', label: 'Read' };
    case 'played': return { cls: 'read', symbol: '✓✓', label: 'Played' };
    case 'pending': return { cls: 'pending', symbol: '…', label: 'Sending' };
    case 'held': return { cls: 'held', symbol: '⏸', label: 'Held until the customer writes' };
    case 'failed': {
      const why = [wa.error_title, wa.error_code ? `code ${wa.error_code}` : ''].filter(Boolean).join(', ');
      return { cls: 'failed', symbol: '!', label: why ? `Failed: ${why}` : 'Failed' };
    }
    case 'received': return null;
    default: return { cls: 'pending', symbol: '·', label: String(wa.status || '') };
  }
}

export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}
