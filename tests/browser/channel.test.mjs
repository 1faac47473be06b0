// Browser tests of issue 16's channel health: a token the fake Graph API
// rejects (190) turns a red banner on, on every screen, for every
// signed-in user (with a link to the WhatsApp screen for super admins),
// told by the live stream; a good send takes it away. Registered by
// panel.test.mjs (TICK_BROWSER_ONLY='^channel' runs these alone).
import {
  BASE, adminToken, api, assert, assignToAdmin, eventually, graph, makeUser, screenshot, signIn, simulate, sql, uniq,
  waitLive,
} from './lib.mjs';

const RED = 'WhatsApp token rejected (190): replies are not reaching customers';

export function register(test) {
  test('channel: a rejected token shows a red banner everywhere until a send goes', async (b) => {
    sql('DELETE FROM whatsapp_channel_health');
    const agent = await makeUser('agent');
    const tok = await adminToken();
    const t = await simulate(`my order ${uniq()} is late`);
    await assignToAdmin(t.id);

    const admin = await b.page();
    const csp = [];
    admin.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
    await signIn(admin);
    const ap = await b.page();
    await signIn(ap, agent.email, agent.password);
    await waitLive(admin, 10000);
    await waitLive(ap, 10000);
    assert(await admin.locator('#channel-health:visible').count() === 0, 'no banner while the channel is ok');

    // Meta rejects the token: the reply fails with 190.
    await graph('POST', '/_fake/mode', { mode: 'error:190', times: 1 });
    const r = await api('POST', `/api/tickets/${t.id}/reply`, { token: tok, body: { message: 'are you there?' } });
    assert(r.status === 201 && r.json.data.whatsapp.error_code === 190, `reply: ${r.status} ${r.text}`);

    // Both see the red banner, told by the live stream (events settle 0.7 s).
    for (const page of [admin, ap]) {
      const banner = page.locator('#channel-health');
      await banner.waitFor({ state: 'visible', timeout: 15000 });
      await eventually(async () => (await banner.textContent()).includes(RED), { what: 'the token banner' });
      assert((await banner.getAttribute('class')).includes('notice-error'), 'the banner is red');
      assert(await banner.getAttribute('role') === 'alert', 'an error is an alert');
    }
    const link = admin.locator('#channel-health').getByRole('link', { name: 'See the WhatsApp status' });
    assert(await link.count() === 1, 'a super admin gets the link');
    assert(await ap.locator('#channel-health a').count() === 0, 'an agent gets no link');
    console.log(`     ${await screenshot(admin, 'channel-token-banner')}`);

    // Every screen shows it: the agent's contacts, the admin's status page.
    await ap.goto(`${BASE}/#/contacts`);
    await ap.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await ap.locator('#channel-health').getByText(RED).waitFor();
    await link.click();
    await admin.getByRole('heading', { level: 1 }).filter({ hasText: /WhatsApp/ }).waitFor();
    await admin.locator('#channel-health').getByText(RED).waitFor();
    // The status screen says the same, with since when.
    await admin.locator('.wa-status dd', { hasText: RED }).waitFor();

    // A good send clears it for everyone.
    const ok = await api('POST', `/api/tickets/${t.id}/reply`, { token: tok, body: { message: 'sorry, here now' } });
    assert(ok.status === 201 && ok.json.data.whatsapp.status === 'sent', `reply: ${ok.status} ${ok.text}`);
    for (const page of [admin, ap]) {
      await page.locator('#channel-health').waitFor({ state: 'hidden', timeout: 15000 });
    }
    assert(csp.length === 0, `CSP violations: ${csp.join(' | ')}`);
  }, { timeout: 90000 });
}
