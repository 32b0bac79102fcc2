package dev.parley.notify;

import com.icegreen.greenmail.util.GreenMail;
import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class HeaderInjectionTest {

  static final String INJECTED = "\r\nBcc: spy@evil.test\r\nSubject: Owned\nX-Evil:\u000b yes";

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

  static void rename(UUID userId, String name) {
    node.parley().platform().pool().preparedQuery("update users set name = $2 where id = $1")
        .execute(Tuple.of(userId, name)).await();
  }

  static void assertOneSubjectAndNoBcc(MimeMessage m) {
    String raw = Mailboxes.raw(m);
    assertThat(Mailboxes.headerCount(m, "Subject")).isEqualTo(1);
    assertThat(Mailboxes.headerCount(m, "Bcc")).isZero();
    assertThat(Mailboxes.headerCount(m, "X-Evil")).isZero();
    assertThat(raw).doesNotContainPattern("(?m)^(Bcc|Subject: Owned|X-Evil)").doesNotContain("\u000b");
    assertThat(Mailboxes.to(mail, "spy@evil.test")).isEmpty();
  }

  @Test
  void theApiRefusesASubjectWithALineBreak() {
    Fixtures.Company c = node.fixtures().company("Refusals Inc");
    Fixtures.Person staff = c.staff("Sid Staff");
    Fixtures.Person client = c.client("Cal Client", staff);
    Api.Response r = staff.login(api).post("/api/threads", new JsonObject()
        .put("to", new JsonArray().add(client.sid())).put("subject", "Hello\r\nBcc: spy@evil.test").put("bodyHtml", "<p>x</p>"));
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
  }

  @Test
  void namesWithLineBreaksCannotAddHeadersToASecureModeEmail() {
    Fixtures.Company c = node.fixtures().company("Secure Names Ltd");
    Fixtures.Person eve = c.staff("Eve Sender");
    Fixtures.Person bob = c.client("Bob Receiver", eve);
    Api.Session session = eve.login(api);
    rename(eve.id(), "Eve" + INJECTED);
    rename(bob.id(), "Bob" + INJECTED);

    Api.Response r = session.post("/api/threads", new JsonObject()
        .put("to", new JsonArray().add(bob.sid())).put("subject", "Plain").put("bodyHtml", "<p>x</p>"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);

    await().atMost(Duration.ofSeconds(20)).until(() -> Mailboxes.to(mail, bob.email()).size() == 1);
    MimeMessage m = Mailboxes.only(mail, bob.email());
    assertOneSubjectAndNoBcc(m);
    assertThat(Mailboxes.subject(m)).startsWith("New secure message from Eve Bcc: spy@evil.test");
  }

  @Test
  void aStoredSubjectWithLineBreaksCannotAddHeadersToAConvenienceModeEmail() {
    Fixtures.Company c = node.fixtures().company("Convenient Names Ltd");
    Fixtures.Person admin = c.admin("Ann Admin");
    Fixtures.Person staff = c.staff("Stan Staff");
    Fixtures.Person client = c.client("Cleo Client", staff);
    assertThat(admin.login(api).put("/api/settings/company", new JsonObject().put("convenienceMode", true)).status())
        .isEqualTo(200);
    Api.Session session = staff.login(api);
    Api.Response first = session.post("/api/threads", new JsonObject()
        .put("to", new JsonArray().add(client.sid())).put("subject", "Plain").put("bodyHtml", "<p>x</p>"));
    assertThat(first.status()).isEqualTo(201);
    String threadId = first.json().getJsonObject("thread").getString("id");
    await().atMost(Duration.ofSeconds(20)).until(() -> Mailboxes.to(mail, client.email()).size() == 1);

    node.parley().platform().pool().preparedQuery("update threads set subject = $2 where id = $1")
        .execute(Tuple.of(UUID.fromString(threadId), "Statement" + INJECTED)).await();
    rename(staff.id(), "Stan" + INJECTED);
    assertThat(session.post("/api/threads/" + threadId + "/messages", new JsonObject().put("bodyHtml", "<p>y</p>")).status())
        .isEqualTo(201);

    await().atMost(Duration.ofSeconds(20)).until(() -> Mailboxes.to(mail, client.email()).size() == 2);
    MimeMessage m = Mailboxes.to(mail, client.email()).get(1);
    assertOneSubjectAndNoBcc(m);
    assertThat(Mailboxes.subject(m)).isEqualTo("Statement Bcc: spy@evil.test Subject: Owned X-Evil: yes");
  }

  @Test
  void theGuardStripsControlCharactersFromTextAndRefusesThemInAddresses() {
    assertThat(HeaderGuard.text("a\r\nBcc: b\u0000c\u2028d")).isEqualTo("a Bcc: b c d");
    assertThat(HeaderGuard.mailbox("Ann \"<x>\", Lee", "ann@example.test")).isEqualTo("Ann x Lee <ann@example.test>");
    assertThatThrownBy(() -> HeaderGuard.address("ann@example.test\r\nBcc: spy@evil.test")).isInstanceOf(HeaderGuard.Unsafe.class);
    assertThatThrownBy(() -> HeaderGuard.address("ann@example.test, spy@evil.test")).isInstanceOf(HeaderGuard.Unsafe.class);
    assertThatThrownBy(() -> HeaderGuard.messageId("<a@b>\r\nBcc: x")).isInstanceOf(HeaderGuard.Unsafe.class);
  }
}
