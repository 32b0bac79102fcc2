// Shared pieces of UI: toasts, dialogs, form fields with their errors, switches.

import { h, icon, uniqueId } from './dom.js';

function toastRegion() {
  let region = document.getElementById('toasts');
  if (!region) {
    region = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(region);
  }
  return region;
}

/** A short message at the bottom of the screen. kind: 'info' | 'success' | 'error'. */
export function toast(message, kind = 'info') {
  const item = h('div', { class: `toast toast-${kind}` }, icon(kind === 'error' ? 'warning' : 'check', 16), h('span', {}, message));
  toastRegion().append(item);
  setTimeout(() => item.classList.add('leaving'), 3600);
  setTimeout(() => item.remove(), 4000);
}

/**
 * A modal dialog (native <dialog>: focus stays inside, Esc closes). Resolves with the value of the
 * button pressed, or null when dismissed.
 */
export function dialog({ title, body, actions, className = '', labelledBy, onOpen }) {
  return new Promise((resolve) => {
    const titleId = labelledBy || uniqueId('dlg');
    const el = h('dialog', { class: `dialog ${className}`, 'aria-labelledby': titleId });
    let result = null;
    const close = (value) => {
      result = value;
      el.close();
    };
    const buttons = (actions || [{ label: 'Close', value: null }]).map((a) =>
      h('button', {
        type: 'button',
        class: `button ${a.kind || ''}`,
        dataset: { action: String(a.value) },
        'data-autofocus': a.autofocus ? '' : null,
        onclick: () => close(a.value),
      }, a.label));
    el.append(
      h('div', { class: 'dialog-head' },
        h('h2', { id: titleId }, title),
        h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => close(null) }, icon('close'))),
      h('div', { class: 'dialog-body' }, body),
      h('div', { class: 'dialog-actions' }, buttons));
    el.addEventListener('close', () => {
      el.remove();
      resolve(result);
    });
    el.addEventListener('click', (e) => {
      if (e.target === el) close(null);
    });
    document.body.append(el);
    el.showModal();
    onOpen?.(el);
    const focus = el.querySelector('[data-autofocus]') || buttons[buttons.length - 1];
    focus?.focus();
  });
}

export function confirmDialog({ title, message, confirmLabel = 'Confirm', cancelLabel = 'Cancel', danger = false, body }) {
  return dialog({
    title,
    body: body || h('p', {}, message),
    className: danger ? 'dialog-danger' : '',
    actions: [
      { label: cancelLabel, value: false, autofocus: true },
      { label: confirmLabel, value: true, kind: danger ? 'danger' : 'primary' },
    ],
  }).then((v) => v === true);
}

/** A labelled field: label, control, optional hint, and a slot for the server's error. */
export function field({ label, control, element, hint, name, id }) {
  const controlId = id || control.id || uniqueId(name || 'field');
  control.id = controlId;
  const errorId = `${controlId}-error`;
  const hintId = hint ? `${controlId}-hint` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', describedBy);
  const error = h('p', { class: 'field-error', id: errorId, hidden: true, dataset: { errorFor: name || '' } });
  const wrap = h('div', { class: 'field', dataset: { field: name || '' } },
    h('label', { class: 'label', for: controlId, id: `${controlId}-label` }, label),
    element || control,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    error);
  wrap.setError = (message) => {
    error.textContent = message || '';
    error.hidden = !message;
    wrap.classList.toggle('invalid', Boolean(message));
    if (message) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  };
  return wrap;
}

/** A switch (a checkbox that looks like a toggle), labelled, with an optional description. */
export function toggle({ label, description, checked = false, name, onchange }) {
  const id = uniqueId(name || 'toggle');
  const input = h('input', { type: 'checkbox', role: 'switch', id, name, checked, class: 'switch-input', onchange });
  const descId = description ? `${id}-desc` : null;
  if (descId) input.setAttribute('aria-describedby', descId);
  const el = h('div', { class: 'switch-row', dataset: { toggle: name || '' } },
    h('div', { class: 'switch-text' },
      h('label', { for: id, class: 'switch-label' }, label),
      description ? h('p', { class: 'hint', id: descId }, description) : null),
    h('span', { class: 'switch' }, input, h('span', { class: 'switch-track', 'aria-hidden': 'true' }, h('span', { class: 'switch-thumb' }))));
  el.input = input;
  return el;
}

export function spinner(label = 'Loading…') {
  return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', {}, label));
}

export function emptyState(iconName, title, text, action) {
  return h('div', { class: 'empty' },
    h('span', { class: 'empty-icon', 'aria-hidden': 'true' }, icon(iconName, 28)),
    h('h2', {}, title), text ? h('p', { class: 'muted' }, text) : null, action || null);
}

/** An error banner at the top of a form, for errors that belong to no one field. */
export function banner(kind = 'error') {
  const el = h('div', { class: `banner banner-${kind}`, role: kind === 'error' ? 'alert' : 'status', hidden: true });
  el.show = (message) => {
    el.replaceChildren(icon(kind === 'error' ? 'warning' : 'check', 16), h('span', {}, message));
    el.hidden = !message;
  };
  return el;
}
