// Browser tests of issue 12's panel: the dashboard (a super admin's and a
// site manager's home), its tiles and charts read back against the API's
// answers, every chart drawn (a non-empty canvas) with no CSP violation,
// the filters in the URL, the export links (CSV, XLSX, PDF) carrying the
// filters, a site's page with the same charts, and the ticket's
// "Transcript (PDF)". Registered by panel.test.mjs
// (TICK_BROWSER_ONLY='^dashboard' runs these alone).
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, BASE, adminToken, api, assert, assignToAdmin, eventually, makeSite, makeUser,
  screenshot, setReport, simulate, uniq,
} from './lib.mjs';

const CHARTS = ['per_day', 'by_site', 'by_category', 'by_severity', 'times', 'whatsapp'];
const TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

// Records every securitypolicyviolation event in the page (beside the
// console errors that lib.mjs's openPage already turns into failures).
async function watchCsp(page) {
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
}

async function noCsp(page) {
  const v = await page.evaluate(() => window.__csp);
  assert(Array.isArray(v) && v.length === 0, `CSP violations: ${JSON.stringify(v)}`);
}

// Signs in from the bare address: lands on the role's home screen.
async function signInHome(page, email, password, heading) {
  await page.goto(`${BASE}/`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

async function tokenOf(user) {
  const r = await api('POST', '/api/auth/login', { body: { email: user.email, password: user.password } });
  if (r.status !== 200) throw new Error(`sign-in of ${user.email}: ${r.status} ${r.text}`);
  return r.json.data.token;
}

// The next answer of GET /api/stats/dashboard the page gets: {url, data}.
// (A test that fails first leaves it unanswered: that is no crash.)
function nextDashboard(page, pred = () => true) {
  const p = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/stats/dashboard' && pred(new URL(r.url())),
    { timeout: 15000 }).then(async (r) => ({ url: new URL(r.url()), status: r.status(), data: (await r.json()).data }));
  p.catch(() => {});
  return p;
}

// What each chart draws, read from the Chart.js instance and from the
// canvas's data-series; with whether its canvas has any painted pixel.
async function drawn(page, scope = 'main') {
  await page.locator(`${scope} .figures[data-loaded]`).first().waitFor();
  return page.evaluate((sel) => {
    const out = {};
    for (const c of document.querySelectorAll(`${sel} canvas[data-chart]`)) {
      if (c.closest('[hidden]')) continue;
      const chart = window.Chart && window.Chart.getChart(c);
      const ctx = c.getContext('2d');
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) painted += 1;
      out[c.dataset.chart] = {
        type: chart ? chart.config.type : null,
        labels: chart ? chart.data.labels.slice() : null,
        data: chart ? chart.data.datasets.map((d) => d.data.slice()) : null,
        series: JSON.parse(c.dataset.series || 'null'),
        painted, width: c.width, height: c.height,
      };
    }
    return out;
  }, scope);
}

function tileText(page, key) {
  return page.locator(`.tile[data-figure="${key}"] .tile-value`).textContent();
}

// The records of an RFC 4180 text (line breaks inside quotes are data).
function csvRows(text) {
  let rows = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '"') quoted = !quoted;
    else if (!quoted && text[i] === '\n') rows += 1;
  }
  return rows + (text.length && !text.endsWith('\n') ? 1 : 0);
}

