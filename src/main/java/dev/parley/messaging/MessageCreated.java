package dev.parley.messaging;

import dev.parley.auth.Viewer;
import dev.parley.events.Event;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code message.created} event. It is stored small: the message and thread ids, the person's
 * unread count of the thread and (added by the event log) the person's unread total. It is delivered
 * with the message as that person may see it and the person's inbox row of the thread: live from the
 * message in memory, on catch-up rebuilt from the database, so that both deliveries of one event are
 * the same object.
 */
final class MessageCreated {

  /** Length of the text shown under the subject in the inbox row. */
  static final int SNIPPET = 140;

  private MessageCreated() {
  }

  /** The stored form: {@code {"id","threadId","thread":{"unreadCount"}}}. */
  static JsonObject stored(UUID messageId, UUID threadId, int threadUnread) {
    return new JsonObject().put("id", messageId.toString()).put("threadId", threadId.toString())
        .put("thread", new JsonObject().put("unreadCount", threadUnread));
  }

  /** The person's inbox row of the thread as this message leaves it. */
  static JsonObject inboxRow(UUID threadId, String subject, OffsetDateTime at, String snippet, int unreadCount) {
    return new JsonObject()
        .put("id", threadId.toString())
        .put("subject", subject)
        .put("lastMessageAt", at.toInstant().toString())
        .put("snippet", snippet)
        .put("unreadCount", unreadCount);
  }

  /**
   * The delivered form: the message as seen, with the stored fields and the inbox row {@code row}
   * in place of the stored one. When it may not be seen, the stored fields alone, the thread named
   * by its id: nothing of the message, not even its snippet.
   */
  static JsonObject delivered(Optional<JsonObject> seen, JsonObject stored, JsonObject row) {
    if (seen.isPresent()) {
      return seen.get().mergeIn(stored).put("thread", row);
    }
    JsonObject reference = stored.copy();
    reference.getJsonObject("thread").put("id", stored.getString("threadId"));
    return reference;
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
        MessageView m = found.get(id.get());
        Optional<JsonObject> seen = m == null ? Optional.empty() : m.as(viewer.userId(), viewer.isStaff());
        JsonObject row = m == null ? null : inboxRow(m.threadId(), m.subject(), m.createdAt(),
            Sanitizer.snippet(m.bodyText(), SNIPPET), e.data().getJsonObject("thread", new JsonObject()).getInteger("unreadCount", 0));
        out.add(new Event(e.userId(), e.id(), e.type(), delivered(seen, e.data(), row)));
      }
      return out;
    });
  }

  /**
   * The messages whose content these delivered events carry (for the audit log): a message the
   * person may not see is delivered as a bare reference, without its body.
   */
  static List<UUID> shown(List<Event> delivered) {
    List<UUID> out = new ArrayList<>();
    for (Event e : delivered) {
      if (e.data().containsKey("bodyHtml")) {
        messageId(e).ifPresent(out::add);
      }
    }
    return out;
  }

  private static Optional<UUID> messageId(Event e) {
    if (!Event.MESSAGE_CREATED.equals(e.type()) || e.data().getString("id") == null) {
      return Optional.empty();
    }
    return Optional.of(UUID.fromString(e.data().getString("id")));
  }
}
