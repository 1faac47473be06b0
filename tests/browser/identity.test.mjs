// Browser tests of issue 16's identity part: a customer who writes from a
// WhatsApp username with no phone number shows on the ticket by username
// (and user id), in the inbox and on the ticket. Registered by
// panel.test.mjs (TICK_BROWSER_ONLY='^identity' runs these alone).
import {
  BASE, PNID, adminToken, api, assert, postWebhook, screenshot, signIn, sql, uniq,
} from './lib.mjs';

function usernameMessage(uid, username, text) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550001111', phone_number_id: PNID },
      contacts: [{ profile: { name: 'Ana', username }, user_id: uid }],
      messages: [{ from_user_id: uid, id: `wamid.BI${uniq()}`, timestamp: String(Math.floor(Date.now() / 1000)),
        type: 'text', text: { body: text } }],
    } }] }],
  };
}

export function register(test) {
  test('identity: a username-only customer shows by username on the inbox and the ticket', async (b) => {
    const uid = `MX.${uniq()}`;
    const username = `ana.${uniq()}`;
    const r = await postWebhook(usernameMessage(uid, username, `no phone here ${uniq()}`));
    assert(r.status === 200, `webhook: ${r.status} ${r.text}`);
    const rows = sql(`SELECT t.id FROM tickets t JOIN whatsapp_contacts c ON c.id = t.contact_id WHERE c.user_id = '${uid}'`);
    const id = Number(rows.length ? rows[0][0] : 0);
    assert(id > 0, 'a ticket for the username-only customer');
    const got = (await api('GET', `/api/tickets/${id}`, { token: await adminToken() })).json.data;
    assert(got.username === username && got.whatsapp_user_id === uid && got.mobile === null, `the ticket: ${JSON.stringify(got)}`);

    const page = await b.page();
    await signIn(page);
    await page.locator('.cust-username', { hasText: `@${username}` }).first().waitFor();
    await page.goto(`${BASE}/#/tickets/${id}`);
    await page.locator('.sub-username', { hasText: `@${username}` }).waitFor();
    await page.getByText(uid, { exact: true }).waitFor();
    console.log(`     ${await screenshot(page, 'identity-username')}`);
  });
}
