// Browser tests of issue 13's ticket screen: the customer's rating (CSAT)
// with its comment, and the transfer and tags controls; the inbox's team
// and tag filters. Registered by panel.test.mjs (TICK_BROWSER_ONLY='^csat'
// runs these alone). CSAT is off in the test desk, so the question is
// marked asked with SQL; the answer comes through the signed webhook.
import {
  BASE, adminToken, api, assert, assignToAdmin, eventually, makeUser, messagePayload, postWebhook, screenshot,
  openFilters, signIn, simulate, sql, uniq,
} from './lib.mjs';

export function register(test) {
  test('csat: the ticket shows the customer\'s rating and comment', async (b) => {
    const t = await simulate(`The screen is black ${uniq()}`);
    let r = await api('POST', `/api/tickets/${t.id}/close`, { token: await adminToken(), body: { resolution: 'Replaced it' } });
    assert(r.status === 200, `close: ${r.status} ${r.text}`);
    await sql(`UPDATE tickets SET csat_asked_at = NOW(3) WHERE id = ${t.id}`);
    r = await postWebhook(messagePayload(t.phone, t.name, {
      type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: `csat:${t.id}:1`, title: 'Bad' } },
    }));
    assert(r.status === 200, `rating: ${r.status}`);
    r = await postWebhook(messagePayload(t.phone, t.name, { type: 'text', text: { body: 'It broke again the next day' } }));
    assert(r.status === 200, `comment: ${r.status}`);
    const page = await b.page();
    await signIn(page);
    await page.goto(`${BASE}/#/tickets/${t.id}`);
    const card = page.getByRole('region', { name: 'Team, tags and rating' });
    await card.getByText('Bad (1 of 3)').waitFor();
    await card.getByText('It broke again the next day').waitFor();
    console.log(`     ${await screenshot(page, 'csat-rating')}`);

    // A ticket nobody rated says so.
    const u = await simulate(`Unrated ${uniq()}`);
    await page.goto(`${BASE}/#/tickets/${u.id}`);
    await page.getByRole('region', { name: 'Team, tags and rating' }).getByText('Rated after closing, when CSAT is on.').waitFor();
  });

  test('csat: tags and transfer on the ticket screen, the inbox filters by team and tag', async (b) => {
    const agent = await makeUser('agent');
    const name = `Billing ${uniq()}`;
    let r = await api('POST', '/api/teams', { token: await adminToken(), body: { name } });
    assert(r.status === 201, `team: ${r.status} ${r.text}`);
    const team = r.json.data;
    r = await api('PUT', `/api/teams/${team.id}/members`, { token: await adminToken(), body: { user_ids: [agent.id] } });
    assert(r.status === 200, `members: ${r.status} ${r.text}`);
    const t = await simulate(`Charged twice ${uniq()}`);
    await assignToAdmin(t.id);
    const tag = `refund${uniq()}`;

    const page = await b.page();
    await signIn(page);
    await page.goto(`${BASE}/#/tickets/${t.id}`);
    const card = page.getByRole('region', { name: 'Team, tags and rating' });
    const tags = card.getByRole('form', { name: 'Tags of the ticket' });
    await tags.getByLabel('Tags').fill(`${tag.toUpperCase()}, billing`);
    await tags.getByRole('button', { name: 'Save tags' }).click();
    await page.getByText('Tags saved.').waitFor();
    await card.locator('.tag-list li', { hasText: tag }).waitFor();
    let got = (await api('GET', `/api/tickets/${t.id}`, { token: await adminToken() })).json.data;
    assert(JSON.stringify(got.tags) === JSON.stringify(['billing', tag].sort()), `tags: ${JSON.stringify(got.tags)}`);

    // A transfer without a note is refused before anything is sent.
    await card.getByText('Transfer to a team or agent').click();
    const form = card.getByRole('form', { name: 'Transfer the ticket' });
    await eventually(async () => (await form.getByLabel('Team').locator('option').count()) > 1, { what: 'the teams listed' });
    await form.getByLabel('Team').selectOption(String(team.id));
    await form.getByLabel('Agent').selectOption(String(agent.id));
    await form.getByRole('button', { name: 'Transfer' }).click();
    const note = form.getByLabel('Note for the next holder');
    await eventually(async () => (await note.getAttribute('aria-invalid')) === 'true', { what: 'the note marked missing' });
    await note.fill('The customer was charged twice; refund pending.');
    await form.getByRole('button', { name: 'Transfer' }).click();
    await page.getByText('Ticket transferred.').waitFor();
    got = (await api('GET', `/api/tickets/${t.id}`, { token: await adminToken() })).json.data;
    assert(got.team && got.team.id === team.id && got.assigned_to && got.assigned_to.id === agent.id,
      `after the transfer: ${JSON.stringify(got.team)} ${JSON.stringify(got.assigned_to)}`);
    await card.getByText(`Team: ${name}`).waitFor();
    console.log(`     ${await screenshot(page, 'csat-transfer')}`);

    // The inbox by tag, then by team.
    const other = await simulate(`Unrelated ${uniq()}`);
    await page.goto(`${BASE}/#/inbox?tag=${tag}`);
    await page.getByRole('link', { name: t.reference }).waitFor();
    assert(await page.getByRole('link', { name: other.reference }).count() === 0, 'the tag filter leaves other tickets out');
    await page.goto(`${BASE}/#/inbox`);
    await openFilters(page);
    const teamSel = page.getByLabel('Team', { exact: true });
    await eventually(async () => (await teamSel.locator('option').count()) > 2, { what: 'the teams in the filter' });
    await teamSel.selectOption(String(team.id));
    await page.getByRole('link', { name: t.reference }).waitFor();
    await eventually(async () => page.url().includes(`team=${team.id}`), { what: 'the team in the URL' });
    await eventually(async () => await page.getByRole('link', { name: other.reference }).count() === 0,
      { what: 'the team filter leaving other tickets out' });
    await page.getByRole('link', { name: t.reference }).waitFor();
  }, { timeout: 90000 });
}
