package dev.parley.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SMTP down for long: email waits and is retried for days, not for ten attempts; what is still
 * undelivered after the give-up age is failed, listed for the company's admins, sent again on their
 * word, and counted in the Prometheus metrics.
 */
class UndeliveredEmailTest {

  static TestNode node;
  static int smtpPort;
  static Api metrics;
  GreenMail smtp;

  @BeforeAll
  static void start() {
    smtpPort = TestNode.freePort();
    int metricsPort = TestNode.freePort();
    node = TestNode.start(Map.of(
        ParleyConfig.SMTP_HOST, "127.0.0.1",
        ParleyConfig.SMTP_PORT, Integer.toString(smtpPort),
        ParleyConfig.OUTBOX_POLL_MS, "100",
        ParleyConfig.OUTBOX_RETRY_BASE_MS, "50",
        ParleyConfig.OUTBOX_RETRY_MAX_MS, "200",
        ParleyConfig.METRICS_PORT, Integer.toString(metricsPort)));
    metrics = new Api("http://127.0.0.1:" + metricsPort);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @AfterEach
  void smtpDownAgain() {
    if (smtp != null) {
      smtp.stop();
      smtp = null;
    }
  }

  void smtpUp() {
    smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
  }

  @Test
  void emailKeepsBeingRetriedLongPastTenAttemptsAndGoesOutOnceWhenSmtpReturns() {
    Fixtures.Company c = node.fixtures().company("Patient Bank");
    Fixtures.Person staff = c.staff("Pia Staff");
    Fixtures.Person client = c.client("Carl Client", staff);
    staff.login(node.api()).startThread("Rates", "<p>x</p>", client);

    await().atMost(Duration.ofSeconds(20)).until(() -> attemptsOf(c) >= 15);
    assertThat(statusOf(c)).as("still waiting, not given up").isEqualTo("pending");

    smtpUp();
    await().atMost(Duration.ofSeconds(20)).until(() -> "sent".equals(statusOf(c)));
    assertThat(Mailboxes.to(smtp, client.email())).hasSize(1);
  }

  @Test
  void emailStillUndeliveredAfterTheGiveUpAgeIsListedForItsAdminAndGoesOutWhenSentAgain() {
    Fixtures.Company c = node.fixtures().company("Quiet Bank");
    Fixtures.Person admin = c.admin("Ada Admin");
    Fixtures.Person staff = c.staff("Sol Staff");
    Fixtures.Person client = c.client("Cleo Client", staff);
    Fixtures.Company other = node.fixtures().company("Other Bank");
    Fixtures.Person otherAdmin = other.admin("Otto Admin");
    staff.login(node.api()).startThread("Very private subject", "<p>x</p>", client);
    await().atMost(Duration.ofSeconds(20)).until(() -> attemptsOf(c) >= 1);
    double sentBefore = metric("parley_outbox_sent_total");

    // three days pass with SMTP down
    node.parley().platform().pool().preparedQuery("update outbox set queued_at = now() - interval '4 days' where company_id = $1")
        .execute(Tuple.of(c.id)).await();
    await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(statusOf(c)));
    long failedInDb = count("select count(*) from outbox where status = 'failed'");
    assertThat(metric("parley_outbox_undelivered")).isEqualTo(failedInDb);
    assertThat(metric("parley_outbox_failed_total")).isGreaterThanOrEqualTo(1);
    assertThat(metric("parley_outbox_pending")).isZero();

    Api.Session adminApi = admin.login(node.api());
    Api.Response list = adminApi.get("/api/admin/notifications?status=failed");
    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    JsonArray failed = list.json().getJsonArray("notifications");
    assertThat(failed).hasSize(1);
    JsonObject email = failed.getJsonObject(0);
    assertThat(email.getString("kind")).isEqualTo("notification");
    assertThat(email.getJsonObject("recipient").getString("name")).isEqualTo("Cleo Client");
    assertThat(email.getJsonObject("recipient").getString("email")).isEqualTo(client.email());
    assertThat(email.getInteger("attempts")).isGreaterThanOrEqualTo(1);
    assertThat(email.getString("lastError")).startsWith("gave up after 3 days").containsIgnoringCase("connect");
    assertThat(email.getString("createdAt")).isNotBlank();
    assertThat(list.body()).as("the list never shows what the thread is about").doesNotContain("Very private subject");
    assertThat(list.json().getString("nextCursor")).isNull();
    String id = email.getString("id");

    assertThat(staff.login(node.api()).get("/api/admin/notifications").status()).isEqualTo(404);
    Api.Session otherApi = otherAdmin.login(node.api());
    assertThat(otherApi.get("/api/admin/notifications?status=failed").json().getJsonArray("notifications")).isEmpty();
    Api.Response foreign = otherApi.post("/api/admin/notifications/resend", new JsonObject().put("ids", new JsonArray().add(id)));
    assertThat(foreign.status()).isEqualTo(200);
    assertThat(foreign.json().getInteger("resent")).as("another company's email is not touched").isZero();
    assertThat(statusOf(c)).isEqualTo("failed");

    smtpUp();
    Api.Response resent = adminApi.post("/api/admin/notifications/resend", new JsonObject().put("ids", new JsonArray().add(id)));
    assertThat(resent.status()).as(resent.toString()).isEqualTo(200);
    assertThat(resent.json().getInteger("resent")).isEqualTo(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> "sent".equals(statusOf(c)));
    assertThat(Mailboxes.to(smtp, client.email())).hasSize(1);
    assertThat(adminApi.get("/api/admin/notifications?status=failed").json().getJsonArray("notifications")).isEmpty();
    assertThat(metric("parley_outbox_undelivered")).isEqualTo(failedInDb - 1);
    assertThat(metric("parley_outbox_sent_total")).isEqualTo(sentBefore + 1);
    assertThat(count("select count(*) from audit_log where action = 'notify.email_resent' and company_id = '" + c.id
        + "' and actor_id = '" + admin.id() + "' and (detail->>'count')::int = 1")).isEqualTo(1);
  }

