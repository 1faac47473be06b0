// The panel in a real browser over the real stack: one behaviour a test.
// Run through tests/browser/run, which starts the stack and sets the env.
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, BASE, DESKTOP, PHONE,
  adminToken, api, assert, assignToAdmin, eventually, graph, graphSent, makeUser, messagePayload, newPhone, postWebhook,
  runAll, screenshot, signIn, simulate, statusesPayload, uniq, waitLive,
} from './lib.mjs';

const LIVE_MS = 2000; // a change shows within two seconds, without a reload

async function adminName() {
  const r = await api('GET', '/api/auth/me', { token: await adminToken() });
  return r.json.data.name;
}

async function openTicket(page, id) {
  await page.goto(`${BASE}/#/tickets/${id}`);
  await page.locator('.timeline .item').first().waitFor();
}

function bubble(page, text) {
  return page.locator('.timeline .item', { has: page.locator('.bubble-text', { hasText: text }) });
}

async function markOf(page, text) {
  return bubble(page, text).locator('.mark').getAttribute('data-status');
}

const tests = [];
const test = (name, fn, opts = {}) => tests.push({ name, fn, ...opts });

test('sign in lands on the inbox with the user named', async (b) => {
  const page = await b.page();
  await page.goto(`${BASE}/`);
  await page.getByRole('heading', { name: 'Sign in to tick' }).waitFor();
  await page.getByLabel('E-mail').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
  const who = await page.locator('#whoami').textContent();
  assert(who.includes(await adminName()), `the header names the user: ${who}`);
  assert(await page.getByRole('link', { name: 'Users' }).isVisible(), 'a super_admin sees Users');
});

test('a wrong password shows the error from the API', async (b) => {
  const page = await b.page();
  await page.goto(`${BASE}/`);
  await page.getByLabel('E-mail').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  const text = await alert.textContent();
  assert(/wrong e-mail or password/i.test(text), `the API's message is shown: ${text}`);
  assert(await page.getByRole('heading', { name: 'Sign in to tick' }).isVisible(), 'still on the sign-in page');
});

test('live: a simulated customer message appears in the open inbox without a reload', async (b) => {
  const page = await b.page();
  await signIn(page);
  await waitLive(page);
  let reloaded = false;
  page.on('framenavigated', (f) => { if (f === page.mainFrame() && !f.url().includes('#/inbox')) reloaded = true; });
  await page.evaluate(() => { window.__sameDocument = true; });
  const text = `My order never arrived ${uniq()}`;
  const t = await simulate(text);
  const start = Date.now();
  await page.waitForFunction((ref) => [...document.querySelectorAll('tr.ticket-row .ref')].some((a) => a.textContent === ref),
    t.reference, { polling: 50, timeout: LIVE_MS });
  const took = Date.now() - start;
  const row = page.locator('tr.ticket-row', { hasText: t.reference });
  assert((await row.locator('.last-msg').textContent()) === text, 'the row shows the last message');
  assert((await row.locator('.cust-name').textContent()) === t.name, 'the row shows the customer');
  assert(await page.evaluate(() => window.__sameDocument === true) && !reloaded, 'the page was not reloaded');
  console.log(`     (shown ${took} ms after the message)`);
}, { hint: 'needs GET /api/events' });

test('take: an agent takes the ticket and the reply box opens', async (b) => {
  const agent = await makeUser('agent');
  const page = await b.page();
  await signIn(page, agent.email, agent.password);
  const t = await simulate(`Please help ${uniq()}`);
  await openTicket(page, t.id);
  assert(await page.getByRole('button', { name: 'Send reply' }).isHidden(), 'no reply before taking');
  await page.getByRole('button', { name: 'Take' }).click();
  await page.getByRole('button', { name: 'Send reply' }).waitFor();
  const holder = await page.locator('.details dt:text-is("Holder") + dd').textContent();
  assert(holder === agent.name, `the holder is the agent: ${holder}`);
  assert((await page.locator('.ticket-head .badge').textContent()) === 'Assigned', 'the status is Assigned');
  assert(await page.getByRole('button', { name: 'Take' }).isHidden(), 'no take button once taken');
  const r = await api('GET', `/api/tickets/${t.id}`, { token: await adminToken() });
  assert(r.json.data.assigned_to?.id === agent.id && r.json.data.status === 'assigned', 'the API agrees');
});

