// Browser tests of issue 18's inbox paging: "Next" follows the API's
// next_cursor (keyset paging), "Previous" goes back to the page it came
// from, and a total the API only estimates reads "10,000+". Registered by
// panel.test.mjs (TICK_BROWSER_ONLY='^inbox paging' runs these alone).
import { BASE, adminToken, api, assert, eventually, screenshot, signIn, uniq } from './lib.mjs';

export function register(test) {
  test('inbox paging: next by cursor, previous back, 10,000+ when estimated', async (b) => {
    const tok = await adminToken();
    const name = `Pager ${uniq()}`;
    const ids = [];
    for (let i = 0; i < 12; i += 1) {
      const r = await api('POST', '/api/tickets', {
        token: tok, body: { name, description: `paging ${i}`, issue_type: 'other_issue' },
      });
      assert(r.status === 201, `create: ${r.status} ${r.text}`);
      ids.push(r.json.data.id);
    }
    const page = await b.page();
    const asked = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/tickets') asked.push(u.searchParams);
    });
    await signIn(page);
    await page.goto(`${BASE}/#/inbox?q=${encodeURIComponent(name)}&limit=10&sort=newest`);
    const status = page.locator('.list-status');
    await eventually(async () => (await status.textContent()) === '1–10 of 12 tickets', { what: 'the first page' });
    const pager = page.getByRole('navigation', { name: 'Pages' });
    await pager.getByRole('button', { name: 'Next →' }).click();
    await eventually(async () => (await status.textContent()) === '11–12 of 12 tickets', { what: 'the second page' });
    const second = asked[asked.length - 1];
    assert(second.get('cursor') && !second.get('page'), `the second page asked by cursor: ${second}`);
    assert(await pager.getByRole('button', { name: 'Next →' }).isDisabled(), 'no page after the last');
    const shown = await page.locator('tr.ticket-row').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
    assert(JSON.stringify(shown) === JSON.stringify([ids[1], ids[0]]), `the oldest two last: ${shown}`);
    assert(/page=2/.test(await page.evaluate(() => location.hash)), 'the URL keeps the page number');
    await pager.getByRole('button', { name: '← Previous' }).click();
    await eventually(async () => (await status.textContent()) === '1–10 of 12 tickets', { what: 'back to the first page' });

    // Past 10,000 the API stops counting; the inbox says so.
    await page.route('**/api/tickets?*', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      body.data.total = 10000;
      body.data.total_estimate = true;
      await route.fulfill({ response: res, json: body });
    });
    await page.reload();
    await eventually(async () => (await status.textContent()) === '1–10 of 10,000+ tickets', { what: 'the estimate' });
    assert((await pager.locator('.pager-info').textContent()) === 'Page 1', 'no page count when estimated');
    console.log(`     ${await screenshot(page, 'inbox-paging')}`);
  }, { timeout: 60000 });
}
