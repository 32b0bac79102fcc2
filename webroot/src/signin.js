// The sign-in page.

import { post } from './api.js';
import { h, clear, icon } from './dom.js';
import { field, banner } from './ui.js';

export function renderSignIn(root, { onSignedIn, notice }) {
  clear(root);
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, 'data-autofocus': '' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const error = banner('error');
  const info = banner('info');
  const submit = h('button', { type: 'submit', class: 'button primary block' }, 'Sign in');
  const form = h('form', { class: 'signin-form', novalidate: true },
    error, info,
    field({ label: 'Email', control: email, name: 'email' }),
    field({ label: 'Password', control: password, name: 'password' }),
    submit);
  if (notice) info.show(notice);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.show('');
    if (!email.value.trim() || !password.value) {
      error.show('Enter your email and password.');
      (email.value.trim() ? password : email).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      await post('/api/auth/login', { email: email.value.trim(), password: password.value });
      await onSignedIn();
    } catch (err) {
      error.show(err.code === 'invalid_credentials' ? 'That email and password do not match an account.' : err.message);
      password.value = '';
      password.focus();
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  });

  root.append(h('main', { class: 'signin' },
    h('div', { class: 'signin-card' },
      h('div', { class: 'signin-brand' },
        h('span', { class: 'brand-mark large', 'aria-hidden': 'true' }, icon('mail', 22)),
        h('span', { class: 'brand-name' }, 'Parley')),
      h('h1', {}, 'Sign in to Secure Messaging'),
      h('p', { class: 'muted' }, 'Your messages stay inside the portal. Email only tells you that something is waiting.'),
      form),
    h('p', { class: 'signin-foot muted' }, icon('lock', 14), ' Protected connection · Sessions end after a period of inactivity')));
  email.focus();
}
