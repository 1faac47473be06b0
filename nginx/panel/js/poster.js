// A site's printable poster (GET /api/sites/:id/poster, served by nginx):
// the site's name and code, its QR code and what to do with it, on one A4
// page. The id comes from the path; the data from the API with the panel's
// session cookie (reads only: no CSRF token needed).
import { api } from './api.js';

const $ = (id) => document.getElementById(id);
// The largest size the API draws: crisp at any print resolution.
const QR_SIZE = 1024;

function fail(message) {
  const status = $('status');
  status.textContent = message;
  status.className = 'notice notice-error';
  status.hidden = false;
  $('sheet').hidden = true;
}

function siteId() {
  const m = /^\/api\/sites\/([0-9]{1,10})\/poster$/.exec(window.location.pathname);
  return m ? m[1] : null;
}

// The SVG as a data: URL (the page's CSP allows images from itself and
// data:), so that an error answer can say what went wrong.
async function qrImage(id) {
  const res = await fetch(`/api/sites/${id}/qr?format=svg&size=${QR_SIZE}`, {
    credentials: 'same-origin',
    headers: { Accept: 'image/svg+xml, application/json' },
  });
  if (!res.ok) {
    let message = `The QR code could not be made (HTTP ${res.status}).`;
    try {
      const body = await res.json();
      if (body && body.error && body.error.message) message = `The QR code could not be made: ${body.error.message}`;
    } catch (e) {
      // Not JSON: the status says enough.
    }
    throw new Error(message);
  }
  const svg = await res.text();
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

async function main() {
  $('print').addEventListener('click', () => window.print());
  const id = siteId();
  if (!id) {
    fail('This is not the address of a site poster.');
    return;
  }
  let site;
  try {
    site = (await api('GET', `/api/sites/${id}`)).data;
  } catch (e) {
    if (e.status === 401) fail('Sign in to the panel first, then open this poster again.');
    else if (e.status === 404) fail('There is no such site, or it is not one of yours.');
    else fail(e.message || 'The site could not be loaded.');
    return;
  }
  let src;
  try {
    src = await qrImage(id);
  } catch (e) {
    fail(e.message);
    return;
  }
  document.title = `${site.code} · ${site.name} · poster`;
  $('name').textContent = site.name;
  $('code').textContent = site.code;
  $('code-again').textContent = site.code;
  if (site.address) {
    $('address').textContent = site.parent ? `${site.address} · part of ${site.parent.name}` : site.address;
    $('address').hidden = false;
  } else if (site.parent) {
    $('address').textContent = `Part of ${site.parent.name} (${site.parent.code})`;
    $('address').hidden = false;
  }
  const img = $('qr');
  img.alt = `QR code: opens WhatsApp with "${site.code}" typed`;
  img.src = src;
  $('inactive').hidden = site.active !== false;
  $('status').hidden = true;
  $('sheet').hidden = false;
  $('print').disabled = false;
}

main();
