package dev.parley.realtime;

import dev.parley.auth.Viewer;
import io.micrometer.core.instrument.Counter;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The open live sockets of one bridge and the session each was opened with (none for an anonymous
 * socket). Touched only from the bridge's own event loop, hence no locking. Every socket leaves
 * through {@link #remove} or {@link #close}, which hand it to {@code gone} once.
 */
final class LiveSockets {

  private final Map<SockJSSocket, LiveSocket> open = new HashMap<>();
  /** The registered sockets of each person: where a change for that person goes. */
  private final Map<UUID, List<LiveSocket>> byPerson = new HashMap<>();
  private final Consumer<LiveSocket> gone;
  private final java.util.function.BiConsumer<UUID, Integer> counted;
  /** Counts the frames a socket's transport failed to write. */
  private final Counter lost;

  LiveSockets(Consumer<LiveSocket> gone, java.util.function.BiConsumer<UUID, Integer> counted, Counter lost) {
    this.gone = gone;
    this.counted = counted;
    this.lost = lost;
  }

  LiveSocket add(SockJSSocket socket, Viewer viewer) {
    LiveSocket live = new LiveSocket(socket, viewer, lost);
    open.put(socket, live);
    return live;
  }

  /** The socket now receives its person's changes. */
  void register(LiveSocket live) {
    if (!live.registered && live.viewer != null) {
      live.registered = true;
      byPerson.computeIfAbsent(live.viewer.userId(), k -> new ArrayList<>(1)).add(live);
      counted.accept(live.viewer.userId(), 1);
    }
  }

  void unregister(LiveSocket live) {
    if (live.registered) {
      live.registered = false;
      List<LiveSocket> theirs = byPerson.get(live.viewer.userId());
      counted.accept(live.viewer.userId(), -1);
      if (theirs != null) {
        theirs.remove(live);
        if (theirs.isEmpty()) {
          byPerson.remove(live.viewer.userId());
        }
      }
    }
  }

  /** Every registered socket, as a list of its own. */
  List<LiveSocket> registered() {
    List<LiveSocket> all = new ArrayList<>();
    byPerson.values().forEach(all::addAll);
    return all;
  }

  /** Every open socket, as a list of its own. */
  List<LiveSocket> all() {
    return new ArrayList<>(open.values());
  }

  /** The person's registered sockets, or null. */
  List<LiveSocket> of(UUID person) {
    return byPerson.get(person);
  }

  /** Closes the sockets whose last ping is before {@code since} (nanoTime). */
  int closeSilentSince(long since) {
    List<SockJSSocket> closing = new ArrayList<>();
    open.forEach((socket, s) -> {
      if (s.lastPing() - since < 0) {
        closing.add(socket);
      }
    });
    closing.forEach(this::close);
    return closing.size();
  }

  /** The socket's state while it is open, else null. */
  LiveSocket get(SockJSSocket socket) {
    return open.get(socket);
  }

  /** The viewer of an authenticated socket, else null. */
  Viewer viewer(SockJSSocket socket) {
    LiveSocket live = open.get(socket);
    return live == null ? null : live.viewer;
  }

  void remove(SockJSSocket socket) {
    LiveSocket live = open.remove(socket);
    if (live != null) {
      unregister(live);
      gone.accept(live);
    }
  }

  int size() {
    return open.size();
  }

  /** Closes the sockets of a session that ended, or of every session of the user when none is named. */
  int closeSession(UUID userId, UUID sessionId) {
    return closeWhere(v -> v.userId().equals(userId) && (sessionId == null || v.sessionId().equals(sessionId)));
  }

  Set<UUID> sessionIds() {
    Set<UUID> ids = new HashSet<>();
    open.values().forEach(s -> {
      if (s.viewer != null) {
        ids.add(s.viewer.sessionId());
      }
    });
    return ids;
  }

  /** Closes every authenticated socket whose session is not among {@code alive}. */
  int closeAllBut(Set<UUID> alive) {
    return closeWhere(v -> !alive.contains(v.sessionId()));
  }

  private int closeWhere(java.util.function.Predicate<Viewer> doomed) {
    List<SockJSSocket> closing = new ArrayList<>();
    open.forEach((socket, s) -> {
      if (s.viewer != null && doomed.test(s.viewer)) {
        closing.add(socket);
      }
    });
    closing.forEach(this::close);
    return closing.size();
  }

  void close(SockJSSocket socket) {
    remove(socket);
    socket.close();
  }

  /** Closes with a WebSocket status and reason (the plain WebSocket transport; SockJS sessions end as by {@link #close(SockJSSocket)}). */
  void close(SockJSSocket socket, int status, String reason) {
    remove(socket);
    socket.close(status, reason);
  }
}
