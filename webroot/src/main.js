// Boots the app: who is signed in, the shell around the screens, hash routing and the title.

import { get, post, onUnauthorized } from './api.js';
import * as live from './live.js';
import { h, clear, icon, avatar, roleLabel, isStaff } from './dom.js';
import { renderSignIn, renderReset } from './signin.js';
import { mountAccount } from './account.js';
import { enrolTotp } from './totp.js';
import { mountInbox } from './inbox.js';
import { mountThread } from './thread.js';
import { mountComposer } from './composer.js';
import { mountSettings } from './settings.js';
import { mountCanned } from './canned.js';
import { mountPeople } from './admin-people.js';
import { mountGroups } from './admin-groups.js';
import { mountAudit } from './admin-audit.js';
import { installShortcuts, openShortcutHelp } from './shortcuts.js';
import { toast, confirmDialog } from './ui.js';
import { VIEWS, parseView, currentView, viewHash } from './views.js';
import { forgetPeople } from './drafts.js';

const root = document.getElementById('app');
let unreadVersion = 0;
let countsVersion = 0;

const app = {
  me: null,
  unread: 0,
  title: 'Inbox',
  inboxOrder: [],
  screen: null,
  navigate(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  setTitle(title) {
    app.title = title;
    renderTitle();
  },
  setUnread(n) {
    app.unread = Math.max(0, Number(n) || 0);
    renderTitle();
    const badge = document.getElementById('nav-unread');
    if (badge) {
      badge.textContent = app.unread > 99 ? '99+' : String(app.unread);
      badge.hidden = app.unread === 0;
      badge.setAttribute('aria-label', `${app.unread} unread`);
    }
  },
  refreshUnread() {
    // An answer overtaken by a newer total (a later request, or unread.changed) is dropped.
    const asked = ++unreadVersion;
    return get('/api/unread').then((r) => {
      if (asked === unreadVersion) app.setUnread(r?.unread);
    }).catch(() => {});
  },
  counts: {},
  /** The sidebar's counts per view, as the inbox answer gives them ({view: n}). */
  setCounts(counts) {
    app.counts = { ...app.counts, ...counts };
    for (const view of VIEWS) {
      const badge = document.getElementById(`nav-count-${view.id}`);
      const n = Number(counts?.[view.id]);
      if (!badge || !Number.isFinite(n)) continue;
      badge.textContent = n > 99 ? '99+' : String(n);
      badge.hidden = n === 0;
      badge.setAttribute('aria-label', `${n} ${view.id === 'drafts' ? `draft${n === 1 ? '' : 's'}` : 'conversations'}`);
    }
  },
  refreshCounts() {
    const asked = ++countsVersion;
    return get('/api/inbox?view=inbox&limit=1').then((r) => {
      if (asked === countsVersion && r?.counts) app.setCounts(r.counts);
    }).catch(() => {});
  },
  /** The view a conversation was opened from, to go back to. */
  lastView: 'inbox',
  backHash: () => viewHash(app.lastView),
  /** Fetches the events not received yet (after a write of one's own, say). */
  catchUp: () => live.catchUp(),
  toast,
  confirm: confirmDialog,
  isStaff: () => isStaff(app.me),
  isAdmin: () => app.me?.role === 'admin',
  signedOut: (notice) => showSignIn(notice),
};

function renderTitle() {
  document.title = `${app.unread > 0 ? `(${app.unread}) ` : ''}${app.title} · Parley`;
}

onUnauthorized(() => {
  if (!app.me) return;
  signedOut('Your session has ended. Sign in again to continue.');
});

/** A password link (#/reset/<token>) opens its page whoever is signed in here; true when it did. */
function openPasswordLink() {
  const reset = /^#\/reset\/([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!reset) return false;
  // the token stays out of the history and of any later page's address
  history.replaceState(null, '', `${location.pathname}#/signin`);
  live.stop();
  if (app.screen?.destroy) app.screen.destroy();
  app.screen = null;
  app.me = null;
  app.setTitle('Choose a new password');
  renderReset(root, { token: reset[1], onDone: (notice) => showSignIn(notice) });
  return true;
}

async function boot() {
  if (openPasswordLink()) return;
  try {
    app.me = await get('/api/me');
  } catch {
    showSignIn();
    return;
  }
  await enter();
}

function showSignIn(notice) {
  app.me = null;
  forgetPeople();
  live.stop();
  if (app.screen?.destroy) app.screen.destroy();
  app.screen = null;
  app.setTitle('Sign in');
  renderSignIn(root, {
    notice,
    onSignedIn: async () => {
      app.me = await get('/api/me');
      await enter();
    },
  });
}

function signedOut(notice) {
  const back = location.hash;
  showSignIn(notice);
  if (back && back !== '#/inbox') sessionStorage.setItem('parley.returnTo', back);
}

async function enter() {
  if (app.me.totpEnrolmentRequired) {
    requireEnrolment();
    return;
  }
  renderShell();
  try {
    await live.start(app.me);
  } catch {
    // The feed is unavailable for now; views still load, and live.js keeps trying.
  }
  app.refreshUnread();
  app.refreshCounts();
  const returnTo = sessionStorage.getItem('parley.returnTo');
  sessionStorage.removeItem('parley.returnTo');
  if (returnTo) location.hash = returnTo;
  else if (!location.hash || location.hash === '#/' || location.hash === '#/signin') location.hash = '#/inbox';
  route();
}

/** The company requires two-factor sign-in of staff: nothing else until it is set up. */
function requireEnrolment() {
  app.setTitle('Set up two-factor sign-in');
  clear(root);
  const area = h('div', { class: 'totp-area' });
  root.append(h('main', { class: 'signin' },
    h('div', { class: 'signin-card wide' },
      h('h1', {}, 'Set up two-factor sign-in'),
      h('p', { class: 'muted' }, `${app.me.company?.name || 'Your company'} requires two-factor sign-in for staff. Set it up to continue.`),
      area,
      h('button', { type: 'button', class: 'link-button', onclick: signOut }, 'Sign out'))));
  enrolTotp(area, {
    onEnrolled: async () => {
      app.me = await get('/api/me');
      await enter();
    },
  });
}

function navLink(hash, label, iconName, extra, title) {
  return h('a', { class: 'nav-link', href: hash, title, dataset: { nav: hash } }, icon(iconName), h('span', {}, label), extra);
}

/** Inbox counts unread messages (as the title does); the other views count their own rows. */
function viewLinks(unreadBadge) {
  return VIEWS.map((v) => navLink(viewHash(v.id), v.label, v.icon,
    v.id === 'inbox' ? unreadBadge : h('span', { class: 'badge count-badge', id: `nav-count-${v.id}`, hidden: true }, '0'),
    v.key ? `${v.label} (g then ${v.key})` : v.label));
}

function renderShell() {
  clear(root);
  const me = app.me;
  const userMenu = h('div', { class: 'menu', id: 'user-menu', role: 'menu', hidden: true },
    h('div', { class: 'menu-head' },
      h('strong', {}, me.name), h('span', { class: 'muted' }, me.email),
      h('span', { class: 'muted' }, `${roleLabel(me.role)} · ${me.company?.name || ''}`)),
    h('a', { role: 'menuitem', href: '#/account', class: 'menu-item' }, icon('lock'), 'Account'),
    app.isAdmin() ? h('a', { role: 'menuitem', href: '#/settings/company', class: 'menu-item' }, icon('settings'), 'Company Settings') : null,
    h('button', { type: 'button', role: 'menuitem', class: 'menu-item', onclick: signOut }, icon('logout'), 'Sign out'));
  const userButton = h('button', {
    type: 'button', class: 'user-button', 'aria-haspopup': 'menu', 'aria-expanded': 'false',
    'aria-controls': 'user-menu', title: 'Account menu',
    onclick: (e) => {
      e.stopPropagation();
      toggleMenu(userMenu, userButton);
    },
  }, avatar(me, 'sm'), h('span', { class: 'user-name' }, me.name));

  const liveIndicator = h('div', { class: 'live-indicator', id: 'live-indicator', role: 'status', hidden: true },
    h('span', { class: 'dot', 'aria-hidden': 'true' }), h('span', { class: 'live-text' }, ''));

  const header = h('header', { class: 'topbar' },
    h('a', { class: 'brand', href: '#/inbox', 'aria-label': 'Parley home' },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, icon('mail', 16)), h('span', { class: 'brand-name' }, 'Parley')),
    h('span', { class: 'company-name' }, me.company?.name || ''),
    h('div', { class: 'topbar-spacer' }),
    liveIndicator,
    h('button', {
      type: 'button', class: 'icon-button', id: 'shortcuts-button', title: 'Keyboard shortcuts (Ctrl+/)',
      'aria-label': 'Keyboard shortcuts', onclick: () => openShortcutHelp(),
    }, icon('keyboard', 20)),
    h('div', { class: 'user' }, userButton, userMenu));

  const unreadBadge = h('span', { class: 'badge', id: 'nav-unread', hidden: true }, '0');
  const sidebar = h('nav', { class: 'sidebar', 'aria-label': 'Messaging' },
    h('div', { class: 'nav-section' }, 'Messaging'),
    h('a', { class: 'button primary nav-compose', href: '#/compose', 'aria-label': 'New Message', title: 'New Message (c)', dataset: { nav: '#/compose' } }, icon('compose'), h('span', {}, 'New Message')),
    viewLinks(unreadBadge),
    navLink('#/canned', 'Canned Responses', 'canned'),
    app.isAdmin() ? navLink('#/settings', 'Settings', 'settings') : null,
    app.isAdmin() ? h('div', { class: 'nav-section nav-section-admin' }, 'Administration') : null,
    app.isAdmin() ? navLink('#/admin/people', 'People', 'people') : null,
    app.isAdmin() ? navLink('#/admin/groups', 'Circles and Teams', 'groups') : null,
    app.isAdmin() ? navLink('#/admin/audit', 'Audit log', 'audit') : null,
    h('div', { class: 'sidebar-foot' },
      h('span', { class: 'secure-note' }, icon('lock', 14), 'Messages stay inside Parley')));

  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  root.append(h('a', { class: 'skip-link', href: '#main', onclick: (e) => { e.preventDefault(); main.focus(); } }, 'Skip to content'),
    header, h('div', { class: 'layout' }, sidebar, main));

  for (const off of liveSubscriptions.splice(0)) off();
  liveSubscriptions.push(live.onState((state) => {
    clearTimeout(liveIndicator.timer);
    if (state === 'open' || state === 'idle') {
      liveIndicator.hidden = true;
      return;
    }
    // Quiet: only say something when the connection stays down for a moment.
    liveIndicator.timer = setTimeout(() => {
      liveIndicator.hidden = false;
      liveIndicator.dataset.state = state;
      liveIndicator.querySelector('.live-text').textContent = state === 'connecting' ? 'Connecting…' : 'Reconnecting…';
      liveIndicator.title = 'Live updates are paused; Parley checks for new messages in the background.';
    }, state === 'connecting' ? 4000 : 1500);
  }));
  liveSubscriptions.push(live.onEvent(onLiveEvent));
  liveSubscriptions.push(live.onResync(() => {
    app.refreshUnread();
    app.screen?.reload?.();
  }));
}

