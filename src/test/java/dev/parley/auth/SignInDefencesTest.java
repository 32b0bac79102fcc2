package dev.parley.auth;

import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Login CSRF, addresses shared by companies and the lock-out's answer. The node allows three attempts per account. */
class SignInDefencesTest {

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static Fixtures.Company birch;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(ParleyConfig.LOGIN_LIMIT_ACCOUNT, "3", ParleyConfig.PUBLIC_URL, "http://app.parley.test"));
    api = node.api();
    acme = node.fixtures().company("Acme Wealth");
    birch = node.fixtures().company("Birch Legal");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aSignInWhoseBodyIsNotDeclaredAsJsonIsRefusedAndSignsNobodyIn() throws Exception {
    Fixtures.Person attacker = acme.client("Ana Attacker");
    String body = new JsonObject().put("email", attacker.email()).put("password", Fixtures.PASSWORD).encode();
    // what a page elsewhere can send without a preflight: a typeless blob carries no Content-Type
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.base() + "/api/auth/login"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(new JsonObject(r.body()).getString("message")).contains("application/json");
    assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void aSignInFromAPageOnAnotherOriginIsRefusedWith403() {
    Fixtures.Person attacker = acme.client("Oli Other");
    Api.Response r = api.send("POST", "/api/auth/login",
        new JsonObject().put("email", attacker.email()).put("password", Fixtures.PASSWORD),
        Map.of("Origin", "http://evil.parley.test"));

    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(r.header("Set-Cookie")).isNull();
    assertThat(r.json().containsKey("token")).isFalse();
  }

  @Test
  void aSignInFromOurOwnOriginWorks() {
    Fixtures.Person sam = acme.staff("Sam Same");
    Api.Response r = api.send("POST", "/api/auth/login",
        new JsonObject().put("email", sam.email()).put("password", Fixtures.PASSWORD), Map.of("Origin", "http://app.parley.test"));

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  @Test
  void anAdminCanAddAnAddressThatAnotherCompanyAlreadyHasAndBothPeopleSignInToTheirOwnCompany() {
    Fixtures.Person acmeAdmin = acme.admin("Ada Acme");
    Fixtures.Person atBirch = birch.client("Kim Shared");
    Api.Response created = acmeAdmin.login(api).post("/api/admin/users", new JsonObject()
        .put("email", atBirch.email()).put("name", "Kim at Acme").put("role", "client").put("password", "another-password-1"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);

    Api.Response toBirch = signIn(atBirch.email(), Fixtures.PASSWORD);
    Api.Response toAcme = signIn(atBirch.email(), "another-password-1");
    assertThat(toBirch.status()).as(toBirch.toString()).isEqualTo(200);
    assertThat(toBirch.json().getJsonObject("user").getString("id")).isEqualTo(atBirch.sid());
    assertThat(toAcme.status()).as(toAcme.toString()).isEqualTo(200);
    assertThat(toAcme.json().getJsonObject("user").getString("id")).isEqualTo(created.json().getString("id"));
  }

  @Test
  void anAddressWhosePasswordOpensTwoCompaniesIsAskedWhichCompanyAndThenSignsIntoThatOne() {
    Fixtures.Person atAcme = acme.staff("Pat Twice");
    Fixtures.Person admin = birch.admin("Bo Birch");
    Api.Response created = admin.login(api).post("/api/admin/users", new JsonObject()
        .put("email", atAcme.email()).put("name", "Pat at Birch").put("role", "staff").put("password", Fixtures.PASSWORD));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);

    Api.Response ask = signIn(atAcme.email(), Fixtures.PASSWORD);
    assertThat(ask.status()).as(ask.toString()).isEqualTo(409);
    assertThat(ask.error()).isEqualTo("company_required");
    assertThat(ask.json().getJsonArray("companies").stream().map(o -> ((JsonObject) o).getString("name")))
        .containsExactlyInAnyOrder("Acme Wealth", "Birch Legal");

    Api.Response chosen = api.post("/api/auth/login", new JsonObject().put("email", atAcme.email())
        .put("password", Fixtures.PASSWORD).put("companyId", birch.id.toString()));
    assertThat(chosen.status()).as(chosen.toString()).isEqualTo(200);
    assertThat(chosen.json().getJsonObject("user").getString("id")).isEqualTo(created.json().getString("id"));
  }

  @Test
  void theLockOutSaysWhenToTryAgainInRetryAfterAndInItsMessage() {
    Fixtures.Person target = acme.client("Tia Target");
    for (int i = 0; i < 3; i++) {
      assertThat(signIn(target.email(), "guess-number-" + i).status()).isEqualTo(401);
    }

    Api.Response locked = signIn(target.email(), Fixtures.PASSWORD);
    assertThat(locked.status()).isEqualTo(429);
    String retryAfter = locked.header("Retry-After");
    assertThat(retryAfter).as(locked.toString()).isNotNull();
    assertThat(Long.parseLong(retryAfter)).isBetween(1L, 300L);
    assertThat(locked.json().getString("message")).contains("try again in").contains("Forgot password?");
  }

  private static Api.Response signIn(String email, String password) {
    return api.post("/api/auth/login", new JsonObject().put("email", email).put("password", password));
  }
}
