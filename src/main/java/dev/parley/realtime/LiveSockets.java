package dev.parley.realtime;

import dev.parley.auth.Viewer;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The open live sockets of one bridge and the session each was opened with (none for an anonymous
 * socket). Touched only from the bridge's own event loop, hence no locking.
 */
final class LiveSockets {

  private final Map<SockJSSocket, Viewer> viewers = new HashMap<>();
  private final Set<SockJSSocket> anonymous = new HashSet<>();

  void add(SockJSSocket socket, Viewer viewer) {
    if (viewer == null) {
      anonymous.add(socket);
    } else {
      viewers.put(socket, viewer);
    }
  }

  /** The viewer of an authenticated socket, else null. */
  Viewer viewer(SockJSSocket socket) {
    return viewers.get(socket);
  }

  void remove(SockJSSocket socket) {
    viewers.remove(socket);
    anonymous.remove(socket);
  }

  int size() {
    return viewers.size() + anonymous.size();
  }

  /** Closes the sockets of a session that ended, or of every session of the user when none is named. */
  int closeSession(UUID userId, UUID sessionId) {
    List<SockJSSocket> doomed = new ArrayList<>();
    viewers.forEach((socket, v) -> {
      if (v.userId().equals(userId) && (sessionId == null || v.sessionId().equals(sessionId))) {
        doomed.add(socket);
      }
    });
    doomed.forEach(this::close);
    return doomed.size();
  }

  Set<UUID> sessionIds() {
    Set<UUID> ids = new HashSet<>();
    viewers.values().forEach(v -> ids.add(v.sessionId()));
    return ids;
  }

  /** Closes every authenticated socket whose session is not among {@code alive}. */
  int closeAllBut(Set<UUID> alive) {
    List<SockJSSocket> doomed = new ArrayList<>();
    viewers.forEach((socket, v) -> {
      if (!alive.contains(v.sessionId())) {
        doomed.add(socket);
      }
    });
    doomed.forEach(this::close);
    return doomed.size();
  }

  void close(SockJSSocket socket) {
    remove(socket);
    socket.close();
  }
}
