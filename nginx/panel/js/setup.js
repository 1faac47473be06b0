// Issue 19: the setup checklist a super admin sees on an empty desk, in
// place of "No tickets match these filters". Pure rules (no DOM, no
// fetch), so the browser tests run them as they are; views/inbox.js
// fetches what they read and draws the list.

// Whether the checklist replaces the empty inbox: a super admin, a desk
// with no ticket at all (GET /api/tickets/stats' total, whatever the
// filters), and the list's first page.
export function showSetup({ role, deskTotal, page = 1 }) {
  return role === 'super_admin' && deskTotal === 0 && page === 1;
}

// The webhook address to give Meta: the desk's public address (the one
// the panel is served from, behind the same nginx) and the webhook's path.
export function webhookUrl(origin) {
  return `${String(origin).replace(/\/+$/, '')}/api/whatsapp/webhook`;
}

// The checklist's items from GET /api/whatsapp/status (status), the
// number of users (GET /api/users' total) and the panel's origin: each
// {key, label, done, detail, href}, in the order a new desk does them.
export function setupChecklist({ status, users, origin }) {
  const s = status || {};
  const url = webhookUrl(origin);
  return [
    {
      key: 'keys', label: 'WhatsApp keys present', done: Boolean(s.configured),
      detail: s.configured
        ? `Phone number ID ${s.phone_number_id || ''} and access token are set.`.replace('  ', ' ')
        : 'Set WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_ACCESS_TOKEN in the desk\'s configuration.',
      href: '#/whatsapp',
    },
    {
      key: 'webhook_url', label: 'Webhook URL given to Meta', done: Boolean(s.verify_token_set),
      detail: s.verify_token_set
        ? `In Meta's app settings, the callback URL is ${url} with your WHATSAPP_VERIFY_TOKEN.`
        : `Set WHATSAPP_VERIFY_TOKEN, then give Meta the callback URL ${url} with that token.`,
      href: '#/whatsapp', url,
    },
    {
      key: 'last_webhook', label: 'A webhook received from Meta', done: Boolean(s.last_webhook_at),
      detail: s.last_webhook_at ? `Last received ${s.last_webhook_at}.`
        : 'Nothing received yet: send a WhatsApp message to the desk\'s number to try it.',
      href: '#/whatsapp',
    },
    {
      key: 'signature', label: 'Signature check on', done: Boolean(s.signature_check),
      detail: s.signature_check ? 'Webhooks are checked against WHATSAPP_APP_SECRET.'
        : 'Set WHATSAPP_APP_SECRET (the Meta app\'s secret) so that forged webhooks are refused.',
      href: '#/whatsapp',
    },
    {
      key: 'template', label: 'A template for the 24-hour window', done: Boolean(s.template),
      detail: s.template ? `Template ${s.template} re-opens a conversation after 24 hours.`
        : 'Set WHATSAPP_TEMPLATE_NAME to an approved template, so customers can be reached after 24 hours.',
      href: '#/whatsapp',
    },
    {
      key: 'agents', label: 'Agents invited', done: Number(users) > 1,
      detail: Number(users) > 1 ? `${users} users can sign in.` : 'Only you can sign in: add your agents.',
      href: '#/users',
    },
  ];
}
