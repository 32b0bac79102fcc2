package dev.parley.files;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** A stored file as people see it: its id, cleaned name, size in bytes and the type detected from its content. */
public record Attachment(UUID id, String name, long size, String type) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id.toString()).put("name", name).put("size", size).put("type", type);
  }

  public static Attachment fromJson(JsonObject j) {
    return new Attachment(UUID.fromString(j.getString("id")), j.getString("name"), j.getLong("size"), j.getString("type"));
  }
}
