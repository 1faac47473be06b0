// Browser tests of issue 16's richer conversations: on the ticket, a
// quoted reply shows its quote, a reaction sits on its bubble, a button
// answer says so, an edited message says "edited" (with the text before)
// and a deleted one "Deleted by the customer"; the agent reacts from the
// bubble and quotes a message in a reply, both reaching the fake Graph API
// as Meta documents. Registered by panel.test.mjs
// (TICK_BROWSER_ONLY='^richmsg' runs these alone).
import {
  BASE, adminToken, api, assert, assignToAdmin, eventually, graphSent, messagePayload, newPhone, postWebhook,
  screenshot, signIn, sql, uniq,
} from './lib.mjs';

async function customer(phone, message) {
  const p = messagePayload(phone, 'Ana Ruiz', message);
  const r = await postWebhook(p);
  assert(r.status === 200, `webhook: ${r.status} ${r.text}`);
  return p.entry[0].changes[0].value.messages[0].id;
}

export function register(test) {
  test('richmsg: quotes, reactions, answers, edits and deletions show on the bubbles; the agent reacts and quotes', async (b) => {
    const phone = newPhone();
    const first = await customer(phone, { type: 'text', text: { body: `my pump leaks ${uniq()}` } });
    const id = Number(sql(`SELECT id FROM tickets WHERE mobile = '${phone}'`)[0][0]);
    await assignToAdmin(id);
    const tok = await adminToken();
    const r = await api('POST', `/api/tickets/${id}/reply`, { token: tok, body: { message: 'Which model is it?' } });
    assert(r.status === 201, `reply: ${r.status} ${r.text}`);
    const out = r.json.data.whatsapp.wamid;
    await customer(phone, { type: 'text', text: { body: 'An X200' }, context: { from: '15550001111', id: out } });
    await customer(phone, { type: 'reaction', reaction: { message_id: out, emoji: '👍' } });
    await customer(phone, { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'urgent', title: 'It is urgent' } } });
    const typo = await customer(phone, { type: 'text', text: { body: 'serial 1234' } });
    await customer(phone, { type: 'edit', edit: { original_message_id: typo, message: { type: 'text', text: { body: 'serial 4321' } } } });
    const gone = await customer(phone, { type: 'text', text: { body: 'my home address is secret street' } });
    await customer(phone, { type: 'revoke', revoke: { original_message_id: gone } });

    const page = await b.page();
    await signIn(page);
    await page.goto(`${BASE}/#/tickets/${id}`);
    const quoted = page.locator('li.item', { hasText: 'An X200' });
    await quoted.locator('.quote', { hasText: 'Which model is it?' }).waitFor();
    await page.locator('li.item', { hasText: 'Which model is it?' }).locator('.reactions .reaction-customer', { hasText: '👍' }).waitFor();
    await page.locator('li.item', { hasText: 'It is urgent' }).locator('.answer-mark', { hasText: 'Button answer' }).waitFor();
    const edited = page.locator('li.item', { hasText: 'serial 4321' });
    await edited.locator('.edited-mark').waitFor();
    await edited.locator('.edit-history summary').click();
    await edited.locator('.edit-history li', { hasText: 'serial 1234' }).waitFor();
    await page.locator('.deleted-mark', { hasText: 'Deleted by the customer' }).waitFor();
    assert(await page.getByText('secret street').count() === 0, 'a deleted message shows no text');
    // No bubble of its own for a reaction, an edit or a deletion.
    assert(await page.locator('li.item', { hasText: '[reaction]' }).count() === 0, 'no reaction bubble');
    console.log(`     ${await screenshot(page, 'richmsg-ticket')}`);

    // The agent reacts to the customer's first message from its bubble.
    const firstItem = page.locator('li.item', { hasText: 'my pump leaks' });
    await firstItem.locator('.react-picker summary').click();
    await firstItem.getByRole('button', { name: 'React 🙏' }).click();
    await page.getByText('Reaction sent.').waitFor();
    await eventually(async () => (await graphSent(phone)).some((x) => x.body.type === 'reaction'
      && x.body.reaction.message_id === first && x.body.reaction.emoji === '🙏'), { what: 'the reaction sent to Meta' });
    await page.locator('li.item', { hasText: 'my pump leaks' }).locator('.reaction-agent', { hasText: '🙏' }).waitFor();

    // ...and quotes "An X200" in a reply.
    await page.locator('li.item', { hasText: 'An X200' }).getByRole('button', { name: 'Quote in reply' }).click();
    await page.locator('.quoting', { hasText: 'An X200' }).waitFor();
    const text = `Noted, thanks ${uniq()}`;
    await page.getByLabel('Reply to the customer').fill(text);
    await page.getByRole('button', { name: 'Send reply' }).click();
    await eventually(async () => (await graphSent(phone)).some((x) => x.body.text && x.body.text.body === text
      && x.body.context && x.body.context.message_id), { what: 'the quoted reply sent with its context' });
    await page.locator('li.item', { hasText: text }).locator('.quote', { hasText: 'An X200' }).waitFor();
    assert(await page.locator('.quoting').isHidden(), 'the quote is cleared after sending');
    console.log(`     ${await screenshot(page, 'richmsg-agent')}`);
  });
}
