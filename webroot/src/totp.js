// Two-factor sign-in set-up: the QR code and secret, the confirming code, and the recovery codes
// shown once (copy or download). Used by the account screen and right after sign-in when a
// company requires it.

import { post } from './api.js';
import { h } from './dom.js';
import { field, banner } from './ui.js';

/** The enrolment flow inside {@code container}; {@code onEnrolled} runs once the codes were saved. */
export function enrolTotp(container, { onEnrolled, onCancel }) {
  const error = banner('error');
  const start = h('button', { type: 'button', class: 'button primary', id: 'totp-start' }, 'Set up two-factor sign-in');
  container.replaceChildren(h('div', { class: 'totp-flow' }, error,
    h('p', { class: 'muted' }, 'You will need an authenticator app on your phone, such as Google Authenticator, Microsoft Authenticator or 1Password.'),
    h('div', { class: 'form-actions' }, start, onCancel ? h('button', { type: 'button', class: 'button', onclick: onCancel }, 'Cancel') : null)));
  start.addEventListener('click', async () => {
    start.disabled = true;
    error.show('');
    try {
      const r = await post('/api/me/totp');
      showSecret(container, r, { onEnrolled, onCancel });
    } catch (e) {
      start.disabled = false;
      error.show(e.message);
    }
  });
  start.focus();
}

function showSecret(container, { secret, otpauthUri, qrCode }, { onEnrolled, onCancel }) {
  const code = h('input', {
    type: 'text', name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, required: true, spellcheck: 'false',
  });
  const error = banner('error');
  const confirm = h('button', { type: 'submit', class: 'button primary' }, 'Turn on');
  const grouped = secret.replace(/(.{4})/g, '$1 ').trim();
  const form = h('form', { class: 'totp-confirm', novalidate: true, id: 'totp-confirm' },
    error,
    h('ol', { class: 'totp-steps' },
      h('li', {}, 'Scan this QR code with your authenticator app.',
        h('img', { class: 'totp-qr', src: qrCode, width: 200, height: 200, alt: 'QR code to add Parley to your authenticator app' })),
      h('li', {}, 'Cannot scan it? Enter this key in the app instead (time-based):',
        h('code', { class: 'totp-secret', id: 'totp-secret', 'data-uri': otpauthUri }, grouped)),
      h('li', {}, 'Enter the 6-digit code the app now shows for Parley.')),
    field({ label: 'Code from the app', control: code, name: 'code' }),
    h('div', { class: 'form-actions' }, confirm, onCancel ? h('button', { type: 'button', class: 'button', onclick: onCancel }, 'Cancel') : null));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.show('');
    if (!/^\d{6}$/.test(code.value.replace(/\s/g, ''))) {
      error.show('Enter the 6 digits your app shows.');
      code.focus();
      return;
    }
    confirm.disabled = true;
    try {
      const r = await post('/api/me/totp/confirm', { code: code.value.replace(/\s/g, '') });
      showRecoveryCodes(container, r.recoveryCodes || [], onEnrolled);
    } catch (err) {
      confirm.disabled = false;
      error.show(err.message);
      code.value = '';
      code.focus();
    }
  });
  container.replaceChildren(form);
  code.focus();
}

function showRecoveryCodes(container, codes, onEnrolled) {
  const text = `Parley recovery codes (each works once)\n\n${codes.join('\n')}\n`;
  const status = h('p', { class: 'muted', role: 'status' });
  const copy = h('button', { type: 'button', class: 'button' }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = 'Copied.';
    } catch {
      status.textContent = 'Copying is not allowed here: select the codes and copy them, or download them.';
    }
  });
  const download = h('a', {
    class: 'button', download: 'parley-recovery-codes.txt',
    href: `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`,
  }, 'Download');
  const done = h('button', { type: 'button', class: 'button primary', id: 'totp-done' }, 'I have saved my codes');
  done.addEventListener('click', () => onEnrolled());
  container.replaceChildren(h('div', { class: 'totp-codes' },
    h('p', { class: 'banner banner-info', role: 'status' }, 'Two-factor sign-in is on.'),
    h('h3', { id: 'recovery-title' }, 'Save your recovery codes'),
    h('p', { class: 'muted' }, 'If you lose your phone, each of these codes signs you in once instead of a code from the app. They are shown only now.'),
    h('ul', { class: 'recovery-codes', 'aria-labelledby': 'recovery-title' }, ...codes.map((c) => h('li', {}, h('code', {}, c)))),
    h('div', { class: 'form-actions' }, h('div', { class: 'button-row' }, copy, download), done),
    status));
  done.focus();
}
