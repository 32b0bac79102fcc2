package dev.parley.events;

import dev.parley.Topics;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live bridge's frames of a batch of events, {@code {"type":"rec","address":"user.<id>","body":<event>}},
 * encoded once when the events are published rather than once per socket by the bridge.
 *
 * <p>The events of one message share most of their content: every staff member sees the same
 * projection, and everyone the same body. A value that occurs in several events of the batch as the
 * same object (a recipients list, a sender, a body) is encoded once and its text reused; only each
 * person's own fields (event id, inbox row, unread total) are encoded per event. Every key and value
 * goes through the JSON library; this class only joins the encoded parts.
 */
public final class Frames {

  /** Encoded keys: events use a small, fixed set of them. */
  private static final Map<String, String> KEYS = new ConcurrentHashMap<>();
  private static final int KEYS_MAX = 1_000;

  /** Strings shorter than this are cheaper to encode again than to look up. */
  private static final int SHARED_STRING_MIN = 64;

  private Frames() {
  }

  /** The start of every frame to this person; the bridge checks a frame against its socket with it. */
  public static String prefix(UUID userId) {
    // an address is "user." and a UUID: nothing in it needs escaping
    return "{\"type\":\"rec\",\"address\":\"" + Topics.user(userId) + "\",";
  }

  /** One frame per event, in order. The events must not change afterwards (their values are shared). */
  public static List<String> of(List<Event> events) {
    Map<Object, String> encoded = new IdentityHashMap<>();
    List<String> frames = new ArrayList<>(events.size());
    StringBuilder sb = new StringBuilder(1024);
    for (Event e : events) {
      sb.setLength(0);
      sb.append(prefix(e.userId()))
          .append(BODY_ID).append(e.id())
          .append(",\"type\":").append(Json.encode(e.type()))
          .append(",\"data\":");
      object(sb, e.data(), encoded);
      sb.append("}}");
      frames.add(sb.toString());
    }
    return frames;
  }

  private static final String BODY_ID = "\"body\":{\"id\":";
  private static final String MESSAGE_DATA = ",\"type\":\"" + Event.MESSAGE_CREATED + "\",\"data\":{\"id\":\"";
  private static final int UUID_LENGTH = 36;

  /**
   * The message id of a {@code message.created} frame made by {@link #of}, else null: read from its
   * place in the frame (the event's data starts with the message id) without decoding the frame.
   */
  public static String messageId(String frame) {
    int at = frame.indexOf(BODY_ID);
    if (at < 0) {
      return null;
    }
    at += BODY_ID.length();
    while (at < frame.length() && Character.isDigit(frame.charAt(at))) {
      at++;
    }
    if (!frame.startsWith(MESSAGE_DATA, at)) {
      return null;
    }
    int start = at + MESSAGE_DATA.length();
    int end = start + UUID_LENGTH;
    return end < frame.length() && frame.charAt(end) == '"' ? frame.substring(start, end) : null;
  }

  private static void object(StringBuilder sb, JsonObject o, Map<Object, String> encoded) {
    sb.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> entry : o.getMap().entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append(key(entry.getKey())).append(':').append(value(entry.getValue(), encoded));
    }
    sb.append('}');
  }

  private static String key(String k) {
    String known = KEYS.get(k);
    if (known == null) {
      known = Json.encode(k);
      if (KEYS.size() < KEYS_MAX) {
        KEYS.put(k, known);
      }
    }
    return known;
  }

  private static String value(Object v, Map<Object, String> encoded) {
    boolean shareable = v instanceof JsonObject || v instanceof JsonArray
        || v instanceof Map || v instanceof List
        || (v instanceof String s && s.length() >= SHARED_STRING_MIN);
    if (!shareable) {
      if (v == null || v instanceof Boolean || v instanceof Integer || v instanceof Long) {
        return String.valueOf(v);
      }
      return Json.encode(v);
    }
    String known = encoded.get(v);
    if (known == null) {
      known = Json.encode(v);
      encoded.put(v, known);
    }
    return known;
  }
}
