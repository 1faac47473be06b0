// Browser tests of issue 13's SLA chips: the inbox shows, beside each
// ticket's status, the time left before its SLA policy is breached (ok,
// warning), since when it is breached, or that it is paused while the
// ticket is pending, and sorts by it. Registered by panel.test.mjs
// (TICK_BROWSER_ONLY='^sla' runs these alone).
import {
  BASE, adminToken, api, assert, eventually, screenshot, signIn, simulate, sql, uniq,
} from './lib.mjs';

export function register(test) {
  test('sla: the inbox shows each ticket\'s time left, breach and pause, and sorts by it', async (b) => {
    const token = await adminToken();
    // A policy only for the tickets tagged here, so other tests see none.
    const tag = `sla-${uniq()}`;
    let r = await api('POST', '/api/sla-policies', {
      token, body: { name: `Chips ${tag}`, position: 1, tag, first_response_minutes: 240 },
    });
    assert(r.status === 201, `policy: ${r.status} ${r.text}`);
    const policyId = r.json.data.id;
    try {
      const made = {};
      for (const k of ['ok', 'warning', 'breached', 'paused', 'none']) {
        made[k] = await simulate(`SLA chip ${k} ${uniq()}`);
        r = await api('PUT', `/api/tickets/${made[k].id}/tags`, { token, body: { tags: k === 'none' ? [] : [tag] } });
        assert(r.status === 200, `tags: ${r.status} ${r.text}`);
      }
      // Due times the chips can be read from (SLA_WARNING_MINUTES is 30);
      // half a minute over, so the minutes shown do not tick down first.
      const due = (id, s) => sql(`UPDATE tickets SET first_response_due_at = UTC_TIMESTAMP() + INTERVAL ${s} SECOND WHERE id = ${id}`);
      due(made.ok.id, 2 * 3600 + 10 * 60 + 30);
      due(made.warning.id, 20 * 60 + 30);
      due(made.breached.id, -(15 * 60 + 30));
      r = await api('PUT', `/api/tickets/${made.paused.id}/status`, { token, body: { status: 'pending' } });
      assert(r.status === 200, `pending: ${r.status} ${r.text}`);
      const got = (await api('GET', `/api/tickets/${made.ok.id}`, { token })).json.data.sla;
      assert(got && got.state === 'ok' && got.policy.id === policyId, `the API's sla: ${JSON.stringify(got)}`);

      const page = await b.page();
      await signIn(page);
      await page.goto(`${BASE}/#/inbox?tag=${encodeURIComponent(tag)}&sort=sla`);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      const rows = page.locator('tr.ticket-row');
      await eventually(async () => (await rows.count()) === 4, { what: 'the four tagged tickets (pending ones included)' });
      const chip = (t) => page.locator(`tr.ticket-row[data-id="${t.id}"] .badge.sla`);
      const expect = {
        ok: /^◷ 2h 10m left$/, warning: /^⚠ 20m left$/, breached: /^✕ breached 15m ago$/, paused: /^‖ SLA paused$/,
      };
      for (const [k, re] of Object.entries(expect)) {
        const c = chip(made[k]);
        assert(await c.count() === 1, `one chip on the ${k} ticket`);
        const text = (await c.textContent()).trim();
        assert(re.test(text), `the ${k} chip reads "${text}"`);
        assert(await c.getAttribute('data-sla') === k, `the ${k} chip's state`);
        assert(await c.getAttribute('title') === `SLA Chips ${tag}`, `the ${k} chip names its policy`);
      }
      // Colours come from the stylesheet (no inline style under the CSP).
      const colours = await page.evaluate(() => [...document.querySelectorAll('.badge.sla')].map((e) => ({
        state: e.dataset.sla, bg: getComputedStyle(e).backgroundColor, style: e.getAttribute('style'),
      })));
      assert(colours.every((c) => c.style === null), 'no inline style on a chip');
      assert(new Set(colours.map((c) => c.bg)).size === 4, `each state its own colour: ${JSON.stringify(colours)}`);
      // Sorted by time left: breached, warning, ok; the paused one last.
      const order = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
      assert(JSON.stringify(order) === JSON.stringify([made.breached, made.warning, made.ok, made.paused].map((t) => String(t.id))),
        `sorted by SLA: ${order}`);
      // The sort is offered in the filters.
      assert(await page.locator('select option[value="sla"]').count() === 1, 'the SLA sort is offered');
      console.log(`     ${await screenshot(page, 'sla-chips')}`);
      // The dashboard's SLA tile: only these tickets have a policy; none
      // met, one breached, three running (the paused one too).
      await page.goto(`${BASE}/#/dashboard`);
      await page.reload();
      const tile = page.locator('.tile[data-figure="sla"]');
      await eventually(async () => /1 breached · 3 running/.test(await tile.textContent()),
        { what: 'the SLA tile counted', timeout: 10000 });
      assert((await tile.locator('.tile-value').textContent()).trim() === '0.00 %', 'nothing met of one decided');
      // The ticket screen names the policy, shows the chip and the due time.
      await page.goto(`${BASE}/#/tickets/${made.warning.id}`);
      const line = page.locator('.sla-line');
      await line.getByText(`SLA: Chips ${tag}`).waitFor();
      assert(await line.locator('.badge.sla-warning').count() === 1, 'the warning chip on the ticket screen');
      assert(await line.locator('li', { hasText: 'First response due' }).count() === 1, 'its due time');
      // A ticket without a policy has no chip.
      await page.goto(`${BASE}/#/inbox?q=${encodeURIComponent(made.none.reference)}`);
      await page.reload();
      await page.locator(`tr.ticket-row[data-id="${made.none.id}"]`).waitFor();
      assert(await chip(made.none).count() === 0, 'no chip without a policy');
    } finally {
      sql(`UPDATE tickets SET sla_policy_id = NULL WHERE sla_policy_id = ${policyId}`);
      await api('DELETE', `/api/sla-policies/${policyId}`, { token });
    }
  });
}
