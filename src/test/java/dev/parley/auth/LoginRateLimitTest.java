package dev.parley.auth;

import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs against a node allowing three sign-in attempts per account in the window, and a second node
 * allowing four per address.
 */
class LoginRateLimitTest {

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static TestNode addressNode;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(ParleyConfig.LOGIN_LIMIT_ACCOUNT, "3"));
    api = node.api();
    acme = node.fixtures().company("Acme Wealth");
    addressNode = TestNode.start(Map.of(ParleyConfig.LOGIN_LIMIT_ACCOUNT, "50", ParleyConfig.LOGIN_LIMIT_ADDRESS, "4"));
  }

  @AfterAll
  static void stop() {
    node.close();
    addressNode.close();
  }

  @Test
  void onePastTheAccountLimitAnswers429EvenWithTheRightPassword() {
    Fixtures.Person target = acme.staff("Tia Target");
    for (int i = 0; i < 3; i++) {
      assertThat(signIn(target.email(), "guess-number-" + i).status()).isEqualTo(401);
    }

    Api.Response limited = signIn(target.email(), Fixtures.PASSWORD);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.error()).isEqualTo("rate_limited");
    assertThat(limited.json().getString("message")).contains("too many sign-in attempts");
    assertThat(limited.json().containsKey("token")).isFalse();
  }

  @Test
  void theAccountLimitCountsOneAccountOnlyAndIgnoresTheCaseOfTheEmail() {
    Fixtures.Person target = acme.client("Cal Client");
    Fixtures.Person bystander = acme.client("Bea Bystander");
    signIn(target.email().toUpperCase(), "guess-1");
    signIn(target.email(), "guess-2");
    signIn(" " + target.email().toUpperCase() + " ", "guess-3");

    assertThat(signIn(target.email(), Fixtures.PASSWORD).status()).isEqualTo(429);
    assertThat(signIn(bystander.email(), Fixtures.PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void aSuccessfulSignInStartsTheCountAfresh() {
    Fixtures.Person forgetful = acme.staff("Fay Forgetful");
    signIn(forgetful.email(), "guess-1");
    signIn(forgetful.email(), "guess-2");
    assertThat(signIn(forgetful.email(), Fixtures.PASSWORD).status()).isEqualTo(200);
    signIn(forgetful.email(), "guess-3");
    signIn(forgetful.email(), "guess-4");
    assertThat(signIn(forgetful.email(), Fixtures.PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void anUnknownEmailIsLimitedLikeAKnownOne() {
    for (int i = 0; i < 3; i++) {
      assertThat(signIn("nobody@example.test", "guess-" + i).status()).isEqualTo(401);
    }
    assertThat(signIn("nobody@example.test", "guess-4").status()).isEqualTo(429);
  }

  @Test
  void onePastTheAddressLimitAnswers429WhicheverAccountIsTried() {
    Fixtures.Company other = addressNode.fixtures().company("Other Advisors");
    Api otherApi = addressNode.api();
    for (int i = 0; i < 4; i++) {
      Fixtures.Person someone = other.client("Client " + i);
      Api.Response r = otherApi.post("/api/auth/login", new JsonObject().put("email", someone.email()).put("password", "guess-" + i));
      assertThat(r.status()).isEqualTo(401);
    }
    Fixtures.Person fresh = other.staff("Fresh Staff");
    Api.Response limited = otherApi.post("/api/auth/login",
        new JsonObject().put("email", fresh.email()).put("password", Fixtures.PASSWORD));
    assertThat(limited.status()).isEqualTo(429);
  }

  private static Api.Response signIn(String email, String password) {
    return api.post("/api/auth/login", new JsonObject().put("email", email).put("password", password));
  }
}
