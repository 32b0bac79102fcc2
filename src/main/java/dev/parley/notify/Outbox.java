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
 * Each kind maps to one template set of {@code OutboxVerticle}; see {@code docs/EMAIL.md}.
 */
public final class Outbox {

  /**
   * A new message's one job (no recipient). Payload: messageId, threadId. Due the company's
   * notification delay after it is written; then the worker turns it, with the thread's other waiting
   * jobs, into one {@link #NOTIFICATION} row per recipient who has not opened the message nor left the
   * thread by then (per recipient when the delay is 0).
   */
  public static final String MESSAGE = "message";
  /**
   * A recipient is told a message is waiting. Payload: messageId, threadId. Made from a
   * {@link #MESSAGE} job when it is due; when the delay was not 0 the row waits for its reader:
   * skipped if they opened the message by then, else sent as one email with the recipient's other
   * waiting rows of that thread.
   */
  public static final String NOTIFICATION = "notification";
  /** A sender is told a recipient opened their message. Payload: messageId, threadId, readerId, readAt. */
  public static final String READ_RECEIPT = "read_receipt";
  /**
   * Someone whose emailed reply was refused is told why. {@code recipient_id} is null; the email goes
   * to {@code payload.address}. Payload: {@code address} (the From address of the refused email, a
   * plain {@code local@domain}), {@code reason} (a code: {@code unknown_address}, {@code sender_mismatch},
   * {@code convenience_off}, {@code not_on_thread}, {@code inactive}, {@code too_large}, {@code empty},
   * {@code rate_limited}; any other code gets a generic sentence). The sentences live with the
   * templates, in {@code templates/email/reply-refused-reasons.properties}. Never written for an
   * auto-reply or a bounce, and never sent to an address of the reply domain.
   */
  public static final String REPLY_REFUSED = "reply_refused";
  /**
   * A person is sent a link that sets their password. Payload: {@code linkId} (the token is derived
   * from it when the email is written, see {@link PasswordLinkTokens}), {@code purpose}: {@code reset}
   * (they asked, "Forgot password?") or {@code set} (an admin sent it).
   */
  public static final String PASSWORD_LINK = "password_link";

  // a notification waits the company's delay for its reader; the delay is looked up by the company's
  // key, row by row, in the same statement: no round trip, no lock, and never a scan of companies
  private static final String INSERT = """
      with x as materialized (
        select u.*, case when u.kind in ('notification', 'message')
                         then coalesce((select c.notification_delay_seconds from companies c where c.id = u.company_id), 0)
                         else 0 end as delay
          from unnest($1::uuid[], $2::text[], $3::uuid[], $4::jsonb[]) as u(company_id, kind, recipient_id, payload))
      insert into outbox (company_id, kind, recipient_id, payload, next_attempt_at, waits_for_reader)
      select company_id, kind, recipient_id, payload, now() + make_interval(secs => delay), delay > 0 from x
      returning next_attempt_at <= now() as due""";

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
    return write(tx, null);
  }

  /**
   * Inserts the rows inside the caller's transaction, and sets {@code dueNow} when one of them is due
   * at once (so the caller rings the workers after commit; a notification that waits the company's
   * delay is found by their poll, and waking them for it would only make them look early).
   */
  public Future<Void> write(SqlClient tx, java.util.concurrent.atomic.AtomicBoolean dueNow) {
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
    return tx.preparedQuery(INSERT).execute(Tuple.of(companies, kinds, recipients, payloads)).map(inserted -> {
      if (dueNow != null) {
        inserted.forEach(r -> {
          if (Boolean.TRUE.equals(r.getBoolean("due"))) {
            dueNow.set(true);
          }
        });
      }
      return null;
    });
  }

  /** After commit: wakes the outbox workers of every node. */
  public static void ring(Vertx vertx) {
    vertx.eventBus().publish(Topics.OUTBOX_READY, null);
  }

  private record Row(UUID companyId, String kind, UUID recipientId, JsonObject payload) {
  }
}
