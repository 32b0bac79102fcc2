// The WYSIWYG editor (Quill 2) with labelled toolbar buttons.

import Quill from 'quill';
import { h } from './dom.js';

const TOOLBAR = [
  [{ header: [false, 2, 3] }],
  ['bold', 'italic', 'underline', 'strike'],
  [{ list: 'ordered' }, { list: 'bullet' }],
  ['blockquote', 'link'],
  ['clean'],
];

const LABELS = {
  'ql-bold': 'Bold',
  'ql-italic': 'Italic',
  'ql-underline': 'Underline',
  'ql-strike': 'Strikethrough',
  'ql-blockquote': 'Quote',
  'ql-link': 'Insert link',
  'ql-clean': 'Clear formatting',
  'ql-list:ordered': 'Numbered list',
  'ql-list:bullet': 'Bulleted list',
};

/**
 * Creates an editor inside a wrapper element. `label` names the editing area for assistive
 * technology; `labelId` may point at a visible label instead.
 */
export function createEditor({ placeholder = '', label = 'Message', labelId, minHeight = 180 } = {}) {
  const host = h('div', { class: 'editor-host' });
  const wrap = h('div', { class: 'editor', style: `--editor-min-height:${minHeight}px` }, host);
  const quill = new Quill(host, {
    theme: 'snow',
    placeholder,
    formats: ['header', 'bold', 'italic', 'underline', 'strike', 'list', 'blockquote', 'link'],
    modules: {
      toolbar: TOOLBAR,
      keyboard: {
        bindings: {
          // Ctrl/Cmd+Enter sends; the app's shortcut handler does the sending.
          send: { key: 'Enter', shortKey: true, handler: () => false },
          // Let Tab leave the editor so keyboard users are never trapped.
          tab: { key: 'Tab', handler: () => true },
        },
      },
    },
  });
  const toolbar = wrap.querySelector('.ql-toolbar');
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', `${label} formatting`);
  for (const button of toolbar.querySelectorAll('button')) {
    const cls = [...button.classList].find((c) => c.startsWith('ql-'));
    const key = button.value ? `${cls}:${button.value}` : cls;
    if (LABELS[key]) {
      button.setAttribute('aria-label', LABELS[key]);
      button.title = LABELS[key];
    }
  }
  for (const picker of toolbar.querySelectorAll('.ql-picker-label')) {
    picker.setAttribute('aria-label', 'Text style');
  }
  const area = quill.root;
  area.setAttribute('role', 'textbox');
  area.setAttribute('aria-multiline', 'true');
  if (labelId) area.setAttribute('aria-labelledby', labelId);
  else area.setAttribute('aria-label', label);

  return {
    element: wrap,
    quill,
    area,
    focus() {
      quill.focus();
    },
    isEmpty() {
      return quill.getText().trim().length === 0;
    },
    html() {
      if (this.isEmpty()) return '';
      // Quill marks every space as &nbsp; in its semantic HTML; plain spaces are what we mean.
      return quill.getSemanticHTML().replace(/&nbsp;/g, ' ');
    },
    setHtml(html) {
      quill.setContents([], 'silent');
      if (html) quill.clipboard.dangerouslyPasteHTML(0, html, 'user');
    },
    /** Inserts HTML the server gave us (already sanitized there) at the cursor. */
    insertHtml(html) {
      const range = quill.getSelection(true);
      const at = range ? range.index : quill.getLength() - 1;
      quill.clipboard.dangerouslyPasteHTML(at, html, 'user');
      quill.focus();
    },
    clear() {
      quill.setContents([], 'silent');
    },
    onChange(fn) {
      quill.on('text-change', fn);
    },
    describedBy(id) {
      area.setAttribute('aria-describedby', id);
    },
  };
}
