// Drafts kept on the server: a keeper that saves what the composer or a reply box holds as the
// person types (autosave.js decides when), and the Drafts view that lists them and opens one.

import { get, request } from './api.js';
import { h, clear, icon, avatar, timeEl } from './dom.js';
import { spinner, emptyState, banner } from './ui.js';
import { createAutosave } from './autosave.js';

const STATUS_TEXT = { unsaved: 'Saving…', saving: 'Saving…', saved: 'Saved', error: 'Not saved yet — retrying' };

/** A network failure, a timeout, a busy or failing server pass; a refusal (bad recipient, signed out) does not. */
const passing = (e) => !e?.status || e.status === 408 || e.status === 429 || e.status >= 500;

/** Every draft of mine, newest first. */
export async function loadDrafts() {
  return (await get('/api/drafts')).drafts || [];
}

/**
 * Keeps one draft: `content()` answers {threadId?, to, cc, subject, bodyHtml, attachmentIds};
 * `isEmpty()` says there is nothing worth keeping (a draft emptied again is deleted). `draft` is
 * the stored draft being edited, if any. `onSaved(draft)` hears the first save (to put its id in
 * the address). The keeper saves before the page is hidden or left.
 */
export function createDraftKeeper({ content, isEmpty, draft = null, onSaved = () => {} }) {
  let id = draft?.id || null;
  let saved = draft ? snapshot(draft) : JSON.stringify(null);
  let creating = null;
  let failed = false;
  const status = h('span', { class: 'draft-status', role: 'status', dataset: { state: draft ? 'saved' : 'idle' } }, draft ? 'Saved' : '');

  async function save({ keepalive }) {
    const body = content();
    const next = snapshot(body);
    if (next === saved) return;
    // Browsers refuse a keepalive request over 64 KiB; a longer draft is sent plainly (and most
    // likely still arrives, as a navigation inside the app does not end the page).
    const options = { keepalive: keepalive && JSON.stringify(body).length < 60_000 };
    if (isEmpty()) {
      if (id) await request('DELETE', `/api/drafts/${id}`, undefined, {}, options).catch(notFoundIsGone);
      id = null;
      saved = JSON.stringify(null);
      return;
    }
    if (!id && creating) await creating;
    if (id) {
      try {
        await request('PUT', `/api/drafts/${id}`, body, {}, options);
        saved = next;
        return;
      } catch (e) {
        // Sent or discarded in another window meanwhile: keep what is typed here as a new draft.
        if (e.status !== 404) throw e;
        id = null;
      }
    }
    creating = request('POST', '/api/drafts', body, {}, options);
    try {
      const answer = await creating;
      id = answer?.draft?.id || null;
      saved = next;
      if (id) onSaved(answer.draft);
    } finally {
      creating = null;
    }
  }

  const autosave = createAutosave({
    save,
    retryable: passing,
    onStatus: (state, error) => {
      failed = state === 'error';
      status.dataset.state = state;
      status.textContent = state === 'error' && !passing(error) ? `Not saved: ${error.message}` : STATUS_TEXT[state] || '';
    },
  });

  // The last save as the page goes away (closed, reloaded, another site, a phone switching apps).
  const onHide = () => {
    if (document.visibilityState === 'hidden') autosave.flush({ keepalive: true });
  };
  const onPageHide = () => autosave.flush({ keepalive: true });
  // The server could not take the text (offline, say): closing the page now would lose it, so the
  // browser asks first.
  const onBeforeUnload = (e) => {
    if (failed && autosave.pending()) e.preventDefault();
  };
  document.addEventListener('visibilitychange', onHide);
  window.addEventListener('pagehide', onPageHide);
  window.addEventListener('beforeunload', onBeforeUnload);
  const unlisten = () => {
    document.removeEventListener('visibilitychange', onHide);
    window.removeEventListener('pagehide', onPageHide);
    window.removeEventListener('beforeunload', onBeforeUnload);
  };

  return {
    status,
    changed: () => autosave.changed(),
    /** Saves now; resolves once stored (or answers the failure). */
    flush: (options) => autosave.flush(options),
    id: () => id,
    /** True when something typed is not stored yet. */
    pending: () => autosave.pending(),
    /** The screen closes: save what is left (the request outlives the screen) and stop listening. */
    close() {
      autosave.flush({ keepalive: true });
      unlisten();
    },
    /** The message was sent (the send named the draft, so the server removed it): nothing more to keep. */
    sent() {
      autosave.stop();
      unlisten();
      status.textContent = '';
    },
    /** Discards the draft here and on the server. */
    async discard() {
      autosave.stop();
      unlisten();
      if (creating) await creating.catch(() => {});
      if (id) await request('DELETE', `/api/drafts/${id}`).catch(notFoundIsGone);
      id = null;
    },
  };
}

function snapshot(d) {
  const ids = (list) => (list || []).map((p) => (typeof p === 'string' ? p : p.id));
  return JSON.stringify({
    threadId: d.threadId || null,
    to: ids(d.to),
    cc: ids(d.cc),
    subject: d.subject || '',
    bodyHtml: d.bodyHtml || '',
    attachmentIds: d.attachmentIds || [],
  });
}

function notFoundIsGone(e) {
  if (e.status !== 404) throw e;
}

