// The per-user event feed, independent of the browser: live events from a bus, catch-up from
// GET /api/events, duplicates dropped and gaps filled by id. live.js wires it to the real bridge.
//
// Event ids are per-user increasing integers. An event at or below the last id is a duplicate and
// is dropped; one more than a step ahead means something was missed, so we catch up first.

const POLL_WHILE_OFFLINE_MS = 10_000;
const SUBSCRIBE_GRACE_MS = 3_000;
const SUBSCRIBED = 'live.subscribed';

/**
 * A feed of one user's events. `openBus()` answers an object with the vertx-eventbus client's
 * surface (onopen, onclose, registerHandler, enableReconnect, close); `fetchEvents(after)` answers
 * GET /api/events (after may be null for "just the newest id").
 */
export function createFeed({ openBus, fetchEvents, setTimer = setTimeout, clearTimer = clearTimeout,
  setRepeat = setInterval, clearRepeat = clearInterval, onStateChange = () => {} }) {
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

  function setState(next) {
    if (state === next) return;
    state = next;
    onStateChange(next);
    for (const fn of [...stateListeners]) fn(next);
  }

  async function currentCursor() {
    const feed = await fetchEvents(null);
    return toId(feed?.last) ?? maxId(feed?.events) ?? 0;
  }

  function connect() {
    setState('connecting');
    bus = openBus();
    bus.enableReconnect(true);
    // The bridge answers a refused registration without an address, so it lands here: the session
    // has most likely ended, and the catch-up's 401 takes the user back to sign-in.
    bus.onerror = (e) => {
      if (/not_logged_in|access_denied/.test(String(e?.body ?? ''))) catchUp();
    };
    bus.onopen = () => {
      // Subscribe first, then catch up: anything committed in between arrives one way or the other.
      bus.registerHandler(`user.${userId}`, {}, (err, message) => {
        if (err) {
          // Refused (the session ended, say): the next catch-up meets the 401 and signs out.
          catchUp();
          return;
        }
        receive(message.body);
      });
      stopPolling();
      setState('open');
      // The server says "live.subscribed" once the subscription is active on every node: that is
      // when to catch up. Should that word never come, catch up anyway after a moment.
      clearTimer(settleTimer);
      settleTimer = setTimer(catchUp, SUBSCRIBE_GRACE_MS);
    };
    bus.onclose = () => {
      if (stopped) return;
      setState('reconnecting');
      startPolling();
    };
  }

  function startPolling() {
    if (pollTimer) return;
    pollTimer = setRepeat(catchUp, POLL_WHILE_OFFLINE_MS);
  }

  function stopPolling() {
    clearRepeat(pollTimer);
    pollTimer = null;
  }

  function receive(event) {
    if (event?.type === SUBSCRIBED) {
      clearTimer(settleTimer);
      catchUp();
      return;
    }
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
    for (const fn of [...listeners]) {
      try {
        fn(event);
      } catch (e) {
        console.error('live event handler failed', e);
      }
    }
  }

  function resync() {
    for (const fn of [...resyncListeners]) fn();
  }

  /** Fetches everything after the last id, then applies what arrived live meanwhile. */
  function catchUp() {
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
          resync();
        }
        for (let page = 0; page < 50; page += 1) {
          const feed = await fetchEvents(lastId);
          const events = [...(feed?.events || [])].sort((a, b) => toId(a.id) - toId(b.id));
          for (const e of events) apply(e, false);
          if (events.length === 0 || !feed.more) break;
        }
      } catch (e) {
        if (isCursorTooOld(e)) {
          const last = toId(e.data?.last);
          lastId = last ?? (await currentCursor().catch(() => lastId));
          queued = queued.filter((ev) => toId(ev.id) > lastId);
          resync();
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

  return {
    /** fn(event) for every event, once, in id order. Returns an unsubscribe function. */
    onEvent(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** fn(state) with 'idle' | 'connecting' | 'open' | 'reconnecting'. */
    onState(fn) {
      stateListeners.add(fn);
      fn(state);
      return () => stateListeners.delete(fn);
    },
    /** fn() when what was missed cannot be replayed: the views must reload. */
    onResync(fn) {
      resyncListeners.add(fn);
      return () => resyncListeners.delete(fn);
    },
    state: () => state,
    lastId: () => lastId,
    catchUp,
    /** Starts the feed for the signed-in user; resolves once the starting cursor is known. */
    async start(user) {
      this.stop();
      stopped = false;
      lastId = null;
      userId = user.id;
      try {
        lastId = await currentCursor();
      } finally {
        // Without a cursor (server unreachable) the first catch-up finds one and the views reload.
        connect();
      }
    },
    stop() {
      stopped = true;
      stopPolling();
      clearTimer(settleTimer);
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
    },
  };
}

function isCursorTooOld(e) {
  return e?.status === 410 || /cursor_expired|too_old/i.test(e?.code || '');
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
