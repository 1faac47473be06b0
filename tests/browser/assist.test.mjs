// Browser tests of issue 17's photo checks and agent assistance on a
// ticket: a photo the safety check flagged is blurred until clicked, with
// its categories beside it; and "Summarize"
// shows a summary in the Assistant card, "Suggest reply" fills the reply
// box without sending anything, "Translate" shows a message's translation
// under it. The stack runs with MODERATION_PROVIDER none, so the first test
// answers the assist route in the browser with what the API answers
// (tests/integration/test_assist.py drives the real route against the
// provider fakes); the last goes to the real API and sees the assistant
// off. Registered by panel.test.mjs (TICK_BROWSER_ONLY='^assist' runs these
// alone).
import {
  BASE, assert, assignToAdmin, eventually, graphSent, makePng, screenshot, serveCloudinary, signIn, simulate, sql, uniq,
} from './lib.mjs';

export function register(test) {
  test('assist: a flagged photo is blurred until clicked, its categories shown', async (b) => {
    const t = await simulate(`Look at this ${uniq()}`);
    const [[mid]] = sql(`SELECT id FROM whatsapp_messages WHERE ticket_id = ${t.id} AND direction = 'in' ORDER BY id LIMIT 1`);
    // The photo kept on Cloudinary and its check as `tick outbox` writes it
    // (tests/integration/test_moderation.py drives the providers).
    const url = `https://res.cloudinary.com/testcloud/image/upload/v1717000000/tick/${t.reference}/wa_${mid}`;
    sql(`INSERT INTO attachments (ticket_id, message_id, direction, state, secure_url, mime_type, bytes)
         VALUES (${t.id}, ${mid}, 'in', 'stored', '${url}', 'image/png', 2048)`);
    const [[aid]] = sql(`SELECT id FROM attachments WHERE message_id = ${mid}`);
    sql(`INSERT INTO message_moderation (message_id, kind, ticket_id, attachment_id, state, provider, model, flagged,
         categories, latency_ms, attempts) VALUES (${mid}, 'image', ${t.id}, ${aid}, 'done', 'gemini', 'gemini-2.5-flash', 1,
         '{"harassment":0,"hate":0,"sexual":0.91,"violence":0.62,"self_harm":0,"dangerous":0,"personal_data":0}', 300, 1)`);
    const page = await b.page();
    await serveCloudinary(page, makePng(320, 200));
    await signIn(page);
    await page.goto(`${BASE}/#/tickets/${t.id}`);
    await page.locator('.ticket-head').getByText('Flagged').waitFor();
    const fig = page.locator(`figure.attachment-image[data-att="${aid}"]`);
    await fig.waitFor();
    await fig.getByText('Photo flagged by the safety check: sexual content 91%, violence 62%').waitFor();
    const blur = () => fig.locator('img').evaluate((img) => getComputedStyle(img).filter);
    assert((await blur()).includes('blur'), `blurred at first: ${await blur()}`);
    console.log(`     ${await screenshot(page, 'photo-flagged')}`);
    // The first click shows it here and opens nothing.
    const pages = page.context().pages().length;
    await fig.locator('a.thumb').click();
    await eventually(async () => !(await blur()).includes('blur'), { what: 'the photo unblurred' });
    assert(page.context().pages().length === pages, 'the first click opened no tab');
    // A super admin clears it: the photo is no longer marked, nor the ticket.
    await fig.getByRole('button', { name: 'Not abusive: clear' }).click();
    await page.getByText('The message is cleared.').waitFor();
    await eventually(async () => (await page.locator('.ticket-head').getByText('Flagged').count()) === 0
      && (await page.locator(`figure.attachment-image[data-att="${aid}"].photo-flagged`).count()) === 0,
    { what: 'the photo and the ticket unmarked' });
  });

  test('assist: summarize, suggest a reply into the composer (not sent), translate a message', async (b) => {
    const words = `La bomba 3 pierde aceite ${uniq()}`;
    const t = await simulate(words);
    await assignToAdmin(t.id);
    const [[mid]] = sql(`SELECT id FROM whatsapp_messages WHERE ticket_id = ${t.id} AND direction = 'in' ORDER BY id LIMIT 1`);
    const asked = [];
    const page = await b.page();
    await page.route(/\/api\/tickets\/\d+\/assist$/, async (route) => {
      if (route.request().method() === 'GET') {
        return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ success: true,
          data: { enabled: true, provider: 'gemini', model: 'gemini-2.5-flash', language: 'English',
            kinds: ['summary', 'reply', 'translate'] } }) });
      }
      const body = JSON.parse(route.request().postData() || '{}');
      asked.push(body);
      const text = body.kind === 'summary' ? 'The customer reports an oil leak at pump 3.'
        : body.kind === 'reply' ? 'Gracias, enviamos a alguien a la bomba 3.'
          : 'Pump 3 is leaking oil';
      await route.fulfill({
        status: 200, contentType: 'application/json',
        body: JSON.stringify({ success: true, data: {
          kind: body.kind, text, provider: 'gemini', model: 'gemini-2.5-flash', latency_ms: 420,
          language: body.kind === 'reply' ? null : 'English', message_id: body.message_id ?? null } }),
      });
    });
    await signIn(page);
    await page.goto(`${BASE}/#/tickets/${t.id}`);
    const card = page.locator('section.assist');
    await card.waitFor();
    const sent = (await graphSent(t.phone)).length;

    await card.getByRole('button', { name: 'Summarize' }).click();
    await card.getByText('The customer reports an oil leak at pump 3.').waitFor();
    await card.getByText('gemini · gemini-2.5-flash · 0.4 s').waitFor();

    await card.getByRole('button', { name: 'Suggest reply' }).click();
    const box = page.getByLabel('Reply to the customer');
    await eventually(async () => (await box.inputValue()) === 'Gracias, enviamos a alguien a la bomba 3.',
      { what: 'the draft in the reply box' });
    await card.getByText('A draft is in the reply box').waitFor();

    const item = page.locator(`li.item[data-wa-id="${mid}"]`);
    await item.getByRole('button', { name: 'Translate' }).click();
    await item.locator('.translation').getByText('Pump 3 is leaking oil').waitFor();
    await item.getByText('Translation (English):').waitFor();
    assert(await item.getByRole('button', { name: 'Translate' }).count() === 0, 'the translation replaces its button');
    console.log(`     ${await screenshot(page, 'assist')}`);

    assert(JSON.stringify(asked) === JSON.stringify([{ kind: 'summary' }, { kind: 'reply' },
      { kind: 'translate', message_id: Number(mid) }]), `what the panel asked: ${JSON.stringify(asked)}`);
    // Nothing reached the customer: the draft waits for the agent.
    assert((await graphSent(t.phone)).length === sent, 'nothing sent to the customer');
    assert((await box.inputValue()).includes('bomba 3'), 'the draft is still in the box');
  });

  test('assist: with no provider nothing of the assistant shows', async (b) => {
    const t = await simulate(`Printer jammed ${uniq()}`);
    const page = await b.page();
    let asked = 0;
    page.on('request', (r) => { if (/\/assist$/.test(r.url())) asked += 1; });
    await signIn(page);
    await page.goto(`${BASE}/#/tickets/${t.id}`);
    await page.locator(`li.item[data-author="customer"]`).first().waitFor();
    await eventually(async () => asked === 1, { what: 'the desk asked once whether assistance is on' });
    await page.waitForTimeout(300);
    assert(!(await page.locator('section.assist').isVisible()), 'no Assistant card');
    assert(await page.locator('.translate-btn').count() === 0, 'no Translate buttons');
  });
}
