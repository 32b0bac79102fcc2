// The per-user event feed, independent of the browser: live events from a bus, catch-up from
// GET /api/events, each event applied once. live.js wires it to the real bridge.
//
// The feed holds the opaque cursor the server last handed out and passes it back as it came. Event
// ids are strings the server gives (the same one live and in catch-up) but not in any order, so the
// feed never compares them: it remembers the ids it has applied and drops one it meets again.

const POLL_WHILE_OFFLINE_MS = 10_000;
const SUBSCRIBE_GRACE_MS = 3_000;
const SUBSCRIBED = 'live.subscribed';
const DRAINING = 'server.draining';
/** A stopping node's browsers come back spread over this long, not all in the same instant. */
export const MOVE_JITTER_MS = 500;
/**
 * How long a move may take before the feed says it is reconnecting: the balancer may need a moment
 * to notice the node has stopped, and send a first attempt back to it.
 */
export const MOVE_GRACE_MS = 5_000;
/** How many applied ids are remembered: far more than one catch-up can repeat of the live ones. */
export const REMEMBERED_IDS = 10_000;

/**
 * A feed of one user's events. `openBus()` answers an object with the vertx-eventbus client's
 * surface (onopen, onclose, registerHandler, enableReconnect, close); `fetchEvents(after)` answers
 * GET /api/events, `after` being null for "where I start now" or a cursor the server handed out.
 */
