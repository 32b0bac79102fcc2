package dev.parley.auth;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Automatic logoff: a session left idle past 15 minutes, or older than its 12 hours, ends although
 * its token is still valid. The session rows are aged in the database rather than waited for.
 */
class SessionPolicyTest {

  static TestNode node;
  static Fixtures.Company acme;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    acme = node.fixtures().company("Acme Wealth");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aSessionIdleForLongerThanFifteenMinutesEnds() {
    Api.Session s = acme.staff("Ida Idle").login(node.api());
    age(s, "last_seen_at = now() - interval '16 minutes'");
    assertThat(s.get("/api/me").status()).isEqualTo(401);
  }

  @Test
  void usingASessionWithinFifteenMinutesKeepsItAlive() {
    Api.Session s = acme.client("Uma User").login(node.api());
    age(s, "last_seen_at = now() - interval '14 minutes'");
    assertThat(s.get("/api/me").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lastSeenSecondsAgo(s)).isLessThan(60));
    assertThat(s.get("/api/me").status()).isEqualTo(200);
  }

  @Test
  void aSessionEndsAtItsAbsoluteLifetimeHoweverBusy() {
    Api.Session s = acme.client("Lou Longday").login(node.api());
    age(s, "expires_at = now() - interval '1 second', last_seen_at = now()");
    assertThat(s.get("/api/me").status()).isEqualTo(401);
  }

  @Test
  void aNewSessionLastsTwelveHoursAtMost() {
    Api.Session s = acme.staff("Max Lifetime").login(node.api());
    double hours = node.parley().platform().pool()
        .preparedQuery("select extract(epoch from expires_at - created_at) / 3600 from sessions where id = $1")
        .execute(Tuple.of(sessionId(s))).await().iterator().next().getDouble(0);
    assertThat(hours).isBetween(11.99, 12.01);
  }

  private static void age(Api.Session s, String assignments) {
    node.parley().platform().pool().preparedQuery("update sessions set " + assignments + " where id = $1")
        .execute(Tuple.of(sessionId(s))).await();
  }

  private static long lastSeenSecondsAgo(Api.Session s) {
    return node.parley().platform().pool()
        .preparedQuery("select extract(epoch from now() - last_seen_at)::bigint from sessions where id = $1")
        .execute(Tuple.of(sessionId(s))).await().iterator().next().getLong(0);
  }

  private static UUID sessionId(Api.Session s) {
    String payload = new String(java.util.Base64.getUrlDecoder().decode(s.token().split("\\.")[1]),
        java.nio.charset.StandardCharsets.UTF_8);
    return UUID.fromString(new io.vertx.core.json.JsonObject(payload).getString("sid"));
  }
}