const count = (n) => Number(n || 0).toLocaleString('en-GB');
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// The figures the page drew against the answer it was given.
function checkCharts(d, got, { withSite = true } = {}) {
  for (const name of CHARTS) {
    if (name === 'by_site' && !withSite) continue;
    const c = got[name];
    assert(c && c.type, `${name}: a Chart.js chart is drawn`);
    assert(c.width > 0 && c.height > 0 && c.painted > 0, `${name}: the canvas is painted (${c.width}x${c.height}, ${c.painted} px)`);
    assert(same(c.series.labels, c.labels) && same(c.series.datasets.map((x) => x.data), c.data),
      `${name}: data-series is what the chart holds`);
  }
  // Tickets per day: each day of the answer at its value, zeros elsewhere.
  const perDay = new Map(d.per_day.map((it) => [it.key, it.total]));
  const pd = got.per_day;
  for (const [k, v] of perDay) assert(pd.data[0][pd.labels.indexOf(k)] === v, `per_day ${k}: ${v}`);
  assert(pd.labels.every((k, i) => perDay.has(k) || pd.data[0][i] === 0), 'per_day: no figure the API did not give');
  const asMap = (c) => new Map(c.labels.map((l, i) => [l, c.data[0][i]]));
  const bars = (items, none) => new Map(items.map((it) => [it.label || none, it.total]));
  const cmp = (name, want) => {
    const have = asMap(got[name]);
    assert(have.size === want.size && [...want].every(([k, v]) => have.get(k) === v),
      `${name}: drawn ${JSON.stringify([...have])}, API ${JSON.stringify([...want])}`);
  };
  if (withSite) cmp('by_site', bars(d.by_site, 'No site'));
  cmp('by_category', bars(d.by_category, 'No category'));
  cmp('by_severity', bars(d.by_severity, 'Not set'));
  const t = d.times;
  const times = got.times;
  assert(same(times.labels, ['First response', 'Resolution', 'Time to take']), `times labels ${times.labels}`);
  for (const [i, k] of ['average', 'median', 'p90'].entries()) {
    const want = [t.first_response[k], t.resolution[k], t.take[k]].map((x) => Math.round(x));
    assert(same(times.data[i], want), `times ${k}: drawn ${times.data[i]}, API ${want}`);
  }
  const ms = d.whatsapp.messagesByStatus;
  assert(same(got.whatsapp.data[0], [ms.sent, ms.delivered, ms.read, ms.failed]), `whatsapp: ${got.whatsapp.data[0]}`);
}

async function checkTiles(page, d) {
  for (const k of ['created', 'open', 'closed', 'unassigned', 'critical_open', 'overdue_actions']) {
    const text = await tileText(page, k);
    assert(text === count(d.tickets[k]), `tile ${k}: ${text}, API ${d.tickets[k]}`);
  }
  const rate = await tileText(page, 'delivery_rate');
  assert(rate === `${Number(d.whatsapp.deliveryRate).toFixed(2)} %`, `delivery rate tile: ${rate}, API ${d.whatsapp.deliveryRate}`);
}

// A few tickets on two sites: categories, severities, one answered and
// closed (a first response and a resolution), one taken.
async function seed() {
  const tok = await adminToken();
  const a = await makeSite({ name: `Dash north ${uniq()}` });
  const b = await makeSite({ name: `Dash south ${uniq()}` });
  const made = [];
  for (const [site, category, severity] of [[a, 'hot_work', 'critical'], [a, 'driving', 'low'], [a, 'hot_work', 'high'],
    [b, 'confined_space', 'medium']]) {
    const t = await simulate(`Dashboard seed ${uniq()}`);
    await setReport(t.id, { site_id: site.id, category, severity });
    made.push(t);
  }
  await assignToAdmin(made[0].id);
  let r = await api('POST', `/api/tickets/${made[0].id}/reply`, { token: tok, body: { message: `On our way ${uniq()}` } });
  assert(r.status === 201, `reply: ${r.status} ${r.text}`);
  r = await api('POST', `/api/tickets/${made[0].id}/close`, { token: tok, body: { resolution: 'Fixed', force: true } });
  assert(r.status === 200, `close: ${r.status} ${r.text}`);
  await assignToAdmin(made[1].id);
  return { a, b, tickets: made };
}

