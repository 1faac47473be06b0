// A ticket's safety report (issue 11), as the ticket view shows it: site
// and sub-site, category, observation type, severity (critical reads
// urgent), the location as an OpenStreetMap link, the anonymous badge and
// a super_admin's audited reveal; and, for who may work the ticket, the
// editor (PUT /api/tickets/:id with site_id, subsite_id, category,
// observation_type, severity, location {latitude, longitude, name,
// address} and anonymous; null clears). Anyone who may work the ticket
// makes it anonymous; only a super_admin makes an anonymous one named
// again (the API says 422 to anyone else).
import { api, get } from '../api.js';
import { confirmDialog } from '../confirm.js';
import { clear, field, h, notice, setBusy, setFieldError, showFieldErrors } from '../dom.js';
import {
  CATEGORIES, categoryLabel, mapUrl, OBSERVATION_TYPES, observationLabel, phone, SEVERITIES, severityLabel, siteLabel,
} from '../format.js';
import { listSites } from '../people.js';
import { session } from '../session.js';
import { severityBadge, urgentMark } from './inbox.js';

// The location as a link that opens OpenStreetMap in a new tab, with its
// name and address as text; null when there is none.
export function locationView(loc) {
  if (!loc) return null;
  const url = mapUrl(loc.latitude, loc.longitude);
  const words = [loc.name, loc.address].filter(Boolean).join(', ');
  const coords = `${Number(loc.latitude).toFixed(5)}, ${Number(loc.longitude).toFixed(5)}`;
  return h('span', { class: 'location' },
    words ? h('span', { class: 'loc-name' }, words) : null,
    url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'map-link' },
      `Map: ${coords}`, h('span', { class: 'sr-only' }, ' (OpenStreetMap, opens in a new tab)')) : h('span', {}, coords));
}

