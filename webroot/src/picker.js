// A type-ahead multi-picker (ARIA combobox + listbox) that shows the chosen people or groups as chips.

import { h, clear, icon, avatar, roleLabel, uniqueId, debounce } from './dom.js';

/**
 * search(q) resolves to [{id, name, role?, detail?}]; only what it returns can be chosen.
 * onChange(items) is called when the selection changes.
 */
export function createPicker({ name, placeholder = 'Type a name', search, onChange = () => {}, avatars = true }) {
  const listId = uniqueId(`${name}-list`);
  const inputId = uniqueId(name);
  let selected = [];
  let options = [];
  let active = -1;
  let seq = 0;
  let quiet = false;

  const chips = h('ul', { class: 'chips', 'aria-label': 'Chosen' });
  const input = h('input', {
    id: inputId,
    type: 'text',
    class: 'picker-input',
    role: 'combobox',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    placeholder,
  });
  // aria-busy is true from a keystroke until the answer to the latest query is shown; data-query
  // names the query the shown options answer (answers to older queries are dropped, never shown).
  const list = h('ul', { class: 'picker-list', role: 'listbox', id: listId, hidden: true, 'aria-busy': 'false' });
  const box = h('div', { class: 'picker-box', onclick: () => input.focus() }, chips, input);
  const el = h('div', { class: 'picker', dataset: { picker: name } }, box, list);

  function renderChips() {
    clear(chips);
    for (const item of selected) {
      chips.append(h('li', { class: 'chip', dataset: { id: item.id } },
        avatars ? avatar(item, 'xs') : null,
        h('span', { class: 'chip-name' }, item.name),
        item.role ? h('span', { class: 'chip-role' }, roleLabel(item.role)) : null,
        h('button', {
          type: 'button', class: 'chip-remove', 'aria-label': `Remove ${item.name}`,
          onclick: (e) => {
            e.stopPropagation();
            remove(item.id);
            input.focus();
          },
        }, icon('close', 12))));
    }
    input.placeholder = selected.length ? '' : placeholder;
  }

  function renderList() {
    clear(list);
    if (options.length === 0) {
      list.append(h('li', { class: 'picker-empty', role: 'presentation' },
        input.value.trim() ? 'No one matches that name' : 'No one to choose'));
    }
    options.forEach((item, i) => {
      const optionId = `${listId}-${i}`;
      list.append(h('li', {
        id: optionId,
        role: 'option',
        class: 'picker-option',
        'aria-selected': String(i === active),
        dataset: { id: item.id },
        onmousedown: (e) => {
          e.preventDefault();
          choose(item);
        },
      }, avatars ? avatar(item, 'sm') : null,
      h('span', { class: 'option-text' }, h('span', { class: 'option-name' }, item.name),
        item.detail || item.role ? h('span', { class: 'option-detail' }, item.detail || roleLabel(item.role)) : null)));
    });
    if (active >= 0) {
      input.setAttribute('aria-activedescendant', `${listId}-${active}`);
      document.getElementById(`${listId}-${active}`)?.scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function open() {
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  function close() {
    list.hidden = true;
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  async function refresh() {
    const mine = ++seq;
    const q = input.value.trim();
    list.setAttribute('aria-busy', 'true');
    let found = [];
    try {
      found = await search(q);
    } catch {
      found = [];
    }
    if (mine !== seq) return;
    const chosen = new Set(selected.map((s) => s.id));
    options = found.filter((o) => !chosen.has(o.id));
    active = options.length ? 0 : -1;
    renderList();
    list.dataset.query = q;
    list.setAttribute('aria-busy', 'false');
    if (document.activeElement === input && !quiet) open();
  }
  const refreshSoon = debounce(refresh, 120);

  function choose(item) {
    if (!selected.some((s) => s.id === item.id)) {
      selected.push(item);
      renderChips();
      onChange([...selected]);
    }
    input.value = '';
    seq += 1;
    list.setAttribute('aria-busy', 'false');
    quiet = true;
    close();
  }

  function remove(id) {
    selected = selected.filter((s) => s.id !== id);
    renderChips();
    onChange([...selected]);
  }

  input.addEventListener('input', () => {
    quiet = false;
    list.setAttribute('aria-busy', 'true');
    refreshSoon();
  });
  input.addEventListener('focus', () => {
    el.classList.add('focused');
    quiet = false;
    refresh();
  });
  input.addEventListener('blur', () => {
    el.classList.remove('focused');
    close();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      quiet = false;
      if (list.hidden) open();
      if (options.length) active = (active + 1) % options.length;
      renderList();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (options.length) active = (active - 1 + options.length) % options.length;
      renderList();
    } else if (e.key === 'Enter') {
      if (!list.hidden && active >= 0 && options[active]) {
        e.preventDefault();
        choose(options[active]);
      }
    } else if (e.key === 'Escape') {
      if (!list.hidden) {
        e.preventDefault();
        e.stopPropagation();
        close();
      }
    } else if (e.key === 'Backspace' && input.value === '' && selected.length) {
      remove(selected[selected.length - 1].id);
    }
  });

  renderChips();
  return {
    element: el,
    input,
    value: () => selected.map((s) => s.id),
    items: () => [...selected],
    set(items) {
      selected = [...items];
      renderChips();
    },
    clear() {
      selected = [];
      renderChips();
    },
  };
}

/** A search function over a fixed list, for pickers whose options are already loaded. */
export function localSearch(items) {
  return async (q) => {
    const needle = q.toLowerCase();
    return items().filter((i) => !needle || i.name.toLowerCase().includes(needle)
      || (i.detail || '').toLowerCase().includes(needle));
  };
}
