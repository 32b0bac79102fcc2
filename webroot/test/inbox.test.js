// The inbox row a message.created event leaves behind, without fetching the inbox again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withMessage } from '../src/inbox.js';

const sam = { id: 's1', name: 'Sam Staff', role: 'staff' };
const cleo = { id: 'c1', name: 'Cleo Client', role: 'client' };
const alex = { id: 's2', name: 'Alex Adviser', role: 'staff' };

function row(id, lastMessageAt, extra = {}) {
  return {
    id, subject: `Subject ${id}`, lastMessageAt, snippet: 'old', unreadCount: 0, sender: cleo,
    participants: [cleo, sam], ...extra,
  };
}

function created(threadId, fields, extra = {}) {
  return {
    id: 'm9', threadId, sender: { ...sam }, bodyHtml: '<p>New</p>', createdAt: fields.lastMessageAt,
    recipients: [{ ...cleo, kind: 'bcc', readAt: null }],
    thread: { id: threadId, subject: 'Statements', snippet: 'New', unreadCount: 2, ...fields },
    unread: 5,
    ...extra,
  };
}

test('a new message in a listed thread updates its row and moves it to the top', () => {
  const inbox = [row('t3', '2024-05-03T10:00:00Z'), row('t2', '2024-05-02T10:00:00Z'), row('t1', '2024-05-01T10:00:00Z')];
  const next = withMessage(inbox, created('t1', { lastMessageAt: '2024-05-04T09:30:00.123456Z' }));
  assert.deepEqual(next.map((t) => t.id), ['t1', 't3', 't2']);
  assert.deepEqual(next[0], {
    ...inbox[2],
    subject: 'Statements',
    snippet: 'New',
    unreadCount: 2,
    lastMessageAt: '2024-05-04T09:30:00.123456Z',
    sender: sam,
    participants: [cleo, sam],
  });
  assert.equal(inbox[2].snippet, 'old', 'the old list is left as it was');
});

test('someone new on the message joins the row\'s participants, by name', () => {
  const inbox = [row('t1', '2024-05-01T10:00:00Z')];
  const data = created('t1', { lastMessageAt: '2024-05-02T10:00:00Z' });
  data.recipients.push({ ...alex, kind: 'cc', readAt: null });
  assert.deepEqual(withMessage(inbox, data)[0].participants, [alex, cleo, sam]);
});

test('a thread not in the list, or an event without the thread, asks for the list again', () => {
  const inbox = [row('t1', '2024-05-01T10:00:00Z')];
  assert.equal(withMessage(inbox, created('t7', { lastMessageAt: '2024-05-02T10:00:00Z' })), null);
  assert.equal(withMessage(inbox, { id: 'm1', threadId: 't1' }), null);
  assert.equal(withMessage([], undefined), null);
});
