// The mailbox views live in the address, so a reload, a shared link and the back button all land
// on the same view with the same search.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseView, viewHash, viewForKey, currentView, inboxQuery, VIEWS } from '../src/views.js';

test('each view has its own address, and an address names its view and search', () => {
  assert.deepEqual(VIEWS.map((v) => v.id), ['inbox', 'unread', 'sent', 'drafts', 'archived']);
  for (const v of VIEWS) assert.deepEqual(parseView(viewHash(v.id)), { view: v.id, q: '' });
  assert.deepEqual(parseView('#/sent?q=budget%20review'), { view: 'sent', q: 'budget review' });
});

test('a search survives the round trip through the address, however it is spelled', () => {
  for (const q of ['Q3 & Q4', 'naïve café', '#hash?x=1', '100%']) {
    assert.deepEqual(parseView(viewHash('archived', q)), { view: 'archived', q });
  }
});

test('an empty or blank search leaves the plain address', () => {
  assert.equal(viewHash('inbox', ''), '#/inbox');
  assert.equal(viewHash('drafts', '   '), '#/drafts');
});

test('addresses that are not mailbox views are not taken for one', () => {
  for (const hash of ['', '#/', '#/thread/0b6f8f7e-9a3c-4f54-a5d0-2d9b3c3b1e11', '#/compose', '#/settings', '#/spam', '#/inboxes']) {
    assert.equal(parseView(hash), null, hash);
  }
  assert.equal(viewHash('spam'), '#/inbox');
});

test('"g" then i, s, d or a picks Inbox, Sent, Drafts or Archived', () => {
  assert.equal(viewForKey('i'), 'inbox');
  assert.equal(viewForKey('s'), 'sent');
  assert.equal(viewForKey('d'), 'drafts');
  assert.equal(viewForKey('a'), 'archived');
  assert.equal(viewForKey('x'), null);
});

test('an open conversation keeps the view it came from highlighted; a draft belongs to Drafts', () => {
  assert.equal(currentView('#/thread/0b6f8f7e-9a3c-4f54-a5d0-2d9b3c3b1e11', 'archived'), 'archived');
  assert.equal(currentView('#/compose/0b6f8f7e-9a3c-4f54-a5d0-2d9b3c3b1e11'), 'drafts');
  assert.equal(currentView('#/unread?q=x'), 'unread');
  assert.equal(currentView('#/settings'), null);
});

test('the API is asked for the view with the trimmed search, and no empty search', () => {
  assert.deepEqual(inboxQuery('sent', { q: '  budget ', limit: 50 }), { view: 'sent', q: 'budget', limit: 50, cursor: null });
  assert.deepEqual(inboxQuery('inbox', { q: '', limit: 50, cursor: 'c1' }), { view: 'inbox', q: null, limit: 50, cursor: 'c1' });
});