export function createReport(ctx, { reload }) {
  let ticket = null;
  let sites = null; // null: not loaded; [] none visible
  let sitesError = '';
  let revealed = null; // {name, email, mobile} after a reveal, for this ticket

  const details = h('dl', { class: 'details report-details' });
  const badges = h('div', { class: 'report-badges' });
  const revealBox = h('div', { class: 'reveal-box', 'aria-live': 'polite' });
  const revealBtn = h('button', { type: 'button', class: 'btn btn-small', hidden: true }, 'Reveal reporter');

  // --- the editor
  const f = {
    site_id: field('site_id', 'Site', { kind: 'select', options: [['', 'No site']] }),
    subsite_id: field('subsite_id', 'Sub-site', { kind: 'select', options: [['', 'No sub-site']] }),
    category: field('category', 'Category', { kind: 'select', options: [['', 'Not set'], ...CATEGORIES] }),
    observation_type: field('observation_type', 'Observation type', { kind: 'select', options: [['', 'Not set'], ...OBSERVATION_TYPES] }),
    severity: field('severity', 'Severity', { kind: 'select', options: [['', 'Not set'], ...SEVERITIES],
      hint: 'Critical marks the ticket urgent and tells the site\'s managers at once.' }),
    latitude: field('latitude', 'Latitude', { optional: true, inputmode: 'decimal', maxlength: 12, autocomplete: 'off',
      hint: '-90 to 90; give it with the longitude. Clear both to remove the location.' }),
    longitude: field('longitude', 'Longitude', { optional: true, inputmode: 'decimal', maxlength: 13, autocomplete: 'off',
      hint: '-180 to 180' }),
    location_name: field('location_name', 'Place name', { optional: true, maxlength: 255, autocomplete: 'off' }),
    location_address: field('location_address', 'Place address', { optional: true, maxlength: 255, autocomplete: 'off' }),
    anonymous: field('anonymous', 'Anonymous report', { kind: 'checkbox',
      hint: 'Hides the reporter\'s name and mobile from everyone but super admins. Only a super admin can undo it.' }),
  };
  const fields = Object.values(f);
  const LOCATION = ['latitude', 'longitude', 'location_name', 'location_address'];

  // The location of the form: {value} (an object, or null for none), or
  // {errors} beside the fields, before anything is sent.
  function locationOf() {
    const v = Object.fromEntries(LOCATION.map((k) => [k, f[k].input.value.trim()]));
    if (LOCATION.every((k) => !v[k])) return { value: null };
    const errors = {};
    const coord = (k, max) => {
      const raw = v[k].replace(',', '.');
      const n = Number(raw);
      if (!raw) errors[k] = 'give the latitude and the longitude together';
      else if (!/^-?\d{1,3}(\.\d{1,6})?$/.test(raw) || !Number.isFinite(n) || Math.abs(n) > max) {
        errors[k] = `must be a number from ${-max} to ${max}, with at most 6 decimals`;
      }
      return n;
    };
    const value = { latitude: coord('latitude', 90), longitude: coord('longitude', 180),
      name: v.location_name || null, address: v.location_address || null };
    for (const k of ['location_name', 'location_address']) {
      if ([...v[k]].length > 255) errors[k] = 'at most 255 characters';
    }
    return Object.keys(errors).length ? { errors } : { value };
  }

  // Two locations alike (coordinates to the 6 decimals the API keeps).
  function sameLocation(a, b) {
    if (!a || !b) return !a && !b;
    const c = (x) => Number(x).toFixed(6);
    return c(a.latitude) === c(b.latitude) && c(a.longitude) === c(b.longitude)
      && (a.name || null) === (b.name || null) && (a.address || null) === (b.address || null);
  }
  const editStatus = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const saveBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save report');
  const form = h('form', { class: 'report-form', novalidate: true, 'aria-label': 'Edit the safety report' },
    editStatus, fields.map((x) => x.wrap), h('div', { class: 'form-actions' }, saveBtn));
  const editor = h('details', { class: 'report-editor', hidden: true }, h('summary', {}, 'Edit the report'), form);

  const el = h('section', { class: 'card report-card', 'aria-labelledby': 'report-title' },
    h('h2', { id: 'report-title' }, 'Safety report'), badges, details, revealBtn, revealBox, editor);

  function siteOptions(current) {
    const list = (sites || []).filter((s) => !s.parent_id);
    const opts = [['', 'No site'], ...list.map((s) => [String(s.id), siteLabel(s)])];
    // The ticket's own site stays choosable even when the list lacks it
    // (inactive, or beyond what the user may list).
    if (current && !opts.some(([v]) => v === String(current.id))) opts.push([String(current.id), siteLabel(current)]);
    return opts;
  }

  function fillSelect(sel, opts, value) {
    clear(sel, opts.map(([v, t]) => h('option', { value: v, selected: v === value }, t)));
    sel.value = value;
  }

  // The sub-sites of the chosen site, from the API.
  let subSeq = 0;
  async function fillSubsites(siteId, keep) {
    const mine = ++subSeq;
    const sel = f.subsite_id.input;
    const current = ticket && ticket.subsite && ticket.site && String(ticket.site.id) === siteId ? ticket.subsite : null;
    const base = [['', 'No sub-site']];
    if (!siteId) {
      fillSelect(sel, base, '');
      sel.disabled = true;
      return;
    }
    sel.disabled = true;
    let items = [];
    try {
      const data = await get(`/api/sites/${encodeURIComponent(siteId)}/subsites`);
      items = (data.items || (Array.isArray(data) ? data : [])).filter((s) => s.active !== false);
    } catch (e) {
      items = [];
    }
    if (mine !== subSeq) return;
    const opts = [...base, ...items.map((s) => [String(s.id), siteLabel(s)])];
    if (current && !opts.some(([v]) => v === String(current.id))) opts.push([String(current.id), siteLabel(current)]);
    fillSelect(sel, opts, keep && opts.some(([v]) => v === keep) ? keep : '');
    sel.disabled = opts.length <= 1;
  }

  f.site_id.input.addEventListener('change', () => fillSubsites(f.site_id.input.value, ''));

  async function loadSites() {
    if (sites !== null) return;
    try {
      sites = (await listSites({ active: 1 })).items;
      sitesError = '';
    } catch (err) {
      sites = [];
      sitesError = err.status === 404 ? 'Sites are not available on this desk yet.' : `The sites could not be loaded: ${err.message}`;
    }
  }

  // The form holds the ticket's values while it is closed, so what the
  // page shows the moment it opens is already right: the toggle event comes
  // a task later, and a choice made before it must not be undone by it.
  function fillForm(t) {
    f.category.input.value = t.category || '';
    f.observation_type.input.value = t.observation_type || '';
    f.severity.input.value = t.severity || '';
    const loc = t.location || {};
    f.latitude.input.value = t.location ? String(loc.latitude) : '';
    f.longitude.input.value = t.location ? String(loc.longitude) : '';
    f.location_name.input.value = loc.name || '';
    f.location_address.input.value = loc.address || '';
    f.anonymous.input.checked = Boolean(t.anonymous);
    // An anonymous report is named again by a super_admin only.
    f.anonymous.input.disabled = Boolean(t.anonymous) && !(session.user && session.user.role === 'super_admin');
  }

  let opening = 0;
  async function openEditor() {
    const mine = ++opening;
    const t = ticket;
    f.site_id.input.disabled = true;
    f.subsite_id.input.disabled = true;
    setBusy(saveBtn, true, 'Loading the sites…');
    try {
      await loadSites();
      if (mine !== opening) return;
      fillSelect(f.site_id.input, siteOptions(t.site), t.site ? String(t.site.id) : '');
      if (sitesError) editStatus.replaceChildren(notice('warn', sitesError));
      await fillSubsites(t.site ? String(t.site.id) : '', t.subsite ? String(t.subsite.id) : '');
    } finally {
      if (mine === opening) {
        f.site_id.input.disabled = false;
        setBusy(saveBtn, false);
      }
    }
  }
  // Opening loads the site selects (Save waits for them); closing drops
  // what was typed and not saved.
  editor.addEventListener('toggle', () => {
    if (!ticket) return;
    if (editor.open) openEditor();
    else fillForm(ticket);
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const t = ticket;
    editStatus.replaceChildren();
    const val = (x) => (x.input.value === '' ? null : x.input.value);
    const id = (x) => (x.input.value === '' ? null : Number(x.input.value));
    const body = {};
    const where = locationOf();
    if (where.errors) {
      showFieldErrors(fields, where.errors);
      return;
    }
    const was = {
      site_id: t.site ? t.site.id : null,
      subsite_id: t.subsite ? t.subsite.id : null,
      category: t.category || null,
      observation_type: t.observation_type || null,
      severity: t.severity || null,
    };
    const now = {
      site_id: id(f.site_id),
      subsite_id: id(f.subsite_id),
      category: val(f.category),
      observation_type: val(f.observation_type),
      severity: val(f.severity),
    };
    // Only what changed goes; a site and its sub-site go together.
    for (const k of Object.keys(now)) if (now[k] !== was[k]) body[k] = now[k];
    if (!sameLocation(where.value, t.location)) body.location = where.value;
    if (f.anonymous.input.checked !== Boolean(t.anonymous)) body.anonymous = f.anonymous.input.checked;
    if ('site_id' in body || 'subsite_id' in body) {
      body.site_id = now.site_id;
      body.subsite_id = now.subsite_id;
    }
    if (!Object.keys(body).length) {
      editStatus.replaceChildren(notice('info', 'Nothing changed.'));
      return;
    }
    setBusy(saveBtn, true, 'Saving…');
    try {
      await api('PUT', `/api/tickets/${t.id}`, body);
      showFieldErrors(fields, null);
      ctx.flash('Report saved.');
      editor.open = false;
      await reload();
    } catch (err) {
      if (err.status === 401) return;
      const details = err.status === 422 && err.details ? { ...err.details } : null;
      let locErr = null;
      if (details && details.location) {
        // The API names the location as a whole: shown at its first field.
        locErr = String(details.location);
        delete details.location;
      }
      const rest = err.status === 422 ? showFieldErrors(fields, details) : {};
      if (locErr) {
        setFieldError(f.latitude, locErr);
        f.latitude.input.focus();
      }
      const extra = Object.entries(rest);
      editStatus.replaceChildren(notice('error', err.message,
        extra.length ? h('ul', {}, extra.map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null));
      if (err.status === 409 || err.status === 403) reload();
    } finally {
      setBusy(saveBtn, false);
    }
  });

  // --- reveal (super_admin): after a confirmation; audited by the API
  revealBtn.addEventListener('click', async () => {
    const t = ticket;
    const ok = await confirmDialog({
      title: 'Reveal the reporter?',
      body: [h('p', {}, `${t.reference} was reported anonymously. Revealing shows you the reporter's name, e-mail and mobile.`),
        h('p', {}, 'The reveal is recorded in the audit log with your name.')],
      confirm: 'Reveal reporter',
    });
    if (!ok) return;
    setBusy(revealBtn, true, 'Revealing…');
    try {
      const { data } = await api('POST', `/api/tickets/${t.id}/reveal`, {});
      revealed = { id: t.id, ...data };
      renderReveal();
      revealBox.querySelector('.reveal')?.focus();
    } catch (err) {
      if (err.status !== 401) revealBox.replaceChildren(notice('error', `The reporter could not be revealed: ${err.message}`));
    } finally {
      setBusy(revealBtn, false);
    }
  });

  function renderReveal() {
    if (!revealed || !ticket || revealed.id !== ticket.id) {
      revealBox.replaceChildren();
      return;
    }
    const row = (k, v) => [h('dt', {}, k), h('dd', {}, v || h('span', { class: 'muted' }, 'not given'))];
    revealBox.replaceChildren(h('div', { class: 'reveal notice notice-warn', tabindex: '-1', role: 'region', 'aria-label': 'Revealed reporter' },
      h('p', {}, h('strong', {}, 'Revealed reporter'), ' (recorded in the audit log)'),
      h('dl', { class: 'details' }, row('Name', revealed.name), row('E-mail', revealed.email),
        row('Mobile', revealed.mobile ? phone(revealed.mobile) : ''))));
  }

  function render(t, { mayWork }) {
    const changed = !ticket || ticket.id !== t.id;
    ticket = t;
    if (changed) revealed = null;
    const row = (k, v, cls) => (v === null || v === undefined || v === '' ? null
      : [h('dt', {}, k), h('dd', { class: cls || null }, v)]);
    clear(badges,
      t.urgent ? urgentMark() : null,
      t.anonymous ? h('span', { class: 'badge anon' }, 'Anonymous') : null);
    const site = t.site ? h('span', { class: 'site-ref' }, siteLabel(t.site)) : null;
    // A ticket with no report at all shows the card only to who may add one.
    const any = Boolean(t.site || t.subsite || t.category || t.observation_type || t.severity || t.location || t.anonymous);
    el.hidden = !any && !mayWork;
    clear(details,
      row('Site', site || h('span', { class: 'muted' }, 'None')),
      row('Sub-site', t.subsite ? siteLabel(t.subsite) : null),
      row('Category', t.category ? categoryLabel(t.category) : h('span', { class: 'muted' }, 'Not set')),
      row('Observation', t.observation_type ? observationLabel(t.observation_type) : h('span', { class: 'muted' }, 'Not set')),
      row('Severity', t.severity
        ? [severityBadge(t.severity), t.severity === 'critical' && !t.urgent ? h('span', { class: 'muted' }, ' (closed)') : null]
        : h('span', { class: 'muted' }, 'Not set'), 'c-severity'),
      row('Location', locationView(t.location)),
      row('Reporter', t.anonymous ? 'Anonymous: name and mobile are hidden' : null));
    details.dataset.severity = t.severity || '';
    revealBtn.hidden = !(t.anonymous && session.user && session.user.role === 'super_admin');
    renderReveal();
    editor.hidden = !mayWork;
    if (!mayWork) editor.open = false;
    if (!editor.open) fillForm(t);
    else if (changed) {
      fillForm(t);
      openEditor();
    }
    el.dataset.report = [t.site ? t.site.code : '', t.category || '', t.severity || ''].join('|');
    return severityLabel(t.severity);
  }

  return { el, render };
}
