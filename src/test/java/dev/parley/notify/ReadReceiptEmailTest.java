package dev.parley.notify;

import com.icegreen.greenmail.util.GreenMail;
import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ReadReceiptEmailTest {

  static TestNode node;
  static Api api;
  static GreenMail mail;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(ParleyConfig.OUTBOX_POLL_MS, "200"));
    api = node.api();
    mail = Mailboxes.of(node);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** Sends, waits until the recipient's notification went out, and answers the thread id. */
  static String send(Fixtures.Person from, Fixtures.Person to, String subject, String html, boolean readReceipt) {
    Api.Response r = from.login(api).post("/api/threads", new JsonObject().put("to", new JsonArray().add(to.sid()))
        .put("subject", subject).put("bodyHtml", html).put("readReceipt", readReceipt));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(20)).until(() -> Mailboxes.to(mail, to.email()).size() >= 1);
    return r.json().getJsonObject("thread").getString("id");
  }

  static void open(Fixtures.Person reader, String threadId) {
    Api.Response r = reader.login(api).post("/api/threads/" + threadId + "/read", new JsonObject());
    assertThat(r.status()).as(r.toString()).isEqualTo(204);
  }

  static void awaitOutboxDrained() {
    await().atMost(Duration.ofSeconds(20)).until(() -> Mailboxes.pendingRows(node) == 0);
  }

  static long receiptRows(String threadId) {
    return node.parley().platform().pool()
        .preparedQuery("select count(*) from outbox where kind = 'read_receipt' and payload->>'threadId' = $1")
        .execute(io.vertx.sqlclient.Tuple.of(threadId)).await().iterator().next().getLong(0);
  }

  @Test
  void aReadReceiptEmailArrivesAfterAnInPlatformOpenWithTheToggleOnAndOnlyThen() {
    Fixtures.Company c = node.fixtures().company("Receipts & Sons");
    Fixtures.Person staff = c.staff("Rita Sender");
    Fixtures.Person client = c.client("Kim Reader", staff);
    String threadId = send(staff, client, "Tax forms due", "<p>Walrus gazebo figures</p>", true);

    awaitOutboxDrained();
    assertThat(Mailboxes.to(mail, staff.email())).as("no receipt before the message is opened").isEmpty();

    open(client, threadId);
    await().atMost(Duration.ofSeconds(20)).until(() -> Mailboxes.to(mail, staff.email()).size() == 1);
    MimeMessage receipt = Mailboxes.only(mail, staff.email());
    String everything = Mailboxes.raw(receipt) + Mailboxes.decoded(receipt);
    assertThat(Mailboxes.subject(receipt)).isEqualTo("Kim Reader read your message");
    assertThat(Mailboxes.decoded(receipt)).contains("Kim Reader opened your secure message on ").contains(" UTC")
        .contains("/#/thread/" + threadId);
    assertThat(everything).as("Secure Mode: no subject or body in the receipt")
        .doesNotContain("Tax forms", "Walrus", "gazebo", "figures");
    assertThat(Mailboxes.header(receipt, "Auto-Submitted")).isEqualTo("auto-generated");

    open(client, threadId);
    awaitOutboxDrained();
    assertThat(Mailboxes.to(mail, staff.email())).as("only the first open sends a receipt").hasSize(1);
  }

  @Test
  void noReceiptWithoutTheToggle() {
    Fixtures.Company c = node.fixtures().company("Quiet Corp");
    Fixtures.Person staff = c.staff("Quinn Sender");
    Fixtures.Person client = c.client("Kai Reader", staff);
    String threadId = send(staff, client, "Hello", "<p>Hi</p>", false);

    open(client, threadId);
    awaitOutboxDrained();
    assertThat(receiptRows(threadId)).isZero();
    assertThat(Mailboxes.to(mail, staff.email())).isEmpty();
  }

  @Test
  void aUserInTheNotifyOnReadListGetsAReceiptForAMessageWithoutTheToggle() {
    Fixtures.Company c = node.fixtures().company("Watchful LLP");
    Fixtures.Person admin = c.admin("Wanda Admin");
    Fixtures.Person staff = c.staff("Nora Notified");
    Fixtures.Person client = c.client("Lee Reader", staff);
    Api.Response settings = admin.login(api).put("/api/settings/messaging",
        new JsonObject().put("notifyOnReadUserIds", new JsonArray().add(staff.sid())));
    assertThat(settings.status()).as(settings.toString()).isEqualTo(200);
    String threadId = send(staff, client, "Checking in", "<p>How are you?</p>", false);

    open(client, threadId);
    await().atMost(Duration.ofSeconds(20)).until(() -> Mailboxes.to(mail, staff.email()).size() == 1);
    assertThat(Mailboxes.subject(Mailboxes.only(mail, staff.email()))).isEqualTo("Lee Reader read your message");
    awaitOutboxDrained();
    assertThat(Mailboxes.to(mail, staff.email())).hasSize(1);
  }

  @Test
  void inConvenienceModeTheReceiptNamesTheSubject() {
    Fixtures.Company c = node.fixtures().company("Open Book Co");
    Fixtures.Person admin = c.admin("Opal Admin");
    Fixtures.Person staff = c.staff("Otto Sender");
    Fixtures.Person client = c.client("Ola Reader", staff);
    assertThat(admin.login(api).put("/api/settings/company", new JsonObject().put("convenienceMode", true)).status())
        .isEqualTo(200);
    String threadId = send(staff, client, "Budget plan", "<p>Numbers inside</p>", true);

    open(client, threadId);
    await().atMost(Duration.ofSeconds(20)).until(() -> Mailboxes.to(mail, staff.email()).size() == 1);
    MimeMessage receipt = Mailboxes.only(mail, staff.email());
    assertThat(Mailboxes.subject(receipt)).isEqualTo("Read: Budget plan");
    assertThat(Mailboxes.decoded(receipt)).contains("Ola Reader opened your message", "Numbers inside");
    assertThat(Mailboxes.header(receipt, "Reply-To")).isNull();
  }
}
