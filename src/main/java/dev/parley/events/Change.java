package dev.parley.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One write as the live feed knows it: a message sent, messages read, a thread left. Stored once, as
 * one {@code changes} row, whoever hears of it ({@code audience}); published once after commit.
 * {@code data} is what is stored with it; {@code live} is what only the published copy carries (the
 * message as written, so that no node has to load it again). {@code seq} is its number, handed out by
 * the insert (0 until then). {@code threadId} is null only for a draft that answers no thread.
 */
public record Change(String kind, UUID companyId, UUID threadId, UUID actorId, UUID messageId, List<UUID> audience,
                     JsonObject data, JsonObject live, long seq) {

  public static final String MESSAGE = "message";
  public static final String READ = "read";
  public static final String LEFT = "left";
  /** A person's own mailbox actions, heard by that person alone: archive, unarchive, mark unread, a draft saved or deleted. */
  public static final String ARCHIVED = "archived";
  public static final String UNARCHIVED = "unarchived";
  public static final String UNREAD = "unread";
  public static final String DRAFT = "draft";

  public Change {
    audience = List.copyOf(audience);
    data = data == null ? new JsonObject() : data;
  }

  public Change numbered(long number) {
    return new Change(kind, companyId, threadId, actorId, messageId, audience, data, live, number);
  }

  public boolean concerns(UUID userId) {
    return audience.contains(userId);
  }

  /** The published form: one JSON object for every node. */
  public JsonObject toJson() {
    JsonArray people = new JsonArray();
    audience.forEach(id -> people.add(id.toString()));
    JsonObject json = new JsonObject()
        .put("seq", seq)
        .put("kind", kind)
        .put("companyId", companyId.toString())
        .put("threadId", threadId == null ? null : threadId.toString())
        .put("actorId", actorId.toString())
        .put("audience", people)
        .put("data", data);
    if (messageId != null) {
      json.put("messageId", messageId.toString());
    }
    if (live != null) {
      json.put("live", live);
    }
    return json;
  }

  public static Change fromJson(JsonObject json) {
    List<UUID> people = new ArrayList<>();
    json.getJsonArray("audience").forEach(id -> people.add(UUID.fromString((String) id)));
    String message = json.getString("messageId");
    String thread = json.getString("threadId");
    return new Change(json.getString("kind"), UUID.fromString(json.getString("companyId")),
        thread == null ? null : UUID.fromString(thread), UUID.fromString(json.getString("actorId")),
        message == null ? null : UUID.fromString(message), people, json.getJsonObject("data"),
        json.getJsonObject("live"), json.getLong("seq"));
  }
}
