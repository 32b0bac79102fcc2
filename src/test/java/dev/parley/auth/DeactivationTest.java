package dev.parley.auth;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeactivationTest {

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static Api.Session admin;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    acme = node.fixtures().company("Acme Wealth");
    admin = acme.admin("Ada Admin").login(api);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aDeactivatedUserCannotSignInAndIsToldNothingMoreThanAWrongPassword() {
    Fixtures.Person leaver = acme.client("Lee Leaver");
    deactivate(leaver);

    Api.Response refused = signIn(leaver.email(), Fixtures.PASSWORD);
    Api.Response wrongPassword = signIn(acme.client("Wes Wrong").email(), "not-the-password");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.body()).isEqualTo(wrongPassword.body());
    assertThat(refused.header("Set-Cookie")).isNull();
  }

  @Test
  void theBearerTokenOfADeactivatedUserStopsWorkingAtOnce() {
    Fixtures.Person leaver = acme.staff("Sid Staff");
    Api.Session before = leaver.login(api);
    assertThat(before.get("/api/me").status()).isEqualTo(200);

    deactivate(leaver);

    assertThat(before.get("/api/me").status()).isEqualTo(401);
    assertThat(before.get("/api/recipients").status()).isEqualTo(401);
  }

  @Test
  void theSessionCookieOfADeactivatedUserStopsWorkingAtOnce() {
    Fixtures.Person leaver = acme.prospect("Pia Prospect");
    Api.Response login = signIn(leaver.email(), Fixtures.PASSWORD);
    String cookie = login.header("Set-Cookie").split(";")[0];
    assertThat(api.send("GET", "/api/me", null, Map.of("Cookie", cookie)).status()).isEqualTo(200);

    deactivate(leaver);

    assertThat(api.send("GET", "/api/me", null, Map.of("Cookie", cookie)).status()).isEqualTo(401);
  }

  @Test
  void aReactivatedUserSignsInAgainWithTheSamePasswordButOldSessionsStayEnded() {
    Fixtures.Person returning = acme.client("Rae Return");
    Api.Session old = returning.login(api);
    deactivate(returning);

    Api.Response reactivated = admin.patch("/api/admin/users/" + returning.sid(), new JsonObject().put("active", true));
    assertThat(reactivated.status()).as(reactivated.toString()).isEqualTo(200);
    assertThat(reactivated.json().getBoolean("active")).isTrue();

    assertThat(old.get("/api/me").status()).isEqualTo(401);
    assertThat(returning.login(api).get("/api/me").status()).isEqualTo(200);
  }

  private static void deactivate(Fixtures.Person person) {
    Api.Response r = admin.patch("/api/admin/users/" + person.sid(), new JsonObject().put("active", false));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getBoolean("active")).isFalse();
  }

  private static Api.Response signIn(String email, String password) {
    return api.post("/api/auth/login", new JsonObject().put("email", email).put("password", password));
  }
}
