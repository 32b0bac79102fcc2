package dev.parley.auth;

import dev.parley.Platform;
import dev.parley.Topics;
import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node answers for a session it has just checked from memory, and forgets it the moment the
 * session ends or its user changes through this node. Whether a request read the sessions table is
 * proven by PostgreSQL: while the test holds an exclusive lock on it, any request that reads it waits.
 */
class SessionsInMemoryTest {

  static TestNode node;
  static Api api;
  static Vertx clients;
  static Fixtures.Company acme;
  static Api.Session admin;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    clients = Vertx.vertx();
    acme = node.fixtures().company("Acme Wealth");
    admin = acme.admin("Ada Admin").login(api);
  }

  @AfterAll
  static void stop() {
    clients.close().await();
    node.close();
  }

  @Test
  void aRepeatedRequestAndALiveSocketWithAValidTokenDoNotReadTheSessionsTableAgain() {
    Fixtures.Person sam = acme.staff("Sam Staff");
    Api.Session s = sam.login(api);
    assertThat(s.get("/api/me").status()).isEqualTo(200);

    node.whileSessionsTableLocked(() -> {
      Api.Response again = s.get("/api/me");
      assertThat(again.status()).as(again.toString()).isEqualTo(200);
      assertThat(again.json().getString("id")).isEqualTo(sam.sid());

      BridgeClient live = BridgeClient.connect(clients, node.baseUrl(), s.token());
      live.register(Topics.user(sam.id()));
      await().atMost(Duration.ofSeconds(10)).until(live::subscribed);
      live.close();
    });
  }

  @Test
  void aRememberedSessionIsRefusedRightAfterLogoutOnTheSameNode() {
    Fixtures.Person lou = acme.client("Lou Leaving");
    Api.Session bearer = lou.login(api);
    Api.Response login = api.post("/api/auth/login", new JsonObject().put("email", lou.email()).put("password", Fixtures.PASSWORD));
    Map<String, String> cookie = Map.of("Cookie", login.header("Set-Cookie").split(";")[0], AuthHandler.CSRF_HEADER, "1");
    assertThat(bearer.get("/api/me").status()).isEqualTo(200);
    assertThat(api.send("GET", "/api/me", null, cookie).status()).isEqualTo(200);
    assertThat(bearer.get("/api/me").status()).isEqualTo(200);
    assertThat(api.send("GET", "/api/me", null, cookie).status()).isEqualTo(200);

    assertThat(bearer.post("/api/auth/logout", null).status()).isEqualTo(204);
    assertThat(bearer.get("/api/me").status()).isEqualTo(401);

    assertThat(api.send("POST", "/api/auth/logout", null, cookie).status()).isEqualTo(204);
    assertThat(api.send("GET", "/api/me", null, cookie).status()).isEqualTo(401);
  }

  @Test
  void deactivationByAnAdminEndsEverySessionOfTheUserAtOnce() {
    Fixtures.Person dee = acme.staff("Dee Departing");
    Api.Session first = dee.login(api);
    Api.Session second = dee.login(api);
    assertThat(first.get("/api/me").status()).isEqualTo(200);
    assertThat(second.get("/api/me").status()).isEqualTo(200);
    assertThat(first.get("/api/recipients").status()).isEqualTo(200);
    assertThat(second.get("/api/recipients").status()).isEqualTo(200);

    Api.Response off = admin.patch("/api/admin/users/" + dee.sid(), new JsonObject().put("active", false));
    assertThat(off.status()).as(off.toString()).isEqualTo(200);

    assertThat(first.get("/api/me").status()).isEqualTo(401);
    assertThat(second.get("/api/recipients").status()).isEqualTo(401);
  }

  @Test
  void aDemotionOrRenameByAnAdminAppliesOnTheVeryNextRequest() {
    Fixtures.Person ava = acme.admin("Ava Admin");
    Api.Session s = ava.login(api);
    assertThat(s.get("/api/admin/users").status()).isEqualTo(200);
    assertThat(s.get("/api/me").json().getString("role")).isEqualTo("admin");

    assertThat(admin.patch("/api/admin/users/" + ava.sid(), new JsonObject().put("role", "staff")).status()).isEqualTo(200);
    assertThat(s.get("/api/admin/users").status()).isEqualTo(404);
    assertThat(s.get("/api/me").json().getString("role")).isEqualTo("staff");

    assertThat(admin.patch("/api/admin/users/" + ava.sid(), new JsonObject().put("name", "Ava Renamed")).status()).isEqualTo(200);
    assertThat(s.get("/api/me").json().getString("name")).isEqualTo("Ava Renamed");
  }

  @Test
  void sessionsTheDatabaseDoesNotVouchForAreNeverRemembered() {
    Platform platform = node.parley().platform();
    Fixtures.Person una = acme.client("Una Unknown");
    Api.Session ended = una.login(api);
    assertThat(ended.post("/api/auth/logout", null).status()).isEqualTo(204);
    int before = platform.sessions().remembered();

    for (int i = 0; i < 50; i++) {
      String forged = platform.tokens().issue(una.id(), acme.id, una.role(), UUID.randomUUID());
      assertThat(new Api.Session(api, forged, una.sid()).get("/api/me").status()).isEqualTo(401);
      assertThat(ended.get("/api/me").status()).isEqualTo(401);
    }
    assertThat(platform.sessions().remembered()).isLessThanOrEqualTo(before);
  }

  @Test
  void aRevocationTheNodeWasNotToldAboutTakesEffectWhenItsMemoryRunsOut() {
    Api.Session s = acme.staff("Rob Revoked").login(api);
    assertThat(s.get("/api/me").status()).isEqualTo(200);

    node.parley().platform().pool()
        .preparedQuery("update sessions set revoked_at = now() where id = $1")
        .execute(Tuple.of(sessionId(s))).await();

    await().atMost(Duration.ofSeconds(15)).until(() -> s.get("/api/me").status() == 401);
  }

  static UUID sessionId(Api.Session s) {
    String payload = new String(java.util.Base64.getUrlDecoder().decode(s.token().split("\\.")[1]),
        java.nio.charset.StandardCharsets.UTF_8);
    return UUID.fromString(new JsonObject(payload).getString("sid"));
  }
}
