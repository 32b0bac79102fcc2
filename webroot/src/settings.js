// Settings (admins): Messaging Settings (who contacts may message, read notifications) and
// Company Settings (Convenience Mode, behind the HIPAA warning; the notification delay; two-factor sign-in for
// staff; whether files are scanned; undelivered email).

import { get, put } from './api.js';
import { h, clear, icon, roleLabel, isStaff } from './dom.js';
import { field, toggle, banner, spinner, dialog } from './ui.js';
import { createPicker, localSearch } from './picker.js';
import { undeliveredSection } from './undelivered.js';
import { scanningSection } from './attachbox.js';
import { memberCount, chosenGroupMembers } from './admin-groups.js';

export const HIPAA_WARNING = 'By enabling this setting, HIPAA compliance cannot be guaranteed. If you are working with '
  + 'sensitive information that is required by law to be privacy compliant, you should NOT enable this setting.';

// seconds a notification email waits for its reader; the server takes any 0..3600
export const DELAY_CHOICES = [
  [0, 'Send at once'], [60, '1 minute'], [120, '2 minutes (default)'], [300, '5 minutes'],
  [900, '15 minutes'], [1800, '30 minutes'], [3600, '60 minutes'],
];

export function delayLabel(seconds) {
  const known = DELAY_CHOICES.find(([s]) => s === seconds);
  if (known) return known[1];
  if (seconds % 60 === 0) return `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}

export function mountSettings(main, app, tab = 'messaging') {
  app.setTitle(tab === 'company' ? 'Company Settings' : 'Messaging Settings');
  if (!app.isAdmin()) {
    main.append(h('div', { class: 'page-head' }, h('div', { class: 'page-title' }, h('h1', {}, 'Settings'))),
      h('div', { class: 'panel' }, h('p', {}, 'Only administrators can change settings. Ask an administrator of your company for help.')));
    return null;
  }
  const body = h('div', { class: 'settings-body' }, spinner('Loading settings…'));
  const tabLink = (id, label) => h('a', {
    class: 'tab', href: `#/settings/${id}`, role: 'tab', id: `tab-${id}`,
    'aria-selected': String(tab === id), 'aria-controls': 'settings-panel',
  }, label, h('span', { class: 'tab-suffix' }, ' Settings'));
  main.append(
    h('div', { class: 'page-head' },
      h('div', { class: 'page-title' }, h('h1', {}, 'Settings'),
        h('p', { class: 'page-sub muted' }, app.me.company?.name || ''))),
    h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Settings' }, tabLink('messaging', 'Messaging'), tabLink('company', 'Company')),
    h('div', { id: 'settings-panel', role: 'tabpanel', 'aria-labelledby': `tab-${tab}` }, body));

  let destroyed = false;
  (tab === 'company' ? companySettings(body, app) : messagingSettings(body, app))
    .then(() => {
      if (!destroyed) main.dataset.loaded = 'true';
    })
    .catch((e) => {
      if (destroyed) return;
      const b = banner('error');
      body.replaceChildren(b);
      b.show(e.message);
    });
  return {
    destroy() {
      destroyed = true;
    },
  };
}

