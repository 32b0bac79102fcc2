// Sending a message again after a failure reuses its Idempotency-Key, so the server answers a send
// it already saved instead of saving a second message; different content is a different message.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageSender } from '../src/api.js';

/** Answers each request with the next of `statuses`, keeping the keys sent. */
function server(statuses) {
  const keys = [];
  globalThis.fetch = async (path, init) => {
    keys.push(init.headers['Idempotency-Key']);
    const status = statuses.shift();
    if (status === 'network') throw new TypeError('Failed to fetch');
    const body = status === 201 ? '{"message":{"id":"m1"}}' : '{"error":"unavailable","message":"the database is not reachable"}';
    return { status, ok: status < 300, text: async () => body };
  };
  return keys;
}

test('a send tried again after a lost answer carries the same key', async () => {
  const keys = server(['network', 503, 201]);
  const send = messageSender();
  const body = { bodyHtml: '<p>Hello</p>', readReceipt: false };
  await assert.rejects(send('/api/threads/t1/messages', body));
  await assert.rejects(send('/api/threads/t1/messages', body));
  await send('/api/threads/t1/messages', body);
  assert.equal(keys.length, 3);
  assert.match(keys[0], /^[0-9a-f]{32}$/);
  assert.equal(keys[1], keys[0]);
  assert.equal(keys[2], keys[0]);
});

test('changed content or a message after a sent one gets a new key', async () => {
  const keys = server([503, 201, 201]);
  const send = messageSender();
  await assert.rejects(send('/api/threads/t1/messages', { bodyHtml: '<p>Helo</p>' }));
  await send('/api/threads/t1/messages', { bodyHtml: '<p>Hello</p>' });
  await send('/api/threads/t1/messages', { bodyHtml: '<p>Hello</p>' });
  assert.equal(new Set(keys).size, 3);
});
