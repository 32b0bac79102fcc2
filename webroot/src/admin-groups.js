// Circles and Teams (admins): named groups of staff. Create, rename, delete, and choose members; and
// the list of a group's members that shows wherever groups are picked.

import { get, post, patch, del } from './api.js';
import { h, clear, icon, roleLabel, uniqueId } from './dom.js';
import { field, banner } from './ui.js';
import { createPicker, localSearch } from './picker.js';
import { loadStaff } from './admin-people.js';

const KINDS = [['circle', 'Circles', 'Circle'], ['team', 'Teams', 'Team']];

export function memberCount(group) {
  const n = (group.members || group.memberIds || []).length;
  return `${n} member${n === 1 ? '' : 's'}`;
}

/** A group's members by name, folded away behind its member count. */
export function memberList(group) {
  const members = group.members || [];
  return h('details', { class: 'members', dataset: { group: group.id } },
    h('summary', {}, memberCount(group)),
    members.length
      ? h('ul', { class: 'member-names' }, members.map((m) => h('li', {}, m.name, h('span', { class: 'muted' }, ` · ${roleLabel(m.role)}`))))
      : h('p', { class: 'muted' }, 'No members yet.'));
}

/**
 * Under a picker of groups: each chosen group with its members. Returns the element and a function
 * that redraws it from the picker's current choice.
 */
export function chosenGroupMembers(groupById) {
  const el = h('div', { class: 'chosen-groups' });
  return {
    element: el,
    render(ids) {
      el.replaceChildren(...ids.map((id) => groupById.get(id)).filter(Boolean).map((g) =>
        h('div', { class: 'chosen-group' }, h('strong', {}, g.name), memberList(g))));
    },
  };
}

export function mountGroups(main, app) {
  app.setTitle('Circles and Teams');
  let destroyed = false;
  let staff = [];
  let groups = [];
  const error = banner('error');
  const sections = h('div', { class: 'settings-form' });
  main.append(
    h('div', { class: 'page-head' },
      h('div', { class: 'page-title' }, h('h1', {}, 'Circles and Teams'),
        h('p', { class: 'page-sub muted' }, 'Named groups of staff. Messaging Settings can let clients and prospects write to a Circle or Team.'))),
    error, sections);

  function render(focusId) {
    clear(sections);
    for (const [kind, plural, single] of KINDS) {
      const mine = groups.filter((g) => g.kind === kind);
      const list = h('ul', { class: 'group-list', id: `${kind}-list`, 'aria-label': plural });
      const formHost = h('div', { class: 'form-host' });
      mine.forEach((g) => list.append(groupItem(g, single)));
      if (!mine.length) list.append(h('li', { class: 'list-empty muted' }, `No ${plural} yet.`));
      sections.append(h('section', { class: 'panel settings-section', 'aria-labelledby': `${kind}-title` },
        h('div', { class: 'section-head' }, h('h2', { id: `${kind}-title`, tabindex: '-1' }, plural),
          h('button', { type: 'button', class: 'button small', id: `new-${kind}`, onclick: () => openForm(formHost, { kind }, single) }, icon('plus', 14), `New ${single}`)),
        formHost, list));
    }
    if (focusId) document.getElementById(focusId)?.focus();
  }

  function groupItem(g, single) {
    const formHost = h('div', { class: 'form-host' });
    const item = h('li', { class: 'group-item', dataset: { id: g.id } },
      h('div', { class: 'group-main' }, h('strong', { class: 'group-name' }, g.name), memberList(g)),
      h('div', { class: 'canned-actions' },
        h('button', { type: 'button', class: 'button small', 'aria-label': `Edit ${g.name}`, onclick: () => openForm(formHost, g, single) }, icon('edit', 14), 'Edit'),
        h('button', { type: 'button', class: 'button small danger-ghost', 'aria-label': `Delete ${g.name}`, onclick: () => remove(g, single) }, icon('trash', 14), 'Delete')),
      formHost);
    return item;
  }

  function openForm(host, group, single) {
    clear(host);
    const isNew = !group.id;
    const name = h('input', { type: 'text', name: 'name', maxlength: '200', autocomplete: 'off', value: group.name || '' });
    const picker = createPicker({
      name: uniqueId('members'), placeholder: 'Add staff members',
      search: localSearch(() => staff.map((s) => ({ id: s.id, name: s.name, role: s.role, detail: `${roleLabel(s.role)} · ${s.email}` }))),
    });
    picker.set((group.members || []).map((m) => ({ id: m.id, name: m.name, role: m.role })));
    const nameField = field({ label: `${single} name`, control: name, name: 'name' });
    const membersField = field({ label: 'Members', control: picker.input, element: picker.element, name: 'memberIds' });
    const formError = banner('error');
    const save = h('button', { type: 'submit', class: 'button primary' }, isNew ? `Create ${single}` : 'Save');
    const cancel = h('button', { type: 'button', class: 'button', onclick: () => clear(host) }, 'Cancel');
    const form = h('form', { class: 'group-form', novalidate: true, 'aria-label': isNew ? `New ${single}` : `Edit ${group.name}` },
      formError, nameField, membersField, h('div', { class: 'form-actions end' }, cancel, save));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      formError.show('');
      nameField.setError('');
      membersField.setError('');
      save.disabled = true;
      try {
        const body = { name: name.value, memberIds: picker.value() };
        const saved = isNew ? await post('/api/admin/groups', { kind: group.kind, ...body }) : await patch(`/api/admin/groups/${group.id}`, body);
        app.toast(isNew ? `${single} "${saved.name}" created` : `${single} "${saved.name}" saved`, 'success');
        await load(`${group.kind}-title`);
      } catch (err) {
        if (err.field === 'name') nameField.setError(err.message);
        else if (err.field === 'memberIds') membersField.setError(err.message);
        else formError.show(err.message);
      } finally {
        save.disabled = false;
      }
    });
    host.append(form);
    name.focus();
  }

  async function remove(g, single) {
    if (!(await app.confirm({
      title: `Delete the ${single} "${g.name}"?`,
      message: 'Its members stay; contacts allowed to write to this group no longer can.',
      confirmLabel: `Delete ${single}`, danger: true,
    }))) return;
    try {
      await del(`/api/admin/groups/${g.id}`);
      app.toast(`${single} "${g.name}" deleted`, 'success');
      await load(`${g.kind}-title`);
    } catch (err) {
      error.show(err.message);
    }
  }

  async function load(focusId) {
    const [r, s] = await Promise.all([get('/api/admin/groups'), staff.length ? Promise.resolve(staff) : loadStaff()]);
    if (destroyed) return;
    groups = r.groups || [];
    staff = s;
    render(focusId);
    main.dataset.loaded = 'true';
  }
  load().catch((e) => error.show(e.message));
  return { destroy() { destroyed = true; } };
}
