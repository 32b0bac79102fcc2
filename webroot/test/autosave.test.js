// Drafts save themselves about two seconds after the last keystroke, once per pause, at once when
// the page is hidden, and again after a failed save: nothing typed is lost.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAutosave } from '../src/autosave.js';

/** A clock the test moves by hand. */
function fakeTimers() {
  let now = 0;
  let seq = 0;
  const pending = new Map();
  return {
    timers: {
      set: (fn, ms) => {
        seq += 1;
        pending.set(seq, { fn, at: now + ms });
        return seq;
      },
      clear: (id) => pending.delete(id),
    },
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        const next = [...pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        pending.delete(next[0]);
        now = next[1].at;
        next[1].fn();
        await settle();
      }
      now = until;
      await settle();
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function recorder() {
  const saves = [];
  const statuses = [];
  return { saves, statuses, save: async (options) => saves.push(options), onStatus: (s) => statuses.push(s) };
}

test('typing saves once, two seconds after the last keystroke', async () => {
  const clock = fakeTimers();
  const r = recorder();
  const autosave = createAutosave({ save: r.save, onStatus: r.onStatus, timers: clock.timers });
  for (let i = 0; i < 10; i += 1) {
    autosave.changed();
    await clock.advance(500);
  }
  assert.equal(r.saves.length, 0, 'no save while the person keeps typing');
  await clock.advance(1499);
  assert.equal(r.saves.length, 0);
  await clock.advance(1);
  assert.deepEqual(r.saves, [{ keepalive: false }]);
  assert.deepEqual(r.statuses.slice(-2), ['saving', 'saved']);
  assert.equal(autosave.pending(), false);
});

test('hiding or leaving the page saves at once, with keepalive, and not again later', async () => {
  const clock = fakeTimers();
  const r = recorder();
  const autosave = createAutosave({ save: r.save, timers: clock.timers });
  autosave.changed();
  await clock.advance(300);
  await autosave.flush({ keepalive: true });
  assert.deepEqual(r.saves, [{ keepalive: true }]);
  await clock.advance(5000);
  assert.equal(r.saves.length, 1);
});

test('a flush with nothing changed sends nothing', async () => {
  const clock = fakeTimers();
  const r = recorder();
  const autosave = createAutosave({ save: r.save, timers: clock.timers });
  await autosave.flush({ keepalive: true });
  assert.equal(r.saves.length, 0);
});

test('changes made while a save is on its way are saved by one more save after it', async () => {
  const clock = fakeTimers();
  let release;
  const saves = [];
  const save = (options) => {
    saves.push(options);
    return saves.length === 1 ? new Promise((resolve) => { release = resolve; }) : Promise.resolve();
  };
  const autosave = createAutosave({ save, timers: clock.timers });
  autosave.changed();
  await clock.advance(2000);
  assert.equal(saves.length, 1);
  autosave.changed();
  await clock.advance(2000);
  assert.equal(saves.length, 1, 'never two ordinary saves at once');
  release();
  await settle();
  await settle();
  assert.equal(saves.length, 2);
  assert.equal(autosave.pending(), false);
});

test('leaving the page while a save is on its way sends the latest text at once', async () => {
  const clock = fakeTimers();
  const saves = [];
  const save = (options) => {
    saves.push(options);
    return saves.length === 1 ? new Promise(() => {}) : Promise.resolve();
  };
  const autosave = createAutosave({ save, timers: clock.timers });
  autosave.changed();
  await clock.advance(2000);
  autosave.changed();
  autosave.flush({ keepalive: true });
  assert.deepEqual(saves, [{ keepalive: false }, { keepalive: true }]);
});

test('a failed save says so and is tried again, with what was typed since', async () => {
  const clock = fakeTimers();
  let fail = true;
  const saves = [];
  const statuses = [];
  const save = async () => {
    saves.push(1);
    if (fail) throw new Error('offline');
  };
  const autosave = createAutosave({ save, retryMs: 10_000, onStatus: (s) => statuses.push(s), timers: clock.timers });
  autosave.changed();
  await clock.advance(2000);
  assert.equal(statuses.at(-1), 'error');
  assert.equal(autosave.pending(), true);
  fail = false;
  await clock.advance(10_000);
  assert.equal(saves.length, 2);
  assert.equal(statuses.at(-1), 'saved');
  assert.equal(autosave.pending(), false);
});

test('a save the server refuses is not repeated until the text changes again', async () => {
  const clock = fakeTimers();
  const saves = [];
  const save = async () => {
    saves.push(1);
    if (saves.length === 1) throw Object.assign(new Error('refused'), { status: 400 });
  };
  const autosave = createAutosave({ save, retryable: (e) => e.status >= 500, timers: clock.timers });
  autosave.changed();
  await clock.advance(60_000);
  assert.equal(saves.length, 1);
  autosave.changed();
  await clock.advance(2000);
  assert.equal(saves.length, 2);
  assert.equal(autosave.pending(), false);
});

test('after a send or a discard nothing more is saved', async () => {
  const clock = fakeTimers();
  const r = recorder();
  const autosave = createAutosave({ save: r.save, timers: clock.timers });
  autosave.changed();
  autosave.stop();
  await clock.advance(5000);
  await autosave.flush({ keepalive: true });
  autosave.changed();
  await clock.advance(5000);
  assert.equal(r.saves.length, 0);
});
