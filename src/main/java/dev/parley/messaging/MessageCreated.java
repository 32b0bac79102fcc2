package dev.parley.messaging;

import dev.parley.auth.Viewer;
import dev.parley.events.Event;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code message.created} event. It is stored small: the message and thread ids, the person's
 * inbox row of the thread and (added by the event log) the person's unread total. It is delivered
 * with the message as that person may see it: live from the message in memory, on catch-up from the
 * database, so that both deliveries of one event are the same object.
 */
final class MessageCreated {

  private MessageCreated() {
  }

  /** The stored form. {@code thread} is {@code {"id","subject","lastMessageAt","snippet","unreadCount"}}. */
  static JsonObject stored(UUID messageId, UUID threadId, JsonObject thread) {
    return new JsonObject().put("id", messageId.toString()).put("threadId", threadId.toString()).put("thread", thread);
  }

  /** The delivered form: the message as seen, with the stored fields; the stored fields alone when it may not be seen. */
  static JsonObject delivered(Optional<JsonObject> seen, JsonObject stored) {
    return seen.map(message -> message.mergeIn(stored)).orElseGet(stored::copy);
  }

  /** A page of the viewer's stored events as delivered: its messages loaded in one query, each projected for the viewer. */
  static Future<List<Event>> delivered(SqlClient client, Viewer viewer, List<Event> events) {
    Set<UUID> ids = new HashSet<>();
    events.stream().map(MessageCreated::messageId).flatMap(Optional::stream).forEach(ids::add);
    return Threads.messages(client, ids).map(found -> {
      List<Event> out = new ArrayList<>(events.size());
      for (Event e : events) {
        Optional<UUID> id = messageId(e);
        if (id.isEmpty()) {
          out.add(e);
          continue;
        }
        Optional<JsonObject> seen = Optional.ofNullable(found.get(id.get()))
            .flatMap(m -> m.as(viewer.userId(), viewer.isStaff()));
        out.add(new Event(e.userId(), e.id(), e.type(), delivered(seen, e.data())));
      }
      return out;
    });
  }

  private static Optional<UUID> messageId(Event e) {
    if (!Event.MESSAGE_CREATED.equals(e.type()) || e.data().getString("id") == null) {
      return Optional.empty();
    }
    return Optional.of(UUID.fromString(e.data().getString("id")));
  }
}
