package dev.parley.messaging;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LeaveThreadTest {

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static Fixtures.Person staff;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    acme = node.fixtures().company("Acme");
    staff = acme.staff("Sam Staff");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static List<String> recipientIds(Api.Session s, String thread, String messageId) {
    List<String> out = new ArrayList<>();
    for (Object o : s.get("/api/threads/" + thread).json().getJsonArray("messages")) {
      JsonObject m = (JsonObject) o;
      if (m.getString("id").equals(messageId)) {
        m.getJsonArray("recipients").forEach(r -> out.add(((JsonObject) r).getString("id")));
      }
    }
    return out;
  }

  @Test
  void aPersonWhoLeftAThreadNoLongerSeesItOrGetsItsReplies() {
    Fixtures.Person leaver = acme.client("Lee Leaver");
    Fixtures.Person stayer = acme.client("Stan Stayer");
    Api.Session s = staff.login(api);
    String thread = s.post("/api/threads", new JsonObject().put("to", new JsonArray().add(leaver.sid()).add(stayer.sid()))
        .put("subject", "Plans").put("bodyHtml", "<p>x</p>")).json().getJsonObject("thread").getString("id");
    Api.Session l = leaver.login(api);
    assertThat(l.get("/api/unread").json().getInteger("unread")).isEqualTo(1);

    assertThat(l.post("/api/threads/" + thread + "/leave", new JsonObject()).status()).isEqualTo(204);
    assertThat(l.get("/api/inbox").json().getJsonArray("threads")).isEmpty();
    assertThat(l.get("/api/unread").json().getInteger("unread")).isZero();
    // still readable, read-only, from Archived
    assertThat(l.get("/api/threads/" + thread).json().getJsonObject("thread").getBoolean("left")).isTrue();
    assertThat(l.post("/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", "<p>back?</p>")).status())
        .isEqualTo(404);

    String replyAll = s.post("/api/threads/" + thread + "/messages", new JsonObject().put("bodyHtml", "<p>update</p>"))
        .json().getJsonObject("message").getString("id");
    assertThat(recipientIds(s, thread, replyAll)).containsExactly(stayer.sid());

    // writing to them by name in the thread brings them back
    s.post("/api/threads/" + thread + "/messages", new JsonObject().put("to", new JsonArray().add(leaver.sid()))
        .put("bodyHtml", "<p>one for you</p>"));
    assertThat(l.get("/api/inbox").json().getJsonArray("threads")).hasSize(1);
    assertThat(l.get("/api/threads/" + thread).json().getJsonObject("thread").getBoolean("left")).isFalse();
  }
}
