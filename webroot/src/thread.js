// A thread: its messages in order, who each was sent to as this viewer may see it, read status
// (live, for staff), and the reply box. Opening the thread marks it read. Pushed messages and read
// times are applied as they come (threadstate.js); the thread is fetched again only on a resync.
// The reply box keeps its text as a draft (drafts.js). An archived or left thread opens read-only.

import { get, post, query, messageSender } from './api.js';
import { h, clear, icon, avatar, roleLabel, timeEl, stamp, fullTime, isStaff } from './dom.js';
import { spinner, emptyState, banner, toggle, field } from './ui.js';
import { createEditor } from './editor.js';
import { loadCanned } from './canned.js';
import { createPicker } from './picker.js';
import { createThreadState } from './threadstate.js';
import { createAttachBox, fileList } from './attachbox.js';
import { quotedBlock } from './quoted.js';
import { createDraftKeeper, loadDrafts, rememberPeople, withPeople } from './drafts.js';
import { userTimeZone } from './dates.js';

const KIND_LABEL = { to: 'To', cc: 'Cc', bcc: 'Bcc' };

export function mountThread(main, app, threadId) {
  app.setTitle('Conversation');
  let thread = null;
  const state = createThreadState();
  let destroyed = false;
  let firstRender = true;
  let sending = false;
  const sendMessage = messageSender();
  const staffViewer = isStaff(app.me);
  let keeper = null;
  let filling = false;
  let readOnly = false;

  const title = h('h1', { class: 'thread-title' }, 'Conversation');
  const meta = h('p', { class: 'page-sub muted' }, '');
  const error = banner('error');
  const list = h('div', { class: 'messages', id: 'messages' }, spinner('Opening conversation…'));

  const replyError = banner('error');
  const replyLabelId = `reply-label-${threadId}`;
  const editor = createEditor({ placeholder: 'Write a reply…', label: 'Reply', labelId: replyLabelId, minHeight: 120 });
  const replyChanged = (picked) => {
    if (Array.isArray(picked)) rememberPeople(picked);
    if (!filling) keeper?.changed();
  };
  editor.onChange(replyChanged);
  const receipt = toggle({ label: 'Read Receipt', description: 'Email me when each recipient opens this reply.', name: 'reply-read-receipt' });
  const sendButton = h('button', { type: 'submit', class: 'button primary', id: 'send-reply' }, icon('send', 16), 'Send reply');
  const files = createAttachBox({ name: 'reply-files', onChange: () => { sendButton.disabled = sending || files.busy(); } });
  const cannedId = `reply-canned-${threadId}`;
  const canned = h('select', { id: cannedId, name: 'canned', disabled: true }, h('option', { value: '' }, 'Loading…'));
  let cannedItems = [];
  loadCanned().then((items) => {
    cannedItems = items;
    canned.replaceChildren(h('option', { value: '' }, items.length ? 'Choose a response…' : 'No canned responses yet'),
      ...items.map((c) => h('option', { value: c.id }, c.shared ? `${c.title} (shared)` : c.title)));
    canned.disabled = items.length === 0;
  }).catch(() => canned.replaceChildren(h('option', { value: '' }, 'Unavailable')));
  canned.addEventListener('change', () => {
    const chosen = cannedItems.find((c) => c.id === canned.value);
    if (!chosen) return;
    editor.insertHtml(chosen.bodyHtml || '');
    canned.value = '';
  });
  // Staff may bring more people into the conversation with a reply.
  const searchRecipients = async (q) => (await get(`/api/recipients${query({ q })}`)).recipients || [];
  const addTo = createPicker({ name: 'reply-to', placeholder: 'Add recipients', search: searchRecipients, onChange: replyChanged });
  const addCc = createPicker({ name: 'reply-cc', placeholder: 'Add people to copy', search: searchRecipients, onChange: replyChanged });
  const addFields = h('div', { class: 'reply-add', hidden: true },
    field({ label: 'Also to', control: addTo.input, element: addTo.element, name: 'to' }),
    field({ label: 'Also CC', control: addCc.input, element: addCc.element, name: 'cc' }));
  const addToggle = h('button', {
    type: 'button', class: 'link-button', 'aria-expanded': 'false',
    onclick: () => {
      addFields.hidden = !addFields.hidden;
      addToggle.setAttribute('aria-expanded', String(!addFields.hidden));
      if (!addFields.hidden) addTo.input.focus();
    },
  }, icon('plus', 14), 'Add people to this conversation');
  const addPeople = h('div', { class: 'reply-people' }, addToggle, addFields);

  const statusSlot = h('span', { class: 'draft-status-slot' });
  const discardButton = h('button', { type: 'button', class: 'link-button', id: 'discard-reply', hidden: true, onclick: () => discardReply() }, 'Discard draft');
  const replyForm = h('form', { class: 'panel reply', id: 'reply-form', 'aria-labelledby': replyLabelId, novalidate: true },
    h('div', { class: 'label-row reply-head' },
      h('h2', { class: 'reply-title', id: replyLabelId }, 'Reply'),
      h('div', { class: 'canned-picker' },
        h('label', { for: cannedId, class: 'label-inline' }, icon('canned', 14), 'Use Canned Response'),
        canned)),
    replyError,
    staffViewer ? addPeople : null,
    h('div', { class: 'field', dataset: { field: 'bodyHtml' } }, editor.element,
      h('p', { class: 'field-error', id: `reply-error-${threadId}`, hidden: true })),
    files.element,
    h('div', { class: 'form-actions' },
      receipt,
      h('div', { class: 'actions-right' },
        statusSlot,
        discardButton,
        h('span', { class: 'hint kbd-hint' }, h('kbd', {}, 'Ctrl'), '+', h('kbd', {}, 'Enter'), ' to send'),
        sendButton)));
  replyForm.hidden = true;
  files.dropZone(replyForm);
  // Leaving takes the conversation out of this person's inbox; replies stop reaching them until
  // someone writes to them in it again.
  const leaveButton = h('button', {
    type: 'button', class: 'icon-button', id: 'leave-thread', hidden: true,
    'aria-label': 'Leave conversation', title: 'Leave conversation', onclick: () => leave(),
  }, icon('logout', 18));
  editor.describedBy(`reply-error-${threadId}`);
  replyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    sendReply();
  });

  const archiveButton = h('button', {
    type: 'button', class: 'icon-button', id: 'archive-thread', hidden: true,
    'aria-label': 'Archive', title: 'Archive (e)', onclick: () => archive(),
  }, icon('archive', 18));
  const unreadButton = h('button', {
    type: 'button', class: 'icon-button', id: 'mark-unread', hidden: true,
    'aria-label': 'Mark as unread', title: 'Mark as unread (Shift+U)', onclick: () => markUnread(),
  }, icon('unread', 18));
  const printButton = h('button', {
    type: 'button', class: 'icon-button', id: 'print-thread', hidden: true,
    'aria-label': 'Print', title: 'Print', onclick: () => window.print(),
  }, icon('print', 18));
  // The server lays the PDF out with dates in the reader's own zone.
  const pdfLink = h('a', {
    class: 'icon-button', id: 'download-pdf', hidden: true, download: '',
    href: `/api/threads/${threadId}/export.pdf${query({ tz: userTimeZone() })}`,
    'aria-label': 'Download PDF', title: 'Download PDF',
  }, icon('download', 18));
  const readOnlyBanner = h('div', { class: 'banner readonly-banner', id: 'readonly-banner', role: 'status', hidden: true });
  const back = app.backHash?.() || '#/inbox';

  main.append(
    h('div', { class: 'page-head thread-head' },
      h('a', { class: 'icon-button back', href: back, 'aria-label': 'Back to the list', title: 'Back to the list (u)' }, icon('back', 20)),
      h('div', { class: 'page-title' }, title, meta),
      h('div', { class: 'thread-nav' },
        h('button', { type: 'button', class: 'icon-button nav-prev', 'aria-label': 'Previous conversation', title: 'Previous conversation (k)', onclick: () => step(-1) }, icon('back', 18)),
        h('button', { type: 'button', class: 'icon-button nav-next', 'aria-label': 'Next conversation', title: 'Next conversation (j)', onclick: () => step(1) }, icon('back', 18)),
        archiveButton, unreadButton, printButton, pdfLink,
        leaveButton)),
    readOnlyBanner,
    error,
    list,
    replyForm);

  function mine(m) {
    return m.sender?.id === app.me.id;
  }

  function receiptChip(m, r) {
    // Staff see everyone's read status; a contact sees it only on its own messages.
    if (!(staffViewer || mine(m)) || r.id === m.sender?.id) return null;
    const read = Boolean(r.readAt);
    return h('span', {
      class: `receipt${read ? ' read' : ''}`,
      dataset: { receipt: `${m.id}:${r.id}` },
      title: read ? `Read ${fullTime(r.readAt)}` : 'Not opened yet',
    }, icon(read ? 'checks' : 'check', 14), h('span', { class: 'screen-only' }, read ? `Read ${stamp(r.readAt)}` : 'Not read'),
    h('span', { class: 'print-only' }, read ? `Read ${fullTime(r.readAt)}` : 'Not read'));
  }

  function recipientsBlock(m) {
    const groups = { to: [], cc: [], bcc: [] };
    for (const r of m.recipients || []) (groups[r.kind] || groups.to).push(r);
    const rows = [];
    for (const kind of ['to', 'cc', 'bcc']) {
      if (!groups[kind].length) continue;
      rows.push(h('div', { class: 'recipient-row' },
        h('span', { class: 'recipient-kind' }, KIND_LABEL[kind]),
        h('ul', { class: 'recipient-list' }, groups[kind].map((r) => h('li', { class: 'recipient', dataset: { recipientId: r.id } },
          h('span', { class: 'recipient-name' }, r.id === app.me.id ? `${r.name} (you)` : r.name),
          r.role && r.role !== 'staff' && r.role !== 'admin' ? h('span', { class: 'role-tag' }, roleLabel(r.role)) : null,
          receiptChip(m, r))))));
    }
    return h('div', { class: 'recipients' }, rows);
  }

  function messageEl(m, index) {
    const body = h('div', { class: 'message-body prose' });
    // bodyHtml is sanitized by the server before it is stored; nothing else is ever inserted as HTML.
    body.innerHTML = m.bodyHtml || '';
    for (const a of body.querySelectorAll('a[href]')) {
      a.setAttribute('target', '_blank');
      a.setAttribute('rel', 'noopener noreferrer');
    }
    const unreadForMe = (m.recipients || []).some((r) => r.id === app.me.id && !r.readAt);
    return h('article', {
      class: `message${mine(m) ? ' mine' : ''}${unreadForMe ? ' unread' : ''}`,
      id: `message-${m.id}`,
      dataset: { messageId: m.id },
      'aria-labelledby': `message-${m.id}-from`,
      'aria-posinset': String(index + 1),
      'aria-setsize': String(state.messages().length),
    },
    h('header', { class: 'message-head' },
      avatar(m.sender, 'md'),
      h('div', { class: 'message-who' },
        h('div', { class: 'message-from', id: `message-${m.id}-from` },
          h('strong', {}, m.sender?.name || 'Unknown sender'),
          m.sender?.role ? h('span', { class: 'role-tag' }, roleLabel(m.sender.role)) : null,
          m.source === 'email' ? h('span', { class: 'source-tag', title: 'Sent as a reply to an email notification' }, icon('mail', 12), 'via email') : null),
        recipientsBlock(m)),
      h('div', { class: 'message-time' }, h('span', { class: 'screen-only' }, timeEl(m.createdAt, stamp)),
        h('span', { class: 'print-only print-time' }, `Sent ${fullTime(m.createdAt)}`),
        mine(m) || readOnly ? null : h('button', {
          type: 'button', class: 'link-button mark-unread-here', dataset: { messageId: m.id },
          title: 'Mark this message and the ones after it as unread', onclick: () => markUnread(m.id),
        }, 'Mark unread from here'))),
    body,
    fileList(m.attachments),
    quotedBlock(m),
    m.note ? h('p', { class: 'message-note' }, icon('mail', 14), m.note) : null);
  }

  function render() {
    const messages = state.messages();
    clear(list);
    if (!messages.length) {
      list.append(emptyState('inbox', 'No messages here', 'This conversation has no messages you can see.'));
      return;
    }
    messages.forEach((m, i) => list.append(messageEl(m, i)));
    if (firstRender) {
      firstRender = false;
      const firstUnread = list.querySelector('.message.unread');
      if (messages.length > 1) (firstUnread || list.lastElementChild).scrollIntoView({ block: 'start' });
    }
  }

  /** Adds a pushed message to the list, rendered as the first load renders it. */
  function append(message) {
    const at = state.push(message);
    // Before the first load has answered, it shows the message with the rest.
    if (at === -1 || !thread) return;
    const messages = state.messages();
    const shown = [...list.querySelectorAll(':scope > .message')];
    if (!shown.length) clear(list);
    const el = messageEl(messages[at], at);
    list.insertBefore(el, shown[at] || null);
    list.querySelectorAll(':scope > .message').forEach((m, i) => {
      m.setAttribute('aria-posinset', String(i + 1));
      m.setAttribute('aria-setsize', String(messages.length));
    });
    describe();
    if (mine(messages[at])) el.scrollIntoView({ block: 'nearest' });
    markRead();
  }

  function describe() {
    const messages = state.messages();
    const people = new Map();
    for (const m of messages) {
      if (m.sender) people.set(m.sender.id, m.sender.name);
      for (const rc of m.recipients || []) people.set(rc.id, rc.name);
    }
    meta.textContent = `${messages.length} message${messages.length === 1 ? '' : 's'} · ${people.size} ${people.size === 1 ? 'person' : 'people'}`;
  }

  async function load() {
    state.loading();
    try {
      const r = await get(`/api/threads/${threadId}`);
      if (destroyed) return;
      thread = r.thread;
      state.load(r.messages || []);
      title.textContent = thread.subject || '(no subject)';
      app.setTitle(thread.subject || 'Conversation');
      describe();
      error.show('');
      showState(thread);
      render();
      main.dataset.loaded = 'true';
      markRead();
      if (!readOnly) loadReplyDraft();
    } catch (e) {
      if (destroyed) return;
      clear(list);
      if (e.status === 404) {
        list.append(emptyState('inbox', 'Conversation not found', 'It may have been removed, or it is not shared with you.',
          h('a', { class: 'button', href: '#/inbox' }, 'Back to inbox')));
      } else {
        error.show(e.message);
      }
    }
  }

  /** Archived or left: the thread reads as a record, with a way back where there is one. */
  function showState(t) {
    const left = Boolean(t.left ?? t.leftAt);
    const archived = !left && Boolean(t.archived ?? t.archivedAt);
    readOnly = left || archived;
    replyForm.hidden = readOnly;
    leaveButton.hidden = left;
    archiveButton.hidden = readOnly;
    unreadButton.hidden = left;
    printButton.hidden = false;
    pdfLink.hidden = false;
    readOnlyBanner.hidden = !readOnly;
    readOnlyBanner.dataset.state = left ? 'left' : archived ? 'archived' : '';
    if (left) {
      readOnlyBanner.replaceChildren(icon('logout', 16), h('span', {}, 'You left this conversation. Replies in it no longer reach you, unless someone writes to you in it again.'));
    } else if (archived) {
      readOnlyBanner.replaceChildren(icon('archive', 16), h('span', {}, 'Archived — a new message brings it back.'),
        h('button', { type: 'button', class: 'button', id: 'unarchive-thread', onclick: () => unarchive() }, icon('unarchive', 16), 'Unarchive'));
    }
  }

  async function archive() {
    if (readOnly) return;
    archiveButton.disabled = true;
    try {
      await post(`/api/threads/${threadId}/archive`);
      app.inboxOrder = app.inboxOrder.filter((id) => id !== threadId);
      app.toast('Conversation archived', 'success');
      app.refreshCounts?.();
      app.navigate(back);
    } catch (e) {
      error.show(e.message);
    } finally {
      archiveButton.disabled = false;
    }
  }

  async function unarchive() {
    try {
      await post(`/api/threads/${threadId}/unarchive`);
      app.toast('Moved to the inbox', 'success');
      app.refreshCounts?.();
      showState({ ...thread, archived: false, archivedAt: null });
      render();
      loadReplyDraft();
    } catch (e) {
      error.show(e.message);
    }
  }

  /** Marks the thread (or this message and the ones after it) unread for me, and goes back to the list. */
  async function markUnread(fromMessageId) {
    try {
      await post(`/api/threads/${threadId}/unread`, fromMessageId ? { fromMessageId } : {});
      app.refreshUnread();
      app.refreshCounts?.();
      app.toast('Marked as unread', 'success');
      // Staying would read it again.
      app.navigate(back);
    } catch (e) {
      error.show(e.message);
    }
  }

  async function loadReplyDraft() {
    if (keeper) return;
    let draft = null;
    try {
      draft = (await loadDrafts()).find((d) => d.threadId === threadId) || null;
      if (draft && staffViewer) draft = await withPeople(draft);
    } catch {
      // Without the list the reply box starts empty, and still saves what is typed.
    }
    if (destroyed || keeper) return;
    if (draft && editor.isEmpty()) {
      filling = true;
      editor.setHtml(draft.bodyHtml || '');
      if (staffViewer && (draft.to?.length || draft.cc?.length)) {
        addTo.set(draft.to);
        addCc.set(draft.cc);
        addFields.hidden = false;
        addToggle.setAttribute('aria-expanded', 'true');
      }
      filling = false;
    }
    keeper = createDraftKeeper({
      draft,
      content: () => ({
        // The thread's subject names the draft in the Drafts view; a reply's own subject is not read.
        threadId, to: staffViewer ? addTo.value() : [], cc: staffViewer ? addCc.value() : [], subject: thread?.subject || '', bodyHtml: editor.html(), attachmentIds: files.ids(),
      }),
      isEmpty: () => editor.isEmpty() && !(staffViewer && (addTo.value().length || addCc.value().length)),
      onSaved: () => {
        discardButton.hidden = false;
      },
    });
    statusSlot.replaceChildren(keeper.status);
    discardButton.hidden = !draft;
    // Typed while the draft list was on its way.
    if (!draft && !editor.isEmpty()) keeper.changed();
  }

  async function discardReply() {
    if (!keeper) return;
    const old = keeper;
    keeper = null;
    try {
      await old.discard();
    } catch (e) {
      replyError.show(e.message);
    }
    filling = true;
    editor.clear();
    addTo.clear();
    addCc.clear();
    filling = false;
    discardButton.hidden = true;
    loadReplyDraft();
  }

  // A thread marked unread shows every message as read (the sender's "Read" never moves), so the
  // first sighting of the thread is reported even when no message is unread: it clears the mark.
  let seen = false;

  function markRead() {
    if (readOnlyBanner.dataset.state === 'left') return;
    const unread = state.messages().some((m) => (m.recipients || []).some((r) => r.id === app.me.id && !r.readAt));
    if ((!unread && seen) || document.visibilityState !== 'visible') return;
    seen = true;
    post(`/api/threads/${threadId}/read`, {})
      .then(() => {
        app.refreshUnread();
        // Keep the "new" marks in view for a moment, then let them go.
        setTimeout(() => list.querySelectorAll('.message.unread').forEach((el) => el.classList.remove('unread')), 4000);
      })
      .catch(() => {});
  }

  function onVisible() {
    if (document.visibilityState === 'visible' && !destroyed) markRead();
  }
  document.addEventListener('visibilitychange', onVisible);

  function applyRead(data) {
    const read = state.read(data);
    if (!read) return;
    const { message: m, recipient: r } = read;
    const chip = list.querySelector(`[data-receipt="${CSS.escape(`${m.id}:${r.id}`)}"]`);
    const next = receiptChip(m, r);
    if (chip && next) chip.replaceWith(next);
  }

  async function sendReply() {
    if (sending) return;
    replyError.show('');
    setReplyError('');
    if (files.busy()) {
      replyError.show('Wait until the files have finished uploading, then send.');
      return;
    }
    if (editor.isEmpty()) {
      setReplyError('Write a reply before sending.');
      editor.focus();
      return;
    }
    sending = true;
    sendButton.disabled = true;
    try {
      // The draft is stored first, so that the reply can name it and the server removes it.
      await keeper?.flush().catch(() => {});
      const body = { bodyHtml: editor.html(), readReceipt: receipt.input.checked };
      if (staffViewer && addTo.value().length) body.to = addTo.value();
      if (staffViewer && addCc.value().length) body.cc = addCc.value();
      if (files.ids().length) body.attachmentIds = files.ids();
      if (keeper?.id()) body.draftId = keeper.id();
      const answer = await sendMessage(`/api/threads/${threadId}/messages`, body);
      keeper?.sent();
      keeper = null;
      discardButton.hidden = true;
      filling = true;
      editor.clear();
      files.clear();
      receipt.input.checked = false;
      addTo.clear();
      addCc.clear();
      addFields.hidden = true;
      addToggle.setAttribute('aria-expanded', 'false');
      filling = false;
      loadReplyDraft();
      app.toast('Reply sent', 'success');
      // The reply arrives as message.created like any other; should the push be slow or the
      // socket down, the events since the feed's cursor bring it.
      if (!state.has(answer?.message?.id)) app.catchUp?.();
    } catch (e) {
      if (e.code === 'recipient_not_allowed') {
        const who = [...addTo.items(), ...addCc.items()].find((i) => e.message.includes(i.id));
        replyError.show(who ? `You cannot message ${who.name}. Remove them and try again.` : e.message);
      } else if (e.field === 'bodyHtml' || /body|message is empty/i.test(e.message)) {
        setReplyError(e.message);
      } else {
        replyError.show(e.message);
      }
    } finally {
      sending = false;
      sendButton.disabled = files.busy();
    }
  }

  function setReplyError(message) {
    const el = document.getElementById(`reply-error-${threadId}`);
    if (!el) return;
    el.textContent = message;
    el.hidden = !message;
  }

  async function leave() {
    const sure = await app.confirm({
      title: 'Leave this conversation?',
      message: 'It leaves your inbox, and replies in it no longer reach you — unless someone writes to you in it again.',
      confirmLabel: 'Leave conversation',
      danger: true,
    });
    if (!sure || destroyed) return;
    leaveButton.disabled = true;
    try {
      await post(`/api/threads/${threadId}/leave`, {});
      app.inboxOrder = app.inboxOrder.filter((id) => id !== threadId);
      app.toast('You left the conversation', 'success');
      app.navigate(back);
    } catch (e) {
      error.show(e.message);
    } finally {
      leaveButton.disabled = false;
    }
  }

  async function step(delta) {
    if (!app.inboxOrder.length) {
      try {
        const r = await get('/api/inbox?limit=50');
        app.inboxOrder = (r.threads || []).map((t) => t.id);
      } catch {
        return;
      }
    }
    const at = app.inboxOrder.indexOf(threadId);
    const next = app.inboxOrder[at === -1 ? 0 : at + delta];
    if (next) app.navigate(`#/thread/${next}`);
    else app.toast(delta > 0 ? 'This is the last conversation' : 'This is the first conversation');
  }

  load();

  return {
    destroy() {
      destroyed = true;
      document.removeEventListener('visibilitychange', onVisible);
      files.clear();
      // Leaving with a reply typed keeps it as a draft: the save outlives the screen.
      keeper?.close();
    },
    flush: () => keeper?.flush(),
    reload: load,
    onEvent(event) {
      const d = event.data || {};
      if (event.type === 'message.read' && d.threadId === threadId) {
        applyRead(d);
      } else if (event.type === 'message.created' && (d.threadId ?? d.thread?.id) === threadId && d.createdAt) {
        // Without createdAt it is the bare reference to a message this viewer may no longer see.
        append(d);
        // A new message brings an archived thread back (the server decides; ask it).
        if (readOnly) load();
      } else if ((event.type === 'thread.archived' || event.type === 'thread.unarchived') && d.threadId === threadId) {
        load();
      }
    },
    actions: {
      reply: () => {
        if (replyForm.hidden) return;
        replyForm.scrollIntoView({ block: 'nearest' });
        editor.focus();
      },
      send: () => {
        if (replyForm.contains(document.activeElement)) sendReply();
      },
      next: () => step(1),
      prev: () => step(-1),
      close: () => {
        if (replyForm.contains(document.activeElement)) document.activeElement.blur();
        else app.navigate(back);
      },
      archive: () => (readOnly ? null : archive()),
      markUnread: () => (readOnlyBanner.dataset.state === 'left' ? null : markUnread()),
    },
  };
}
