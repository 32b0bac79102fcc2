package dev.parley.messaging;

import dev.parley.events.Change;
import dev.parley.events.Event;
import dev.parley.events.Projection;
import dev.parley.events.Published;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What messaging's changes show each person, live and in catch-up alike (one projection, so both
 * deliveries of an event are the same object with the same id):
 * <ul>
 *   <li>a message: {@code message.created}, the message as the person may see it with
 *       {@code thread} (id, subject, lastMessageAt, snippet), id {@code "<n>"};</li>
 *   <li>a read: {@code message.read} per message to the reader, the staff on the thread and each
 *       message's sender (id {@code "<n>.<k>"}), and to the reader {@code thread.updated} with the
 *       thread's unread count ({@code "<n>.t"}); not the total, which the reader's client asks for
 *       ({@code GET /api/unread}) rather than every read paying a row per unread message anywhere;</li>
 *   <li>a leave: {@code thread.updated} with {@code left} and {@code unread.changed} with the total
 *       ({@code "<n>.u"}), to the leaver;</li>
 *   <li>a person's own mailbox actions, to that person alone: {@code thread.archived} and
 *       {@code thread.unarchived} ({@code "<n>"}); a mark unread (or the marks cleared by opening the
 *       thread) as {@code thread.updated} with the thread's count and {@code unread.changed} with the
 *       total; {@code draft.saved} (id, threadId, updatedAt) and {@code draft.deleted} (id, threadId).</li>
 * </ul>
 * Counts are those of the moment of the write. Staff other than the writer see one shared list.
 */
public final class LiveViews implements Projection {

  /** Length of the text shown under the subject in the inbox row. */
  static final int SNIPPET = 140;

  /** The message a published change carries, for the projection to find without a query. */
  static JsonObject live(MessageView m, String snippet) {
    return new JsonObject().put("message", m.toJson()).put("snippet", snippet);
  }

  /** A change read back for catch-up, with its message as loaded now (null: gone, or not a message). */
  static Published loaded(Change c, MessageView m) {
    Published p = new Published(c);
    if (m != null) {
      p.once("message", x -> m);
      p.once("snippet", x -> Sanitizer.snippet(m.bodyText(), SNIPPET));
    }
    return p;
  }

  @Override
  public List<Event> events(Published p, UUID viewer, boolean staff) {
    Change c = p.change();
    if (!c.concerns(viewer)) {
      return List.of();
    }
    if (staff && !viewer.equals(c.actorId())) {
      return p.once("staff", x -> project(p, viewer, true));
    }
    return project(p, viewer, staff);
  }

  /** A change of a person's own mailbox (archive, mark unread, a draft): that person's alone. */
  private static boolean own(Change c, UUID viewer) {
    return viewer.equals(c.actorId());
  }

  private static List<Event> project(Published p, UUID viewer, boolean staff) {
    Change c = p.change();
    String n = Long.toString(c.seq());
    String thread = c.threadId() == null ? null : c.threadId().toString();
    switch (c.kind()) {
      case Change.MESSAGE -> {
        MessageView m = p.once("message", x -> x.live() == null ? null : MessageView.fromJson(x.live().getJsonObject("message")));
        if (m == null) {
          return List.of();
        }
        Optional<JsonObject> seen = m.as(viewer, staff);
        if (seen.isEmpty()) {
          return List.of();
        }
        String snippet = p.once("snippet", x -> x.live() == null ? "" : x.live().getString("snippet", ""));
        JsonObject row = new JsonObject().put("id", thread).put("subject", m.subject())
            .put("lastMessageAt", m.createdAt().toInstant().toString()).put("snippet", snippet);
        return List.of(new Event(n, Event.MESSAGE_CREATED, seen.get().put("thread", row)));
      }
      case Change.READ -> {
        JsonObject d = c.data();
        UUID reader = UUID.fromString(d.getString("readerId"));
        boolean isReader = reader.equals(viewer);
        List<Event> out = new ArrayList<>();
        JsonArray messages = d.getJsonArray("messages", new JsonArray());
        for (int k = 0; k < messages.size(); k++) {
          JsonObject m = messages.getJsonObject(k);
          if (isReader || staff || viewer.toString().equals(m.getString("senderId"))) {
            out.add(new Event(n + "." + k, Event.MESSAGE_READ, new JsonObject().put("threadId", thread)
                .put("messageId", m.getString("id")).put("readerId", reader.toString()).put("readAt", d.getString("readAt"))));
          }
        }
        if (isReader) {
          out.add(new Event(n + ".t", Event.THREAD_UPDATED, new JsonObject().put("threadId", thread)
              .put("unreadCount", d.getInteger("threadUnread", 0))));
          if (d.containsKey("unread")) {
            out.add(new Event(n + ".u", Event.UNREAD_CHANGED, new JsonObject().put("unread", d.getInteger("unread"))));
          }
        }
        return out;
      }
      case Change.LEFT -> {
        if (!viewer.equals(c.actorId())) {
          return List.of();
        }
        return List.of(
            new Event(n + ".t", Event.THREAD_UPDATED, new JsonObject().put("threadId", thread).put("left", true).put("unreadCount", 0)),
            new Event(n + ".u", Event.UNREAD_CHANGED, new JsonObject().put("unread", c.data().getInteger("unread", 0))));
      }
      case Change.ARCHIVED, Change.UNARCHIVED -> {
        return own(c, viewer) ? List.of(new Event(n, Change.ARCHIVED.equals(c.kind()) ? Event.THREAD_ARCHIVED
            : Event.THREAD_UNARCHIVED, new JsonObject().put("threadId", thread))) : List.of();
      }
      case Change.UNREAD -> {
        if (!own(c, viewer)) {
          return List.of();
        }
        return List.of(
            new Event(n + ".t", Event.THREAD_UPDATED, new JsonObject().put("threadId", thread)
                .put("unreadCount", c.data().getInteger("threadUnread", 0))),
            new Event(n + ".u", Event.UNREAD_CHANGED, new JsonObject().put("unread", c.data().getInteger("unread", 0))));
      }
      case Change.DRAFT -> {
        if (!own(c, viewer)) {
          return List.of();
        }
        JsonObject d = c.data();
        JsonObject data = new JsonObject().put("id", d.getString("id")).put("threadId", thread);
        return d.getBoolean("deleted", false)
            ? List.of(new Event(n, Event.DRAFT_DELETED, data))
            : List.of(new Event(n, Event.DRAFT_SAVED, data.put("updatedAt", d.getString("updatedAt"))));
      }
      default -> {
        return List.of();
      }
    }
  }
}
