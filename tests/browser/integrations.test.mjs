// Browser tests of issue 15's panel screens: API tokens (made in the
// panel, read once from the page, used with a Bearer header through nginx,
// revoked) and outbound webhooks (made in the panel, a signed delivery to a
// receiver this test runs on loopback after an action in the panel and a
// run of `tick outbox`, the delivery log, resend with the same event id).
// Registered by panel.test.mjs (tests/browser/run runs them with the rest;
// TICK_BROWSER_ONLY='^integrations' runs these alone).
import crypto from 'node:crypto';
import http from 'node:http';
import {
  ADMIN_EMAIL, BASE, DESKTOP, PHONE, adminToken, api, assert, eventually, makeUser, screenshot, signIn, simulate, tickCli,
  uniq,
} from './lib.mjs';

const TOKEN_RE = /^tick_[0-9a-f]{12}_[0-9a-f]{48}$/;

// Answers the next modal dialog: the button named name.
async function answerDialog(page, name) {
  const dlg = page.getByRole('dialog');
  await dlg.waitFor();
  await dlg.getByRole('button', { name, exact: true }).click();
  await dlg.waitFor({ state: 'detached' });
}

async function fieldError(page, input) {
  const errId = (await input.getAttribute('aria-describedby')).split(' ').pop();
  return page.locator(`[id="${errId}"]`);
}

function nav(page, name) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

// A webhook receiver on loopback: records every POST (headers, raw body);
// answers each with the next status of script (then 200).
async function startReceiver() {
  const rec = { got: [], script: [] };
  rec.server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      rec.got.push({ headers: req.headers, raw: Buffer.concat(chunks) });
      const status = rec.script.length ? rec.script.shift() : 200;
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(status < 300 ? 'ok' : `receiver says no (${status})`);
    });
  });
  await new Promise((resolve) => rec.server.listen(0, '127.0.0.1', resolve));
  rec.url = `http://127.0.0.1:${rec.server.address().port}/hook`;
  rec.bodies = () => rec.got.map((g) => ({ ...g, body: JSON.parse(g.raw.toString('utf8')) }));
  rec.close = () => new Promise((resolve) => rec.server.close(resolve));
  return rec;
}

// Runs `tick outbox` until fn() holds: events settle for a moment before
// the outbox reads them, so one run may find nothing yet.
async function outboxUntil(fn, what) {
  return eventually(async () => {
    await tickCli('outbox');
    return fn();
  }, { timeout: 30000, interval: 300, what });
}

