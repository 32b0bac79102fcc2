package dev.parley.realtime;

import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes in a Hazelcast cluster that remember sessions for ten minutes: when a session ends or
 * its user changes through node 1, only the notice over the event bus can make node 2 forget it
 * within the few seconds waited here.
 */
class SessionsAcrossNodesTest {

  static TestNode node1;
  static TestNode node2;
  static Fixtures.Company acme;
  static Api.Session admin;

  @BeforeAll
  static void start() {
    TestNode[] nodes = TestNode.cluster(Map.of(ParleyConfig.SESSION_MEMORY_SECONDS, "600"));
    node1 = nodes[0];
    node2 = nodes[1];
    acme = node1.fixtures().company("Acme");
    admin = acme.admin("Ada Admin").login(node1.api());
  }

  @AfterAll
  static void stop() {
    node2.close();
    node1.close();
  }

  /** The same session, used through node 2. */
  static Api.Session onNode2(Api.Session s) {
    return new Api.Session(node2.api(), s.token(), s.userId());
  }

  /** Uses the session on node 2 and shows node 2 now answers for it without reading the sessions table. */
  static void rememberedByNode2(Api.Session s) {
    assertThat(onNode2(s).get("/api/me").status()).isEqualTo(200);
    node1.whileSessionsTableLocked(() -> assertThat(onNode2(s).get("/api/me").status()).isEqualTo(200));
  }

  @Test
  void aLogoutOnOneNodeEndsAccessOnTheOtherOnceTheNoticeArrives() {
    Api.Session s = acme.staff("Sam Staff").login(node1.api());
    rememberedByNode2(s);

    assertThat(s.post("/api/auth/logout", null).status()).isEqualTo(204);
    assertThat(s.get("/api/me").status()).isEqualTo(401);

    await().atMost(Duration.ofSeconds(5)).until(() -> onNode2(s).get("/api/me").status() == 401);
  }

  @Test
  void deactivatingAUserOnOneNodeEndsEveryOneOfItsSessionsOnTheOther() {
    Fixtures.Person dee = acme.client("Dee Departing");
    Api.Session first = dee.login(node1.api());
    Api.Session second = dee.login(node2.api());
    rememberedByNode2(first);
    rememberedByNode2(second);

    Api.Response off = admin.patch("/api/admin/users/" + dee.sid(), new JsonObject().put("active", false));
    assertThat(off.status()).as(off.toString()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(5)).until(() -> onNode2(first).get("/api/me").status() == 401
        && onNode2(second).get("/api/me").status() == 401);
  }

  @Test
  void aDemotionOnOneNodeAppliesOnTheOtherOnceTheNoticeArrives() {
    Fixtures.Person ava = acme.admin("Ava Admin");
    Api.Session s = ava.login(node2.api());
    rememberedByNode2(s);
    assertThat(s.get("/api/admin/users").status()).isEqualTo(200);

    Api.Response demoted = admin.patch("/api/admin/users/" + ava.sid(), new JsonObject().put("role", "staff"));
    assertThat(demoted.status()).as(demoted.toString()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(5)).until(() -> s.get("/api/admin/users").status() == 404);
    assertThat(s.get("/api/me").json().getString("role")).isEqualTo("staff");
  }
}
