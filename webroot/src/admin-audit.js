// Audit log (admins): who did what and when, filtered by person, action and dates, a page at a time,
// and exported as CSV with the same filters. Reading and exporting it are recorded in it too.

import { get, query } from './api.js';
import { h, clear, stamp, fullTime } from './dom.js';
import { banner, emptyState } from './ui.js';

export const ACTIONS = {
  'auth.sign_in': 'Signed in',
  'auth.sign_in_failed': 'Sign-in failed',
  'auth.sign_out': 'Signed out',
  'auth.logout_all': 'Signed out everywhere',
  'auth.password_changed': 'Password changed',
  'auth.password_reset_requested': 'Password link asked for',
  'auth.password_link_sent': 'Password-set link sent',
  'auth.password_reset_used': 'Password set with a link',
  'auth.totp_enrolled': 'Two-factor sign-in turned on',
  'auth.totp_disabled': 'Two-factor sign-in turned off',
  'auth.totp_failed': 'Wrong two-factor code',
  'auth.recovery_code_used': 'Recovery code used',
  'auth.profile_changed': 'Profile changed',
  'auth.unauthenticated': 'Request without a session',
  'auth.csrf_refused': 'Cross-site request refused',
  'access.refused': 'Access refused',
  'directory.user_created': 'Person added',
  'directory.user_updated': 'Person changed',
  'directory.users_imported': 'People imported',
  'directory.group_changed': 'Circle or Team changed',
  'messaging.message_sent': 'Message sent',
  'messaging.thread_viewed': 'Conversation viewed',
  'messaging.thread_exported': 'Conversation exported',
  'messaging.messages_delivered': 'Messages delivered',
  'messaging.marked_read': 'Marked read',
  'messaging.thread_left': 'Left a conversation',
  'messaging.canned_response_created': 'Canned response created',
  'messaging.canned_response_updated': 'Canned response changed',
  'messaging.canned_response_deleted': 'Canned response deleted',
  'settings.changed': 'Settings changed',
  'inbound.accepted': 'Email reply accepted',
  'inbound.refused': 'Email reply refused',
  'notify.email_resent': 'Email sent again',
  'files.downloaded': 'File downloaded',
  'files.infected': 'Infected file refused',
  'live.refused': 'Live connection refused',
  'audit.viewed': 'Audit log viewed',
  'audit.exported': 'Audit log exported',
};

const PAGE = 50;

function actionLabel(action) {
  return ACTIONS[action] || action;
}

/** The detail as short "key: value" text, never more than a line or two. */
function detailText(detail) {
  const parts = Object.entries(detail || {}).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`);
  const text = parts.join(' · ');
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

export function mountAudit(main, app) {
  app.setTitle('Audit log');
  let destroyed = false;
  let cursor = null;
  let asked = 0;
  const person = h('select', { name: 'userId', id: 'audit-person' }, h('option', { value: '' }, 'Everyone'));
  const action = h('select', { name: 'action', id: 'audit-action' }, h('option', { value: '' }, 'All actions'),
    Object.entries(ACTIONS).map(([value, label]) => h('option', { value }, label)));
  const from = h('input', { type: 'date', name: 'from', id: 'audit-from' });
  const to = h('input', { type: 'date', name: 'to', id: 'audit-to' });
  const exportLink = h('a', { class: 'button', id: 'audit-export', href: '/api/admin/audit.csv', download: 'audit-log.csv' }, 'Export CSV');
  const error = banner('error');
  const list = h('ol', { class: 'audit-list', id: 'audit-list', 'aria-label': 'Audit entries, newest first', 'aria-busy': 'true' });
  const more = h('button', { type: 'button', class: 'button small', id: 'audit-more', hidden: true }, 'Show more');
  const filters = h('form', { class: 'toolbar audit-filters', id: 'audit-filters', 'aria-label': 'Filters', novalidate: true },
    label('Person', person), label('Action', action), label('From', from), label('To', to),
    h('div', { class: 'filter-actions' },
      h('button', { type: 'button', class: 'button small', id: 'audit-clear' }, 'Clear filters')));

  main.append(
    h('div', { class: 'page-head' },
      h('div', { class: 'page-title' }, h('h1', {}, 'Audit log'),
        h('p', { class: 'page-sub muted' }, 'Everything people did in Parley, newest first. Viewing and exporting this log are recorded here too.')),
      h('div', { class: 'page-actions' }, exportLink)),
    filters, error,
    h('section', { class: 'panel list-panel', 'aria-label': 'Entries' }, list, h('div', { class: 'list-more' }, more)));

  function params(next) {
    return {
      userId: person.value, action: action.value, from: from.value, to: to.value, limit: PAGE, cursor: next ? cursor : null,
    };
  }

  function entry(e) {
    const who = e.actorName || (e.actorId ? 'Unknown person' : 'Nobody signed in');
    return h('li', { class: 'audit-entry', dataset: { action: e.action } },
      h('time', { datetime: e.at, title: fullTime(e.at), class: 'audit-time' }, stamp(e.at)),
      h('div', { class: 'audit-what' },
        h('div', {}, h('strong', {}, who), ' ', h('span', { class: 'audit-action' }, actionLabel(e.action))),
        h('div', { class: 'muted audit-detail' },
          [e.target ? `on ${e.targetName || e.target}` : null, detailText(e.detail), e.address ? `from ${e.address}` : null].filter(Boolean).join(' · '))));
  }

  async function load(next = false) {
    const mine = ++asked;
    error.show('');
    list.setAttribute('aria-busy', 'true');
    const { limit, cursor: c, ...shared } = params(next);
    exportLink.href = `/api/admin/audit.csv${query(shared)}`;
    const page = await get(`/api/admin/audit${query(params(next))}`);
    if (destroyed || mine !== asked) return;
    if (!next) clear(list);
    (page.entries || []).forEach((e) => list.append(entry(e)));
    cursor = page.nextCursor || null;
    more.hidden = !cursor;
    if (!list.children.length) list.append(h('li', { class: 'list-empty' }, emptyState('search', 'No entries', 'Nothing matches these filters.')));
    list.setAttribute('aria-busy', 'false');
    main.dataset.loaded = 'true';
  }
  const reload = () => load().catch((e) => error.show(e.message));
  [person, action, from, to].forEach((c) => c.addEventListener('change', reload));
  filters.querySelector('#audit-clear').addEventListener('click', () => {
    person.value = '';
    action.value = '';
    from.value = '';
    to.value = '';
    reload();
  });
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    reload();
  });
  more.addEventListener('click', () => load(true).catch((e) => error.show(e.message)));

  get('/api/admin/users').then((r) => {
    if (destroyed) return;
    for (const u of r.users || []) person.append(h('option', { value: u.id }, `${u.name} (${u.email})`));
  }).catch(() => {});
  reload();
  return { destroy() { destroyed = true; } };
}

function label(text, control) {
  return h('label', { class: 'filter' }, h('span', { class: 'filter-label' }, text), control);
}
