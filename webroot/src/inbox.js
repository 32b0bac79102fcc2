// Messaging > the mailbox views (Inbox, Unread, Sent, Drafts, Archived): the threads of a view,
// newest first, live, with one search box; the view and the search are in the address (views.js).

import { get, post, query } from './api.js';
import { h, clear, icon, avatar, timeEl, debounce } from './dom.js';
import { spinner, emptyState, banner } from './ui.js';
import { compareInstants } from './instant.js';
import { paperclip } from './attachbox.js';
import { viewById, viewHash, inboxQuery } from './views.js';
import { mountDraftList } from './drafts.js';

const PAGE = 50;

const EMPTY = {
  inbox: ['inbox', 'Your inbox is empty', 'Messages you send and receive appear here.'],
  unread: ['checks', 'No unread messages', 'New messages appear here as they arrive.'],
  sent: ['send', 'Nothing sent yet', 'Conversations you wrote in appear here.'],
  archived: ['archive', 'Nothing archived', 'Archive a conversation to clear it from your inbox; a new message brings it back.'],
};

/** The events of a person's own mailbox actions in another window: the list is fetched again. */
const MAILBOX_EVENTS = new Set(['thread.archived', 'thread.unarchived', 'draft.saved', 'draft.deleted']);

export function mountInbox(main, app, viewId = 'inbox', initialQuery = '') {
  const view = viewById(viewId);
  app.setTitle(view.label);
  app.lastView = view.id;
  let threads = [];
  let nextCursor = null;
  const selectedKey = `parley.${view.id}.selected`;
  let selected = Number(sessionStorage.getItem(selectedKey) || 0);
  let destroyed = false;
  let loadSeq = 0;
  let loading = false;

  const searchInput = h('input', {
    type: 'search', id: 'inbox-search', class: 'search-input',
    placeholder: view.id === 'drafts' ? 'Search drafts' : `Search ${view.label === 'Inbox' ? 'messages' : view.label.toLowerCase()}`,
    autocomplete: 'off', value: initialQuery,
  });
  const error = banner('error');
  const list = h('ul', { class: 'thread-list', id: 'thread-list', 'aria-label': `${view.label} conversations`, dataset: { view: view.id } });
  const more = h('div', { class: 'list-more' });
  const summary = h('p', { class: 'page-sub muted', id: 'inbox-summary' }, '');

  main.append(
    h('div', { class: 'page-head' },
      h('div', { class: 'page-title' }, h('h1', {}, view.label), summary),
      h('a', { class: 'button primary', href: '#/compose', id: 'new-message' }, icon('compose', 16), 'New Message')),
    h('div', { class: 'toolbar' },
      h('div', { class: 'search' },
        h('label', { for: 'inbox-search', class: 'visually-hidden' }, searchInput.placeholder),
        icon('search', 16), searchInput,
        h('kbd', { class: 'search-kbd', 'aria-hidden': 'true' }, '/'))),
    error,
    h('section', { class: 'panel list-panel', 'aria-label': `${view.label} conversations` }, list, more));

  const q = () => searchInput.value.trim();
  // The address follows the search without a history entry per keystroke: back leaves the view.
  const reflect = () => history.replaceState(history.state, '', viewHash(view.id, q()));

  const drafts = view.id === 'drafts'
    ? mountDraftList({
      list, more, app, query: q,
      onLoaded: (n) => {
        summary.textContent = n ? `${n} draft${n === 1 ? '' : 's'}` : '';
        main.dataset.loaded = 'true';
        list.dataset.loaded = 'true';
      },
    })
    : null;
  if (drafts) list.before(drafts.error);

  searchInput.addEventListener('input', debounce(() => {
    reflect();
    selected = 0;
    if (drafts) drafts.render();
    else load();
  }, 250));
  searchInput.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && searchInput.value) {
      e.stopPropagation();
      searchInput.value = '';
      reflect();
      if (drafts) drafts.render();
      else load();
    } else if (e.key === 'ArrowDown' || (e.key === 'Enter' && list.querySelector('.thread-link'))) {
      e.preventDefault();
      select(0, true);
    }
  });

  function others(t) {
    const people = (t.participants || []).filter((p) => p.id !== app.me.id);
    return people.length ? people : (t.participants || []);
  }

  function row(t, index) {
    const people = others(t);
    const unread = Number(t.unreadCount) > 0;
    const fromMe = t.sender?.id === app.me.id;
    const lead = (fromMe ? people[0] : t.sender) || people[0] || { name: '?' };
    const otherNames = people.map((p) => p.name).join(', ') || 'Only you';
    const names = fromMe || view.id === 'sent' ? `To ${otherNames}` : (t.sender?.name || otherNames);
    const archived = view.id === 'archived';
    // A thread the person left stays readable here, but only someone writing to them brings it back.
    const left = Boolean(t.left);
    const subject = t.subject || '(no subject)';
    return h('li', { class: `thread-row${unread ? ' unread' : ''}`, dataset: { threadId: t.id, index: String(index) } },
      h('a', {
        class: 'thread-link',
        href: `#/thread/${t.id}`,
        'aria-current': index === selected ? 'true' : null,
        onfocus: () => select(index, false),
      },
      avatar(lead, 'md'),
      h('div', { class: 'thread-main' },
        h('div', { class: 'thread-top' },
          h('span', { class: 'thread-sender', title: otherNames }, left ? h('span', { class: 'left-tag' }, 'Left') : null, names),
          t.hasAttachments ? paperclip() : null,
          timeEl(t.lastMessageAt)),
        h('div', { class: 'thread-subject' }, subject),
        h('div', { class: 'thread-snippet' }, t.snippet || '')),
      unread
        ? h('span', { class: 'badge unread-badge', 'aria-label': `${t.unreadCount} unread` }, String(t.unreadCount))
        : h('span', { class: 'badge-space', 'aria-hidden': 'true' })),
      left ? h('span', { class: 'row-action-space', 'aria-hidden': 'true' }) : h('button', {
        type: 'button', class: 'icon-button row-action', dataset: { action: archived ? 'unarchive' : 'archive' },
        'aria-label': `${archived ? 'Move to inbox' : 'Archive'} “${subject}”`,
        title: archived ? 'Move to inbox' : 'Archive (e)',
        onclick: () => moveRow(t.id, !archived),
      }, icon(archived ? 'unarchive' : 'archive', 16)));
  }

  function render() {
    if (destroyed) return;
    app.inboxOrder = threads.map((t) => t.id);
    if (selected >= threads.length) selected = Math.max(0, threads.length - 1);
    const hadFocus = list.contains(document.activeElement);
    clear(list);
    clear(more);
    const unreadThreads = threads.filter((t) => Number(t.unreadCount) > 0).length;
    summary.textContent = threads.length === 0 || !['inbox', 'unread'].includes(view.id) ? ''
      : unreadThreads > 0 ? `${unreadThreads} unread conversation${unreadThreads === 1 ? '' : 's'}`
        : 'You are all caught up';
    if (threads.length === 0) {
      const [iconName, title, text] = EMPTY[view.id];
      list.append(h('li', { class: 'list-empty' }, q()
        ? emptyState('search', 'No matching messages', 'Try another name or word, or clear the search.')
        : emptyState(iconName, title, text, view.id === 'inbox'
          ? h('a', { class: 'button primary', href: '#/compose' }, icon('compose', 16), 'New Message') : null)));
    } else {
      threads.forEach((t, i) => list.append(row(t, i)));
      if (hadFocus) select(selected, true);
    }
    if (nextCursor) {
      more.append(h('button', { type: 'button', class: 'button', onclick: () => load(true) }, 'Load older messages'));
    }
  }

  function select(index, focus = true) {
    const rows = list.querySelectorAll('.thread-link');
    if (!rows.length) return;
    selected = Math.max(0, Math.min(index, rows.length - 1));
    sessionStorage.setItem(selectedKey, String(selected));
    rows.forEach((r, i) => (i === selected ? r.setAttribute('aria-current', 'true') : r.removeAttribute('aria-current')));
    if (focus) rows[selected].focus();
  }

  async function load(append = false) {
    if (drafts) return drafts.reload();
    const mine = ++loadSeq;
    loading = true;
    if (!append && threads.length === 0) {
      clear(list);
      list.append(h('li', { class: 'list-empty' }, spinner(`Loading ${view.label === 'Inbox' ? 'your inbox' : view.label.toLowerCase()}…`)));
    }
    try {
      const r = await get(`/api/inbox${query(inboxQuery(view.id, { q: q(), limit: PAGE, cursor: append ? nextCursor : null }))}`);
      if (destroyed || mine !== loadSeq) return;
      threads = append ? [...threads, ...(r.threads || [])] : (r.threads || []);
      nextCursor = r.nextCursor || null;
      if (r.counts) app.setCounts?.(r.counts);
      error.show('');
      render();
      main.dataset.loaded = 'true';
      // This list's own mark: main's stays from the screen before.
      list.dataset.loaded = 'true';
    } catch (e) {
      if (!destroyed && mine === loadSeq) {
        error.show(e.message);
        if (threads.length === 0) clear(list);
      }
    } finally {
      if (mine === loadSeq) loading = false;
    }
    return undefined;
  }

  /**
   * Archives the thread (or, in Archived, moves it back to the inbox): the row goes at once; the
   * server's answer and the live event confirm it.
   */
  async function moveRow(id, archive) {
    const before = threads;
    show(threads.filter((t) => t.id !== id));
    try {
      await post(`/api/threads/${id}/${archive ? 'archive' : 'unarchive'}`);
      app.toast(archive ? 'Conversation archived' : 'Moved to the inbox', 'success');
      app.refreshCounts?.();
    } catch (e) {
      show(before);
      error.show(e.message);
    }
  }

  async function markUnread(id) {
    try {
      await post(`/api/threads/${id}/unread`, {});
      app.refreshUnread();
      reloadSoon();
    } catch (e) {
      error.show(e.message);
    }
  }

  const reloadSoon = debounce(() => load(false), 120);
  load();

  /** Shows the rows `next` in place of the list; false when the event needs the list fetched. */
  function show(next) {
    if (!next) return false;
    const selectedId = threads[selected]?.id;
    threads = next;
    selected = Math.max(0, threads.findIndex((t) => t.id === selectedId));
    render();
    // a page asked for before this change was written would bring the row back without it
    if (loading) reloadSoon();
    return true;
  }

  function applyUpdate(data) {
    if (!['inbox', 'unread'].includes(view.id)) {
      reloadSoon();
      return;
    }
    if (show(withThreadUpdate(threads, data, { unreadOnly: view.id === 'unread' }))) return;
    // A thread not listed may belong in the list now that it has unread messages.
    if (!data?.left && Number(data?.unreadCount) > 0) reloadSoon();
  }

  const current = () => threads[selected]?.id;

  const unreadRows = () => threads.filter((t) => Number(t.unreadCount) > 0).length;

  /**
   * A row changed in place moves the Unread tab's count (unread threads) by as much as it moved
   * the number of unread rows here, so the counts need no fetch of their own.
   */
  function countUnread(before) {
    if (!Number.isFinite(app.counts?.unread)) return false;
    app.setCounts({ unread: Math.max(0, app.counts.unread + unreadRows() - before) });
    return true;
  }

  return {
    destroy() {
      destroyed = true;
      drafts?.destroy();
    },
    reload: () => load(false),
    onEvent(event) {
      if (drafts) {
        if (event.type === 'draft.saved' || event.type === 'draft.deleted') drafts.reload();
        return;
      }
      if (event.type === 'message.created') {
        // Only the inbox keeps its rows from the event; a message may add a row elsewhere or
        // bring an archived thread back, which the server decides.
        const before = unreadRows();
        if (view.id === 'inbox' && show(withMessage(threads, event.data, app.me.id))) return countUnread(before);
        reloadSoon();
      } else if (event.type === 'thread.updated') applyUpdate(event.data);
      else if (MAILBOX_EVENTS.has(event.type)) reloadSoon();
      return false;
    },
    actions: {
      next: () => select(selected + 1),
      prev: () => select(selected - 1),
      open: () => {
        const link = list.querySelectorAll('.thread-link')[selected];
        if (link) app.navigate(link.getAttribute('href'));
      },
      search: () => {
        searchInput.focus();
        searchInput.select();
      },
      archive: () => {
        if (!current() || threads[selected]?.left) return;
        moveRow(current(), view.id !== 'archived');
      },
      markUnread: () => current() && markUnread(current()),
    },
  };
}

