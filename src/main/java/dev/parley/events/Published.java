package dev.parley.events;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A change as a node received it from the bus, decoded once, with a memo for what its fan-out works
 * out once and uses for many sockets (the message it carries, the staff's encoded frames).
 */
public final class Published {

  private final Change change;
  private final Map<String, Object> memo = new ConcurrentHashMap<>();

  public Published(Change change) {
    this.change = change;
  }

  public Change change() {
    return change;
  }

  /** The value under {@code key}, computed by the first caller. */
  @SuppressWarnings("unchecked")
  public <T> T once(String key, Function<Change, T> compute) {
    return (T) memo.computeIfAbsent(key, k -> compute.apply(change));
  }
}
