// People (admins): the company's people with search, filters and pages; a person's page (edit,
// Coordinator and clients, deactivate, password-set link); adding one; adding many from a CSV file.

import { get, post, patch, query } from './api.js';
import { h, clear, icon, avatar, roleLabel, isStaff, debounce } from './dom.js';
import { field, banner, spinner, emptyState } from './ui.js';

const ROLES = ['admin', 'staff', 'client', 'prospect'];
const PAGE = 25;

/** #/admin/people, #/admin/people/new, #/admin/people/import, #/admin/people/<id> */
export function mountPeople(main, app, sub) {
  if (sub === 'new') {
    app.setTitle('Add a person');
    return loading(main, newPerson(main, app));
  }
  if (sub === 'import') {
    app.setTitle('Import people');
    return loading(main, importPeople(main, app));
  }
  if (sub) {
    app.setTitle('Person');
    return loading(main, personPage(main, app, sub));
  }
  app.setTitle('People');
  return loading(main, peopleList(main, app));
}

/** Marks the screen loaded when its first answers are shown; an error replaces it with a banner. */
function loading(main, promise) {
  let destroyed = false;
  promise.then(() => {
    if (!destroyed) main.dataset.loaded = 'true';
  }).catch((e) => {
    if (destroyed) return;
    const b = banner('error');
    main.append(b);
    b.show(e.message);
  });
  return { destroy() { destroyed = true; } };
}

/** Staff and admins, by name: the people who may be a Coordinator. */
export async function loadStaff() {
  const [staff, admins] = await Promise.all([get('/api/admin/users?role=staff&active=true'), get('/api/admin/users?role=admin&active=true')]);
  return [...(staff.users || []), ...(admins.users || [])].sort((a, b) => a.name.localeCompare(b.name));
}

function select(name, options, value) {
  return h('select', { name, id: `people-${name}` },
    options.map(([v, label]) => h('option', { value: v, selected: v === (value ?? '') }, label)));
}