  @Test
  void badResendAndListRequestsAnswer400NamingTheProblem() {
    Fixtures.Company c = node.fixtures().company("Strict Bank");
    Api.Session admin = c.admin("Abe Admin").login(node.api());
    String id = UUID.randomUUID().toString();
    for (Object body : new Object[] {
        new JsonObject(),
        new JsonObject().put("ids", new JsonArray().add(id)).put("all", true),
        new JsonObject().put("ids", new JsonArray()),
        new JsonObject().put("ids", "everything"),
        new JsonObject().put("ids", new JsonArray().add("not-an-id")),
        new JsonObject().put("all", "yes"),
        new JsonObject().put("everything", true),
        "[1, 2"}) {
      Api.Response r = admin.post("/api/admin/notifications/resend", body);
      assertThat(r.status()).as(body + " -> " + r).isEqualTo(400);
      assertThat(r.json().getString("message")).as(body.toString()).isNotBlank();
    }
    for (String query : new String[] {"status=sent", "limit=0", "limit=1000", "limit=many", "cursor=abc", "cursor=1_x"}) {
      Api.Response r = admin.get("/api/admin/notifications?" + query);
      assertThat(r.status()).as(query + " -> " + r).isEqualTo(400);
      assertThat(r.json().getString("message")).isNotBlank();
    }
  }

  @Test
  void theListPagesThroughFailedEmailsNewestFirst() {
    Fixtures.Company c = node.fixtures().company("Paged Bank");
    Fixtures.Person admin = c.admin("Pam Admin");
    Fixtures.Person client = c.client("Pat Client");
    node.parley().platform().pool().preparedQuery("""
            insert into outbox (company_id, kind, recipient_id, payload, status, attempts, last_error, created_at)
            select $1, 'notification', $2, '{}'::jsonb, 'failed', 3, 'SMTP 550 mailbox unavailable',
                   now() - make_interval(mins => g)
              from generate_series(1, 3) g""")
        .execute(Tuple.of(c.id, client.id())).await();
    Api.Session api = admin.login(node.api());

    Api.Response first = api.get("/api/admin/notifications?status=failed&limit=2");
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    JsonArray page1 = first.json().getJsonArray("notifications");
    assertThat(page1).hasSize(2);
    String cursor = first.json().getString("nextCursor");
    assertThat(cursor).isNotBlank();
    Api.Response second = api.get("/api/admin/notifications?status=failed&limit=2&cursor=" + cursor);
    JsonArray page2 = second.json().getJsonArray("notifications");
    assertThat(page2).hasSize(1);
    assertThat(second.json().getString("nextCursor")).isNull();
    assertThat(page1.getJsonObject(0).getString("createdAt")).isGreaterThan(page1.getJsonObject(1).getString("createdAt"));
    assertThat(page1.getJsonObject(1).getString("createdAt")).isGreaterThan(page2.getJsonObject(0).getString("createdAt"));
    assertThat(page2.getJsonObject(0).getString("lastError")).isEqualTo("SMTP 550 mailbox unavailable");
  }

  /** The statuses of the company's emails (its message jobs are not emails: each becomes its notifications). */
  String statusOf(Fixtures.Company c) {
    return node.parley().platform().pool().preparedQuery("select string_agg(status, ',') from outbox where company_id = $1 and kind = 'notification'")
        .execute(Tuple.of(c.id)).await().iterator().next().getString(0);
  }

  int attemptsOf(Fixtures.Company c) {
    return node.parley().platform().pool().preparedQuery("select coalesce(min(attempts), 0) from outbox where company_id = $1 and kind = 'notification'")
        .execute(Tuple.of(c.id)).await().iterator().next().getInteger(0);
  }

  long count(String sql) {
    return node.parley().platform().pool().query(sql).execute().await().iterator().next().getLong(0);
  }

  /** A figure as Prometheus reads it from /metrics. */
  static double metric(String name) {
    Api.Response r = metrics.get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(r.body());
    assertThat(m.find()).as(name + " in " + r.body().lines().filter(l -> l.startsWith("parley")).toList()).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
