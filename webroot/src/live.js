// The live connection: one SockJS event-bus socket registered on this user's address, and
// catch-up from the last event id seen. Live push is the fast path; GET /api/events is the truth.
//
// Event ids are per-user increasing integers. An event at or below the last id is a duplicate and
// is dropped; one more than a step ahead means something was missed, so we catch up first.

import EventBus from '@vertx/eventbus-bridge-client.js';
import { get, query, ApiError } from './api.js';

const listeners = new Set();
const stateListeners = new Set();
const resyncListeners = new Set();

let bus = null;
let userId = null;
let lastId = null;
let state = 'idle';
let catchingUp = null;
let catchUpAgain = false;
let queued = [];
let pollTimer = null;
let settleTimer = null;
let stopped = true;

const POLL_WHILE_OFFLINE_MS = 10_000;

/** fn(event) for every event, once, in id order. Returns an unsubscribe function. */
export function onEvent(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** fn(state) with 'connecting' | 'open' | 'reconnecting'. */
export function onState(fn) {
  stateListeners.add(fn);
  fn(state);
  return () => stateListeners.delete(fn);
}

/** fn() when the server can no longer replay what was missed: the views must reload. */
export function onResync(fn) {
  resyncListeners.add(fn);
  return () => resyncListeners.delete(fn);
}

export function connectionState() {
  return state;
}

/** Starts the feed for the signed-in user; resolves once the starting cursor is known. */
export async function start(user) {
  stop();
  stopped = false;
  lastId = null;
  userId = user.id;
  try {
    lastId = await currentCursor();
  } finally {
    // Without a cursor (server unreachable) the first catch-up finds one and the views reload.
    connect();
  }
}

export function stop() {
  stopped = true;
  clearInterval(pollTimer);
  pollTimer = null;
  clearTimeout(settleTimer);
  if (bus) {
    bus.enableReconnect(false);
    bus.onclose = null;
    try {
      bus.close();
    } catch {
      // already closed
    }
    bus = null;
  }
  queued = [];
  setState('idle');
}

async function currentCursor() {
  const feed = await get('/api/events');
  return toId(feed?.last) ?? maxId(feed?.events) ?? 0;
}

function connect() {
  setState('connecting');
  bus = new EventBus('/eventbus', {
    vertxbus_ping_interval: 15_000,
    vertxbus_reconnect_delay_min: 500,
    vertxbus_reconnect_delay_max: 10_000,
  });
  bus.enableReconnect(true);
  bus.onerror = () => {};
  bus.onopen = () => {
    // Subscribe first, then catch up: anything committed in between arrives one way or the other.
    bus.registerHandler(`user.${userId}`, {}, (err, message) => {
      if (err) {
        checkSession();
        return;
      }
      receive(message.body);
    });
    stopPolling();
    setState('open');
    catchUp();
    // The registration is not acknowledged; a second look closes the window in which it travels.
    clearTimeout(settleTimer);
    settleTimer = setTimeout(catchUp, 1500);
  };
  bus.onclose = () => {
    if (stopped) return;
    setState('reconnecting');
    startPolling();
  };
}

function checkSession() {
  get('/api/me').catch(() => {});
}

function startPolling() {
  if (pollTimer) return;
  pollTimer = setInterval(catchUp, POLL_WHILE_OFFLINE_MS);
}

function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
}

function receive(event) {
  if (!event || toId(event.id) === null) return;
  if (catchingUp || lastId === null) {
    queued.push(event);
    return;
  }
  apply(event, true);
}

function apply(event, strict) {
  const id = toId(event.id);
  if (lastId === null) {
    queued.push(event);
    return;
  }
  if (id <= lastId) return;
  if (strict && id > lastId + 1) {
    queued.push(event);
    catchUp();
    return;
  }
  lastId = id;
  dispatch(event);
}

function dispatch(event) {
  for (const fn of [...listeners]) {
    try {
      fn(event);
    } catch (e) {
      console.error('live event handler failed', e);
    }
  }
}

/** Fetches everything after the last id, then applies what arrived live meanwhile. */
export function catchUp() {
  if (stopped) return Promise.resolve();
  if (catchingUp) {
    catchUpAgain = true;
    return catchingUp;
  }
  catchingUp = (async () => {
    try {
      if (lastId === null) {
        lastId = await currentCursor();
        queued = queued.filter((ev) => toId(ev.id) > lastId);
        for (const fn of [...resyncListeners]) fn();
      }
      for (let page = 0; page < 50; page += 1) {
        const feed = await get(`/api/events${query({ after: lastId })}`);
        const events = [...(feed?.events || [])].sort((a, b) => toId(a.id) - toId(b.id));
        for (const e of events) apply(e, false);
        if (events.length === 0 || !feed.more) break;
      }
    } catch (e) {
      if (e instanceof ApiError && isCursorTooOld(e)) {
        const last = toId(e.data?.last);
        lastId = last ?? (await currentCursor().catch(() => lastId));
        queued = queued.filter((ev) => toId(ev.id) > lastId);
        for (const fn of [...resyncListeners]) fn();
      }
      // Otherwise (offline, server busy) the next reconnect or poll tries again.
    } finally {
      if (lastId !== null) {
        const pending = queued.sort((a, b) => toId(a.id) - toId(b.id));
        queued = [];
        for (const e of pending) apply(e, false);
      }
      catchingUp = null;
      if (catchUpAgain) {
        catchUpAgain = false;
        catchUp();
      }
    }
  })();
  return catchingUp;
}

function isCursorTooOld(e) {
  return e.status === 410 || /cursor|too_old|expired|gone/i.test(e.code || '');
}

function setState(next) {
  if (state === next) return;
  state = next;
  document.documentElement.dataset.live = next;
  for (const fn of [...stateListeners]) fn(next);
}

function toId(value) {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function maxId(events) {
  if (!events || events.length === 0) return null;
  return Math.max(...events.map((e) => toId(e.id) ?? 0));
}
