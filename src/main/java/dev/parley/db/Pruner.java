package dev.parley.db;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Deletes rows that are no longer kept, in batches, every so often (first within a minute of the
 * start), one round at a time. A subclass says what one batch deletes.
 */
public abstract class Pruner extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(Pruner.class);

  private final Duration every;
  private final int batch;
  private boolean running;

  protected Pruner(Duration every, int batch) {
    this.every = every;
    this.batch = batch;
  }

  /** Deletes up to the batch size of rows; answers how many, or -1 when another node is pruning right now. */
  protected abstract Future<Integer> pruneBatch();

  /** The rows for the log, as in "pruned 12 &lt;what&gt;". */
  protected abstract String what();

  @Override
  public Future<?> start() {
    vertx.setPeriodic(Math.min(60_000, every.toMillis()), every.toMillis(), id -> {
      if (!running) {
        running = true;
        pruneAll().onComplete(ar -> running = false);
      }
    });
    return Future.succeededFuture();
  }

  /** Prunes until nothing old is left or another node prunes; answers the number deleted. */
  public Future<Long> pruneAll() {
    return pruneFrom(0L).onSuccess(n -> {
      if (n > 0) {
        LOG.info("pruned {} {}", n, what());
      }
    }).onFailure(e -> LOG.warn("pruning {} failed: {}", what(), e.getMessage()));
  }

  private Future<Long> pruneFrom(long total) {
    return pruneBatch().compose(n -> n < 0 ? Future.succeededFuture(total)
        : n < batch ? Future.succeededFuture(total + n) : pruneFrom(total + n));
  }
}