test('reply: reaches the Graph API and its mark turns delivered live', async (b) => {
  const page = await b.page();
  await signIn(page);
  const t = await simulate(`Where is my refund ${uniq()}`);
  await assignToAdmin(t.id);
  await openTicket(page, t.id);
  await waitLive(page);
  const text = `We are on it, reference ${t.reference} (${uniq()})`;
  await page.getByLabel('Reply to the customer').fill(text);
  await page.getByRole('button', { name: 'Send reply' }).click();
  await bubble(page, text).waitFor();
  assert((await page.getByLabel('Reply to the customer').inputValue()) === '', 'the box is emptied');
  const sent = await eventually(async () => (await graphSent(t.phone)).find((x) => x.body?.text?.body === text),
    { what: 'the reply at the fake Graph API' });
  assert(sent.answer === 200 && sent.wamid, `Graph accepted it: ${JSON.stringify(sent)}`);
  await eventually(async () => ['sent', 'accepted'].includes(await markOf(page, text)), { what: 'the sent mark' });
  const ts = String(Math.floor(Date.now() / 1000));
  const r = await postWebhook(statusesPayload([{ id: sent.wamid, status: 'delivered', timestamp: ts, recipient_id: t.phone }]));
  assert(r.status === 200, `webhook: ${r.status} ${r.text}`);
  const start = Date.now();
  await page.waitForFunction((x) => [...document.querySelectorAll('.timeline .item')].some((li) =>
    li.querySelector('.bubble-text')?.textContent === x && li.querySelector('.mark[data-status="delivered"]')),
  text, { polling: 50, timeout: LIVE_MS });
  assert((await bubble(page, text).locator('.mark-text').textContent()) === 'Delivered', 'the mark reads Delivered');
  console.log(`     (delivered shown ${Date.now() - start} ms after the status callback)`);
}, { hint: 'the delivered mark needs GET /api/events' });

test('close: with a resolution, the ticket reads closed', async (b) => {
  const page = await b.page();
  await signIn(page);
  const t = await simulate(`Cannot sign in ${uniq()}`);
  await assignToAdmin(t.id);
  await openTicket(page, t.id);
  await page.getByText('Close with a resolution').click();
  await page.getByRole('button', { name: 'Close ticket' }).click();
  const err = page.locator('.close-form .field-error');
  await err.waitFor();
  assert(/resolved/i.test(await err.textContent()), 'an empty resolution is refused beside its field');
  const resolution = `Password reset and confirmed by phone ${uniq()}`;
  await page.getByLabel('Resolution').fill(resolution);
  await page.getByRole('button', { name: 'Close ticket' }).click();
  await page.locator('.ticket-head .badge.status-closed').waitFor();
  assert((await page.locator('.resolution .pre').textContent()) === resolution, 'the resolution is shown');
  assert(await page.getByRole('button', { name: 'Send reply' }).isHidden(), 'no reply on a closed ticket');
  const r = await api('GET', `/api/tickets/${t.id}`, { token: await adminToken() });
  assert(r.json.data.status === 'closed' && r.json.data.resolution === resolution, 'the API agrees');
});

