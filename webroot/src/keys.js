// Two-key shortcuts ("g" then "i"): which binding a key completes, given the keys before it.
// Pure (the clock is passed in), so sequences are tested without a browser.

/**
 * bindings: { 'g i': action, 'e': action, 'Shift+U': action, ... } (keys as KeyboardEvent.key,
 * with "Shift+" for a shifted letter). press(event, now) answers the action a key completes,
 * 'pending' while a sequence is under way, 'cancelled' for a key that ends one unmatched (it does
 * nothing else), or null for a key bound to nothing here. A sequence waits `timeoutMs` for its
 * next key; any other key ends it.
 */
export function createSequences(bindings, { timeoutMs = 1500 } = {}) {
  const table = new Map(Object.entries(bindings));
  const prefixes = new Set([...table.keys()].filter((k) => k.includes(' ')).map((k) => k.split(' ')[0]));
  let pending = null;

  return {
    press({ key, shiftKey = false }, now = Date.now()) {
      const name = keyName(key, shiftKey);
      if (pending && now - pending.at <= timeoutMs) {
        const combo = `${pending.key} ${name}`;
        pending = null;
        return table.get(combo) ?? 'cancelled';
      }
      pending = null;
      if (prefixes.has(name)) {
        pending = { key: name, at: now };
        return 'pending';
      }
      return table.get(name) ?? null;
    },
    reset() {
      pending = null;
    },
  };
}

/** "U" with Shift is "Shift+U"; a lone lower-case letter is itself. */
export function keyName(key, shiftKey) {
  if (shiftKey && /^[a-zA-Z]$/.test(key)) return `Shift+${key.toUpperCase()}`;
  return key;
}
