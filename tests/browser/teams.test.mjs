// Browser tests of issue 13's panel: the teams screen (a super admin
// creates a team, picks its members, changes how it assigns; an agent
// reads it) and the header's availability switch, which gives a waiting
// ticket to the agent who becomes available. Registered by panel.test.mjs
// (TICK_BROWSER_ONLY='^teams' runs these alone).
import {
  BASE, adminToken, api, assert, eventually, makeSite, makeUser, screenshot, signIn, simulate, uniq,
} from './lib.mjs';

async function fieldError(page, input) {
  const errId = (await input.getAttribute('aria-describedby')).split(' ').pop();
  return page.locator(`[id="${errId}"]`);
}

export function register(test) {
  test('teams: a super admin makes a team, an agent becomes available and gets its waiting ticket', async (b) => {
    const agent = await makeUser('agent');
    const site = await makeSite();
    const page = await b.page();
    await signIn(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Teams' }).click();
    await page.getByRole('heading', { name: 'Teams', level: 1 }).waitFor();
    const create = page.getByRole('form', { name: 'Create a team' });

    // A capacity that is not a number is refused before anything is sent.
    let posted = 0;
    page.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/teams') posted += 1; });
    const name = `Night desk ${uniq()}`;
    await create.getByLabel('Name').fill(name);
    await create.getByLabel('Assignment').selectOption('round_robin');
    const cap = create.getByLabel('Open tickets per agent (optional)');
    await cap.fill('lots');
    await create.getByRole('button', { name: 'Create team' }).click();
    await eventually(async () => (await cap.getAttribute('aria-invalid')) === 'true', { what: 'the capacity marked invalid' });
    assert(/1 to 1000/.test(await (await fieldError(page, cap)).textContent()), 'the capacity says its range');
    assert(posted === 0, 'nothing was sent with a bad capacity');
    await cap.fill('2');
    await create.getByRole('button', { name: 'Create team' }).click();
    await page.getByText(`Created ${name}.`).waitFor();
    const teams = (await api('GET', '/api/teams', { token: await adminToken() })).json.data.items;
    const team = teams.find((t) => t.name === name);
    assert(team && team.assignment === 'round_robin' && team.agent_capacity === 2, `the team as made: ${JSON.stringify(team)}`);

    // The same name again is the API's 409, shown beside the name.
    await create.getByLabel('Name').fill(name.toUpperCase());
    await create.getByRole('button', { name: 'Create team' }).click();
    const nameInput = create.getByLabel('Name');
    await eventually(async () => (await nameInput.getAttribute('aria-invalid')) === 'true', { what: 'the name marked taken' });

    // Members: the agent, ticked and saved; shown offline.
    const card = page.getByRole('article', { name });
    await card.getByRole('form', { name: `Members of ${name}` }).getByLabel(`${agent.name} (${agent.email})`).check();
    await card.getByRole('button', { name: 'Save members' }).click();
    await page.getByText(`Members of ${name} saved.`).waitFor();
    await page.getByRole('article', { name }).locator('.team-members li', { hasText: agent.name }).getByText('Offline').waitFor();
    const r = await api('PUT', `/api/teams/${team.id}`, { token: await adminToken(), body: { site_id: site.id } });
    assert(r.status === 200, `site of the team: ${r.status} ${r.text}`);
    console.log(`     ${await screenshot(page, 'teams-admin')}`);

    // A customer of the team's site writes while nobody is available: it waits.
    const t = await simulate(`Site ${site.code}: a leak at pump ${uniq()}`);
    let got = (await api('GET', `/api/tickets/${t.id}`, { token: await adminToken() })).json.data;
    assert(got.team && got.team.id === team.id && got.assigned_to === null, `waiting in the team: ${JSON.stringify(got.team)} ${JSON.stringify(got.assigned_to)}`);

    // The agent reads the screen (no forms) and switches to available.
    const ap = await b.page();
    await signIn(ap, agent.email, agent.password);
    const sw = ap.getByLabel('My availability');
    await eventually(async () => (await sw.inputValue()) === 'offline', { what: 'the switch showing offline' });
    await ap.goto(`${BASE}/#/teams`);
    await ap.getByRole('heading', { name: 'Teams', level: 1 }).waitFor();
    await ap.getByRole('article', { name }).waitFor();
    assert(await ap.getByRole('form', { name: 'Create a team' }).count() === 0, 'an agent has no create form');
    await sw.selectOption('available');
    await ap.getByText('You are available.').waitFor();
    await eventually(async () => {
      got = (await api('GET', `/api/tickets/${t.id}`, { token: await adminToken() })).json.data;
      return got.assigned_to && got.assigned_to.id === agent.id;
    }, { what: 'the waiting ticket assigned to the agent' });
    const me = await api('GET', '/api/me/availability', { token: (await api('POST', '/api/auth/login',
      { body: { email: agent.email, password: agent.password } })).json.data.token });
    assert(me.json.data.availability === 'available', 'the availability is stored');
    await ap.reload();
    await ap.getByRole('article', { name }).locator('.team-members li', { hasText: agent.name }).getByText('Available').waitFor();
    console.log(`     ${await screenshot(ap, 'teams-agent')}`);
    // Away again: nothing new goes to them.
    await ap.getByLabel('My availability').selectOption('away');
    await ap.getByText('You are away.').waitFor();
    const t2 = await simulate(`Site ${site.code}: another leak ${uniq()}`);
    got = (await api('GET', `/api/tickets/${t2.id}`, { token: await adminToken() })).json.data;
    assert(got.assigned_to === null, 'an away agent gets no new ticket');
  }, { timeout: 90000 });
}
