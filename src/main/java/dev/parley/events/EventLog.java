package dev.parley.events;

import dev.parley.Problem;
import dev.parley.Topics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Each person's feed of events, numbered by a per-person sequence ({@code users.last_event_seq}) that
 * is advanced under that person's row lock in the writing transaction. Ids therefore become visible
 * in commit order per person: a client that sees 7 after 5 knows 6 exists and fetches it.
 */
public final class EventLog {

  private static final String LOCK = "select id from users where id = any($1::uuid[]) order by id for no key update";
  private static final String BUMP = """
      update users u set last_event_seq = u.last_event_seq + x.n, unread_count = greatest(u.unread_count + x.d, 0)
        from unnest($1::uuid[], $2::int[], $3::int[]) as x(id, n, d)
       where u.id = x.id
      returning u.id, u.last_event_seq, u.unread_count""";
  private static final String INSERT = """
      insert into events (user_id, seq, type, data)
      select * from unnest($1::uuid[], $2::bigint[], $3::text[], $4::jsonb[])""";
  private static final String AFTER =
      "select seq, type, data from events where user_id = $1 and seq > $2 order by seq limit $3";
  private static final String LAST = "select last_event_seq, unread_count from users where id = $1";

  private EventLog() {
  }

  /**
   * Writes the batch inside the caller's transaction: locks the people's rows in id order (so that
   * concurrent writers to overlapping people cannot deadlock), advances their sequences and unread
   * counts, and sends the insert of the events (each in its stored form). Answers, once the
   * sequences are known, the events to publish when the transaction commits and the insert under
   * way. {@link GroupCommit} calls it once per transaction, as its last step, so that the people's
   * rows stay locked only from here to the commit.
   */
  public static Future<Written> write(SqlClient tx, EventBatch batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(new Written(List.of(), Future.succeededFuture()));
    }
    List<UUID> users = new ArrayList<>(batch.users());
    UUID[] ids = users.toArray(new UUID[0]);
    Integer[] counts = new Integer[ids.length];
    Integer[] deltas = new Integer[ids.length];
    for (int i = 0; i < ids.length; i++) {
      counts[i] = batch.byUser.get(ids[i]).size() + (batch.owesUnreadChanged(ids[i]) ? 1 : 0);
      deltas[i] = batch.unreadDelta.getOrDefault(ids[i], 0);
    }
    Future<?> lock = tx.preparedQuery(LOCK).execute(Tuple.of((Object) ids));
    Future<io.vertx.sqlclient.RowSet<Row>> bump = tx.preparedQuery(BUMP).execute(Tuple.of(ids, counts, deltas));
    return Future.all(lock, bump).compose(done -> {
      List<Event> events = new ArrayList<>();
      List<JsonObject> stored = new ArrayList<>();
      for (Row r : bump.result()) {
        UUID id = r.getUUID("id");
        long last = r.getLong("last_event_seq");
        int unread = r.getInteger("unread_count");
        List<EventBatch.Pending> pending = batch.byUser.get(id);
        boolean unreadChanged = batch.owesUnreadChanged(id);
        long seq = last - pending.size() - (unreadChanged ? 1 : 0) + 1;
        for (EventBatch.Pending p : pending) {
          if (p.carriesUnread()) {
            p.data().put("unread", unread);
            p.stored().put("unread", unread);
          }
          events.add(new Event(id, seq++, p.type(), p.data()));
          stored.add(p.stored());
        }
        if (unreadChanged) {
          JsonObject data = new JsonObject().put("unread", unread);
          events.add(new Event(id, seq, Event.UNREAD_CHANGED, data));
          stored.add(data);
        }
      }
      int n = events.size();
      UUID[] eu = new UUID[n];
      Long[] es = new Long[n];
      String[] et = new String[n];
      JsonObject[] ed = stored.toArray(new JsonObject[0]);
      for (int i = 0; i < n; i++) {
        Event e = events.get(i);
        eu[i] = e.userId();
        es[i] = e.id();
        et[i] = e.type();
      }
      return Future.succeededFuture(new Written(events, tx.preparedQuery(INSERT).execute(Tuple.of(eu, es, et, ed))));
    });
  }

  /**
   * The events of a batch, numbered, and their insert, which is sent but not awaited: the caller can
   * queue its commit right behind it on the same connection.
   */
  public record Written(List<Event> events, Future<?> stored) {
  }

  /** After commit: rings each person's doorbell. Losing this (a node dying) is repaired by catch-up. */
  public static void publish(Vertx vertx, List<Event> events) {
    // published as the bridge's frames, encoded once here instead of once per socket
    List<String> frames = Frames.of(events);
    for (int i = 0; i < events.size(); i++) {
      vertx.eventBus().publish(Topics.user(events.get(i).userId()), frames.get(i));
    }
  }

  /**
   * The person's events after {@code after}, at most {@code limit}, and the newest id. Events are
   * answered as stored: the writer of an event stored smaller than it was published (see
   * {@link EventBatch#addWithUnread}) rebuilds it.
   */
  public static Future<Page> after(SqlClient client, UUID userId, long after, int limit) {
    return client.preparedQuery(LAST).execute(Tuple.of(userId)).compose(lastRows -> {
      if (lastRows.size() == 0) {
        return Future.failedFuture(Problem.unauthorized());
      }
      long last = lastRows.iterator().next().getLong("last_event_seq");
      if (after >= last) {
        return Future.succeededFuture(new Page(List.of(), last, false));
      }
      return client.preparedQuery(AFTER).execute(Tuple.of(userId, after, limit)).map(rows -> {
        List<Event> events = new ArrayList<>(rows.size());
        for (Row r : rows) {
          events.add(new Event(userId, r.getLong("seq"), r.getString("type"), (JsonObject) r.getValue("data")));
        }
        boolean expired = events.isEmpty() || events.get(0).id() != after + 1;
        return new Page(expired ? List.of() : events, last, expired);
      });
    });
  }

  /** Events of one read; {@code expired} when events after the cursor were already pruned. */
  public record Page(List<Event> events, long last, boolean expired) {
  }

}
