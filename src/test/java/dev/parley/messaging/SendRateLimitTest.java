package dev.parley.messaging;

import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs against a node that lets a person send three messages a minute. */
class SendRateLimitTest {

  static TestNode node;
  static Fixtures.Person staff;
  static Fixtures.Person client;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(ParleyConfig.SEND_LIMIT_PER_MINUTE, "3"));
    Fixtures.Company c = node.fixtures().company("Acme");
    staff = c.staff("Sam Staff");
    client = c.client("Chris Client", staff);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aPersonSendingTooFastIsToldWhenToTryAgainAndNothingIsStored() {
    Api.Session session = staff.login(node.api());
    for (int i = 0; i < 3; i++) {
      assertThat(send(session, "Allowed " + i).status()).isEqualTo(201);
    }

    Api.Response limited = send(session, "One too many");

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.error()).isEqualTo("rate_limited");
    assertThat(limited.json().getString("message")).contains("sending too fast").contains("try again in");
    assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
    assertThat(session.get("/api/inbox?view=sent").json().getJsonArray("threads").encode()).doesNotContain("One too many");
  }

  private Api.Response send(Api.Session session, String subject) {
    return session.post("/api/threads", new JsonObject()
        .put("to", new JsonArray().add(client.sid()))
        .put("subject", subject)
        .put("bodyHtml", "<p>Hello</p>"));
  }
}