export function createFeed({ openBus, fetchEvents, setTimer = setTimeout, clearTimer = clearTimeout,
  setRepeat = setInterval, clearRepeat = clearInterval, random = Math.random, onStateChange = () => {} }) {
  const listeners = new Set();
  const stateListeners = new Set();
  const resyncListeners = new Set();
  const applied = new Set();

  let bus = null;
  let userId = null;
  let cursor = null;
  let state = 'idle';
  let catchingUp = null;
  let catchUpAgain = false;
  let pollTimer = null;
  let settleTimer = null;
  let moveTimer = null;
  let moveGraceTimer = null;
  let moving = false;
  let stopped = true;
  // Each start is a new generation: a catch-up of an earlier one must leave the new one alone.
  let generation = 0;

  function setState(next) {
    if (state === next) return;
    state = next;
    onStateChange(next);
    for (const fn of [...stateListeners]) fn(next);
  }

  async function startingCursor() {
    return cursorOf(await fetchEvents(null));
  }

  function connect() {
    if (!moving) setState('connecting');
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
      endMove();
      setState('open');
      // The server says "live.subscribed" once the subscription is active on every node: that is
      // when to catch up. Should that word never come, catch up anyway after a moment.
      clearTimer(settleTimer);
      settleTimer = setTimer(catchUp, SUBSCRIBE_GRACE_MS);
    };
    bus.onclose = () => {
      // During a move the bus tries again by itself; the move's grace says when that took too long.
      if (stopped || moving) return;
      setState('reconnecting');
      startPolling();
    };
  }

  /**
   * The node is stopping: connect again now (the balancer sends us to a node that is ready), after a
   * little jitter so that all its browsers do not arrive in the same instant, and without the error
   * backoff. The view stays "live" unless the move takes longer than MOVE_GRACE_MS. The new socket's
   * "live.subscribed" catches up from the cursor: nothing is lost between.
   */
  function moveElsewhere() {
    dropBus();
    clearTimer(settleTimer);
    clearTimer(moveTimer);
    clearTimer(moveGraceTimer);
    moving = true;
    moveGraceTimer = setTimer(() => {
      moveGraceTimer = null;
      if (!moving || stopped) return;
      moving = false;
      setState('reconnecting');
      startPolling();
    }, MOVE_GRACE_MS);
    moveTimer = setTimer(() => {
      moveTimer = null;
      if (!stopped) connect();
    }, Math.floor(random() * MOVE_JITTER_MS));
  }

  function endMove() {
    moving = false;
    clearTimer(moveTimer);
    clearTimer(moveGraceTimer);
  }

  function dropBus() {
    if (!bus) return;
    bus.enableReconnect(false);
    bus.onclose = null;
    try {
      bus.close();
    } catch {
      // already closed
    }
    bus = null;
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
    // Said on the first subscription, after a reconnect, and whenever the server wants the client
    // to look (a node of the cluster died and took events in flight with it).
    if (event?.type === SUBSCRIBED) {
      clearTimer(settleTimer);
      catchUp();
      return;
    }
    if (event?.type === DRAINING) {
      moveElsewhere();
      return;
    }
    apply(event);
  }

  function apply(event) {
    const id = idOf(event);
    if (id === null || applied.has(id)) return;
    remember(id);
    for (const fn of [...listeners]) {
      try {
        fn(event);
      } catch (e) {
        console.error('live event handler failed', e);
      }
    }
  }

  function remember(id) {
    applied.add(id);
    if (applied.size > REMEMBERED_IDS) applied.delete(applied.values().next().value);
  }

  /** What was missed cannot be listed: the views reload from the API, and the feed goes on from `next`. */
  function resync(next) {
    cursor = next;
    for (const fn of [...resyncListeners]) fn();
  }

  /** Fetches every page after the cursor, applying the events it has not applied yet. */
  function catchUp() {
    if (stopped) return Promise.resolve();
    if (catchingUp) {
      catchUpAgain = true;
      return catchingUp;
    }
    const mine = generation;
    const current = () => mine === generation && !stopped;
    catchingUp = (async () => {
      try {
        if (cursor === null) {
          const start = await startingCursor();
          if (!current()) return;
          resync(start);
        }
        let resynced = false;
        for (;;) {
          const asked = cursor;
          const page = await fetchEvents(asked);
          if (!current()) return;
          if (page?.resync) {
            // Once per round: a server that keeps saying so is not followed round and round.
            if (resynced) break;
            resynced = true;
            const next = cursorOf(page) ?? (await startingCursor());
            if (!current()) return;
            resync(next);
            continue;
          }
          for (const e of page?.events || []) apply(e);
          cursor = cursorOf(page) ?? asked;
          if (!page?.more || cursor === asked) break;
        }
      } catch (e) {
        if (isCursorRefused(e) && current()) {
          // Without a cursor to go on from, the next catch-up asks for one and then resyncs.
          const next = cursorOf(e.data) ?? (await startingCursor().catch(() => null));
          if (current()) {
            if (next === null) cursor = null;
            else resync(next);
          }
        }
        // Otherwise (offline, server busy) the next reconnect, poll or "live.subscribed" tries again.
      } finally {
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
    /** fn(event) for every event, once (by its id). Returns an unsubscribe function. */
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
    /** The cursor the server last handed out, as it came (null before the first one). */
    cursor: () => cursor,
    catchUp,
    /** Starts the feed for the signed-in user; resolves once the starting cursor is known. */
    async start(user) {
      this.stop();
      stopped = false;
      generation += 1;
      cursor = null;
      applied.clear();
      userId = user.id;
      try {
        cursor = await startingCursor();
      } finally {
        // Without a cursor (server unreachable) the first catch-up finds one and the views reload.
        connect();
      }
    },
    stop() {
      stopped = true;
      stopPolling();
      clearTimer(settleTimer);
      endMove();
      dropBus();
      setState('idle');
    },
  };
}

/**
 * A cursor is refused when the server no longer keeps what follows it (410 `cursor_expired`, from a
 * server of the version before resync answers) or does not read it at all (400, as after an upgrade
 * that changed the cursors' form): either way, start again from where the server is now.
 */
function isCursorRefused(e) {
  return e?.status === 410 || e?.status === 400 || /cursor_expired|too_old/i.test(e?.code || '');
}

/** The cursor an answer hands out; a server of the previous version called it `last`. */
function cursorOf(answer) {
  const c = answer?.cursor ?? answer?.last;
  return c === null || c === undefined || c === '' ? null : String(c);
}

function idOf(event) {
  const id = event?.id;
  return id === null || id === undefined || id === '' ? null : String(id);
}
