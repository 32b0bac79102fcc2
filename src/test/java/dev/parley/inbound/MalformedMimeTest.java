package dev.parley.inbound;

import dev.parley.Platform;
import dev.parley.notify.ReplyTokens;
import dev.parley.testing.Api;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Broken, hostile and oversized MIME is rejected or handled, never thrown, within bounded time and memory. */
class MalformedMimeTest {

  static final long MAX_MILLIS = 3_000;
  static final long MAX_ALLOCATED_BYTES = 256L * 1024 * 1024;
  static final String[] FILES = {"bad-boundary.eml", "missing-end-boundary.eml", "no-boundary-parameter.eml",
      "empty-boundary.eml", "broken-base64.eml", "broken-quoted-printable.eml", "unknown-charset.eml",
      "unknown-transfer-encoding.eml", "broken-encoded-words.eml", "headers-without-colons.eml", "broken-addresses.eml",
      "bad-content-type.eml", "nested-message-rfc822.eml", "nul-and-invalid-utf8.eml", "no-headers.eml"};

  static TestNode node;
  static String from;
  static String to;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    Platform platform = node.parley().platform();
    Fixtures.Company c = node.fixtures().company("Corpus");
    Fixtures.Person admin = c.admin("Ada Admin");
    Fixtures.Person staff = c.staff("Sam Staff");
    Fixtures.Person client = c.client("Chris Client", staff);
    Api api = node.api();
    admin.login(api).put("/api/settings/company", new JsonObject().put("convenienceMode", true));
    String threadId = staff.login(api).post("/api/threads", new JsonObject().put("to", new JsonArray().add(client.sid()))
        .put("subject", "Corpus").put("bodyHtml", "<p>Hello</p>")).json().getJsonObject("thread").getString("id");
    String token = new ReplyTokens(platform.secrets().replyToken())
        .issue(platform.pool(), c.id, client.id(), UUID.fromString(threadId)).await();
    from = client.email();
    to = ReplyTokens.address(token, platform.config().replyDomain());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static Map<String, byte[]> corpus() {
    Map<String, byte[]> all = new LinkedHashMap<>();
    for (String f : FILES) {
      all.put(f, Mails.fixture("malformed/" + f, Map.of("FROM", from, "TO", to, "MESSAGE_ID", UUID.randomUUID() + "@x.test")));
    }
    all.put("one huge header (300 KB)", bytes(head() + "X-Huge: " + "a".repeat(300 * 1024) + "\r\n\r\nbody\r\n"));
    all.put("header block without end (300 KB)", bytes(head() + "X-Folded: start\r\n" + " folded\r\n".repeat(40_000)));
    all.put("4,000 headers", bytes(head() + "X-Many: value\r\n".repeat(4_000) + "\r\nbody\r\n"));
    all.put("To with 20,000 addresses", bytes("MIME-Version: 1.0\r\nFrom: " + from + "\r\nTo: " + to
        + ", a@b.test".repeat(20_000) + "\r\n\r\nhello\r\n"));
    all.put("multipart nested 2,000 deep", bytes(head() + nested(2_000)));
    all.put("multipart nested 9 deep (over the limit)", bytes(head() + nested(9)));
    all.put("5,000 sibling parts", bytes(head() + wide(5_000)));
    all.put("150 sibling parts", bytes(head() + wide(150)));
    all.put("5 MB line", bytes(head() + "Content-Type: text/plain\r\n\r\n" + "x".repeat(5 * 1024 * 1024)));
    all.put("8 MB base64 text", bytes(head() + "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + "QUJD\r\n".repeat(1_300_000)));
    byte[] noise = new byte[1024 * 1024];
    new Random(7).nextBytes(noise);
    all.put("1 MB of random bytes", noise);
    all.put("just over 10 MB", new byte[MimeReader.MAX_RAW_BYTES + 1]);
    all.put("empty", new byte[0]);
    return all;
  }

  static String head() {
    return "MIME-Version: 1.0\r\nFrom: " + from + "\r\nTo: " + to + "\r\nMessage-ID: <" + UUID.randomUUID() + "@x.test>\r\n";
  }

  static String nested(int depth) {
    StringBuilder open = new StringBuilder("Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
    for (int i = 1; i <= depth; i++) {
      open.append("--b").append(i - 1).append("\r\nContent-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n");
    }
    open.append("--b").append(depth).append("\r\nContent-Type: text/plain\r\n\r\ndeep text\r\n");
    for (int i = depth; i >= 0; i--) {
      open.append("--b").append(i).append("--\r\n");
    }
    return open.toString();
  }

  static String wide(int parts) {
    StringBuilder b = new StringBuilder("Content-Type: multipart/mixed; boundary=\"w\"\r\n\r\n");
    for (int i = 0; i < parts; i++) {
      b.append("--w\r\nContent-Type: text/plain\r\n\r\npart ").append(i).append("\r\n");
    }
    return b.append("--w--\r\n").toString();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void everyMessageOfTheCorpusIsReadOrRejectedWithinBounds() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    for (Map.Entry<String, byte[]> e : corpus().entrySet()) {
      long allocatedBefore = threads.getThreadAllocatedBytes(thread);
      long start = System.nanoTime();
      String result;
      try {
        InboundEmail mail = MimeReader.read(e.getValue());
        result = "read (" + (mail.text() == null ? 0 : mail.text().length()) + " chars, " + mail.attachments() + " other parts"
            + (mail.textTooLong() ? ", text cut" : "") + ")";
        Quotes.strip(mail.text());
      } catch (Malformed m) {
        result = "rejected: " + m.getMessage();
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;
      System.out.printf("inbound corpus: %-42s %5d ms %6d KB allocated  %s%n", e.getKey(), millis, allocated / 1024, result);
      assertThat(millis).as(e.getKey()).isLessThan(MAX_MILLIS);
      assertThat(allocated).as(e.getKey()).isLessThan(MAX_ALLOCATED_BYTES);
    }
  }

  @Test
  void theLimitsRejectWhatTheyPromise() {
    Map<String, byte[]> all = corpus();
    for (String rejected : new String[] {"one huge header (300 KB)", "header block without end (300 KB)",
        "multipart nested 2,000 deep", "multipart nested 9 deep (over the limit)", "5,000 sibling parts", "just over 10 MB", "empty"}) {
      try {
        MimeReader.read(all.get(rejected));
        throw new AssertionError(rejected + " was read");
      } catch (Malformed expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  @Test
  void theWebhookAnswersEveryMessageOfTheCorpusWithoutAServerError() {
    for (Map.Entry<String, byte[]> e : corpus().entrySet()) {
      if (e.getValue().length == 0) {
        continue;
      }
      Mails.Answer a = Mails.webhook(node, e.getValue());
      System.out.printf("inbound corpus via webhook: %-42s %d %s%n", e.getKey(), a.status(),
          a.body().length() > 80 ? a.body().substring(0, 80) : a.body());
      assertThat(a.status()).as(e.getKey() + ": " + a.body()).isIn(202, 400, 413);
    }
    assertThat(node.api().get("/ready").status()).isEqualTo(200);
  }
}
