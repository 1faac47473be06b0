// Words and times as the panel shows them.

// pending (issue 13): the ticket waits on the customer, its SLA paused.
export const STATUSES = ['new', 'assigned', 'in_progress', 'pending', 'closed'];
const STATUS_LABELS = {
  new: 'New', assigned: 'Assigned', in_progress: 'In progress', pending: 'Pending', closed: 'Closed',
};
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

// A span of seconds as a help desk reads it: "2h 10m", "45m", "3d 4h",
// "<1m".
export function span(seconds) {
  const min = Math.floor(Math.abs(Number(seconds) || 0) / 60);
  if (min < 1) return '<1m';
  if (min < 60) return `${min}m`;
  const hr = Math.floor(min / 60);
  if (hr < 24) return min % 60 ? `${hr}h ${min % 60}m` : `${hr}h`;
  return hr % 24 ? `${Math.floor(hr / 24)}d ${hr % 24}h` : `${Math.floor(hr / 24)}d`;
}

// Issue 13: a ticket's SLA (the API's sla object) as the inbox's chip
// says it: { state, text } with state ok, warning, breached or paused;
// null without a running due time.
export function slaChip(sla) {
  if (!sla || !sla.policy) return null;
  const left = Number(sla.seconds_left);
  switch (sla.state) {
    case 'ok':
    case 'warning': return { state: sla.state, text: `${span(left)} left` };
    case 'breached': return { state: 'breached', text: left > -60 ? 'breached just now' : `breached ${span(left)} ago` };
    case 'paused': return { state: 'paused', text: 'SLA paused' };
    default: return null;
  }
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

// A safety report's keys (issue 11), in the order the API's table keeps
// them (src/base/report.c), with the words the panel shows.
export const CATEGORIES = [
  ['bypassing_safety_controls', 'Bypassing safety controls'],
  ['confined_space', 'Confined space'],
  ['driving', 'Driving'],
  ['energy_isolation', 'Energy isolation'],
  ['hot_work', 'Hot work'],
  ['line_of_fire', 'Line of fire'],
  ['safe_mechanical_lifting', 'Safe mechanical lifting'],
  ['work_authorisation', 'Work authorisation'],
  ['working_at_height', 'Working at height'],
  ['other', 'Other'],
];
export const OBSERVATION_TYPES = [
  ['unsafe_act', 'Unsafe act'],
  ['unsafe_condition', 'Unsafe condition'],
  ['near_miss', 'Near miss'],
  ['incident', 'Incident'],
  ['positive_observation', 'Positive observation'],
];
export const SEVERITIES = [
  ['low', 'Low'],
  ['medium', 'Medium'],
  ['high', 'High'],
  ['critical', 'Critical'],
];
const labelOf = (pairs) => {
  const m = new Map(pairs);
  return (k) => (k === null || k === undefined || k === '' ? '' : m.get(k) || String(k));
};
export const categoryLabel = labelOf(CATEGORIES);
export const observationLabel = labelOf(OBSERVATION_TYPES);
export const severityLabel = labelOf(SEVERITIES);

// "NRT01 · North terminal" for {code, name}; '' for null.
export function siteLabel(site) {
  if (!site) return '';
  return [site.code, site.name].filter(Boolean).join(' · ');
}

// OpenStreetMap at a point: https://www.openstreetmap.org/?mlat=..&mlon=..#map=17/../..
// null unless both are finite numbers within range.
export function mapUrl(latitude, longitude) {
  const lat = Number(latitude);
  const lon = Number(longitude);
  if (latitude === null || latitude === undefined || longitude === null || longitude === undefined) return null;
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  const a = String(Number(lat.toFixed(6)));
  const o = String(Number(lon.toFixed(6)));
  return `https://www.openstreetmap.org/?mlat=${a}&mlon=${o}#map=17/${a}/${o}`;
}

// An action's status word.
const ACTION_STATUS_LABELS = { open: 'Open', done: 'Done', cancelled: 'Cancelled' };
export function actionStatusLabel(s) {
  return ACTION_STATUS_LABELS[s] || String(s || '');
}

// A due date "YYYY-MM-DD" as the panel shows it ("5 Dec 2026"), in UTC so
// the day never shifts with the browser's zone.
export function dueDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(s || ''));
  if (!m) return String(s || '');
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
}

// Integrations (issue 15): what each permission name (a token's scope)
// lets a caller do, and a webhook delivery's state, in words.
const PERMISSION_LABELS = {
  'tickets.read': 'Read tickets',
  'tickets.work': 'Work tickets: create, take, reply, status, close',
  'tickets.admin': 'Reassign, reopen and delete tickets',
  'whatsapp.send': 'Send WhatsApp messages to any number',
  'whatsapp.status': 'Read the WhatsApp status',
  'whatsapp.simulate': 'Simulate a customer message',
  users: 'Manage users',
  audit: 'Read the audit log',
  stats: 'Read statistics',
  reports: 'Reports and exports',
  integrations: 'Manage webhooks',
  'sites.read': 'Read sites and QR codes',
  'sites.admin': 'Manage sites',
};
export function permissionLabel(p) {
  return PERMISSION_LABELS[p] || String(p || '');
}

const DELIVERY_STATE_LABELS = { pending: 'Pending', failed: 'Failed, will retry', delivered: 'Delivered', dead: 'Given up' };
export const DELIVERY_STATES = Object.keys(DELIVERY_STATE_LABELS);
export function deliveryStateLabel(s) {
  return DELIVERY_STATE_LABELS[s] || String(s || '');
}

// Issue 19: what Take tells the customer beforehand, from the ticket's
// notices (GET /api/tickets/:id): take is the text, or null when the
// customer is not told.
export function takeNoticeHint(notices) {
  const text = notices && typeof notices.take === 'string' ? notices.take : null;
  return text === null ? 'The customer is not told when you take it.'
    : `The customer is told when you take it: “${text}”`;
}

// The closing message exactly as it goes: notices.close with each
// "{resolution}" replaced by the resolution typed; null when the customer
// is not told.
export function closingPreview(notices, resolution) {
  const text = notices && typeof notices.close === 'string' ? notices.close : null;
  return text === null ? null : text.split('{resolution}').join(resolution);
}