/** How many message ids a row remembers having counted since the server last counted for it. */
const COUNTED_IDS = 100;

/**
 * The inbox after a message.created event: the thread's row takes the event's subject, snippet,
 * time and sender (unless it already shows a newer message), gains anyone new on the message, and
 * moves to its place (newest first); its paperclip shows whether that newest message has files, as
 * the server's row does. A
 * message to `meId` (not from them) adds one to the row's unread count, unless the row already
 * counted it: the server's count covers every message up to the row's `lastMessageAt` as it came
 * from the API, and the ids counted here since are remembered (`counted`), so a message arriving
 * after a newer one (written through another node) still counts once.
 * Null when the row is not in the list (a new thread, or one further down): fetch the list.
 */
export function withMessage(threads, data, meId) {
  const t = data?.thread;
  const at = t?.id ? threads.findIndex((row) => row.id === t.id) : -1;
  if (at === -1) return null;
  const old = threads[at];
  const through = old.counted?.through ?? old.lastMessageAt;
  const ids = old.counted?.ids ?? [];
  const adds = isUnreadFor(data, meId) && !ids.includes(data.id) && compareInstants(data.createdAt, through) > 0;
  // A message older than the row's newest (it came late) leaves the row's time, snippet and sender.
  const late = compareInstants(t.lastMessageAt ?? data.createdAt, old.lastMessageAt) < 0;
  const row = {
    ...old,
    ...(late ? {} : {
      subject: t.subject ?? old.subject,
      snippet: t.snippet ?? old.snippet,
      lastMessageAt: t.lastMessageAt ?? old.lastMessageAt,
      sender: data.sender ? card(data.sender) : old.sender,
      ...(Array.isArray(data.attachments) ? { hasAttachments: data.attachments.length > 0 } : {}),
    }),
    unreadCount: (Number(old.unreadCount) || 0) + (adds ? 1 : 0),
    participants: withPeople(old.participants || [], [data.sender, ...(data.recipients || [])]),
    counted: { through, ids: adds ? [...ids, data.id].slice(-COUNTED_IDS) : ids },
  };
  const rest = threads.filter((_, i) => i !== at);
  const place = rest.findIndex((other) => newer(row, other));
  rest.splice(place === -1 ? rest.length : place, 0, row);
  return rest;
}

