package dev.parley.inbound;

import dev.parley.ParleyConfig;
import dev.parley.Platform;
import dev.parley.notify.ReplyTokens;
import dev.parley.testing.Api;
import dev.parley.testing.ClamdServer;
import dev.parley.testing.FileUploads;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The files of emailed replies go through the same real clamd as uploads. */
class EmailAttachmentScanTest {

  static ClamdServer clamd;
  static int clamdPort;
  static TestNode node;
  static Platform platform;
  static Api api;
  static Fixtures.Company acme;
  static Fixtures.Person staff;

  @BeforeAll
  static void start() {
    assumeTrue(ClamdServer.binary() != null, "clamd is not installed (apt-get install clamav-daemon)");
    clamdPort = TestNode.freePort();
    clamd = ClamdServer.start(clamdPort);
    node = TestNode.start(Map.of(ParleyConfig.CLAMAV_HOST, "127.0.0.1", ParleyConfig.CLAMAV_PORT, Integer.toString(clamdPort)));
    platform = node.parley().platform();
    api = node.api();
    acme = node.fixtures().company("Acme");
    staff = acme.staff("Sam Staff");
    Api.Response on = acme.admin("Ada Admin").login(api).put("/api/settings/company", new JsonObject().put("convenienceMode", true));
    assertThat(on.status()).as(on.toString()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (clamd != null) {
      clamd.close();
    }
  }

  /** A client's reply address on a new thread with Sam. */
  static String[] conversation(String clientName) {
    Fixtures.Person client = acme.client(clientName, staff);
    Api.Response sent = staff.login(api).post("/api/threads", new JsonObject().put("to", new JsonArray().add(client.sid()))
        .put("subject", "Forms").put("bodyHtml", "<p>Please send the forms.</p>"));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
    String threadId = sent.json().getJsonObject("thread").getString("id");
    String token = new ReplyTokens(platform.secrets().replyToken())
        .issue(platform.pool(), acme.id, client.id(), UUID.fromString(threadId)).await();
    return new String[] {client.email(), ReplyTokens.address(token, platform.config().replyDomain()), threadId};
  }

  static byte[] replyWith(String[] c, String name, String type, byte[] bytes) {
    return Mails.fixture("reply-with-two-files.eml", Map.of("FROM", c[0], "TO", c[1], "MESSAGE_ID",
        UUID.randomUUID() + "@mail.example.test", "NAME2", name, "TYPE2", type,
        "BASE64_2", Base64.getMimeEncoder().encodeToString(bytes)));
  }

  static JsonArray messages(String threadId) {
    return staff.login(api).get("/api/threads/" + threadId).json().getJsonArray("messages");
  }

  @Test
  void anInfectedFileIsLeftOutTheNoteSaysWhyAndTheRestLands() {
    String[] c = conversation("Ivan Infected");
    Mails.Answer a = Mails.webhook(node, replyWith(c, "notes.txt", "text/plain", FileUploads.eicar()));
    assertThat(a.json().getString("outcome")).as(a.body()).isEqualTo("posted");
    JsonObject reply = messages(c[2]).getJsonObject(1);
    assertThat(reply.getString("note")).isEqualTo("Sent by email; not included: notes.txt (the virus scanner found malware in it).");
    assertThat(reply.getJsonArray("attachments")).hasSize(1);
    assertThat(reply.getJsonArray("attachments").getJsonObject(0).getString("name")).isEqualTo("form.pdf");
    assertThat(Mails.count(platform, "select count(*) from attachments where name = 'notes.txt'")).isZero();
    assertThat(Mails.count(platform, "select count(*) from audit_log where action = 'files.infected'")).isEqualTo(1);
  }

  @Test
  void aReplyArrivingWhileTheScannerIsDownIsTakenAgainLaterWithItsFiles() {
    String[] c = conversation("Dora Down");
    byte[] raw = replyWith(c, "answers.pdf", "application/pdf", FileUploads.pdf(3000));
    clamd.close();
    try {
      Mails.Answer down = Mails.webhook(node, raw);
      assertThat(down.status()).as(down.body()).isEqualTo(503);
      assertThat(messages(c[2])).hasSize(1);
      assertThat(Mails.count(platform, "select count(*) from attachments where name = 'answers.pdf'")).isZero();
    } finally {
      clamd = ClamdServer.start(clamdPort);
    }

    Mails.Answer again = Mails.webhook(node, raw);
    assertThat(again.json().getString("outcome")).as(again.body()).isEqualTo("posted");
    JsonObject reply = messages(c[2]).getJsonObject(1);
    assertThat(reply.containsKey("note")).as(reply.encode()).isFalse();
    assertThat(reply.getJsonArray("attachments").stream().map(o -> ((JsonObject) o).getString("name")))
        .containsExactly("form.pdf", "answers.pdf");
  }
}