function pageHead(title, sub, ...actions) {
  return h('div', { class: 'page-head' },
    h('div', { class: 'page-title' }, h('h1', {}, title), sub ? h('p', { class: 'page-sub muted' }, sub) : null),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

function personRow(u, staffById) {
  const coordinator = u.coordinatorId ? staffById.get(u.coordinatorId)?.name : null;
  return h('li', { class: 'person-row', dataset: { id: u.id } },
    h('a', { class: 'person-link', href: `#/admin/people/${u.id}` },
      avatar(u, 'sm'),
      h('span', { class: 'person-main' },
        h('span', { class: 'person-name' }, u.name),
        h('span', { class: 'person-email muted' }, u.email)),
      h('span', { class: 'person-tags' },
        h('span', { class: 'role-tag' }, roleLabel(u.role)),
        u.active === false ? h('span', { class: 'tag tag-danger' }, 'Deactivated') : null,
        coordinator ? h('span', { class: 'person-coordinator muted' }, `Coordinator: ${coordinator}`) : null)));
}

async function peopleList(main, app) {
  const staff = await loadStaff();
  const staffById = new Map(staff.map((s) => [s.id, s]));
  const searchInput = h('input', { type: 'search', id: 'people-search', class: 'search-input', placeholder: 'Search by name or email', autocomplete: 'off' });
  const role = select('role', [['', 'All roles'], ...ROLES.map((r) => [r, roleLabel(r)])]);
  const active = select('active', [['true', 'Active'], ['false', 'Deactivated'], ['', 'Active and deactivated']], 'true');
  const coordinator = select('coordinator', [['', 'Any Coordinator'], ...staff.map((s) => [s.id, s.name])]);
  const list = h('ul', { class: 'people-list', id: 'people-list', 'aria-label': 'People', 'aria-busy': 'true' });
  const more = h('button', { type: 'button', class: 'button small', id: 'people-more', hidden: true }, 'Show more');
  const count = h('p', { class: 'muted people-count', role: 'status', id: 'people-count' });
  const error = banner('error');
  let cursor = null;
  let asked = 0;

  main.append(
    pageHead('People', app.me.company?.name || '',
      h('a', { class: 'button', href: '#/admin/people/import', id: 'import-people' }, 'Import from CSV'),
      h('a', { class: 'button primary', href: '#/admin/people/new', id: 'add-person' }, icon('plus', 16), 'Add person')),
    h('div', { class: 'toolbar people-filters' },
      h('div', { class: 'search' },
        h('label', { for: 'people-search', class: 'visually-hidden' }, 'Search people'), icon('search', 16), searchInput),
      labelled('Role', role), labelled('Status', active), labelled('Coordinator', coordinator)),
    error, count,
    h('section', { class: 'panel list-panel', 'aria-label': 'People found' }, list, h('div', { class: 'list-more' }, more)));

  async function load(next = false) {
    const mine = ++asked;
    list.setAttribute('aria-busy', 'true');
    error.show('');
    const page = await get(`/api/admin/users${query({
      q: searchInput.value.trim(), role: role.value, active: active.value, coordinator: coordinator.value,
      limit: PAGE, cursor: next ? cursor : null,
    })}`);
    if (mine !== asked) return;
    if (!next) clear(list);
    (page.users || []).forEach((u) => list.append(personRow(u, staffById)));
    cursor = page.nextCursor || null;
    more.hidden = !cursor;
    if (!list.children.length) list.append(h('li', { class: 'list-empty' }, emptyState('search', 'No one matches', 'Change the search or the filters.')));
    const shown = list.querySelectorAll('.person-row').length;
    count.textContent = `${shown}${cursor ? '+' : ''} ${shown === 1 ? 'person' : 'people'}`;
    list.setAttribute('aria-busy', 'false');
  }
  const reload = () => load().catch((e) => error.show(e.message));
  searchInput.addEventListener('input', debounce(reload, 200));
  [role, active, coordinator].forEach((s) => s.addEventListener('change', reload));
  more.addEventListener('click', () => load(true).catch((e) => error.show(e.message)));
  await load();
}

function labelled(label, control) {
  return h('label', { class: 'filter' }, h('span', { class: 'filter-label' }, label), control);
}

/** The fields of a person; role decides whether the Coordinator field shows. */
function personFields(staff, person = {}, { withPassword = false, self = false } = {}) {
  const name = h('input', { type: 'text', name: 'name', maxlength: '200', autocomplete: 'off', value: person.name || '' });
  const email = h('input', { type: 'email', name: 'email', maxlength: '254', autocomplete: 'off', value: person.email || '' });
  const role = select('role', ROLES.map((r) => [r, roleLabel(r)]), person.role || 'client');
  role.disabled = self;
  const coordinator = select('coordinatorId', [['', 'No Coordinator'], ...staff.filter((s) => s.id !== person.id).map((s) => [s.id, s.name])],
    person.coordinatorId || '');
  const password = withPassword ? h('input', { type: 'password', name: 'password', autocomplete: 'new-password' }) : null;
  const fields = {
    name: field({ label: 'Name', control: name, name: 'name' }),
    email: field({ label: 'Email', control: email, name: 'email' }),
    role: field({ label: 'Role', control: role, name: 'role', hint: self ? 'You cannot change your own role.' : null }),
    coordinatorId: field({ label: 'Coordinator', control: coordinator, name: 'coordinatorId', hint: 'The staff member who looks after this client or prospect.' }),
    password: password ? field({ label: 'Password (optional)', control: password, name: 'password', hint: 'At least 10 characters. Leave empty and send a password-set link instead.' }) : null,
  };
  const syncRole = () => {
    fields.coordinatorId.hidden = isStaff({ role: role.value });
  };
  role.addEventListener('change', syncRole);
  syncRole();
  return {
    fields,
    element: h('div', { class: 'person-fields' }, Object.values(fields)),
    value() {
      const body = { name: name.value, email: email.value };
      if (!self) body.role = role.value;
      body.coordinatorId = isStaff({ role: role.value }) ? null : (coordinator.value || null);
      if (password && password.value) body.password = password.value;
      return body;
    },
    showError(e, bannerEl) {
      Object.values(fields).forEach((f) => f?.setError(''));
      const f = fields[e.field];
      if (f) {
        f.setError(e.message);
        f.querySelector('input, select')?.focus();
      } else {
        bannerEl.show(e.message);
      }
    },
  };
}

async function newPerson(main, app) {
  const staff = await loadStaff();
  const form = personFields(staff, {}, { withPassword: true });
  const error = banner('error');
  const save = h('button', { type: 'submit', class: 'button primary' }, 'Add person');
  const el = h('form', { class: 'panel settings-section', id: 'person-form', novalidate: true },
    error, form.element,
    h('div', { class: 'form-actions end' }, h('a', { class: 'button', href: '#/admin/people' }, 'Cancel'), save));
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.show('');
    save.disabled = true;
    try {
      const body = form.value();
      if (!body.coordinatorId) delete body.coordinatorId;
      const created = await post('/api/admin/users', body);
      app.toast(`${created.name} was added`, 'success');
      app.navigate(`#/admin/people/${created.id}`);
    } catch (err) {
      form.showError(err, error);
    } finally {
      save.disabled = false;
    }
  });
  main.append(pageHead('Add a person', 'They sign in once they have a password: set one here or send them a link.'), el);
  form.fields.name.querySelector('input').setAttribute('data-autofocus', '');
  form.fields.name.querySelector('input').focus();
}

