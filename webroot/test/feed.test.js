// The event feed's promises: no event lost, none twice, in id order, across drops and reconnects.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFeed } from '../src/feed.js';

/** A stand-in for the server: a per-user event log and the bridge sockets opened to it. */
function world({ events = [], last } = {}) {
  const log = [...events];
  const calls = [];
  const buses = [];
  let gate = null;
  const server = {
    log,
    calls,
    buses,
    add(type) {
      const id = (log.length ? log[log.length - 1].id : last ?? 0) + 1;
      const event = { id, type, data: {} };
      log.push(event);
      return event;
    },
    /** Holds the next /api/events answers until release() is called. */
    hold() {
      let release;
      gate = new Promise((r) => {
        release = r;
      });
      return () => {
        gate = null;
        release();
      };
    },
    expired: null,
    async fetchEvents(after) {
      calls.push(after === null ? 'cursor' : `after:${after}`);
      if (gate) await gate;
      if (after === null) return { events: [], last: log.length ? log[log.length - 1].id : last ?? 0 };
      if (server.expired !== null && after < server.expired) {
        const e = new Error('events are no longer kept');
        e.status = 410;
        e.code = 'cursor_expired';
        e.data = { last: log[log.length - 1].id };
        throw e;
      }
      const page = log.filter((e) => e.id > after).slice(0, 2);
      const lastId = page.length ? page[page.length - 1].id : after;
      return { events: page, last: lastId, more: log.some((e) => e.id > lastId) };
    },
    openBus() {
      const bus = {
        handlers: {},
        enableReconnect() {},
        close() {},
        registerHandler(address, headers, fn) {
          calls.push(`register:${address}`);
          bus.handlers[address] = fn;
        },
        deliver(event) {
          bus.handlers['user.u1'](null, { body: event });
        },
        /** Opens the socket and confirms the subscription, as the bridge does. */
        open() {
          bus.onopen();
          bus.deliver({ type: 'live.subscribed' });
        },
      };
      buses.push(bus);
      return bus;
    },
  };
  return server;
}

const noTimers = {
  setTimer: () => 0,
  clearTimer: () => {},
  setRepeat: () => 1,
  clearRepeat: () => {},
};

async function started(server) {
  const feed = createFeed({ openBus: server.openBus, fetchEvents: server.fetchEvents, ...noTimers });
  const seen = [];
  feed.onEvent((e) => seen.push(e.id));
  await feed.start({ id: 'u1' });
  return { feed, seen };
}

async function settle(feed) {
  for (let i = 0; i < 5; i += 1) {
    await feed.catchUp();
    await new Promise((r) => setImmediate(r));
  }
}

test('subscribes first and catches up from its cursor once the subscription is active', async () => {
  const server = world({ last: 7 });
  const { feed, seen } = await started(server);
  server.add('message.created');
  server.buses[0].onopen();
  assert.deepEqual(server.calls, ['cursor', 'register:user.u1']);
  server.buses[0].deliver({ type: 'live.subscribed' });
  await settle(feed);
  assert.deepEqual(server.calls.slice(0, 3), ['cursor', 'register:user.u1', 'after:7']);
  assert.deepEqual(seen, [8]);
});

test('drops live events it has already seen', async () => {
  const server = world({ last: 2 });
  const { feed, seen } = await started(server);
  server.buses[0].open();
  await settle(feed);
  const e3 = server.add('message.created');
  server.buses[0].deliver(e3);
  server.buses[0].deliver(e3);
  server.buses[0].deliver({ id: 2, type: 'message.read', data: {} });
  await settle(feed);
  assert.deepEqual(seen, [3]);
});

test('a live event beyond the next id fetches the missing ones first', async () => {
  const server = world({ last: 2 });
  const { feed, seen } = await started(server);
  server.buses[0].open();
  await settle(feed);
  server.add('message.created');
  server.add('message.read');
  const e5 = server.add('thread.updated');
  server.buses[0].deliver(e5);
  await settle(feed);
  assert.deepEqual(seen, [3, 4, 5]);
});

test('events pushed while a catch-up is running are applied once, in order', async () => {
  const server = world({ last: 0 });
  const { feed, seen } = await started(server);
  server.add('message.created');
  const release = server.hold();
  server.buses[0].open();
  const e2 = server.add('message.read');
  server.buses[0].deliver(e2);
  server.buses[0].deliver({ id: 1, type: 'message.created', data: {} });
  release();
  await settle(feed);
  assert.deepEqual(seen, [1, 2]);
});

test('after a drop it reconnects, registers again and replays what it missed, page by page', async () => {
  const server = world({ last: 0 });
  const { feed, seen } = await started(server);
  const states = [];
  feed.onState((s) => states.push(s));
  server.buses[0].open();
  await settle(feed);
  server.buses[0].onclose();
  for (let i = 0; i < 5; i += 1) server.add('message.created');
  server.buses[0].open();
  await settle(feed);
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  assert.deepEqual(states, ['connecting', 'open', 'reconnecting', 'open']);
  assert.equal(server.calls.filter((c) => c === 'register:user.u1').length, 2);
});

test('a cursor the server no longer keeps makes the views reload and continues from the newest id', async () => {
  const server = world({ last: 0 });
  const { feed, seen } = await started(server);
  let reloads = 0;
  feed.onResync(() => {
    reloads += 1;
  });
  for (let i = 0; i < 3; i += 1) server.add('message.created');
  server.expired = 2;
  server.buses[0].open();
  await settle(feed);
  assert.equal(reloads, 1);
  assert.deepEqual(seen, []);
  const e4 = server.add('message.created');
  server.buses[0].deliver(e4);
  await settle(feed);
  assert.deepEqual(seen, [4]);
});

test('without a starting cursor it finds one on connect and reloads the views', async () => {
  const server = world({ last: 4 });
  let offline = true;
  const fetchEvents = async (after) => {
    if (offline) throw new Error('offline');
    return server.fetchEvents(after);
  };
  const feed = createFeed({ openBus: server.openBus, fetchEvents, ...noTimers });
  let reloads = 0;
  feed.onResync(() => {
    reloads += 1;
  });
  await assert.rejects(feed.start({ id: 'u1' }));
  assert.equal(feed.state(), 'connecting');
  assert.equal(feed.lastId(), null);
  offline = false;
  server.buses[0].open();
  await settle(feed);
  assert.equal(feed.lastId(), 4);
  assert.equal(reloads, 1);
});

test('a refused registration (session ended) makes it ask the server, which signs the user out', async () => {
  const server = world({ last: 3 });
  const { feed } = await started(server);
  server.buses[0].onopen();
  const before = server.calls.length;
  server.buses[0].onerror({ type: 'err', body: 'not_logged_in' });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(server.calls.slice(before), ['after:3']);
  feed.stop();
});
