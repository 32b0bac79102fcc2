package dev.parley.inbound;

import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import dev.parley.Platform;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Emails for inbound tests: fixtures, SMTP delivery, the signed webhook, and what the replies mailbox holds. */
final class Mails {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Mails() {
  }

  /** A fixture under {@code inbound/} with {{FROM}}, {{TO}} and {{MESSAGE_ID}} filled in. */
  static byte[] fixture(String name, String from, String to) {
    return fixture(name, Map.of("FROM", from, "TO", to, "MESSAGE_ID", UUID.randomUUID() + "@mail.example.test"));
  }

  static byte[] fixture(String name, Map<String, String> vars) {
    try (InputStream in = Mails.class.getResourceAsStream("/inbound/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      for (Map.Entry<String, String> e : vars.entrySet()) {
        text = text.replace("{{" + e.getKey() + "}}", e.getValue());
      }
      return text.getBytes(StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Delivers a raw message by SMTP exactly as it is (its own Message-ID kept), from {@code envelopeFrom} to {@code to}. */
  static void smtp(int port, String envelopeFrom, String to, byte[] raw) {
    Properties p = new Properties();
    p.setProperty("mail.smtp.host", "127.0.0.1");
    p.setProperty("mail.smtp.port", Integer.toString(port));
    p.setProperty("mail.smtp.from", envelopeFrom);
    Session session = Session.getInstance(p);
    try (Transport t = session.getTransport("smtp")) {
      MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(raw));
      t.connect();
      t.sendMessage(m, new InternetAddress[] {new InternetAddress(to)});
    } catch (Exception e) {
      throw new IllegalStateException("SMTP delivery failed: " + e, e);
    }
  }

  /** The webhook's answer. */
  record Answer(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** The timestamps each email (by its bytes) was posted with: two posts of one email must not share one. */
  private static final Map<String, Set<Long>> POSTED_AT = new ConcurrentHashMap<>();

  /**
   * Posts with a timestamp no earlier post of the same email used (now, or a few seconds back), so
   * that two posts of one email are two requests, not a replay, however the clock ticks between them.
   */
  static Answer webhook(TestNode node, byte[] raw) {
    Set<Long> used = POSTED_AT.computeIfAbsent(new String(raw, StandardCharsets.ISO_8859_1), k -> ConcurrentHashMap.newKeySet());
    long timestamp = System.currentTimeMillis() / 1000;
    while (!used.add(timestamp)) {
      timestamp--;
    }
    return webhook(node, raw, timestamp);
  }

  static Answer webhook(TestNode node, byte[] raw, long timestamp) {
    POSTED_AT.computeIfAbsent(new String(raw, StandardCharsets.ISO_8859_1), k -> ConcurrentHashMap.newKeySet()).add(timestamp);
    String ts = Long.toString(timestamp);
    String signature = new WebhookSignature(node.parley().platform().secrets().inboundWebhook()).sign(ts, raw);
    return post(node, raw, ts, signature, "message/rfc822");
  }

  static Answer post(TestNode node, byte[] raw, String timestamp, String signature, String contentType) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/inbound/email"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(raw));
    if (timestamp != null) {
      b.header(WebhookSignature.TIMESTAMP_HEADER, timestamp);
    }
    if (signature != null) {
      b.header(WebhookSignature.SIGNATURE_HEADER, signature);
    }
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The inbox of a GreenMail user. */
  static MailFolder inbox(GreenMail gm, String login) {
    try {
      GreenMailUser user = gm.getUserManager().getUser(login);
      return gm.getManagers().getImapHostManager().getInbox(user);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The highest UID in a mailbox (0 when empty). */
  static long lastUid(MailFolder folder) {
    List<StoredMessage> all = folder.getMessages();
    return all.isEmpty() ? 0 : all.get(all.size() - 1).getUid();
  }

  /** The last UID the poller has taken from any mailbox (0 before the first). */
  static long takenUid(Platform platform) {
    var rows = platform.pool().query("select coalesce(max(last_uid), 0) as uid from inbound_mailboxes").execute().await();
    return rows.iterator().next().getLong("uid");
  }

  static long count(Platform platform, String sql, Object... args) {
    var rows = platform.pool().preparedQuery(sql).execute(Tuple.wrap(args)).await();
    return rows.iterator().next().getLong(0);
  }
}
