// Browser tests of issue 19's inbox (what needs me): the lasting unread
// mark (bold and in words) until the agent opens the ticket, the "New for
// me" count, the Waiting column and its sort, who wrote last, the closed
// 24-hour window, and live arrivals collected in an "N new" pill instead of
// rows reordering under the pointer. Registered by panel.test.mjs
// (TICK_BROWSER_ONLY='^attention inbox' runs these alone).
import {
  BASE, adminToken, api, assert, eventually, makeUser, screenshot, signIn, simulate, sql, uniq, waitLive,
} from './lib.mjs';

const LAPTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

const rowOf = (page, ref) => page.locator('tr.ticket-row', { has: page.locator('a.ref', { hasText: ref }) });
const order = (page) => page.locator('tr.ticket-row a.ref').evaluateAll((as) => as.map((a) => a.textContent));

async function newForMe(page) {
  const el = page.locator('.new-for-me');
  await el.waitFor();
  const m = /New for me: (\d+)/.exec(await el.textContent());
  return m ? Number(m[1]) : NaN;
}

export function register(test) {
  for (const [label, viewport] of [['laptop', LAPTOP], ['phone', PHONE]]) {
    test(`attention inbox: the unread mark lasts until the ticket is opened (${label})`, async (b) => {
      const agent = await makeUser('agent');
      const tag = `Unread${uniq()}`;
      const t = await simulate(`Is anyone there? ${tag}`, { name: `${tag} Customer` });
      const page = await b.page(viewport);
      await signIn(page, agent.email, agent.password);
      await page.goto(`${BASE}/#/inbox?q=${tag}`);
      const row = rowOf(page, t.reference);
      await row.waitFor();
      assert(await row.evaluate((r) => r.classList.contains('is-unread')), 'the row is marked unread');
      assert(/Unread/.test(await row.locator('.unread-mark .sr-only').textContent()), 'the mark has words for a screen reader');
      assert(await row.locator('td').first().evaluate((td) => Number(getComputedStyle(td).fontWeight) >= 600), 'the row is bold');
      const before = await newForMe(page);
      assert(before >= 1, `New for me counts it: ${before}`);
      // Still there after a while and after a reload: not a flash.
      await page.waitForTimeout(3000);
      await page.reload();
      await row.waitFor();
      assert(await row.evaluate((r) => r.classList.contains('is-unread')), 'still unread after 3 s and a reload');
      // The customer's name and last message, the customer as its author.
      assert(/Customer: /.test(await row.locator('.last-who').textContent()), 'the customer wrote last');
      console.log(`     ${await screenshot(page, `attention-unread-${label}`)}`);
      await row.locator('a.ref').click();
      await page.getByRole('heading', { name: t.reference, level: 1 }).waitFor();
      await page.locator('.timeline .item').first().waitFor();
      await page.goto(`${BASE}/#/inbox?q=${tag}`);
      await rowOf(page, t.reference).waitFor();
      await eventually(async () => !(await rowOf(page, t.reference).evaluate((r) => r.classList.contains('is-unread'))),
        { what: 'the row read once opened' });
      assert(await rowOf(page, t.reference).locator('.unread-mark').count() === 0, 'no unread words left');
      await eventually(async () => (await newForMe(page)) === before - 1, { what: `New for me down from ${before}` });
    }, { timeout: 60000 });
  }

  test('attention inbox: waiting since, the waiting sort, who wrote last, the closed window', async (b) => {
    const tok = await adminToken();
    const tag = `Wait${uniq()}`;
    const a = await simulate(`First ${tag}`, { name: `${tag} Ana` });
    const c = await simulate(`Second ${tag}`, { name: `${tag} Carl` });
    const d = await simulate(`Third ${tag}`, { name: `${tag} Dora` });
    // Carl waits longest, then Ana; Dora was answered by the admin.
    sql(`UPDATE tickets SET waiting_since = NOW(3) - INTERVAL 26 HOUR, last_customer_message_at = NOW(3) - INTERVAL 26 HOUR WHERE id = ${c.id}`);
    sql(`UPDATE tickets SET waiting_since = NOW(3) - INTERVAL 2 HOUR WHERE id = ${a.id}`);
    assert((await api('POST', `/api/tickets/${d.id}/assign`, { token: tok, body: {} })).status === 200, 'assign');
    const r = await api('POST', `/api/tickets/${d.id}/reply`, { token: tok, body: { message: `On it ${tag}` } });
    assert(r.status === 200 || r.status === 201, `reply: ${r.status} ${r.text}`);
    const page = await b.page(LAPTOP);
    await signIn(page);
    await page.goto(`${BASE}/#/inbox?q=${tag}&sort=waiting`);
    await rowOf(page, d.reference).waitFor();
    assert(await page.getByLabel('Sort').inputValue() === 'waiting', 'the sort reads Waiting longest');
    assert(JSON.stringify(await order(page)) === JSON.stringify([c.reference, a.reference, d.reference]),
      `oldest waiting first: ${await order(page)}`);
    assert((await rowOf(page, c.reference).locator('.c-waiting').textContent()) === '26 h', 'Carl waits 26 h');
    assert((await rowOf(page, d.reference).locator('.c-waiting').textContent()) === '—', 'nobody waits on Dora');
    assert((await rowOf(page, d.reference).locator('.last-who').textContent()) === 'You: ', 'the admin wrote last: You');
    assert(/24 h window closed/.test(await rowOf(page, c.reference).textContent()), 'the closed window on Carl');
    assert(!/24 h window closed/.test(await rowOf(page, a.reference).textContent()), 'no mark on Ana');
    // Another agent sees the admin's name.
    const agent = await makeUser('agent');
    const ap = await b.page(LAPTOP);
    await signIn(ap, agent.email, agent.password);
    await ap.goto(`${BASE}/#/inbox?q=${tag}&sort=waiting`);
    await rowOf(ap, d.reference).waitFor();
    const me = (await api('GET', '/api/auth/me', { token: tok })).json.data;
    assert((await rowOf(ap, d.reference).locator('.last-who').textContent()) === `${me.name}: `, 'the colleague\'s name');
    console.log(`     ${await screenshot(page, 'attention-waiting')}`);
  }, { timeout: 60000 });

  test('attention inbox: live arrivals wait in an "N new" pill, rows shown update in place', async (b) => {
    const tag = `Pill${uniq()}`;
    const one = await simulate(`One ${tag}`, { name: `${tag} One` });
    const two = await simulate(`Two ${tag}`, { name: `${tag} Two` });
    const page = await b.page(LAPTOP);
    await signIn(page);
    await waitLive(page);
    await page.goto(`${BASE}/#/inbox?q=${tag}`);
    await rowOf(page, one.reference).waitFor();
    await page.evaluate(() => { window.__sameDocument = true; });
    const was = await order(page);
    assert(was[0] === two.reference, `the newest activity first: ${was}`);
    // The pointer rests on the second row while the customers write.
    await rowOf(page, one.reference).hover();
    const three = await simulate(`Three ${tag}`, { name: `${tag} Three` });
    const pill = page.locator('button.new-pill');
    await pill.waitFor({ timeout: 5000 });
    assert((await pill.textContent()) === '1 new', `the pill counts: ${await pill.textContent()}`);
    assert(JSON.stringify(await order(page)) === JSON.stringify(was), 'the rows did not move');
    // One's customer writes: One changes where it is (by activity it would
    // jump to the top).
    const r = await api('POST', '/api/whatsapp/simulate-message', {
      token: await adminToken(), body: { phone: one.phone, name: one.name, text: `Again ${tag}` },
    });
    assert(r.status === 201, `simulate: ${r.status}`);
    await eventually(async () => (await rowOf(page, one.reference).locator('.last-msg').textContent()) === `Again ${tag}`,
      { what: 'the row updated in place' });
    assert(JSON.stringify(await order(page)) === JSON.stringify(was), `still in place: ${await order(page)}`);
    assert(await page.evaluate(() => window.__sameDocument === true), 'no reload');
    await pill.click();
    await eventually(async () => (await order(page))[0] !== was[0], { what: 'the list refreshed' });
    const now = await order(page);
    assert(now.length === 3 && now.includes(three.reference) && now[0] === one.reference, `after the pill: ${now}`);
    assert(await pill.isHidden(), 'the pill is gone');
  }, { timeout: 60000 });
}
