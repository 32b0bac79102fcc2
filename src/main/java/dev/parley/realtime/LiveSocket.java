package dev.parley.realtime;

import dev.parley.auth.Viewer;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One open live socket as the bridge sees it: who opened it (null when anonymous), how many bytes
 * written to it are still waiting to leave, and which messages it was handed (for the audit row
 * written when it closes).
 *
 * <p>The bytes waiting are counted from the socket's own write acknowledgements: a write is
 * acknowledged once its bytes have left for the network (or the socket failed). That measures the
 * transport itself, whichever it is: a WebSocket's connection queue, an XHR stream's response, or
 * the SockJS session queue that grows while an XHR-polling client does not poll.
 */
final class LiveSocket {

  /** Message ids kept for the audit row; beyond this only the count grows. */
  static final int AUDITED_IDS = 100;

  final SockJSSocket socket;
  final Viewer viewer;
  private final AtomicLong waiting = new AtomicLong();
  private final Counter lost;
  private final List<String> delivered = new ArrayList<>();
  private int deliveredCount;
  /** Registered on its person's address: it receives that person's changes. */
  boolean registered;
  /** When the client last pinged (or opened), in {@link System#nanoTime()}. */
  private long lastPing = System.nanoTime();

  LiveSocket(SockJSSocket socket, Viewer viewer, Counter lost) {
    this.socket = socket;
    this.viewer = viewer;
    this.lost = lost;
  }

  void pinged(long at) {
    lastPing = at;
  }

  long lastPing() {
    return lastPing;
  }

  /**
   * Writes a frame and counts its bytes as waiting until the transport acknowledges them; a frame the
   * transport fails (the socket has gone) is counted as lost.
   */
  void write(Buffer frame) {
    int bytes = frame.length();
    waiting.addAndGet(bytes);
    socket.write(frame).onComplete(ar -> {
      waiting.addAndGet(-bytes);
      if (ar.failed()) {
        lost.increment();
      }
    });
  }

  /** Bytes written and not yet gone to the network. */
  long waiting() {
    return waiting.get();
  }

  void delivered(String messageId) {
    deliveredCount++;
    if (delivered.size() < AUDITED_IDS) {
      delivered.add(messageId);
    }
  }

  /** The first {@value #AUDITED_IDS} message ids delivered. */
  List<String> deliveredIds() {
    return delivered;
  }

  int deliveredCount() {
    return deliveredCount;
  }
}
