package dev.parley;

import dev.parley.events.GroupCommit;
import dev.parley.http.Admission;
import dev.parley.realtime.LiveHub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How a node stops without its users noticing, so that the nodes of a cluster can be restarted one
 * by one. All within {@code PARLEY_SHUTDOWN_SECONDS}, in this order:
 * <ol>
 *   <li>at once: readiness answers 503 and new API requests are refused (503, {@code Retry-After},
 *       connection closed); new live sockets are refused (503) and each open one is told to
 *       reconnect elsewhere; the background workers stop, so the outbox starts no new batch (the
 *       emails it is sending finish, the rest of its batch is handed back for another node);</li>
 *   <li>the API requests already taken are answered, then the writes already handed to the group
 *       commit end; live sockets still open after a short patience are closed;</li>
 *   <li>the rest stops: the HTTP server, the database pool, the cluster membership (a graceful
 *       leave) and the embedded servers, with what is left of the time.</li>
 * </ol>
 * One line is logged as the drain begins and one when the node has stopped, saying what was left.
 */
final class Drain {

  private static final Logger LOG = LoggerFactory.getLogger(Drain.class);
  /** How long live sockets told to go elsewhere have before the node closes them, at most. */
  static final Duration LIVE_PATIENCE = Duration.ofSeconds(5);
  /** The longest part of the time kept for the last step (pool, cluster, embedded servers). */
  private static final Duration FINAL_STEP = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final Admission admission;
  private final LiveHub live;
  private final GroupCommit writes;
  private final Duration budget;

  Drain(Vertx vertx, Admission admission, LiveHub live, GroupCommit writes, Duration budget) {
    this.vertx = vertx;
    this.admission = admission;
    this.live = live;
    this.writes = writes;
    this.budget = budget;
  }

  /**
   * Drains, stopping {@code workers} (deployment ids) first, then runs {@code stopTheRest}; completes
   * within the budget (failed when a step had to be cut short).
   */
  Future<Void> run(List<String> workers, Supplier<Future<Void>> stopTheRest) {
    long started = System.nanoTime();
    long total = Math.max(1, budget.toMillis());
    long drainEnds = started + TimeUnit.MILLISECONDS.toNanos(total - Math.min(FINAL_STEP.toMillis(), total / 4));
    Duration patience = LIVE_PATIENCE.compareTo(budget.dividedBy(4)) < 0 ? LIVE_PATIENCE : budget.dividedBy(4);
    LOG.info("draining (stopping within {} s): refusing new API requests and live sockets; {} API requests in flight, "
            + "{} live sockets told to reconnect elsewhere, {} writes pending",
        budget.toSeconds(), admission.inFlight(), live.sockets(), writes.pending());

    Future<Void> requests = admission.drain();
    Future<LiveHub.Drained> sockets = live.drain(patience);
    Future<Void> stopped = undeploy(workers);
    Future<Void> answered = Future.join(requests, stopped).mapEmpty();
    Future<Void> drained = within(answered, drainEnds)
        .transform(ar -> within(writes.close(), drainEnds))
        .transform(ar -> within(sockets.mapEmpty(), drainEnds));
    return drained.transform(ar -> {
      Left left = new Left(admission.inFlight(), writes.pending(), sockets.result(), stopped.succeeded(),
          (System.nanoTime() - started) / 1_000_000);
      long end = started + TimeUnit.MILLISECONDS.toNanos(total);
      return within(stopTheRest.get(), end).transform(closed -> {
        logEnd(left, closed.succeeded(), (System.nanoTime() - started) / 1_000_000);
        return ar.succeeded() && closed.succeeded() ? Future.<Void>succeededFuture()
            : Future.<Void>failedFuture("the node stopped before its drain was complete");
      });
    });
  }

  private Future<Void> undeploy(List<String> ids) {
    List<Future<Void>> each = new ArrayList<>();
    for (String id : ids) {
      each.add(vertx.undeploy(id));
    }
    return Future.join(each).mapEmpty();
  }

  private static Future<Void> within(Future<Void> step, long deadline) {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    return step.timeout(Math.max(1, left), TimeUnit.MILLISECONDS);
  }

  private void logEnd(Left left, boolean closed, long millis) {
    LiveHub.Drained s = left.sockets() == null ? new LiveHub.Drained(0, 0, 0) : left.sockets();
    String message = "stopped after {} ms, drained in {} ms (limit {} s): {} API requests unanswered, {} writes unanswered; "
        + "live sockets: {} told to reconnect elsewhere, {} left by themselves, {} closed by the node{}; background workers {}; {}";
    Object[] args = {millis, left.drainedMillis(), budget.toSeconds(), left.requests(), left.writes(), s.told(), s.left(), s.closed(),
        left.sockets() == null ? " (not all closed in time)" : "",
        left.workersStopped() ? "stopped" : "not all stopped in time (their emails are taken again when their lease ends)",
        !closed ? "the pool, cluster membership or embedded servers did not close in time"
            : vertx.isClustered() ? "left the cluster" : "closed"};
    if (left.requests() == 0 && left.writes() == 0 && left.sockets() != null && left.workersStopped() && closed) {
      LOG.info(message, args);
    } else {
      LOG.warn(message, args);
    }
  }

  /** What the drain left undone: requests and writes unanswered, the sockets' fate (null: not known in time). */
  private record Left(int requests, int writes, LiveHub.Drained sockets, boolean workersStopped, long drainedMillis) {
  }
}
