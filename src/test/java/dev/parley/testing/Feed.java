package dev.parley.testing;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a client reads from {@code GET /api/events}: every page from a cursor, as a client follows
 * {@code more}. Catch-up lists a change once every transaction older than it has ended, so tests wait
 * for the change that proves the outcome instead of reading once.
 */
public final class Feed {

  private Feed() {
  }

  /** The cursor a client starts from after loading its state. */
  public static String start(Api.Session s) {
    Api.Response r = s.get("/api/events");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getString("cursor");
  }

  /** Every event listed after {@code cursor} ("0": from the oldest kept), each id once, following {@code more}. */
  public static List<JsonObject> after(Api.Session s, String cursor) {
    List<JsonObject> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String at = cursor;
    while (true) {
      Api.Response r = s.get("/api/events?after=" + at);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      JsonObject page = r.json();
      assertThat(page.getBoolean("resync", false)).as("resync").isFalse();
      for (Object o : page.getJsonArray("events")) {
        JsonObject e = (JsonObject) o;
        assertThat(e.getValue("id")).as("event ids are strings").isInstanceOf(String.class);
        if (seen.add(e.getString("id"))) {
          out.add(e);
        }
      }
      at = page.getString("cursor");
      if (!page.getBoolean("more")) {
        return out;
      }
    }
  }

  /** The events after {@code cursor}, once they satisfy {@code done}. */
  public static List<JsonObject> until(Api.Session s, String cursor, Predicate<List<JsonObject>> done) {
    return await().atMost(Duration.ofSeconds(20)).until(() -> after(s, cursor), done);
  }

  /** The events after {@code cursor}, once they include the message.created of {@code messageId}. */
  public static List<JsonObject> untilMessage(Api.Session s, String cursor, String messageId) {
    return until(s, cursor, events -> created(events).contains(messageId));
  }

  /** The ids of the messages of the message.created events, in order. */
  public static List<String> created(List<JsonObject> events) {
    return ofType(events, "message.created").stream().map(e -> e.getJsonObject("data").getString("id")).toList();
  }

  public static List<JsonObject> ofType(List<JsonObject> events, String type) {
    return events.stream().filter(e -> type.equals(e.getString("type"))).toList();
  }
}
