// Helpers for the browser tests: the API over HTTPS on loopback (the
// stack's own certificate), the fake Graph API's control routes, signed
// webhook posts, Chromium, and a tiny runner with a timeout per test.
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const env = (k, d) => {
  const v = process.env[k];
  if (v === undefined || v === '') {
    if (d === undefined) throw new Error(`${k} is not set: run the tests through tests/browser/run`);
    return d;
  }
  return v;
};

export const VAR = env('TICK_VAR_DIR');
export const PORT = Number(env('TICK_HTTPS_PORT'));
export const BASE = `https://127.0.0.1:${PORT}`;
export const GRAPH = env('TICK_GRAPH_URL');
export const CLD = env('TICK_CLD_URL');
export const SECRET = env('WHATSAPP_APP_SECRET');
export const PNID = env('WHATSAPP_PHONE_NUMBER_ID');
export const ADMIN_EMAIL = env('DEFAULT_ADMIN_EMAIL');
export const ADMIN_PASSWORD = env('DEFAULT_ADMIN_PASSWORD');
export const OUT = env('TICK_BROWSER_OUT', path.join(VAR, 'browser'));
const RESULT = env('TICK_BROWSER_RESULT', path.join(VAR, 'browser-result'));
const CA = fs.readFileSync(path.join(VAR, 'tls', 'cert.pem'));

