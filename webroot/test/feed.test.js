// The event feed's promises: no event lost and none applied twice, across drops, reconnects and
// catch-ups, with the server's cursors passed back exactly as they were handed out.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFeed, MOVE_GRACE_MS, MOVE_JITTER_MS, REMEMBERED_IDS } from '../src/feed.js';

/**
 * A stand-in for the server: a per-user list of changes, the cursors it hands out (opaque strings
 * with characters a URL must escape; any other string is refused with 400) and the bridge sockets.
 */
function world({ pageSize = 2 } = {}) {
  const log = [];
  const calls = [];
  const buses = [];
  const cursors = new Map();
  let gate = null;
  const server = {
    log,
    calls,
    buses,
    cursors,
    /** Pages start this many changes before the cursor: catch-up lists again what it listed. */
    overlap: 0,
    /** Changes before this position are no longer kept. */
    keptFrom: 0,
    add(type, id = `${log.length + 101}.${type === 'message.read' ? 'r' : 'm'}`) {
      const event = { id, type, data: {} };
      log.push(event);
      return event;
    },
    /** The cursor for "after the first n changes": a new string each time, as opaque as it gets. */
    cursor(n) {
      const c = `c/${n}+${cursors.size}&é=?`;
      cursors.set(c, n);
      return c;
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
    async fetchEvents(after) {
      calls.push(after === null ? 'start' : `after:${after}`);
      if (gate) await gate;
      if (after === null) return { events: [], cursor: server.cursor(log.length), more: false };
      if (!cursors.has(after)) {
        const e = new Error("'after' is not a cursor this server handed out");
        e.status = 400;
        e.code = 'invalid';
        e.data = { error: 'invalid', message: e.message };
        throw e;
      }
      const n = cursors.get(after);
      if (n < server.keptFrom) return { resync: true, cursor: server.cursor(log.length) };
      const from = Math.max(0, n - server.overlap);
      const page = log.slice(from, from + pageSize);
      const end = from + page.length;
      return { events: page, cursor: server.cursor(Math.max(n, end)), more: end < log.length };
    },
    openBus() {
      const bus = {
        handlers: {},
        reconnects: true,
        closed: false,
        enableReconnect(on) {
          bus.reconnects = on;
        },
        close() {
          bus.closed = true;
        },
        registerHandler(address, headers, fn) {
          calls.push(`register:${address}`);
          bus.handlers[address] = fn;
        },
        deliver(event) {
          bus.handlers['user.u1'](null, { body: event });
        },
        subscribed() {
          bus.deliver({ type: 'live.subscribed' });
        },
        /** Opens the socket and confirms the subscription, as the bridge does. */
        open() {
          bus.onopen();
          bus.subscribed();
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

async function started(server, fetchEvents = server.fetchEvents) {
  const feed = createFeed({ openBus: server.openBus, fetchEvents, ...noTimers });
  const seen = [];
  let resyncs = 0;
  feed.onEvent((e) => seen.push(e.id));
  feed.onResync(() => {
    resyncs += 1;
  });
  await feed.start({ id: 'u1' });
  return { feed, seen, resyncs: () => resyncs };
}

/** A started feed whose socket is open and whose first catch-up is done. */
async function connected(server) {
  const running = await started(server);
  server.buses[0].open();
  await settle(running.feed);
  return running;
}

async function settle(feed) {
  for (let i = 0; i < 5; i += 1) {
    await feed.catchUp();
    await new Promise((r) => setImmediate(r));
  }
}

test('subscribes first and catches up from the starting cursor once the subscription is active', async () => {
  const server = world();
  server.add('message.created');
  const { feed, seen } = await started(server);
  const e2 = server.add('message.created');
  server.buses[0].onopen();
  assert.deepEqual(server.calls, ['start', 'register:user.u1']);
  server.buses[0].subscribed();
  await settle(feed);
  assert.equal(server.calls[2], `after:${[...server.cursors.keys()][0]}`);
  assert.deepEqual(seen, [e2.id], 'only what came after the starting cursor');
});

test('passes every cursor back exactly as the server handed it out', async () => {
  const server = world();
  const { feed } = await connected(server);
  for (let i = 0; i < 5; i += 1) server.add('message.created');
  server.buses[0].subscribed();
  await settle(feed);
  const asked = server.calls.filter((c) => c.startsWith('after:')).map((c) => c.slice('after:'.length));
  assert.ok(asked.length >= 4);
  const handedOut = [...server.cursors.keys()];
  for (const c of asked) assert.ok(handedOut.includes(c), `${c} was handed out`);
  assert.equal(feed.cursor(), handedOut[handedOut.length - 1]);
});

test('an event received live and then listed by the catch-up is applied once', async () => {
  const server = world();
  const { feed, seen } = await connected(server);
  const e1 = server.add('message.created');
  const e2 = server.add('message.read');
  server.buses[0].deliver(e1);
  server.buses[0].deliver(e1);
  server.buses[0].subscribed();
  await settle(feed);
  assert.deepEqual(seen, [e1.id, e2.id]);
});

test('a change a catch-up lists twice is applied once', async () => {
  const server = world();
  const { feed, seen } = await connected(server);
  server.overlap = 1;
  const added = [];
  for (let i = 0; i < 5; i += 1) added.push(server.add('message.created').id);
  server.buses[0].subscribed();
  await settle(feed);
  assert.deepEqual(seen, added);
});

test('reads page after page while the server says there is more', async () => {
  const server = world({ pageSize: 2 });
  const { feed, seen } = await started(server);
  const added = [];
  for (let i = 0; i < 7; i += 1) added.push(server.add('message.created').id);
  server.buses[0].onopen();
  await feed.catchUp();
  assert.deepEqual(seen, added);
  assert.equal(server.calls.filter((c) => c.startsWith('after:')).length, 4);
});

test('applies live events at once, whatever their ids, without waiting for others', async () => {
  const server = world();
  const { feed, seen } = await connected(server);
  const before = server.calls.length;
  for (const id of ['1234.t', '99', '1234.0', '7']) server.buses[0].deliver({ id, type: 'message.read', data: {} });
  assert.deepEqual(seen, ['1234.t', '99', '1234.0', '7']);
  assert.deepEqual(server.calls.slice(before), [], 'no catch-up: ids say nothing about gaps');
});

test('catches up again on every live.subscribed, also one sent while a catch-up is running', async () => {
  const server = world();
  const { feed, seen } = await connected(server);
  const e1 = server.add('message.created');
  const release = server.hold();
  server.buses[0].subscribed();
  // The server's "catch up now" while the first catch-up is still waiting for its answer.
  const e2 = server.add('message.created');
  server.buses[0].subscribed();
  release();
  await settle(feed);
  assert.deepEqual(seen, [e1.id, e2.id]);
  const e3 = server.add('message.created');
  server.buses[0].subscribed();
  await settle(feed);
  assert.deepEqual(seen, [e1.id, e2.id, e3.id]);
});

test('after a drop it reconnects, registers again and replays what it missed', async () => {
  const server = world();
  const { feed, seen } = await started(server);
  const states = [];
  feed.onState((s) => states.push(s));
  server.buses[0].open();
  await settle(feed);
  server.buses[0].onclose();
  const added = [];
  for (let i = 0; i < 5; i += 1) added.push(server.add('message.created').id);
  server.buses[0].open();
  await settle(feed);
  assert.deepEqual(seen, added);
  assert.deepEqual(states, ['connecting', 'open', 'reconnecting', 'open']);
  assert.equal(server.calls.filter((c) => c === 'register:user.u1').length, 2);
});

test('a resync answer makes the views reload and the feed go on from the cursor it gives', async () => {
  const server = world();
  const { feed, seen, resyncs } = await started(server);
  for (let i = 0; i < 3; i += 1) server.add('message.created');
  server.keptFrom = 2;
  server.buses[0].open();
  await settle(feed);
  assert.equal(resyncs(), 1);
  assert.deepEqual(seen, [], 'what was missed comes from the reloaded views, not as events');
  const e4 = server.add('message.created');
  server.buses[0].subscribed();
  await settle(feed);
  assert.deepEqual(seen, [e4.id]);
  assert.equal(resyncs(), 1);
});

test('an expired cursor of a server of the previous version (410) is a resync too', async () => {
  const server = world();
  const { feed, seen, resyncs } = await started(server, async (after) => {
    if (after !== null && server.cursors.get(after) === 0) {
      const e = new Error('events are no longer kept');
      e.status = 410;
      e.code = 'cursor_expired';
      e.data = { error: 'cursor_expired', last: 3 };
      throw e;
    }
    return server.fetchEvents(after);
  });
  for (let i = 0; i < 3; i += 1) server.add('message.created');
  server.cursors.set('3', 3);
  server.buses[0].open();
  await settle(feed);
  assert.equal(resyncs(), 1);
  assert.ok(server.calls.includes('after:3'), 'goes on from the newest id the old server named');
  const e4 = server.add('message.created');
  server.buses[0].subscribed();
  await settle(feed);
  assert.deepEqual(seen, [e4.id]);
});

test('without a starting cursor it finds one on connect and reloads the views', async () => {
  const server = world();
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
  assert.equal(feed.cursor(), null);
  offline = false;
  server.buses[0].open();
  await settle(feed);
  assert.ok(server.cursors.has(feed.cursor()));
  assert.equal(reloads, 1);
});

test('remembers the ids of the last 10,000 events it applied', async () => {
  const server = world();
  const { feed, seen } = await connected(server);
  for (let i = 0; i <= REMEMBERED_IDS; i += 1) server.buses[0].deliver({ id: `e${i}`, type: 'message.read', data: {} });
  server.buses[0].deliver({ id: `e${REMEMBERED_IDS}`, type: 'message.read', data: {} });
  server.buses[0].deliver({ id: 'e1', type: 'message.read', data: {} });
  assert.equal(seen.length, REMEMBERED_IDS + 1, 'the newest are still known');
  server.buses[0].deliver({ id: 'e0', type: 'message.read', data: {} });
  assert.equal(seen.length, REMEMBERED_IDS + 2, 'the oldest has been let go');
});

test('a refused registration (session ended) makes it ask the server, which signs the user out', async () => {
  const server = world();
  const { feed } = await started(server);
  server.buses[0].onopen();
  const before = server.calls.length;
  const cursor = feed.cursor();
  server.buses[0].onerror({ type: 'err', body: 'not_logged_in' });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(server.calls.slice(before), [`after:${cursor}`]);
  feed.stop();
});

/** Timers the test runs by hand: what was scheduled, and for how long. */
function handTimers() {
  const timers = new Map();
  let next = 1;
  return {
    timers,
    setTimer(fn, ms) {
      timers.set(next, { fn, ms });
      return next++;
    },
    clearTimer(id) {
      timers.delete(id);
    },
    setRepeat: () => 0,
    clearRepeat: () => {},
    /** Runs the one timer scheduled for less than `ms`, and answers its delay. */
    runShorterThan(ms) {
      const due = [...timers].filter(([, t]) => t.ms < ms);
      assert.equal(due.length, 1, 'one short timer');
      const [id, t] = due[0];
      timers.delete(id);
      t.fn();
      return t.ms;
    },
  };
}

/** A feed started with hand-run timers and a fixed jitter, its socket open and caught up, with the states it went through. */
async function connectedWithTimers(server, jitter = 0.5) {
  const timers = handTimers();
  const feed = createFeed({ openBus: server.openBus, fetchEvents: server.fetchEvents, ...timers, random: () => jitter });
  const seen = [];
  const states = [];
  feed.onEvent((e) => seen.push(e.id));
  await feed.start({ id: 'u1' });
  server.buses[0].open();
  await settle(feed);
  feed.onState((s) => states.push(s));
  return { feed, seen, states, timers };
}

test('told that its node is stopping, it connects again after a little jitter, not the error backoff, and stays live', async () => {
  const server = world();
  const { feed, states, timers } = await connectedWithTimers(server);
  server.buses[0].deliver({ type: 'server.draining' });
  assert.equal(server.buses[0].closed, true, 'it leaves the stopping node itself');
  assert.equal(server.buses[0].reconnects, false, 'the old socket does not come back to the stopping node');
  assert.equal(server.buses.length, 1, 'not in the same instant as every other browser of that node');
  assert.equal(timers.runShorterThan(MOVE_JITTER_MS), MOVE_JITTER_MS / 2);
  assert.equal(server.buses.length, 2, 'a new socket, which the balancer sends to a node that is ready');
  server.buses[1].open();
  await settle(feed);
  assert.deepEqual(states, ['open'], 'no "Connecting" or "Reconnecting" while it moves');
  assert.equal(server.calls.filter((c) => c === 'register:user.u1').length, 2);
  feed.stop();
});

test('what happened while it moved is caught up from its cursor on the new node, each event once', async () => {
  const server = world();
  const { feed, seen, timers } = await connectedWithTimers(server, 0);
  const before = server.add('message.created');
  server.buses[0].deliver(before);
  server.buses[0].deliver({ type: 'server.draining' });
  const during = [server.add('message.created'), server.add('message.read')];
  timers.runShorterThan(MOVE_JITTER_MS);
  server.buses[1].open();
  await settle(feed);
  assert.deepEqual(seen, [before.id, ...during.map((e) => e.id)]);
  feed.stop();
});

test('a first attempt that fails (the balancer has not noticed yet) is retried quietly by the socket itself', async () => {
  const server = world();
  const { feed, seen, states, timers } = await connectedWithTimers(server);
  server.buses[0].deliver({ type: 'server.draining' });
  timers.runShorterThan(MOVE_JITTER_MS);
  server.buses[1].onclose();
  assert.equal(server.buses[1].reconnects, true, 'the socket tries again by itself');
  const missed = server.add('message.created');
  server.buses[1].open();
  await settle(feed);
  assert.deepEqual(states, ['open']);
  assert.deepEqual(seen, [missed.id]);
  assert.equal([...timers.timers.values()].some((t) => t.ms === MOVE_GRACE_MS), false, 'the grace is over');
  feed.stop();
});

test('a move that takes longer than its grace shows "Reconnecting" and polls, as any drop does', async () => {
  const server = world();
  const { feed, states, timers } = await connectedWithTimers(server);
  server.buses[0].deliver({ type: 'server.draining' });
  timers.runShorterThan(MOVE_JITTER_MS);
  server.buses[1].onclose();
  assert.deepEqual(states, ['open']);
  assert.equal(timers.runShorterThan(MOVE_GRACE_MS + 1), MOVE_GRACE_MS);
  assert.deepEqual(states, ['open', 'reconnecting']);
  server.buses[1].open();
  await settle(feed);
  assert.deepEqual(states, ['open', 'reconnecting', 'open']);
  feed.stop();
});

test('stopped while it waits to move, it opens no socket', async () => {
  const server = world();
  const { feed, timers } = await connectedWithTimers(server);
  server.buses[0].deliver({ type: 'server.draining' });
  feed.stop();
  assert.equal(timers.timers.size, 0, 'no move, no grace');
  assert.equal(server.buses.length, 1);
});
