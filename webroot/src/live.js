// The live connection: one SockJS event-bus socket registered on this user's address (the
// Vert.x bridge client), and catch-up from the cursor the server last handed out. Live push is the
// fast path; GET /api/events is the truth.

import EventBus from '@vertx/eventbus-bridge-client.js';
import { get, query } from './api.js';
import { createFeed } from './feed.js';

const feed = createFeed({
  openBus: () => new EventBus('/eventbus', {
    // The bridge closes a socket that says nothing for 10 s.
    vertxbus_ping_interval: 5_000,
    vertxbus_reconnect_delay_min: 500,
    vertxbus_reconnect_delay_max: 10_000,
  }),
  fetchEvents: (after) => get(`/api/events${query({ after })}`),
  onStateChange: (state) => {
    document.documentElement.dataset.live = state;
  },
});

export const onEvent = (fn) => feed.onEvent(fn);
export const onState = (fn) => feed.onState(fn);
export const onResync = (fn) => feed.onResync(fn);
export const start = (user) => feed.start(user);
export const stop = () => feed.stop();
export const catchUp = () => feed.catchUp();
