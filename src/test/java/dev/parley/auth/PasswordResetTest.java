package dev.parley.auth;

import com.icegreen.greenmail.util.GreenMail;
import dev.parley.ParleyConfig;
import dev.parley.Topics;
import dev.parley.notify.Mailboxes;
import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Sql;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** "Forgot password?" end to end, with the real mail server; the node allows three sign-in attempts per account. */
class PasswordResetTest {

  private static final Pattern LINK = Pattern.compile("/#/reset/([A-Za-z0-9_-]{40,})");

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static GreenMail mail;
  static Vertx clients;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(ParleyConfig.LOGIN_LIMIT_ACCOUNT, "3", ParleyConfig.OUTBOX_POLL_MS, "200",
        ParleyConfig.PASSWORD_LINK_LIMIT_ADDRESS, "1000"));
    api = node.api();
    acme = node.fixtures().company("Acme Wealth");
    mail = Mailboxes.of(node);
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    clients.close().await();
    node.close();
  }

  @Test
  void aResetLinkArrivesByEmailSetsTheNewPasswordOnceAndEndsEverySessionAndLiveSocket() {
    Fixtures.Person rosa = acme.client("Rosa Reset");
    Api.Session bearer = rosa.login(api);
    Api.Session other = rosa.login(api);
    BridgeClient live = BridgeClient.connect(clients, node.baseUrl(), other.token());
    live.register(Topics.user(rosa.id()));
    await().atMost(Duration.ofSeconds(20)).until(live::subscribed);

    Api.Response asked = forgot(rosa.email());
    assertThat(asked.status()).as(asked.toString()).isEqualTo(202);
    String token = linkIn(awaitMail(rosa.email(), 1).get(0));

    Api.Response reset = api.post("/api/auth/reset", new JsonObject().put("token", token).put("password", "a-brand-new-password"));
    assertThat(reset.status()).as(reset.toString()).isEqualTo(204);

    assertThat(bearer.get("/api/me").status()).isEqualTo(401);
    assertThat(other.get("/api/me").status()).isEqualTo(401);
    await().atMost(Duration.ofSeconds(20)).until(live::closed);
    assertThat(signIn(rosa.email(), Fixtures.PASSWORD).status()).isEqualTo(401);
    assertThat(signIn(rosa.email(), "a-brand-new-password").status()).isEqualTo(200);

    Api.Response again = api.post("/api/auth/reset", new JsonObject().put("token", token).put("password", "yet-another-password"));
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.error()).isEqualTo("invalid_link");
    assertThat(signIn(rosa.email(), "yet-another-password").status()).isEqualTo(401);
  }

  @Test
  void theLinkIsStoredOnlyAsAHashAndTheEmailNamesTheCompany() {
    Fixtures.Person hal = acme.staff("Hal Hash");
    forgot(hal.email());
    MimeMessage m = awaitMail(hal.email(), 1).get(0);
    String token = linkIn(m);

    assertThat(Sql.count(node.dbUrl(), "select count(*) from password_links where user_id = '" + hal.id()
        + "' and token_hash = sha256(convert_to('" + token + "', 'UTF8'))")).isEqualTo(1);
    assertThat(Sql.count(node.dbUrl(), "select count(*) from outbox where payload::text like '%" + token + "%'")).isZero();
    assertThat(Mailboxes.part(m, "text/plain")).contains("Acme Wealth").contains("30 minutes");
  }

  @Test
  void anExpiredLinkNoLongerWorks() {
    Fixtures.Person eve = acme.client("Eve Expired");
    forgot(eve.email());
    String token = linkIn(awaitMail(eve.email(), 1).get(0));
    node.asOwner("update password_links set expires_at = now() - interval '1 second' where user_id = '" + eve.id() + "'");

    Api.Response r = api.post("/api/auth/reset", new JsonObject().put("token", token).put("password", "a-brand-new-password"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("invalid_link");
    assertThat(signIn(eve.email(), Fixtures.PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void anUnknownAddressGetsTheSameAnswerAndNoEmail() {
    Fixtures.Person known = acme.client("Kay Known");
    Api.Response forKnown = forgot(known.email());
    Api.Response forUnknown = forgot("nobody-here@example.test");

    assertThat(forUnknown.status()).isEqualTo(202);
    assertThat(forUnknown.body()).isEqualTo(forKnown.body());
    awaitMail(known.email(), 1);
    assertThat(Mailboxes.to(mail, "nobody-here@example.test")).isEmpty();
  }

  @Test
  void aResetLetsTheOwnerInAfterOthersLockedTheAccountOut() {
    Fixtures.Person owner = acme.staff("Owen Owner");
    for (int i = 0; i < 3; i++) {
      signIn(owner.email(), "guess-" + i);
    }
    assertThat(signIn(owner.email(), Fixtures.PASSWORD).status()).isEqualTo(429);

    forgot(owner.email());
    String token = linkIn(awaitMail(owner.email(), 1).get(0));
    assertThat(api.post("/api/auth/reset", new JsonObject().put("token", token).put("password", "owner-is-back-in")).status())
        .isEqualTo(204);

    assertThat(signIn(owner.email(), "owner-is-back-in").status()).isEqualTo(200);
  }

  @Test
  void askingTooOftenForOneAddressIsRefusedWithRetryAfterAndSendsNoMoreEmails() {
    Fixtures.Person pia = acme.prospect("Pia Many");
    for (int i = 0; i < 3; i++) {
      assertThat(forgot(pia.email()).status()).isEqualTo(202);
    }
    Api.Response limited = forgot(pia.email());
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("Retry-After")).isNotNull();
    assertThat(forgot("never-" + pia.email()).status()).isEqualTo(202);

    awaitMail(pia.email(), 3);
    await().atMost(Duration.ofSeconds(20)).until(() -> Sql.count(node.dbUrl(),
        "select count(*) from outbox where kind = 'password_link' and status = 'pending'") == 0);
    assertThat(Mailboxes.to(mail, pia.email())).hasSize(3);
  }

  @Test
  void askingForLinksTooOftenFromOneClientAddressIsRefusedWithRetryAfterWhateverTheAddressTyped() {
    try (TestNode strict = TestNode.start(Map.of(ParleyConfig.PASSWORD_LINK_LIMIT_ADDRESS, "2"))) {
      Api other = strict.api();
      assertThat(other.post("/api/auth/forgot", new JsonObject().put("email", "one@example.test")).status()).isEqualTo(202);
      assertThat(other.post("/api/auth/forgot", new JsonObject().put("email", "two@example.test")).status()).isEqualTo(202);
      Api.Response third = other.post("/api/auth/forgot", new JsonObject().put("email", "three@example.test"));
      assertThat(third.status()).isEqualTo(429);
      assertThat(third.header("Retry-After")).isNotNull();
      assertThat(third.json().getString("message")).contains("try again in");
    }
  }

  @Test
  void aWeakNewPasswordIsRefusedAndTheLinkStillWorks() {
    Fixtures.Person wes = acme.client("Wes Weak");
    forgot(wes.email());
    String token = linkIn(awaitMail(wes.email(), 1).get(0));

    Api.Response weak = api.post("/api/auth/reset", new JsonObject().put("token", token).put("password", "short"));
    assertThat(weak.status()).isEqualTo(400);
    assertThat(weak.error()).isEqualTo("weak_password");
    assertThat(api.post("/api/auth/reset", new JsonObject().put("token", token).put("password", "long-enough-now")).status())
        .isEqualTo(204);
  }

  @Test
  void anAdminSendsAPasswordSetLinkToTheirOwnPeopleOnly() {
    Fixtures.Person admin = acme.admin("Ada Admin");
    Fixtures.Person newcomer = acme.client("Nia New");
    Fixtures.Person foreign = node.fixtures().company("Other Co").client("Fay Foreign");
    Api.Session s = admin.login(api);
    assertThat(newcomer.login(api).post("/api/admin/users/" + newcomer.sid() + "/password-link", null).status()).isEqualTo(404);

    Api.Response sent = s.post("/api/admin/users/" + newcomer.sid() + "/password-link", null);
    assertThat(sent.status()).as(sent.toString()).isEqualTo(202);
    MimeMessage m = awaitMail(newcomer.email(), 1).get(0);
    assertThat(Mailboxes.part(m, "text/plain")).contains("An administrator of Acme Wealth");
    assertThat(api.post("/api/auth/reset", new JsonObject().put("token", linkIn(m)).put("password", "chosen-by-nia")).status())
        .isEqualTo(204);

    assertThat(s.post("/api/admin/users/" + foreign.sid() + "/password-link", null).status()).isEqualTo(404);
  }

  private static Api.Response forgot(String email) {
    return api.post("/api/auth/forgot", new JsonObject().put("email", email));
  }

  private static Api.Response signIn(String email, String password) {
    return api.post("/api/auth/login", new JsonObject().put("email", email).put("password", password));
  }

  private static List<MimeMessage> awaitMail(String address, int count) {
    await().atMost(Duration.ofSeconds(20)).until(() -> Mailboxes.to(mail, address).size() >= count);
    return Mailboxes.to(mail, address);
  }

  private static String linkIn(MimeMessage m) {
    Matcher matcher = LINK.matcher(Mailboxes.part(m, "text/plain"));
    assertThat(matcher.find()).as("a reset link in the email").isTrue();
    return matcher.group(1);
  }
}
