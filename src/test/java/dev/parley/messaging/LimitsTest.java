package dev.parley.messaging;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One over each limit gets a clear 4xx and stores nothing. */
class LimitsTest {

  static TestNode node;
  static Api.Session staff;
  static Fixtures.Person client;
  static Fixtures.Company acme;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    acme = node.fixtures().company("Acme");
    staff = acme.staff("Sam Staff").login(node.api());
    client = acme.client("Chris Client");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static long count(String table) {
    Row r = node.parley().platform().pool().query("select count(*) from " + table).execute().await().iterator().next();
    return r.getLong(0);
  }

  static JsonObject send(String subject, String body, JsonArray to) {
    return new JsonObject().put("to", to).put("subject", subject).put("bodyHtml", body);
  }

  static void assertNothingStoredAfter(Runnable r) {
    long threads = count("threads");
    long messages = count("messages");
    long changes = count("changes");
    long outbox = count("outbox");
    r.run();
    assertThat(List.of(count("threads"), count("messages"), count("changes"), count("outbox")))
        .containsExactly(threads, messages, changes, outbox);
  }

  @Test
  void overlongSubjectIs400() {
    assertNothingStoredAfter(() -> {
      Api.Response r = staff.post("/api/threads", send("x".repeat(201), "<p>hi</p>", new JsonArray().add(client.sid())));
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().getString("message")).contains("subject");
    });
  }

  @Test
  void oversizeBodyIs413() {
    assertNothingStoredAfter(() -> {
      Api.Response r = staff.post("/api/threads", send("Big", "<p>" + "a".repeat(100_001) + "</p>", new JsonArray().add(client.sid())));
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.json().getString("message")).contains("bodyHtml");
    });
  }

  @Test
  void requestOverTheBodyLimitIs413() {
    assertNothingStoredAfter(() -> {
      Api.Response r = staff.post("/api/threads", send("Huge", "a".repeat(600_000), new JsonArray().add(client.sid())));
      assertThat(r.status()).isEqualTo(413);
    });
  }

  @Test
  void tooManyRecipientsIs400() {
    JsonArray to = new JsonArray();
    for (int i = 0; i < 101; i++) {
      to.add(acme.client("Bulk " + i).sid());
    }
    assertNothingStoredAfter(() -> {
      Api.Response r = staff.post("/api/threads", send("Many", "<p>hi</p>", to));
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().getString("message")).contains("at most 100 recipients");
    });
  }

  @Test
  void subjectWithALineBreakIs400() {
    assertNothingStoredAfter(() -> {
      Api.Response r = staff.post("/api/threads", send("Hi\r\nBcc: victim@example.com", "<p>x</p>", new JsonArray().add(client.sid())));
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().getString("message")).contains("single line");
    });
  }

  @Test
  void emptyOrScriptOnlyBodyIs400() {
    assertNothingStoredAfter(() -> {
      assertThat(staff.post("/api/threads", send("Empty", "<script>alert(1)</script>", new JsonArray().add(client.sid()))).status())
          .isEqualTo(400);
      assertThat(staff.post("/api/threads", send("Empty", "   ", new JsonArray().add(client.sid()))).status()).isEqualTo(400);
    });
  }

  @Test
  void wrongTypesAndUnknownFieldsAre400NamingTheField() {
    assertNothingStoredAfter(() -> {
      Api.Response wrongType = staff.post("/api/threads", new JsonObject().put("to", client.sid()).put("subject", "x").put("bodyHtml", "<p>x</p>"));
      assertThat(wrongType.status()).isEqualTo(400);
      assertThat(wrongType.json().getString("message")).contains("'to'");
      Api.Response unknown = staff.post("/api/threads", send("x", "<p>x</p>", new JsonArray().add(client.sid())).put("bcc", new JsonArray()));
      assertThat(unknown.status()).isEqualTo(400);
      assertThat(unknown.json().getString("message")).contains("'bcc'");
      Api.Response malformed = staff.post("/api/threads", "{\"to\": [");
      assertThat(malformed.status()).isEqualTo(400);
      assertThat(malformed.error()).isEqualTo("malformed_json");
    });
  }
}