const liveSubscriptions = [];

function toggleMenu(menu, button, force) {
  const open = force ?? menu.hidden;
  menu.hidden = !open;
  button.setAttribute('aria-expanded', String(open));
  if (open) menu.querySelector('[role=menuitem]')?.focus();
}

document.addEventListener('click', (e) => {
  const menu = document.getElementById('user-menu');
  if (menu && !menu.hidden && !menu.contains(e.target)) {
    toggleMenu(menu, document.querySelector('.user-button'), false);
  }
});
document.addEventListener('keydown', (e) => {
  const menu = document.getElementById('user-menu');
  if (e.key === 'Escape' && menu && !menu.hidden) {
    toggleMenu(menu, document.querySelector('.user-button'), false);
    document.querySelector('.user-button')?.focus();
  }
});

function onLiveEvent(event) {
  // unread.changed carries the new total; the other events that may change it do not, so ask.
  if (event.type === 'unread.changed' && typeof event.data?.unread === 'number') {
    unreadVersion += 1;
    app.setUnread(event.data.unread);
  } else if (['message.created', 'message.read', 'thread.updated', 'unread.changed'].includes(event.type)) {
    scheduleUnread();
  }
  // A screen that applied the event to its list in place has set the counts too (true).
  const counted = app.screen?.onEvent?.(event) === true;
  if (COUNTED.has(event.type) && !counted) scheduleCounts();
}

