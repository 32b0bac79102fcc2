// The account screen (everyone): profile, password, two-factor sign-in, signing out everywhere.

import { get, put, post, request } from './api.js';
import { h, clear } from './dom.js';
import { field, toggle, banner, spinner } from './ui.js';
import { enrolTotp } from './totp.js';

export function mountAccount(main, app) {
  app.setTitle('Account');
  const body = h('div', { class: 'settings-form', id: 'account' }, spinner('Loading your account…'));
  main.append(
    h('div', { class: 'page-head' }, h('div', { class: 'page-title' }, h('h1', {}, 'Account'),
      h('p', { class: 'page-sub muted' }, `${app.me.email} · ${app.me.company?.name || ''}`))),
    body);
  let destroyed = false;
  get('/api/me/profile').then((profile) => {
    if (destroyed) return;
    clear(body).append(profileSection(profile, app), passwordSection(app), totpSection(profile, app), devicesSection(app));
    main.dataset.loaded = 'true';
  }).catch((e) => {
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

function section(id, title, intro, ...content) {
  return h('section', { class: 'panel settings-section', 'aria-labelledby': `${id}-title`, id },
    h('div', { class: 'section-head' }, h('h2', { id: `${id}-title` }, title)),
    intro ? h('p', { class: 'muted section-intro' }, intro) : null,
    ...content);
}

function zones() {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
}

function profileSection(profile, app) {
  const name = h('input', { type: 'text', name: 'name', autocomplete: 'name', maxlength: 200, value: profile.name || '' });
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zone = h('select', { name: 'timeZone' },
    h('option', { value: '' }, `Automatic (${browserZone})`),
    ...zones().map((z) => h('option', { value: z, selected: z === profile.timeZone }, z.replace(/_/g, ' '))));
  zone.value = profile.timeZone || '';
  const email = toggle({
    label: 'Email me when a new message arrives',
    description: 'The email names the sender and links back to Parley; it never carries the message.',
    name: 'emailNotifications',
    checked: profile.emailNotifications !== false,
  });
  const error = banner('error');
  const save = h('button', { type: 'submit', class: 'button primary' }, 'Save profile');
  const nameField = field({ label: 'Name', control: name, name: 'name' });
  const form = h('form', { class: 'account-form', novalidate: true, id: 'profile-form' },
    error, nameField, field({ label: 'Time zone', control: zone, name: 'timeZone' }), email,
    h('div', { class: 'form-actions end' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.show('');
    nameField.setError('');
    if (!name.value.trim()) {
      nameField.setError('Enter your name.');
      name.focus();
      return;
    }
    save.disabled = true;
    try {
      const r = await put('/api/me/profile', { name: name.value.trim(), timeZone: zone.value || null, emailNotifications: email.input.checked });
      app.me.name = r.name;
      document.querySelector('.user-name')?.replaceChildren(r.name);
      app.toast('Profile saved', 'success');
    } catch (err) {
      error.show(err.message);
    } finally {
      save.disabled = false;
    }
  });
  return section('profile', 'Profile', null, form);
}

function passwordSection(app) {
  const current = h('input', { type: 'password', name: 'current', autocomplete: 'current-password' });
  const next = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', minlength: 10 });
  const again = h('input', { type: 'password', name: 'again', autocomplete: 'new-password' });
  const error = banner('error');
  const save = h('button', { type: 'submit', class: 'button primary' }, 'Change password');
  const form = h('form', { class: 'account-form', novalidate: true, id: 'password-form' },
    error,
    field({ label: 'Current password', control: current, name: 'current' }),
    field({ label: 'New password', control: next, name: 'password', hint: 'At least 10 characters.' }),
    field({ label: 'Repeat the new password', control: again, name: 'again' }),
    h('div', { class: 'form-actions end' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.show('');
    if (!current.value || next.value.length < 10) {
      error.show(current.value ? 'Choose a new password of at least 10 characters.' : 'Enter your current password.');
      (current.value ? next : current).focus();
      return;
    }
    if (next.value !== again.value) {
      error.show('The two new passwords are not the same.');
      again.focus();
      return;
    }
    save.disabled = true;
    try {
      await put('/api/me/password', { current: current.value, password: next.value });
      form.reset();
      app.toast('Password changed. You were signed out on your other devices.', 'success');
    } catch (err) {
      error.show(err.message);
    } finally {
      save.disabled = false;
    }
  });
  return section('password', 'Password', 'Changing it signs you out on your other devices.', form);
}

function totpSection(profile, app) {
  const content = h('div', { class: 'totp-area' });
  const render = (enabled) => {
    if (enabled) {
      content.replaceChildren(h('p', { class: 'totp-state on' }, 'Two-factor sign-in is on.'),
        profile.totpRequired ? h('p', { class: 'muted' }, 'Your company requires it for staff, so it stays on.') : disableForm(() => render(false), app));
    } else {
      enrolTotp(content, { onEnrolled: () => render(true) });
      content.prepend(h('p', { class: 'totp-state' }, 'Two-factor sign-in is off.'));
    }
  };
  render(profile.totpEnabled);
  return section('totp', 'Two-factor sign-in', 'After your password, Parley asks for a code from an app on your phone.', content);
}

function disableForm(onDisabled, app) {
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password' });
  const code = h('input', { type: 'text', name: 'code', autocomplete: 'one-time-code', spellcheck: 'false' });
  const error = banner('error');
  const off = h('button', { type: 'submit', class: 'button danger' }, 'Turn off');
  const form = h('form', { class: 'account-form', novalidate: true, id: 'totp-disable' },
    error,
    field({ label: 'Password', control: password, name: 'password' }),
    field({ label: 'Code from the app (or a recovery code)', control: code, name: 'code' }),
    h('div', { class: 'form-actions end' }, off));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.show('');
    off.disabled = true;
    try {
      await request('DELETE', '/api/me/totp', { password: password.value, code: code.value.trim() });
      app.toast('Two-factor sign-in is off', 'info');
      onDisabled();
    } catch (err) {
      error.show(err.message);
      off.disabled = false;
    }
  });
  return form;
}

function devicesSection(app) {
  const button = h('button', { type: 'button', class: 'button danger-ghost', id: 'logout-all' }, 'Sign out of all devices');
  button.addEventListener('click', async () => {
    const ok = await app.confirm({
      title: 'Sign out everywhere?',
      message: 'Every browser and device signed in to your account is signed out, this one too.',
      confirmLabel: 'Sign out everywhere',
      danger: true,
    });
    if (!ok) return;
    try {
      await post('/api/me/logout-all');
    } catch {
      // signed out here either way
    }
    app.signedOut('You were signed out of all devices.');
  });
  return section('devices', 'Devices', 'Lost a phone, or signed in on a shared computer? End every session of yours at once.', h('div', {}, button));
}
