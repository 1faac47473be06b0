// Contacts (issue 13): everyone who reads tickets lists and searches the
// contacts (by phone, name or e-mail, and by tag); a super admin or a site
// manager imports a CSV file (the per-line report of the rows in error
// shown, a dry run to check first) and exports every contact as CSV.
import { api, get, query } from '../api.js';
import { clear, field, h, notice, setBusy } from '../dom.js';
import { plural } from '../format.js';
import { can } from '../session.js';

const PAGE = 50;
const MAX_IMPORT = 50 * 1024 * 1024;

export function mount(main) {
  let destroyed = false;
  let page = 1;
  const admin = can('contacts.admin');
  const listStatus = h('div', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { class: 'contacts-list' });
  const pager = h('div', { class: 'pager' });

  const head = h('div', { class: 'page-head' }, h('h1', {}, 'Contacts'));
  if (admin) {
    head.append(h('a', { class: 'btn', href: '/api/contacts/export', download: 'contacts.csv' }, 'Export CSV'));
  }
  main.append(head);

  const q = field('q', 'Phone, name or e-mail', { optional: true, maxlength: 200, autocomplete: 'off' });
  const tag = field('tag', 'Tag', { optional: true, maxlength: 32, autocomplete: 'off' });
  const search = h('form', { class: 'form-grid', role: 'search', 'aria-label': 'Search contacts' },
    h('div', { class: 'grid-2' }, q.wrap, tag.wrap),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Search')));
  search.addEventListener('submit', (e) => {
    e.preventDefault();
    page = 1;
    load();
  });
  main.append(h('section', { class: 'card', 'aria-labelledby': 'contacts-all' },
    h('h2', { id: 'contacts-all' }, 'All contacts'), search, listStatus, list, pager));

  if (admin) {
    const file = field('file', 'CSV file', { kind: 'file', accept: '.csv,text/csv',
      hint: 'A header row: phone (required), name, email, tags, notes, opted_out; any other column is a custom field. Up to 50 MB.' });
    const dry = field('dry_run', 'Only check the file (dry run)', { kind: 'checkbox' });
    const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
    const report = h('div', { class: 'import-report' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Import');
    const form = h('form', { class: 'form-grid', novalidate: true, 'aria-label': 'Import contacts' },
      status, file.wrap, dry.wrap, h('div', { class: 'form-actions' }, btn), report);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      status.replaceChildren();
      report.replaceChildren();
      const f = file.input.files && file.input.files[0];
      if (!f) {
        status.replaceChildren(notice('error', 'Choose a CSV file first.'));
        return;
      }
      if (f.size > MAX_IMPORT) {
        status.replaceChildren(notice('error', 'The file is larger than 50 MB.'));
        return;
      }
      setBusy(btn, true, 'Importing…');
      try {
        const text = await f.text();
        const path = `/api/contacts/import/csv${query({ dry_run: dry.input.checked ? '1' : '' })}`;
        const { data } = await api('POST', path, text, { contentType: 'text/csv', timeout: 600000 });
        const summary = data.dry_run
          ? `Checked ${plural(data.rows, 'row', 'rows')}: ${data.valid} good, ${data.failed} in error. Nothing was written.`
          : `Imported ${plural(data.rows, 'row', 'rows')}: ${data.created} new, ${data.updated} updated, ${data.failed} in error.`;
        status.replaceChildren(notice(data.failed ? 'error' : 'ok', summary));
        showErrors(report, data.errors);
        if (!data.dry_run) load();
      } catch (err) {
        if (err.status === 401) return;
        status.replaceChildren(notice('error', err.message));
        if (err.details && err.details.errors) showErrors(report, err.details.errors);
      } finally {
        setBusy(btn, false);
      }
    });
    main.append(h('section', { class: 'card', 'aria-labelledby': 'contacts-import' },
      h('h2', { id: 'contacts-import' }, 'Import a CSV file'), form));
  }

  function showErrors(box, errors) {
    if (!errors || !errors.length) return;
    box.replaceChildren(h('h3', {}, 'Rows in error'),
      h('ul', { class: 'import-errors', 'aria-label': 'Rows in error' }, errors.map((e) => h('li', {},
        h('span', { class: 'cell-strong' }, `Line ${e.line}`), e.field ? ` (${e.field})` : '', `: ${e.error}`))));
  }

  async function load() {
    listStatus.textContent = 'Loading…';
    let data;
    try {
      data = await get(`/api/contacts${query({ q: q.input.value.trim(), tag: tag.input.value.trim(), page, limit: PAGE })}`);
    } catch (err) {
      if (destroyed || err.status === 401) return;
      listStatus.replaceChildren(notice('error', err.message));
      return;
    }
    if (destroyed) return;
    listStatus.textContent = data.total ? plural(data.total, 'contact', 'contacts') : 'No contacts match.';
    if (!data.items.length) {
      clear(list);
    } else {
      clear(list, h('table', { class: 'table contacts' },
        h('thead', {}, h('tr', {}, ['Name', 'Phone', 'E-mail', 'Tags', 'Tickets'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, data.items.map((c) => h('tr', {},
          h('td', { class: 'cell-strong' }, c.name || '—', c.opted_out ? h('span', { class: 'badge' }, ' Opted out') : null),
          h('td', {}, c.phone ? `+${c.phone}` : '—'),
          h('td', {}, c.email || '—'),
          h('td', {}, c.tags.join(', ')),
          h('td', {}, `${c.open_tickets} open / ${c.tickets_total}`))))));
    }
    const pages = Math.max(1, Math.ceil(data.total / PAGE));
    const prev = h('button', { type: 'button', class: 'btn btn-small', disabled: page <= 1 }, 'Previous');
    const next = h('button', { type: 'button', class: 'btn btn-small', disabled: page >= pages }, 'Next');
    prev.addEventListener('click', () => { page -= 1; load(); });
    next.addEventListener('click', () => { page += 1; load(); });
    pager.replaceChildren(prev, ` Page ${page} of ${pages} `, next);
  }

  load();
  return { destroy() { destroyed = true; } };
}
