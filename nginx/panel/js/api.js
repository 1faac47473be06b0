// The API on the same origin: the session cookie authenticates (HttpOnly,
// sent by the browser), and every request that changes something repeats
// the CSRF token from the readable tick_csrf cookie in X-CSRF-Token.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || null;
  }
}

let csrfFallback = '';
let onUnauthorized = null;
const TIMEOUT_MS = 20000;

export function setCsrf(token) {
  csrfFallback = token || '';
}

export function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === 'tick_csrf') return decodeURIComponent(v.join('='));
  }
  return csrfFallback;
}

// fn(error) runs on any 401 but the sign-in's own.
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === null || v === undefined || v === '' || v === false) continue;
    q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Answers data; throws ApiError with the API's code, message and details.
// opts.timeout (ms) for requests that carry a file; opts.contentType sends
// body as it is (a CSV file) with that type instead of as JSON.
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = opts.contentType || 'application/json';
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken();
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), opts.timeout || TIMEOUT_MS);
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : (opts.contentType ? body : JSON.stringify(body)),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: ctl.signal,
    });
  } catch (e) {
    throw new ApiError(0, 'network', ctl.signal.aborted
      ? 'The server took too long to answer. Try again.'
      : 'Cannot reach the server. Check the connection and try again.');
  } finally {
    clearTimeout(timer);
  }
  let json = null;
  try {
    json = await res.json();
  } catch (e) {
    json = null;
  }
  if (res.status === 401 && path !== '/api/auth/login') {
    const err = new ApiError(401, json?.error?.code || 'unauthorized',
      json?.error?.message || 'Your session has ended.');
    if (onUnauthorized) onUnauthorized(err);
    throw err;
  }
  if (!json || typeof json !== 'object') {
    throw new ApiError(res.status, 'bad_response',
      `The server answered something unexpected (HTTP ${res.status}). Try again.`);
  }
  if (!res.ok || json.success === false) {
    const e = json.error || {};
    throw new ApiError(res.status, e.code || 'error',
      e.message || `The request failed (HTTP ${res.status}).`, e.details);
  }
  return { data: json.data, message: json.message || '' };
}

export const get = (path) => api('GET', path).then((r) => r.data);
