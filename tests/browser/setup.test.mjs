// Issue 19's setup checklist: on an empty desk a super admin's inbox walks
// them through connecting WhatsApp instead of "No tickets match these
// filters". The harness's desk already has tickets, so the browser test
// answers the two list requests itself (an empty desk, in the browser
// only); the rules themselves (js/setup.js, pure) run here in Node too.
// Registered by panel.test.mjs (TICK_BROWSER_ONLY='^setup' runs these).
import {
  BASE, PHONE, adminToken, api, assert, eventually, makeUser, messagePayload, newPhone, postWebhook, signIn,
} from './lib.mjs';
import { setupChecklist, showSetup, webhookUrl } from '../../nginx/panel/js/setup.js';
import { audit } from './axe.test.mjs';

const LAPTOP = { width: 1366, height: 768 };

// The desk as empty, for this page only: no ticket in the stats nor the list.
async function emptyDesk(page) {
  await page.route((url) => url.pathname === '/api/tickets/stats', (route) => route.fulfill({
    status: 200, contentType: 'application/json',
    body: JSON.stringify({ data: { total: 0, by_status: { new: 0, assigned: 0, in_progress: 0, closed: 0, pending: 0 } } }),
  }));
  await page.route((url) => url.pathname === '/api/tickets', (route) => (route.request().method() !== 'GET' ? route.continue()
    : route.fulfill({
      status: 200, contentType: 'application/json',
      body: JSON.stringify({ data: { items: [], total: 0, page: 1, limit: 25, next_cursor: null, new_for_me: 0 } }),
    })));
}

export function register(test) {
  test('setup: the checklist\'s rules (who sees it, each item done or not, the webhook URL)', async () => {
    assert(showSetup({ role: 'super_admin', deskTotal: 0 }), 'a super admin on an empty desk');
    assert(!showSetup({ role: 'super_admin', deskTotal: 1 }), 'not once there is a ticket');
    assert(!showSetup({ role: 'admin', deskTotal: 0 }), 'not for an admin');
    assert(!showSetup({ role: 'super_admin', deskTotal: 0, page: 2 }), 'not past the first page');
    assert(webhookUrl('https://desk.example.com/') === 'https://desk.example.com/api/whatsapp/webhook', 'the URL');
    const none = setupChecklist({ status: {}, users: 1, origin: 'https://d.example' });
    assert(none.map((i) => i.key).join() === 'keys,webhook_url,last_webhook,signature,template,agents', 'the order');
    assert(none.every((i) => !i.done && i.href.startsWith('#/')), 'nothing done, each with a link');
    assert(none.find((i) => i.key === 'webhook_url').detail.includes('https://d.example/api/whatsapp/webhook'), 'the URL named');
    const all = setupChecklist({
      status: { configured: true, phone_number_id: '1', verify_token_set: true, last_webhook_at: '2026-01-01T00:00:00.000Z',
        signature_check: true, template: 'hello' },
      users: 2, origin: 'https://d.example',
    });
    assert(all.every((i) => i.done), `all done: ${JSON.stringify(all.filter((i) => !i.done))}`);
    assert(all.find((i) => i.key === 'agents').href === '#/users', 'agents link to Users');
  });

  for (const [label, viewport] of [['1366x768', LAPTOP], ['390x844', PHONE]]) {
    test(`setup: a super admin's empty inbox shows the checklist with the desk's state (${label})`, async (b) => {
      // A webhook received: the status route says when.
      const r = await postWebhook(messagePayload(newPhone(), 'Setup', { type: 'text', text: { body: 'setup check' } }));
      assert(r.status === 200, `webhook: ${r.status}`);
      const token = await adminToken();
      const status = (await api('GET', '/api/whatsapp/status', { token })).json.data;
      assert(typeof status.last_webhook_at === 'string', `last_webhook_at: ${status.last_webhook_at}`);
      const users = (await api('GET', '/api/users?limit=1', { token })).json.data.total;

      const page = await b.page(viewport);
      await emptyDesk(page);
      await signIn(page);
      const setup = page.getByRole('region', { name: 'Set up your desk' });
      await setup.waitFor();
      assert(!(await page.getByText('No tickets match these filters.').count()), 'the checklist instead of the empty message');
      const item = (key) => setup.locator(`li[data-key="${key}"]`);
      const done = async (key) => /^Done:/.test(await item(key).locator('strong').textContent());
      assert(await done('keys') === Boolean(status.configured), 'keys as the status says');
      assert(await done('signature') === status.signature_check, 'signature as the status says');
      assert(await done('template') === Boolean(status.template), 'template as the status says');
      assert(await done('last_webhook'), 'a webhook was received');
      assert(await done('agents') === (users > 1), `agents: ${users} users`);
      const url = await item('webhook_url').locator('code').textContent();
      assert(url === `${BASE}/api/whatsapp/webhook`, `the webhook URL: ${url}`);
      assert(await item('template').getByRole('link', { name: 'Go to WhatsApp' }).getAttribute('href') === '#/whatsapp', 'template link');
      const found = await audit(page, `setup checklist ${label}`);
      assert(found.length === 0, `axe found:\n  ${found.join('\n  ')}`);
      await item('agents').getByRole('link', { name: 'Go to Users' }).click();
      await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    });
  }

  test('setup: an agent on the same empty desk gets the plain message', async (b) => {
    const agent = await makeUser('agent');
    const page = await b.page(LAPTOP);
    await emptyDesk(page);
    await signIn(page, agent.email, agent.password);
    await page.getByText('No tickets match these filters.').waitFor();
    await page.waitForTimeout(300);
    assert(!(await page.getByRole('region', { name: 'Set up your desk' }).count()), 'no checklist for an agent');
  });
}
