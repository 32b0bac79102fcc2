// The sign-in page: password, then (for people with two-factor sign-in) a code; "Forgot password?"
// and the page a password link opens.

import { post } from './api.js';
import { h, clear, icon } from './dom.js';
import { field, banner } from './ui.js';

function card(root, title, intro, ...content) {
  clear(root);
  root.append(h('main', { class: 'signin' },
    h('div', { class: 'signin-card' },
      h('div', { class: 'signin-brand' },
        h('span', { class: 'brand-mark large', 'aria-hidden': 'true' }, icon('mail', 22)),
        h('span', { class: 'brand-name' }, 'Parley')),
      h('h1', {}, title),
      intro ? h('p', { class: 'muted' }, intro) : null,
      ...content),
    h('p', { class: 'signin-foot muted' }, icon('lock', 14), ' Protected connection · Sessions end after a period of inactivity')));
  root.querySelector('[data-autofocus]')?.focus();
}

function busy(button, text) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = text;
  return () => {
    button.disabled = false;
    button.textContent = label;
  };
}

function linkButton(label, onclick) {
  return h('button', { type: 'button', class: 'link-button', onclick }, label);
}

export function renderSignIn(root, { onSignedIn, notice, email: typed = '' }) {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, 'data-autofocus': '', value: typed });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const company = h('select', { name: 'companyId' });
  const companyField = field({ label: 'Company', control: company, name: 'companyId', hint: 'This address has an account at several companies.' });
  companyField.hidden = true;
  const error = banner('error');
  const info = banner('info');
  const submit = h('button', { type: 'submit', class: 'button primary block' }, 'Sign in');
  const form = h('form', { class: 'signin-form', novalidate: true },
    error, info,
    field({ label: 'Email', control: email, name: 'email' }),
    field({ label: 'Password', control: password, name: 'password' }),
    companyField,
    submit,
    h('p', { class: 'signin-alt' }, linkButton('Forgot password?', () => renderForgot(root, { onSignedIn, email: email.value.trim() }))));
  if (notice) info.show(notice);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.show('');
    if (!email.value.trim() || !password.value) {
      error.show('Enter your email and password.');
      (email.value.trim() ? password : email).focus();
      return;
    }
    const done = busy(submit, 'Signing in…');
    try {
      const body = { email: email.value.trim(), password: password.value };
      if (!companyField.hidden && company.value) body.companyId = company.value;
      const r = await post('/api/auth/login', body);
      if (r?.totpRequired) {
        renderCode(root, { onSignedIn, ticket: r.ticket, email: body.email });
        return;
      }
      await onSignedIn();
    } catch (err) {
      done();
      if (err.code === 'company_required' && err.data?.companies) {
        company.replaceChildren(...err.data.companies.map((c) => h('option', { value: c.id }, c.name)));
        companyField.hidden = false;
        error.show('Choose the company to sign in to.');
        company.focus();
        return;
      }
      error.show(err.code === 'invalid_credentials' ? 'That email and password do not match an account.' : err.message);
      password.value = '';
      password.focus();
    }
  });

  card(root, 'Sign in to Secure Messaging', 'Your messages stay inside the portal. Email only tells you that something is waiting.', form);
  if (typed) password.focus();
}

/** The second step: a code from the authenticator app, or one of the recovery codes. */
function renderCode(root, { onSignedIn, ticket, email }) {
  const code = h('input', {
    type: 'text', name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', required: true,
    'data-autofocus': '', spellcheck: 'false', autocapitalize: 'off',
  });
  const error = banner('error');
  const submit = h('button', { type: 'submit', class: 'button primary block' }, 'Verify');
  const form = h('form', { class: 'signin-form', novalidate: true, id: 'totp-form' },
    error,
    field({ label: 'Authentication code', control: code, name: 'code', hint: 'The 6-digit code your authenticator app shows, or one of your recovery codes.' }),
    submit,
    h('p', { class: 'signin-alt' }, linkButton('Back to sign in', () => renderSignIn(root, { onSignedIn, email }))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.show('');
    if (!code.value.trim()) {
      error.show('Enter the code from your authenticator app.');
      code.focus();
      return;
    }
    const done = busy(submit, 'Verifying…');
    try {
      await post('/api/auth/totp', { ticket, code: code.value.trim() });
      await onSignedIn();
    } catch (err) {
      done();
      if (err.code === 'invalid_ticket') {
        renderSignIn(root, { onSignedIn, email, notice: 'That sign-in took too long. Enter your password again.' });
        return;
      }
      error.show(err.code === 'invalid_code' ? 'That code is not right. Codes change every 30 seconds and work once.' : err.message);
      code.value = '';
      code.focus();
    }
  });
  card(root, 'Two-factor sign-in', 'Open your authenticator app and enter the code for Parley.', form);
}

function renderForgot(root, { onSignedIn, email: typed }) {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, 'data-autofocus': '', value: typed || '' });
  const error = banner('error');
  const submit = h('button', { type: 'submit', class: 'button primary block' }, 'Email me a link');
  const form = h('form', { class: 'signin-form', novalidate: true, id: 'forgot-form' },
    error,
    field({ label: 'Email', control: email, name: 'email' }),
    submit,
    h('p', { class: 'signin-alt' }, linkButton('Back to sign in', () => renderSignIn(root, { onSignedIn, email: email.value.trim() }))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.show('');
    if (!email.value.trim()) {
      error.show('Enter the email address of your account.');
      email.focus();
      return;
    }
    const done = busy(submit, 'Sending…');
    try {
      await post('/api/auth/forgot', { email: email.value.trim() });
      renderSignIn(root, {
        onSignedIn,
        email: email.value.trim(),
        notice: 'If an account has this address, we have emailed it a link to choose a new password. The link works once, for 30 minutes.',
      });
    } catch (err) {
      done();
      error.show(err.message);
    }
  });
  card(root, 'Forgot your password?', 'Enter your email address and we will send you a link to choose a new password.', form);
}

/** The page a password link opens (#/reset/<token>): choose a password, then sign in with it. */
export function renderReset(root, { token, onDone }) {
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', required: true, minlength: 10, 'data-autofocus': '' });
  const again = h('input', { type: 'password', name: 'again', autocomplete: 'new-password', required: true });
  const error = banner('error');
  const submit = h('button', { type: 'submit', class: 'button primary block' }, 'Set password');
  const form = h('form', { class: 'signin-form', novalidate: true, id: 'reset-form' },
    error,
    field({ label: 'New password', control: password, name: 'password', hint: 'At least 10 characters.' }),
    field({ label: 'Repeat the new password', control: again, name: 'again' }),
    submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.show('');
    if (password.value.length < 10) {
      error.show('Choose a password of at least 10 characters.');
      password.focus();
      return;
    }
    if (password.value !== again.value) {
      error.show('The two passwords are not the same.');
      again.focus();
      return;
    }
    const done = busy(submit, 'Saving…');
    try {
      await post('/api/auth/reset', { token, password: password.value });
      onDone('Your new password is set and you were signed out everywhere. Sign in with it.');
    } catch (err) {
      done();
      error.show(err.message);
    }
  });
  card(root, 'Choose a new password', 'Setting it signs you out on every device.', form);
}
