package dev.parley.realtime;

import dev.parley.db.Pruner;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;

/**
 * Deletes changes (the live feed's rows) older than the retention window, in batches, and remembers
 * per company the newest position it deleted: a client whose cursor is before it is told to resync
 * and reloads. Each batch runs under a PostgreSQL advisory transaction lock, so with several nodes
 * one prunes and the others skip the round.
 */
public final class EventPruner extends Pruner {

  /** Advisory lock key of event pruning ("parley" + 1). */
  static final long LOCK_KEY = 0x7061726c65790001L;
  static final int BATCH = 5_000;

  private static final String LOCK = "select pg_try_advisory_xact_lock($1) as locked";
  private static final String PRUNE = """
      with gone as (
        delete from changes c using (
          select ctid from changes where created_at < now() - make_interval(secs => $1) limit $2
        ) doomed
        where c.ctid = doomed.ctid
        returning c.company_id, c.xid, c.seq),
      newest as (
        select distinct on (company_id) company_id, xid, seq from gone order by company_id, xid desc, seq desc),
      kept as (
        insert into changes_pruned (company_id, xid, seq) select company_id, xid, seq from newest
        on conflict (company_id) do update set xid = excluded.xid, seq = excluded.seq
         where (changes_pruned.xid, changes_pruned.seq) < (excluded.xid, excluded.seq))
      select count(*)::int as deleted from gone""";

  private final Pool pool;
  private final Duration retention;

  public EventPruner(Pool pool, Duration retention, Duration every) {
    super(every, BATCH);
    this.pool = pool;
    this.retention = retention;
  }

  @Override
  protected String what() {
    return "live-feed changes older than " + retention.toDays() + " days";
  }

  /** One batch; -1 when another node is pruning right now. */
  @Override
  protected Future<Integer> pruneBatch() {
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK).execute(Tuple.of(LOCK_KEY)).compose(rows -> {
      if (!rows.iterator().next().getBoolean("locked")) {
        return Future.succeededFuture(-1);
      }
      return tx.preparedQuery(PRUNE).execute(Tuple.of((double) retention.toSeconds(), BATCH))
          .map(deleted -> deleted.iterator().next().getInteger("deleted"));
    }));
  }
}