// Events that may change what a view holds, and so the sidebar's counts.
const COUNTED = new Set(['message.created', 'thread.updated', 'unread.changed', 'thread.archived', 'thread.unarchived', 'draft.saved', 'draft.deleted']);
let countsTimer = null;
function scheduleCounts() {
  clearTimeout(countsTimer);
  countsTimer = setTimeout(() => app.refreshCounts(), 200);
}

let unreadTimer = null;
function scheduleUnread() {
  clearTimeout(unreadTimer);
  unreadTimer = setTimeout(() => app.refreshUnread(), 150);
}

async function signOut() {
  // A draft being typed is saved before the session it is saved with ends.
  try {
    await app.screen?.flush?.();
  } catch {
    // Saved with keepalive as the screen closes, if at all.
  }
  try {
    await post('/api/auth/logout');
  } catch {
    // Signed out locally either way.
  }
  location.hash = '#/inbox';
  showSignIn('You have signed out.');
}

const ROUTES = [
  [/^#\/(inbox|unread|sent|drafts|archived)(?:\?.*)?$/, () => (main, a, view) => mountInbox(main, a, view, parseView(location.hash)?.q || '')],
  [/^#\/thread\/([0-9a-fA-F-]{36})$/, () => mountThread],
  [/^#\/compose(?:\/([0-9a-fA-F-]{36}))?$/, () => mountComposer],
  [/^#\/settings(?:\/(messaging|company))?$/, () => mountSettings],
  [/^#\/canned$/, () => mountCanned],
  [/^#\/account$/, () => mountAccount],
  // the admin screens exist for admins only (as the API's /api/admin does)
  [/^#\/admin\/people(?:\/(new|import|[0-9a-fA-F-]{36}))?$/, () => (app.isAdmin() ? mountPeople : null)],
  [/^#\/admin\/groups$/, () => (app.isAdmin() ? mountGroups : null)],
  [/^#\/admin\/audit$/, () => (app.isAdmin() ? mountAudit : null)],
];

function route() {
  if (!app.me) return;
  const hash = location.hash || '#/inbox';
  let mount = null;
  let params = [];
  for (const [pattern, screen] of ROUTES) {
    const m = pattern.exec(hash);
    if (m) {
      mount = screen();
      params = m.slice(1);
      break;
    }
  }
  if (!mount) {
    location.replace('#/inbox');
    return;
  }
  if (app.screen?.destroy) app.screen.destroy();
  const main = document.getElementById('main');
  clear(main);
  main.scrollTop = 0;
  const view = currentView(hash, app.lastView);
  for (const link of document.querySelectorAll('[data-nav]')) {
    const target = link.dataset.nav;
    const active = hash === target || (view && target === viewHash(view))
      || (target === '#/settings' && hash.startsWith('#/settings'))
      || (target === '#/admin/people' && hash.startsWith('#/admin/people/'));
    if (active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  // On a phone the menu is a row that scrolls sideways: keep the current entry in sight.
  const nav = document.querySelector('.sidebar');
  const currentLink = nav?.querySelector('[aria-current=page]');
  if (currentLink && nav.scrollWidth > nav.clientWidth) nav.scrollLeft = Math.max(0, currentLink.offsetLeft - 12);
  app.screen = mount(main, app, ...params) || null;
  const focusTarget = main.querySelector('[data-autofocus]') || main.querySelector('h1');
  if (focusTarget && !main.contains(document.activeElement)) {
    if (focusTarget.tagName === 'H1') focusTarget.setAttribute('tabindex', '-1');
    focusTarget.focus({ preventScroll: true });
  }
}

window.addEventListener('hashchange', () => {
  if (!openPasswordLink()) route();
});
installShortcuts(app);
boot();
