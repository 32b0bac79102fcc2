package dev.parley.messaging;

import dev.parley.db.Pruner;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.time.Duration;

/**
 * Deletes Idempotency-Keys older than {@link IdempotencyKeys#KEPT}. Nodes pruning at the same time
 * skip each other's rows.
 */
public final class IdempotencyPruner extends Pruner {

  static final int BATCH = 5_000;

  private final Pool pool;

  public IdempotencyPruner(Pool pool, Duration every) {
    super(every, BATCH);
    this.pool = pool;
  }

  @Override
  protected Future<Integer> pruneBatch() {
    return IdempotencyKeys.prune(pool, BATCH);
  }

  @Override
  protected String what() {
    return "expired idempotency keys";
  }
}
