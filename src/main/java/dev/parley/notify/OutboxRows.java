package dev.parley.notify;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The outbox as the worker sees it. A claim is one statement: it locks due rows with
 * {@code FOR UPDATE SKIP LOCKED} (so workers on any number of nodes take disjoint rows), counts the
 * attempt, fixes the Message-ID on the first claim and pushes {@code next_attempt_at} out by the
 * lease, so a row whose worker dies is claimed again when the lease runs out. Outcomes are recorded
 * only by the holder of the attempt; a worker that stops hands back the rows it did not send.
 */
final class OutboxRows {

  private static final String CLAIM = """
      with claimed as (
        update outbox o
           set attempts = o.attempts + 1,
               next_attempt_at = now() + make_interval(secs => $2),
               message_id = coalesce(o.message_id, case
                 when o.kind = 'notification' then '<m.' || (o.payload->>'messageId') || '.' || o.recipient_id || '@' || $3 || '>'
                 else '<' || replace(o.kind, '_', '-') || '.' || o.id || '@' || $3 || '>' end)
          from (select id from outbox
                 where status = 'pending' and next_attempt_at <= now()
                 order by next_attempt_at
                 limit $1
                 for update skip locked) due
         where o.id = due.id
        returning o.id, o.company_id, o.kind, o.recipient_id, o.payload, o.attempts, o.message_id,
                  now() - o.queued_at >= make_interval(secs => $4) as overdue)
      select c.*, co.name as company_name, co.convenience_mode, u.email, u.name, u.role, u.active
        from claimed c
        join companies co on co.id = c.company_id
        left join users u on u.id = c.recipient_id and u.company_id = c.company_id""";
  private static final String SENT = """
      update outbox set status = 'sent', sent_at = now(), last_error = null
       where id = $1 and attempts = $2 and status = 'pending'""";
  private static final String RETRY = """
      update outbox set next_attempt_at = now() + make_interval(secs => $3), last_error = $4
       where id = $1 and attempts = $2 and status = 'pending'""";
  private static final String FAILED = """
      update outbox set status = 'failed', last_error = $3
       where id = $1 and attempts = $2 and status = 'pending'""";
  // the claim counted an attempt that never happened: take it back, and make the row due at once
  private static final String RELEASE = """
      update outbox o set attempts = o.attempts - 1, next_attempt_at = now()
        from unnest($1::uuid[], $2::int[]) as held(id, attempts)
       where o.id = held.id and o.attempts = held.attempts and o.status = 'pending'""";

  private final Pool pool;
  private final String replyDomain;

  OutboxRows(Pool pool, String replyDomain) {
    this.pool = pool;
    this.replyDomain = replyDomain;
  }

  /**
   * Up to {@code limit} due rows, leased to this worker for {@code lease}; each says whether it was
   * queued longer than {@code giveUpAfter} ago.
   */
  Future<List<Claimed>> claim(int limit, Duration lease, Duration giveUpAfter) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(limit, seconds(lease), replyDomain, seconds(giveUpAfter))).map(rows -> {
      List<Claimed> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(Claimed.fromRow(r));
      }
      return out;
    });
  }

  Future<Void> sent(Claimed row) {
    return pool.preparedQuery(SENT).execute(Tuple.of(row.id(), row.attempts())).mapEmpty();
  }

  Future<Void> retry(Claimed row, Duration after, String error) {
    return pool.preparedQuery(RETRY).execute(Tuple.of(row.id(), row.attempts(), seconds(after), clip(error))).mapEmpty();
  }

  Future<Void> failed(Claimed row, String error) {
    return pool.preparedQuery(FAILED).execute(Tuple.of(row.id(), row.attempts(), clip(error))).mapEmpty();
  }

  /** Hands rows this worker claimed but never tried back to the queue, due now. */
  Future<Void> release(List<Claimed> held) {
    UUID[] ids = new UUID[held.size()];
    Integer[] attempts = new Integer[held.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = held.get(i).id();
      attempts[i] = held.get(i).attempts();
    }
    return pool.preparedQuery(RELEASE).execute(Tuple.tuple().addArrayOfUUID(ids).addArrayOfInteger(attempts)).mapEmpty();
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  private static String clip(String s) {
    String v = s == null ? "unknown error" : s;
    return v.length() > 1000 ? v.substring(0, 1000) : v;
  }
}
