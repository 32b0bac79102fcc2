package dev.parley.events;

import io.vertx.core.json.JsonObject;

/**
 * One entry of a person's live feed: the same object on the bus and from {@code GET /api/events}.
 * Ids are strings made from the change's number, unique per person and equal in both deliveries;
 * they are not ordered.
 */
public record Event(String id, String type, JsonObject data) {

  public static final String MESSAGE_CREATED = "message.created";
  public static final String MESSAGE_READ = "message.read";
  public static final String THREAD_UPDATED = "thread.updated";
  public static final String UNREAD_CHANGED = "unread.changed";
  public static final String THREAD_ARCHIVED = "thread.archived";
  public static final String THREAD_UNARCHIVED = "thread.unarchived";
  public static final String DRAFT_SAVED = "draft.saved";
  public static final String DRAFT_DELETED = "draft.deleted";

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("type", type).put("data", data);
  }
}
