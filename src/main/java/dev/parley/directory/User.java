package dev.parley.directory;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.util.UUID;

/** A person of a company, as stored. */
public record User(UUID id, UUID companyId, String email, String name, Role role, UUID coordinatorId,
                   boolean active, String passwordHash) {

  public static final String COLUMNS = "id, company_id, email, name, role, coordinator_id, active, password_hash";

  public static User fromRow(Row r) {
    return new User(r.getUUID("id"), r.getUUID("company_id"), r.getString("email"), r.getString("name"),
        Role.parse(r.getString("role")), r.getUUID("coordinator_id"), Boolean.TRUE.equals(r.getBoolean("active")),
        r.getString("password_hash"));
  }

  /** The admin view of a user; never the password hash. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("email", email)
        .put("name", name)
        .put("role", role.wire())
        .put("coordinatorId", coordinatorId == null ? null : coordinatorId.toString())
        .put("active", active);
  }

  /** What anyone who may see this person learns: id, name and role. */
  public JsonObject toCard() {
    return card(id, name, role);
  }

  public static JsonObject card(UUID id, String name, Role role) {
    return new JsonObject().put("id", id.toString()).put("name", name).put("role", role.wire());
  }
}
