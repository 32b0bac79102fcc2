// Keyboard sequences: "g" then a letter moves between views, single keys act at once, and a
// sequence left half-typed never swallows a later key.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSequences, keyName } from '../src/keys.js';

const bindings = { 'g i': 'inbox', 'g s': 'sent', 'g d': 'drafts', 'g a': 'archived', e: 'archive', 'Shift+U': 'markUnread', u: 'back' };

test('"g" then i, s, d or a picks the view', () => {
  const keys = createSequences(bindings);
  for (const [second, view] of [['i', 'inbox'], ['s', 'sent'], ['d', 'drafts'], ['a', 'archived']]) {
    assert.equal(keys.press({ key: 'g' }, 1000), 'pending');
    assert.equal(keys.press({ key: second }, 1200), view);
  }
});

test('a single key acts at once: e archives, Shift+U marks unread, u without Shift goes back', () => {
  const keys = createSequences(bindings);
  assert.equal(keys.press({ key: 'e' }, 0), 'archive');
  assert.equal(keys.press({ key: 'U', shiftKey: true }, 0), 'markUnread');
  assert.equal(keys.press({ key: 'u' }, 0), 'back');
});

test('"g" followed too late by a letter is that letter alone', () => {
  const keys = createSequences(bindings, { timeoutMs: 1500 });
  assert.equal(keys.press({ key: 'g' }, 0), 'pending');
  assert.equal(keys.press({ key: 'e' }, 1600), 'archive');
});

test('"g" then an unbound key does nothing (not even what that key does alone), and the next key is read afresh', () => {
  const keys = createSequences(bindings);
  keys.press({ key: 'g' }, 0);
  assert.equal(keys.press({ key: 'e' }, 100), 'cancelled');
  assert.equal(keys.press({ key: 'e' }, 200), 'archive');
});

test('a sequence dropped midway (typing started) does not complete later', () => {
  const keys = createSequences(bindings);
  keys.press({ key: 'g' }, 0);
  keys.reset();
  assert.equal(keys.press({ key: 'i' }, 100), null);
});

test('Shift with a letter is named as the shifted letter; other keys keep their names', () => {
  assert.equal(keyName('u', true), 'Shift+U');
  assert.equal(keyName('U', true), 'Shift+U');
  assert.equal(keyName('?', true), '?');
  assert.equal(keyName('Enter', false), 'Enter');
});
