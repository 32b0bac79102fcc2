package dev.parley.notify;

import dev.parley.Topics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Emails owed, written in the same transaction as what they announce; the outbox worker sends them.
 * Payloads name records, never carry content: the email is built at send time from the database.
 */
public final class Outbox {

  /** A recipient is told a message is waiting. Payload: messageId, threadId. */
  public static final String NOTIFICATION = "notification";
  /** A sender is told a recipient opened their message. Payload: messageId, threadId, readerId, readAt. */
  public static final String READ_RECEIPT = "read_receipt";
  /** Someone whose emailed reply was refused is told why. Payload: reason, address. */
  public static final String REPLY_REFUSED = "reply_refused";

  private static final String INSERT = """
      insert into outbox (company_id, kind, recipient_id, payload)
      select * from unnest($1::uuid[], $2::text[], $3::uuid[], $4::jsonb[])""";

  private final List<Row> rows = new ArrayList<>();

  public Outbox add(UUID companyId, String kind, UUID recipientId, JsonObject payload) {
    rows.add(new Row(companyId, kind, recipientId, payload));
    return this;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  /** Inserts the rows inside the caller's transaction. */
  public Future<Void> write(SqlClient tx) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = rows.size();
    UUID[] companies = new UUID[n];
    String[] kinds = new String[n];
    UUID[] recipients = new UUID[n];
    JsonObject[] payloads = new JsonObject[n];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      companies[i] = r.companyId();
      kinds[i] = r.kind();
      recipients[i] = r.recipientId();
      payloads[i] = r.payload();
    }
    return tx.preparedQuery(INSERT).execute(Tuple.of(companies, kinds, recipients, payloads)).mapEmpty();
  }

  /** After commit: wakes the outbox workers of every node. */
  public static void ring(Vertx vertx) {
    vertx.eventBus().publish(Topics.OUTBOX_READY, null);
  }

  private record Row(UUID companyId, String kind, UUID recipientId, JsonObject payload) {
  }
}
