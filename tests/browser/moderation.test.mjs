// Browser tests of issue 17's panel: a text the AI safety check flagged is
// hidden behind "Show" in the conversation, the ticket and its inbox row
// carry the Flagged mark, and a super admin clears it. The stack runs with
// MODERATION_PROVIDER none, so the check's verdict is written as `tick
// outbox` would write it (tests/integration/test_moderation.py drives the
// providers). Registered by panel.test.mjs (TICK_BROWSER_ONLY='^moderation'
// runs these alone).
import { BASE, adminToken, api, assert, eventually, screenshot, signIn, simulate, sql, uniq } from './lib.mjs';

export function register(test) {
  test('moderation: a flagged text is hidden until Show, the ticket is marked, a super admin clears it', async (b) => {
    const words = `You are all useless ${uniq()}`;
    const t = await simulate(words);
    const [[mid]] = sql(`SELECT id FROM whatsapp_messages WHERE ticket_id = ${t.id} AND direction = 'in' ORDER BY id LIMIT 1`);
    sql(`INSERT INTO message_moderation (message_id, ticket_id, state, provider, model, flagged, categories, suggestion,
         latency_ms, attempts) VALUES (${mid}, ${t.id}, 'done', 'gemini', 'gemini-2.5-flash', 1,
         '{"harassment":0.93,"hate":0,"sexual":0,"violence":0,"self_harm":0,"dangerous":0,"personal_data":0}', NULL, 120, 1)`);
    const got = (await api('GET', `/api/tickets/${t.id}`, { token: await adminToken() })).json.data;
    assert(got.flagged === true, `the ticket flagged: ${JSON.stringify(got.flagged)}`);

    const page = await b.page();
    await signIn(page);
    // The inbox's row says it, in words.
    await page.goto(`${BASE}/#/inbox?q=${encodeURIComponent(t.reference)}`);
    const row = page.locator(`tr.ticket-row[data-id="${t.id}"]`);
    await row.waitFor();
    await row.getByText('Flagged').waitFor();

    await page.goto(`${BASE}/#/tickets/${t.id}`);
    await page.locator('.ticket-head').getByText('Flagged').waitFor();
    const item = page.locator(`li.item[data-wa-id="${mid}"]`);
    await item.waitFor();
    const text = item.locator('.bubble-text');
    assert(!(await text.isVisible()), 'the flagged text is hidden at first');
    await item.getByText('Flagged by the safety check').waitFor();
    console.log(`     ${await screenshot(page, 'moderation-hidden')}`);
    await item.getByRole('button', { name: 'Show' }).click();
    await eventually(async () => text.isVisible(), { what: 'the text shown after Show' });
    assert((await text.textContent()).includes(words), 'the text is the customer\'s');
    assert(await item.getByRole('button', { name: 'Show' }).count() === 0, 'Show is gone once used');

    // A super admin clears it: shown, unmarked, and on record.
    await item.getByRole('button', { name: 'Not abusive: clear' }).click();
    await page.getByText('The message is cleared.').waitFor();
    await eventually(async () => (await page.locator('.ticket-head').getByText('Flagged').count()) === 0,
      { what: 'the Flagged mark gone' });
    assert(await page.locator(`li.item[data-wa-id="${mid}"] .bubble-text`).isVisible(), 'the cleared text is shown');
    const [[n]] = sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'moderation.clear' AND entity_id = '${mid}'`);
    assert(n === '1', `the clear is audited: ${n}`);
  });
}
