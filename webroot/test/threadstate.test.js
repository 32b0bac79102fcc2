// The open thread kept up to date from pushed events, without fetching it again: each message
// once and in time order, and read times that may arrive before their message.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createThreadState, PENDING_READS } from '../src/threadstate.js';

const sam = { id: 's1', name: 'Sam Staff', role: 'staff' };
const cleo = { id: 'c1', name: 'Cleo Client', role: 'client' };

function message(id, createdAt) {
  return { id, threadId: 't1', sender: sam, bodyHtml: `<p>${id}</p>`, createdAt, recipients: [{ ...cleo, kind: 'to', readAt: null }] };
}

function read(messageId, readAt = '2024-05-02T11:00:00Z', readerId = cleo.id) {
  return { threadId: 't1', messageId, readerId, readAt };
}

const ids = (state) => state.messages().map((m) => m.id);

test('a pushed message is added after the ones before it', () => {
  const state = createThreadState();
  state.load([message('m1', '2024-05-01T10:00:00Z'), message('m2', '2024-05-01T11:00:00Z')]);
  assert.equal(state.push(message('m3', '2024-05-01T12:00:00Z')), 2);
  assert.deepEqual(ids(state), ['m1', 'm2', 'm3']);
});

test('a message pushed late takes its place by createdAt, also within one millisecond', () => {
  const state = createThreadState();
  state.load([message('m1', '2024-05-01T10:00:00.000100Z'), message('m3', '2024-05-01T10:00:00.000900Z')]);
  assert.equal(state.push(message('m2', '2024-05-01T10:00:00.0005Z')), 1);
  assert.deepEqual(ids(state), ['m1', 'm2', 'm3']);
});

test('a message shown already is not added twice', () => {
  const state = createThreadState();
  state.load([message('m1', '2024-05-01T10:00:00Z')]);
  assert.equal(state.push(message('m2', '2024-05-01T11:00:00Z')), 1);
  assert.equal(state.push(message('m2', '2024-05-01T11:00:00Z')), -1);
  assert.equal(state.push(message('m1', '2024-05-01T10:00:00Z')), -1);
  assert.deepEqual(ids(state), ['m1', 'm2']);
});

test('a read of a shown message sets its recipient\'s read time', () => {
  const state = createThreadState();
  state.load([message('m1', '2024-05-01T10:00:00Z')]);
  const hit = state.read(read('m1', '2024-05-02T11:00:00Z'));
  assert.equal(hit.message.id, 'm1');
  assert.equal(hit.recipient.readAt, '2024-05-02T11:00:00Z');
  assert.equal(state.messages()[0].recipients[0].readAt, '2024-05-02T11:00:00Z');
});

test('a read of someone the message does not list changes nothing', () => {
  const state = createThreadState();
  state.load([message('m1', '2024-05-01T10:00:00Z')]);
  assert.equal(state.read(read('m1', '2024-05-02T11:00:00Z', 'x9')), null);
  assert.equal(state.messages()[0].recipients[0].readAt, null);
});

test('a read that arrives before its message is kept and applied when the message arrives', () => {
  const state = createThreadState();
  state.load([message('m1', '2024-05-01T10:00:00Z')]);
  assert.equal(state.read(read('m2', '2024-05-02T11:00:00Z')), null);
  state.push(message('m2', '2024-05-01T11:00:00Z'));
  assert.equal(state.messages()[1].recipients[0].readAt, '2024-05-02T11:00:00Z');
});

test('the pushed message is not changed by the reads the thread applies to it', () => {
  const state = createThreadState();
  const pushed = message('m1', '2024-05-01T10:00:00Z');
  state.push(pushed);
  state.read(read('m1'));
  assert.equal(pushed.recipients[0].readAt, null);
});

test('a load from the API keeps what was pushed while it was on its way', () => {
  const state = createThreadState();
  state.load([message('m1', '2024-05-01T10:00:00Z')]);
  state.loading();
  state.push(message('m3', '2024-05-01T12:00:00Z'));
  state.read(read('m1', '2024-05-02T11:00:00Z'));
  // The answer was read from the database before m3 and the read were written.
  state.load([message('m1', '2024-05-01T10:00:00Z'), message('m2', '2024-05-01T11:00:00Z')]);
  assert.deepEqual(ids(state), ['m1', 'm2', 'm3']);
  assert.equal(state.messages()[0].recipients[0].readAt, '2024-05-02T11:00:00Z');
});

test('a load that already has a pushed message shows the loaded copy once', () => {
  const state = createThreadState();
  state.loading();
  state.push(message('m1', '2024-05-01T10:00:00Z'));
  const loaded = { ...message('m1', '2024-05-01T10:00:00Z'), note: 'from the API' };
  state.load([loaded]);
  assert.deepEqual(ids(state), ['m1']);
  assert.equal(state.messages()[0].note, 'from the API');
});

test(`reads of messages never shown are let go beyond the last ${PENDING_READS}`, () => {
  const state = createThreadState();
  for (let i = 0; i <= PENDING_READS; i += 1) state.read(read(`m${i}`));
  state.push(message('m0', '2024-05-01T10:00:00Z'));
  state.push(message(`m${PENDING_READS}`, '2024-05-01T11:00:00Z'));
  assert.deepEqual(state.messages().map((m) => m.recipients[0].readAt), [null, '2024-05-02T11:00:00Z']);
});