test('a <script> a customer sent renders as text and never runs', async (b) => {
  const page = await b.page();
  await signIn(page);
  const text = `<script>window.__tickPwned=1</script><img src=x onerror="window.__tickPwned=2"><b>bold</b> ${uniq()}`;
  const t = await simulate(text, { name: '<i>Mallory</i>' });
  await page.goto(`${BASE}/#/inbox`);
  const row = page.locator('tr.ticket-row', { hasText: t.reference });
  await row.waitFor();
  assert((await row.locator('.last-msg').textContent()) === text, 'the inbox shows the text as typed');
  assert((await row.locator('.cust-name').textContent()) === '<i>Mallory</i>', 'the name is text too');
  await openTicket(page, t.id);
  const first = bubble(page, '<script>').first();
  assert((await first.locator('.bubble-text').textContent()) === text, 'the bubble shows the text as typed');
  assert(await page.locator('main script, main img, main b, main i').count() === 0, 'no element was made from it');
  await page.waitForTimeout(300);
  assert(await page.evaluate(() => window.__tickPwned === undefined), 'the script did not run');
});

test('a reporter sees no take, reply or new-ticket controls', async (b) => {
  const reporter = await makeUser('reporter');
  const t = await simulate(`Reporter check ${uniq()}`);
  const page = await b.page();
  await signIn(page, reporter.email, reporter.password);
  assert(await page.getByRole('link', { name: 'New ticket' }).count() === 0
    || await page.getByRole('link', { name: 'New ticket' }).first().isHidden(), 'no New ticket link');
  assert(await page.getByRole('link', { name: 'Users' }).isHidden(), 'no Users link');
  await openTicket(page, t.id);
  await page.getByText('Your role reads tickets only.').waitFor();
  for (const name of ['Take', 'Send reply', 'Add note', 'Change', 'Close ticket']) {
    assert(await page.getByRole('button', { name, exact: true }).count() === 0
      || await page.getByRole('button', { name, exact: true }).isHidden(), `no ${name} button`);
  }
  assert(await page.getByLabel('Reply to the customer').isHidden(), 'no reply box');
});

test('new ticket: each field\'s error shows beside it, then it is created', async (b) => {
  const page = await b.page();
  await signIn(page);
  await page.getByRole('link', { name: 'New ticket' }).first().click();
  await page.getByRole('heading', { name: 'New ticket', level: 1 }).waitFor();
  await page.getByLabel('E-mail (optional)').fill('not-an-email');
  await page.getByRole('button', { name: 'Create ticket' }).click();
  for (const label of ['Customer name', 'E-mail (optional)', 'Description', 'Issue type', 'Mobile (optional)']) {
    const input = page.getByLabel(label, { exact: true });
    await eventually(async () => (await input.getAttribute('aria-invalid')) === 'true', { what: `${label} marked invalid` });
    const errId = (await input.getAttribute('aria-describedby')).split(' ').pop();
    const msg = await page.locator(`[id="${errId}"]`).textContent();
    assert(msg.trim().length > 0 && await page.locator(`[id="${errId}"]`).isVisible(), `${label} has its error beside it`);
  }
  await page.getByLabel('Customer name').fill('Rosa Díaz');
  await page.getByLabel('E-mail (optional)').fill('rosa@example.com');
  await page.getByLabel('Mobile (optional)').fill(`+52 1 55 ${String(uniq()).padStart(8, '0')}`);
  await page.getByLabel('Issue type', { exact: true }).selectOption('other');
  await page.getByLabel('Other issue type').fill('Warranty');
  await page.getByLabel('Description').fill('The screen flickers\nafter the update.');
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await page.locator('h1.ticket-title', { hasText: /^TKT-/ }).waitFor();
  assert(/#\/tickets\/\d+$/.test(page.url()), `lands on the ticket: ${page.url()}`);
  assert((await page.locator('.kind-form .bubble-text').textContent()) === 'The screen flickers\nafter the update.', 'the description is shown as text');
});

test('an ended session lands on the sign-in page with a message, then back', async (b) => {
  const t = await simulate(`Session check ${uniq()}`);
  const page = await b.page();
  await signIn(page);
  await openTicket(page, t.id);
  // End this browser's session from outside, as a sign-out elsewhere or an
  // expiry would.
  const cookies = await page.context().cookies();
  const sess = cookies.find((c) => c.name === 'tick_session');
  const csrf = cookies.find((c) => c.name === 'tick_csrf');
  const r = await api('POST', '/api/auth/logout', { body: {}, headers: { Cookie: `tick_session=${sess.value}; tick_csrf=${csrf.value}`, 'X-CSRF-Token': csrf.value } });
  assert(r.status === 200, `logout: ${r.status} ${r.text}`);
  // The live stream notices at once; any action would too.
  const signInPage = page.getByRole('heading', { name: 'Sign in to tick' });
  await signInPage.waitFor({ timeout: 3000 }).catch(async () => {
    await page.getByLabel('Internal note').fill('x');
    await page.getByRole('button', { name: 'Add note' }).click();
    await signInPage.waitFor();
  });
  const info = await page.locator('.login-card .notice-info').textContent();
  assert(/session has expired or was ended/i.test(info), `a clear message: ${info}`);
  await page.getByLabel('E-mail').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: t.reference, level: 1 }).waitFor();
  assert(page.url().endsWith(`#/tickets/${t.id}`), `back where it was: ${page.url()}`);
});

