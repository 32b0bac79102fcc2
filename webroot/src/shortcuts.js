// Keyboard shortcuts in Messaging, and their reference window (icon in the top bar, or Ctrl+/).
// Single-key shortcuts never fire while the user types in a field or the editor.

import { h } from './dom.js';
import { isTyping } from './dom.js';
import { dialog } from './ui.js';
import { createSequences } from './keys.js';
import { VIEWS, viewHash } from './views.js';

const SHORTCUTS = [
  ['Messages', [
    [['c'], 'New message'],
    [['r'], 'Reply in the open conversation'],
    [['Ctrl', 'Enter'], 'Send the message or reply'],
    [['Esc'], 'Close a window, the composer or the reply box'],
    [['e'], 'Archive the open or selected conversation'],
    [['Shift', 'U'], 'Mark the open or selected conversation as unread'],
  ]],
  ['Moving around', [
    [['j'], 'Next conversation'],
    [['k'], 'Previous conversation'],
    [['o'], 'Open the selected conversation', ['Enter']],
    [['u'], 'Back to the list'],
    [['g', 'i'], 'Go to Inbox'],
    [['g', 's'], 'Go to Sent'],
    [['g', 'd'], 'Go to Drafts'],
    [['g', 'a'], 'Go to Archived'],
    [['/'], 'Search the list'],
  ]],
  ['Help', [
    [['Ctrl', '/'], 'Show this reference', ['?']],
  ]],
];

function keys(list) {
  const out = [];
  list.forEach((k, i) => {
    if (i > 0) out.push(h('span', { class: 'kbd-join', 'aria-hidden': 'true' }, list[0] === 'Ctrl' || list[0] === 'Shift' ? '+' : 'then'));
    out.push(h('kbd', {}, k));
  });
  return out;
}

let helpOpen = false;

export function openShortcutHelp() {
  if (helpOpen) return;
  helpOpen = true;
  const sections = SHORTCUTS.map(([title, rows]) => h('section', { class: 'shortcut-group' },
    h('h3', {}, title),
    h('dl', { class: 'shortcut-list' }, rows.map(([main, text, alt]) => [
      h('dt', {}, keys(main), alt ? [h('span', { class: 'kbd-or' }, 'or'), keys(alt)] : null),
      h('dd', {}, text),
    ]))));
  dialog({
    title: 'Keyboard shortcuts',
    className: 'shortcut-dialog',
    body: h('div', { id: 'shortcut-help' },
      h('p', { class: 'muted' }, 'Shortcuts work anywhere in Messaging except while you are typing in a field.'),
      h('div', { class: 'shortcut-groups' }, sections)),
    actions: [{ label: 'Close', value: null, autofocus: true }],
  }).then(() => {
    helpOpen = false;
  });
}

export function installShortcuts(app) {
  const goTo = Object.fromEntries(VIEWS.filter((v) => v.key).map((v) => [`g ${v.key}`, `view:${v.id}`]));
  const sequences = createSequences({ ...goTo, e: 'archive', 'Shift+U': 'markUnread' });

  document.addEventListener('keydown', (e) => {
    if (!app.me || e.defaultPrevented && e.key !== 'Enter') return;
    const screen = app.screen;
    const actions = screen?.actions || {};
    const ctrl = e.ctrlKey || e.metaKey;

    if (ctrl && (e.key === '/' || e.code === 'Slash')) {
      e.preventDefault();
      openShortcutHelp();
      return;
    }
    // A modal window handles its own keys (Esc closes it natively).
    if (document.querySelector('dialog[open]')) return;

    if (ctrl && e.key === 'Enter') {
      if (actions.send) {
        e.preventDefault();
        actions.send();
      }
      return;
    }
    if (e.key === 'Escape') {
      if (actions.close) {
        e.preventDefault();
        actions.close();
      }
      return;
    }
    if (ctrl || e.altKey || isTyping(e.target)) {
      sequences.reset();
      return;
    }
    if (e.key === 'Shift') return;

    const action = sequences.press(e);
    if (action === 'pending' || action === 'cancelled') {
      e.preventDefault();
      return;
    }
    if (action?.startsWith('view:')) {
      e.preventDefault();
      app.navigate(viewHash(action.slice(5)));
      return;
    }
    if (action === 'archive' || action === 'markUnread') {
      if (actions[action]) {
        e.preventDefault();
        actions[action]();
      }
      return;
    }

    switch (e.key) {
      case 'c':
        e.preventDefault();
        app.navigate('#/compose');
        break;
      case 'r':
        if (actions.reply) {
          e.preventDefault();
          actions.reply();
        }
        break;
      case 'j':
        if (actions.next) {
          e.preventDefault();
          actions.next();
        }
        break;
      case 'k':
        if (actions.prev) {
          e.preventDefault();
          actions.prev();
        }
        break;
      case 'o':
        if (actions.open) {
          e.preventDefault();
          actions.open();
        }
        break;
      case 'Enter':
        // Enter on a link or button already does what it says; elsewhere it opens the selection.
        if (actions.open && !e.target.closest?.('a, button, summary, [role=button]')) {
          e.preventDefault();
          actions.open();
        }
        break;
      case 'u':
        e.preventDefault();
        app.navigate(app.backHash?.() || '#/inbox');
        break;
      case '/':
        e.preventDefault();
        if (actions.search) actions.search();
        else {
          app.navigate(app.backHash?.() || '#/inbox');
          setTimeout(() => app.screen?.actions?.search?.(), 0);
        }
        break;
      case '?':
        e.preventDefault();
        openShortcutHelp();
        break;
      default:
        break;
    }
  });
}
