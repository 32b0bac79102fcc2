package dev.parley.messaging;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Deletes Idempotency-Keys older than {@link IdempotencyKeys#KEPT}, in batches. Nodes pruning at
 * the same time skip each other's rows.
 */
public final class IdempotencyPruner extends VerticleBase {

  static final int BATCH = 5_000;
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyPruner.class);

  private final Pool pool;
  private final Duration every;
  private boolean running;

  public IdempotencyPruner(Pool pool, Duration every) {
    this.pool = pool;
    this.every = every;
  }

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

  /** Prunes until no expired key is left; answers the number deleted. */
  public Future<Long> pruneAll() {
    return pruneFrom(0L).onSuccess(n -> {
      if (n > 0) {
        LOG.info("pruned {} expired idempotency keys", n);
      }
    }).onFailure(e -> LOG.warn("idempotency key pruning failed: {}", e.getMessage()));
  }

  private Future<Long> pruneFrom(long total) {
    return IdempotencyKeys.prune(pool, BATCH).compose(n -> n < BATCH ? Future.succeededFuture(total + n) : pruneFrom(total + n));
  }
}
