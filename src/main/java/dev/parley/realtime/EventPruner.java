package dev.parley.realtime;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Deletes events older than the retention window, in batches. Each batch runs under a PostgreSQL
 * advisory transaction lock, so with several nodes one prunes and the others skip the round. A client
 * whose cursor falls before the oldest kept event is told so ({@code 410 cursor_expired}) and reloads.
 */
public final class EventPruner extends VerticleBase {

  /** Advisory lock key of event pruning ("parley" + 1). */
  static final long LOCK_KEY = 0x7061726c65790001L;
  static final int BATCH = 5_000;

  private static final Logger LOG = LoggerFactory.getLogger(EventPruner.class);
  private static final String LOCK = "select pg_try_advisory_xact_lock($1) as locked";
  private static final String PRUNE = """
      delete from events e using (
        select user_id, seq from events where created_at < now() - make_interval(secs => $1) limit $2
      ) doomed
      where e.user_id = doomed.user_id and e.seq = doomed.seq""";

  private final Pool pool;
  private final Duration retention;
  private final Duration every;
  private boolean running;

  public EventPruner(Pool pool, Duration retention, Duration every) {
    this.pool = pool;
    this.retention = retention;
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

  /** Prunes until nothing old is left or another node holds the lock; answers the number deleted. */
  public Future<Long> pruneAll() {
    return pruneFrom(0L).onSuccess(n -> {
      if (n > 0) {
        LOG.info("pruned {} events older than {} days", n, retention.toDays());
      }
    }).onFailure(e -> LOG.warn("event pruning failed: {}", e.getMessage()));
  }

  private Future<Long> pruneFrom(long total) {
    return pruneBatch().compose(n -> n < 0 ? Future.succeededFuture(total)
        : n < BATCH ? Future.succeededFuture(total + n) : pruneFrom(total + n));
  }

  /** One batch; -1 when another node is pruning right now. */
  Future<Integer> pruneBatch() {
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK).execute(Tuple.of(LOCK_KEY)).compose(rows -> {
      if (!rows.iterator().next().getBoolean("locked")) {
        return Future.succeededFuture(-1);
      }
      return tx.preparedQuery(PRUNE).execute(Tuple.of((double) retention.toSeconds(), BATCH))
          .map(deleted -> deleted.rowCount());
    }));
  }
}
