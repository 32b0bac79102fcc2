// Canned Responses: saved titles and bodies (personal or shared with the company) that the
// composer can insert.

import { get, post, put, del } from './api.js';
import { h, clear, icon } from './dom.js';
import { field, toggle, banner, spinner, emptyState } from './ui.js';
import { createEditor } from './editor.js';

/** Mine and shared, in one list. */
export async function loadCanned() {
  const r = await get('/api/canned-responses');
  const items = Array.isArray(r) ? r : (r?.cannedResponses || r?.responses || r?.items || []);
  return [...items].sort((a, b) => a.title.localeCompare(b.title));
}

function textOf(html) {
  const doc = new DOMParser().parseFromString(html || '', 'text/html');
  return (doc.body.textContent || '').replace(/\s+/g, ' ').trim();
}

export function mountCanned(main, app) {
  app.setTitle('Canned Responses');
  let items = [];
  let editing = null;
  let destroyed = false;

  const error = banner('error');
  const list = h('ul', { class: 'canned-list', id: 'canned-list', 'aria-label': 'Canned responses' });
  const formHost = h('div', {});

  main.append(
    h('div', { class: 'page-head' },
      h('div', { class: 'page-title' }, h('h1', {}, 'Canned Responses'),
        h('p', { class: 'page-sub muted' }, 'Reusable replies you can insert while writing a message.')),
      h('button', { type: 'button', class: 'button primary', id: 'new-canned', onclick: () => openForm(null) }, icon('plus', 16), 'New Canned Response')),
    error,
    formHost,
    h('section', { class: 'panel', 'aria-label': 'Saved responses' }, list));

  function canEdit(item) {
    return item.mine !== false || app.isAdmin();
  }

  function render() {
    clear(list);
    if (!items.length) {
      list.append(h('li', { class: 'list-empty' }, emptyState('canned', 'No canned responses yet',
        'Save the answers you give often, then insert them from New Message.')));
      return;
    }
    for (const item of items) {
      list.append(h('li', { class: 'canned-item', dataset: { id: item.id } },
        h('div', { class: 'canned-main' },
          h('div', { class: 'canned-title' }, h('strong', {}, item.title),
            item.shared ? h('span', { class: 'tag' }, 'Shared') : h('span', { class: 'tag tag-muted' }, 'Only me')),
          h('p', { class: 'canned-preview muted' }, textOf(item.bodyHtml))),
        canEdit(item) ? h('div', { class: 'canned-actions' },
          h('button', { type: 'button', class: 'button small', onclick: () => openForm(item), 'aria-label': `Edit ${item.title}` }, icon('edit', 14), 'Edit'),
          h('button', { type: 'button', class: 'button small danger-ghost', onclick: () => remove(item), 'aria-label': `Delete ${item.title}` }, icon('trash', 14), 'Delete')) : null));
    }
  }

  async function load() {
    list.replaceChildren(h('li', { class: 'list-empty' }, spinner()));
    try {
      items = await loadCanned();
      if (!destroyed) render();
    } catch (e) {
      if (!destroyed) {
        clear(list);
        error.show(e.message);
      }
    }
  }

  function openForm(item) {
    editing = item;
    clear(formHost);
    const title = h('input', { type: 'text', name: 'title', maxlength: '200', value: item?.title || '', autocomplete: 'off' });
    const editor = createEditor({ placeholder: 'The text to insert…', label: 'Response', labelId: 'canned-body-label', minHeight: 160 });
    if (item?.bodyHtml) editor.setHtml(item.bodyHtml);
    const shared = toggle({ label: 'Share with the staff of the company', name: 'shared', checked: Boolean(item?.shared) });
    shared.hidden = !app.isStaff();
    const titleField = field({ label: 'Title', control: title, name: 'title' });
    const bodyError = h('p', { class: 'field-error', hidden: true, id: 'canned-body-error' });
    editor.describedBy('canned-body-error');
    const formError = banner('error');
    const save = h('button', { type: 'submit', class: 'button primary' }, item ? 'Save changes' : 'Save response');
    const form = h('form', { class: 'panel canned-form', novalidate: true, 'aria-labelledby': 'canned-form-title' },
      h('h2', { id: 'canned-form-title' }, item ? 'Edit canned response' : 'New canned response'),
      formError,
      titleField,
      h('div', { class: 'field' }, h('span', { class: 'label', id: 'canned-body-label' }, 'Response'), editor.element, bodyError),
      h('div', { class: 'form-actions' }, shared,
        h('div', { class: 'actions-right' }, h('button', { type: 'button', class: 'button', onclick: closeForm }, 'Cancel'), save)));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      formError.show('');
      titleField.setError('');
      bodyError.hidden = true;
      if (!title.value.trim()) {
        titleField.setError('Enter a title.');
        title.focus();
        return;
      }
      if (editor.isEmpty()) {
        bodyError.textContent = 'Write the response.';
        bodyError.hidden = false;
        editor.focus();
        return;
      }
      const body = { title: title.value.trim(), bodyHtml: editor.html(), shared: shared.input.checked };
      save.disabled = true;
      try {
        if (editing) await put(`/api/canned-responses/${editing.id}`, body);
        else await post('/api/canned-responses', body);
        app.toast(editing ? 'Canned response saved' : 'Canned response added', 'success');
        closeForm();
        load();
      } catch (err) {
        if (err.field === 'title' || /title/i.test(err.message)) titleField.setError(err.message);
        else if (err.field === 'bodyHtml') {
          bodyError.textContent = err.message;
          bodyError.hidden = false;
        } else formError.show(err.message);
      } finally {
        save.disabled = false;
      }
    });
    formHost.append(form);
    title.focus();
  }

  function closeForm() {
    editing = null;
    clear(formHost);
  }

  async function remove(item) {
    const ok = await app.confirm({ title: 'Delete canned response?', message: `“${item.title}” will no longer be available to insert.`, confirmLabel: 'Delete', danger: true });
    if (!ok) return;
    try {
      await del(`/api/canned-responses/${item.id}`);
      app.toast('Canned response deleted', 'success');
      load();
    } catch (e) {
      error.show(e.message);
    }
  }

  load();
  return {
    destroy() {
      destroyed = true;
    },
    reload: load,
    actions: {
      close: () => {
        if (formHost.firstChild) closeForm();
      },
    },
  };
}
