package dev.parley.notify;

import dev.parley.directory.Role;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One email's outbox rows, which this worker holds the lease of, with their company and recipient:
 * one row, or the waiting notifications of one recipient and thread ({@code parts}, in claim order;
 * the fields of the record are those of the first). {@code overdue}: a row was queued longer than the
 * give-up age ago, so a failure now is final.
 */
record Claimed(UUID id, UUID companyId, String kind, UUID recipientId, JsonObject payload, int attempts, String messageId,
               boolean overdue, String companyName, boolean convenienceMode, String recipientEmail, String recipientName,
               Role recipientRole, boolean recipientActive, List<Part> parts) {

  /** One outbox row of the email: its id and attempt (the lease), its Message-ID and payload. */
  record Part(UUID id, int attempts, String messageId, JsonObject payload) {
  }

  static Claimed fromRow(Row r) {
    Object value = r.getValue("payload");
    JsonObject payload = value instanceof JsonObject j ? j : new JsonObject(String.valueOf(value));
    UUID id = r.getUUID("id");
    int attempts = r.getInteger("attempts");
    String messageId = r.getString("message_id");
    return new Claimed(id, r.getUUID("company_id"), r.getString("kind"), r.getUUID("recipient_id"), payload,
        attempts, messageId, Boolean.TRUE.equals(r.getBoolean("overdue")),
        r.getString("company_name"),
        Boolean.TRUE.equals(r.getBoolean("convenience_mode")), r.getString("email"), r.getString("name"),
        Role.parse(r.getString("role")), Boolean.TRUE.equals(r.getBoolean("active")),
        List.of(new Part(id, attempts, messageId, payload)));
  }

  /** This email standing also for {@code other}'s rows (the same recipient and thread). */
  Claimed with(Claimed other) {
    List<Part> all = new ArrayList<>(parts);
    all.addAll(other.parts);
    return new Claimed(id, companyId, kind, recipientId, payload, Math.max(attempts, other.attempts), messageId,
        overdue || other.overdue, companyName, convenienceMode, recipientEmail, recipientName, recipientRole,
        recipientActive, List.copyOf(all));
  }

  UUID uuid(String field) {
    String v = payload.getString(field);
    if (v == null) {
      throw new HeaderGuard.Unsafe("payload has no " + field);
    }
    try {
      return UUID.fromString(v);
    } catch (IllegalArgumentException e) {
      throw new HeaderGuard.Unsafe("payload field " + field + " is not an id");
    }
  }
}