export function register(test) {
  test('integrations: tokens: made in the panel, shown once, used with a Bearer header, revoked and refused', async (b) => {
    const agent = await makeUser('agent');
    const page = await b.page();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
    await signIn(page, agent.email, agent.password);
    // An agent has no webhooks, but has tokens.
    assert(!(await nav(page, 'Webhooks').isVisible()), 'no Webhooks link for an agent');
    await nav(page, 'API tokens').click();
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    const form = page.getByRole('form', { name: 'Create a token' });

    // The scopes offered are exactly what the agent's role allows.
    const offered = await form.locator('input[name="scopes"]').evaluateAll((xs) => xs.map((x) => x.value));
    const login = await api('POST', '/api/auth/login', { body: { email: agent.email, password: agent.password } });
    const me = await api('GET', '/api/auth/me', { token: login.json.data.token });
    const mine = me.json.data.permissions.filter((p) => p !== 'signed_in');
    assert(JSON.stringify(offered) === JSON.stringify(mine), `scopes offered ${offered} are the role's ${mine}`);
    assert(!offered.includes('users') && !offered.includes('integrations'), 'nothing beyond the role');

    // Nothing chosen: refused beside the fields before anything is sent.
    let posted = 0;
    page.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/tokens') posted += 1; });
    await form.getByRole('button', { name: 'Create token' }).click();
    const scopes = form.getByRole('group', { name: 'Scopes' });
    await eventually(async () => (await scopes.getAttribute('aria-invalid')) === 'true', { what: 'the scopes marked invalid' });
    assert(/at least one/.test(await (await fieldError(page, scopes)).textContent()), 'the scopes say why');
    assert(posted === 0, 'nothing was sent without scopes');
    // The API's own 422 (too many days) lands beside its field.
    await form.getByLabel('Name').fill(`CRM sync ${uniq()}`);
    await form.getByLabel('Read tickets').check();
    const days = form.getByLabel('Expires in (days)');
    await days.fill('99999');
    await form.getByRole('button', { name: 'Create token' }).click();
    await eventually(async () => (await days.getAttribute('aria-invalid')) === 'true', { what: 'the expiry marked invalid' });
    assert(/days, 1 to \d+/.test(await (await fieldError(page, days)).textContent()), 'the expiry says its range');
    assert(posted === 1, `the API was asked once: ${posted}`);

    // Made: shown once, with a copy button and the warning.
    const name = `CRM sync ${uniq()}`;
    await form.getByLabel('Name').fill(name);
    await days.fill('30');
    await form.getByRole('button', { name: 'Create token' }).click();
    const reveal = page.locator('.reveal');
    await reveal.waitFor();
    assert(/you will not see it again/.test(await reveal.textContent()), 'says it is shown once');
    const token = (await reveal.locator('.reveal-value').textContent()).trim();
    assert(TOKEN_RE.test(token), `a token on the page: ${token}`);
    await reveal.getByRole('button', { name: 'Copy' }).click();
    await reveal.getByText(/Copied\.|Selected/).waitFor();
    const clip = await page.evaluate(() => navigator.clipboard.readText().catch(() => ''));
    assert(clip === token, 'the copy button put the token on the clipboard');
    assert((await days.getAttribute('aria-invalid')) === null, 'the expiry is no longer marked');
    const row = page.locator('tr.token-row', { has: page.getByText(name, { exact: true }) });
    await row.waitFor();
    assert(/tickets\.read/.test(await row.locator('td[data-label="Scopes"]').textContent()), 'the row names its scope');
    assert((await row.locator('td[data-label="Last used"]').textContent()).trim() === 'Never', 'never used yet');

    // Used through nginx as a Bearer token, within its scope and not beyond.
    const r = await api('GET', '/api/tickets?limit=1', { token });
    assert(r.status === 200, `a ticket list with the token: ${r.status} ${r.text}`);
    const who = await api('GET', '/api/auth/me', { token });
    assert(who.json.data.id === agent.id, 'the token is the agent');
    const refused = await api('POST', '/api/tickets', { token, body: {} });
    assert(refused.status === 403 && refused.json.error.code === 'insufficient_scope', `outside its scope: ${refused.status}`);

    // Never shown again: gone once the page is left; the list knows it was used.
    await reveal.getByRole('button', { name: 'I have copied it' }).click();
    await page.reload();
    await row.waitFor();
    assert(!(await page.content()).includes(token), 'the token is nowhere on the page any more');
    assert((await row.locator('td[data-label="Last used"]').textContent()).trim() !== 'Never', 'last used is shown');

    // Revoked after a confirmation (Cancel first changes nothing): 401.
    await row.getByRole('button', { name: 'Revoke' }).click();
    await answerDialog(page, 'Cancel');
    assert((await api('GET', '/api/tickets?limit=1', { token })).status === 200, 'cancel keeps the token');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await answerDialog(page, 'Revoke token');
    await row.locator('.badge', { hasText: 'Revoked' }).waitFor();
    assert(await row.getByRole('button', { name: 'Revoke' }).count() === 0, 'no second revoke');
    const after = await api('GET', '/api/tickets?limit=1', { token });
    assert(after.status === 401, `a revoked token is refused: ${after.status}`);

    // A super admin sees the agent's token among everyone's.
    const admin = await b.page();
    await signIn(admin);
    await admin.goto(`${BASE}/#/tokens`);
    await admin.getByRole('heading', { name: 'Everyone’s tokens' }).waitFor();
    const theirs = admin.locator('tr.token-row', { has: admin.getByText(name, { exact: true }) });
    await theirs.waitFor();
    assert((await theirs.locator('td[data-label="Owner"]').textContent()).includes(agent.name), 'the owner is named');
    // ... and may grant more than an agent could.
    const adminScopes = await admin.locator('input[name="scopes"]').evaluateAll((xs) => xs.map((x) => x.value));
    assert(adminScopes.includes('users') && adminScopes.includes('integrations'), `a super admin's scopes: ${adminScopes}`);
    // The webhooks screen is not the agent's.
    await page.goto(`${BASE}/#/webhooks`);
    await page.getByRole('heading', { name: 'Not available', level: 1 }).waitFor();
  }, { timeout: 60000 });

  test('integrations: webhooks: made in the panel, a signed delivery after a note, the log, resend with the same id', async (b) => {
    const rcv = await startReceiver();
    let hookId = null;
    try {
      const page = await b.page();
      await signIn(page);
      await nav(page, 'Webhooks').click();
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      const form = page.getByRole('form', { name: 'Create a webhook' });
      await form.waitFor();

      // Every event type the API offers is a checkbox.
      const listed = await api('GET', '/api/webhooks', { token: await adminToken() });
      const offered = await form.locator('input[name="events"]').evaluateAll((xs) => xs.map((x) => x.value));
      assert(JSON.stringify(offered) === JSON.stringify(listed.json.data.event_types), `event types: ${offered}`);

      // A URL the API refuses: its 422 beside the URL.
      await form.getByLabel('URL').fill('http://example.com/hook');
      await form.getByLabel('note.created').check();
      await form.getByRole('button', { name: 'Create webhook' }).click();
      const url = form.getByLabel('URL');
      await eventually(async () => (await url.getAttribute('aria-invalid')) === 'true', { what: 'the URL marked invalid' });
      assert(/https/.test(await (await fieldError(page, url)).textContent()), 'the URL says what it must be');

      // Made, with the secret generated and shown once.
      const description = `CRM ${uniq()}`;
      await url.fill(rcv.url);
      await form.getByLabel('Description (optional)').fill(description);
      await form.getByRole('button', { name: 'Create webhook' }).click();
      const reveal = page.locator('.reveal');
      await reveal.waitFor();
      assert(/you will not see it again/.test(await reveal.textContent()), 'the secret is shown once');
      const secret = (await reveal.locator('.reveal-value').textContent()).trim();
      assert(/^whsec_[0-9a-f]{48}$/.test(secret), `a generated secret: ${secret}`);
      const row = page.locator('tr.hook-row', { has: page.getByText(description) });
      await row.waitFor();
      hookId = Number(await row.getAttribute('data-id'));
      assert(/Active/.test(await row.locator('td[data-label="State"]').textContent()), 'active');
      assert((await row.locator('td[data-label="Events"]').textContent()).trim() === 'note.created', 'its one event');

      // An action in the panel: a note on a ticket.
      const t = await simulate(`Webhook check ${uniq()}`);
      await page.goto(`${BASE}/#/tickets/${t.id}`);
      await page.locator('.timeline .item').first().waitFor();
      const noteText = `Called back ${uniq()}`;
      await page.getByRole('tab', { name: 'Note' }).click();
      await page.getByRole('textbox', { name: 'Internal note' }).fill(noteText);
      await page.getByRole('button', { name: 'Add note' }).click();
      await page.locator('.timeline .item.kind-note').first().waitFor();

      // tick outbox delivers it, signed with the secret shown once.
      const mine = () => rcv.bodies().filter((g) => g.body.type === 'note.created' && g.body.data.ticket.id === t.id);
      await outboxUntil(() => mine().length === 1, 'the note.created delivery');
      const first = mine()[0];
      const want = `sha256=${crypto.createHmac('sha256', secret).update(first.raw).digest('hex')}`;
      assert(first.headers['x-tick-signature-256'] === want, 'signed with the secret');
      assert(/^evt_\d+$/.test(first.body.id) && first.headers['x-tick-delivery'] === first.body.id, `the event id: ${first.body.id}`);

      // The delivery log shows it.
      await page.goto(`${BASE}/#/webhooks/${hookId}`);
      await page.getByRole('heading', { name: 'Delivery log' }).waitFor();
      const dRow = page.locator(`tr.delivery-row[data-event="${first.body.id}"]`);
      await dRow.waitFor();
      assert((await dRow.locator('td[data-label="Type"]').textContent()) === 'note.created', 'its type');
      assert((await dRow.locator('td[data-label="Status"]').textContent()) === 'Delivered', 'delivered');
      assert((await dRow.locator('td[data-label="Attempts"]').textContent()) === '1', 'one attempt');
      const answer = await dRow.locator('td[data-label="Last answer"]').textContent();
      assert(/HTTP 200/.test(answer) && /ok/.test(answer), `the last answer: ${answer}`);

      // Resend: the receiver says no once (the log shows its code and
      // words), then yes; the same event id every time.
      rcv.script = [500];
      await dRow.getByRole('button', { name: `Resend ${first.body.id}` }).click();
      await page.getByText(`${first.body.id} goes out again`).waitFor();
      await outboxUntil(() => mine().length === 2, 'the resent delivery');
      await page.getByRole('button', { name: 'Refresh' }).click();
      await eventually(async () => (await dRow.locator('td[data-label="Status"]').textContent()) === 'Failed, will retry',
        { what: 'the failed attempt in the log' });
      const failed = await dRow.locator('td[data-label="Last answer"]').textContent();
      assert(/HTTP 500/.test(failed) && /receiver says no \(500\)/.test(failed), `the failed answer: ${failed}`);
      await dRow.getByRole('button', { name: `Resend ${first.body.id}` }).click();
      await outboxUntil(() => mine().length === 3, 'the second resend');
      const ids = mine().map((g) => g.body.id);
      assert(ids.every((x) => x === first.body.id), `one event id every time: ${ids}`);
      await page.getByRole('button', { name: 'Refresh' }).click();
      await eventually(async () => (await dRow.locator('td[data-label="Status"]').textContent()) === 'Delivered',
        { what: 'delivered again in the log' });

      // Edit the events; disable and enable again.
      const edit = page.getByRole('form', { name: 'Edit the webhook' });
      await edit.getByLabel('ticket.closed').check();
      await edit.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Saved.').waitFor();
      const got = await api('GET', `/api/webhooks/${hookId}`, { token: await adminToken() });
      assert(JSON.stringify([...got.json.data.events].sort()) === JSON.stringify(['note.created', 'ticket.closed']),
        `events: ${got.json.data.events}`);
      await page.getByRole('button', { name: 'Disable' }).click();
      await page.getByRole('button', { name: 'Enable again' }).waitFor();
      assert((await api('GET', `/api/webhooks/${hookId}`, { token: await adminToken() })).json.data.active === false, 'disabled');
      await page.locator('.hook-state', { hasText: 'Disabled' }).waitFor();
      await page.getByRole('button', { name: 'Enable again' }).click();
      await page.getByRole('button', { name: 'Disable' }).waitFor();
      assert((await api('GET', `/api/webhooks/${hookId}`, { token: await adminToken() })).json.data.active === true, 'enabled again');

      // Delete, after a confirmation: gone from the list.
      await page.getByRole('button', { name: 'Delete webhook' }).click();
      await answerDialog(page, 'Delete');
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      await page.locator('.hooks-list table, .hooks-list .empty').first().waitFor();
      assert(await page.locator(`tr.hook-row[data-id="${hookId}"]`).count() === 0, 'the webhook is gone from the list');
      assert((await api('GET', `/api/webhooks/${hookId}`, { token: await adminToken() })).status === 404, 'deleted');
      hookId = null;
    } finally {
      if (hookId) await api('DELETE', `/api/webhooks/${hookId}`, { token: await adminToken() }).catch(() => {});
      await rcv.close();
    }
  }, { timeout: 90000 });

  test('integrations: the tokens and webhooks screens fit a phone and a desktop', async (b) => {
    const tok = await adminToken();
    const made = await api('POST', '/api/webhooks', { token: tok, body: {
      url: `http://127.0.0.1:9/${'layout-'.repeat(12)}hook`, events: ['ticket.created', 'note.created'], description: 'Layout check' } });
    assert(made.status === 201, `a webhook: ${made.status} ${made.text}`);
    const hookId = made.json.data.id;
    const tk = await api('POST', '/api/tokens', { token: tok, body: { name: `Layout ${uniq()}`, scopes: ['tickets.read', 'stats'] } });
    assert(tk.status === 201, `a token: ${tk.status}`);
    try {
      // A delivery nobody answers (port 9 refuses): a failed row in the log.
      await simulate(`Layout ${uniq()}`);
      await outboxUntil(async () => {
        const d = await api('GET', `/api/webhooks/${hookId}/deliveries`, { token: tok });
        return d.json.data.items.some((x) => x.attempts >= 1 && x.last_error);
      }, 'a failed delivery');
      for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
        const page = await b.page(viewport);
        await signIn(page, ADMIN_EMAIL);
        for (const [hash, heading, ready] of [
          ['#/tokens', 'API tokens', 'table.tokens tbody tr'],
          ['#/webhooks', 'Webhooks', 'table.hooks tbody tr'],
          [`#/webhooks/${hookId}`, `Webhook ${made.json.data.url}`, 'table.deliveries tbody tr'],
        ]) {
          await page.goto(`${BASE}/${hash}`);
          await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
          await page.locator(ready).first().waitFor();
          const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert(over <= 0, `${label} ${hash}: ${over} px wider than the screen`);
          const shot = hash.slice(2).replace(/\/\d+$/, '-one').replace(/[^a-z0-9-]+/gi, '-');
          console.log(`     ${await screenshot(page, `${shot}-${label}`)}`);
        }
      }
    } finally {
      await api('DELETE', `/api/webhooks/${hookId}`, { token: tok });
      await api('DELETE', `/api/tokens/${tk.json.data.id}`, { token: tok });
    }
  }, { timeout: 90000 });
}