async function personPage(main, app, id) {
  const [page, staff] = await Promise.all([get(`/api/admin/users/${id}`), loadStaff()]);
  let user = page.user;
  app.setTitle(user.name);
  const self = user.id === app.me.id;
  const form = personFields(staff, user, { self });
  const error = banner('error');
  const save = h('button', { type: 'submit', class: 'button primary', id: 'save-person' }, 'Save changes');
  const details = h('form', { class: 'panel settings-section', id: 'person-form', novalidate: true, 'aria-labelledby': 'details-title' },
    h('h2', { id: 'details-title' }, 'Details'), error, form.element, h('div', { class: 'form-actions end' }, save));

  const statusText = h('p', { id: 'person-status' });
  const statusButton = h('button', { type: 'button', class: 'button', id: 'toggle-active' });
  const linkButton = h('button', { type: 'button', class: 'button', id: 'send-password-link' }, icon('mail', 16), 'Send password-set link');
  const accessError = banner('error');
  const access = h('section', { class: 'panel settings-section', 'aria-labelledby': 'access-title' },
    h('h2', { id: 'access-title' }, 'Access'), accessError, statusText,
    h('div', { class: 'button-row' }, self ? null : statusButton, linkButton));

  function renderStatus() {
    statusText.replaceChildren(user.active === false
      ? h('span', {}, h('span', { class: 'tag tag-danger' }, 'Deactivated'), ' They cannot sign in. Their open sessions were ended.')
      : h('span', {}, h('span', { class: 'tag' }, 'Active'), ' They can sign in.'));
    statusButton.textContent = user.active === false ? 'Reactivate' : 'Deactivate';
    statusButton.className = `button ${user.active === false ? '' : 'danger-ghost'}`;
  }
  renderStatus();

  const relation = h('section', { class: 'panel settings-section', id: 'person-relations', 'aria-labelledby': 'relations-title' });
  function renderRelations() {
    clear(relation);
    if (isStaff(user)) {
      relation.append(h('h2', { id: 'relations-title' }, `Clients (${page.clients.length})`),
        page.clients.length
          ? h('ul', { class: 'relation-list', id: 'person-clients' }, page.clients.map((c) => h('li', {},
            h('a', { href: `#/admin/people/${c.id}` }, c.name), h('span', { class: 'muted' }, ` ${roleLabel(c.role)} · ${c.email}`))))
          : h('p', { class: 'muted' }, 'No clients or prospects have this person as their Coordinator.'));
    } else {
      const c = page.coordinator;
      relation.append(h('h2', { id: 'relations-title' }, 'Coordinator'),
        c ? h('p', { id: 'person-coordinator' }, h('a', { href: `#/admin/people/${c.id}` }, c.name), h('span', { class: 'muted' }, ` ${c.email}`))
          : h('p', { class: 'muted', id: 'person-coordinator' }, 'No Coordinator.'));
    }
  }
  renderRelations();

  details.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.show('');
    save.disabled = true;
    try {
      user = await patch(`/api/admin/users/${user.id}`, form.value());
      Object.assign(page, await get(`/api/admin/users/${user.id}`));
      user = page.user;
      renderRelations();
      main.querySelector('h1').textContent = user.name;
      app.setTitle(user.name);
      app.toast('Changes saved', 'success');
    } catch (err) {
      form.showError(err, error);
    } finally {
      save.disabled = false;
    }
  });
  statusButton.addEventListener('click', async () => {
    const deactivating = user.active !== false;
    if (deactivating && !(await app.confirm({
      title: `Deactivate ${user.name}?`,
      message: 'They are signed out everywhere at once and cannot sign in until you reactivate them. Their messages stay.',
      confirmLabel: 'Deactivate', danger: true,
    }))) {
      statusButton.focus();
      return;
    }
    accessError.show('');
    statusButton.disabled = true;
    try {
      user = await patch(`/api/admin/users/${user.id}`, { active: !deactivating });
      renderStatus();
      app.toast(deactivating ? `${user.name} is deactivated` : `${user.name} is active again`, 'success');
    } catch (err) {
      accessError.show(err.message);
    } finally {
      statusButton.disabled = false;
      statusButton.focus();
    }
  });
  linkButton.addEventListener('click', async () => {
    accessError.show('');
    linkButton.disabled = true;
    try {
      await post(`/api/admin/users/${user.id}/password-link`);
      app.toast(`A password-set link was emailed to ${user.email}`, 'success');
    } catch (err) {
      accessError.show(err.message);
    } finally {
      linkButton.disabled = false;
    }
  });

  main.append(
    h('div', { class: 'page-head' },
      h('a', { class: 'icon-button back', href: '#/admin/people', 'aria-label': 'Back to People', title: 'Back to People' }, icon('back')),
      h('div', { class: 'page-title' }, h('h1', {}, user.name),
        h('p', { class: 'page-sub muted' }, `${roleLabel(user.role)} · ${user.email}`))),
    h('div', { class: 'settings-form' }, details, relation, access));
}

