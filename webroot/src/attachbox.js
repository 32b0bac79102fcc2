// Files in the browser: the attach box of New Message and the reply box (a labelled file input and
// a drop zone; each file uploads at once with its progress, and can be removed or its upload
// stopped), the files of a message in a thread, and the inbox's paperclip.

import { h, icon, uniqueId } from './dom.js';
import { MAX_FILES, createUploadQueue, fileKind, filenameHeader, formatSize } from './attachments.js';

/**
 * An attach box. `onChange` is called whenever a file is added, progresses, finishes, fails or is
 * removed (the composer disables Send while `busy()`). `maxBytes`: the per-file limit, when known.
 */
export function createAttachBox({ name = 'files', onChange = () => {}, maxBytes = 0 } = {}) {
  const queue = createUploadQueue({ max: MAX_FILES, maxBytes });
  const uploads = new Map();
  const inputId = uniqueId(name);
  const input = h('input', { type: 'file', multiple: true, id: inputId, name, class: 'attach-input visually-hidden' });
  const limitText = maxBytes ? `Up to ${MAX_FILES} files, ${formatSize(maxBytes)} each` : `Up to ${MAX_FILES} files`;
  const hint = h('span', { class: 'hint attach-hint', id: `${inputId}-hint` }, `${limitText} · or drop them here`);
  input.setAttribute('aria-describedby', hint.id);
  const list = h('ul', { class: 'attach-list', 'aria-label': 'Attached files', hidden: true });
  const status = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', dataset: { attachStatus: '' } });
  const element = h('div', { class: 'attach', dataset: { attach: name } },
    h('div', { class: 'attach-bar' },
      input,
      h('label', { for: inputId, class: 'button small attach-button' }, icon('paperclip', 16), 'Attach files'),
      hint),
    list,
    status);

  input.addEventListener('change', () => {
    add([...input.files]);
    // The same file may be chosen again after it was removed.
    input.value = '';
  });

  function announce(text) {
    status.textContent = text;
  }

  function add(files) {
    // The queue answers one entry per file, in order.
    queue.add(files).forEach((entry, i) => {
      if (entry.status === 'uploading') upload(entry, files[i]);
      else announce(`${entry.name} was not attached. ${entry.error}`);
    });
    render();
  }

  function upload(entry, file) {
    const xhr = new XMLHttpRequest();
    uploads.set(entry.key, xhr);
    xhr.open('POST', '/api/attachments');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-Parley-CSRF', '1');
    xhr.setRequestHeader('X-Parley-Filename', filenameHeader(entry.name));
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.upload.addEventListener('progress', (e) => {
      queue.progress(entry.key, e.loaded);
      showProgress(entry.key);
    });
    xhr.addEventListener('load', () => {
      uploads.delete(entry.key);
      const data = parse(xhr.responseText);
      if (xhr.status === 201 && data?.attachment?.id) {
        queue.done(entry.key, data.attachment);
        announce(`${entry.name} attached.`);
      } else {
        queue.failed(entry.key, xhr.status, data);
        announce(`${entry.name} was not attached. ${entry.error}`);
      }
      render();
    });
    xhr.addEventListener('error', () => {
      uploads.delete(entry.key);
      queue.failed(entry.key, 0, null);
      announce(`${entry.name} was not attached. ${entry.error}`);
      render();
    });
    xhr.send(file);
  }

  function remove(key) {
    const xhr = uploads.get(key);
    uploads.delete(key);
    xhr?.abort();
    const entry = queue.remove(key);
    if (entry) announce(`${entry.name} removed.`);
    render();
    input.focus();
  }

  function showProgress(key) {
    const bar = list.querySelector(`[data-key="${key}"] progress`);
    if (bar) bar.value = queue.percent(key);
  }

  function item(entry) {
    const { kind, label } = fileKind(entry.type, entry.name);
    const errorId = `${inputId}-${entry.key}-error`;
    const uploading = entry.status === 'uploading';
    return h('li', { class: 'attach-item', dataset: { key: entry.key, status: entry.status, name: entry.name } },
      h('span', { class: `file-icon kind-${kind}`, 'aria-hidden': 'true' }, label),
      h('div', { class: 'attach-main' },
        h('div', { class: 'attach-top' },
          h('span', { class: 'attach-name', title: entry.name }, entry.name),
          h('span', { class: 'attach-size' }, formatSize(entry.size))),
        uploading
          ? h('progress', { class: 'attach-progress', max: '100', value: String(queue.percent(entry.key)), 'aria-label': `Uploading ${entry.name}` })
          : null,
        entry.status === 'done' ? h('span', { class: 'attach-state' }, icon('check', 14), 'Attached') : null,
        entry.status === 'failed' ? h('p', { class: 'attach-error', id: errorId }, icon('warning', 14), entry.error) : null),
      h('button', {
        type: 'button', class: 'icon-button attach-remove',
        'aria-label': uploading ? `Stop uploading ${entry.name}` : `Remove ${entry.name}`,
        title: uploading ? 'Stop uploading' : 'Remove',
        'aria-describedby': entry.status === 'failed' ? errorId : null,
        onclick: () => remove(entry.key),
      }, icon('close', 16)));
  }

  function render() {
    const entries = queue.entries();
    list.replaceChildren(...entries.map(item));
    list.hidden = entries.length === 0;
    element.dataset.busy = String(queue.busy());
    onChange();
  }

  return {
    element,
    input,
    add,
    busy: () => queue.busy(),
    ids: () => queue.ids(),
    /** Forgets the files (once the message is sent); stops any upload still running. */
    clear() {
      for (const xhr of uploads.values()) xhr.abort();
      uploads.clear();
      queue.clear();
      render();
    },
    /** Lets files be dropped anywhere on `target` (the whole form), showing where while dragging. */
    dropZone(target) {
      const zone = h('div', { class: 'drop-zone', 'aria-hidden': 'true' }, icon('paperclip', 22), 'Drop files to attach them');
      target.classList.add('drop-target');
      target.append(zone);
      const carriesFiles = (e) => [...(e.dataTransfer?.types || [])].includes('Files');
      const hide = () => target.classList.remove('dropping');
      // Capture: the editor would otherwise take a dropped image into the text.
      target.addEventListener('dragenter', (e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        target.classList.add('dropping');
      }, true);
      target.addEventListener('dragover', (e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        target.classList.add('dropping');
      }, true);
      target.addEventListener('dragleave', (e) => {
        if (!e.relatedTarget || !target.contains(e.relatedTarget)) hide();
      }, true);
      target.addEventListener('drop', (e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        e.stopPropagation();
        hide();
        add([...e.dataTransfer.files]);
      }, true);
    },
  };
}

