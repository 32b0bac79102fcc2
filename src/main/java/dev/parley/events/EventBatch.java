package dev.parley.events;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The events one transaction owes to people, and the change to each one's unread count. Written by
 * {@link EventLog#write}, which gives each event its person's next sequence number.
 */
public final class EventBatch {

  final Map<UUID, List<Pending>> byUser = new LinkedHashMap<>();
  final Map<UUID, Integer> unreadDelta = new HashMap<>();

  public EventBatch add(UUID userId, String type, JsonObject data) {
    byUser.computeIfAbsent(userId, k -> new ArrayList<>()).add(new Pending(type, data));
    return this;
  }

  /** Changes a person's unread count; an {@code unread.changed} event with the new total follows. */
  public EventBatch unread(UUID userId, int delta) {
    if (delta != 0) {
      unreadDelta.merge(userId, delta, Integer::sum);
      byUser.computeIfAbsent(userId, k -> new ArrayList<>());
    }
    return this;
  }

  /** Everyone touched, in id order: the order in which their rows are locked. */
  TreeSet<UUID> users() {
    return new TreeSet<>(byUser.keySet());
  }

  public boolean isEmpty() {
    return byUser.isEmpty();
  }

  record Pending(String type, JsonObject data) {
  }
}
