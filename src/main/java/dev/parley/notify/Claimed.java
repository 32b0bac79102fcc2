package dev.parley.notify;

import dev.parley.directory.Role;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.util.UUID;

/**
 * An outbox row this worker holds the lease of, with its company and recipient. {@code overdue}: it was
 * queued longer than the give-up age ago, so a failure now is final.
 */
record Claimed(UUID id, UUID companyId, String kind, UUID recipientId, JsonObject payload, int attempts, String messageId,
               boolean overdue, String companyName, boolean convenienceMode, String recipientEmail, String recipientName,
               Role recipientRole, boolean recipientActive) {

  static Claimed fromRow(Row r) {
    Object payload = r.getValue("payload");
    return new Claimed(r.getUUID("id"), r.getUUID("company_id"), r.getString("kind"), r.getUUID("recipient_id"),
        payload instanceof JsonObject j ? j : new JsonObject(String.valueOf(payload)),
        r.getInteger("attempts"), r.getString("message_id"), Boolean.TRUE.equals(r.getBoolean("overdue")),
        r.getString("company_name"),
        Boolean.TRUE.equals(r.getBoolean("convenience_mode")), r.getString("email"), r.getString("name"),
        Role.parse(r.getString("role")), Boolean.TRUE.equals(r.getBoolean("active")));
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
