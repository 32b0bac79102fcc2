// The inbox row a live event leaves behind, without fetching the inbox again. A message.created
// carries no counts: the row counts a message to the viewer itself, once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withMessage, withThreadUpdate } from '../src/inbox.js';

const sam = { id: 's1', name: 'Sam Staff', role: 'staff' };
const cleo = { id: 'c1', name: 'Cleo Client', role: 'client' };
const alex = { id: 's2', name: 'Alex Adviser', role: 'staff' };

function row(id, lastMessageAt, extra = {}) {
  return {
    id, subject: `Subject ${id}`, lastMessageAt, snippet: 'old', unreadCount: 0, sender: cleo,
    participants: [cleo, sam], ...extra,
  };
}

/** Sam writes to Cleo in thread `threadId` at `createdAt`. */
function created(threadId, createdAt, extra = {}) {
  return {
    id: `m-${createdAt}`, threadId, sender: { ...sam }, bodyHtml: '<p>New</p>', createdAt,
    recipients: [{ ...cleo, kind: 'bcc', readAt: null }],
    thread: { id: threadId, subject: 'Statements', lastMessageAt: createdAt, snippet: 'New' },
    ...extra,
  };
}

test('a new message to me in a listed thread updates its row, counts one more unread, and moves it to the top', () => {
  const inbox = [row('t3', '2024-05-03T10:00:00Z'), row('t2', '2024-05-02T10:00:00Z'), row('t1', '2024-05-01T10:00:00Z', { unreadCount: 1 })];
  const data = created('t1', '2024-05-04T09:30:00.123456Z');
  const next = withMessage(inbox, data, cleo.id);
  assert.deepEqual(next.map((t) => t.id), ['t1', 't3', 't2']);
  assert.deepEqual(next[0], {
    ...inbox[2],
    subject: 'Statements',
    snippet: 'New',
    unreadCount: 2,
    lastMessageAt: '2024-05-04T09:30:00.123456Z',
    sender: sam,
    participants: [cleo, sam],
    counted: { through: '2024-05-01T10:00:00Z', ids: [data.id] },
  });
  assert.equal(inbox[2].snippet, 'old', 'the old list is left as it was');
});

test('a message I sent, or one not addressed to me, leaves the unread count as it was', () => {
  const inbox = [row('t1', '2024-05-01T10:00:00Z', { unreadCount: 3 })];
  assert.equal(withMessage(inbox, created('t1', '2024-05-02T10:00:00Z'), sam.id)[0].unreadCount, 3);
  assert.equal(withMessage(inbox, created('t1', '2024-05-02T10:00:00Z'), alex.id)[0].unreadCount, 3);
  const toSelf = created('t1', '2024-05-02T10:00:00Z', { recipients: [{ ...sam, kind: 'to', readAt: null }] });
  assert.equal(withMessage(inbox, toSelf, sam.id)[0].unreadCount, 3);
});

test('a message the row already counted when it was loaded does not count again', () => {
  const inbox = [row('t1', '2024-05-02T10:00:00.000500Z', { unreadCount: 1 })];
  assert.equal(withMessage(inbox, created('t1', '2024-05-02T10:00:00.000500Z'), cleo.id)[0].unreadCount, 1, 'the same instant');
  assert.equal(withMessage(inbox, created('t1', '2024-05-02T10:00:00.0004Z'), cleo.id)[0].unreadCount, 1, 'earlier in the same millisecond');
  assert.equal(withMessage(inbox, created('t1', '2024-05-02T10:00:00.0006Z'), cleo.id)[0].unreadCount, 2, 'later in the same millisecond');
});

test('two messages arriving newest first each count once, and a message met again counts no more', () => {
  const inbox = [row('t1', '2024-05-01T10:00:00Z')];
  const first = created('t1', '2024-05-02T10:00:00Z');
  const second = created('t1', '2024-05-02T10:00:01Z');
  let next = withMessage(inbox, second, cleo.id);
  next = withMessage(next, first, cleo.id);
  assert.equal(next[0].unreadCount, 2);
  assert.equal(next[0].lastMessageAt, '2024-05-02T10:00:01Z', 'the late one leaves the newer time on the row');
  next = withMessage(next, second, cleo.id);
  assert.equal(next[0].unreadCount, 2);
});

test('someone new on the message joins the row\'s participants, by name', () => {
  const inbox = [row('t1', '2024-05-01T10:00:00Z')];
  const data = created('t1', '2024-05-02T10:00:00Z');
  data.recipients.push({ ...alex, kind: 'cc', readAt: null });
  assert.deepEqual(withMessage(inbox, data, cleo.id)[0].participants, [alex, cleo, sam]);
});

test('a thread not in the list, or an event without the thread, asks for the list again', () => {
  const inbox = [row('t1', '2024-05-01T10:00:00Z')];
  assert.equal(withMessage(inbox, created('t7', '2024-05-02T10:00:00Z'), cleo.id), null);
  assert.equal(withMessage(inbox, { id: 'm1', threadId: 't1' }, cleo.id), null);
  assert.equal(withMessage([], undefined, cleo.id), null);
});

test('thread.updated sets the row\'s unread count to the one it names', () => {
  const inbox = [row('t2', '2024-05-02T10:00:00Z', { unreadCount: 4 }), row('t1', '2024-05-01T10:00:00Z', { unreadCount: 2 })];
  const next = withThreadUpdate(inbox, { threadId: 't1', unreadCount: 0 });
  assert.deepEqual(next.map((t) => [t.id, t.unreadCount]), [['t2', 4], ['t1', 0]]);
  assert.equal(inbox[1].unreadCount, 2, 'the old list is left as it was');
});

test('thread.updated of a thread I left takes its row away, and so does a read one when only unread are shown', () => {
  const inbox = [row('t2', '2024-05-02T10:00:00Z', { unreadCount: 1 }), row('t1', '2024-05-01T10:00:00Z', { unreadCount: 2 })];
  assert.deepEqual(withThreadUpdate(inbox, { threadId: 't1', unreadCount: 0, left: true }).map((t) => t.id), ['t2']);
  assert.deepEqual(withThreadUpdate(inbox, { threadId: 't2', unreadCount: 0 }, { unreadOnly: true }).map((t) => t.id), ['t1']);
  assert.deepEqual(withThreadUpdate(inbox, { threadId: 't2', unreadCount: 1 }, { unreadOnly: true }).map((t) => t.id), ['t2', 't1']);
});

test('thread.updated of a thread not in the list leaves the list to the caller', () => {
  assert.equal(withThreadUpdate([row('t1', '2024-05-01T10:00:00Z')], { threadId: 't9', unreadCount: 1 }), null);
});