function request(mod, url, { method = 'GET', headers = {}, body, timeout = 15000, ca } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    if (u.hostname !== '127.0.0.1') {
      reject(new Error(`refusing traffic to ${u.hostname}: loopback only`));
      return;
    }
    const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const req = mod.request(u, {
      method,
      headers: { ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}), ...headers },
      ca,
      timeout,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try {
          json = JSON.parse(text);
        } catch (e) {
          json = null;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeout} ms`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

export function api(method, p, { token, body, headers } = {}) {
  return request(https, BASE + p, {
    method, body, ca: CA,
    headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(headers || {}) },
  });
}

export function graph(method, p, body) {
  return request(http, GRAPH + p, { method, body });
}

export function cld(method, p, body) {
  return request(http, CLD + p, { method, body });
}

// What the fake Cloudinary has been given.
export async function cldUploads() {
  const r = await cld('GET', '/_fake/uploads');
  return r.json || [];
}

// A file the fake Graph API serves as a customer's media; answers its id.
export async function registerMedia(data, mimeType) {
  const id = String(900000000 + uniq());
  const r = await graph('POST', '/_fake/media', { id, content_b64: data.toString('base64'), mime_type: mimeType });
  if (r.status !== 200) throw new Error(`register media: ${r.status} ${r.text}`);
  return id;
}

// The page is answered for Cloudinary's https addresses here, in the
// browser, with these bytes: nothing leaves the machine. Answers the
// addresses asked for.
export async function serveCloudinary(page, body, contentType = 'image/png') {
  const asked = [];
  page.fakedHosts.add('res.cloudinary.com');
  await page.route('https://res.cloudinary.com/**', (route) => {
    asked.push(route.request().url());
    return route.fulfill({ status: 200, contentType, body });
  });
  return asked;
}

// A w x h PNG of soft stripes (a photo for the screenshots), made here.
export function makePng(w, h) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y += 1) {
    const row = y * (w * 3 + 1);
    for (let x = 0; x < w; x += 1) {
      const i = row + 1 + x * 3;
      raw[i] = 40 + Math.round(120 * (y / h));
      raw[i + 1] = 110 + Math.round(60 * Math.sin((x + y) / 18));
      raw[i + 2] = 150 + Math.round(80 * (x / w));
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// A 16x16 PNG.
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAHklEQVR4nGNkaPjPQApgIkn1qIZRDaMaRjUMJQ0AV1oB2Ue3bLsAAAAASUVORK5CYII=', 'base64');

export async function graphSent(to) {
  const r = await graph('GET', '/_fake/requests');
  return (r.json || []).filter((x) => !to || (x.body && x.body.to === to));
}

export async function postWebhook(payload) {
  const body = Buffer.from(JSON.stringify(payload));
  const sig = `sha256=${crypto.createHmac('sha256', SECRET).update(body).digest('hex')}`;
  return request(https, `${BASE}/api/whatsapp/webhook`, {
    method: 'POST', body, ca: CA,
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sig },
  });
}

// A customer's WhatsApp message, as Meta posts it.
export function messagePayload(phone, name, message) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550001111', phone_number_id: PNID },
      contacts: [{ profile: { name }, wa_id: phone }],
      messages: [{ from: phone, id: `wamid.BR${uniq()}`, timestamp: String(Math.floor(Date.now() / 1000)), ...message }],
    } }] }],
  };
}

export function statusesPayload(items) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: PNID }, statuses: items } }] }],
  };
}

let seq = Date.now() % 1000000;
export function uniq() {
  seq += 1;
  return seq;
}

export function newPhone() {
  return `52155${String(uniq()).padStart(8, '0')}`;
}

const tokens = {};
export async function adminToken() {
  if (!tokens.admin) {
    const r = await api('POST', '/api/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    if (r.status !== 200) throw new Error(`admin sign-in failed: ${r.status} ${r.text}`);
    tokens.admin = r.json.data.token;
  }
  return tokens.admin;
}

export async function adminId() {
  const r = await api('GET', '/api/auth/me', { token: await adminToken() });
  return r.json.data.id;
}

// A customer writes on WhatsApp (through simulate-message): a new ticket.
export async function simulate(text, { phone = newPhone(), name = `Cliente ${uniq()}` } = {}) {
  const r = await api('POST', '/api/whatsapp/simulate-message', { token: await adminToken(), body: { phone, name, text } });
  if (r.status !== 201) throw new Error(`simulate-message: ${r.status} ${r.text}`);
  return { id: r.json.data.ticket_id, reference: r.json.data.reference, phone, name };
}

export async function assignToAdmin(id) {
  const r = await api('POST', `/api/tickets/${id}/assign`, { token: await adminToken(), body: {} });
  if (r.status !== 200) throw new Error(`assign: ${r.status} ${r.text}`);
}

export async function makeUser(role, password = 'a-long-password-1') {
  const email = `${role.replace('_', '')}${uniq()}@example.com`;
  const r = await api('POST', '/api/users', {
    token: await adminToken(),
    body: { email, name: `${role[0].toUpperCase()}${role.slice(1)} Person`, role, password },
  });
  if (r.status !== 201) throw new Error(`create user: ${r.status} ${r.text}`);
  return { id: r.json.data.id, email, password, name: r.json.data.name };
}

// ---- the database, for what no route sets up (the stack's own MariaDB
// on its socket, as tests/integration/harness.py reaches it). Answers the
// rows as arrays of strings.
export function sql(q) {
  const out = execFileSync('mariadb', ['--no-defaults', '--default-character-set=utf8mb4',
    '--socket', env('DB_SOCKET'), '-u', env('DB_USER'), '-N', '-B', env('DB_NAME', 'tick'), '-e', q],
  { encoding: 'utf8', timeout: 15000 });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

// A site code nobody used yet: 3 to 10 of A-Z and 0-9.
export function siteCode(prefix = 'S') {
  return `${prefix}${String(uniq()).slice(-7)}`.toUpperCase().slice(0, 10);
}

// A site (or, with parentId, a sub-site) through POST /api/sites (or
// /api/sites/:id/subsites) as the super admin: its JSON.
export async function makeSite({ code = siteCode(), name = `Site ${code}`, parentId = null, ...rest } = {}) {
  const tok = await adminToken();
  const r = parentId
    ? await api('POST', `/api/sites/${parentId}/subsites`, { token: tok, body: { code, name, ...rest } })
    : await api('POST', '/api/sites', { token: tok, body: { code, name, ...rest } });
  if (r.status !== 201) throw new Error(`create site ${code}: ${r.status} ${r.text}`);
  return r.json.data;
}

// The super admin sets a ticket's report (PUT /api/tickets/:id).
export async function setReport(id, report) {
  const r = await api('PUT', `/api/tickets/${id}`, { token: await adminToken(), body: report });
  if (r.status !== 200) throw new Error(`set report: ${r.status} ${r.text}`);
  return r.json.data;
}

// ---- the tick command (the build's cli/tick, with the stack's
// environment), run without blocking: a test's own loopback server (a
// webhook receiver) keeps answering while it runs. Answers {stdout,
// stderr}; throws when it fails.
export async function tickCli(...args) {
  const bin = path.join(env('TICK_BUILDDIR'), 'cli', 'tick');
  return new Promise((resolve, reject) => {
    execFile(bin, args, { env: process.env, timeout: 120000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`tick ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

// ---- the browser

export const LAUNCH_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update',
  '--disable-gpu', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'];

export function launch() {
  return chromium.launch({
    executablePath: process.env.TICK_CHROMIUM || '/usr/bin/chromium',
    args: LAUNCH_ARGS,
    timeout: 30000,
    headless: true,
  });
}

export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

// A fresh browser context (no cookies) and a page that records what goes
// wrong: uncaught errors, CSP violations, requests off loopback.
export async function openPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true, viewport, locale: 'en-GB', timezoneId: 'UTC',
    deviceScaleFactor: 1, isMobile: viewport.width < 600, hasTouch: viewport.width < 600,
  });
  context.setDefaultTimeout(10000);
  context.setDefaultNavigationTimeout(15000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    const t = m.text();
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(t)) problems.push(`CSP: ${t}`);
  });
  // Requests a test answers itself (page.route, fulfilled in the browser)
  // never leave it; anything else must stay on loopback.
  page.fakedHosts = new Set();
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['https:', 'http:', 'ws:', 'wss:'].includes(u.protocol)) return;
    if (u.hostname !== '127.0.0.1' && !page.fakedHosts.has(u.hostname)) problems.push(`request off loopback: ${u.href}`);
  });
  page.problems = problems;
  return { context, page };
}

