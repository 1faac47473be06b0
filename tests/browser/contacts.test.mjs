// Browser tests of issue 13's contacts screen: a super admin searches the
// contacts, imports a CSV file (a dry run first, then for real) and sees
// the rows in error by line, and the export link gives the file back;
// an agent reads the list without the import form. Registered by
// panel.test.mjs (TICK_BROWSER_ONLY='^contacts' runs these alone).
import {
  BASE, adminToken, api, assert, eventually, makeUser, newPhone, screenshot, signIn, uniq,
} from './lib.mjs';

export function register(test) {
  test('contacts: import a CSV with a per-line report, search, export', async (b) => {
    const page = await b.page();
    await signIn(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();

    const tag = `br${uniq() % 1000000}`;
    const p1 = newPhone();
    const p2 = newPhone();
    const name = `Zoë Browser ${uniq()}`;
    const csv = `name,phone,email,tags,Company\r\n"${name}",+${p1},zoe@example.com,${tag},"Acme, Inc."\r\n`
      + `Bad,12ab,,,\r\n"=cmd",${p2},,${tag},\r\n`;
    const form = page.getByRole('form', { name: 'Import contacts' });
    const file = { name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) };

    // A dry run reports and writes nothing.
    await form.getByLabel('CSV file').setInputFiles(file);
    await form.getByLabel('Only check the file (dry run)').check();
    await form.getByRole('button', { name: 'Import' }).click();
    await form.getByText(/Checked 3 rows: 2 good, 1 in error\. Nothing was written\./).waitFor();
    await form.getByRole('list', { name: 'Rows in error' }).getByText(/Line 3 \(phone\)/).waitFor();
    let r = await api('GET', `/api/contacts?tag=${tag}`, { token: await adminToken() });
    assert(r.json.data.total === 0, `a dry run wrote nothing: ${r.text}`);

    // For real: the good rows are kept, the bad one reported by line.
    await form.getByLabel('Only check the file (dry run)').uncheck();
    await form.getByLabel('CSV file').setInputFiles(file);
    await form.getByRole('button', { name: 'Import' }).click();
    await form.getByText(/Imported 3 rows: 2 new, 0 updated, 1 in error\./).waitFor();
    await form.getByRole('list', { name: 'Rows in error' }).getByText(/Line 3 \(phone\)/).waitFor();
    r = await api('GET', `/api/contacts?tag=${tag}`, { token: await adminToken() });
    assert(r.json.data.total === 2, `two contacts imported: ${r.text}`);

    // Search by name finds the one.
    const search = page.getByRole('search', { name: 'Search contacts' });
    await search.getByLabel('Phone, name or e-mail').fill(name);
    await search.getByRole('button', { name: 'Search' }).click();
    const rows = page.locator('table.contacts tbody tr');
    await eventually(async () => (await rows.count()) === 1 && (await rows.first().textContent()).includes(name),
      { what: 'one contact found by name' });
    assert((await rows.first().textContent()).includes(`+${p1}`), 'the phone is shown');
    console.log(`     ${await screenshot(page, 'contacts')}`);

    // The export link gives the file, formula cells neutralised.
    const link = page.getByRole('link', { name: 'Export CSV' });
    assert((await link.getAttribute('href')) === '/api/contacts/export', 'the export link');
    const text = await page.evaluate(async () => (await fetch('/api/contacts/export', { credentials: 'same-origin' })).text());
    assert(text.startsWith('id,name,phone,'), `the export's header: ${text.slice(0, 60)}`);
    assert(text.includes(`"'=cmd"`) && text.includes(name) && text.includes('"{""Company"":""Acme, Inc.""}"'),
      'the export holds the rows, the formula cell neutralised');

    // An agent reads the list, without the import form or the export.
    const agent = await makeUser('agent');
    const ap = await b.page();
    await signIn(ap, agent.email, agent.password);
    await ap.goto(`${BASE}/#/contacts`);
    await ap.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await eventually(async () => (await ap.locator('table.contacts tbody tr').count()) > 0, { what: 'the agent sees contacts' });
    assert(await ap.getByRole('form', { name: 'Import contacts' }).count() === 0, 'an agent has no import form');
    assert(await ap.getByRole('link', { name: 'Export CSV' }).count() === 0, 'an agent has no export');
  });
}
