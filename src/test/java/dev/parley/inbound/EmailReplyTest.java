package dev.parley.inbound;

import com.icegreen.greenmail.util.GreenMail;
import dev.parley.ParleyConfig;
import dev.parley.Platform;
import dev.parley.embedded.EmbeddedMailServer;
import dev.parley.notify.ReplyTokens;
import dev.parley.testing.Api;
import dev.parley.testing.Feed;
import dev.parley.testing.Fixtures;
import dev.parley.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Replies by email, end to end: real SMTP and IMAP (GreenMail), real PostgreSQL, the real write path. */
class EmailReplyTest {

  static TestNode node;
  static Platform platform;
  static Api api;
  static GreenMail mail;
  static Fixtures.Company acme;
  static Fixtures.Person admin;
  static Fixtures.Person staff;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(ParleyConfig.IMAP_POLL_SECONDS, "1"));
    platform = node.parley().platform();
    api = node.api();
    mail = platform.mail().embedded().greenMail();
    acme = node.fixtures().company("Acme");
    admin = acme.admin("Ada Admin");
    staff = acme.staff("Sam Staff");
    Api.Response on = admin.login(api).put("/api/settings/company", new JsonObject().put("convenienceMode", true));
    assertThat(on.status()).as(on.toString()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** A thread a staff member started with a client, and the client's reply address for it. */
  record Conversation(Fixtures.Person client, Fixtures.Person staff, String threadId, String replyAddress) {
  }

  /** The emails GreenMail received for an address. */
  static List<MimeMessage> mailTo(String address) {
    List<MimeMessage> out = new ArrayList<>();
    for (MimeMessage m : mail.getReceivedMessages()) {
      try {
        for (jakarta.mail.Address a : m.getAllRecipients()) {
          if (a.toString().toLowerCase().contains(address.toLowerCase())) {
            out.add(m);
            break;
          }
        }
      } catch (jakarta.mail.MessagingException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  static String header(MimeMessage m, String name) {
    try {
      return m.getHeader(name, ",");
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Convenience Mode thread: the reply address is read from the client's notification email. */
  static Conversation conversation(String clientName) {
    Fixtures.Person client = acme.client(clientName, staff);
    String threadId = startThread(staff, client, clientName);
    await().atMost(Duration.ofSeconds(15)).until(() -> !mailTo(client.email()).isEmpty());
    MimeMessage notification = mailTo(client.email()).get(0);
    assertThat(header(notification, "Auto-Submitted")).isEqualTo("auto-generated");
    String replyTo = header(notification, "Reply-To");
    assertThat(replyTo).startsWith("reply+").endsWith("@" + platform.config().replyDomain());
    return new Conversation(client, staff, threadId, replyTo);
  }

  static String startThread(Fixtures.Person from, Fixtures.Person client, String clientName) {
    Api.Response sent = from.login(api).post("/api/threads", new JsonObject()
        .put("to", new JsonArray().add(client.sid()))
        .put("subject", "Quarterly review")
        .put("bodyHtml", "<p>Hello " + clientName + ", your statements are ready.</p>"));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
    return sent.json().getJsonObject("thread").getString("id");
  }

  /**
   * A thread of a company in Secure Mode: its notification has no reply address, so one is issued
   * here as it was while the mode was on.
   */
  static Conversation conversation(Fixtures.Company company, Fixtures.Person from, String clientName) {
    Fixtures.Person client = company.client(clientName, from);
    String threadId = startThread(from, client, clientName);
    String token = new ReplyTokens(platform.secrets().replyToken())
        .issue(platform.pool(), company.id, client.id(), UUID.fromString(threadId)).await();
    return new Conversation(client, from, threadId, ReplyTokens.address(token, platform.config().replyDomain()));
  }

  /** Delivers by SMTP to the reply address and waits until the poller has taken it. */
  static void deliverAndWait(byte[] raw, String envelopeFrom, String to) {
    var replies = Mails.inbox(mail, EmbeddedMailServer.repliesLogin(platform.config().replyDomain()));
    long before = Mails.lastUid(replies);
    Mails.smtp(platform.mail().smtpPort(), envelopeFrom, to, raw);
    await().atMost(Duration.ofSeconds(10)).until(() -> Mails.lastUid(replies) > before);
    long delivered = Mails.lastUid(replies);
    await().atMost(Duration.ofSeconds(10)).until(() -> Mails.takenUid(platform) >= delivered);
  }

  static long unsentMailTo(String address) {
    return Mails.count(platform, "select count(*) from outbox where status <> 'sent' and (payload->>'address' = $1 "
        + "or recipient_id in (select id from users where email = $1))", address);
  }

  static List<Row> emailMessages(String threadId) {
    List<Row> out = new ArrayList<>();
    platform.pool().preparedQuery("select id, sender_id, body_text, body_html, note from messages "
            + "where thread_id = $1 and source = 'email' order by created_at")
        .execute(Tuple.of(UUID.fromString(threadId))).await().forEach(out::add);
    return out;
  }

  static List<JsonObject> refusals(String address) {
    List<JsonObject> out = new ArrayList<>();
    platform.pool().preparedQuery("select payload, recipient_id from outbox where kind = 'reply_refused' and payload->>'address' = $1")
        .execute(Tuple.of(address)).await()
        .forEach(r -> out.add(r.getJsonObject("payload").copy()
            .put("recipientId", r.getUUID("recipient_id") == null ? null : r.getUUID("recipient_id").toString())));
    return out;
  }

  static JsonObject messageAs(Fixtures.Person viewer, String threadId, String messageId) {
    JsonArray messages = viewer.login(api).get("/api/threads/" + threadId).json().getJsonArray("messages");
    for (Object o : messages) {
      if (((JsonObject) o).getString("id").equals(messageId)) {
        return (JsonObject) o;
      }
    }
    return null;
  }

  @Test
  void aGmailReplyLandsInItsThreadWithOnlyTheNewTextFromTheClient() {
    Conversation c = conversation("Chris Client");
    byte[] raw = Mails.fixture("gmail-reply.eml", c.client().email(), c.replyAddress());

    long sentAt = System.nanoTime();
    Mails.smtp(platform.mail().smtpPort(), c.client().email(), c.replyAddress(), raw);
    await().atMost(Duration.ofSeconds(10)).until(() -> emailMessages(c.threadId()).size() == 1);
    long millis = (System.nanoTime() - sentAt) / 1_000_000;
    System.out.println("inbound: SMTP delivery to reply visible in the thread took " + millis + " ms");

    Row m = emailMessages(c.threadId()).get(0);
    assertThat(m.getString("body_text"))
        .isEqualTo("Thanks Sam, the statement looks right. I will sign the form tomorrow \u2014 can you confirm the fee?");
    assertThat(m.getUUID("sender_id")).isEqualTo(c.client().id());
    String messageId = m.getUUID("id").toString();

    JsonObject seenByStaff = messageAs(staff, c.threadId(), messageId);
    assertThat(seenByStaff).isNotNull();
    assertThat(seenByStaff.getString("source")).isEqualTo("email");
    assertThat(seenByStaff.getJsonObject("sender").getString("id")).isEqualTo(c.client().sid());
    assertThat(seenByStaff.getString("bodyHtml")).contains("confirm the fee").doesNotContain("wrote", "statements are ready");
    assertThat(seenByStaff.getString("note")).isNull();
    assertThat(seenByStaff.getString("quotedHtml")).as("the quoted history, kept apart and shown on request")
        .contains("wrote:", "Hello Chris, your statements are ready.");
    assertThat(messageAs(c.client(), c.threadId(), messageId).getString("quotedHtml")).contains("your statements are ready");

    Feed.untilMessage(staff.login(api), "0", messageId);
    assertThat(Mails.count(platform, "select count(*) from outbox where kind = 'notification' and recipient_id = $1 "
        + "and payload->>'messageId' = $2", staff.id(), messageId)).isEqualTo(1);
    await().atMost(Duration.ofSeconds(15)).until(() -> mailTo(staff.email()).stream()
        .anyMatch(n -> String.valueOf(header(n, "Message-ID")).contains(messageId)));
  }

  @Test
  void aReplyWrittenBelowAnUnquotedAttributionIsPostedWholeRatherThanRefusedAsEmpty() {
    Conversation c = conversation("Una Unquoted");
    String raw = "From: Una Unquoted <" + c.client().email() + ">\r\nTo: " + c.replyAddress() + "\r\n"
        + "Subject: Re: Quarterly review\r\nMessage-ID: <" + UUID.randomUUID() + "@mail.example.test>\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
        + "On Tue, 4 Mar 2025 at 09:58, Sam Staff via Parley <" + c.replyAddress() + "> wrote:\r\n"
        + "I agree with the plan, see you on Friday.\r\n";
    Mails.Answer a = Mails.webhook(node, raw.getBytes(StandardCharsets.UTF_8));
    assertThat(a.status()).as(a.body()).isEqualTo(202);
    assertThat(a.json().getString("outcome")).as(a.body()).isEqualTo("posted");
    assertThat(emailMessages(c.threadId())).hasSize(1);
    assertThat(emailMessages(c.threadId()).get(0).getString("body_text")).contains("I agree with the plan, see you on Friday.");
  }

  /**
   * The explanatory email reached the address (besides the notification a client already had), and
   * nothing more will: every outbox row for the address has been sent (the mail server holds a mail
   * before the row is marked sent), so the count of mails received is final.
   */
  static void awaitExplanation(String address, int mailsExpected) {
    await().atMost(Duration.ofSeconds(15)).until(() -> mailTo(address).size() >= mailsExpected && unsentMailTo(address) == 0);
    assertThat(mailTo(address)).hasSize(mailsExpected);
    MimeMessage told = mailTo(address).get(mailsExpected - 1);
    assertThat(header(told, "Auto-Submitted")).isIn("auto-replied", "auto-generated");
    assertThat(header(told, "Reply-To")).isNull();
  }

  @Test
  void aReplyWithAChangedTokenCreatesNothingAndIsExplainedOnce() {
    Conversation c = conversation("Tina Token");
    String address = c.replyAddress();
    int at = address.indexOf('@');
    char last = address.charAt(at - 1);
    String changed = address.substring(0, at - 1) + (last == '0' ? '1' : '0') + address.substring(at);

    deliverAndWait(Mails.fixture("gmail-reply.eml", c.client().email(), changed), c.client().email(), changed);

    assertThat(emailMessages(c.threadId())).isEmpty();
    List<JsonObject> told = refusals(c.client().email());
    assertThat(told).hasSize(1);
    assertThat(told.get(0).getString("reason")).isEqualTo("bad_token");
    assertThat(told.get(0).getString("recipientId")).isEqualTo(c.client().sid());
    awaitExplanation(c.client().email(), 2);
  }

  @Test
  void aReplyFromAnotherAddressCreatesNothingAndIsExplainedOnce() {
    Conversation c = conversation("Olga Other");
    String stranger = "someone.else." + UUID.randomUUID() + "@elsewhere.test";

    deliverAndWait(Mails.fixture("gmail-reply.eml", stranger, c.replyAddress()), stranger, c.replyAddress());

    assertThat(emailMessages(c.threadId())).isEmpty();
    List<JsonObject> told = refusals(stranger);
    assertThat(told).hasSize(1);
    assertThat(told.get(0).getString("reason")).isEqualTo("wrong_sender");
    assertThat(told.get(0).getString("recipientId")).isNull();
    assertThat(refusals(c.client().email())).isEmpty();
    awaitExplanation(stranger, 1);
  }

  @Test
  void aReplyToAThreadTheClientHasLeftCreatesNothingAndIsExplainedOnce() {
    Conversation c = conversation("Lea Left");
    platform.pool().preparedQuery("update thread_participants set left_at = now() where thread_id = $1 and user_id = $2")
        .execute(Tuple.of(UUID.fromString(c.threadId()), c.client().id())).await();

    deliverAndWait(Mails.fixture("gmail-reply.eml", c.client().email(), c.replyAddress()), c.client().email(), c.replyAddress());

    assertThat(emailMessages(c.threadId())).isEmpty();
    List<JsonObject> told = refusals(c.client().email());
    assertThat(told).hasSize(1);
    assertThat(told.get(0).getString("reason")).isEqualTo("left_thread");
    awaitExplanation(c.client().email(), 2);
  }

  @Test
  void aReplyWhileConvenienceModeIsOffCreatesNothingAndIsExplainedOnce() {
    Fixtures.Company secure = node.fixtures().company("Secure Co");
    Fixtures.Person secureStaff = secure.staff("Steve Secure");
    Conversation c = conversation(secure, secureStaff, "Mo Modeoff");

    deliverAndWait(Mails.fixture("gmail-reply.eml", c.client().email(), c.replyAddress()), c.client().email(), c.replyAddress());

    assertThat(emailMessages(c.threadId())).isEmpty();
    List<JsonObject> told = refusals(c.client().email());
    assertThat(told).hasSize(1);
    assertThat(told.get(0).getString("reason")).isEqualTo("convenience_mode_off");
    awaitExplanation(c.client().email(), 2);
  }

  @Test
  void refusalsToOneAddressAreRateLimited() {
    Conversation c = conversation("Rita Repeat");
    platform.pool().preparedQuery("update thread_participants set left_at = now() where thread_id = $1 and user_id = $2")
        .execute(Tuple.of(UUID.fromString(c.threadId()), c.client().id())).await();

    for (int i = 0; i < 3; i++) {
      Mails.Answer a = Mails.webhook(node, Mails.fixture("gmail-reply.eml", c.client().email(), c.replyAddress()));
      assertThat(a.status()).isEqualTo(202);
      assertThat(a.json().getString("outcome")).isEqualTo("refused");
    }
    assertThat(refusals(c.client().email())).hasSize(1);
    assertThat(Mails.count(platform, "select count(*) from inbound_emails where status = 'refused' and user_id = $1",
        c.client().id())).isEqualTo(3);
    awaitExplanation(c.client().email(), 2);
  }

  @Test
  void autoRepliesAndBouncesCreateNothingAndSendNothing() {
    Conversation c = conversation("Otto Office");
    List<String> automatic = List.of("auto-reply-vacation.eml", "auto-reply-x-autoreply.eml", "auto-reply-x-autorespond.eml",
        "precedence-bulk.eml", "bounce-dsn.eml", "bounce-bare-report.eml", "bounce-null-return-path.eml");
    long outboxBefore = Mails.count(platform, "select count(*) from outbox");
    for (String fixture : automatic) {
      deliverAndWait(Mails.fixture(fixture, c.client().email(), c.replyAddress()), c.client().email(), c.replyAddress());
      Mails.Answer a = Mails.webhook(node, Mails.fixture(fixture, c.client().email(), c.replyAddress()));
      assertThat(a.status()).as(fixture).isEqualTo(202);
      assertThat(a.json().getString("outcome")).as(fixture).isEqualTo("dropped");
    }
    assertThat(emailMessages(c.threadId())).isEmpty();
    assertThat(Mails.count(platform, "select count(*) from outbox")).isEqualTo(outboxBefore);
    assertThat(Mails.count(platform, "select count(*) from inbound_emails where user_id = $1", c.client().id())).isZero();
    assertThat(mailTo(c.client().email())).hasSize(1);
  }

  @Test
  void theSameEmailPostedTwiceAndDeliveredOnceMoreOverImapYieldsOneMessage() {
    Conversation c = conversation("Dora Double");
    byte[] raw = Mails.fixture("outlook-reply.eml", c.client().email(), c.replyAddress());
    long now = System.currentTimeMillis() / 1000;

    Mails.Answer first = Mails.webhook(node, raw, now);
    Mails.Answer second = Mails.webhook(node, raw, now - 1);
    assertThat(first.status()).as(first.body()).isEqualTo(202);
    assertThat(first.json().getString("outcome")).isEqualTo("posted");
    assertThat(second.status()).isEqualTo(202);
    assertThat(second.json().getString("outcome")).isEqualTo("duplicate");
    deliverAndWait(raw, c.client().email(), c.replyAddress());

    List<Row> messages = emailMessages(c.threadId());
    assertThat(messages).hasSize(1);
    assertThat(messages.get(0).getString("body_text")).isEqualTo("Hi Sam,\nPlease find my answers below.\nRegards, Chris");
  }

  @Test
  void aMessageWithoutMessageIdIsDeduplicatedByItsRawBytes() {
    Conversation c = conversation("Nina Noid");
    String raw = new String(Mails.fixture("thunderbird-reply.eml", c.client().email(), c.replyAddress()), StandardCharsets.ISO_8859_1)
        .replaceFirst("(?m)^Message-ID: .*\\n", "");
    byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
    assertThat(Mails.webhook(node, bytes).json().getString("outcome")).isEqualTo("posted");
    assertThat(Mails.webhook(node, bytes).json().getString("outcome")).isEqualTo("duplicate");
    assertThat(emailMessages(c.threadId())).hasSize(1);
    assertThat(emailMessages(c.threadId()).get(0).getString("body_text")).isEqualTo("Got them, thanks.");
  }

  /** The PDF attached to the reply fixtures, as its sender's mail program encoded it. */
  static final byte[] FORM_PDF = java.util.Base64.getDecoder().decode(
      "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKdHJhaWxlcgo8PD4+CiUlRU9GCg==");

  @Test
  void aReplysPdfAndImageLandInTheThreadWithTheirFiles() {
    Conversation c = conversation("Anna Attach");
    Mails.Answer a = Mails.webhook(node, Mails.fixture("reply-with-attachments.eml", c.client().email(), c.replyAddress()));
    assertThat(a.json().getString("outcome")).isEqualTo("posted");
    Row m = emailMessages(c.threadId()).get(0);
    assertThat(m.getString("body_text")).isEqualTo("Here are the signed forms.");
    JsonObject seen = messageAs(c.staff(), c.threadId(), m.getUUID("id").toString());
    assertThat(seen.containsKey("note")).as(seen.encode()).isFalse();
    JsonArray files = seen.getJsonArray("attachments");
    assertThat(files).hasSize(2);
    assertThat(files.getJsonObject(0).getString("name")).isEqualTo("form.pdf");
    assertThat(files.getJsonObject(0).getString("type")).isEqualTo("application/pdf");
    assertThat(files.getJsonObject(1).getString("name")).isEqualTo("scan.png");
    assertThat(files.getJsonObject(1).getString("type")).isEqualTo("image/png");
    dev.parley.testing.FileUploads.Download d = dev.parley.testing.FileUploads.download(c.staff().login(api),
        files.getJsonObject(0).getString("id"));
    assertThat(d.status()).isEqualTo(200);
    assertThat(dev.parley.testing.FileUploads.sha256(d.body())).isEqualTo(dev.parley.testing.FileUploads.sha256(FORM_PDF));
  }

  @Test
  void aFileOfATypeNotAllowedIsLeftOutAndTheNoteNamesItAndWhy() {
    Conversation c = conversation("Pablo Program");
    byte[] raw = Mails.fixture("reply-with-two-files.eml", Map.of("FROM", c.client().email(), "TO", c.replyAddress(),
        "MESSAGE_ID", UUID.randomUUID() + "@mail.example.test", "NAME2", "setup.exe", "TYPE2", "application/pdf",
        "BASE64_2", java.util.Base64.getMimeEncoder().encodeToString(dev.parley.testing.FileUploads.exe())));
    Mails.Answer a = Mails.webhook(node, raw);
    assertThat(a.json().getString("outcome")).isEqualTo("posted");
    Row m = emailMessages(c.threadId()).get(0);
    JsonObject seen = messageAs(c.client(), c.threadId(), m.getUUID("id").toString());
    assertThat(seen.getString("note")).isEqualTo("Sent by email; not included: setup.exe (a type of file that cannot be attached).");
    assertThat(seen.getJsonArray("attachments")).hasSize(1);
    assertThat(seen.getJsonArray("attachments").getJsonObject(0).getString("name")).isEqualTo("form.pdf");
    assertThat(Mails.count(platform, "select count(*) from attachments where name = 'setup.exe'")).isZero();
  }

  @Test
  void htmlOnlyRepliesAreSanitizedAndLoseTheirQuote() {
    Conversation c = conversation("Hugo Html");
    Mails.Answer a = Mails.webhook(node, Mails.fixture("gmail-html-only.eml", c.client().email(), c.replyAddress()));
    assertThat(a.json().getString("outcome")).isEqualTo("posted");
    Row m = emailMessages(c.threadId()).get(0);
    assertThat(m.getString("body_text")).isEqualTo("Fine by me.\nSee you Thursday & thanks!");
    assertThat(m.getString("body_html")).doesNotContain("script", "Shall we meet");
  }

  @Test
  void theWebhookRefusesBadSignaturesStaleTimestampsReplaysAndOtherContent() {
    Conversation c = conversation("Wes Webhook");
    byte[] raw = Mails.fixture("gmail-reply.eml", c.client().email(), c.replyAddress());
    String ts = Long.toString(System.currentTimeMillis() / 1000);
    String good = new WebhookSignature(platform.secrets().inboundWebhook()).sign(ts, raw);
    String forged = new WebhookSignature("not the secret".getBytes(StandardCharsets.UTF_8)).sign(ts, raw);

    assertThat(Mails.post(node, raw, ts, forged, "message/rfc822").status()).isEqualTo(401);
    assertThat(Mails.post(node, raw, ts, null, "message/rfc822").status()).isEqualTo(401);
    assertThat(Mails.post(node, raw, null, good, "message/rfc822").status()).isEqualTo(401);
    assertThat(Mails.webhook(node, raw, System.currentTimeMillis() / 1000 - 400).status()).isEqualTo(401);
    assertThat(Mails.webhook(node, raw, System.currentTimeMillis() / 1000 + 400).status()).isEqualTo(401);
    assertThat(Mails.post(node, raw, ts, good, "application/json").status()).isEqualTo(415);
    assertThat(emailMessages(c.threadId())).isEmpty();

    assertThat(Mails.post(node, raw, ts, good, "message/rfc822").status()).isEqualTo(202);
    Mails.Answer replay = Mails.post(node, raw, ts, good, "message/rfc822");
    assertThat(replay.status()).isEqualTo(409);
    assertThat(replay.json().getString("error")).isEqualTo("replayed");
    assertThat(emailMessages(c.threadId())).hasSize(1);
  }

  @Test
  void theWebhookTakesMessagesLargerThanTheJsonLimitButNotBeyondItsOwn() {
    Conversation c = conversation("Bea Big");
    String big = new String(Mails.fixture("reply-with-attachments.eml", c.client().email(), c.replyAddress()),
        StandardCharsets.ISO_8859_1).replace("iVBORw0KGgo=", "QUFB\n".repeat(200_000));
    Mails.Answer a = Mails.webhook(node, big.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(a.status()).as(a.body()).isEqualTo(202);
    assertThat(a.json().getString("outcome")).isEqualTo("posted");

    byte[] huge = new byte[MimeReader.MAX_RAW_BYTES + 1024];
    java.util.Arrays.fill(huge, (byte) 'a');
    assertThat(Mails.webhook(node, huge).status()).isEqualTo(413);
  }

  @Test
  void mailToOtherAddressesStaysReadableByThatAddress() throws Exception {
    String someone = "someone." + UUID.randomUUID() + "@example.test";
    Mails.smtp(platform.mail().smtpPort(), "sender@example.test", someone,
        Mails.fixture("thunderbird-reply.eml", "sender@example.test", someone));
    Properties p = new Properties();
    Session session = Session.getInstance(p);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      try (Store store = session.getStore("imap")) {
        store.connect("127.0.0.1", platform.mail().imapPort(), someone, someone);
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        assertThat(inbox.getMessageCount()).isEqualTo(1);
        inbox.close(false);
      }
    });
  }
}