export function register(test) {
  test('dashboard: a super admin\'s home; tiles and charts match the API, filters and exports carry through', async (b) => {
    const { a } = await seed();
    const page = await b.page();
    await watchCsp(page);
    const first = nextDashboard(page);
    await signInHome(page, ADMIN_EMAIL, ADMIN_PASSWORD, 'Dashboard');
    const { url, status, data: d } = await first;
    assert(status === 200, `the dashboard answered ${status}`);
    assert(url.searchParams.get('from') && url.searchParams.get('to'), `the period is asked for: ${url.search}`);
    await checkTiles(page, d);
    checkCharts(d, await drawn(page));
    // The API, asked apart by the same filters, says the same.
    const again = await api('GET', `/api/stats/dashboard${url.search}`, { token: await adminToken() });
    assert(again.status === 200 && same(again.json.data.tickets, d.tickets) && same(again.json.data.by_category, d.by_category),
      'the figures are the API\'s');
    console.log(`     ${await screenshot(page, 'dashboard-admin')}`);

    // A filter: the category, in the URL, asked of the API, drawn.
    const filtered = nextDashboard(page, (u) => u.searchParams.get('category') === 'hot_work');
    await page.getByLabel('Category', { exact: true }).selectOption('hot_work');
    const f = await filtered;
    await eventually(async () => new URLSearchParams(new URL(page.url()).hash.split('?')[1] || '').get('category') === 'hot_work',
      { what: 'the category in the URL' });
    await eventually(async () => (await tileText(page, 'created')) === count(f.data.tickets.created), { what: 'the filtered tiles' });
    const got = await drawn(page);
    checkCharts(f.data, got);
    assert(got.by_category.labels.length === 1 && got.by_category.labels[0] === 'Hot work', `one category: ${got.by_category.labels}`);

    // The export links carry the filters, and answer their files.
    for (const [fmt, type] of Object.entries(TYPES)) {
      const link = page.locator(`.dash-exports a[data-export="${fmt}"]`);
      const href = await link.getAttribute('href');
      const u = new URL(href, BASE);
      assert(u.pathname === '/api/reports/export' && u.searchParams.get('format') === fmt &&
        u.searchParams.get('category') === 'hot_work' && u.searchParams.get('from') === f.url.searchParams.get('from') &&
        u.searchParams.get('to') === f.url.searchParams.get('to'), `${fmt} link: ${href}`);
      const res = await page.context().request.get(u.href);
      assert(res.status() === 200, `${fmt}: ${res.status()}`);
      assert(res.headers()['content-type'].startsWith(type), `${fmt} type: ${res.headers()['content-type']}`);
      assert(/attachment; filename="tickets-/.test(res.headers()['content-disposition']), `${fmt}: ${res.headers()['content-disposition']}`);
      if (fmt === 'csv') {
        const rows = csvRows(await res.text());
        assert(rows === f.data.tickets.created + 1, `the CSV holds the filtered tickets: ${rows - 1} rows, ${f.data.tickets.created} created`);
      }
    }
    // Clicked, CSV downloads by its name.
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('.dash-exports a[data-export="csv"]').click()]);
    assert(/^tickets-.*\.csv$/.test(dl.suggestedFilename()), `the download's name: ${dl.suggestedFilename()}`);

    // A bad period is refused beside its field, nothing asked.
    let asked = 0;
    page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/stats/dashboard') asked += 1; });
    await page.getByLabel('From', { exact: true }).fill('2026-12-31');
    await page.getByLabel('To', { exact: true }).fill('2026-01-01');
    await page.getByRole('button', { name: 'Apply' }).click();
    await eventually(async () => (await page.getByLabel('To', { exact: true }).getAttribute('aria-invalid')) === 'true', { what: 'the end marked invalid' });
    assert(asked === 0, 'nothing was asked with a bad period');

    // The site's page draws the same figures for the site.
    const sitePage = nextDashboard(page, (u) => u.searchParams.get('site') === String(a.id));
    await page.goto(`${BASE}/#/sites/${a.id}`);
    const s = await sitePage;
    await page.getByRole('heading', { name: 'Figures', level: 2 }).waitFor();
    await checkTiles(page, s.data);
    assert(s.data.tickets.created === 3, `the site's three tickets: ${s.data.tickets.created}`);
    checkCharts(s.data, await drawn(page, '.site-figures'), { withSite: false });
    const csv = new URL(await page.locator('.site-figures a[data-export="csv"]').getAttribute('href'), BASE);
    assert(csv.searchParams.get('site') === String(a.id), `the site's export: ${csv.search}`);
    console.log(`     ${await screenshot(page, 'dashboard-site')}`);
    await noCsp(page);
  }, { timeout: 90000 });

  test('dashboard: a site manager\'s home shows their sites only; an agent keeps the inbox and sees their own', async (b) => {
    const { a, b: other } = await seed();
    const manager = await makeUser('site_manager');
    const tok = await adminToken();
    const m = await api('PUT', `/api/sites/${a.id}/managers`, { token: tok, body: { user_ids: [manager.id] } });
    assert(m.status === 200, `managers: ${m.status} ${m.text}`);
    const page = await b.page();
    await watchCsp(page);
    const first = nextDashboard(page);
    await signInHome(page, manager.email, manager.password, 'Dashboard');
    const { url, data: d } = await first;
    const mine = await api('GET', `/api/stats/dashboard${url.search}`, { token: await tokenOf(manager) });
    assert(mine.status === 200 && same(mine.json.data.tickets, d.tickets), 'the manager\'s own figures');
    await checkTiles(page, d);
    const got = await drawn(page);
    checkCharts(d, got);
    assert(got.by_site.labels.every((l) => l !== other.name), `another site is not drawn: ${got.by_site.labels}`);
    assert(got.by_site.labels.includes(a.name), `their site is drawn: ${got.by_site.labels}`);
    const siteSel = page.getByLabel('Site', { exact: true });
    await eventually(async () => (await siteSel.locator('option').count()) > 1, { what: 'the site filter to fill' });
    const options = await siteSel.locator('option').allTextContents();
    assert(options.some((o) => o.includes(a.code)) && !options.some((o) => o.includes(other.code)), `only their sites: ${options}`);
    console.log(`     ${await screenshot(page, 'dashboard-manager')}`);
    await noCsp(page);

    // An agent lands on the inbox; the dashboard shows the tickets they hold.
    const agent = await makeUser('agent');
    const ap = await b.page();
    await watchCsp(ap);
    await signInHome(ap, agent.email, agent.password, 'Inbox');
    const own = nextDashboard(ap);
    await ap.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await ap.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    const o = await own;
    assert(o.data.tickets.created === 0, `an agent holding nothing sees nothing: ${o.data.tickets.created}`);
    await ap.getByText('Your figures: the tickets you hold.').waitFor();
    assert(await ap.getByLabel('Agent', { exact: true }).count() === 0, 'no agent filter for an agent');
    await checkTiles(ap, o.data);
    await drawn(ap);
    await noCsp(ap);
  }, { timeout: 90000 });

  test('dashboard: the ticket\'s Transcript (PDF) downloads, with and without internal notes', async (b) => {
    const t = await simulate(`Transcript please ${uniq()}`);
    await assignToAdmin(t.id);
    const n = await api('POST', `/api/tickets/${t.id}/notes`, { token: await adminToken(), body: { message: `A private note ${uniq()}` } });
    assert(n.status === 201, `note: ${n.status} ${n.text}`);
    const page = await b.page();
    await watchCsp(page);
    await page.goto(`${BASE}/#/tickets/${t.id}`);
    await page.getByLabel('E-mail').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: t.reference, level: 1 }).waitFor();
    const link = page.getByRole('link', { name: 'Transcript (PDF)' });
    for (const notes of [0, 1]) {
      if (notes) await page.getByLabel('With internal notes').check();
      const href = await link.getAttribute('href');
      const u = new URL(href, BASE);
      assert(u.pathname === `/api/tickets/${t.id}/transcript.pdf` && u.searchParams.get('notes') === String(notes), `the link: ${href}`);
      const res = await page.context().request.get(u.href);
      assert(res.status() === 200 && res.headers()['content-type'] === 'application/pdf', `transcript: ${res.status()} ${res.headers()['content-type']}`);
      assert((await res.body()).subarray(0, 5).toString() === '%PDF-', 'a PDF');
      // Clicked, it downloads: by the name the API gives (its
      // Content-Disposition wins over the link's own).
      const named = /filename="([^"]+)"/.exec(res.headers()['content-disposition'] || '');
      const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
      assert(named && dl.suggestedFilename() === named[1] && /\.pdf$/.test(named[1]), `the download's name: ${dl.suggestedFilename()}`);
    }
    await noCsp(page);
  });
}