test('keyboard only: sign in, open a ticket, take it', async (b) => {
  const t = await simulate(`Keyboard user ${uniq()}`);
  const page = await b.page();
  await page.goto(`${BASE}/`);
  await page.getByLabel('E-mail').waitFor();
  await page.keyboard.type(ADMIN_EMAIL); // the e-mail field has focus
  await page.keyboard.press('Tab');
  await page.keyboard.type(ADMIN_PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
  const link = page.getByRole('link', { name: t.reference });
  await link.waitFor();
  let reached = false;
  for (let i = 0; i < 80 && !reached; i += 1) {
    await page.keyboard.press('Tab');
    reached = await link.evaluate((el) => el === document.activeElement);
  }
  assert(reached, 'Tab reaches the ticket link');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: t.reference, level: 1 }).waitFor();
  const take = page.getByRole('button', { name: 'Take' });
  await take.waitFor();
  reached = false;
  for (let i = 0; i < 80 && !reached; i += 1) {
    await page.keyboard.press('Tab');
    reached = await take.evaluate((el) => el === document.activeElement);
  }
  assert(reached, 'Tab reaches Take');
  await page.keyboard.press('Enter');
  await page.getByLabel('Reply to the customer').waitFor();
});

test('live stream: one connection, no request loop', async (b) => {
  const page = await b.page();
  let n = 0;
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/events') n += 1; });
  await signIn(page);
  await page.waitForTimeout(5000);
  assert(n >= 1 && n <= 2, `${n} requests to /api/events in 5 s`);
});

