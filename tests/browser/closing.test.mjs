// Issue 19's "never send internal words by surprise": Take says beforehand
// whether the customer is told, the close form shows the closing message
// exactly as it goes, and closing while the customer waits for an answer
// asks first (Escape keeps the ticket open and focus on Close). Registered
// by panel.test.mjs (TICK_BROWSER_ONLY='^closing' runs these alone).
import {
  BASE, PHONE, adminToken, api, assert, eventually, graphSent, signIn, simulate,
} from './lib.mjs';

const LAPTOP = { width: 1366, height: 768 };

// The text of the elements an element's aria-describedby names.
function description(locator) {
  return locator.evaluate((el) => (el.getAttribute('aria-describedby') || '').split(/\s+/)
    .map((id) => document.getElementById(id)).filter(Boolean).map((d) => d.textContent).join(' '));
}

async function flow(b, viewport, label) {
  const customer = await simulate(`${label}: my order never arrived`);
  const token = await adminToken();
  const before = (await api('GET', `/api/tickets/${customer.id}`, { token })).json.data;
  assert(before.waiting_since, `the customer waits: ${JSON.stringify(before.waiting_since)}`);
  assert(typeof before.notices.take === 'string' && before.notices.take.includes(customer.reference),
    `the take notice: ${JSON.stringify(before.notices)}`);
  assert(before.notices.close.includes('{resolution}'), 'the closing text keeps its placeholder');

  const page = await b.page(viewport);
  await signIn(page);
  await page.goto(`${BASE}/#/tickets/${customer.id}`);
  await page.locator('.timeline .item').first().waitFor();

  // Take says beforehand what the customer will be told.
  // On a phone Take is in the bottom bar (the action card folded away).
  const take = viewport === PHONE ? page.locator('.bottom-bar').getByRole('button', { name: 'Take' })
    : page.locator('.take-box').getByRole('button', { name: 'Take' });
  const said = await description(take);
  assert(said.includes(`The customer is told when you take it: “${before.notices.take}”`), `Take's description: ${said}`);
  await take.click();
  await eventually(async () => (await graphSent(customer.phone)).some((x) => x.body.text && x.body.text.body === before.notices.take),
    { what: 'the take notice sent as announced' });

  // The closing message as it will go, while the resolution is typed.
  const box = page.locator('details.close-box');
  if (!(await box.evaluate((d) => d.open))) await box.locator('summary').click();
  const resolution = 'Courier re-sent the parcel, tracking ES448812';
  await box.getByLabel('Resolution').fill(resolution);
  const expected = before.notices.close.split('{resolution}').join(resolution);
  const shown = await box.locator('.close-preview-text').textContent();
  assert(shown === expected, `the preview: ${JSON.stringify(shown)} is not ${JSON.stringify(expected)}`);

  // The customer's last message is unanswered: Close asks; Escape cancels.
  const closeBtn = box.getByRole('button', { name: 'Close ticket' });
  await closeBtn.click();
  const dialog = page.getByRole('dialog', { name: 'The customer is waiting for an answer' });
  await dialog.waitFor();
  const body = await dialog.textContent();
  assert(/no answer for (<1m|\d+m)/.test(body), `the dialog says how long: ${body}`);
  assert(body.includes(expected), 'the dialog shows the closing message too');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert(await closeBtn.evaluate((el) => el === document.activeElement), 'focus is back on Close');
  let now = (await api('GET', `/api/tickets/${customer.id}`, { token })).json.data;
  assert(now.status !== 'closed', `still open after Escape: ${now.status}`);
  assert(!(await graphSent(customer.phone)).some((x) => x.body.text && x.body.text.body === expected), 'nothing sent');

  // Confirmed: closed, and the customer got exactly the preview.
  await closeBtn.click();
  await dialog.getByRole('button', { name: 'Close anyway' }).click();
  await eventually(async () => {
    now = (await api('GET', `/api/tickets/${customer.id}`, { token })).json.data;
    return now.status === 'closed';
  }, { what: 'the ticket closed' });
  await eventually(async () => (await graphSent(customer.phone)).some((x) => x.body.text && x.body.text.body === expected),
    { what: 'the closing message sent as previewed' });
}

export function register(test) {
  test('closing: Take tells beforehand, the closing text is previewed, a waiting customer asks first (1366x768)',
    (b) => flow(b, LAPTOP, 'closing laptop'));
  test('closing: the same on a phone (390x844), Take in the bottom bar described too',
    (b) => flow(b, PHONE, 'closing phone'));
  test('closing: an answered customer closes without the question', async (b) => {
    const customer = await simulate('closing answered: where is my refund?');
    const token = await adminToken();
    await api('POST', `/api/tickets/${customer.id}/assign`, { token, body: {} });
    const r = await api('POST', `/api/tickets/${customer.id}/reply`, { token, body: { message: 'It left today.' } });
    assert(r.status < 300, `reply: ${r.status} ${r.text}`);
    const t = (await api('GET', `/api/tickets/${customer.id}`, { token })).json.data;
    assert(!t.waiting_since, `answered: ${t.waiting_since}`);
    const page = await b.page(LAPTOP);
    await signIn(page);
    await page.goto(`${BASE}/#/tickets/${customer.id}`);
    await page.locator('.timeline .item').first().waitFor();
    const box = page.locator('details.close-box');
    if (!(await box.evaluate((d) => d.open))) await box.locator('summary').click();
    await box.getByLabel('Resolution').fill('Refund sent');
    await box.getByRole('button', { name: 'Close ticket' }).click();
    await eventually(async () => (await api('GET', `/api/tickets/${customer.id}`, { token })).json.data.status === 'closed',
      { what: 'closed without a dialog' });
    assert(!(await page.getByRole('dialog').count()), 'no dialog');
  });
}
