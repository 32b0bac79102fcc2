package dev.parley.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.parley.ParleyConfig;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SmtpOutageTest {

  TestNode node;
  GreenMail smtp;

  @AfterEach
  void stop() {
    if (smtp != null) {
      smtp.stop();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void withSmtpDownSendingSucceedsAndMailWaitsThenEveryQueuedEmailArrivesExactlyOnce() throws Exception {
    int port = TestNode.freePort();
    node = TestNode.start(Map.of(
        ParleyConfig.SMTP_HOST, "127.0.0.1",
        ParleyConfig.SMTP_PORT, Integer.toString(port),
        ParleyConfig.OUTBOX_POLL_MS, "100",
        ParleyConfig.OUTBOX_RETRY_BASE_MS, "100"));
    Api api = node.api();
    Fixtures.Company c = node.fixtures().company("Outage Ltd");
    Fixtures.Person staff = c.staff("Olga Staff");
    Fixtures.Person one = c.client("Uma One", staff);
    Fixtures.Person two = c.staff("Ugo Two");
    Api.Session session = staff.login(api);

    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      Api.Response r = session.post("/api/threads", new JsonObject()
          .put("to", new JsonArray().add(one.sid()).add(two.sid())).put("subject", "Update " + i).put("bodyHtml", "<p>x</p>"));
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("sending does not wait for SMTP").isLessThan(Duration.ofSeconds(2));
    }
    assertThat(one.login(api).get("/api/inbox").json().getJsonArray("threads")).hasSize(3);

    await().atMost(Duration.ofSeconds(20)).until(() -> rows().stream()
        .allMatch(r -> r.status.equals("pending") && r.attempts >= 2 && r.lastError != null));
    List<OutboxRow> waiting = rows();
    assertThat(waiting).hasSize(6);
    assertThat(waiting.get(0).lastError).containsIgnoringCase("connect");

    smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();

    await().atMost(Duration.ofSeconds(30)).until(() -> rows().stream().allMatch(r -> r.status.equals("sent")));
    MimeMessage[] received = smtp.getReceivedMessages();
    assertThat(received).hasSize(6);
    Map<String, String> sentIds = new HashMap<>();
    rows().forEach(r -> sentIds.put(r.messageId, r.status));
    List<String> headerIds = new ArrayList<>();
    for (MimeMessage m : received) {
      headerIds.add(m.getMessageID());
    }
    assertThat(headerIds).as("each queued email once, with the Message-ID fixed on its first attempt")
        .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sentIds.keySet());
    assertThat(Mailboxes.to(smtp, one.email())).hasSize(3);
    assertThat(Mailboxes.to(smtp, two.email())).hasSize(3);
  }

  record OutboxRow(String status, int attempts, String lastError, String messageId) {
  }

  List<OutboxRow> rows() {
    List<OutboxRow> out = new ArrayList<>();
    for (Row r : node.parley().platform().pool()
        .query("select status, attempts, last_error, message_id from outbox where kind = 'notification' order by created_at").execute().await()) {
      out.add(new OutboxRow(r.getString("status"), r.getInteger("attempts"), r.getString("last_error"), r.getString("message_id")));
    }
    return out;
  }
}
