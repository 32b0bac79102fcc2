// New Message: To and CC pickers (only people this user may message), Subject, the editor,
// Read Receipt, "Use Canned Response", and files (attachbox.js). What is typed is kept as a draft on
// the server (drafts.js); "#/compose/<draft id>" reopens one.

import { get, query, messageSender } from './api.js';
import { h, icon } from './dom.js';
import { field, toggle, banner } from './ui.js';
import { createEditor } from './editor.js';
import { createPicker } from './picker.js';
import { loadCanned } from './canned.js';
import { createAttachBox } from './attachbox.js';
import { createDraftKeeper, loadDrafts, rememberPeople, withPeople } from './drafts.js';

const SUBJECT_MAX = 200;

async function searchRecipients(q) {
  const r = await get(`/api/recipients${query({ q })}`);
  return r.recipients || [];
}

export function mountComposer(main, app, draftId) {
  app.setTitle('New Message');
  let sending = false;
  const sendMessage = messageSender();
  let dirty = false;
  let keeper = null;
  let filling = false;
  let destroyed = false;
  const markDirty = (picked) => {
    if (Array.isArray(picked)) rememberPeople(picked);
    if (filling) return;
    dirty = true;
    keeper?.changed();
  };

  const to = createPicker({ name: 'to', placeholder: 'Type a name to add recipients', search: searchRecipients, onChange: markDirty });
  const cc = createPicker({ name: 'cc', placeholder: 'Add people to copy', search: searchRecipients, onChange: markDirty });
  to.input.dataset.autofocus = '';
  const subject = h('input', { type: 'text', name: 'subject', maxlength: String(SUBJECT_MAX), autocomplete: 'off', oninput: () => markDirty() });
  const editor = createEditor({ placeholder: 'Write your message…', label: 'Message', labelId: 'compose-message-label', minHeight: 220 });
  editor.onChange(markDirty);
  const receipt = toggle({
    label: 'Read Receipt',
    description: 'Email me when each recipient opens this message in Parley.',
    name: 'readReceipt',
  });
  const canned = h('select', { name: 'canned', id: 'canned-select', disabled: true },
    h('option', { value: '' }, 'Loading…'));
  let cannedItems = [];

  const fields = {
    to: field({ label: 'To', control: to.input, element: to.element, name: 'to' }),
    cc: field({ label: 'CC', control: cc.input, element: cc.element, name: 'cc', hint: app.isStaff() ? 'Clients and prospects are always sent a blind copy: they never see each other.' : null }),
    subject: field({ label: 'Subject', control: subject, name: 'subject' }),
  };
  const messageError = h('p', { class: 'field-error', id: 'compose-message-error', hidden: true, dataset: { errorFor: 'bodyHtml' } });
  editor.describedBy('compose-message-error');
  const messageField = h('div', { class: 'field', dataset: { field: 'bodyHtml' } },
    h('div', { class: 'label-row' },
      h('span', { class: 'label', id: 'compose-message-label' }, 'Message'),
      h('div', { class: 'canned-picker' },
        h('label', { for: 'canned-select', class: 'label-inline' }, icon('canned', 14), 'Use Canned Response'),
        canned)),
    editor.element,
    messageError);
  fields.bodyHtml = messageField;
  messageField.setError = (msg) => {
    messageError.textContent = msg || '';
    messageError.hidden = !msg;
    messageField.classList.toggle('invalid', Boolean(msg));
  };

  const error = banner('error');
  const sendButton = h('button', { type: 'submit', class: 'button primary', id: 'send-message' }, icon('send', 16), 'Send');
  // Send waits for the files still uploading.
  const files = createAttachBox({
    name: 'files',
    onChange: () => {
      sendButton.disabled = sending || files.busy();
      if (files.ids().length || files.busy()) markDirty();
    },
  });
  const statusSlot = h('span', { class: 'draft-status-slot' });
  const form = h('form', { class: 'panel compose', id: 'compose-form', novalidate: true, 'aria-labelledby': 'compose-title' },
    error,
    fields.to, fields.cc, fields.subject,
    messageField,
    files.element,
    h('div', { class: 'form-actions' },
      receipt,
      h('div', { class: 'actions-right' },
        statusSlot,
        h('span', { class: 'hint kbd-hint' }, h('kbd', {}, 'Ctrl'), '+', h('kbd', {}, 'Enter'), ' to send'),
        h('button', { type: 'button', class: 'button', id: 'discard-message', onclick: () => discard() }, 'Discard'),
        sendButton)));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    send();
  });
  files.dropZone(form);

  main.append(
    h('div', { class: 'page-head' },
      h('a', { class: 'icon-button back', href: '#/inbox', 'aria-label': 'Back to inbox', title: 'Back to inbox' }, icon('back', 20)),
      h('div', { class: 'page-title' }, h('h1', { id: 'compose-title' }, 'New Message'),
        h('p', { class: 'page-sub muted' }, 'Recipients are told by email that a message is waiting; the message itself stays in Parley.'))),
    form);

  loadCanned().then((items) => {
    cannedItems = items;
    canned.replaceChildren(h('option', { value: '' }, items.length ? 'Choose a response…' : 'No canned responses yet'),
      ...items.map((c) => h('option', { value: c.id }, c.shared ? `${c.title} (shared)` : c.title)));
    canned.disabled = items.length === 0;
  }).catch(() => {
    canned.replaceChildren(h('option', { value: '' }, 'Unavailable'));
  });
  canned.addEventListener('change', () => {
    const chosen = cannedItems.find((c) => c.id === canned.value);
    if (!chosen) return;
    editor.insertHtml(chosen.bodyHtml || '');
    if (!subject.value.trim() && chosen.title) subject.value = chosen.title;
    canned.value = '';
    markDirty();
    app.toast(`Inserted “${chosen.title}”`, 'success');
  });

  function clearErrors() {
    error.show('');
    for (const f of Object.values(fields)) f.setError('');
  }

  function fieldFor(e) {
    if (e.code === 'recipient_not_allowed') {
      const named = (items) => items.find((i) => e.message.includes(i.id));
      const inCc = named(cc.items());
      const who = inCc || named(to.items());
      if (who) e.message = `You cannot message ${who.name}. Remove them and try again.`;
      return inCc ? 'cc' : 'to';
    }
    if (e.field && fields[e.field]) return e.field;
    const text = e.message || '';
    if (/\bcc\b/i.test(text)) return 'cc';
    if (/recipient|\bto\b|may not message|cannot message/i.test(text)) return 'to';
    if (/subject/i.test(text)) return 'subject';
    if (/body|message is|empty message|too long/i.test(text)) return 'bodyHtml';
    return null;
  }

  async function send() {
    if (sending) return;
    clearErrors();
    if (files.busy()) {
      error.show('Wait until the files have finished uploading, then send.');
      return;
    }
    const problems = [];
    if (to.value().length === 0) problems.push(['to', 'Choose at least one recipient.']);
    if (!subject.value.trim()) problems.push(['subject', 'Enter a subject.']);
    if (editor.isEmpty()) problems.push(['bodyHtml', 'Write a message.']);
    if (problems.length) {
      for (const [name, msg] of problems) fields[name].setError(msg);
      const first = problems[0][0];
      if (first === 'bodyHtml') editor.focus();
      else (first === 'to' ? to.input : subject).focus();
      return;
    }
    sending = true;
    sendButton.disabled = true;
    sendButton.lastChild.textContent = 'Sending…';
    try {
      // The draft is stored first, so that the send can name it and the server removes it.
      await keeper.flush().catch(() => {});
      const body = {
        to: to.value(),
        cc: cc.value(),
        subject: subject.value.trim(),
        bodyHtml: editor.html(),
        readReceipt: receipt.input.checked,
        ...(files.ids().length ? { attachmentIds: files.ids() } : {}),
      };
      if (keeper.id()) body.draftId = keeper.id();
      const r = await sendMessage('/api/threads', body);
      keeper.sent();
      dirty = false;
      app.toast('Message sent', 'success');
      app.navigate(`#/thread/${r.thread.id}`);
    } catch (e) {
      const name = fieldFor(e);
      if (name) fields[name].setError(e.message);
      else error.show(e.message);
    } finally {
      sending = false;
      sendButton.disabled = files.busy();
      sendButton.lastChild.textContent = 'Send';
    }
  }

  function content() {
    return {
      to: to.value(), cc: cc.value(), subject: subject.value, bodyHtml: editor.html(), attachmentIds: files.ids(),
    };
  }

  function isEmpty() {
    return !to.value().length && !cc.value().length && !subject.value.trim() && editor.isEmpty();
  }

  function keep(draft) {
    keeper = createDraftKeeper({
      content, isEmpty, draft,
      // A reload or the back button reopens this draft rather than an empty composer.
      onSaved: (saved) => history.replaceState(history.state, '', `#/compose/${saved.id}`),
    });
    statusSlot.replaceChildren(keeper.status);
  }

  /** Fills the form from a stored draft; recipients the server names without a name stay out. */
  function fill(draft) {
    filling = true;
    to.set(draft.to);
    cc.set(draft.cc);
    subject.value = draft.subject || '';
    editor.setHtml(draft.bodyHtml || '');
    filling = false;
  }

  if (draftId) {
    form.inert = true;
    loadDrafts().then(async (drafts) => {
      const stored = drafts.find((d) => d.id === draftId);
      const draft = stored && !stored.threadId ? await withPeople(stored) : stored;
      if (destroyed) return;
      if (draft?.threadId) {
        app.navigate(`#/thread/${draft.threadId}`);
        return;
      }
      if (draft) fill(draft);
      if (draft?.unnamed) error.show('Some recipients of this draft could not be shown here. Add them again before sending.');
      else if (!draft) error.show('This draft was sent or discarded meanwhile. What you write now is kept as a new draft.');
      keep(draft || null);
      form.inert = false;
      to.input.focus();
    }).catch((e) => {
      error.show(e.message);
      keep(null);
      form.inert = false;
    });
  } else {
    keep(null);
  }

  async function discard() {
    if (dirty && !(await app.confirm({ title: 'Discard this message?', message: 'What you have written will be lost.', confirmLabel: 'Discard', danger: true }))) {
      return;
    }
    dirty = false;
    try {
      await keeper?.discard();
    } catch (e) {
      error.show(e.message);
      return;
    }
    app.navigate(app.backHash?.() || '#/inbox');
  }

  return {
    destroy() {
      destroyed = true;
      files.clear();
      // Leaving with text typed keeps it as a draft: the save outlives the screen.
      keeper?.close();
    },
    flush: () => keeper?.flush(),
    actions: {
      send,
      close: discard,
    },
  };
}
