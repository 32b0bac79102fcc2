package dev.parley.messaging;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Another company's thread, a thread one is not on, or a message one may not see: all answer 404. */
class InvisibleThreadsTest {

  static TestNode node;
  static Api api;
  static Fixtures.Person staff;
  static Fixtures.Person client;
  static Fixtures.Person otherClient;
  static Fixtures.Person bystander;
  static Fixtures.Person foreigner;
  static String threadId;
  static String messageToOtherClient;
  static String cannedId;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    Fixtures.Company acme = node.fixtures().company("Acme");
    staff = acme.staff("Sam Staff");
    client = acme.client("Chris Client");
    otherClient = acme.client("Olive Other");
    bystander = acme.staff("Bea Bystander");
    foreigner = node.fixtures().company("Elsewhere").admin("Fred Foreign");
    Api.Session s = staff.login(api);
    threadId = s.post("/api/threads", new JsonObject().put("to", new JsonArray().add(client.sid()))
        .put("subject", "Private").put("bodyHtml", "<p>For Chris</p>")).json().getJsonObject("thread").getString("id");
    messageToOtherClient = s.post("/api/threads/" + threadId + "/messages", new JsonObject()
        .put("to", new JsonArray().add(otherClient.sid())).put("bodyHtml", "<p>For Olive only</p>"))
        .json().getJsonObject("message").getString("id");
    cannedId = s.post("/api/canned-responses", new JsonObject().put("title", "Mine").put("bodyHtml", "<p>x</p>"))
        .json().getString("id");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void everyMessagingEndpointAnswers404ForThreadsTheCallerIsNotOn() {
    for (Fixtures.Person outsider : List.of(foreigner, bystander)) {
      Api.Session s = outsider.login(api);
      assertThat(s.get("/api/threads/" + threadId).status()).as(outsider.name()).isEqualTo(404);
      assertThat(s.post("/api/threads/" + threadId + "/messages", new JsonObject().put("bodyHtml", "<p>hi</p>")).status()).isEqualTo(404);
      assertThat(s.post("/api/threads/" + threadId + "/read", new JsonObject()).status()).isEqualTo(404);
      assertThat(s.post("/api/threads/" + threadId + "/read",
          new JsonObject().put("messageIds", new JsonArray().add(messageToOtherClient))).status()).isEqualTo(404);
    }
    Api.Session s = foreigner.login(api);
    String random = UUID.randomUUID().toString();
    assertThat(s.get("/api/threads/" + random).status()).isEqualTo(404);
    assertThat(s.get("/api/threads/not-a-uuid").status()).isEqualTo(404);
    assertThat(s.put("/api/canned-responses/" + cannedId, new JsonObject().put("title", "Stolen")).status()).isEqualTo(404);
    assertThat(s.delete("/api/canned-responses/" + cannedId).status()).isEqualTo(404);
  }

  @Test
  void refusalsAreAuditedWithoutBodies() {
    bystander.login(api).get("/api/threads/" + threadId);
    var rows = node.parley().platform().pool()
        .preparedQuery("select target, detail::text from audit_log where action = 'access.refused' and actor_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(bystander.id())).await();
    assertThat(rows.size()).isPositive();
    rows.forEach(r -> assertThat(r.getString(1)).doesNotContain("For Chris"));
  }

  @Test
  void aContactCannotMarkOrSeeAMessageSentToAnotherContact() {
    Api.Session chris = client.login(api);
    Api.Response read = chris.post("/api/threads/" + threadId + "/read",
        new JsonObject().put("messageIds", new JsonArray().add(messageToOtherClient)));
    assertThat(read.status()).isEqualTo(404);
    assertThat(chris.get("/api/threads/" + threadId).body()).doesNotContain(messageToOtherClient).doesNotContain("Olive");
  }

  @Test
  void aForeignRecipientIsRefusedLikeAnUnknownOne() {
    Api.Session s = staff.login(api);
    Api.Response foreign = s.post("/api/threads", new JsonObject().put("to", new JsonArray().add(foreigner.sid()))
        .put("subject", "x").put("bodyHtml", "<p>x</p>"));
    Api.Response unknown = s.post("/api/threads", new JsonObject().put("to", new JsonArray().add(UUID.randomUUID().toString()))
        .put("subject", "x").put("bodyHtml", "<p>x</p>"));
    assertThat(foreign.status()).isEqualTo(400);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(foreign.error()).isEqualTo(unknown.error()).isEqualTo("recipient_not_allowed");
  }
}