async function importPeople(main, app) {
  const text = h('textarea', { name: 'csv', rows: '8', spellcheck: 'false', class: 'csv-input', placeholder: 'name,email,role,coordinator email\nNia New,nia@example.com,client,casey@example.com' });
  const file = h('input', { type: 'file', accept: '.csv,text/csv,text/plain', name: 'file' });
  const textField = field({ label: 'People, one a line: name, email, role (admin, staff, client or prospect) and optionally their Coordinator\'s email', control: text, name: 'csv' });
  const fileField = field({ label: 'Or choose a CSV file', control: file, name: 'file' });
  const error = banner('error');
  const previewButton = h('button', { type: 'submit', class: 'button' }, 'Preview');
  const importButton = h('button', { type: 'button', class: 'button primary', id: 'import-all', disabled: true }, 'Import');
  const result = h('div', { id: 'import-preview', role: 'region', 'aria-label': 'Preview', 'aria-live': 'polite' });
  const form = h('form', { class: 'panel settings-section', id: 'import-form', novalidate: true },
    h('p', { class: 'muted section-intro' }, 'Nobody is added until every row is right: the preview shows what is wrong with each, and the import adds all of them or none.'),
    error, textField, fileField, h('div', { class: 'form-actions end' }, previewButton, importButton));

  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    text.value = await chosen.text();
    previewButton.focus();
  });
  text.addEventListener('input', () => {
    importButton.disabled = true;
  });

  function render(r) {
    const rows = r.rows || [];
    const wrong = rows.filter((row) => row.errors.length).length;
    result.replaceChildren(h('section', { class: 'panel settings-section' },
      h('h2', { id: 'import-summary', tabindex: '-1' }, wrong ? `${wrong} of ${rows.length} rows need fixing` : `${rows.length} ${rows.length === 1 ? 'person' : 'people'} ready to import`),
      h('table', { class: 'import-table' },
        h('thead', {}, h('tr', {}, ['Line', 'Name', 'Email', 'Role', 'Coordinator', 'Status'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows.map((row) => h('tr', { class: row.errors.length ? 'row-invalid' : 'row-valid' },
          h('td', { dataset: { label: 'Line' } }, String(row.line)), h('td', { dataset: { label: 'Name' } }, row.name),
          h('td', { dataset: { label: 'Email' } }, row.email), h('td', { dataset: { label: 'Role' } }, roleLabel(row.role) || '—'),
          h('td', { dataset: { label: 'Coordinator' } }, row.coordinatorEmail || '—'),
          h('td', { dataset: { label: 'Status' } }, row.errors.length
            ? h('ul', { class: 'row-errors' }, row.errors.map((m) => h('li', {}, m)))
            : h('span', { class: 'ok' }, icon('check', 14), 'Ready'))))))));
    importButton.disabled = wrong > 0 || rows.length === 0;
    importButton.textContent = wrong ? 'Import' : `Import ${rows.length} ${rows.length === 1 ? 'person' : 'people'}`;
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.show('');
    textField.setError('');
    previewButton.disabled = true;
    try {
      render(await post('/api/admin/users/import?dryRun=true', { csv: text.value }));
      // the preview is below the form: take the reader there
      document.getElementById('import-summary')?.focus();
    } catch (err) {
      result.replaceChildren();
      importButton.disabled = true;
      textField.setError(err.message);
    } finally {
      previewButton.disabled = false;
    }
  });
  importButton.addEventListener('click', async () => {
    error.show('');
    importButton.disabled = true;
    try {
      const r = await post('/api/admin/users/import', { csv: text.value });
      app.toast(`${r.imported} ${r.imported === 1 ? 'person was' : 'people were'} added`, 'success');
      app.navigate('#/admin/people');
    } catch (err) {
      if (err.data?.rows) render(err.data);
      error.show(err.message);
    }
  });

  main.append(
    h('div', { class: 'page-head' },
      h('a', { class: 'icon-button back', href: '#/admin/people', 'aria-label': 'Back to People', title: 'Back to People' }, icon('back')),
      h('div', { class: 'page-title' }, h('h1', {}, 'Import people'),
        h('p', { class: 'page-sub muted' }, 'Paste or upload a CSV file of up to 500 people.'))),
    h('div', { class: 'settings-form' }, form, result));
}
