package dev.parley.auth;

import com.icegreen.greenmail.util.GreenMail;
import dev.parley.Topics;
import dev.parley.notify.Mailboxes;
import dev.parley.testing.Api;
import dev.parley.testing.BridgeClient;
import dev.parley.testing.Fixtures;
import dev.parley.testing.Sql;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The account screen's endpoints: password, sign out everywhere, profile; and an admin's password change. */
class AccountTest {

  static TestNode node;
  static Api api;
  static Fixtures.Company acme;
  static Api.Session admin;
  static Vertx clients;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.api();
    acme = node.fixtures().company("Acme Wealth");
    admin = acme.admin("Ada Admin").login(api);
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    clients.close().await();
    node.close();
  }

  @Test
  void changingMyPasswordNeedsTheCurrentOneAndEndsMyOtherSessionsAndSocketsButNotThisOne() {
    Fixtures.Person cam = acme.client("Cam Change");
    Api.Session here = cam.login(api);
    Api.Session elsewhere = cam.login(api);
    BridgeClient live = watch(cam, elsewhere);

    Api.Response wrong = here.put("/api/me/password", new JsonObject().put("current", "not-it-at-all").put("password", "a-new-password"));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.error()).isEqualTo("wrong_password");
    assertThat(elsewhere.get("/api/me").status()).isEqualTo(200);

    Api.Response changed = here.put("/api/me/password", new JsonObject().put("current", Fixtures.PASSWORD).put("password", "a-new-password"));
    assertThat(changed.status()).as(changed.toString()).isEqualTo(204);

    assertThat(here.get("/api/me").status()).isEqualTo(200);
    assertThat(elsewhere.get("/api/me").status()).isEqualTo(401);
    await().atMost(Duration.ofSeconds(20)).until(live::closed);
    assertThat(api.login(cam.email(), "a-new-password").get("/api/me").status()).isEqualTo(200);
    assertThat(Sql.count(node.dbUrl(), "select count(*) from audit_log where action = 'auth.password_changed' and actor_id = '"
        + cam.id() + "'")).isEqualTo(1);
  }

  @Test
  void aWeakNewPasswordIsRefusedWithAClearMessage() {
    Api.Session s = acme.staff("Wim Weak").login(api);
    Api.Response r = s.put("/api/me/password", new JsonObject().put("current", Fixtures.PASSWORD).put("password", "short"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getString("message")).contains("at least 10 characters");
  }

  @Test
  void anAdminsPasswordChangeForAPersonEndsTheirSessionsAndLiveSockets() {
    Fixtures.Person pat = acme.client("Pat Patched");
    Api.Session before = pat.login(api);
    BridgeClient live = watch(pat, before);

    Api.Response r = admin.patch("/api/admin/users/" + pat.sid(), new JsonObject().put("password", "set-by-the-admin"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);

    assertThat(before.get("/api/me").status()).isEqualTo(401);
    await().atMost(Duration.ofSeconds(20)).until(live::closed);
    assertThat(api.login(pat.email(), "set-by-the-admin").get("/api/me").status()).isEqualTo(200);
  }

  @Test
  void signingOutEverywhereEndsEverySessionAndSocketOfMineIncludingThisOne() {
    Fixtures.Person lou = acme.staff("Lou Everywhere");
    Fixtures.Person bystander = acme.staff("Bea Bystander");
    Api.Session here = lou.login(api);
    Api.Session there = lou.login(api);
    Api.Session theirs = bystander.login(api);
    BridgeClient live = watch(lou, there);

    Api.Response r = here.post("/api/me/logout-all", null);
    assertThat(r.status()).isEqualTo(204);

    assertThat(here.get("/api/me").status()).isEqualTo(401);
    assertThat(there.get("/api/me").status()).isEqualTo(401);
    assertThat(theirs.get("/api/me").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(live::closed);
    assertThat(Sql.count(node.dbUrl(), "select count(*) from audit_log where action = 'auth.logout_all' and actor_id = '"
        + lou.id() + "'")).isEqualTo(1);
  }

  @Test
  void myProfileKeepsMyNameTimeZoneAndEmailChoice() {
    Fixtures.Person nia = acme.client("Nia Name");
    Api.Session s = nia.login(api);
    JsonObject before = s.get("/api/me/profile").json();
    assertThat(before.getString("name")).isEqualTo("Nia Name");
    assertThat(before.getBoolean("emailNotifications")).isTrue();

    Api.Response put = s.put("/api/me/profile", new JsonObject().put("name", "Nia Renamed")
        .put("timeZone", "America/Argentina/Buenos_Aires").put("emailNotifications", false));
    assertThat(put.status()).as(put.toString()).isEqualTo(200);

    JsonObject after = s.get("/api/me/profile").json();
    assertThat(after.getString("name")).isEqualTo("Nia Renamed");
    assertThat(after.getString("timeZone")).isEqualTo("America/Argentina/Buenos_Aires");
    assertThat(after.getBoolean("emailNotifications")).isFalse();
    assertThat(s.get("/api/me").json().getString("name")).isEqualTo("Nia Renamed");
  }

  @Test
  void aProfileWithABadTimeZoneOrAnUnknownFieldIsRefusedAndNothingChanges() {
    Api.Session s = acme.client("Tom Zone").login(api);
    Api.Response zone = s.put("/api/me/profile", new JsonObject().put("timeZone", "<script>"));
    Api.Response unknown = s.put("/api/me/profile", new JsonObject().put("role", "admin"));
    Api.Response blank = s.put("/api/me/profile", new JsonObject().put("name", "   "));

    assertThat(zone.status()).isEqualTo(400);
    assertThat(zone.json().getString("message")).contains("timeZone");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(blank.status()).isEqualTo(400);
    assertThat(s.get("/api/me/profile").json().getString("timeZone")).isNull();
    assertThat(s.get("/api/me").json().getString("role")).isEqualTo("client");
  }

  @Test
  void someoneWhoTurnedEmailForNewMessagesOffGetsNoNotificationWhileOthersDo() {
    Fixtures.Company quick = node.fixtures().company("Quick Mail");
    node.asOwner("update companies set notification_delay_seconds = 0 where id = '" + quick.id + "'");
    Fixtures.Person sender = quick.staff("Sue Sender");
    Fixtures.Person quiet = quick.client("Quinn Quiet");
    Fixtures.Person told = quick.client("Tess Told");
    assertThat(quiet.login(api).put("/api/me/profile", new JsonObject().put("emailNotifications", false)).status()).isEqualTo(200);

    sender.login(api).startThread("Your statement", "<p>It is ready.</p>", quiet, told);

    GreenMail mail = Mailboxes.of(node);
    await().atMost(Duration.ofSeconds(20)).until(() -> Mailboxes.to(mail, told.email()).size() == 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> Sql.count(node.dbUrl(),
        "select count(*) from outbox where company_id = '" + quick.id + "' and status = 'pending'") == 0);
    assertThat(Sql.count(node.dbUrl(), "select count(*) from outbox where recipient_id = '" + quiet.id() + "'")).isZero();
    assertThat(Mailboxes.to(mail, quiet.email())).isEmpty();
  }

  private static BridgeClient watch(Fixtures.Person p, Api.Session s) {
    BridgeClient live = BridgeClient.connect(clients, node.baseUrl(), s.token());
    live.register(Topics.user(p.id()));
    await().atMost(Duration.ofSeconds(20)).until(live::subscribed);
    return live;
  }
}
