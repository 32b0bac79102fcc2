// Undelivered email (admins, in Company Settings): the notifications Parley gave up sending, with
// who they were for and why, and a way to send them again. Never what the thread is about.

import { get, post, query } from './api.js';
import { h, timeEl, stamp } from './dom.js';
import { banner } from './ui.js';

const KINDS = {
  notification: 'New message notice',
  read_receipt: 'Read receipt',
  reply_refused: 'Refused reply notice',
};

export function undeliveredSection(app) {
  const list = h('ul', { class: 'undelivered-list', id: 'undelivered-list', 'aria-labelledby': 'undelivered-title' });
  const none = h('p', { class: 'muted undelivered-none', id: 'undelivered-none', hidden: true }, 'None: every email was delivered or is still on its way.');
  const error = banner('error');
  const sendAll = h('button', { type: 'button', class: 'button small', id: 'undelivered-send-all', hidden: true }, 'Send all again');
  const more = h('button', { type: 'button', class: 'button small', hidden: true }, 'Show more');
  let cursor = null;

  const section = h('section', { class: 'panel settings-section', id: 'undelivered-email', 'aria-labelledby': 'undelivered-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'undelivered-title', tabindex: '-1' }, 'Undelivered email'), sendAll),
    h('p', { class: 'muted section-intro' },
      'Emails that could not be delivered for days, usually because the mail server was down or refused them. '
      + 'Sending one again puts it back in the queue.'),
    error, list, none, more);

  function item(email) {
    const who = email.recipient.name || email.recipient.email || 'Unknown recipient';
    const again = h('button', { type: 'button', class: 'button small', 'aria-label': `Send again to ${who}` }, 'Send again');
    again.addEventListener('click', () => resend({ ids: [email.id] }, again));
    const attempts = `${email.attempts} attempt${email.attempts === 1 ? '' : 's'}`;
    return h('li', { class: 'undelivered-item', 'data-id': email.id },
      h('div', { class: 'undelivered-text' },
        h('div', {}, h('strong', {}, who), email.recipient.name && email.recipient.email
          ? h('span', { class: 'muted' }, ` ${email.recipient.email}`) : null),
        h('div', { class: 'muted undelivered-meta' }, `${KINDS[email.kind] || email.kind} · created `, timeEl(email.createdAt, stamp), ` · ${attempts}`),
        email.lastError ? h('div', { class: 'undelivered-error' }, email.lastError) : null),
      again);
  }

  async function load(more_ = false) {
    const page = await get(`/api/admin/notifications${query({ status: 'failed', limit: 50, cursor: more_ ? cursor : null })}`);
    if (!more_) list.replaceChildren();
    (page.notifications || []).forEach((e) => list.append(item(e)));
    cursor = page.nextCursor || null;
    more.hidden = !cursor;
    const count = list.children.length;
    none.hidden = count > 0;
    list.hidden = count === 0;
    sendAll.hidden = count < 2;
    section.dataset.loaded = 'true';
  }

  async function resend(body, button) {
    error.show('');
    button.disabled = true;
    try {
      const r = await post('/api/admin/notifications/resend', body);
      const n = r?.resent ?? 0;
      app.toast(n === 1 ? 'The email is queued to be sent again' : `${n} emails are queued to be sent again`, 'success');
      await load();
      // the button pressed may be gone with its row: keep the keyboard in the section
      if (!button.isConnected) section.querySelector('#undelivered-title').focus();
    } catch (e) {
      error.show(e.message);
    } finally {
      button.disabled = false;
    }
  }

  sendAll.addEventListener('click', () => resend({ all: true }, sendAll));
  more.addEventListener('click', () => load(true).catch((e) => error.show(e.message)));
  load().catch((e) => error.show(e.message));
  return section;
}
