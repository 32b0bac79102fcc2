package dev.parley.http;

import dev.parley.Deadline;
import dev.parley.Problem;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The door of the API, shared by a node's HTTP verticles. It gives each request its deadline (not
 * answered by then: 503 {@code unavailable}) and counts the requests in flight, so that a stopping
 * node can refuse new ones (503 with {@code Retry-After}, connection closed) and wait for those it has
 * taken to be answered.
 */
public final class Admission {

  private static final String WRITE_BY = "parley.writeBy";
  private static final String DEADLINE_TIMER = "parley.deadlineTimer";

  private final Duration timeout;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Promise<Void> drained = Promise.promise();
  private volatile boolean draining;

  public Admission(Duration timeout) {
    this.timeout = timeout;
  }

  /** The first handler of the API router. */
  public void handle(RoutingContext ctx) {
    // counted before the check, so that a drain that finds none in flight cannot miss this one
    inFlight.incrementAndGet();
    if (draining) {
      done();
      // Retry-After marks the refusal that took nothing on: sending the request again, to another
      // node, is always safe (the deadline's 503 below carries none: that request may have run)
      ctx.response().putHeader("Retry-After", "1");
      closeConnection(ctx);
      ctx.fail(Problem.unavailable("this server is stopping; try again shortly"));
      return;
    }
    // a client keeps no idle connection to a node that is stopping, where its next request would meet a closed port
    ctx.addHeadersEndHandler(v -> {
      if (draining) {
        closeConnection(ctx);
      }
    });
    // a write must have committed a tenth of the time before the request's own deadline, so that
    // its answer (201 or 503) is the one the client gets
    ctx.put(WRITE_BY, Deadline.after(timeout.minus(timeout.dividedBy(10))));
    long timer = ctx.vertx().setTimer(timeout.toMillis(), t -> {
      if (!ctx.response().ended()) {
        ctx.fail(Problem.unavailable("no answer in time; try again shortly"));
      }
    });
    ctx.put(DEADLINE_TIMER, timer);
    ctx.addEndHandler(ar -> {
      ctx.vertx().cancelTimer(timer);
      done();
    });
    ctx.next();
  }

  private static void closeConnection(RoutingContext ctx) {
    if (ctx.request().version() != HttpVersion.HTTP_2) {
      ctx.response().putHeader("Connection", "close");
    }
  }

  private void done() {
    if (inFlight.decrementAndGet() == 0 && draining) {
      drained.tryComplete();
    }
  }

  /** By when a write made for this request must have committed (null outside the API router). */
  public static Deadline writeBy(RoutingContext ctx) {
    return ctx.get(WRITE_BY);
  }

  /**
   * Takes the request's deadline away: a file's transfer may rightly take longer than any answer, so
   * its route watches the transfer's progress instead. It is still counted in flight.
   */
  public static void lift(RoutingContext ctx) {
    Long timer = ctx.get(DEADLINE_TIMER);
    if (timer != null) {
      ctx.vertx().cancelTimer(timer);
    }
  }

  /** Refuses new requests from now on; completes once every request taken has been answered. */
  public Future<Void> drain() {
    draining = true;
    if (inFlight.get() == 0) {
      drained.tryComplete();
    }
    return drained.future();
  }

  /** API requests taken and not yet answered. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Whether the node has begun to stop (readiness answers 503 from then on). */
  public boolean draining() {
    return draining;
  }
}
