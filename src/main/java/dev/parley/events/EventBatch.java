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

  /** An event stored and published with this data. */
  public EventBatch add(UUID userId, String type, JsonObject data) {
    return add(userId, new Pending(type, data, data, false));
  }

  /**
   * An event published with {@code data} but stored as the smaller {@code stored}, from which
   * catch-up rebuilds {@code data}. Both get the person's unread total after this batch as
   * {@code "unread"}, which spares the person a separate {@code unread.changed} event.
   */
  public EventBatch addWithUnread(UUID userId, String type, JsonObject data, JsonObject stored) {
    return add(userId, new Pending(type, data, stored, true));
  }

  /**
   * Changes a person's unread count. Unless one of the person's events carries the new total, an
   * {@code unread.changed} event with it follows.
   */
  public EventBatch unread(UUID userId, int delta) {
    if (delta != 0) {
      unreadDelta.merge(userId, delta, Integer::sum);
      byUser.computeIfAbsent(userId, k -> new ArrayList<>());
    }
    return this;
  }

  /** Adds another batch's events and unread changes after this one's (one transaction writes both). */
  public EventBatch addAll(EventBatch other) {
    other.byUser.forEach((user, pending) -> byUser.computeIfAbsent(user, k -> new ArrayList<>()).addAll(pending));
    other.unreadDelta.forEach((user, delta) -> unreadDelta.merge(user, delta, Integer::sum));
    return this;
  }

  private EventBatch add(UUID userId, Pending pending) {
    byUser.computeIfAbsent(userId, k -> new ArrayList<>()).add(pending);
    return this;
  }

  /** Everyone touched, in id order: the order in which their rows are locked. */
  TreeSet<UUID> users() {
    return new TreeSet<>(byUser.keySet());
  }

  /** Whether the person is owed an {@code unread.changed} event of its own. */
  boolean owesUnreadChanged(UUID userId) {
    return unreadDelta.getOrDefault(userId, 0) != 0
        && byUser.getOrDefault(userId, List.of()).stream().noneMatch(Pending::carriesUnread);
  }

  public boolean isEmpty() {
    return byUser.isEmpty();
  }

  record Pending(String type, JsonObject data, JsonObject stored, boolean carriesUnread) {
  }
}
