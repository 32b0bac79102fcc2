package dev.parley.events;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A change as a node received it from the bus, decoded once, with a memo for what its fan-out works
 * out once and uses for many sockets (the message it carries, the staff's encoded frames).
 */
public final class Published {

  /** {@link #committedNanos()} of a change that did not say when it was committed. */
  public static final long UNKNOWN = Long.MIN_VALUE;

  private final Change change;
  private final long committedNanos;
  private final Map<String, Object> memo = new ConcurrentHashMap<>();

  public Published(Change change) {
    this(change, UNKNOWN);
  }

  /** {@code committedNanos}: when the change was committed, on this node's {@link System#nanoTime()} clock. */
  public Published(Change change, long committedNanos) {
    this.change = change;
    this.committedNanos = committedNanos;
  }

  public Change change() {
    return change;
  }

  /** When the change was committed, on this node's {@link System#nanoTime()} clock, or {@link #UNKNOWN}. */
  public long committedNanos() {
    return committedNanos;
  }

  /**
   * The value under {@code key}, computed once (two callers racing may both compute it; the first one
   * stored wins). Not computeIfAbsent: a computation may itself ask for another key.
   */
  @SuppressWarnings("unchecked")
  public <T> T once(String key, Function<Change, T> compute) {
    Object known = memo.get(key);
    if (known == null) {
      T made = compute.apply(change);
      if (made == null) {
        return null;
      }
      known = memo.putIfAbsent(key, made);
      if (known == null) {
        known = made;
      }
    }
    return (T) known;
  }
}
