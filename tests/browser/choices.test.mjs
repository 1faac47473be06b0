// Browser tests of issue 16's reply buttons and lists (js/choices.js): on a
// ticket, with the keyboard only, an agent adds two buttons to a reply and
// then sends a list of three rows; the fake Graph API received both in
// Meta's interactive shape; a title too long for WhatsApp is refused by the
// API and its message shows beside the box. Registered by panel.test.mjs
// (TICK_BROWSER_ONLY='^choices' runs these alone).
import {
  BASE, assert, assignToAdmin, eventually, graphSent, messagePayload, newPhone, postWebhook, screenshot, signIn, sql,
  uniq,
} from './lib.mjs';

const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return el ? (el.labels && el.labels[0] ? el.labels[0].textContent : el.textContent) : '';
});

export function register(test) {
  test('choices: an agent sends buttons and a list from the ticket with the keyboard; a too-long title is refused beside its box', async (b) => {
    const page = await b.page();
    await signIn(page);

    const phone = newPhone();
    const p = messagePayload(phone, `Bea ${uniq()}`, { type: 'text', text: { body: `the boiler again ${uniq()}` } });
    assert((await postWebhook(p)).status === 200, 'webhook');
    const id = Number(sql(`SELECT id FROM tickets WHERE mobile = '${phone}'`)[0][0]);
    await assignToAdmin(id);
    await page.goto(`${BASE}/#/tickets/${id}`);
    const box = page.getByLabel('Reply to the customer');
    await box.waitFor();
    const interactive = async (kind) => (await graphSent(phone)).filter((x) => x.body.type === 'interactive'
      && x.body.interactive && x.body.interactive.type === kind);

    // Two buttons: Tab from the reply box to "Add buttons", Enter opens the
    // editor on its first box, Tab moves on, Ctrl+Enter sends.
    const q1 = `Which day suits you? ${uniq()}`;
    await box.focus();
    await page.keyboard.type(q1);
    const addButtons = page.getByRole('button', { name: 'Add buttons' });
    await page.keyboard.press('Tab');
    assert(await addButtons.evaluate((el) => document.activeElement === el), `Tab reaches Add buttons (${await focused(page)})`);
    await page.keyboard.press('Enter');
    const editor = page.getByRole('group', { name: 'Reply buttons (up to 3)' });
    await editor.waitFor();
    assert((await addButtons.getAttribute('aria-expanded')) === 'true', 'Add buttons says the editor is open');
    const b1 = editor.getByLabel('Button 1', { exact: true });
    assert(await b1.evaluate((el) => document.activeElement === el), 'the first box has the focus');
    await page.keyboard.type('Monday');
    await editor.getByText('6 of 20 characters').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.type('Tuesday');
    // Escape closes the editor; the buttons stay on the reply.
    await page.keyboard.press('Escape');
    await eventually(async () => editor.isHidden(), { what: 'the editor closed by Escape' });
    const summary = page.getByRole('group', { name: 'Reply buttons' });
    await summary.getByText('Monday').waitFor();
    await summary.getByText('Tuesday').waitFor();
    assert(await summary.getByRole('button', { name: 'Edit buttons' }).evaluate((el) => document.activeElement === el),
      `the focus goes back to Edit buttons (${await focused(page)})`);
    await box.focus();
    await page.keyboard.press('Control+Enter');
    await page.getByText('Reply sent.').waitFor();
    let sent = null;
    await eventually(async () => {
      sent = (await interactive('button')).find((x) => x.body.interactive.body.text === q1);
      return Boolean(sent);
    }, { what: 'the buttons sent to Meta' });
    const ia = sent.body.interactive;
    assert(JSON.stringify(ia.action.buttons.map((x) => [x.type, x.reply.title])) === JSON.stringify([['reply', 'Monday'],
      ['reply', 'Tuesday']]), `the buttons: ${JSON.stringify(ia.action.buttons)}`);
    assert(ia.action.buttons.every((x) => x.reply.id), 'each button has an id');
    assert(sent.answer === 200, `Meta took it: ${sent.answer}`);
    await page.locator('li.item', { hasText: q1 }).locator('.choices .chip', { hasText: 'Tuesday' }).waitFor();
    assert(await summary.isHidden(), 'the buttons are cleared after sending');

    // A list of three rows, the first with a description.
    const q2 = `Pick a time ${uniq()}`;
    await box.focus();
    await page.keyboard.type(q2);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const addList = page.getByRole('button', { name: 'Add list' });
    assert(await addList.evaluate((el) => document.activeElement === el), `Tab reaches Add list (${await focused(page)})`);
    await page.keyboard.press('Enter');
    const listEditor = page.getByRole('group', { name: 'Reply list (up to 10 rows)' });
    await listEditor.waitFor();
    await page.keyboard.type('Choose a slot');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Morning');
    await page.keyboard.press('Tab');
    await page.keyboard.type('From 8 to 12');
    await page.keyboard.press('Tab'); // Remove row
    await page.keyboard.press('Tab'); // Add row
    await page.keyboard.press('Enter');
    assert(await listEditor.getByLabel('Row 2 title').evaluate((el) => document.activeElement === el), 'the new row has the focus');
    await page.keyboard.type('Afternoon');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Evening');
    console.log(`     ${await screenshot(page, 'choices-list')}`);
    await page.keyboard.press('Control+Enter');
    await page.getByText('Reply sent.').waitFor();
    await eventually(async () => {
      sent = (await interactive('list')).find((x) => x.body.interactive.body.text === q2);
      return Boolean(sent);
    }, { what: 'the list sent to Meta' });
    const la = sent.body.interactive.action;
    assert(la.button === 'Choose a slot', `the list's button: ${JSON.stringify(la)}`);
    assert(la.sections.length === 1, `one section: ${JSON.stringify(la.sections)}`);
    const rows = la.sections[0].rows;
    assert(JSON.stringify(rows.map((r) => r.title)) === JSON.stringify(['Morning', 'Afternoon', 'Evening']),
      `the rows: ${JSON.stringify(rows)}`);
    assert(rows[0].description === 'From 8 to 12' && rows[1].description === undefined, `descriptions: ${JSON.stringify(rows)}`);
    assert(rows.every((r) => r.id) && new Set(rows.map((r) => r.id)).size === 3, `row ids: ${JSON.stringify(rows)}`);
    assert(sent.answer === 200, `Meta took it: ${sent.answer}`);
    await page.locator('li.item', { hasText: q2 }).locator('.choices', { hasText: 'Afternoon' }).waitFor();
    assert(await listEditor.isHidden(), 'the list editor is closed after sending');

    // Too long: the counter warns, the API refuses, the message is beside
    // the box (the second button: buttons[1].title) and nothing is sent.
    const q3 = `Shall we? ${uniq()}`;
    const before = (await graphSent(phone)).length;
    await box.focus();
    await page.keyboard.type(q3);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await editor.waitFor();
    await page.keyboard.type('Yes');
    await page.keyboard.press('Tab');
    const long = 'Yes, and bring the spare parts';
    await page.keyboard.type(long);
    await editor.getByText(`${long.length} of 20 characters: ${long.length - 20} too many`).waitFor();
    await page.keyboard.press('Control+Enter');
    const b2 = editor.getByLabel('Button 2');
    await eventually(async () => (await b2.getAttribute('aria-invalid')) === 'true', { what: 'the second box marked invalid' });
    const errId = (await b2.getAttribute('aria-describedby')).split(' ').find((x) => x.endsWith('-err'));
    const msg = await page.locator(`[id="${errId}"]`).textContent();
    assert(/at most 20 characters/.test(msg), `the message beside the box: ${msg}`);
    assert(await b2.evaluate((el) => document.activeElement === el), 'the focus is on the refused box');
    assert(await editor.isVisible(), 'the editor is open on the refusal');
    console.log(`     ${await screenshot(page, 'choices-refused')}`);
    await new Promise((r) => setTimeout(r, 500));
    assert((await graphSent(phone)).length === before, 'nothing went to Meta');
    const stored = sql(`SELECT COUNT(*) FROM replies WHERE ticket_id = ${id} AND message LIKE '${q3.replace(/'/g, "''")}%'`)[0][0];
    assert(Number(stored) === 0, `nothing stored: ${stored}`);
  });
}