// Signs in from the inbox's address, so it lands on the inbox whatever the
// role's home screen (the dashboard for managers: see signInHome).
export async function signIn(page, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  await page.goto(`${BASE}/#/inbox`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
}

// Unfolds the inbox's filters (folded on a phone and, beside the open
// ticket, on a desktop: issue 19).
export async function openFilters(page) {
  const more = page.locator('details.filter-more');
  await more.waitFor();
  if (!(await more.evaluate((d) => d.open))) await more.locator('summary').click();
}

// Waits for the panel's live stream to be up (the header says "Live").
export async function waitLive(page, timeout = 5000) {
  await page.locator('#live.live-on').waitFor({ timeout });
}

export async function screenshot(page, name) {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

export async function eventually(fn, { timeout = 5000, interval = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

// ---- the runner

function withTimeout(p, ms, name) {
  let t;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`${name}: over ${ms} ms`)), ms); }),
  ]);
}

// tests: [{name, fn(b), timeout?, hint?}]. Writes "N M" to
// $TICK_BROWSER_RESULT for the run script, which prints the closing line.
export async function runAll(tests) {
  let passed = 0;
  let failed = 0;
  let browser;
  try {
    browser = await launch();
  } catch (e) {
    console.log(`FAIL launching Chromium: ${e.message}`);
    fs.writeFileSync(RESULT, `0 ${tests.length}\n`);
    return 1;
  }
  const only = process.env.TICK_BROWSER_ONLY ? new RegExp(process.env.TICK_BROWSER_ONLY) : null;
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      stopping = true;
      console.log(`stopping: ${sig}`);
    });
  }
  for (const t of tests) {
    if (stopping) break;
    if (only && !only.test(t.name)) continue;
    const start = Date.now();
    const opened = [];
    const b = {
      browser,
      async page(viewport) {
        const o = await openPage(browser, viewport);
        opened.push(o);
        return o.page;
      },
    };
    try {
      await withTimeout(t.fn(b), t.timeout || 45000, t.name);
      const problems = opened.flatMap((o) => o.page.problems);
      if (problems.length) throw new Error(`the page reported:\n  ${problems.join('\n  ')}`);
      passed += 1;
      console.log(`ok   ${t.name.padEnd(58)} ${((Date.now() - start) / 1000).toFixed(2)}s`);
    } catch (e) {
      failed += 1;
      console.log(`FAIL ${t.name}${t.hint ? ` (${t.hint})` : ''}`);
      console.log(`     ${String(e && e.stack ? e.stack : e).split('\n').slice(0, 6).join('\n     ')}`);
      for (const [i, o] of opened.entries()) {
        try {
          await screenshot(o.page, `failed-${t.name.replace(/[^a-z0-9]+/gi, '-')}-${i}`);
        } catch (err) { /* best effort */ }
      }
    } finally {
      for (const o of opened) await o.context.close().catch(() => {});
    }
  }
  await browser.close().catch(() => {});
  fs.writeFileSync(RESULT, `${passed} ${failed}\n`);
  return failed ? 1 : 0;
}
