package dev.parley.events;

import dev.parley.Topics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A frame encoded once with shared values reads back as the bridge would have encoded it. */
class FramesTest {

  @Test
  void framesReadBackAsTheBridgesOwnEnvelopeWhateverIsShared() {
    String body = "<p>" + "a \"quoted\" line, <b>bold</b> & ünïcödé — \u2028 ".repeat(20) + "</p>";
    JsonArray recipients = new JsonArray()
        .add(new JsonObject().put("id", UUID.randomUUID().toString()).put("name", "Ana \"A\" Staff").put("readAt", null));
    JsonObject common = new JsonObject().put("bodyHtml", body).put("recipients", recipients).put("readReceipt", true);
    UUID ana = UUID.randomUUID();
    UUID ben = UUID.randomUUID();
    JsonObject forAna = new JsonObject(new LinkedHashMap<>(common.getMap())).put("unread", 3)
        .put("thread", new JsonObject().put("snippet", "tab\there"));
    JsonObject forBen = new JsonObject(new LinkedHashMap<>(common.getMap())).put("unread", 0).put("score", 1.5);
    List<Event> events = List.of(new Event(ana, 7, Event.MESSAGE_CREATED, forAna), new Event(ben, 41, Event.MESSAGE_CREATED, forBen),
        new Event(ana, 8, Event.UNREAD_CHANGED, new JsonObject().put("unread", 2)));

    List<String> frames = Frames.of(events);

    assertThat(frames).hasSize(3);
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      JsonObject expected = new JsonObject().put("type", "rec").put("address", Topics.user(e.userId())).put("body", e.toJson());
      assertThat(new JsonObject(frames.get(i))).isEqualTo(expected);
      assertThat(frames.get(i)).startsWith(Frames.prefix(e.userId()));
    }
    assertThat(new JsonObject(frames.get(1)).getJsonObject("body").getJsonObject("data").getString("bodyHtml")).isEqualTo(body);
  }
}
