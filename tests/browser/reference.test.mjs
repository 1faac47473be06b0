// Browser tests of the API reference (issue 15): the panel's navigation
// links it; the page renders /api/openapi.json with Redoc's bundle served
// from the panel (no CDN) under its own narrow CSP, with no CSP violation,
// no request off loopback, and every operation of the document on it.
// Registered by panel.test.mjs (TICK_BROWSER_ONLY='^reference' runs these
// alone).
import fs from 'node:fs';
import path from 'node:path';
import { BASE, DESKTOP, OUT, api, assert, eventually, signIn } from './lib.mjs';

// Every operation of the document, as Redoc names its section.
function operationIds(doc) {
  const ids = [];
  for (const item of Object.values(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (['get', 'put', 'post', 'delete', 'patch'].includes(method)) ids.push(op.operationId);
    }
  }
  return ids;
}

export function register(test) {
  test('reference: the panel links the API reference; it shows every operation with no CSP violation', async (b) => {
    const served = await api('GET', '/api/openapi.json');
    assert(served.status === 200, `GET /api/openapi.json: ${served.status}`);
    assert(/^application\/json/.test(served.headers['content-type']), `content type ${served.headers['content-type']}`);
    assert(served.headers['cache-control'] === 'no-cache', `cache-control ${served.headers['cache-control']}`);
    const ids = operationIds(served.json);
    assert(ids.length > 50 && ids.every(Boolean), `operations with ids: ${ids.length}`);

    const page = await b.page(DESKTOP);
    // Violations as the page sees them, beside the console messages that
    // openPage already turns into failures.
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const scripts = [];
    page.on('request', (r) => { if (r.resourceType() === 'script') scripts.push(r.url()); });
    await signIn(page);
    const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API reference' });
    const [response] = await Promise.all([
      page.waitForNavigation(),
      link.click(),
    ]);
    assert(new URL(page.url()).pathname === '/reference.html', `landed on ${page.url()}`);
    const csp = response.headers()['content-security-policy'] || '';
    assert(/script-src 'self';/.test(csp) && !/script-src[^;]*unsafe/.test(csp), `the page's CSP allows more script: ${csp}`);
    assert(/frame-ancestors 'none'/.test(csp), `the page's CSP: ${csp}`);

    // Redoc rendered the document: its title, the tags, an operation.
    const start = Date.now();
    await page.locator('#redoc h1', { hasText: 'tick' }).first().waitFor({ timeout: 30000 });
    console.log(`     (rendered ${Date.now() - start} ms after the page opened)`);
    await page.locator('[id="operation/listTickets"]').waitFor();
    await page.locator('[id="operation/createToken"]').waitFor();
    const shown = await page.evaluate(() => [...document.querySelectorAll('[id^="operation/"]')]
      .map((e) => e.id.slice('operation/'.length)));
    const missing = ids.filter((id) => !shown.includes(id));
    assert(missing.length === 0, `operations the page does not show: ${missing.join(', ')}`);
    assert(await page.locator('#ref-status').isHidden(), 'the loading notice is gone');
    assert(scripts.includes(`${BASE}/vendor/redoc/redoc.standalone.js`), `scripts loaded: ${scripts.join(', ')}`);
    assert(scripts.every((u) => u.startsWith(`${BASE}/`) || u.startsWith(`blob:${BASE}/`)), `scripts from elsewhere: ${scripts.join(', ')}`);

    // Search works (its worker is the one thing the page's CSP allows from blob:).
    await page.getByPlaceholder('Search...').fill('token');
    await eventually(async () => (await page.locator('[data-role="search:results"] [data-item-id$="operation/createToken"]').count()) > 0,
      { what: 'search results', timeout: 10000 });

    const violations = await page.evaluate(() => window.__csp);
    assert(violations.length === 0, `CSP violations: ${violations.join('; ')}`);
    // The page is long: a shot of the screen, not of the whole page.
    const shot = path.join(OUT, 'reference-desktop.png');
    fs.mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: shot });
    console.log(`     ${shot}`);
  }, { timeout: 60000 });
}
