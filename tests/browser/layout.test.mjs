// Browser tests of issue 19's layout: on a desktop the list and the open
// conversation side by side (the hash names the ticket; reload and back
// work), the customer's pane from 1400 px, the problem statement in view,
// the composer docked and the conversation at its end after sending; on a
// phone a bottom bar with Take, Reply and Close of at least 44 px and the
// details folded; Reply and Note as the tabs of one composer. Registered
// by panel.test.mjs (TICK_BROWSER_ONLY='^layout' runs these alone).
import {
  BASE, adminToken, api, assert, eventually, makeUser, screenshot, signIn, simulate, uniq,
} from './lib.mjs';

const LAPTOP = { width: 1366, height: 768 };
const WIDE = { width: 1500, height: 900 };
const PHONE = { width: 390, height: 844 };

const inView = (box, vp) => box && box.y >= 0 && box.y + box.height <= vp.height + 1 && box.x >= 0 && box.x + box.width <= vp.width + 1;

export function register(test) {
  test('layout: the list and the conversation side by side; the hash names the ticket; the composer docked', async (b) => {
    const agent = await makeUser('agent');
    const tag = `Side${uniq()}`;
    const first = await simulate(`My parcel is lost, order ${tag}`, { name: `${tag} Una` });
    const second = await simulate(`The app will not open ${tag}`, { name: `${tag} Dos` });
    const page = await b.page(LAPTOP);
    await signIn(page, agent.email, agent.password);
    await page.goto(`${BASE}/#/inbox?q=${tag}`);
    const list = page.locator('.pane-list');
    const pane = page.locator('.pane-ticket');
    const row = list.locator('tr.ticket-row', { hasText: first.reference });
    await row.waitFor();
    // A click on the row (not its link) opens it beside the list.
    await row.locator('.c-customer').click();
    await page.waitForURL(`**/#/tickets/${first.id}`);
    await pane.getByRole('heading', { name: first.reference, level: 1 }).waitFor();
    await pane.locator('.timeline .item').first().waitFor();
    const lb = await list.boundingBox();
    const tb = await pane.boundingBox();
    assert(lb.x + lb.width <= tb.x + 1 && lb.width > 250 && tb.width > 500, `side by side: ${JSON.stringify([lb, tb])}`);
    assert(await row.isVisible(), 'the list stays');
    assert(await row.evaluate((r) => r.classList.contains('is-open')), 'the open row is marked');
    // The problem statement is in view without scrolling.
    const problem = pane.locator('.problem');
    assert(/My parcel is lost/.test(await problem.textContent()), 'the problem statement');
    assert(inView(await problem.boundingBox(), LAPTOP), 'the problem statement is in view');
    // The other row opens in the same pane: the list stays as it is (its
    // rows only change in place), its filters and scroll with it.
    await list.evaluate((el) => { el.querySelector('table.tickets').__kept = true; });
    await list.locator('tr.ticket-row', { hasText: second.reference }).locator('a.ref').click();
    await page.waitForURL(`**/#/tickets/${second.id}`);
    await pane.getByRole('heading', { name: second.reference, level: 1 }).waitFor();
    assert(await list.evaluate((el) => el.querySelector('table.tickets').__kept === true), 'the list was not built again');
    assert(await list.locator('tr.ticket-row', { hasText: second.reference }).evaluate((r) => r.classList.contains('is-open')),
      'the open row follows');
    // Reload and back keep the hash's ticket.
    await page.reload();
    await page.locator('.pane-ticket').getByRole('heading', { name: second.reference, level: 1 }).waitFor();
    await page.locator('.pane-list tr.ticket-row').first().waitFor();
    await page.goBack();
    await page.waitForURL(`**/#/tickets/${first.id}`);
    await page.locator('.pane-ticket').getByRole('heading', { name: first.reference, level: 1 }).waitFor();
    // Take: the composer is docked in view; after sending, the conversation
    // shows its end.
    await page.locator('.pane-ticket').getByRole('button', { name: 'Take' }).click();
    const box = page.getByLabel('Reply to the customer');
    await eventually(async () => page.evaluate(() => document.activeElement && document.activeElement.closest('form.compose') !== null),
      { what: 'the reply box focused after Take' });
    assert(inView(await box.boundingBox(), LAPTOP), `the reply box is in view: ${JSON.stringify(await box.boundingBox())}`);
    for (let i = 0; i < 4; i += 1) {
      await box.fill(`Answer ${i} ${tag}`);
      await page.getByRole('button', { name: 'Send reply' }).click();
      await page.locator('.timeline .bubble-text', { hasText: `Answer ${i} ${tag}` }).waitFor();
    }
    await eventually(async () => page.locator('.timeline-box').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 4),
      { what: 'the conversation at its end' });
    assert(await page.evaluate(() => document.activeElement && document.activeElement.closest('form.compose') !== null), 'focus stays in the box');
    assert(inView(await box.boundingBox(), LAPTOP), 'the reply box still in view');
    console.log(`     ${await screenshot(page, 'layout-split')}`);
  }, { timeout: 60000 });

  test('layout: from 1400 px the customer pane lists their tickets, one click away', async (b) => {
    const tok = await adminToken();
    const tag = `Cust${uniq()}`;
    const old = await simulate(`Old question ${tag}`, { name: `${tag} Eva` });
    assert((await api('POST', `/api/tickets/${old.id}/assign`, { token: tok, body: {} })).status === 200, 'assign');
    assert((await api('POST', `/api/tickets/${old.id}/close`, { token: tok, body: { resolution: 'answered' } })).status === 200, 'close');
    const now = await simulate(`New question ${tag}`, { phone: old.phone, name: `${tag} Eva` });
    assert(now.id !== old.id, 'a new ticket');
    const page = await b.page(WIDE);
    await signIn(page);
    await page.goto(`${BASE}/#/tickets/${now.id}`);
    const cust = page.getByRole('complementary', { name: 'Customer' });
    await cust.locator('.customer-tickets li', { hasText: old.reference }).waitFor();
    assert(/Closed/.test(await cust.locator('.customer-tickets li', { hasText: old.reference }).textContent()), 'the old one reads Closed');
    assert(/Eva/.test(await cust.locator('.customer-who').textContent()), 'the customer named');
    const cb = await cust.boundingBox();
    const tb = await page.locator('.pane-ticket').boundingBox();
    assert(cb.x >= tb.x + tb.width - 1, 'three panes');
    await cust.getByRole('link', { name: old.reference }).click();
    await page.waitForURL(`**/#/tickets/${old.id}`);
    await page.locator('.pane-ticket').getByRole('heading', { name: old.reference, level: 1 }).waitFor();
    console.log(`     ${await screenshot(page, 'layout-three-panes')}`);
    // Below 1400 px there is no customer pane.
    await page.setViewportSize(LAPTOP);
    await eventually(async () => !(await page.locator('.pane-customer').isVisible()), { what: 'no customer pane at 1366 px' });
  }, { timeout: 60000 });

  test('layout: a phone\'s ticket has a bottom bar with Take, Reply and Close of at least 44 px', async (b) => {
    const agent = await makeUser('agent');
    const t = await simulate(`Phone help ${uniq()}`);
    const page = await b.page(PHONE);
    await signIn(page, agent.email, agent.password);
    await page.goto(`${BASE}/#/tickets/${t.id}`);
    await page.locator('.timeline .item').first().waitFor();
    const bar = page.getByRole('navigation', { name: 'Ticket actions' });
    const take = bar.getByRole('button', { name: 'Take' });
    await take.waitFor();
    const tbx = await take.boundingBox();
    assert(tbx.height >= 44 && inView(tbx, PHONE), `Take in reach: ${JSON.stringify(tbx)}`);
    assert(!(await page.locator('details.details-box').evaluate((d) => d.open)), 'the details are folded');
    await take.click();
    const reply = bar.getByRole('button', { name: 'Reply' });
    const close = bar.getByRole('button', { name: 'Close' });
    await reply.waitFor();
    for (const [name, el] of [['Reply', reply], ['Close', close]]) {
      const bx = await el.boundingBox();
      assert(bx && bx.height >= 44 && bx.width >= 44 && inView(bx, PHONE), `${name}: ${JSON.stringify(bx)}`);
    }
    // Scrolled down the conversation, the bar stays within reach.
    await page.mouse.wheel(0, 2000);
    assert(inView(await reply.boundingBox(), PHONE), 'the bar stays on screen');
    await reply.click();
    await eventually(async () => page.evaluate(() => document.activeElement && document.activeElement.closest('form.compose') !== null),
      { what: 'Reply puts the focus in the reply box' });
    await close.click();
    await eventually(async () => page.evaluate(() => document.activeElement && document.activeElement.closest('form.close-form') !== null),
      { what: 'Close puts the focus in the resolution' });
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(over <= 0, `${over} px wider than the phone`);
    console.log(`     ${await screenshot(page, 'layout-phone-bar')}`);
  }, { timeout: 60000 });

  test('layout: Reply and Note are the tabs of one composer, with Ctrl+Enter and the focus kept', async (b) => {
    const t = await simulate(`Tabs ${uniq()}`);
    const page = await b.page(LAPTOP);
    await signIn(page);
    await page.goto(`${BASE}/#/tickets/${t.id}`);
    await page.getByRole('button', { name: 'Take' }).click();
    const tabs = page.getByRole('tablist', { name: 'Write' });
    await tabs.waitFor();
    const replyTab = tabs.getByRole('tab', { name: 'Reply' });
    const noteTab = tabs.getByRole('tab', { name: 'Note' });
    await eventually(async () => (await replyTab.getAttribute('aria-selected')) === 'true', { what: 'Reply selected' });
    // Take is done once it has put the focus in the reply box (it selects
    // Reply as it ends: a Note click before that would be undone).
    await eventually(async () => page.evaluate(() => document.activeElement && document.activeElement.closest('form.compose') !== null),
      { what: 'Take done, the focus in the reply box' });
    assert(await page.getByLabel('Internal note', { exact: true }).isHidden(), 'one panel at a time');
    await noteTab.click();
    assert((await noteTab.getAttribute('aria-selected')) === 'true', 'Note selected');
    assert(await page.getByLabel('Reply to the customer').isHidden(), 'the reply panel hidden');
    const note = page.getByRole('textbox', { name: 'Internal note' });
    assert(await note.evaluate((el) => el === document.activeElement), 'the tab puts the focus in its box');
    await note.fill('Checked the order');
    await page.keyboard.press('Control+Enter');
    await page.locator('.timeline .item.kind-note', { hasText: 'Checked the order' }).waitFor().catch(async () => {
      await page.locator('.timeline .item', { hasText: 'Checked the order' }).waitFor();
    });
    await eventually(async () => note.evaluate((el) => el === document.activeElement && el.value === ''), { what: 'focus back in the emptied note box' });
    // The tablist pattern: arrows move between the tabs.
    await noteTab.focus();
    await page.keyboard.press('ArrowLeft');
    assert((await replyTab.getAttribute('aria-selected')) === 'true', 'ArrowLeft selects Reply');
    assert(await replyTab.evaluate((el) => el === document.activeElement), 'and focuses it');
    // n and r switch tabs too.
    await page.locator('body').evaluate(() => document.activeElement.blur());
    await page.keyboard.press('n');
    assert((await noteTab.getAttribute('aria-selected')) === 'true' && await note.evaluate((el) => el === document.activeElement), 'n: the note tab');
    await page.locator('body').evaluate(() => document.activeElement.blur());
    await page.keyboard.press('r');
    assert((await replyTab.getAttribute('aria-selected')) === 'true', 'r: the reply tab');
    console.log(`     ${await screenshot(page, 'layout-tabs')}`);
  }, { timeout: 60000 });
}