test('screenshots: inbox and ticket, desktop and phone, nothing overflows', async (b) => {
  // A ticket with a bit of everything: the customer, tick's confirmation, a
  // delivered and a read reply, a failed one, a note.
  const t = await simulate('Hola, my internet has been down since this morning. Router lights are red.', { name: 'Lucía Fernández' });
  const tok = await adminToken();
  await assignToAdmin(t.id);
  const reply = async (message) => api('POST', `/api/tickets/${t.id}/reply`, { token: tok, body: { message } });
  await reply('Sorry about that, Lucía. Could you restart the router and tell me what the lights show?');
  await api('POST', '/api/whatsapp/simulate-message', { token: tok, body: { phone: t.phone, name: 'Lucía Fernández', text: 'Restarted. Now the light is orange and blinking.' } });
  await reply('Thanks! An engineer will call you within the hour.');
  const sent = await graphSent(t.phone);
  const ts = String(Math.floor(Date.now() / 1000));
  const st = (x, s) => ({ id: x.wamid, status: s, timestamp: ts, recipient_id: t.phone });
  const ok = sent.filter((x) => x.wamid);
  await postWebhook(statusesPayload(ok.slice(0, -1).flatMap((x) => [st(x, 'delivered'), st(x, 'read')])));
  await postWebhook(statusesPayload([st(ok[ok.length - 1], 'delivered')]));
  await api('POST', `/api/tickets/${t.id}/notes`, { token: tok, body: { message: 'Line test shows loss on the last mile; engineer booked.' } });
  await graph('POST', '/_fake/mode', { mode: 'error:131026', times: 1 });
  await reply('Our engineer is on the way.');
  await graph('POST', '/_fake/mode', { mode: 'ok' });
  await api('PUT', `/api/tickets/${t.id}/status`, { token: tok, body: { status: 'in_progress', expected_status: 'assigned' } });

  for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    const page = await b.page(viewport);
    await signIn(page);
    await page.locator('tr.ticket-row').first().waitFor();
    await page.waitForTimeout(300);
    const overflow = async () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(await overflow() <= 0, `${label} inbox: nothing wider than the screen (${await overflow()} px over)`);
    console.log(`     ${await screenshot(page, `inbox-${label}`)}`);
    await openTicket(page, t.id);
    await page.locator('.mark[data-status="failed"]').waitFor();
    await page.waitForTimeout(300);
    assert(await overflow() <= 0, `${label} ticket: nothing wider than the screen (${await overflow()} px over)`);
    const retry = page.getByRole('button', { name: 'Retry' });
    assert((await retry.getAttribute('aria-disabled')) === 'true', 'a failed reply shows Retry, disabled for now');
    console.log(`     ${await screenshot(page, `ticket-${label}`)}`);
  }
}, { timeout: 90000 });

test('status: the holder moves the ticket to in progress', async (b) => {
  const page = await b.page();
  await signIn(page);
  const t = await simulate(`Status move ${uniq()}`);
  await assignToAdmin(t.id);
  await openTicket(page, t.id);
  await page.getByLabel('Change status').selectOption('in_progress');
  await page.getByRole('button', { name: 'Change', exact: true }).click();
  await page.locator('.ticket-head .badge.status-in_progress').waitFor();
  const r = await api('GET', `/api/tickets/${t.id}`, { token: await adminToken() });
  assert(r.json.data.status === 'in_progress', 'the API agrees');
});

test('note: an internal note is set apart and never sent', async (b) => {
  const page = await b.page();
  await signIn(page);
  const t = await simulate(`Note check ${uniq()}`);
  await openTicket(page, t.id);
  const before = (await graphSent(t.phone)).length;
  const text = `Called the warehouse, parcel found ${uniq()}`;
  await page.getByRole('textbox', { name: 'Internal note' }).fill(text);
  await page.getByRole('button', { name: 'Add note' }).click();
  const item = bubble(page, text);
  await item.waitFor();
  assert((await item.getAttribute('class')).includes('kind-note'), 'shown as a note');
  assert(/Internal note/.test(await item.locator('.bubble-who').textContent()), 'labelled as internal');
  assert((await graphSent(t.phone)).length === before, 'nothing sent to WhatsApp');
});

test('24-hour window: the notice shows and a refused reply says why', async (b) => {
  // A form ticket whose customer never wrote: the window is not open.
  const mobile = `52155${String(uniq()).padStart(8, '0')}`;
  const tok = await adminToken();
  const c = await api('POST', '/api/tickets', { token: tok, body: {
    name: 'Outside Window', mobile, description: 'Printer jammed', issue_type: 'hardware',
    whatsapp_enabled: true, whatsapp_notifications: false } });
  assert(c.status === 201, `create: ${c.status} ${c.text}`);
  const id = c.json.data.id;
  await assignToAdmin(id);
  const page = await b.page();
  await signIn(page);
  await openTicket(page, id);
  const notice = page.locator('.window-notice');
  await notice.waitFor();
  assert(/24-hour window has passed/.test(await notice.textContent()), 'the window notice shows');
  await page.getByLabel('Reply to the customer').fill('Hello?');
  await page.getByRole('button', { name: 'Send reply' }).click();
  const refused = page.locator('.reply-notice .notice-warn');
  await refused.waitFor();
  assert(/Outside the 24-hour window/.test(await refused.textContent()), 'the refusal is explained');
  assert((await page.getByLabel('Reply to the customer').inputValue()) === 'Hello?', 'the text is kept');
});

