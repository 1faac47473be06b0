// Browser tests of issue 16's canned replies and typing signal: a super
// admin creates a canned reply (with buttons) on its screen; on a ticket,
// "/" in the reply box opens the picker, driven with the keyboard only
// (arrows, Escape, Enter), which inserts the text with {name},
// {reference} and {agent} filled and its buttons; the reply goes out as
// Meta's interactive buttons message; typing sent the read mark with the
// typing indicator. Registered by panel.test.mjs
// (TICK_BROWSER_ONLY='^canned' runs these alone).
import {
  BASE, adminToken, api, assert, assignToAdmin, eventually, graph, graphSent, messagePayload, newPhone, postWebhook,
  screenshot, signIn, sql, uniq,
} from './lib.mjs';

export function register(test) {
  test('canned: a reply made on its screen is inserted with "/" and the keyboard, filled, and goes out with its buttons', async (b) => {
    const tok = await adminToken();
    const me = (await api('GET', '/api/auth/me', { token: tok })).json.data;
    const agentName = me.name || (me.user && me.user.name);
    const page = await b.page();
    await signIn(page);

    // The management screen, from the menu.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Canned replies' }).click();
    await page.getByRole('heading', { name: 'Canned replies', level: 1 }).waitFor();
    const create = page.getByRole('form', { name: 'Create a canned reply' });
    const code = `visit${uniq()}`;
    await create.getByLabel('Code').fill('Not A Code');
    await create.getByLabel('Title').fill('Technician visit');
    await create.getByLabel('Text').fill('Hello {name}, about {reference}: shall I book a visit? {agent}');
    await create.getByLabel('Button 1 (optional)').fill('Yes, book it');
    await create.getByLabel('Button 2 (optional)').fill('Not now');
    await create.getByRole('button', { name: 'Create canned reply' }).click();
    const codeInput = create.getByLabel('Code');
    await eventually(async () => (await codeInput.getAttribute('aria-invalid')) === 'true', { what: 'the code marked invalid' });
    await codeInput.fill(code);
    await create.getByRole('button', { name: 'Create canned reply' }).click();
    await page.getByText(`Created /${code}.`).waitFor();
    await page.getByRole('article', { name: `/${code} Technician visit` }).waitFor();
    console.log(`     ${await screenshot(page, 'canned-admin')}`);

    // A customer writes; the ticket is the admin's.
    const phone = newPhone();
    const name = `Ana ${uniq()}`;
    const p = messagePayload(phone, name, { type: 'text', text: { body: `the fridge is warm ${uniq()}` } });
    const inbound = p.entry[0].changes[0].value.messages[0].id;
    assert((await postWebhook(p)).status === 200, 'webhook');
    const id = Number(sql(`SELECT id FROM tickets WHERE mobile = '${phone}'`)[0][0]);
    const ref = sql(`SELECT reference FROM tickets WHERE id = ${id}`)[0][0];
    await assignToAdmin(id);
    await page.goto(`${BASE}/#/tickets/${id}`);
    const box = page.getByLabel('Reply to the customer');
    await box.waitFor();
    await box.focus();

    // "/" opens the picker; Escape closes it; the keyboard picks.
    await page.keyboard.type(`/${code.slice(0, 7)}`);
    const listbox = page.getByRole('listbox', { name: 'Canned replies' });
    await listbox.waitFor();
    const option = listbox.getByRole('option', { name: new RegExp(`/${code}`) });
    await option.waitFor();
    await eventually(async () => (await box.getAttribute('aria-activedescendant')) === (await option.getAttribute('id')),
      { what: 'the text box pointing at the option' });
    assert((await option.getAttribute('aria-selected')) === 'true', 'the option is the active one');
    await page.keyboard.press('Escape');
    await eventually(async () => listbox.isHidden(), { what: 'the picker closed by Escape' });
    assert((await box.getAttribute('aria-activedescendant')) === null, 'no active option once closed');
    await page.keyboard.type(code.slice(7));
    await listbox.waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await eventually(async () => (await box.getAttribute('aria-activedescendant')) === (await option.getAttribute('id')),
      { what: 'the arrows landing on the option' });
    await page.keyboard.press('Enter');
    const filled = `Hello ${name}, about ${ref}: shall I book a visit? ${agentName}`;
    await eventually(async () => (await box.inputValue()) === filled, { what: `the filled text (${await box.inputValue()})` });
    const buttons = page.getByRole('group', { name: 'Reply buttons' });
    await buttons.getByText('Yes, book it').waitFor();
    await buttons.getByText('Not now').waitFor();
    assert(await box.evaluate((el) => document.activeElement === el), 'the focus stays in the reply box');

    // Typing told the customer: read mark with the typing indicator.
    await eventually(async () => ((await graph('GET', '/_fake/requests')).json || []).some((x) => x.body
      && x.body.status === 'read' && x.body.message_id === inbound && x.body.typing_indicator
      && x.body.typing_indicator.type === 'text'), { what: 'the typing indicator sent to Meta' });
    console.log(`     ${await screenshot(page, 'canned-composer')}`);

    // Ctrl+Enter sends: the filled text as Meta's reply buttons.
    await page.keyboard.press('Control+Enter');
    await page.getByText('Reply sent.').waitFor();
    let sent = null;
    await eventually(async () => {
      // The reply's buttons (not the guided intake's site list, which an
      // active site another test left makes tick ask a new customer).
      sent = (await graphSent(phone)).find((x) => x.body.type === 'interactive' && x.body.interactive
        && x.body.interactive.type === 'button');
      return Boolean(sent);
    }, { what: 'the interactive reply sent to Meta' });
    const ia = sent.body.interactive;
    assert(ia.type === 'button' && ia.body.text === filled, `the body: ${JSON.stringify(ia)}`);
    assert(JSON.stringify(ia.action.buttons.map((x) => x.reply.title)) === JSON.stringify(['Yes, book it', 'Not now']),
      `the buttons: ${JSON.stringify(ia.action.buttons)}`);
    assert(sent.answer === 200, `Meta took it: ${sent.answer}`);
    await page.locator('li.item', { hasText: filled }).locator('.choices .chip', { hasText: 'Yes, book it' }).waitFor();
    assert(await buttons.isHidden(), 'the buttons are cleared after sending');
    console.log(`     ${await screenshot(page, 'canned-sent')}`);

    // Deleted from its screen, behind a confirmation.
    await page.goto(`${BASE}/#/canned`);
    const item = page.getByRole('article', { name: `/${code} Technician visit` });
    await item.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText(`Deleted /${code}.`).waitFor();
    const left = (await api('GET', `/api/canned-replies?q=${code}`, { token: tok })).json.data.items;
    assert(left.length === 0, `deleted: ${JSON.stringify(left)}`);
  });
}