/**
 * The inbox after a thread.updated event (the reader read or left the thread): the row's unread
 * count becomes the event's, and the row goes when the reader left, or when only unread
 * conversations are shown and it has none left. Null when the row is not in the list.
 */
export function withThreadUpdate(threads, data, { unreadOnly = false } = {}) {
  const at = data?.threadId ? threads.findIndex((row) => row.id === data.threadId) : -1;
  if (at === -1) return null;
  const unreadCount = Math.max(0, Number(data.unreadCount) || 0);
  if (data.left || (unreadOnly && unreadCount === 0)) return threads.filter((_, i) => i !== at);
  return threads.map((row, i) => (i === at ? { ...row, unreadCount } : row));
}

function isUnreadFor(message, meId) {
  return message.sender?.id !== meId && (message.recipients || []).some((r) => r.id === meId);
}

function card(p) {
  return { id: p.id, name: p.name, role: p.role };
}

function withPeople(participants, people) {
  const known = new Set(participants.map((p) => p.id));
  const added = people.filter((p) => p?.id && !known.has(p.id) && known.add(p.id)).map(card);
  if (!added.length) return participants;
  return [...participants, ...added].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
}

/** The inbox's order: latest message first, then thread id, descending. */
function newer(a, b) {
  const order = compareInstants(a.lastMessageAt, b.lastMessageAt);
  return order !== 0 ? order > 0 : a.id > b.id;
}
