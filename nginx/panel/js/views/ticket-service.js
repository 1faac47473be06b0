// Issue 13 on the ticket screen: the customer's rating (CSAT), the
// ticket's team and tags, and the forms to transfer it (team, agent,
// internal note: POST /api/tickets/:id/transfer) and to set its tags
// (PUT /api/tickets/:id/tags). The API decides who may (the holder or a
// super admin transfers; anyone who works tickets tags an unheld one): the
// panel shows the forms to who works tickets and shows the API's refusal.
import { api, get } from '../api.js';
import { clear, field, h, notice, setBusy, showFieldErrors } from '../dom.js';
import { dateTime } from '../format.js';
import { can, isAdmin, session } from '../session.js';
import { slaMark } from './inbox.js';

const NOTE_MAX = 5000;
const TAGS_MAX = 20;
const TAG_MAX = 32;
const SCORES = { 3: 'Good', 2: 'OK', 1: 'Bad' };

// "Good (3 of 3)" for a score.
export function csatLabel(score) {
  return `${SCORES[score] || score} (${score} of 3)`;
}

export function createService(ctx, { reload }) {
  let ticket = null;
  let teams = null; // null: not loaded

  const rating = h('div', { class: 'csat-box', 'aria-label': 'Customer rating' });
  const teamLine = h('p', { class: 'team-line' });
  const slaLine = h('div', { class: 'sla-line' });
  const tagList = h('ul', { class: 'tag-list', 'aria-label': 'Tags' });
  const status = h('div', { class: 'action-status', role: 'status', 'aria-live': 'polite' });

  // --- transfer
  const team = field('team_id', 'Team', { kind: 'select', options: [['', 'Keep the team']] });
  const agent = field('user_id', 'Agent', { kind: 'select', options: [['', 'Whoever the team chooses']] });
  const note = field('note', 'Note for the next holder', { kind: 'textarea', rows: 2, maxlength: NOTE_MAX,
    hint: 'Required. Kept as an internal note, never sent to the customer.' });
  const transferBtn = h('button', { type: 'submit', class: 'btn' }, 'Transfer');
  const transferForm = h('form', { class: 'transfer-form', novalidate: true, 'aria-label': 'Transfer the ticket' },
    team.wrap, agent.wrap, note.wrap, h('div', { class: 'form-actions' }, transferBtn));
  const transferBox = h('details', { class: 'action transfer-box', hidden: true },
    h('summary', {}, 'Transfer to a team or agent'), transferForm);
  team.input.addEventListener('change', () => fillAgents());
  transferForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { note: note.input.value };
    if (team.input.value) body.team_id = Number(team.input.value);
    if (agent.input.value) body.user_id = Number(agent.input.value);
    if (!body.team_id && !body.user_id) {
      showFieldErrors([team, agent, note], { team_id: 'Choose a team or an agent.' });
      return;
    }
    if (!body.note.trim()) {
      showFieldErrors([team, agent, note], { note: 'Write a note for the next holder.' });
      return;
    }
    const ok = await run(transferBtn, 'Transferring…', () => api('POST', `/api/tickets/${ticket.id}/transfer`, body),
      'Ticket transferred.', [team, agent, note]);
    if (ok) {
      note.input.value = '';
      transferBox.open = false;
    }
  });

  // --- tags
  const tags = field('tags', 'Tags', { maxlength: (TAG_MAX + 2) * TAGS_MAX,
    hint: `Separated by commas: at most ${TAGS_MAX}, each at most ${TAG_MAX} characters.` });
  const tagsBtn = h('button', { type: 'submit', class: 'btn' }, 'Save tags');
  const tagsForm = h('form', { class: 'action tags-form', novalidate: true, hidden: true, 'aria-label': 'Tags of the ticket' },
    h('div', { class: 'inline-form' }, tags.wrap, tagsBtn));
  tagsForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const list = tags.input.value.split(',').map((s) => s.trim()).filter(Boolean);
    if (list.length > TAGS_MAX) {
      showFieldErrors([tags], { tags: `At most ${TAGS_MAX} tags.` });
      return;
    }
    const long = list.find((s) => Array.from(s).length > TAG_MAX);
    if (long) {
      showFieldErrors([tags], { tags: `"${long}" is longer than ${TAG_MAX} characters.` });
      return;
    }
    run(tagsBtn, 'Saving…', () => api('PUT', `/api/tickets/${ticket.id}/tags`, { tags: list }), 'Tags saved.', [tags]);
  });

  const el = h('section', { class: 'card service-card', 'aria-labelledby': 'service-title' },
    h('h2', { id: 'service-title' }, 'Team, tags and rating'),
    teamLine, slaLine, tagList, rating, status, tagsForm, transferBox);

  async function run(button, busyText, call, okText, fields) {
    status.replaceChildren();
    setBusy(button, true, busyText);
    try {
      await call();
      showFieldErrors(fields, null);
      ctx.flash(okText);
      await reload();
      return true;
    } catch (err) {
      if (err.status === 401) return false;
      const rest = err.status === 422 ? showFieldErrors(fields, err.details) : {};
      const more = Object.entries(rest || {});
      status.replaceChildren(notice('error', err.message,
        more.length ? h('ul', {}, more.map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null));
      return false;
    } finally {
      setBusy(button, false);
    }
  }

  async function loadTeams() {
    if (teams !== null) return;
    teams = [];
    try {
      const data = await get('/api/teams');
      teams = data.items || [];
    } catch (e) {
      teams = null;
      return;
    }
    clear(team.input, h('option', { value: '' }, 'Keep the team'),
      teams.map((t) => h('option', { value: String(t.id) }, t.name)));
    fillAgents();
  }

  // The agents of the chosen team (else of every team).
  function fillAgents() {
    const chosen = (teams || []).find((t) => String(t.id) === team.input.value);
    const seen = new Map();
    for (const t of chosen ? [chosen] : teams || []) {
      for (const m of t.members || []) seen.set(m.id, m);
    }
    clear(agent.input, h('option', { value: '' }, 'Whoever the team chooses'),
      [...seen.values()].sort((a, b) => a.name.localeCompare(b.name)).map((m) =>
        h('option', { value: String(m.id) }, `${m.name} (${m.availability || 'offline'})`)));
  }

  function render(t) {
    ticket = t;
    teamLine.textContent = t.team ? `Team: ${t.team.name}` : 'No team';
    // Issue 13: the SLA policy, its chip and the due times still set.
    const s = t.sla;
    const dues = s ? [['First response due', s.first_response_due_at], ['Next response due', s.next_response_due_at],
      ['Resolution due', s.resolution_due_at]].filter(([, at]) => at) : [];
    clear(slaLine, s && s.policy
      ? [h('p', {}, `SLA: ${s.policy.name}`, t.status !== 'closed' && slaMark(s) ? [' ', slaMark(s)] : null),
        dues.length ? h('ul', { class: 'sla-dues hint' }, dues.map(([label, at]) =>
          h('li', {}, `${label} `, h('time', { datetime: at }, dateTime(at))))) : null]
      : h('p', { class: 'hint' }, 'No SLA policy applies.'));
    clear(tagList, (t.tags || []).length
      ? t.tags.map((x) => h('li', { class: 'tag' }, x))
      : h('li', { class: 'hint' }, 'No tags'));
    const c = t.csat;
    clear(rating, c
      ? [h('p', { class: `csat csat-${c.score}` }, h('strong', {}, 'Customer rating: '), csatLabel(c.score),
        ' · ', h('time', { datetime: c.at }, dateTime(c.at))),
      c.comment ? h('blockquote', { class: 'csat-comment pre' }, c.comment) : null]
      : h('p', { class: 'hint' }, t.status === 'closed' ? 'Not rated by the customer.' : 'Rated after closing, when CSAT is on.'));
    const work = can('tickets.work');
    const mine = t.assigned_to && session.user && t.assigned_to.id === session.user.id;
    const open = t.status !== 'closed';
    transferBox.hidden = !(work && open && (mine || isAdmin()));
    tagsForm.hidden = !(work && (!t.assigned_to || mine || isAdmin()));
    if (document.activeElement !== tags.input) tags.input.value = (t.tags || []).join(', ');
    if (!transferBox.hidden) loadTeams();
  }

  return { el, render };
}
