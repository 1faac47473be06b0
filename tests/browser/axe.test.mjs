// Issue 19's accessibility run: axe-core (installed from npm, locked in
// tests/browser/package-lock.json) injected into every screen of the panel
// (sign-in, the inbox, a ticket, My account and each screen the menu
// reaches) at 1366x768 and at 390x844. Fails on any serious or critical
// violation and on the moderate ones the issue names (unique landmark
// names, content outside landmarks, roles and ARIA attributes where they
// are not allowed, a field named by its title only). Registered by
// panel.test.mjs (TICK_BROWSER_ONLY='^axe' runs these alone).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import {
  BASE, PHONE, assert, assignToAdmin, signIn, simulate,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const LAPTOP = { width: 1366, height: 768 };

// The moderate (and minor) rules that fail the run as well.
export const AXE_ALSO_FAIL = new Set([
  'landmark-unique', 'region', 'aria-allowed-role', 'label-title-only',
  'aria-prohibited-attr', 'aria-allowed-attr',
]);

// The violations that fail the run, one line each (pure, so it is testable).
export function axeFailures(violations) {
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || AXE_ALSO_FAIL.has(v.id))
    .map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`
      + (v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''));
}

// Injects axe through the DevTools protocol (page.evaluate is not bound by
// the panel's CSP, so nothing is loosened for the test) and runs it on the
// whole document.
export async function audit(page, where) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String) })),
    }));
  });
  return axeFailures(violations).map((f) => `${where}: ${f}`);
}

// Waits for a screen's heading and for its first fetches to settle.
async function settle(page) {
  await page.locator('main h1').first().waitFor();
  await page.waitForTimeout(400);
}

// Every link in the main menu (the admin screens a super admin reaches).
async function menuScreens(page) {
  return page.evaluate(() => [...document.querySelectorAll('#nav a[href^="#/"]')]
    .map((a) => a.getAttribute('href')));
}

async function run(b, viewport, label) {
  const { id } = await simulate(`axe ${label}: the printer is jammed again`);
  await assignToAdmin(id);
  const failures = [];

  const login = await b.page(viewport);
  await login.goto(`${BASE}/#/login`);
  await login.getByRole('heading', { name: 'Sign in to tick' }).waitFor();
  failures.push(...await audit(login, `${label} sign-in`));

  const page = await b.page(viewport);
  await signIn(page);
  await settle(page);
  failures.push(...await audit(page, `${label} #/inbox`));

  const screens = new Set(await menuScreens(page));
  screens.add(`#/tickets/${id}`);
  screens.add('#/account');
  screens.delete('#/inbox');
  for (const hash of screens) {
    await page.goto(`${BASE}/${hash}`);
    await settle(page);
    if (hash.startsWith('#/tickets/')) await page.locator('.timeline .item').first().waitFor();
    failures.push(...await audit(page, `${label} ${hash.replace(/\/tickets\/.*/, '/tickets/:id')}`));
  }
  assert(screens.size >= 8, `the menu reached the admin screens: ${[...screens].join(' ')}`);
  for (const f of failures) console.log(`     axe: ${f}`);
  assert(failures.length === 0, `axe found:\n  ${failures.join('\n  ')}`);
}

export function register(test) {
  test('axe: the rule that fails a run (serious, critical and the named moderate ones)', async () => {
    const v = (id, impact) => ({ id, impact, help: id, nodes: [{ target: ['#x'] }] });
    const out = axeFailures([v('color-contrast', 'serious'), v('landmark-unique', 'moderate'),
      v('heading-order', 'moderate'), v('region', 'moderate'), v('aria-allowed-attr', 'critical'),
      v('empty-table-header', 'minor')]);
    assert(out.length === 4 && out.every((l) => /^(color-contrast|landmark-unique|region|aria-allowed-attr) /.test(l)),
      `the failures: ${out.join('; ')}`);
    assert(!out.some((l) => l.startsWith('heading-order')), 'an unnamed moderate rule does not fail');
  });
  test('axe: every screen at 1366x768 has no serious or named violation', (b) => run(b, LAPTOP, 'laptop'),
    { timeout: 150000 });
  test('axe: every screen at 390x844 has no serious or named violation', (b) => run(b, PHONE, 'phone'),
    { timeout: 150000 });
}
