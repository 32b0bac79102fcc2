package dev.parley.realtime;

import dev.parley.db.Pruner;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;

/**
 * Deletes events older than the retention window, in batches. Each batch runs under a PostgreSQL
 * advisory transaction lock, so with several nodes one prunes and the others skip the round. A client
 * whose cursor falls before the oldest kept event is told so ({@code 410 cursor_expired}) and reloads.
 */
public final class EventPruner extends Pruner {

  /** Advisory lock key of event pruning ("parley" + 1). */
  static final long LOCK_KEY = 0x7061726c65790001L;
  static final int BATCH = 5_000;

  private static final String LOCK = "select pg_try_advisory_xact_lock($1) as locked";
  private static final String PRUNE = """
      delete from events e using (
        select user_id, seq from events where created_at < now() - make_interval(secs => $1) limit $2
      ) doomed
      where e.user_id = doomed.user_id and e.seq = doomed.seq""";

  private final Pool pool;
  private final Duration retention;

  public EventPruner(Pool pool, Duration retention, Duration every) {
    super(every, BATCH);
    this.pool = pool;
    this.retention = retention;
  }

  @Override
  protected String what() {
    return "events older than " + retention.toDays() + " days";
  }

  /** One batch; -1 when another node is pruning right now. */
  @Override
  protected Future<Integer> pruneBatch() {
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK).execute(Tuple.of(LOCK_KEY)).compose(rows -> {
      if (!rows.iterator().next().getBoolean("locked")) {
        return Future.succeededFuture(-1);
      }
      return tx.preparedQuery(PRUNE).execute(Tuple.of((double) retention.toSeconds(), BATCH))
          .map(deleted -> deleted.rowCount());
    }));
  }
}
