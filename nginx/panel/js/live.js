// Live updates over server-sent events (GET /api/events, the session cookie
// authenticates). EventSource reconnects by itself, with Last-Event-ID, when
// the server ends a stream; when the stream fails for good (an HTTP error,
// such as 404 before the server has the route, or 401 after the session
// ended) it is closed and tried again here, quietly, with a growing delay.
// When the desk ends the stream because the user opened too many elsewhere
// (stream.closed), the panel polls (state 'off') and tries live again later.

export const EVENT_TYPES = [
  'ticket.created', 'ticket.updated', 'ticket.assigned', 'ticket.status',
  'ticket.closed', 'message.received', 'message.status', 'reply.created',
  'note.created',
  // A corrective action, told to its owner (issue 11).
  'action.assigned', 'action.updated', 'action.closed',
  // An SLA due time near or missed (issue 13).
  'sla.warning', 'sla.breach',
  // The customer's rating of a closed ticket (issue 13).
  'ticket.csat', 'ticket.csat_low',
  // The WhatsApp channel's health changed (issue 16): the banner.
  'channel.changed',
];

const URL_EVENTS = '/api/events';
const FIRST_DELAY = 2000;
const MAX_DELAY = 60000;
const CLOSED_DELAY = 5 * 60000;

let source = null;
let timer = null;
let delay = FIRST_DELAY;
let running = false;
let state = 'off';
let handlers = { event: () => {}, state: () => {}, reconnect: async () => true };
let everConnected = false;
let lastId = '';

function setState(s) {
  if (s === state) return;
  state = s;
  handlers.state(s);
}

export function liveState() {
  return state;
}

function dispatch(e) {
  let data = {};
  try {
    data = JSON.parse(e.data || '{}') || {};
  } catch (err) {
    data = {};
  }
  if (e.lastEventId) lastId = e.lastEventId;
  const type = data.type || (e.type !== 'message' ? e.type : '');
  handlers.event({ ...data, type, id: data.id ?? e.lastEventId });
}

function connect() {
  timer = null;
  if (!running) return;
  let es;
  try {
    // A new stream resumes after the last event seen (EventSource sends
    // Last-Event-ID only on its own reconnections).
    es = new EventSource(lastId ? `${URL_EVENTS}?last_event_id=${encodeURIComponent(lastId)}` : URL_EVENTS);
  } catch (err) {
    schedule();
    return;
  }
  source = es;
  setState('connecting');
  es.onopen = () => {
    if (source !== es) return;
    delay = FIRST_DELAY;
    setState('on');
    // After a gap with nothing to resume from, the open view is fetched again.
    if (everConnected && !lastId) handlers.event({ type: 'resync' });
    everConnected = true;
  };
  es.onmessage = dispatch;
  for (const t of EVENT_TYPES) es.addEventListener(t, dispatch);
  es.addEventListener('stream.closed', () => {
    if (source !== es) return;
    es.close();
    source = null;
    setState('off');
    delay = CLOSED_DELAY;
    schedule();
  });
  es.onerror = () => {
    if (source !== es) return;
    if (es.readyState === EventSource.CLOSED) {
      es.close();
      source = null;
      setState('off');
      schedule();
    } else {
      setState('connecting');
    }
  };
}

function schedule() {
  if (!running || timer) return;
  const wait = delay + Math.floor(Math.random() * 500);
  delay = Math.min(delay * 2, MAX_DELAY);
  timer = setTimeout(async () => {
    timer = null;
    if (!running) return;
    // A failed stream may mean the session ended: ask once (a 401 there
    // sends the panel to the sign-in page and stops this).
    let ok = true;
    try {
      ok = await handlers.reconnect();
    } catch (err) {
      ok = true;
    }
    if (running && ok !== false) connect();
    else if (running) schedule();
  }, wait);
}

// on: {event(ev), state(s), reconnect() -> Promise<bool>}
export function startLive(on) {
  stopLive();
  handlers = { ...handlers, ...on };
  running = true;
  delay = FIRST_DELAY;
  everConnected = false;
  lastId = '';
  connect();
}

export function stopLive() {
  running = false;
  if (timer) clearTimeout(timer);
  timer = null;
  if (source) source.close();
  source = null;
  setState('off');
}