/** The plain text of a draft's body, for a one-line preview. */
export function snippet(html) {
  const doc = new DOMParser().parseFromString(html || '', 'text/html');
  return (doc.body.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** Where a draft opens: a reply's in its thread's reply box, a new message's in the composer. */
export function draftHref(draft) {
  return draft.threadId ? `#/thread/${draft.threadId}` : `#/compose/${draft.id}`;
}

// A draft names its recipients by id. Their names come from the people this tab has seen chosen
// (kept for the tab only: names of clients do not outlive it) or from the recipients the server
// lists; the names are shown and the picker's chips rebuilt from them.
const PEOPLE_KEY = 'parley.people';

function knownPeople() {
  try {
    return JSON.parse(sessionStorage.getItem(PEOPLE_KEY) || '{}');
  } catch {
    return {};
  }
}

/** Remembers names of people chosen in a picker, so that a reopened draft shows them. */
export function rememberPeople(items) {
  const known = knownPeople();
  for (const p of items || []) if (p?.id && p.name) known[p.id] = { id: p.id, name: p.name, role: p.role };
  sessionStorage.setItem(PEOPLE_KEY, JSON.stringify(known));
}

export function forgetPeople() {
  sessionStorage.removeItem(PEOPLE_KEY);
}

/** Cards {id, name, role} for ids (or cards); ids no one could name are left out. */
export async function cardsFor(list) {
  const items = list || [];
  const known = knownPeople();
  const card = (p) => (typeof p === 'object' ? p : known[p]);
  if (items.every(card)) return items.map(card);
  try {
    rememberPeople((await get('/api/recipients')).recipients || []);
  } catch {
    // Named as far as this tab knows.
  }
  const more = knownPeople();
  return items.map((p) => (typeof p === 'object' ? p : more[p])).filter(Boolean);
}

/** Cards for a draft's To and CC. */
export async function withPeople(draft) {
  const [to, cc] = await Promise.all([cardsFor(draft.to), cardsFor(draft.cc)]);
  return { ...draft, to, cc, unnamed: (draft.to || []).length + (draft.cc || []).length - to.length - cc.length };
}

/** People named on a draft, as cards where a name is known. */
export function draftPeople(draft) {
  return [...(draft.to || []), ...(draft.cc || [])].filter((p) => p && typeof p === 'object');
}

/** The Drafts view: my drafts, newest first, with the search of the other views (filtered here). */
export function mountDraftList({ list, more, app, query, onLoaded }) {
  let drafts = [];
  let destroyed = false;
  const error = banner('error');

  function matches(d) {
    const q = query().toLowerCase();
    if (!q) return true;
    const names = draftPeople(d).map((p) => p.name).join(' ');
    return [d.subject, d.thread?.subject, names, snippet(d.bodyHtml)].join(' ').toLowerCase().includes(q);
  }

  function row(d) {
    const people = draftPeople(d);
    const names = people.map((p) => p.name).join(', ');
    const subject = d.subject || d.thread?.subject || '(no subject)';
    const discard = h('button', {
      type: 'button', class: 'icon-button row-action', 'aria-label': `Discard draft “${subject}”`, title: 'Discard draft',
      onclick: async () => {
        const sure = await app.confirm({ title: 'Discard this draft?', message: 'What you have written will be lost.', confirmLabel: 'Discard', danger: true });
        if (!sure) return;
        try {
          await request('DELETE', `/api/drafts/${d.id}`).catch(notFoundIsGone);
          drafts = drafts.filter((x) => x.id !== d.id);
          render();
          app.refreshCounts?.();
          app.toast('Draft discarded', 'success');
        } catch (e) {
          error.show(e.message);
        }
      },
    }, icon('trash', 16));
    return h('li', { class: 'thread-row draft-row', dataset: { draftId: d.id, threadId: d.threadId || '' } },
      h('a', { class: 'thread-link', href: draftHref(d) },
        avatar(people[0] || app.me, 'md'),
        h('div', { class: 'thread-main' },
          h('div', { class: 'thread-top' },
            h('span', { class: 'thread-sender' },
              h('span', { class: 'draft-tag' }, d.threadId ? 'Reply draft' : 'Draft'),
              names ? ` To ${names}${d.unnamed ? ` and ${d.unnamed} more` : ''}`
                : d.unnamed ? ` To ${d.unnamed} ${d.unnamed === 1 ? 'person' : 'people'}` : (d.threadId ? '' : ' No recipients yet')),
            timeEl(d.updatedAt)),
          h('div', { class: 'thread-subject' }, subject),
          h('div', { class: 'thread-snippet' }, snippet(d.bodyHtml) || 'No text yet'))),
      discard);
  }

  function render() {
    if (destroyed) return;
    clear(list);
    clear(more);
    const shown = drafts.filter(matches);
    app.inboxOrder = [];
    if (!shown.length) {
      list.append(h('li', { class: 'list-empty' }, query()
        ? emptyState('search', 'No matching drafts', 'Try another name or word, or clear the search.')
        : emptyState('edit', 'No drafts', 'What you write is kept here until you send it.')));
      return;
    }
    for (const d of shown) list.append(row(d));
  }

  async function load() {
    if (!drafts.length) {
      clear(list);
      list.append(h('li', { class: 'list-empty' }, spinner('Loading your drafts…')));
    }
    try {
      const loaded = await Promise.all((await loadDrafts()).map(withPeople));
      if (destroyed) return;
      drafts = loaded;
      error.show('');
      render();
      onLoaded(drafts.length);
    } catch (e) {
      if (!destroyed) {
        clear(list);
        error.show(e.message);
      }
    }
  }

  load();
  return {
    error,
    render,
    reload: load,
    destroy() {
      destroyed = true;
    },
  };
}
