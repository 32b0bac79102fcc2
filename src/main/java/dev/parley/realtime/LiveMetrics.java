package dev.parley.realtime;

import dev.parley.Metrics;
import dev.parley.events.CommitMetrics;
import dev.parley.events.Published;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/**
 * The live feed in figures, for this node: events written to sockets, events dropped (a socket cut off
 * for not reading, a write the transport failed because the socket had gone), and how long a change
 * took from its commit (on whichever node) to its frame being written to a socket here.
 */
final class LiveMetrics {

  private final Counter delivered;
  private final Counter slowConsumer;
  private final Counter socketGone;
  private final Timer commitToSocket;

  LiveMetrics(Metrics metrics) {
    delivered = metrics.counter("parley.live.events.delivered", "live events written to a socket on this node");
    slowConsumer = dropped(metrics, "slow_consumer");
    socketGone = dropped(metrics, "socket_gone");
    commitToSocket = metrics.latency("parley.live.commit.to.socket",
        "from a change's commit to its frame written to a live socket on this node");
  }

  private static Counter dropped(Metrics metrics, String reason) {
    return metrics.counter("parley.live.events.dropped", "live frames not delivered, by reason", "reason", reason);
  }

  /** An event's frame was written to a socket. */
  void delivered(Published change) {
    delivered.increment();
    long committed = change.committedNanos();
    if (committed != Published.UNKNOWN) {
      commitToSocket.record(Math.max(0, System.nanoTime() - committed), TimeUnit.NANOSECONDS);
    }
  }

  /** A socket with too much waiting was cut off: the event that found it so is not written. */
  void cutOff() {
    slowConsumer.increment();
  }

  /** The transport failed a frame written to it: the socket has gone. */
  Counter lost() {
    return socketGone;
  }

  /**
   * When the change was committed, on this node's {@link System#nanoTime()} clock: its commit time
   * (the publishing node's wall clock) moved by how long ago that was by this node's wall clock.
   */
  static long committedNanos(JsonObject change) {
    Long at = change.getLong(CommitMetrics.COMMITTED_AT);
    if (at == null) {
      return Published.UNKNOWN;
    }
    return System.nanoTime() - (CommitMetrics.epochMicros() - at) * 1_000;
  }
}
