// When a draft is saved: about two seconds after the last change, at once when the page is
// hidden or left (flush), one save at a time, and again after a failure. Pure (timers are passed
// in), so the schedule is tested without a browser; drafts.js says what a save sends.

/**
 * save({ keepalive }) resolves when the change is stored. onStatus(status, error) hears 'unsaved',
 * 'saving', 'saved' or 'error'. retryable(error) tells a passing failure (tried again after
 * retryMs) from a refusal (tried again only after the next change).
 */
export function createAutosave({
  save, delayMs = 2000, retryMs = 10_000, onStatus = () => {}, retryable = () => true,
  timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (t) => clearTimeout(t) },
}) {
  let timer = null;
  let dirty = false;
  let inFlight = null;
  let stopped = false;

  function schedule(ms) {
    timers.clear(timer);
    timer = timers.set(() => {
      timer = null;
      flush();
    }, ms);
  }

  function run(options) {
    dirty = false;
    onStatus('saving');
    // Called at once, not in a later task: a page being left sends its request now or never.
    let sent;
    try {
      sent = Promise.resolve(save(options));
    } catch (e) {
      sent = Promise.reject(e);
    }
    const attempt = sent.then(() => {
      if (!dirty) onStatus('saved');
    }, (error) => {
      // What failed is still to be saved; the person keeps typing meanwhile.
      dirty = true;
      onStatus('error', error);
      if (!stopped && retryable(error)) schedule(retryMs);
    });
    const tracked = attempt.finally(() => {
      if (inFlight === tracked) inFlight = null;
    });
    inFlight = tracked;
    return tracked;
  }

  /**
   * Saves now what is not saved yet. keepalive (a page being hidden or left) sends at once even
   * while an earlier save is under way, since the page may not live to see it answered.
   */
  function flush({ keepalive = false } = {}) {
    timers.clear(timer);
    timer = null;
    if (!dirty) return inFlight || Promise.resolve();
    if (inFlight && !keepalive) return inFlight.then(() => (dirty ? flush() : undefined));
    return run({ keepalive });
  }

  return {
    /** The content changed: save it once the typing pauses. */
    changed() {
      if (stopped) return;
      dirty = true;
      onStatus('unsaved');
      schedule(delayMs);
    },
    flush,
    /** True when something typed is not stored yet (or still on its way). */
    pending: () => dirty || inFlight !== null,
    /** Stops the timers (after a send or a discard); nothing more is saved. */
    stop() {
      stopped = true;
      dirty = false;
      timers.clear(timer);
      timer = null;
    },
  };
}
