package dev.parley.auth;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live sessions a node has recently found in the database, so that a busy session is not looked
 * up on every request. Shared by every event loop of the node, hence concurrent maps and atomics.
 *
 * <p>Only sessions the database has just called alive are kept, each for {@code ttl} at most; a
 * session the database did not vouch for is never remembered, so unknown or revoked ids always reach
 * the database. Forgetting wins over a lookup that was under way: every {@link #forget} moves a
 * counter, and a lookup that started before the move does not keep what it found (the database may
 * have answered before the revocation committed).
 */
final class SessionMemory {

  private final long ttl;
  private final int capacity;
  private final Map<UUID, Sessions.Live> live = new ConcurrentHashMap<>();
  private final AtomicLong forgets = new AtomicLong();
  private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

  /** {@code ttlNanos} of zero or less keeps nothing. */
  SessionMemory(long ttlNanos, int capacity) {
    this.ttl = ttlNanos;
    this.capacity = capacity;
  }

  /** Taken before asking the database; hand it back to {@link #remember}. */
  long mark() {
    return forgets.get();
  }

  /** The remembered session if the database vouched for it less than {@code ttl} ago, else null. */
  Sessions.Live recall(UUID sessionId, long now) {
    Sessions.Live s = live.get(sessionId);
    if (s == null) {
      return null;
    }
    if (now - s.checkedAt() >= ttl) {
      live.remove(sessionId, s);
      return null;
    }
    return s;
  }

  /** Keeps a session the database found alive, unless something was forgotten since {@code mark}. */
  void remember(Sessions.Live s, long mark) {
    if (ttl <= 0) {
      return;
    }
    sweep(System.nanoTime());
    if (live.size() >= capacity) {
      return;
    }
    UUID id = s.viewer().sessionId();
    live.put(id, s);
    if (forgets.get() != mark) {
      live.remove(id, s);
    }
  }

  void forget(UUID sessionId) {
    forgets.incrementAndGet();
    live.remove(sessionId);
  }

  /** Forgets every session of a user: a scan, as this happens only when an admin changes the user. */
  void forgetUser(UUID userId) {
    forgets.incrementAndGet();
    live.values().removeIf(s -> s.viewer().userId().equals(userId));
  }

  int size() {
    return live.size();
  }

  /** Drops what is past its time, at most once per {@code ttl}, so the map holds only recent sessions. */
  private void sweep(long now) {
    long last = lastSweep.get();
    if (now - last >= ttl && lastSweep.compareAndSet(last, now)) {
      live.values().removeIf(s -> now - s.checkedAt() >= ttl);
    }
  }
}
