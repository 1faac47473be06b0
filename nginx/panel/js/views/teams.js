// Teams (issue 13): everyone who reads tickets sees the teams, how they
// assign, their members and who is available; a super admin creates a
// team, changes its assignment and capacity, picks its members and
// deletes it.
import { api, get, query } from '../api.js';
import { clear, field, h, nextId, notice, setBusy, showFieldErrors } from '../dom.js';
import { plural, roleLabel } from '../format.js';
import { can } from '../session.js';

export const ASSIGNMENTS = [
  ['manual', 'Manual: agents take tickets'],
  ['round_robin', 'Round robin'],
  ['balanced', 'Balanced by open tickets'],
];
const AVAILABILITY = { available: 'Available', away: 'Away', offline: 'Offline' };

function assignmentLabel(a) {
  const found = ASSIGNMENTS.find(([v]) => v === a);
  return found ? found[1] : a;
}

// A body's capacity: '' is no limit (null); anything else must be a whole
// number from 1 to 1000, else undefined (refused before sending).
function capacityOf(text) {
  const t = text.trim();
  if (t === '') return null;
  return /^[0-9]{1,4}$/.test(t) && Number(t) >= 1 && Number(t) <= 1000 ? Number(t) : undefined;
}

export function mount(main, ctx) {
  let destroyed = false;
  const admin = can('teams.admin');
  const listStatus = h('div', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { class: 'teams-list' });
  let users = [];

  main.append(h('div', { class: 'page-head' }, h('h1', {}, 'Teams')));

  if (admin) {
    const f = {
      name: field('name', 'Name', { maxlength: 100, autocomplete: 'off' }),
      assignment: field('assignment', 'Assignment', { kind: 'select', options: ASSIGNMENTS, value: 'manual' }),
      agent_capacity: field('agent_capacity', 'Open tickets per agent', { optional: true, inputmode: 'numeric',
        hint: 'Automatic assignment gives an agent no more than this. Empty: no limit.' }),
      is_default: field('is_default', 'Default team (takes new tickets of no site’s team)', { kind: 'checkbox' }),
    };
    const fields = Object.values(f);
    const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create team');
    const form = h('form', { class: 'form-grid', novalidate: true, 'aria-label': 'Create a team' },
      status, h('div', { class: 'grid-2' }, f.name.wrap, f.assignment.wrap, f.agent_capacity.wrap, f.is_default.wrap),
      h('div', { class: 'form-actions' }, btn));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      status.replaceChildren();
      const cap = capacityOf(f.agent_capacity.input.value);
      if (cap === undefined) {
        showFieldErrors(fields, { agent_capacity: 'must be a whole number from 1 to 1000, or empty for no limit' });
        return;
      }
      const body = { name: f.name.input.value.trim(), assignment: f.assignment.input.value, agent_capacity: cap,
        is_default: f.is_default.input.checked };
      setBusy(btn, true, 'Creating…');
      try {
        const { data } = await api('POST', '/api/teams', body);
        showFieldErrors(fields, null);
        f.name.input.value = '';
        f.agent_capacity.input.value = '';
        f.is_default.input.checked = false;
        status.replaceChildren(notice('ok', `Created ${data.name}.`));
        load();
      } catch (err) {
        if (err.status === 401) return;
        const rest = err.status === 422 || err.status === 409 ? showFieldErrors(fields, err.details) : {};
        const extra = Object.entries(rest);
        status.replaceChildren(notice('error', err.message,
          extra.length ? h('ul', {}, extra.map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null));
      } finally {
        setBusy(btn, false);
      }
    });
    main.append(h('section', { class: 'card', 'aria-labelledby': 'teams-create' },
      h('h2', { id: 'teams-create' }, 'Add a team'), form));
  }
  main.append(h('section', { class: 'card', 'aria-labelledby': 'teams-all' },
    h('h2', { id: 'teams-all' }, 'All teams'), listStatus, list));

  // One team: its members with their availability; for a super admin,
  // its settings, its members as checkboxes, and delete.
  function teamCard(t) {
    const headingId = nextId('team');
    const memberList = t.members.length
      ? h('ul', { class: 'team-members' }, t.members.map((m) => h('li', {},
        h('span', { class: 'cell-strong' }, m.name), ` (${roleLabel(m.role)}) · `,
        h('span', { class: `availability availability-${m.availability}` }, AVAILABILITY[m.availability] || m.availability),
        ` · ${plural(m.open_tickets, 'open ticket', 'open tickets')}`)))
      : h('p', { class: 'muted' }, 'No members yet.');
    const card = h('article', { class: 'card team', 'aria-labelledby': headingId },
      h('h3', { id: headingId }, t.name, t.is_default ? h('span', { class: 'badge' }, ' Default') : null),
      h('p', {}, assignmentLabel(t.assignment),
        t.agent_capacity ? ` · at most ${plural(t.agent_capacity, 'open ticket', 'open tickets')} per agent` : '',
        t.site ? ` · site ${t.site.code}` : ''),
      memberList);
    if (!admin) return card;

    const rowStatus = h('div', { class: 'row-status', 'aria-live': 'polite' });
    const f = {
      assignment: field('assignment', 'Assignment', { kind: 'select', options: ASSIGNMENTS, value: t.assignment }),
      agent_capacity: field('agent_capacity', 'Open tickets per agent', { optional: true, inputmode: 'numeric',
        value: t.agent_capacity == null ? '' : String(t.agent_capacity) }),
    };
    const fields = Object.values(f);
    const save = h('button', { type: 'submit', class: 'btn btn-small' }, 'Save settings');
    const settings = h('form', { class: 'team-edit', novalidate: true, 'aria-label': `Settings of ${t.name}` },
      h('div', { class: 'grid-2' }, f.assignment.wrap, f.agent_capacity.wrap), save);
    settings.addEventListener('submit', async (e) => {
      e.preventDefault();
      rowStatus.replaceChildren();
      const cap = capacityOf(f.agent_capacity.input.value);
      if (cap === undefined) {
        showFieldErrors(fields, { agent_capacity: 'must be a whole number from 1 to 1000, or empty for no limit' });
        return;
      }
      setBusy(save, true, 'Saving…');
      try {
        await api('PUT', `/api/teams/${t.id}`, { assignment: f.assignment.input.value, agent_capacity: cap });
        ctx.flash(`Saved ${t.name}.`);
        load();
      } catch (err) {
        if (err.status === 401) return;
        if (err.status === 422) showFieldErrors(fields, err.details);
        rowStatus.replaceChildren(notice('error', err.message));
        setBusy(save, false);
      }
    });

    const mine = new Set(t.members.map((m) => m.id));
    const boxes = users.map((u) => {
      const id = nextId('member');
      return { u, box: h('input', { type: 'checkbox', id, value: String(u.id), checked: mine.has(u.id) }),
        label: h('label', { for: id }, `${u.name} (${u.email})`) };
    });
    const setMembers = h('button', { type: 'submit', class: 'btn btn-small' }, 'Save members');
    const membersForm = h('form', { class: 'team-members-edit', novalidate: true, 'aria-label': `Members of ${t.name}` },
      h('fieldset', {}, h('legend', {}, 'Members'),
        boxes.length ? boxes.map((b) => h('div', { class: 'field field-check' }, b.box, b.label))
          : h('p', { class: 'muted' }, 'No active users who work tickets.')),
      setMembers);
    membersForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      rowStatus.replaceChildren();
      setBusy(setMembers, true, 'Saving…');
      try {
        await api('PUT', `/api/teams/${t.id}/members`,
          { user_ids: boxes.filter((b) => b.box.checked).map((b) => b.u.id) });
        ctx.flash(`Members of ${t.name} saved.`);
        load();
      } catch (err) {
        if (err.status === 401) return;
        rowStatus.replaceChildren(notice('error', err.message));
        setBusy(setMembers, false);
      }
    });
    const del = h('button', { type: 'button', class: 'btn btn-small btn-danger' }, 'Delete team');
    del.addEventListener('click', async () => {
      if (!window.confirm(`Delete ${t.name}? Its tickets keep no team.`)) return;
      setBusy(del, true, 'Deleting…');
      try {
        await api('DELETE', `/api/teams/${t.id}`);
        ctx.flash(`Deleted ${t.name}.`);
        load();
      } catch (err) {
        if (err.status === 401) return;
        rowStatus.replaceChildren(notice('error', err.message));
        setBusy(del, false);
      }
    });
    card.append(settings, membersForm, h('div', { class: 'form-actions' }, del), rowStatus);
    return card;
  }

  async function load() {
    try {
      if (admin) {
        const data = await get(`/api/users${query({ limit: 100 })}`);
        users = (data.items || []).filter((u) => u.active && u.role !== 'reporter');
      }
      const data = await get('/api/teams');
      if (destroyed) return;
      const items = data.items || [];
      clear(listStatus, plural(items.length, 'team', 'teams'));
      clear(list, items.length ? items.map(teamCard) : h('p', { class: 'muted' }, 'No teams yet.'));
    } catch (err) {
      if (destroyed || err.status === 401) return;
      clear(listStatus, notice('error', `The teams could not be loaded: ${err.message}`));
    }
  }

  load();
  return {
    destroy() { destroyed = true; },
    refresh: load,
  };
}
