package dev.parley.notify;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A company's failed emails, as its admins see them, and sending them again. Only who an email was
 * for and why it failed are shown: never the thread, its subject or the message.
 */
final class Undelivered {

  private static final String LIST = """
      select o.id, o.kind, o.recipient_id, o.payload->>'address' as address, o.attempts, o.last_error, o.created_at,
             u.name, u.email
        from outbox o
        left join users u on u.id = o.recipient_id and u.company_id = o.company_id
       where o.company_id = $1 and o.status = 'failed'
         and ($2::timestamptz is null or (o.created_at, o.id) < ($2, $3::uuid))
       order by o.created_at desc, o.id desc
       limit $4""";
  // back in the queue as if new: due now, its attempts and give-up age counted afresh, the same Message-ID
  private static final String RESEND = """
      update outbox set status = 'pending', attempts = 0, next_attempt_at = now(), queued_at = now()
       where company_id = $1 and status = 'failed' and ($2::uuid[] is null or id = any($2))""";

  /** One failed email; {@code recipientId} and {@code name} are null for an answer to an outside address. */
  record Email(UUID id, String kind, UUID recipientId, String name, String email, int attempts, String lastError,
               OffsetDateTime createdAt) {

    static Email fromRow(Row r) {
      String email = r.getString("email");
      return new Email(r.getUUID("id"), r.getString("kind"), r.getUUID("recipient_id"), r.getString("name"),
          email != null ? email : r.getString("address"), r.getInteger("attempts"), r.getString("last_error"),
          r.getOffsetDateTime("created_at"));
    }

    JsonObject toJson() {
      return new JsonObject()
          .put("id", id.toString())
          .put("kind", kind)
          .put("recipient", new JsonObject()
              .put("id", recipientId == null ? null : recipientId.toString())
              .put("name", name)
              .put("email", email))
          .put("createdAt", createdAt.toInstant().toString())
          .put("attempts", attempts)
          .put("lastError", lastError);
    }
  }

  /** Where a page ends: the last email's creation time and id. */
  record Cursor(OffsetDateTime createdAt, UUID id) {
  }

  private final Pool pool;

  Undelivered(Pool pool) {
    this.pool = pool;
  }

  Future<List<Email>> page(UUID companyId, Cursor after, int limit) {
    return pool.preparedQuery(LIST)
        .execute(Tuple.of(companyId, after == null ? null : after.createdAt(), after == null ? null : after.id(), limit))
        .map(rows -> {
          List<Email> out = new ArrayList<>(rows.size());
          for (Row r : rows) {
            out.add(Email.fromRow(r));
          }
          return out;
        });
  }

  /** Puts the company's failed emails with these ids (all of them when {@code ids} is null) back in the queue. */
  Future<Integer> resend(UUID companyId, List<UUID> ids) {
    return pool.preparedQuery(RESEND)
        .execute(Tuple.tuple().addUUID(companyId).addValue(ids == null ? null : ids.toArray(UUID[]::new)))
        .map(rows -> rows.rowCount());
  }
}
