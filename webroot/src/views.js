// The mailbox's views and their addresses: "#/inbox", "#/unread", "#/sent", "#/drafts",
// "#/archived", each with the search in the address ("#/sent?q=budget"), so that the back button
// returns to the view and the search the person had. Pure, so routing is tested without a browser.

export const VIEWS = [
  { id: 'inbox', label: 'Inbox', icon: 'inbox', key: 'i' },
  { id: 'unread', label: 'Unread', icon: 'unread', key: null },
  { id: 'sent', label: 'Sent', icon: 'send', key: 's' },
  { id: 'drafts', label: 'Drafts', icon: 'edit', key: 'd' },
  { id: 'archived', label: 'Archived', icon: 'archive', key: 'a' },
];

const IDS = new Set(VIEWS.map((v) => v.id));

/** The view and search an address names, or null when it names no mailbox view. */
export function parseView(hash) {
  const m = /^#\/([a-z]+)(?:\?(.*))?$/.exec(hash || '');
  if (!m || !IDS.has(m[1])) return null;
  const q = new URLSearchParams(m[2] || '').get('q') || '';
  return { view: m[1], q };
}

/** The address of a view with a search; an empty search leaves no "?q=". */
export function viewHash(view, q = '') {
  const id = IDS.has(view) ? view : 'inbox';
  const text = String(q || '').trim();
  return text ? `#/${id}?${new URLSearchParams({ q: text })}` : `#/${id}`;
}

export function viewById(id) {
  return VIEWS.find((v) => v.id === id) || VIEWS[0];
}

/** The view whose two-key shortcut ("g" then `key`) was typed, or null. */
export function viewForKey(key) {
  return VIEWS.find((v) => v.key && v.key === key)?.id || null;
}

/**
 * The query the inbox API takes for a view (the Drafts view lists drafts, not threads, and asks
 * GET /api/drafts instead).
 */
export function inboxQuery(view, { q = '', limit, cursor } = {}) {
  return { view, q: String(q || '').trim() || null, limit, cursor: cursor || null };
}

/** Which sidebar entry is current for an address: a thread belongs to the view it was opened from. */
export function currentView(hash, lastView = 'inbox') {
  const parsed = parseView(hash);
  if (parsed) return parsed.view;
  if (/^#\/thread\//.test(hash || '')) return lastView;
  if (/^#\/compose\//.test(hash || '')) return 'drafts';
  return null;
}