async function messagingSettings(body, app) {
  const [settings, usersR, groupsR] = await Promise.all([
    get('/api/settings/messaging'), get('/api/admin/users'), get('/api/admin/groups')]);
  const users = (usersR.users || []).filter((u) => u.active !== false);
  const groups = groupsR.groups || [];
  const byId = new Map(users.map((u) => [u.id, u]));
  const groupById = new Map(groups.map((g) => [g.id, g]));
  const staff = users.filter(isStaff).map((u) => ({ id: u.id, name: u.name, role: u.role, detail: `${roleLabel(u.role)} · ${u.email}` }));
  const everyone = users.map((u) => ({ id: u.id, name: u.name, role: u.role, detail: `${roleLabel(u.role)} · ${u.email}` }));
  const groupItems = (kind) => groups.filter((g) => g.kind === kind)
    .map((g) => ({ id: g.id, name: g.name, detail: `${memberCount(g)}${(g.members || []).length ? `: ${g.members.map((m) => m.name).join(', ')}` : ''}` }));
  const circleMembers = chosenGroupMembers(groupById);
  const teamMembers = chosenGroupMembers(groupById);

  const designated = settings.designated || null;
  const restrict = toggle({
    label: 'Restrict messaging for Contacts to only their Coordinator',
    description: 'Clients and prospects can message only the staff member who coordinates them.',
    name: 'restrictContactsToCoordinator',
    checked: Boolean(settings.restrictContactsToCoordinator),
  });
  const designate = toggle({
    label: 'Designate Staff to whom Contacts can Message',
    description: 'Choose the individual staff, Circles and Teams that clients and prospects can write to. When the Coordinator restriction is also on, it takes precedence.',
    name: 'designate',
    checked: designated !== null,
  });
  const userPicker = createPicker({ name: 'designated-users', placeholder: 'Add staff members', search: localSearch(() => staff) });
  const circlePicker = createPicker({
    name: 'designated-circles', placeholder: 'Add Circles', search: localSearch(() => groupItems('circle')), avatars: false,
    onChange: (items) => circleMembers.render(items.map((i) => i.id)),
  });
  const teamPicker = createPicker({
    name: 'designated-teams', placeholder: 'Add Teams', search: localSearch(() => groupItems('team')), avatars: false,
    onChange: (items) => teamMembers.render(items.map((i) => i.id)),
  });
  const notifyPicker = createPicker({ name: 'notify-on-read', placeholder: 'Add people', search: localSearch(() => everyone) });
  const card = (id) => {
    const u = byId.get(id);
    return u ? { id, name: u.name, role: u.role } : { id, name: 'Unknown user' };
  };
  const groupCard = (id) => ({ id, name: groupById.get(id)?.name || 'Unknown group' });
  userPicker.set((designated?.userIds || []).map(card));
  circlePicker.set((designated?.circleIds || []).map(groupCard));
  teamPicker.set((designated?.teamIds || []).map(groupCard));
  circleMembers.render(circlePicker.value());
  teamMembers.render(teamPicker.value());
  notifyPicker.set((settings.notifyOnReadUserIds || []).map(card));

  const designatedBox = h('div', { class: 'nested', id: 'designated-box' },
    field({ label: 'Staff members', control: userPicker.input, element: userPicker.element, name: 'designated.userIds' }),
    field({ label: 'Circles', control: circlePicker.input, element: circlePicker.element, name: 'designated.circleIds' }),
    circleMembers.element,
    field({ label: 'Teams', control: teamPicker.input, element: teamPicker.element, name: 'designated.teamIds' }),
    teamMembers.element);
  designatedBox.hidden = !designate.input.checked;
  designate.input.addEventListener('change', () => {
    designatedBox.hidden = !designate.input.checked;
    if (designate.input.checked) userPicker.input.focus();
  });
  const notifyField = field({
    label: 'Be notified when your message is read by the recipient(s)',
    control: notifyPicker.input, element: notifyPicker.element, name: 'notifyOnReadUserIds',
    hint: 'The people chosen here get an email when each recipient opens any message they sent, as if they had turned on Read Receipt.',
  });

  const error = banner('error');
  const save = h('button', { type: 'submit', class: 'button primary' }, 'Save messaging settings');
  const form = h('form', { class: 'settings-form', id: 'messaging-settings', novalidate: true },
    error,
    h('section', { class: 'panel settings-section', 'aria-labelledby': 'who-title' },
      h('h2', { id: 'who-title' }, 'Who contacts can message'),
      h('p', { class: 'muted section-intro' }, 'Staff can always message anyone in the company. These settings narrow whom clients and prospects can write to.'),
      restrict, designate, designatedBox),
    h('section', { class: 'panel settings-section', 'aria-labelledby': 'notify-title' },
      h('h2', { id: 'notify-title' }, 'Read notifications'),
      notifyField),
    h('div', { class: 'form-actions end' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.show('');
    save.disabled = true;
    try {
      await put('/api/settings/messaging', {
        restrictContactsToCoordinator: restrict.input.checked,
        designated: designate.input.checked
          ? { userIds: userPicker.value(), circleIds: circlePicker.value(), teamIds: teamPicker.value() }
          : null,
        notifyOnReadUserIds: notifyPicker.value(),
      });
      app.toast('Messaging settings saved', 'success');
    } catch (err) {
      error.show(err.message);
    } finally {
      save.disabled = false;
    }
  });
  clear(body).append(form);
}

async function companySettings(body, app) {
  const settings = await get('/api/settings/company');
  let on = Boolean(settings.convenienceMode);
  const mode = toggle({
    label: 'Convenience Mode',
    description: 'Put the subject and content of messages into email notifications, and let recipients reply to the email. Replies are filed into the right conversation.',
    name: 'convenienceMode',
    checked: on,
  });
  const status = h('span', { class: 'mode-pill', id: 'mode-pill' });
  const warning = h('div', { class: 'banner banner-warning', id: 'hipaa-warning', role: 'note' });
  const error = banner('error');

  function renderState(serverWarning) {
    mode.input.checked = on;
    status.replaceChildren(icon(on ? 'mail' : 'lock', 14), on ? 'Convenience Mode is on' : 'Secure Mode is on');
    status.dataset.mode = on ? 'convenience' : 'secure';
    warning.hidden = !on;
    const text = (serverWarning || HIPAA_WARNING).replace(/^\s*WARNING:\s*/i, '');
    warning.replaceChildren(icon('warning', 18), h('div', {}, h('strong', {}, 'WARNING: '), h('span', {}, text)));
  }
  renderState(settings.warning || settings.hipaaWarning);

  mode.input.addEventListener('change', async () => {
    const wanted = mode.input.checked;
    mode.input.checked = on;
    error.show('');
    if (wanted && !(await confirmConvenience())) {
      mode.input.focus();
      return;
    }
    mode.input.disabled = true;
    try {
      const r = await put('/api/settings/company', { convenienceMode: wanted });
      on = Boolean(r?.convenienceMode ?? wanted);
      renderState(r?.warning || r?.hipaaWarning || r?.message);
      app.toast(on ? 'Convenience Mode is on' : 'Secure Mode is on: emails no longer carry message content', on ? 'info' : 'success');
    } catch (e) {
      error.show(e.message);
    } finally {
      mode.input.disabled = false;
      mode.input.focus();
    }
  });

  clear(body).append(h('div', { class: 'settings-form', id: 'company-settings' },
    error,
    h('section', { class: 'panel settings-section', 'aria-labelledby': 'general-title' },
      h('div', { class: 'section-head' }, h('h2', { id: 'general-title' }, 'General Settings'), status),
      h('p', { class: 'muted section-intro' }, 'In Secure Mode (the default) notification emails name the sender and link to Parley; they never carry the subject or the message.'),
      mode,
      warning,
      delaySetting(settings, app),
      totpSetting(settings, app)),
    scanningSection(Boolean(settings.attachmentsScanned)),
    undeliveredSection(app)));
}

/** Two-factor sign-in for staff: saved as soon as it changes. */
function totpSetting(settings, app) {
  const required = toggle({
    label: 'Require two-factor sign-in for staff',
    description: 'Staff and admins without it set it up right after their next sign-in, before they can do anything else.',
    name: 'requireTotpForStaff',
    checked: Boolean(settings.requireTotpForStaff),
  });
  const error = banner('error');
  required.input.addEventListener('change', async () => {
    const wanted = required.input.checked;
    error.show('');
    required.input.disabled = true;
    try {
      const r = await put('/api/settings/company', { requireTotpForStaff: wanted });
      required.input.checked = Boolean(r?.requireTotpForStaff);
      app.toast(required.input.checked ? 'Staff must now sign in with two factors' : 'Two-factor sign-in is now optional for staff', 'success');
    } catch (e) {
      required.input.checked = !wanted;
      error.show(e.message);
    } finally {
      required.input.disabled = false;
      required.input.focus();
    }
  });
  return h('div', { class: 'totp-setting' }, error, required);
}

/** The notification delay: a labelled select, saved as soon as it changes. */
function delaySetting(settings, app) {
  let saved = Number(settings.notificationDelaySeconds ?? 120);
  const select = h('select', { name: 'notificationDelaySeconds', id: 'notification-delay' });
  const options = () => {
    const choices = DELAY_CHOICES.some(([s]) => s === saved) ? DELAY_CHOICES
      : [...DELAY_CHOICES, [saved, delayLabel(saved)]].sort((a, b) => a[0] - b[0]);
    select.replaceChildren(...choices.map(([s, label]) => h('option', { value: String(s), selected: s === saved }, label)));
    select.value = String(saved);
  };
  options();
  const wrap = field({
    label: 'Notification delay',
    control: select,
    name: 'notificationDelaySeconds',
    hint: 'How long an email notification waits: people who read the message in Parley by then get no email, and messages that arrive meanwhile share one email.',
  });
  select.addEventListener('change', async () => {
    const wanted = Number(select.value);
    wrap.setError('');
    select.disabled = true;
    try {
      const r = await put('/api/settings/company', { notificationDelaySeconds: wanted });
      saved = Number(r?.notificationDelaySeconds ?? wanted);
      app.toast(saved === 0 ? 'Notification emails are sent at once' : `Notification emails wait ${delayLabel(saved).replace(' (default)', '')}`, 'success');
    } catch (e) {
      wrap.setError(e.message);
    } finally {
      options();
      select.disabled = false;
      select.focus();
    }
  });
  return h('div', { class: 'delay-setting' }, wrap);
}

async function confirmConvenience() {
  const ack = h('input', { type: 'checkbox', id: 'hipaa-ack' });
  const result = await dialog({
    title: 'Turn on Convenience Mode?',
    className: 'dialog-warning convenience-dialog',
    body: h('div', {},
      h('div', { class: 'banner banner-warning', role: 'alert' }, icon('warning', 18),
        h('div', {}, h('strong', {}, 'WARNING: '), HIPAA_WARNING)),
      h('p', {}, 'With Convenience Mode on, notification emails include the subject and content of every message, and recipients can reply straight from their email. Read receipts are recorded only when a message is opened in Parley.'),
      h('label', { class: 'check-row', for: 'hipaa-ack' }, ack, h('span', {}, 'I understand that HIPAA compliance cannot be guaranteed in Convenience Mode.'))),
    actions: [
      { label: 'Keep Secure Mode', value: false, autofocus: true },
      { label: 'Turn on Convenience Mode', value: true, kind: 'danger' },
    ],
    onOpen(el) {
      const confirm = el.querySelector('[data-action="true"]');
      confirm.disabled = true;
      ack.addEventListener('change', () => {
        confirm.disabled = !ack.checked;
      });
    },
  });
  return result === true;
}