function parse(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** A message's files: a download link each, with a type icon, the name and the size. */
export function fileList(attachments) {
  if (!attachments?.length) return null;
  return h('ul', { class: 'files', 'aria-label': `${attachments.length} ${attachments.length === 1 ? 'file' : 'files'}` },
    attachments.map((a) => {
      const { kind, label } = fileKind(a.type, a.name);
      return h('li', { class: 'file', dataset: { attachmentId: a.id } },
        h('a', { class: 'file-link', href: `/api/attachments/${encodeURIComponent(a.id)}`, download: a.name || '' },
          h('span', { class: `file-icon kind-${kind}`, 'aria-hidden': 'true' }, label),
          h('span', { class: 'file-text' },
            h('span', { class: 'file-name' }, a.name),
            h('span', { class: 'file-size' }, formatSize(a.size))),
          icon('download', 16)));
    }));
}

/** The inbox row's mark for a conversation with files. */
export function paperclip() {
  return h('span', { class: 'paperclip', role: 'img', 'aria-label': 'has attachments', title: 'Has attachments' }, icon('paperclip', 14));
}

/** Company Settings' word on whether uploaded files are scanned for viruses. */
export function scanningSection(scanned) {
  const note = scanned
    ? h('p', { class: 'scan-note scan-on', id: 'scan-status' }, icon('check', 16),
      'Uploaded files are scanned for viruses before anyone can attach them.')
    : h('div', { class: 'banner banner-warning scan-note', id: 'scan-status', role: 'note' }, icon('warning', 18),
      h('div', {}, h('strong', {}, 'Files are not scanned for viruses: '),
        'set PARLEY_CLAMAV_HOST (and PARLEY_CLAMAV_PORT) to a ClamAV server, and every uploaded file is scanned before anyone can attach it.'));
  return h('section', { class: 'panel settings-section', 'aria-labelledby': 'files-title' },
    h('h2', { id: 'files-title' }, 'Files'),
    note);
}
