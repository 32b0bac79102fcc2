package dev.parley.auth;

import dev.parley.Metrics;
import io.micrometer.core.instrument.Counter;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts attempts per key in fixed windows. Per node: a cluster of N nodes lets through at most N
 * times the limit, which still stops guessing at scale.
 */
public final class RateLimiter {

  private final int limit;
  private final long windowMillis;
  private final Clock clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private final Counter refused;

  /** A limit whose refusals are counted in {@code parley_rate_limit_refusals_total{limit="<name>"}}. */
  public RateLimiter(String name, int limit, Duration window, Clock clock, Metrics metrics) {
    this.limit = limit;
    this.windowMillis = window.toMillis();
    this.clock = clock;
    this.refused = metrics.counter("parley.rate.limit.refusals", "attempts refused by a rate limit", "limit", name);
  }

  /** Counts one attempt; false when the key has used up its attempts in the current window. */
  public boolean tryAcquire(String key) {
    long now = clock.millis();
    if (windows.size() > 100_000) {
      prune(now);
    }
    Window w = windows.compute(key, (k, old) ->
        old == null || now - old.start >= windowMillis ? new Window(now, 1) : new Window(old.start, old.count + 1));
    if (w.count > limit) {
      refused.increment();
      return false;
    }
    return true;
  }

  /** How long until the key's current window ends (at least a second): when to try again once refused. */
  public java.time.Duration retryAfter(String key) {
    Window w = windows.get(key);
    long left = w == null ? 0 : w.start + windowMillis - clock.millis();
    return java.time.Duration.ofSeconds(Math.max(1, (left + 999) / 1000));
  }

  /** The length of a window: a key refused now is let through again at the latest this long after. */
  public Duration window() {
    return Duration.ofMillis(windowMillis);
  }

  /** Forgets a key, for example after a successful sign-in. */
  public void reset(String key) {
    windows.remove(key);
  }

  private void prune(long now) {
    for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
      if (now - it.next().start >= windowMillis) {
        it.remove();
      }
    }
  }

  private record Window(long start, int count) {
  }
}
