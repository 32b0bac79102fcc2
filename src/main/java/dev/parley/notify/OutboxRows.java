package dev.parley.notify;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The outbox as the worker sees it. A claim is one statement: it locks due rows with
 * {@code FOR UPDATE SKIP LOCKED} (so workers on any number of nodes take disjoint rows), counts the
 * attempt, fixes the Message-ID on the first claim and pushes {@code next_attempt_at} out by the
 * lease, so a row whose worker dies is claimed again when the lease runs out. Outcomes are recorded
 * only by the holder of the attempt; a worker that stops hands back the rows it did not send.
 *
 * <p>A notification that waits for its reader is skipped by the claim when the reader opened the
 * message in the platform by then; the claim takes the recipient's other waiting rows of that thread
 * with it, and they become one email whose outcome is written for all of them in one statement.
 */
final class OutboxRows {

  // due message jobs, with the other waiting jobs of their threads (what arrived within the delay),
  // become one notification row per recipient who has not read the message and has not left the
  // thread (as the unread counts have it; each recipient when the company's delay is 0); the jobs are
  // done in the same statement, so no two workers expand one job. A job whose payload names no
  // message is done with no rows: a cast error would fail every round.
  private static final String EXPAND = """
      with due as (
        select id, payload->>'threadId' as thread_id from outbox
         where status = 'pending' and kind = 'message' and next_attempt_at <= now()
         order by next_attempt_at
         limit $1
         for update skip locked),
      joined as (
        select o.id from outbox o
         where o.status = 'pending' and o.kind = 'message'
           and o.payload->>'threadId' in (select thread_id from due)
           and o.id not in (select id from due)
         for update skip locked),
      jobs as (
        update outbox o set status = 'sent', sent_at = now(), attempts = o.attempts + 1
         where o.id in (select id from due union all select id from joined)
        returning o.company_id, o.payload, o.waits_for_reader, o.queued_at),
      made as (
        insert into outbox (company_id, kind, recipient_id, payload, next_attempt_at, waits_for_reader, queued_at)
        select j.company_id, 'notification', r.user_id, j.payload, now(), j.waits_for_reader, j.queued_at
          from jobs j
          join message_recipients r
            on r.message_id = case when j.payload->>'messageId' ~* $2 then (j.payload->>'messageId')::uuid end
          -- a person who turned email for new messages off on their account screen gets none
          join users nu on nu.id = r.user_id and nu.email_notifications
         where not j.waits_for_reader
            or (r.read_at is null and not exists (
                  select 1 from thread_participants tp
                   where tp.thread_id = r.thread_id and tp.user_id = r.user_id and tp.left_at is not null))
        returning 1)
      select (select count(*) from jobs)::int as jobs, (select count(*) from made)::int as made""";
  // due rows, plus the other waiting rows of each waiting row's recipient and thread (those due, and
  // those never tried, which no other worker can hold); rows whose recipient has opened the message
  // are marked skipped in the same statement, the rest are leased
  private static final String CLAIM = """
      with due as (
        select id, kind, recipient_id, payload->>'threadId' as thread_id, waits_for_reader from outbox
         where status = 'pending' and next_attempt_at <= now() and kind <> 'message'
         order by next_attempt_at
         limit $1
         for update skip locked),
      joined as (
        select o.id from outbox o
          join (select distinct recipient_id, thread_id from due where kind = 'notification' and waits_for_reader) w
            on o.recipient_id = w.recipient_id and o.payload->>'threadId' = w.thread_id
         where o.status = 'pending' and o.waits_for_reader and o.kind = 'notification'
           and (o.next_attempt_at <= now() or o.attempts = 0)
           and o.id not in (select id from due)
         for update of o skip locked),
      picked as (
        select o.id, o.waits_for_reader and o.kind = 'notification' and exists (
                 select 1 from message_recipients r
                  where r.message_id = case when o.payload->>'messageId' ~* $5 then (o.payload->>'messageId')::uuid end
                    and r.user_id = o.recipient_id and r.read_at is not null) as read
          from outbox o
         where o.id in (select id from due union all select id from joined)),
      skipped as (
        update outbox o set status = 'skipped', last_error = null
          from picked p
         where o.id = p.id and p.read),
      claimed as (
        update outbox o
           set attempts = o.attempts + 1,
               next_attempt_at = now() + make_interval(secs => $2),
               message_id = coalesce(o.message_id, case
                 when o.kind = 'notification' then '<m.' || (o.payload->>'messageId') || '.' || o.recipient_id || '@' || $3 || '>'
                 else '<' || replace(o.kind, '_', '-') || '.' || o.id || '@' || $3 || '>' end)
          from picked p
         where o.id = p.id and not p.read
        returning o.id, o.company_id, o.kind, o.recipient_id, o.payload, o.attempts, o.message_id, o.waits_for_reader,
                  now() - o.queued_at >= make_interval(secs => $4) as overdue)
      select c.*, co.name as company_name, co.convenience_mode, u.email, u.name, u.role, u.active
        from claimed c
        join companies co on co.id = c.company_id
        left join users u on u.id = c.recipient_id and u.company_id = c.company_id""";
  private static final String UUID_TEXT = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
  // outcomes are written for every row an email stands for, each only if this worker still holds it
  private static final String SENT = """
      update outbox o set status = 'sent', sent_at = now(), last_error = null
        from unnest($1::uuid[], $2::int[]) as held(id, attempts)
       where o.id = held.id and o.attempts = held.attempts and o.status = 'pending'""";
  private static final String RETRY = """
      update outbox o set next_attempt_at = now() + make_interval(secs => $3), last_error = $4
        from unnest($1::uuid[], $2::int[]) as held(id, attempts)
       where o.id = held.id and o.attempts = held.attempts and o.status = 'pending'""";
  private static final String FAILED = """
      update outbox o set status = 'failed', last_error = $3
        from unnest($1::uuid[], $2::int[]) as held(id, attempts)
       where o.id = held.id and o.attempts = held.attempts and o.status = 'pending'""";
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
   * Up to {@code limit} due rows, leased to this worker for {@code lease}, with the waiting rows of one
   * recipient and thread joined into one; each says whether it was queued longer than
   * {@code giveUpAfter} ago.
   */
  Future<List<Claimed>> claim(int limit, Duration lease, Duration giveUpAfter) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(limit, seconds(lease), replyDomain, seconds(giveUpAfter), UUID_TEXT))
        .map(rows -> {
          List<Claimed> out = new ArrayList<>(rows.size());
          Map<String, Integer> waiting = new HashMap<>();
          for (Row r : rows) {
            Claimed c = Claimed.fromRow(r);
            String thread = c.kind().equals(Outbox.NOTIFICATION) && Boolean.TRUE.equals(r.getBoolean("waits_for_reader"))
                ? c.payload().getString("threadId") : null;
            Integer at = thread == null ? null : waiting.putIfAbsent(c.recipientId() + "/" + thread, out.size());
            if (at == null) {
              out.add(c);
            } else {
              out.set(at, out.get(at).with(c));
            }
          }
          return out;
        });
  }

  /** Turns up to {@code limit} due message jobs (and their threads' waiting ones) into notification rows; answers how many jobs. */
  Future<Integer> expand(int limit) {
    return pool.preparedQuery(EXPAND).execute(Tuple.of(limit, UUID_TEXT)).map(rows -> rows.iterator().next().getInteger("jobs"));
  }

  Future<Void> sent(Claimed row) {
    return pool.preparedQuery(SENT).execute(held(List.of(row))).mapEmpty();
  }

  Future<Void> retry(Claimed row, Duration after, String error) {
    return pool.preparedQuery(RETRY).execute(held(List.of(row)).addDouble(seconds(after)).addString(clip(error))).mapEmpty();
  }

  Future<Void> failed(Claimed row, String error) {
    return pool.preparedQuery(FAILED).execute(held(List.of(row)).addString(clip(error))).mapEmpty();
  }

  /** Hands rows this worker claimed but never tried back to the queue, due now. */
  Future<Void> release(List<Claimed> held) {
    return pool.preparedQuery(RELEASE).execute(held(held)).mapEmpty();
  }

  /** The ids and attempts of every outbox row the emails stand for. */
  private static Tuple held(List<Claimed> emails) {
    List<UUID> ids = new ArrayList<>();
    List<Integer> attempts = new ArrayList<>();
    for (Claimed c : emails) {
      for (Claimed.Part p : c.parts()) {
        ids.add(p.id());
        attempts.add(p.attempts());
      }
    }
    return Tuple.tuple().addArrayOfUUID(ids.toArray(new UUID[0])).addArrayOfInteger(attempts.toArray(new Integer[0]));
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  private static String clip(String s) {
    String v = s == null ? "unknown error" : s;
    return v.length() > 1000 ? v.substring(0, 1000) : v;
  }
}
