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

class SignInTest {

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static Fixtures.Person admin;
  static Fixtures.Person staff;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    acme = node.fixtures().company("Acme Wealth");
    admin = acme.admin("Ada Admin");
    staff = acme.staff("Sam Staff");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void signInReturnsATokenAndTheUserAndMeDescribesThem() {
    Api.Response login = api.post("/api/auth/login", new JsonObject().put("email", staff.email()).put("password", Fixtures.PASSWORD));
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.json().getJsonObject("user").getString("id")).isEqualTo(staff.sid());
    assertThat(login.json().getJsonObject("user").getString("role")).isEqualTo("staff");
    assertThat(login.header("Set-Cookie")).contains("parley_session=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict");

    Api.Response me = staff.login(api).get("/api/me");
    assertThat(me.status()).as(me.toString()).isEqualTo(200);
    assertThat(me.json().getString("email")).isEqualTo(staff.email());
    assertThat(me.json().getJsonObject("company").getString("name")).isEqualTo("Acme Wealth");
  }

  @Test
  void wrongPasswordAndUnknownEmailAnswerTheSame401() {
    Api.Response wrong = api.post("/api/auth/login", new JsonObject().put("email", admin.email()).put("password", "not-the-password"));
    Api.Response unknown = api.post("/api/auth/login", new JsonObject().put("email", "nobody@example.test").put("password", "not-the-password"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(wrong.body()).isEqualTo(unknown.body());
    assertThat(wrong.error()).isEqualTo("invalid_credentials");
  }

  @Test
  void cookieSessionWorksForReadsAndNeedsTheCsrfHeaderForWrites() {
    Api.Response login = api.post("/api/auth/login", new JsonObject().put("email", admin.email()).put("password", Fixtures.PASSWORD));
    String cookie = login.header("Set-Cookie").split(";")[0];
    Api.Response me = api.send("GET", "/api/me", null, Map.of("Cookie", cookie));
    assertThat(me.status()).isEqualTo(200);

    JsonObject group = new JsonObject().put("kind", "team").put("name", "CSRF team");
    Api.Response forged = api.send("POST", "/api/admin/groups", group, Map.of("Cookie", cookie));
    assertThat(forged.status()).isEqualTo(403);
    Api.Response crossSite = api.send("POST", "/api/admin/groups", group,
        Map.of("Cookie", cookie, "X-Parley-CSRF", "1", "Origin", "https://evil.example"));
    assertThat(crossSite.status()).isEqualTo(403);
    Api.Response ok = api.send("POST", "/api/admin/groups", group, Map.of("Cookie", cookie, "X-Parley-CSRF", "1"));
    assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
  }

  @Test
  void logoutEndsTheSession() {
    Api.Session s = staff.login(api);
    assertThat(s.get("/api/me").status()).isEqualTo(200);
    assertThat(s.post("/api/auth/logout", null).status()).isEqualTo(204);
    assertThat(s.get("/api/me").status()).isEqualTo(401);
  }
}
