package dev.parley.files;

import dev.parley.db.Pruner;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Deletes files no message named within {@link #KEPT} of their upload (and uploads that never
 * finished), their bytes first. Rows are taken with {@code SKIP LOCKED}, so nodes pruning at once
 * share the work, and a send claiming a file right now keeps it.
 */
public final class AttachmentPruner extends Pruner {

  public static final Duration KEPT = Duration.ofDays(1);
  static final int BATCH = 500;
  private static final String EXPIRED = """
      select id from attachments where message_id is null and created_at < $1
       order by created_at limit $2 for update skip locked""";

  private final Pool pool;
  private final Uploads uploads;
  private final Clock clock;

  public AttachmentPruner(Pool pool, Uploads uploads, Clock clock, Duration every) {
    super(every, BATCH);
    this.pool = pool;
    this.uploads = uploads;
    this.clock = clock;
  }

  @Override
  protected Future<Integer> pruneBatch() {
    OffsetDateTime before = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).minus(KEPT);
    return pool.withTransaction(tx -> tx.preparedQuery(EXPIRED).execute(Tuple.of(before, BATCH)).compose(rows -> {
      List<UUID> ids = new ArrayList<>();
      rows.forEach(r -> ids.add(r.getUUID("id")));
      return ids.isEmpty() ? Future.succeededFuture(0) : uploads.forget(tx, ids).map(ids.size());
    }));
  }

  @Override
  protected String what() {
    return "unclaimed attachments";
  }
}