test('without /api/events the panel stays usable and retries quietly', async (b) => {
  const page = await b.page();
  let events = 0;
  await page.route('**/api/events*', (route) => {
    events += 1;
    return route.fulfill({ status: 404, contentType: 'application/json',
      body: '{"success":false,"error":{"code":"not_found","message":"no such route"}}' });
  });
  await signIn(page);
  await page.locator('#live.live-off').waitFor();
  await page.waitForTimeout(6000);
  assert(events >= 1 && events <= 3, `${events} tries in about 6 s`);
  const t = await simulate(`No live ${uniq()}`);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('tr.ticket-row', { hasText: t.reference }).waitFor();
  await page.getByRole('link', { name: t.reference }).click();
  await page.getByRole('heading', { name: t.reference, level: 1 }).waitFor();
});

test('a customer\'s photo shows in the conversation', async (b) => {
  // A PNG the fake Graph API serves as the customer's media; tick keeps it
  // on the (fake) Cloudinary, whose https address the browser is answered
  // for here, so nothing leaves the machine.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAHklEQVR4nGNkaPjPQApgIkn1qIZRDaMaRjUMJQ0AV1oB2Ue3bLsAAAAASUVORK5CYII=', 'base64');
  const mediaId = String(900000000 + uniq());
  const reg = await graph('POST', '/_fake/media', { id: mediaId, content_b64: png.toString('base64'), mime_type: 'image/png' });
  assert(reg.status === 200, `register media: ${reg.status} ${reg.text}`);
  const phone = newPhone();
  const r = await postWebhook(messagePayload(phone, 'Foto Cliente', { type: 'image', image: { id: mediaId, mime_type: 'image/png', caption: 'the broken part' } }));
  assert(r.status === 200 && r.json.data.media_stored === 1, `webhook: ${r.status} ${r.text}`);
  const tickets = await api('GET', `/api/tickets?q=${phone}`, { token: await adminToken() });
  const id = tickets.json.data.items[0].id;
  const page = await b.page();
  page.fakedHosts.add('res.cloudinary.com');
  let served = 0;
  await page.route('https://res.cloudinary.com/**', (route) => {
    served += 1;
    return route.fulfill({ status: 200, contentType: 'image/png', body: png });
  });
  await signIn(page);
  await openTicket(page, id);
  const img = page.locator('.timeline .author-customer .attachment img').first();
  await img.waitFor();
  await eventually(() => img.evaluate((el) => el.complete && el.naturalWidth === 16), { what: 'the image to load' });
  assert(served >= 1, 'the image came from its https address');
  assert(/the broken part/.test(await page.locator('.timeline .author-customer').first().textContent()), 'the caption is shown');
  console.log(`     ${await screenshot(page, 'ticket-photo-desktop')}`);
});

test('every other page fits a phone and a desktop', async (b) => {
  for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    const page = await b.page(viewport);
    await signIn(page);
    for (const [hash, heading, ready] of [
      ['#/new', 'New ticket', 'form'],
      ['#/whatsapp', 'WhatsApp', '.wa-status dl'],
      ['#/users', 'Users', 'table.users tbody tr'],
      ['#/audit', 'Audit log', 'table.audit tbody tr'],
    ]) {
      await page.goto(`${BASE}/${hash}`);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page.locator(ready).first().waitFor();
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(over <= 0, `${label} ${hash}: ${over} px wider than the screen`);
      console.log(`     ${await screenshot(page, `${hash.slice(2)}-${label}`)}`);
    }
  }
}, { timeout: 90000 });

process.exitCode = await runAll(tests);
