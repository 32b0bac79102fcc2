package dev.parley.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code changes} table: one row per write, the durable form of the one live event, and what
 * catch-up reads.
 *
 * <p>Catch-up never skips a change that commits late. A change's position is its transaction id and
 * its number, and a page lists only changes of transactions older than every transaction still
 * running ({@code pg_snapshot_xmin(pg_current_snapshot())}, the horizon): every one of those has
 * ended, so no change can appear below a position once it has been handed out. A transaction still
 * open (holding its thread, say) only delays the changes after it until it ends; a numbered cursor
 * (ids are handed out before commit, commits land in any order) or a time threshold would lose them.
 */
public final class ChangeLog {

  private static final String INSERT = """
      insert into changes (company_id, thread_id, kind, actor_id, message_id, audience, data)
      select c, t, k, a, m, p::uuid[], d from unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::uuid[], $6::text[],
                                                     $7::jsonb[]) as x(c, t, k, a, m, p, d)
      returning seq""";
  /** A page of a person's changes after a position, below the horizon; the horizon comes with every row and alone. */
  private static final String PAGE = """
      with h as (select pg_snapshot_xmin(pg_current_snapshot()) as horizon)
      select h.horizon::text as horizon, c.seq, c.xid::text as xid, c.kind, c.thread_id, c.actor_id, c.message_id,
             c.audience, c.data
        from h left join changes c
          on c.company_id = $1 and (c.xid, c.seq) > ($2::text::xid8, $3::bigint) and c.xid < h.horizon and $4 = any(c.audience)
       order by c.xid, c.seq
       limit $5""";
  private static final String HORIZON = "select pg_snapshot_xmin(pg_current_snapshot())::text as horizon";
  private static final String PRUNED = "select xid::text as xid, seq from changes_pruned where company_id = $1";

  private ChangeLog() {
  }

  /**
   * Sends the insert of the changes inside the caller's transaction, without waiting for it: the
   * caller queues its commit right behind. Answers the changes numbered once the insert has answered.
   */
  public static Future<List<Change>> write(SqlClient tx, List<Change> changes) {
    if (changes.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    int n = changes.size();
    UUID[] companies = new UUID[n];
    UUID[] threads = new UUID[n];
    String[] kinds = new String[n];
    UUID[] actors = new UUID[n];
    UUID[] messages = new UUID[n];
    String[] audiences = new String[n];
    JsonObject[] data = new JsonObject[n];
    for (int i = 0; i < n; i++) {
      Change c = changes.get(i);
      companies[i] = c.companyId();
      threads[i] = c.threadId();
      kinds[i] = c.kind();
      actors[i] = c.actorId();
      messages[i] = c.messageId();
      StringBuilder people = new StringBuilder("{");
      for (UUID id : c.audience()) {
        if (people.length() > 1) {
          people.append(',');
        }
        people.append(id);
      }
      audiences[i] = people.append('}').toString();
      data[i] = c.data();
    }
    return tx.preparedQuery(INSERT).execute(Tuple.of(companies, threads, kinds, actors, messages, audiences, data))
        .map(rows -> {
          // one statement numbers its rows in the order unnest produces them, which is the arrays' order
          List<Long> numbers = new ArrayList<>(n);
          rows.forEach(r -> numbers.add(r.getLong("seq")));
          numbers.sort(null);
          List<Change> out = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            out.add(changes.get(i).numbered(numbers.get(i)));
          }
          return out;
        });
  }

  /** Where a client starts that has just loaded its state: before every transaction still running. */
  public static Future<Position> now(SqlClient client) {
    return client.preparedQuery(HORIZON).execute()
        .map(rows -> Position.before(Long.parseLong(rows.iterator().next().getString("horizon"))));
  }

  /**
   * Up to {@code limit} of the person's changes after {@code after}. {@code resync} when changes after
   * it may have been pruned already (or the cursor is of an earlier version): the person reloads and
   * continues from {@code next}.
   */
  public static Future<Page> after(SqlClient client, UUID companyId, UUID userId, Position after, int limit) {
    Future<io.vertx.sqlclient.RowSet<Row>> pruned = client.preparedQuery(PRUNED).execute(Tuple.of(companyId));
    Position from = after == Position.OUTDATED ? Position.START : after;
    Future<io.vertx.sqlclient.RowSet<Row>> page = client.preparedQuery(PAGE)
        .execute(Tuple.of(companyId, Long.toString(from.xid()), from.seq(), userId, limit));
    return Future.all(pruned, page).map(done -> {
      Position horizon = null;
      List<Change> changes = new ArrayList<>();
      Position last = null;
      for (Row r : page.result()) {
        horizon = Position.before(Long.parseLong(r.getString("horizon")));
        if (r.getLong("seq") == null) {
          continue;
        }
        List<UUID> audience = List.of(r.getArrayOfUUIDs("audience"));
        Object data = r.getValue("data");
        changes.add(new Change(r.getString("kind"), companyId, r.getUUID("thread_id"), r.getUUID("actor_id"),
            r.getUUID("message_id"), audience, data instanceof JsonObject j ? j : null, null, r.getLong("seq")));
        last = new Position(Long.parseLong(r.getString("xid")), r.getLong("seq"));
      }
      boolean more = changes.size() >= limit;
      Position next = more ? last : horizon;
      if (next.compareTo(from) < 0) {
        // the horizon is behind the cursor (a transaction older than the cursor's is still running): stay
        next = from;
      }
      boolean resync = after == Position.OUTDATED;
      // "0" asks for whatever is still kept, from the oldest: no position of the client's lies behind the pruned ones
      if (pruned.result().size() > 0 && !Position.START.equals(after)) {
        Row p = pruned.result().iterator().next();
        Position gone = new Position(Long.parseLong(p.getString("xid")), p.getLong("seq"));
        resync |= from.compareTo(gone) < 0;
      }
      return resync ? new Page(List.of(), horizon, false, true) : new Page(changes, next, more, false);
    });
  }

  /** One page of catch-up. */
  public record Page(List<Change> changes, Position next, boolean more, boolean resync) {
  }
}
