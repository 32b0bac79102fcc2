package dev.parley.auth;

import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Sql;
import dev.parley.testing.TestClock;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two-factor sign-in with TOTP. The test plays the authenticator app: it computes codes from the
 * secret the enrolment showed, on the node's own clock.
 */
class TwoFactorTest {

  static final TestClock CLOCK = new TestClock();
  static final Totp APP = new Totp(CLOCK);

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(), CLOCK);
    api = node.api();
    acme = node.fixtures().company("Acme Wealth");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** A person who enrolled; {@code secret} is what their app holds, {@code recoveryCodes} what they saved. */
  record Enrolled(Fixtures.Person person, String secret, JsonArray recoveryCodes) {
  }

  @Test
  void enrolmentShowsASecretAndQrCodeOnceAndTheConfirmedSecretIsNeverShownAgain() {
    Api.Session s = acme.staff("Eli Enrol").login(api);
    Api.Response started = s.post("/api/me/totp", null);
    assertThat(started.status()).as(started.toString()).isEqualTo(200);
    String secret = started.json().getString("secret");
    assertThat(secret).matches("[A-Z2-7]{32}");
    assertThat(started.json().getString("otpauthUri")).startsWith("otpauth://totp/").contains("secret=" + secret)
        .contains("issuer=Parley");
    assertThat(started.json().getString("qrCode")).startsWith("data:image/png;base64,");

    Api.Response wrong = s.post("/api/me/totp/confirm", new JsonObject().put("code", wrongCode(secret)));
    assertThat(wrong.status()).isEqualTo(400);
    assertThat(wrong.error()).isEqualTo("invalid_code");

    Api.Response confirmed = s.post("/api/me/totp/confirm", new JsonObject().put("code", APP.generate(secret, APP.currentStep())));
    assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
    JsonArray codes = confirmed.json().getJsonArray("recoveryCodes");
    assertThat(codes).hasSize(10);
    assertThat(Set.copyOf(codes.getList())).hasSize(10);

    assertThat(s.post("/api/me/totp", null).status()).isEqualTo(409);
    assertThat(s.get("/api/me/profile").body()).doesNotContain(secret);
    assertThat(s.get("/api/me/profile").json().getBoolean("totpEnabled")).isTrue();
    assertThat(Sql.count(node.dbUrl(), "select count(*) from totp_recovery_codes where code_hash::text like '%"
        + codes.getString(0) + "%'")).isZero();
  }

  @Test
  void signingInWithTotpTakesACodeAfterThePasswordAndTheSameCodeIsRefusedASecondTime() {
    Enrolled e = enrolled("Tara Totp");
    Api.Response first = signIn(e.person().email(), Fixtures.PASSWORD);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().getBoolean("totpRequired")).isTrue();
    assertThat(first.json().containsKey("token")).isFalse();
    assertThat(first.header("Set-Cookie")).isNull();

    String code = APP.generate(e.secret(), lastStep(e) + 1);
    Api.Response second = api.post("/api/auth/totp", new JsonObject().put("ticket", first.json().getString("ticket")).put("code", code));
    assertThat(second.status()).as(second.toString()).isEqualTo(200);
    assertThat(second.json().getString("token")).isNotBlank();
    assertThat(second.header("Set-Cookie")).contains(AuthHandler.COOKIE);

    Api.Response ticketAgain = api.post("/api/auth/totp", new JsonObject().put("ticket", first.json().getString("ticket")).put("code", code));
    assertThat(ticketAgain.status()).isEqualTo(401);

    String ticket = signIn(e.person().email(), Fixtures.PASSWORD).json().getString("ticket");
    Api.Response replay = api.post("/api/auth/totp", new JsonObject().put("ticket", ticket).put("code", code));
    assertThat(replay.status()).isEqualTo(401);
    assertThat(replay.error()).isEqualTo("invalid_code");
  }

  @Test
  void aRecoveryCodeSignsInOnceAndIsAudited() {
    Enrolled e = enrolled("Rex Recovery");
    String recovery = e.recoveryCodes().getString(3);

    Api.Response in = api.post("/api/auth/totp", new JsonObject()
        .put("ticket", signIn(e.person().email(), Fixtures.PASSWORD).json().getString("ticket")).put("code", recovery.toUpperCase()));
    assertThat(in.status()).as(in.toString()).isEqualTo(200);

    Api.Response again = api.post("/api/auth/totp", new JsonObject()
        .put("ticket", signIn(e.person().email(), Fixtures.PASSWORD).json().getString("ticket")).put("code", recovery));
    assertThat(again.status()).isEqualTo(401);
    assertThat(Sql.count(node.dbUrl(), "select count(*) from audit_log where action = 'auth.recovery_code_used' and actor_id = '"
        + e.person().id() + "'")).isEqualTo(1);
  }

  @Test
  void wrongCodesAreLimitedPerAccountAndThenEvenTheRightCodeWaits() {
    Enrolled e = enrolled("Gus Guess");
    String ticket = signIn(e.person().email(), Fixtures.PASSWORD).json().getString("ticket");
    for (int i = 0; i < 5; i++) {
      Api.Response wrong = api.post("/api/auth/totp", new JsonObject().put("ticket", ticket).put("code", wrongCode(e.secret())));
      assertThat(wrong.status()).as(wrong.toString()).isEqualTo(401);
      assertThat(wrong.error()).isEqualTo("invalid_code");
    }

    String fresh = signIn(e.person().email(), Fixtures.PASSWORD).json().getString("ticket");
    Api.Response limited = api.post("/api/auth/totp", new JsonObject().put("ticket", fresh)
        .put("code", APP.generate(e.secret(), lastStep(e) + 1)));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("Retry-After")).isNotNull();
    assertThat(Sql.count(node.dbUrl(), "select count(*) from audit_log where action = 'auth.totp_failed' and actor_id = '"
        + e.person().id() + "'")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void turningTotpOffNeedsThePasswordAndACode() {
    Enrolled e = enrolled("Dee Disable");
    Api.Session s = signInWithCode(e);

    Api.Response noPassword = s.send("DELETE", "/api/me/totp", new JsonObject().put("password", "wrong-password").put("code",
        APP.generate(e.secret(), lastStep(e) + 1)));
    assertThat(noPassword.status()).isEqualTo(403);
    Api.Response badCode = s.send("DELETE", "/api/me/totp", new JsonObject().put("password", Fixtures.PASSWORD).put("code", "nope"));
    assertThat(badCode.status()).isEqualTo(400);

    Api.Response off = s.send("DELETE", "/api/me/totp", new JsonObject().put("password", Fixtures.PASSWORD)
        .put("code", e.recoveryCodes().getString(0)));
    assertThat(off.status()).as(off.toString()).isEqualTo(204);
    assertThat(signIn(e.person().email(), Fixtures.PASSWORD).json().getString("token")).isNotBlank();
    assertThat(Sql.count(node.dbUrl(), "select count(*) from audit_log where action in ('auth.totp_enrolled', 'auth.totp_disabled') "
        + "and actor_id = '" + e.person().id() + "'")).isEqualTo(2);
  }

  @Test
  void whenTheCompanyRequiresTotpStaffMustEnrolRightAfterSigningInBeforeAnythingElse() {
    Fixtures.Company strict = node.fixtures().company("Strict Co");
    Api.Session admin = strict.admin("Ari Admin").login(api);
    Fixtures.Person sid = strict.staff("Sid Staff");
    Fixtures.Person cleo = strict.client("Cleo Client");
    Api.Response set = admin.put("/api/settings/company", new JsonObject().put("requireTotpForStaff", true));
    assertThat(set.status()).as(set.toString()).isEqualTo(200);
    assertThat(admin.get("/api/settings/company").json().getBoolean("requireTotpForStaff")).isTrue();

    Api.Response in = signIn(sid.email(), Fixtures.PASSWORD);
    assertThat(in.status()).isEqualTo(200);
    assertThat(in.json().getBoolean("totpEnrolmentRequired")).isTrue();
    Api.Session s = new Api.Session(api, in.json().getString("token"), sid.sid());
    Api.Response blocked = s.get("/api/inbox");
    assertThat(blocked.status()).isEqualTo(403);
    assertThat(blocked.error()).isEqualTo("totp_enrolment_required");
    assertThat(s.get("/api/me").json().getBoolean("totpEnrolmentRequired")).isTrue();

    String secret = s.post("/api/me/totp", null).json().getString("secret");
    assertThat(s.post("/api/me/totp/confirm", new JsonObject().put("code", APP.generate(secret, APP.currentStep()))).status())
        .isEqualTo(200);
    assertThat(s.get("/api/inbox").status()).isEqualTo(200);

    assertThat(signIn(cleo.email(), Fixtures.PASSWORD).json().containsKey("totpEnrolmentRequired")).isFalse();
  }

  private static Enrolled enrolled(String name) {
    Fixtures.Person p = acme.staff(name);
    Api.Session s = p.login(api);
    String secret = s.post("/api/me/totp", null).json().getString("secret");
    Api.Response confirmed = s.post("/api/me/totp/confirm", new JsonObject().put("code", APP.generate(secret, APP.currentStep())));
    assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
    return new Enrolled(p, secret, confirmed.json().getJsonArray("recoveryCodes"));
  }

  private static Api.Session signInWithCode(Enrolled e) {
    String ticket = signIn(e.person().email(), Fixtures.PASSWORD).json().getString("ticket");
    Api.Response r = api.post("/api/auth/totp", new JsonObject().put("ticket", ticket).put("code", APP.generate(e.secret(), lastStep(e) + 1)));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return new Api.Session(api, r.json().getString("token"), e.person().sid());
  }

  private static long lastStep(Enrolled e) {
    return Sql.count(node.dbUrl(), "select totp_last_step from users where id = '" + e.person().id() + "'");
  }

  /** Six digits that are not the code of any step the node accepts now. */
  private static String wrongCode(String secret) {
    long now = APP.currentStep();
    Set<String> right = Set.of(APP.generate(secret, now - 1), APP.generate(secret, now), APP.generate(secret, now + 1));
    for (int i = 0; ; i++) {
      String candidate = String.format("%06d", i);
      if (!right.contains(candidate)) {
        return candidate;
      }
    }
  }

  private static Api.Response signIn(String email, String password) {
    return api.post("/api/auth/login", new JsonObject().put("email", email).put("password", password));
  }
}
