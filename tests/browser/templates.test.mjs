// Browser tests of issue 16's template picker: outside the 24-hour window
// the ticket's composer turns free text off and says why, offers the
// desk's approved templates (synced from the fake Graph API), asks for each
// variable, previews the filled message, shows the API's 422 beside the
// missing variable, and sends the template as Meta documents it.
// Registered by panel.test.mjs (TICK_BROWSER_ONLY='^templates' runs these
// alone).
import {
  BASE, adminToken, api, assert, assignToAdmin, eventually, graph, graphSent, makeUser, screenshot, signIn, uniq,
} from './lib.mjs';

export function register(test) {
  test('templates: outside the window free text is off and an approved template goes, previewed', async (b) => {
    const name = `visit_reminder_${uniq()}`;
    const paused = `${name}_paused`;
    await graph('POST', '/_fake/templates', { templates: [
      { name, language: 'en_US', status: 'APPROVED', category: 'UTILITY', id: String(800000000000000 + uniq()),
        components: [
          { type: 'HEADER', format: 'TEXT', text: 'Hello {{1}}' },
          { type: 'BODY', text: 'Your visit for {{1}} is on {{2}}.', example: { body_text: [['TKT-1', 'Monday']] } },
          { type: 'FOOTER', text: 'The desk' },
          { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Details', url: 'https://desk.example/v/{{1}}' }] }] },
      { name: paused, language: 'en_US', status: 'PAUSED', category: 'MARKETING', id: String(800000000000000 + uniq()),
        components: [{ type: 'BODY', text: 'Paused one' }] }] });
    const tok = await adminToken();
    const s = await api('POST', '/api/templates/sync', { token: tok });
    assert(s.status === 200, `sync: ${s.status} ${s.text}`);

    // A form ticket whose customer never wrote: the window is closed.
    const mobile = `52155${String(uniq()).padStart(8, '0')}`;
    const c = await api('POST', '/api/tickets', { token: tok, body: {
      name: 'Template Customer', mobile, description: 'Visit needed', issue_type: 'hardware',
      whatsapp_enabled: true, whatsapp_notifications: false } });
    assert(c.status === 201, `create: ${c.status} ${c.text}`);
    const id = c.json.data.id;
    await assignToAdmin(id);

    const page = await b.page();
    const csp = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
    await signIn(page);
    await page.goto(`${BASE}/#/tickets/${id}`);
    await page.locator('.timeline .item').first().waitFor();

    // Free text is off, with the reason.
    const replyBox = page.getByLabel('Reply to the customer');
    await eventually(async () => replyBox.isDisabled(), { what: 'the reply box disabled' });
    assert(await page.getByRole('button', { name: 'Send reply' }).isDisabled(), 'Send reply is disabled');
    const reason = page.locator('.reply-locked');
    assert(/only an approved template/.test(await reason.textContent()), 'the reason is shown');
    assert((await replyBox.getAttribute('aria-describedby')).includes(await reason.getAttribute('id')), 'the reason describes the box');

    // The picker lists approved templates only.
    const form = page.getByRole('form', { name: 'Send a template' });
    const choose = form.getByLabel('Template');
    await eventually(async () => (await choose.locator('option').count()) >= 2, { what: 'the templates loaded' });
    const options = await choose.locator('option').allTextContents();
    assert(options.includes(`${name} (en_US)`), `the approved template is offered: ${options}`);
    assert(!options.some((o) => o.startsWith(paused)), 'a paused template is not');
    await choose.selectOption(`${name}|en_US`);

    // Variables, and the preview as they are typed.
    await form.getByLabel('Header {{1}}').fill('Ana');
    await form.getByLabel('Body {{1}}').fill('TKT-000042');
    const preview = form.locator('.template-preview');
    await eventually(async () => (await preview.textContent()) ===
      'Hello Ana\nYour visit for TKT-000042 is on [{{2}}].\nThe desk\n[Details]', { what: 'the preview with a gap' });

    // A missing variable: the API's 422 lands beside its input; nothing sent.
    const before = (await graphSent(mobile)).length;
    await form.getByRole('button', { name: 'Send template' }).click();
    const second = form.getByLabel('Body {{2}}');
    await eventually(async () => (await second.getAttribute('aria-invalid')) === 'true', { what: 'body {{2}} marked missing' });
    assert((await graphSent(mobile)).length === before, 'nothing went to WhatsApp');
    console.log(`     ${await screenshot(page, 'templates-missing')}`);

    await second.fill('Monday 10:00');
    await form.getByLabel('Button “Details”: link ending').fill('v42');
    await eventually(async () => (await preview.textContent()) ===
      'Hello Ana\nYour visit for TKT-000042 is on Monday 10:00.\nThe desk\n[Details]', { what: 'the filled preview' });
    console.log(`     ${await screenshot(page, 'templates-preview')}`);
    await form.getByRole('button', { name: 'Send template' }).click();
    await page.getByText('Template sent: the customer can answer now.').waitFor();

    const sent = (await graphSent(mobile)).filter((r) => r.body.type === 'template');
    assert(sent.length === 1, `one template sent: ${sent.length}`);
    const want = { name, language: { code: 'en_US' }, components: [
      { type: 'header', parameters: [{ type: 'text', text: 'Ana' }] },
      { type: 'body', parameters: [{ type: 'text', text: 'TKT-000042' }, { type: 'text', text: 'Monday 10:00' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'v42' }] }] };
    assert(JSON.stringify(sent[0].body.template) === JSON.stringify(want), `as Meta documents it: ${JSON.stringify(sent[0].body.template)}`);
    // The filled message shows in the conversation.
    await page.locator('.timeline .item', { hasText: 'Your visit for TKT-000042 is on Monday 10:00.' }).first().waitFor();
    assert(csp.length === 0, `no CSP violations: ${csp.join('; ')}`);
  });
  registerSync(test);
}

function registerSync(test) {
  test('templates: a super admin syncs the library from the WhatsApp screen; a site manager has no button', async (b) => {
    const name = `sync_button_${uniq()}`;
    await graph('POST', '/_fake/templates', { templates: [
      { name, language: 'es', status: 'APPROVED', category: 'MARKETING', id: String(810000000000000 + uniq()),
        quality_score: { score: 'GREEN' }, components: [{ type: 'BODY', text: 'Hola' }] },
      { name: `${name}_rejected`, language: 'es', status: 'REJECTED', category: 'UTILITY', rejected_reason: 'INVALID_FORMAT',
        id: String(810000000000000 + uniq()), components: [{ type: 'BODY', text: 'x' }] }] });
    const page = await b.page();
    await signIn(page);
    await page.goto(`${BASE}/#/whatsapp`);
    const card = page.getByRole('region', { name: 'Message templates' });
    await card.waitFor();
    await card.getByRole('button', { name: 'Sync templates from Meta' }).click();
    await card.getByText(/Synced: 2 templates from Meta/).waitFor();
    const row = card.getByRole('row', { name: new RegExp(`^${name} es MARKETING APPROVED GREEN`) });
    await row.waitFor();
    await card.getByRole('row', { name: new RegExp(`${name}_rejected.*REJECTED.*INVALID_FORMAT`) }).waitFor();
    console.log(`     ${await screenshot(page, 'templates-sync')}`);
    // A site manager sees the WhatsApp screen, not the library's button.
    const manager = await makeUser('site_manager');
    const mp = await b.page();
    await signIn(mp, manager.email, manager.password);
    await mp.goto(`${BASE}/#/whatsapp`);
    await mp.getByRole('heading', { name: 'Connection' }).waitFor();
    assert(await mp.getByRole('button', { name: 'Sync templates from Meta' }).count() === 0, 'a site manager has no sync button');
  });
}
